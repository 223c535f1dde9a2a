//! dingtalk-notify: a CI run's summary to a DingTalk group robot, in one call to the KDocs relay
//! or straight to the robot's webhook.
//!
//! The data flows one way, and the folders say so (ARCHITECTURE.md): `settings` + the CI's
//! environment (`ci`) → one `context` → the `summary` (rendered, in the reader's language) →
//! `delivery` (HTTP, a transport, hints for what failed) → `report` (stderr, outputs). `notify`
//! runs those steps for one run; `auth` is the `kdocs-auth` command. `env`, `error` and `time`
//! are leaves every step may use.

pub mod auth;
pub mod ci;
pub mod context;
pub mod delivery;
pub mod env;
pub mod error;
pub mod notify;
pub mod report;
pub mod settings;
pub mod summary;
pub mod time;
