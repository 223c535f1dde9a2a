//! What to tell the user about an API call that failed or is retried: what could not be read,
//! what went wrong, and the CI's own advice (what to grant the token, where the address comes
//! from, from [`RunApi`]). A failure without an answer is worded as for any call
//! (`delivery::hints`).

use std::time::Duration;

use super::{Failed, Failure, Retry, RunApi};
use crate::delivery::hints::{Peer, Seen, attempts, message, retrying, shown, tls_words};
use crate::delivery::http::{self, Transient};
use crate::summary::catalog::{Lang, say};

/// The API in messages: `the GitHub API`, `GitHub API`.
pub fn api_name(rest: &dyn RunApi, lang: Lang) -> String {
    say(lang, "api.name", &[("ci", rest.name())])
}

/// The one warning line for an API call that failed: what could not be read, what went wrong,
/// and what to grant or check; the notification goes on without it. `what` names the facts
/// (`the previous run`), `origin` is the API's `scheme://host[:port]`.
pub fn warning(rest: &dyn RunApi, what: &str, failed: &Failed, origin: &str, timeout: Duration, lang: Lang) -> String {
    let name = api_name(rest, lang);
    let variable = rest.base_variable();
    let reason = match &failed.failure {
        Failure::Status { status, rate_limited: true } => say(
            lang,
            "api.rate_limited",
            &[("name", &name), ("status", &status.to_string()), ("advice", &rest.rate_limit_advice(lang))],
        ),
        Failure::Status { status: 401, .. } => rest.token_refused(lang),
        Failure::Status { status: status @ (403 | 404), .. } => rest.not_allowed(*status, lang),
        Failure::Status { status, .. } => say(lang, "api.status", &[("name", &name), ("status", &status.to_string())]),
        Failure::NotJson { status, length } => say(
            lang,
            "api.not_json",
            &[
                ("name", &name),
                ("status", &status.to_string()),
                ("length", &length.to_string()),
                ("variable", variable),
                ("origin", origin),
            ],
        ),
        Failure::OutOfTime => return out_of_time(rest, &[what.to_owned()], origin, timeout, lang),
        Failure::Call(call) if matches!(**call, http::Failure::TimedOut { .. }) => {
            say(lang, "api.timed_out", &[("origin", origin), ("secs", &timeout.as_secs_f64().to_string())])
        }
        Failure::Call(call) => match &**call {
            http::Failure::Connect { cause, .. } => {
                say(lang, "api.connect", &[("origin", origin), ("cause", &shown(cause)), ("variable", variable)])
            }
            http::Failure::Tls { problem, connecting: true } => say(
                lang,
                "api.connect.tls",
                &[("origin", origin), ("tls", &tls_words(*problem, lang)), ("variable", variable)],
            ),
            other => message(&Api(rest), &Seen::Call(other), origin, timeout, lang),
        },
    };
    let transient = failed.failure.is_transient();
    let attempts = if transient && failed.attempts > 1 { attempts(failed.attempts, lang) } else { String::new() };
    say(lang, "api.warning", &[("what", what), ("name", &name), ("reason", &reason), ("attempts", &attempts)])
}

/// The CI's API as the words shared with every call name it: what failed without an answer
/// (too large, a time-out, TLS) is told of the API and its variable.
struct Api<'a>(&'a dyn RunApi);

impl Peer for Api<'_> {
    fn who(&self, lang: Lang) -> String {
        api_name(self.0, lang)
    }

    fn refused(&self, lang: Lang) -> String {
        api_name(self.0, lang)
    }

    fn setting(&self) -> &str {
        self.0.base_variable()
    }

    fn not_json(&self, origin: &str, lang: Lang) -> String {
        say(lang, "api.check", &[("variable", self.0.base_variable()), ("origin", origin)])
    }

    // Its calls only read: nothing is at stake when one goes unanswered.
    fn not_sent_again(&self, lang: Lang) -> String {
        say(lang, "api.unanswered", &[])
    }

    fn redirect_hint(&self, to: &str, lang: Lang) -> String {
        say(lang, "api.redirect", &[("to", to), ("variable", self.0.base_variable())])
    }
}

/// The line announcing a retry of an API call.
pub fn retry_notice(rest: &dyn RunApi, retry: &Retry, origin: &str, timeout: Duration, lang: Lang) -> String {
    let what = match retry.failure {
        Failure::Status { status, .. } => {
            say(lang, "api.status", &[("name", &api_name(rest, lang)), ("status", &status.to_string())])
        }
        Failure::NotJson { status, length } => {
            message(&Api(rest), &Seen::NotJson { status: *status, length: *length }, origin, timeout, lang)
        }
        Failure::Call(call) => message(&Api(rest), &Seen::Call(call), origin, timeout, lang),
        Failure::OutOfTime => say(lang, "api.spent", &[]),
    };
    retrying(retry.attempt, retry.attempts, &what, retry.wait, lang)
}

/// The warning for a call made without a token: a refusal says the repository is private (or
/// the API wants a login) and which setting gives the token; other failures as [`warning`].
pub fn anonymous_warning(
    rest: &dyn RunApi,
    what: &str,
    failed: &Failed,
    origin: &str,
    timeout: Duration,
    lang: Lang,
) -> String {
    match (&failed.failure, rest.anonymous()) {
        (Failure::Status { status: status @ (401 | 403 | 404), rate_limited: false }, Some(setting)) => say(
            lang,
            "api.anonymous",
            &[("what", what), ("name", &api_name(rest, lang)), ("status", &status.to_string()), ("setting", setting)],
        ),
        _ => warning(rest, what, failed, origin, timeout, lang),
    }
}

/// The one warning for the facts left unknown when the run's API lookups spent their budget
/// (`timeout` in all): each is named, and what to do.
pub fn out_of_time(rest: &dyn RunApi, whats: &[String], origin: &str, budget: Duration, lang: Lang) -> String {
    let names = match whats {
        [] => say(lang, "api.nothing_more", &[]),
        [one] => one.clone(),
        [init @ .., last] => {
            let sep = if lang == Lang::ZhCn { "、" } else { ", " };
            say(lang, "api.and", &[("init", &init.join(sep)), ("last", last)])
        }
    };
    let key = if whats.len() > 1 { "api.out_of_time.them" } else { "api.out_of_time" };
    say(
        lang,
        key,
        &[
            ("names", &names),
            ("name", &api_name(rest, lang)),
            ("origin", origin),
            ("secs", &budget.as_secs_f64().to_string()),
        ],
    )
}
