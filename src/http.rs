//! What every call this binary makes has in common: one HTTP client (rustls with ring, the
//! bundled roots plus `ca_file`, no redirects), one small runtime, the retry loop with backoff,
//! and how a request that got no answer failed. The KDocs relay, the token renewal and the
//! direct DingTalk webhook each classify their answers themselves (`relay`, `dingtalk`); what
//! to tell the user is decided in `hints`.
//!
//! Time-outs, failed connections and HTTP 429/500/502/503/504 are retried (README, `retries`),
//! honouring `Retry-After` up to 30 s.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{LOCATION, RETRY_AFTER};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::error::Error;
use crate::relay::Reply;

/// `Retry-After` is honoured up to this many seconds.
const MAX_RETRY_AFTER: u64 = 30;

/// What went wrong with a call, as facts: what the server answered or how the request failed.
#[derive(Debug)]
pub enum Failure {
    /// An answer with a status other than 2xx; `location` is where a 3xx points (without query
    /// or fragment: they could carry a token back).
    Http { status: u16, reply: Option<Reply>, location: Option<String> },
    /// 2xx with JSON that says no: the relay's `code` is not 0, DingTalk's `errcode` is not 0,
    /// or the renewal's `code` is not 0.
    Refused { reply: Reply },
    /// The relay answered `code: 0`, but DingTalk's answer inside `data` has an `errcode` other
    /// than 0: the relay passed the message on and DingTalk refused it.
    Inner { reply: Reply },
    /// A token call answered `code: 0` without a token in `data.access_token`.
    NoToken { reply: Reply },
    /// 2xx, but with `length` bytes that are not JSON.
    NotJson { status: u16, length: usize },
    /// No answer within the time-out.
    TimedOut,
    /// No connection (refused, reset, no such host); `cause` is the innermost error.
    Connect { cause: String },
    /// TLS said no (a certificate, a protocol, not TLS at all), while `connecting` or later.
    Tls { cause: String, connecting: bool },
    /// The request failed after it was sent, e.g. the connection closed mid-answer.
    Transport { cause: String },
}

impl Failure {
    /// Whether the same request again may well succeed: then it is retried while attempts last.
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::Http { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Failure::TimedOut | Failure::Connect { .. } | Failure::Transport { .. } => true,
            // The same again would be refused again.
            Failure::Refused { .. }
            | Failure::Inner { .. }
            | Failure::NoToken { .. }
            | Failure::NotJson { .. }
            | Failure::Tls { .. } => false,
        }
    }

    /// What the server said, when it answered with JSON.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Failure::Http { reply, .. } => reply.as_ref(),
            Failure::Refused { reply } | Failure::Inner { reply } | Failure::NoToken { reply } => Some(reply),
            _ => None,
        }
    }
}

/// A call given up: the last attempt's failure, and how many attempts were made in all.
#[derive(Debug)]
pub struct Failed {
    pub failure: Failure,
    pub attempts: u32,
}

/// A transient failure about to be retried, for the caller to announce.
pub struct Retry<'a> {
    pub attempt: u32,
    pub attempts: u32,
    pub failure: &'a Failure,
    pub wait: Duration,
}

/// What one request got back, before anyone decided what it means.
pub struct Answer {
    pub status: u16,
    pub bytes: Vec<u8>,
    /// Where a 3xx points, without query or fragment.
    pub location: Option<String>,
    pub retry_after: Option<Duration>,
    /// Every header, for what a caller reads besides (pagination, rate limits).
    pub headers: reqwest::header::HeaderMap,
}

/// A failed attempt: what went wrong, and how long the server asked to wait.
pub type AttemptError = (Failure, Option<Duration>);

/// The client and runtime that every call of a run shares.
pub struct Http {
    pub client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
    pub timeout: Duration,
    pub retries: u32,
}

impl Http {
    pub fn new(ca_file: Option<(&std::path::Path, &str)>, timeout: Duration, retries: u32) -> Result<Http, Error> {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(ca_file)?)
            .user_agent(concat!("dingtalk-notify/", env!("CARGO_PKG_VERSION")))
            // A redirect would turn a POST into a GET (301/302) or repeat it elsewhere; each
            // server has one address, so a 3xx is reported with where it points instead.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .build()
            .map_err(|e| Error::usage(format!("cannot set up the HTTP client: {e}")))?;
        // Built here rather than at the first call: a runtime that cannot start is reported
        // before anything is written to the step summary or the outputs.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::delivery(format!("cannot start the I/O runtime: {e}")))?;
        Ok(Http { client, runtime: Some(runtime), timeout, retries })
    }

    /// Runs one call (its retries included) to the end.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        match &self.runtime {
            Some(rt) => rt.block_on(f),
            // `runtime` is only taken in `drop`.
            None => unreachable_runtime(),
        }
    }

    /// Makes `attempt` until it succeeds, fails for good, or the attempts run out; each retry
    /// is announced through `notice` (the caller words it, and redacts it: a server may echo
    /// the request in its answer).
    pub async fn with_retries<T, Fut>(
        &self,
        mut attempt: impl FnMut() -> Fut,
        notice: &dyn Fn(&Retry),
    ) -> Result<T, Failed>
    where
        Fut: Future<Output = Result<T, AttemptError>>,
    {
        let attempts = self.retries + 1;
        let mut n = 0;
        loop {
            n += 1;
            let (failure, retry_after) = match attempt().await {
                Ok(done) => return Ok(done),
                Err(failed) => failed,
            };
            if !failure.is_transient() || n == attempts {
                return Err(Failed { failure, attempts: n });
            }
            let wait = retry_after.unwrap_or_else(|| backoff(n));
            notice(&Retry { attempt: n, attempts, failure: &failure, wait });
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends one request with the per-attempt time-out and reads the whole answer. `base` is
    /// the URL the request went to, for resolving a relative `Location`.
    pub async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        base: &reqwest::Url,
    ) -> Result<Answer, AttemptError> {
        let response = request.timeout(self.timeout).send().await.map_err(|e| (transport_failure(e), None))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(MAX_RETRY_AFTER)));
        let location = status.is_redirection().then(|| response.headers().get(LOCATION)).flatten().and_then(|v| {
            let mut to = base.join(v.to_str().ok()?).ok()?;
            to.set_query(None);
            to.set_fragment(None);
            Some(to.to_string())
        });
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(|e| (transport_failure(e), None))?;
        Ok(Answer { status: status.as_u16(), bytes: bytes.to_vec(), location, retry_after, headers })
    }
}

#[cold]
fn unreachable_runtime() -> ! {
    // Only reachable if `block_on` ran during `drop`, which nothing does.
    std::process::abort()
}

impl Drop for Http {
    fn drop(&mut self) {
        // Don't wait for a DNS lookup still running on a blocking thread after a time-out: the
        // run must end within (retries + 1) × timeout per call, plus the waits.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// How a request that got no answer failed.
fn transport_failure(e: reqwest::Error) -> Failure {
    let timed_out = e.is_timeout();
    let connecting = e.is_connect();
    // `without_url`: the URL's query holds a token.
    let e = e.without_url();
    let cause = root_cause(&e);
    if timed_out {
        // (A time-out never carries a rustls error: reqwest's own `TimedOut` is its cause.)
        Failure::TimedOut
    } else if tls_refused(&e) {
        Failure::Tls { cause, connecting }
    } else if connecting {
        Failure::Connect { cause }
    } else {
        Failure::Transport { cause }
    }
}

/// Whether rustls refused the connection. Its error arrives wrapped in `io::Error`s, whose
/// `source()` skips what they wrap, hence the look inside each of them.
fn tls_refused(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<rustls::Error>() {
            return true;
        }
        cur = match err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner),
            None => err.source(),
        };
    }
    false
}

/// The innermost cause of an error chain, which says what really went wrong.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// About 1 s, then 2 s, 4 s…, each ±25 % so that many jobs failing at once do not retry in step.
fn backoff(attempt: u32) -> Duration {
    let base = 1000u64 << (attempt - 1).min(5);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let jitter = u64::from(nanos) % (base / 2 + 1);
    Duration::from_millis(base * 3 / 4 + jitter)
}

/// rustls with ring and the bundled webpki roots, plus the roots in `ca_file` (its path, and
/// the variable or flag that set it).
fn tls_config(ca_file: Option<(&std::path::Path, &str)>) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some((path, from)) = ca_file {
        let bad = |why: String| {
            Error::usage(format!(
                "`ca_file` {} (from {from}): {why}; give a PEM file of root certificates",
                path.display()
            ))
        };
        let mut added = 0;
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(e.to_string()))? {
            let cert = cert.map_err(|e| bad(e.to_string()))?;
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad("it holds no certificate".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::usage(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_from_about_a_second() {
        for _ in 0..20 {
            let first = backoff(1).as_millis();
            assert!((750..=1250).contains(&first), "{first}");
            let third = backoff(3).as_millis();
            assert!((3000..=5000).contains(&third), "{third}");
        }
    }

    #[test]
    fn only_what_may_pass_next_time_is_retried() {
        let http = |status| Failure::Http { status, reply: None, location: None };
        for status in [429, 500, 502, 503, 504] {
            assert!(http(status).is_transient(), "{status}");
        }
        for status in [301, 400, 401, 403, 404, 501, 505] {
            assert!(!http(status).is_transient(), "{status}");
        }
        assert!(Failure::TimedOut.is_transient());
        assert!(Failure::Connect { cause: "reset".into() }.is_transient());
        assert!(Failure::Transport { cause: "eof".into() }.is_transient());
        assert!(!Failure::Tls { cause: "bad cert".into(), connecting: true }.is_transient());
        assert!(!Failure::Refused { reply: Reply::default() }.is_transient());
        assert!(!Failure::Inner { reply: Reply::default() }.is_transient());
        assert!(!Failure::NotJson { status: 200, length: 5 }.is_transient());
    }
}
