//! End-to-end tests: the built binary, run as a CI would run it, against a mock relay on
//! 127.0.0.1. One integration-test crate; each file covers one area.

use dingtalk_notify::env::dotenv;
mod rng;
mod support;

mod ci_api;
mod ci_platforms;
mod corpus;
mod credentials;
mod delivery;
mod direct;
mod faults;
mod fuzz;
mod github;
mod hardening;
mod lang;
mod log_lang;
mod pipeline;
mod signal;
mod summaries;
mod unknown;
mod usage;
mod versions;
mod webhook_host;
mod wording;
