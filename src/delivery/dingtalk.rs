//! Straight to the robot, for teams without a KDocs app: each message is sent (`POST`) to the
//! `webhook` URL in turn, signed when a `secret` is set, as DingTalk's custom-robot documentation
//! specifies (open.dingtalk.com/document/robots/customize-robot-security-settings):
//! `&timestamp={ms}&sign={urlencode(base64(hmac_sha256(secret, "{ms}\n{secret}")))}`. Success is
//! HTTP 2xx with `{"errcode": 0}`. The client, retries and time-outs are `http`'s, shared with
//! the relay; the HMAC is ring's, which rustls already ships.
//!
//! A message DingTalk accepted is never sent again: each message has its own retries, and the
//! first message that fails ends the run, reporting how many went out before it.

#![allow(clippy::result_large_err, reason = "a few calls per run: the size of their outcome does not matter")]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::header::CONTENT_TYPE;
use serde::Deserialize;
use serde_json::Value;

use crate::delivery::hints::{self, Peer, Said, Seen, Worded};
use crate::delivery::http::{self, Answer, AttemptError, Http, Transient};
use crate::delivery::{Partial, Run, Transport, outputs};
use crate::error::Error;
use crate::settings::{DINGTALK, Secret};
use crate::summary::catalog::{Lang, say};
use crate::summary::message::Message;

/// The most of an answer that is read. DingTalk answers a few dozen bytes
/// (`{"errcode":0,"errmsg":"ok"}`); reading past 64 KiB would let a broken or hostile server
/// fill the memory.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// What DingTalk answered: `errcode` 0 is success.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reply {
    #[serde(skip)]
    pub http_status: u16,
    pub errcode: Option<Value>,
    #[serde(default, deserialize_with = "text")]
    pub errmsg: Option<String>,
}

impl Reply {
    /// `errcode` as text, whatever JSON type it came as.
    pub fn errcode_text(&self) -> Option<String> {
        self.errcode.as_ref().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// `errcode` and `errmsg` as they came, for the outputs.
    pub fn said(&self) -> (Option<String>, Option<String>) {
        (self.errcode_text(), self.errmsg.clone())
    }
}

/// `errmsg` as text whatever its JSON type: a delivered message must not fail on `"errmsg": 1`.
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// What went wrong with a message to the robot, as facts.
#[derive(Debug)]
pub enum Failure {
    /// An answer with a status other than 2xx; `location` is where a 3xx points (without query
    /// or fragment).
    Http { status: u16, reply: Option<Reply>, location: Option<String> },
    /// 2xx with JSON whose `errcode` is not 0.
    Refused { reply: Reply },
    /// 2xx, but with `length` bytes that are not JSON.
    NotJson { status: u16, length: usize },
    /// No answer to read.
    Call(http::Failure),
}

impl From<http::Failure> for Failure {
    fn from(f: http::Failure) -> Failure {
        Failure::Call(f)
    }
}

impl Transient for Failure {
    fn is_transient(&self) -> bool {
        match self {
            Failure::Http { status, .. } => http::transient_status(*status),
            Failure::Call(call) => call.is_transient(),
            Failure::Refused { .. } | Failure::NotJson { .. } => false,
        }
    }

    fn sent_unanswered(&self) -> bool {
        matches!(self, Failure::Call(call) if call.sent_unanswered())
    }
}

impl Failure {
    /// What DingTalk said, when it answered with JSON.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Failure::Http { reply, .. } => reply.as_ref(),
            Failure::Refused { reply } => Some(reply),
            Failure::NotJson { .. } | Failure::Call(_) => None,
        }
    }
}

/// The robot's webhook, with the secret that signs each request when the robot asks for one.
pub struct Robot<'a> {
    pub webhook: &'a str,
    pub secret: Option<&'a str>,
}

/// What a dry run prints for the robot: each request in order.
#[derive(serde::Serialize)]
struct DryRun<'a> {
    transport: &'static str,
    requests: Vec<Request<'a>>,
}

#[derive(serde::Serialize)]
struct Request<'a> {
    url: &'a str,
    body: &'a Message,
}

impl Robot<'_> {
    /// What a dry run prints: each request in order.
    fn dry_run(link: &str, secret: bool, messages: &[Message]) -> String {
        let url = format!("{link}{}", if secret { "&timestamp=…&sign=***" } else { "" });
        let requests = messages.iter().map(|body| Request { url: &url, body }).collect();
        serde_json::to_string_pretty(&DryRun { transport: DINGTALK, requests }).expect("messages serialize")
    }

    /// Each message in order, each with its own retries; the first that fails for good ends
    /// the sending.
    fn send(
        &self,
        http: &Http,
        messages: &[Message],
        notice: &dyn Fn(usize, &http::Retry<Failure>),
    ) -> Result<Vec<Reply>, Partial<Failure>> {
        let mut replies = Vec::with_capacity(messages.len());
        for (i, message) in messages.iter().enumerate() {
            let body = serde_json::to_vec(message).expect("messages serialize");
            let outcome = http.block_on(http.with_retries(
                http::Repeat::Once,
                || async {
                    // Signed anew for each attempt: DingTalk refuses a timestamp more than an hour old.
                    let url = signed(self.webhook, self.secret, now_ms())
                        .map_err(|cause| (Failure::Call(http::Failure::Connect { cause, dropped: false }), None))?;
                    let request = http
                        .client
                        .post(url.clone())
                        .header(CONTENT_TYPE, "application/json; charset=utf-8")
                        .body(body.clone());
                    classify(http.exchange(request, &url, MAX_REPLY_BYTES).await.map_err(|f| (f.into(), None))?)
                },
                &|retry| notice(i, retry),
            ));
            match outcome {
                Ok(reply) => replies.push(reply),
                Err(failed) => return Err(Partial { sent: i, failed }),
            }
        }
        Ok(replies)
    }
}

fn classify(answer: Answer) -> Result<Reply, AttemptError<Failure>> {
    let retry_after = answer.retry_after;
    let parsed =
        serde_json::from_slice::<Reply>(&answer.bytes).ok().map(|reply| Reply { http_status: answer.status, ..reply });
    if !(200..300).contains(&answer.status) {
        return Err((Failure::Http { status: answer.status, reply: parsed, location: answer.location }, retry_after));
    }
    let failure = match parsed {
        // `"0 "` too, as through the relay: both transports read a code the same way.
        Some(reply)
            if reply
                .errcode
                .as_ref()
                .is_some_and(|c| c.as_i64() == Some(0) || c.as_str().map(str::trim) == Some("0")) =>
        {
            return Ok(reply);
        }
        Some(reply) => Failure::Refused { reply },
        None => Failure::NotJson { status: answer.status, length: answer.bytes.len() },
    };
    Err((failure, retry_after))
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// The webhook URL with `timestamp` and `sign` added when there is a secret.
pub fn signed(webhook: &str, secret: Option<&str>, ms: u128) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(webhook).map_err(|_| "`webhook` is not a valid URL".to_owned())?;
    if let Some(secret) = secret {
        let sign = sign(secret, ms);
        url.query_pairs_mut().append_pair("timestamp", &ms.to_string()).append_pair("sign", &sign);
    }
    Ok(url)
}

/// `base64(hmac_sha256(key = secret, msg = "{ms}\n{secret}"))`, before URL-encoding.
pub fn sign(secret: &str, ms: u128) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// The transport straight to the robot's webhook; also the peer its failures are worded for.
pub struct DingTalk;

impl Transport for DingTalk {
    fn name(&self) -> &'static str {
        DINGTALK
    }

    fn dry_run(&self, link: &str, secret: bool, messages: &[Message]) -> String {
        Robot::dry_run(link, secret, messages)
    }

    /// Each message straight to the robot's webhook.
    fn deliver(&self, run: Run<'_>) -> Result<(), Error> {
        let Run { settings, reporter, http, webhook, messages, summary, .. } = run;
        let lang = settings.lang;
        if settings.kdocs_token.is_some() || settings.kdocs_refresh_token.is_some() {
            reporter.notice(&say(lang, "direct.kdocs_unused", &[]));
        }
        let url = reqwest::Url::parse(webhook.expose());
        let origin =
            url.as_ref().map_or_else(|_| say(lang, "direct.the_webhook", &[]), |u| u.origin().ascii_serialization());
        if url.as_ref().is_ok_and(|u| u.scheme() != "https") {
            reporter.warning(&say(lang, "direct.not_https", &[("origin", &origin)]));
        }
        reporter.step_summary(&summary.title, &summary.text);
        let robot = Robot { webhook: webhook.expose(), secret: settings.secret.as_ref().map(Secret::expose) };
        let outcome = robot.send(http, messages, &|_, retry| {
            reporter.notice(&hints::retry_notice(&DingTalk, retry, &origin, settings.timeout, lang));
        });
        match outcome {
            Ok(replies) => {
                let what =
                    say(lang, if replies.len() == 1 { "direct.one_message" } else { "direct.two_messages" }, &[]);
                crate::report::err(&say(lang, "direct.sent", &[("origin", &origin), ("what", &what)]));
                outputs(reporter, true, replies.last().map(Reply::said), None);
                Ok(())
            }
            Err(partial) => {
                let error = partial_error(&partial, messages.len(), &origin, settings.timeout, lang);
                // `sent` says whether the summary reached the group.
                let said = partial.failed.failure.reply().map(Reply::said);
                outputs(reporter, partial.sent > 0, said, Some(&error));
                Err(error)
            }
        }
    }
}

/// The error for a delivery of `total` messages that stopped at one: which went out.
fn partial_error(
    partial: &Partial<Failure>,
    total: usize,
    origin: &str,
    timeout: std::time::Duration,
    lang: Lang,
) -> Error {
    let mut e = hints::error(&DingTalk, &partial.failed, origin, timeout, lang);
    // Two messages at most: the summary, then the text message.
    if partial.sent > 0 {
        e.message = say(lang, "direct.partly_sent", &[("error", &e.message)]);
    } else if total > 1 {
        e.message = say(lang, "direct.none_sent", &[("error", &e.message)]);
    }
    e
}

impl<'a> From<&'a Reply> for Said<'a> {
    fn from(r: &'a Reply) -> Said<'a> {
        Said {
            http_status: r.http_status,
            errcode: r.errcode.as_ref(),
            errmsg: r.errmsg.as_deref(),
            dingtalk: r.errcode_text().map(|code| (code, r.errmsg.clone())),
            ..Said::default()
        }
    }
}

impl Worded for Failure {
    fn seen(&self) -> Seen<'_> {
        match self {
            Failure::Http { status, reply, location } => {
                Seen::Http { status: *status, said: reply.as_ref().map(Said::from), location: location.as_deref() }
            }
            Failure::Refused { reply } => Seen::Refused(reply.into()),
            Failure::NotJson { status, length } => Seen::NotJson { status: *status, length: *length },
            Failure::Call(call) => Seen::Call(call),
        }
    }
}

impl Peer for DingTalk {
    fn who(&self, lang: Lang) -> String {
        say(lang, "direct.who", &[])
    }

    fn refused(&self, lang: Lang) -> String {
        say(lang, "direct.refused", &[])
    }

    fn setting(&self) -> &'static str {
        "webhook"
    }

    fn not_json(&self, origin: &str, lang: Lang) -> String {
        say(lang, "direct.not_json", &[("origin", origin)])
    }

    fn not_sent_again(&self, lang: Lang) -> String {
        hints::may_have_arrived(lang)
    }

    fn status_hint(&self, status: u16, _origin: &str, lang: Lang) -> Option<String> {
        (status == 404).then(|| say(lang, "direct.not_found", &[]))
    }

    fn redirect_hint(&self, to: &str, lang: Lang) -> String {
        say(lang, "direct.redirect", &[("to", to)])
    }

    fn calls_dingtalk_itself(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"Jefe");
        let tag = ring::hmac::sign(&key, b"what do ya want for nothing?");
        let hex = tag.as_ref().iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    /// A signature computed apart from this code, with Python's standard library:
    /// `python3 -c 'import hmac,hashlib,base64,urllib.parse; t="1700000000000"; k="SEC0123456789abcdef";
    /// s=base64.b64encode(hmac.new(k.encode(),(t+"\\n"+k).encode(),hashlib.sha256).digest()).decode();
    /// print(s, urllib.parse.quote_plus(s))'`
    const TIMESTAMP: u128 = 1_700_000_000_000;
    const SECRET: &str = "SEC0123456789abcdef";
    const SIGN: &str = "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=";
    const SIGN_IN_QUERY: &str = "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D";

    #[test]
    fn the_signature_matches_one_computed_apart() {
        assert_eq!(sign(SECRET, TIMESTAMP), SIGN);
    }

    #[test]
    fn the_signature_is_added_url_encoded_and_only_with_a_secret() {
        let hook = "https://oapi.dingtalk.com/robot/send?access_token=abc";
        assert_eq!(signed(hook, None, 1).unwrap().as_str(), hook);
        let url = signed(hook, Some(SECRET), TIMESTAMP).unwrap();
        assert_eq!(url.query(), Some(format!("access_token=abc&timestamp={TIMESTAMP}&sign={SIGN_IN_QUERY}").as_str()));
    }

    #[test]
    fn only_errcode_zero_is_success() {
        let answer = |status, body: &str| Answer {
            status,
            bytes: body.as_bytes().to_vec(),
            location: None,
            retry_after: None,
            headers: reqwest::header::HeaderMap::default(),
        };
        assert!(classify(answer(200, r#"{"errcode":0,"errmsg":"ok"}"#)).is_ok());
        assert!(matches!(
            classify(answer(200, r#"{"errcode":310000,"errmsg":"x"}"#)),
            Err((Failure::Refused { .. }, _))
        ));
        assert!(matches!(classify(answer(200, r#"{"ok":true}"#)), Err((Failure::Refused { .. }, _))));
        assert!(matches!(classify(answer(200, "<html>")), Err((Failure::NotJson { .. }, _))));
        assert!(matches!(classify(answer(502, "")), Err((Failure::Http { status: 502, .. }, _))));
    }
}
