//! The one call to the KDocs relay: the HTTP client, retries with backoff, and what the answer
//! means (SPEC §1, §4).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::Deserialize;

use crate::error::Error;

pub const PATH: &str = "/api/v1/openapi/notification/dingtalk";

/// `Retry-After` is honoured up to this many seconds.
const MAX_RETRY_AFTER: u64 = 30;

/// What the relay answered, as far as it said.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reply {
    #[serde(skip)]
    pub http_status: u16,
    pub code: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "text")]
    pub msg: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub hint: Option<String>,
    /// Whatever the relay put there; on a refusal it may carry DingTalk's errcode/errmsg.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
}

impl Reply {
    /// The `code`, as text whatever JSON type the relay used.
    pub fn code_text(&self) -> Option<String> {
        self.code.as_ref().map(|c| match c {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    fn is_ok(&self) -> bool {
        self.code.as_ref().is_some_and(|c| c.as_i64() == Some(0) || c.as_str() == Some("0"))
    }
}

/// `msg` and `hint` as text, whatever JSON type the relay used: a delivered message must not
/// fail because the relay answered `"msg": 123`.
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// A failed delivery: the error to report and what the relay said, if anything.
#[derive(Debug)]
pub struct Failed {
    pub error: Error,
    pub reply: Option<Reply>,
}

pub struct Relay {
    client: reqwest::Client,
    url: reqwest::Url,
    timeout: Duration,
    retries: u32,
}

impl Relay {
    pub fn new(
        base: &str,
        token: &str,
        ca_file: Option<(&std::path::Path, &str)>,
        timeout: Duration,
        retries: u32,
    ) -> Result<Relay, Error> {
        let mut url = reqwest::Url::parse(&format!("{base}{PATH}"))
            .map_err(|e| Error::usage(format!("`kdocs_api_url` does not make a valid URL ({e})")))?;
        url.query_pairs_mut().append_pair("access_token", token);
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(ca_file)?)
            .user_agent(concat!("dingtalk-notify/", env!("CARGO_PKG_VERSION")))
            // A redirect would turn the POST into a GET (301/302) or repeat it elsewhere; the
            // relay has one address, so a 3xx is reported with where it points instead.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .build()
            .map_err(|e| Error::usage(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Relay { client, url, timeout, retries })
    }

    /// `scheme://host[:port]` of the relay: safe to print (the token is in the query).
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// Posts the body, retrying transient failures, and reads the answer. Each retry is announced
    /// through `notice`, which the caller redacts: a relay may echo the request in its answer.
    pub async fn send(&self, body: Vec<u8>, notice: impl Fn(&str)) -> Result<Reply, Failed> {
        let attempts = self.retries + 1;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.attempt(body.clone()).await;
            match outcome {
                Attempt::Done(reply) => return Ok(reply),
                Attempt::Fatal(failed) => return Err(failed),
                Attempt::Transient { failed, retry_after } if attempt < attempts => {
                    let wait = retry_after.unwrap_or_else(|| backoff(attempt));
                    notice(&format!(
                        "attempt {attempt} of {attempts} failed ({}); retrying in {:.1}s",
                        failed.error.message,
                        wait.as_secs_f64()
                    ));
                    tokio::time::sleep(wait).await;
                }
                Attempt::Transient { mut failed, .. } => {
                    if attempts > 1 {
                        failed.error.message.push_str(&format!(" (after {attempts} attempts)"));
                    }
                    return Err(failed);
                }
            }
        }
    }

    async fn attempt(&self, body: Vec<u8>) -> Attempt {
        let request = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .timeout(self.timeout)
            .body(body);
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return self.transport_error(e),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(MAX_RETRY_AFTER)));
        // Without query or fragment: a redirect's query could carry the token back.
        let location = status.is_redirection().then(|| response.headers().get(LOCATION)).flatten().and_then(|v| {
            let mut to = self.url.join(v.to_str().ok()?).ok()?;
            to.set_query(None);
            to.set_fragment(None);
            Some(to.to_string())
        });
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return self.transport_error(e),
        };
        let mut reply: Option<Reply> = serde_json::from_slice(&bytes).ok();
        if let Some(r) = &mut reply {
            r.http_status = status.as_u16();
        }
        let code = status.as_u16();
        if matches!(code, 429 | 500 | 502 | 503 | 504) {
            let error = Error::delivery(format!("the relay answered HTTP {code}{}", said(reply.as_ref())));
            return Attempt::Transient { failed: Failed { error, reply }, retry_after };
        }
        if !status.is_success() {
            let mut error = Error::delivery(format!("the relay answered HTTP {code}{}", said(reply.as_ref())));
            if code == 401 || code == 403 {
                error = error.hint("the KDocs token is invalid or expired: create a new one and update `kdocs_token`");
            } else if code == 404 {
                error = error.hint(format!("check `kdocs_api_url` ({}): the relay lives at {PATH}", self.origin()));
            } else if let Some(to) = location {
                error = error.hint(format!(
                    "the relay redirects to {to}: if it moved, set `kdocs_api_url` to its new base URL (without {PATH})"
                ));
            }
            if let Some(reply) = &reply {
                error.hints.extend(crate::hints::for_reply(reply));
            }
            return Attempt::Fatal(Failed { error, reply });
        }
        match reply {
            Some(reply) if reply.is_ok() => Attempt::Done(reply),
            Some(reply) => {
                let mut error = Error::delivery(format!("the relay refused the message{}", said(Some(&reply))));
                error.hints.extend(crate::hints::for_reply(&reply));
                Attempt::Fatal(Failed { error, reply: Some(reply) })
            }
            None => {
                let error = Error::delivery(format!(
                    "the relay answered HTTP {code} but not with JSON ({} bytes): check `kdocs_api_url` ({}) points at the KDocs open API",
                    bytes.len(),
                    self.origin()
                ));
                Attempt::Fatal(Failed { error, reply: Some(Reply { http_status: code, ..Reply::default() }) })
            }
        }
    }

    fn transport_error(&self, e: reqwest::Error) -> Attempt {
        // `without_url`: the URL's query holds the KDocs token.
        let timed_out = e.is_timeout();
        let connect = e.is_connect();
        let e = e.without_url();
        let tls_refused = tls_refused(&e);
        let cause = root_cause(&e);
        let message = if timed_out {
            format!("no answer from {} within {}s", self.origin(), self.timeout.as_secs_f64())
        } else if connect {
            format!("cannot connect to {} ({cause})", self.origin())
        } else {
            format!("the request to {} failed ({cause})", self.origin())
        };
        let mut error = Error::delivery(message);
        if timed_out {
            error = error.hint("raise `timeout`, or check the network between the runner and the relay");
        } else if connect && cause.contains("certificate") {
            error = error.hint("a proxy that re-signs TLS needs its root certificate in `ca_file`");
        } else if connect {
            error = error.hint("check `kdocs_api_url`, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy");
        }
        let failed = Failed { error, reply: None };
        // TLS said no (a certificate, a protocol, not TLS at all): the same again would too.
        if tls_refused { Attempt::Fatal(failed) } else { Attempt::Transient { failed, retry_after: None } }
    }
}

enum Attempt {
    Done(Reply),
    Fatal(Failed),
    Transient { failed: Failed, retry_after: Option<Duration> },
}

/// `: code 40001, msg "…", hint "…"` from what the relay said.
fn said(reply: Option<&Reply>) -> String {
    let Some(r) = reply else { return String::new() };
    let mut parts = Vec::new();
    if let Some(code) = r.code_text() {
        parts.push(format!("code {code}"));
    }
    if let Some(msg) = r.msg.as_deref().filter(|m| !m.is_empty()) {
        parts.push(format!("msg \"{msg}\""));
    }
    if let Some(hint) = r.hint.as_deref().filter(|h| !h.is_empty()) {
        parts.push(format!("hint \"{hint}\""));
    }
    if parts.is_empty() { String::new() } else { format!(": {}", parts.join(", ")) }
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
    fn code_zero_is_success_whatever_its_json_type() {
        let ok: Reply = serde_json::from_str(r#"{"code":0}"#).unwrap();
        assert!(ok.is_ok());
        let ok: Reply = serde_json::from_str(r#"{"code":"0","data":{}}"#).unwrap();
        assert!(ok.is_ok());
        let no: Reply = serde_json::from_str(r#"{"code":40001,"msg":"m","hint":"h"}"#).unwrap();
        assert!(!no.is_ok());
        assert_eq!(said(Some(&no)), r#": code 40001, msg "m", hint "h""#);
        let odd: Reply = serde_json::from_str(r#"{"code":0,"msg":123,"hint":null}"#).unwrap();
        assert!(odd.is_ok());
        assert_eq!((odd.msg.as_deref(), odd.hint), (Some("123"), None));
        let none: Reply = serde_json::from_str(r#"{"msg":"x"}"#).unwrap();
        assert!(!none.is_ok(), "a reply without code is not a success");
    }
}
