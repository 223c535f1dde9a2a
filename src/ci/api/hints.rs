//! What to tell the user about an API call that failed or is retried: what could not be read,
//! what went wrong, and the CI's own advice (what to grant the token, where the address comes
//! from, from [`RunApi`]). A failure without an answer is worded as for any call
//! (`delivery::hints`).

use std::time::Duration;

use super::{Failed, Failure, Retry, RunApi};
use crate::delivery::hints::{Peer, Seen, message, shown, tls_words};
use crate::delivery::http::{self, Transient};

/// The one warning line for an API call that failed: what could not be read, what went wrong,
/// and what to grant or check; the notification goes on without it. `what` names the facts
/// (`the previous run`), `origin` is the API's `scheme://host[:port]`.
pub fn warning(rest: &dyn RunApi, what: &str, failed: &Failed, origin: &str, timeout: Duration) -> String {
    let name = rest.name();
    let reason = match &failed.failure {
        Failure::Status { status, rate_limited: true } => {
            format!("{name}'s rate limit is spent (HTTP {status}); {}", rest.rate_limit_advice())
        }
        Failure::Status { status: 401, .. } => rest.token_refused(),
        Failure::Status { status: status @ (403 | 404), .. } => rest.not_allowed(*status),
        Failure::Status { status, .. } => format!("{name} answered HTTP {status}"),
        Failure::NotJson { status, length } => format!(
            "{name} answered HTTP {status} but not with JSON ({length} bytes): check {} ({origin})",
            rest.base_variable()
        ),
        Failure::OutOfTime => return out_of_time(rest, &[what.to_owned()], origin, timeout),
        Failure::Call(call) if matches!(**call, http::Failure::TimedOut { .. }) => {
            format!("no answer from {origin} within {}s: raise `timeout`, or check the network", timeout.as_secs_f64())
        }
        Failure::Call(call) => match &**call {
            http::Failure::Connect { cause, .. } => format!(
                "cannot connect to {origin} ({}): check {}, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy",
                shown(cause),
                rest.base_variable()
            ),
            http::Failure::Tls { problem, connecting: true } => format!(
                "cannot connect to {origin}: {}: check {}, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy",
                tls_words(*problem),
                rest.base_variable()
            ),
            other => message(&Api(rest), &Seen::Call(other), origin, timeout),
        },
    };
    let transient = failed.failure.is_transient();
    let attempts =
        if transient && failed.attempts > 1 { format!(" (after {} attempts)", failed.attempts) } else { String::new() };
    format!("cannot read {what} from {name}: {reason}{attempts}; the notification goes on without it")
}

/// The CI's API as the words shared with every call name it: what failed without an answer
/// (too large, a time-out, TLS) is told of the API and its variable.
struct Api<'a>(&'a dyn RunApi);

impl Peer for Api<'_> {
    fn who(&self) -> &str {
        self.0.name()
    }

    fn refused(&self) -> &str {
        self.0.name()
    }

    fn setting(&self) -> &str {
        self.0.base_variable()
    }

    fn not_json(&self, origin: &str) -> String {
        format!("check {} ({origin})", self.0.base_variable())
    }

    // Its calls only read: nothing is at stake when one goes unanswered.
    fn not_sent_again(&self) -> &'static str {
        "the API was asked, but no readable answer came"
    }

    fn redirect_hint(&self, to: &str) -> String {
        format!("it redirects to {to}: check {}", self.0.base_variable())
    }
}

/// The line announcing a retry of an API call.
pub fn retry_notice(rest: &dyn RunApi, retry: &Retry, origin: &str, timeout: Duration) -> String {
    let what = match retry.failure {
        Failure::Status { status, .. } => format!("{} answered HTTP {status}", rest.name()),
        Failure::NotJson { status, length } => {
            message(&Api(rest), &Seen::NotJson { status: *status, length: *length }, origin, timeout)
        }
        Failure::Call(call) => message(&Api(rest), &Seen::Call(call), origin, timeout),
        Failure::OutOfTime => "the API lookups' time is spent".to_owned(),
    };
    format!(
        "attempt {} of {} failed ({what}); retrying in {:.1}s",
        retry.attempt,
        retry.attempts,
        retry.wait.as_secs_f64()
    )
}

/// The warning for a call made without a token: a refusal says the repository is private (or
/// the API wants a login) and which setting gives the token; other failures as [`warning`].
pub fn anonymous_warning(rest: &dyn RunApi, what: &str, failed: &Failed, origin: &str, timeout: Duration) -> String {
    match (&failed.failure, rest.anonymous()) {
        (Failure::Status { status: status @ (401 | 403 | 404), rate_limited: false }, Some(setting)) => format!(
            "cannot read {what} from {}: it answered HTTP {status} to a call without a token (a private repository, \
             or a server that wants a login): set `{setting}`; the notification goes on without it",
            rest.name()
        ),
        _ => warning(rest, what, failed, origin, timeout),
    }
}

/// The one warning for the facts left unknown when the run's API lookups spent their budget
/// (`timeout` in all): each is named, and what to do.
pub fn out_of_time(rest: &dyn RunApi, whats: &[String], origin: &str, budget: Duration) -> String {
    let names = match whats {
        [] => "nothing more".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let them = if whats.len() > 1 { "them" } else { "it" };
    format!(
        "cannot read {names} from {}: no answer from {origin} within {}s, the time all its calls of this run \
         share (`timeout`): raise `timeout`, or check the network; the notification goes on without {them}",
        rest.name(),
        budget.as_secs_f64()
    )
}
