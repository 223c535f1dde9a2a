//! What every call this binary makes has in common: one HTTP client (rustls with ring, the
//! bundled roots plus `ca_file`, no redirects), one small runtime, the retry loop with backoff,
//! and how a request that got no usable answer failed ([`Failure`]). It knows no server: each
//! caller reads the answers itself into its own failure type, which wraps this one and says
//! through [`Transient`] whether it is worth another attempt; what to tell the user is decided
//! in `hints`.
//!
//! Time-outs, connections refused or reset, and HTTP 429/500/502/503/504 ([`transient_status`])
//! are retried (README, `retries`), honouring `Retry-After` up to 30 s; nothing else is (a
//! malformed answer, a TLS refusal, a connection closed mid-answer would fail the same way
//! again). A request that acts ([`Repeat::Once`]: a notification, a renewal, a one-time code) is
//! made again only when it certainly was not acted on: no connection, or a status that says so;
//! never after it went out and no answer came ([`retried`] is the one rule). Each caller says
//! how much of an answer it reads.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{LOCATION, RETRY_AFTER};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::error::Error;
use crate::summary::catalog::{Lang, say};

/// `Retry-After` is honoured up to this many seconds.
const MAX_RETRY_AFTER: u64 = 30;

/// A PEM bundle of every public root (Mozilla's) is about 220 KB.
const MAX_CA_FILE_BYTES: usize = 4 * 1024 * 1024;

/// How a request got no answer to read, as facts.
#[derive(Debug)]
pub enum Failure {
    /// The answer was longer than its caller reads; it was not read further.
    TooLarge { status: u16, limit: usize },
    /// No answer within the time-out; `connecting` when no connection was made in time (then
    /// nothing was sent).
    TimedOut { connecting: bool },
    /// No connection (refused, reset, no such host); `cause` is the innermost error, and
    /// `dropped` whether the server (or something before it) refused or reset the connection.
    Connect { cause: String, dropped: bool },
    /// TLS said no, while `connecting` or later.
    Tls { problem: TlsProblem, connecting: bool },
    /// The request failed after it was sent: the connection closed mid-answer (`dropped` when it
    /// was reset), or the answer was not HTTP.
    Transport { cause: String, dropped: bool },
}

/// Why TLS failed, as far as rustls tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// The certificate chain does not lead to a root we trust.
    UnknownIssuer,
    /// The certificate expired, or is not valid yet.
    Expired,
    /// The certificate is for another host name.
    WrongName,
    /// A certificate that is not a server's: a CA certificate presented as the server's own
    /// (webpki's `CaUsedAsEndEntity`), or one issued for another purpose.
    NotServerCertificate,
    /// Any other fault of the certificate (revoked, bad signature, bad encoding).
    BadCertificate,
    /// What came back was not TLS: a plain-HTTP server or port.
    NotTls,
    /// The server closed the connection during the handshake.
    Closed,
    /// Anything else: no common protocol version or cipher, an alert.
    Other,
}

/// What the retry rule asks of a failure, whichever caller's type it is.
pub trait Transient {
    /// Whether the same request again may well succeed.
    fn is_transient(&self) -> bool;
    /// Whether the request went out and no answer came: the server may have acted on it.
    fn sent_unanswered(&self) -> bool;
}

/// Whether a request may be made again once the server may have acted on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// A read (the CI APIs' GETs): the same again does no harm.
    Safe,
    /// It acts (a notification, a renewal, a one-time code): at most once.
    Once,
}

/// Whether a failed attempt is made again (attempts allowing): a transient failure, unless the
/// request acts and may have been acted on already. The one place that decides it.
pub fn retried(failure: &impl Transient, repeat: Repeat) -> bool {
    failure.is_transient() && !(repeat == Repeat::Once && failure.sent_unanswered())
}

/// A status that says the server is busy or broken for now (429, 500, 502, 503, 504): worth
/// another attempt. Any other would be answered the same way again.
pub fn transient_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl Transient for Failure {
    fn is_transient(&self) -> bool {
        match self {
            Failure::TimedOut { .. } => true,
            Failure::Connect { dropped, .. } | Failure::Transport { dropped, .. } => *dropped,
            // The same again would be too large, or refused, again.
            Failure::TooLarge { .. } | Failure::Tls { .. } => false,
        }
    }

    fn sent_unanswered(&self) -> bool {
        match self {
            Failure::TimedOut { connecting } | Failure::Tls { connecting, .. } => !connecting,
            Failure::Transport { .. } => true,
            // No connection: nothing went out. Too large: an answer came.
            Failure::Connect { .. } | Failure::TooLarge { .. } => false,
        }
    }
}

/// A call given up: the last attempt's failure (the caller's type), and how many attempts
/// were made in all.
#[derive(Debug)]
pub struct Failed<F> {
    pub failure: F,
    pub attempts: u32,
}

/// A transient failure about to be retried, for the caller to announce.
pub struct Retry<'a, F> {
    pub attempt: u32,
    pub attempts: u32,
    pub failure: &'a F,
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
pub type AttemptError<F> = (F, Option<Duration>);

/// The client and runtime that every call of a run shares.
pub struct Http {
    pub client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
    pub timeout: Duration,
    pub retries: u32,
}

impl Http {
    pub fn new(
        ca_file: Option<(&std::path::Path, &str)>,
        timeout: Duration,
        retries: u32,
        lang: Lang,
    ) -> Result<Http, Error> {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(ca_file, lang)?)
            .user_agent(concat!("dingtalk-notify/", env!("CARGO_PKG_VERSION")))
            // A redirect would turn a POST into a GET (301/302) or repeat it elsewhere; each
            // server has one address, so a 3xx is reported with where it points instead.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .build()
            .map_err(|e| Error::usage(say(lang, "http.no_client", &[("error", &e.to_string())])))?;
        // Built here rather than at the first call: a runtime that cannot start is reported
        // before anything is written to the step summary or the outputs.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            // The resolver looks host names up on a blocking thread, which tokio keeps for 10 s
            // by default: gone at once instead, the process is back to one thread when a user's
            // template renders, which a forked copy needs (src/summary/fork.rs).
            .thread_keep_alive(Duration::ZERO)
            .build()
            .map_err(|e| Error::delivery(say(lang, "http.no_runtime", &[("error", &e.to_string())])))?;
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

    /// Makes `attempt` until it succeeds, fails for good, or the attempts run out; which
    /// failures are tried again is [`retried`]'s call. Each retry is announced through `notice`
    /// (the caller words it, and redacts it: a server may echo the request in its answer).
    pub async fn with_retries<T, F: Transient, Fut>(
        &self,
        repeat: Repeat,
        attempt: impl FnMut() -> Fut,
        notice: &dyn Fn(&Retry<F>),
    ) -> Result<T, Failed<F>>
    where
        Fut: Future<Output = Result<T, AttemptError<F>>>,
    {
        self.with_retries_until(None, repeat, attempt, notice).await
    }

    /// [`Http::with_retries`], giving up instead of waiting for a retry that would start past
    /// `deadline`: the CI's API lookups share one budget, and the notification must not wait
    /// for them (keeping each attempt within it is the caller's part).
    pub async fn with_retries_until<T, F: Transient, Fut>(
        &self,
        deadline: Option<Instant>,
        repeat: Repeat,
        mut attempt: impl FnMut() -> Fut,
        notice: &dyn Fn(&Retry<F>),
    ) -> Result<T, Failed<F>>
    where
        Fut: Future<Output = Result<T, AttemptError<F>>>,
    {
        let attempts = self.retries + 1;
        let mut n = 0;
        loop {
            n += 1;
            let (failure, retry_after) = match attempt().await {
                Ok(done) => return Ok(done),
                Err(failed) => failed,
            };
            if !retried(&failure, repeat) || n == attempts {
                return Err(Failed { failure, attempts: n });
            }
            let wait = retry_after.unwrap_or_else(|| backoff(n));
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                return Err(Failed { failure, attempts: n });
            }
            notice(&Retry { attempt: n, attempts, failure: &failure, wait });
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends one request with the per-attempt time-out and reads the answer, up to `limit`
    /// bytes (more is a [`Failure::TooLarge`]). `base` is the URL the request went to, for
    /// resolving a relative `Location`.
    pub async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        base: &reqwest::Url,
        limit: usize,
    ) -> Result<Answer, Failure> {
        let response = request.timeout(self.timeout).send().await.map_err(transport_failure)?;
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
        let Some(bytes) = read_limited(response, limit).await.map_err(transport_failure)? else {
            return Err(Failure::TooLarge { status: status.as_u16(), limit });
        };
        Ok(Answer { status: status.as_u16(), bytes, location, retry_after, headers })
    }
}

/// The body, or `None` when it is longer than `limit` (by its `content-length`, or as it
/// arrives): the rest is never read.
async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
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
    let io = io_kinds(&e);
    let dropped =
        io.iter().any(|k| matches!(k, std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset));
    if timed_out {
        // (A time-out never carries a rustls error: reqwest's own `TimedOut` is its cause.)
        Failure::TimedOut { connecting }
    } else if let Some(problem) = tls_problem(&e) {
        Failure::Tls { problem, connecting }
    } else if connecting && io.contains(&std::io::ErrorKind::UnexpectedEof) {
        // TCP connected, then the other end closed: only a TLS handshake reads at this point.
        Failure::Tls { problem: TlsProblem::Closed, connecting }
    } else if connecting {
        Failure::Connect { cause, dropped }
    } else {
        Failure::Transport { cause, dropped }
    }
}

/// Each error of the chain, looking inside `io::Error`s too: their `source()` skips what they
/// wrap (rustls' errors arrive that way).
fn chain<'a>(e: &'a (dyn std::error::Error + 'static)) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |err| match err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
        Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
        None => err.source(),
    })
    .take(32)
}

/// The kinds of the `io::Error`s in the chain.
fn io_kinds(e: &(dyn std::error::Error + 'static)) -> Vec<std::io::ErrorKind> {
    chain(e).filter_map(|err| err.downcast_ref::<std::io::Error>().map(std::io::Error::kind)).collect()
}

/// What rustls refused, if it did.
fn tls_problem(e: &(dyn std::error::Error + 'static)) -> Option<TlsProblem> {
    use rustls::CertificateError as C;
    let tls = chain(e).find_map(|err| err.downcast_ref::<rustls::Error>())?;
    Some(match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. } => {
                TlsProblem::Expired
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongName,
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => TlsProblem::NotServerCertificate,
            // webpki's own errors come as `Other`; this one is the common mistake of a
            // self-signed server certificate given as a root.
            C::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => TlsProblem::NotServerCertificate,
            _ => TlsProblem::BadCertificate,
        },
        rustls::Error::InvalidMessage(_)
        | rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. } => TlsProblem::NotTls,
        _ => TlsProblem::Other,
    })
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
fn tls_config(ca_file: Option<(&std::path::Path, &str)>, lang: Lang) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some((path, from)) = ca_file {
        let bad = |why: String| {
            let path = path.display().to_string();
            Error::usage(say(lang, "http.bad_ca_file", &[("path", &path), ("from", from), ("why", &why)]))
        };
        let pem =
            crate::env::read_limited(path, MAX_CA_FILE_BYTES).map_err(|e| bad(e.to_string()))?.ok_or_else(|| {
                bad(say(lang, "http.ca_file_too_large", &[("kib", &(MAX_CA_FILE_BYTES / 1024).to_string())]))
            })?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| bad(e.to_string()))?;
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad(say(lang, "http.ca_file_empty", &[])));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::usage(say(lang, "http.no_tls", &[("error", &e.to_string())])))?
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
        for status in [429, 500, 502, 503, 504] {
            assert!(transient_status(status), "{status}");
        }
        for status in [200, 301, 400, 401, 403, 404, 501, 505] {
            assert!(!transient_status(status), "{status}");
        }
        assert!(Failure::TimedOut { connecting: false }.is_transient());
        assert!(Failure::Connect { cause: "refused".into(), dropped: true }.is_transient());
        assert!(Failure::Transport { cause: "reset".into(), dropped: true }.is_transient());
        // No such host, a connection closed mid-answer, an answer that is not HTTP.
        assert!(!Failure::Connect { cause: "dns error".into(), dropped: false }.is_transient());
        assert!(!Failure::Transport { cause: "invalid HTTP version".into(), dropped: false }.is_transient());
        assert!(!Failure::Tls { problem: TlsProblem::Closed, connecting: true }.is_transient());
        assert!(!Failure::TooLarge { status: 200, limit: 64 * 1024 }.is_transient());
    }

    #[test]
    fn what_acts_is_tried_again_only_when_it_certainly_did_not_arrive() {
        let refused = Failure::Connect { cause: "refused".into(), dropped: true };
        let slow_to_connect = Failure::TimedOut { connecting: true };
        let unanswered = Failure::TimedOut { connecting: false };
        let reset = Failure::Transport { cause: "reset".into(), dropped: true };
        for failure in [&refused, &slow_to_connect] {
            assert!(retried(failure, Repeat::Once) && retried(failure, Repeat::Safe), "{failure:?}");
        }
        for failure in [&unanswered, &reset] {
            assert!(!retried(failure, Repeat::Once), "{failure:?}");
            assert!(retried(failure, Repeat::Safe), "{failure:?}");
        }
        let dns = Failure::Connect { cause: "dns error".into(), dropped: false };
        assert!(!retried(&dns, Repeat::Safe));
    }
}
