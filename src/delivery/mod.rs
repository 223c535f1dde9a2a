//! Delivery: the one HTTP client (`http`), the transports behind [`Transport`] (`kdocs`, through
//! the relay; `dingtalk`, straight to the robot), and `hints`, the words every failed call shares.
//! `http` knows no server; each transport owns its calls, its reply and failure types (wrapping
//! `http`'s), the words for its peer (`hints::Peer`) and what it tells the run as it sends;
//! `hints` imports no transport.
//!
//! A new transport is a module implementing [`Transport`], its line in [`ALL`], and its word
//! among the `transport` setting's choices (a test below keeps the two lists the same).

pub mod dingtalk;
pub mod hints;
pub mod http;
pub mod kdocs;

use crate::delivery::http::{Failed, Http};
use crate::error::Error;
use crate::report::Reporter;
use crate::settings::{Route, Secret, Settings};
use crate::summary::catalog::{Lang, say};
use crate::summary::message::Message;
use crate::summary::render::Summary;

/// Every transport, each found by its word in the `transport` setting.
pub const ALL: &[&dyn Transport] = &[&kdocs::Kdocs, &dingtalk::DingTalk];

/// One way to get the run's messages to the group, as the run sees it: the run names none.
pub trait Transport: Sync {
    /// Its word in the `transport` setting.
    fn name(&self) -> &'static str;

    /// What a dry run prints instead of sending, as JSON: `link` is the robot's webhook as it
    /// may be shown (redacted), `secret` whether one would sign or go along.
    fn dry_run(&self, link: &str, secret: bool, messages: &[Message]) -> String;

    /// Sends the messages, retrying what is transient and telling the run what happens (its
    /// notices, the step summary, the outputs `sent`, `code` and `msg`); the error says what
    /// failed for good.
    fn deliver(&self, run: Run<'_>) -> Result<(), Error>;
}

/// What a transport is given to send: the settings, the way chosen, and the messages.
pub struct Run<'a> {
    pub settings: &'a Settings,
    pub reporter: &'a mut Reporter,
    pub http: &'a Http,
    pub route: &'a Route,
    pub webhook: &'a Secret,
    pub messages: &'a [Message],
    pub summary: &'a Summary,
}

/// The transport named `name` in the `transport` setting.
pub fn named(name: &str, lang: Lang) -> Result<&'static dyn Transport, Error> {
    ALL.iter()
        .copied()
        .find(|t| t.name() == name)
        .ok_or_else(|| Error::usage(say(lang, "transport.not_built", &[("name", name)])))
}

/// Messages were delivered up to `sent` (that many accepted), then a request failed for good.
#[derive(Debug)]
pub struct Partial<F> {
    pub sent: usize,
    pub failed: Failed<F>,
}

/// The outputs `sent`, `code` and `msg`, the same way for every call that answered (or failed
/// with `error`): `said` is the code and message its reply gave, which `hints::answered` cleans.
pub fn outputs(reporter: &Reporter, sent: bool, said: Option<(Option<String>, Option<String>)>, error: Option<&Error>) {
    let (code, msg) = hints::answered(said.unwrap_or_default(), error);
    reporter.outputs(sent, code.as_deref(), msg.as_deref());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Choices, TransportChoice};

    #[test]
    fn every_word_of_the_transport_setting_has_its_transport_and_back() {
        let words: Vec<&str> =
            TransportChoice::ALL.iter().filter(|(_, c)| *c != TransportChoice::Auto).map(|(w, _)| *w).collect();
        let names: Vec<&str> = ALL.iter().map(|t| t.name()).collect();
        assert_eq!(words, names);
        for (word, choice) in TransportChoice::ALL {
            if let TransportChoice::Named(name) = choice {
                assert_eq!((word, named(name, Lang::En).map(Transport::name).ok()), (word, Some(*name)));
            }
        }
    }
}
