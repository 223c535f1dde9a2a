//! Delivery: the one HTTP client (`http`), the transports behind [`Transport`] (`kdocs`, through
//! the relay; `dingtalk`, straight to the robot), and `hints`, the only place that words a failed
//! call for people. `http` knows no server; each transport owns its reply and failure types,
//! wrapping `http`'s; `hints` reads them all; nothing here imports `hints`.

pub mod dingtalk;
pub mod hints;
pub mod http;
pub mod kdocs;

use crate::delivery::http::{Failed, Http, Retry, Transient};
use crate::summary::message::Message;

/// One way to get the run's messages to the group. A new transport is a module implementing
/// this, with its own reply and failure types, plus its name in the `transport` setting.
pub trait Transport {
    /// What the peer answered when it took the messages.
    type Reply;
    /// What went wrong, wrapping `http`'s failure; the retry loop asks it whether to try again.
    type Failure: Transient;

    /// What a dry run prints instead of sending, as JSON: `link` is the robot's webhook as it
    /// may be shown (redacted), `secret` whether one would sign or go along.
    fn dry_run(link: &str, secret: bool, messages: &[Message]) -> String;

    /// Sends the messages, retrying what is transient; `notice` announces a retry of the
    /// request carrying message `i` (0-based). Stops at the first request that fails for good.
    fn send(
        &self,
        http: &Http,
        messages: &[Message],
        notice: &dyn Fn(usize, &Retry<Self::Failure>),
    ) -> Result<Vec<Self::Reply>, Partial<Self::Failure>>;
}

/// Messages were delivered up to `sent` (that many accepted), then a request failed for good.
#[derive(Debug)]
pub struct Partial<F> {
    pub sent: usize,
    pub failed: Failed<F>,
}
