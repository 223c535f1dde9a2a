//! The one call to the KDocs relay, and what the answer was, as a typed [`Failure`] when it was
//! not a success. What to tell the user about a failure is decided in `hints`, never here. The
//! HTTP client, the retries and the time-outs are `http`'s, shared with `api`.
//!
//! Success is HTTP 2xx with a JSON body whose `code` is 0.

#![allow(clippy::result_large_err, reason = "one call per run: the size of its outcome does not matter")]

use reqwest::header::CONTENT_TYPE;
use serde::Deserialize;

use crate::error::Error;
use crate::http::{Answer, AttemptError, Http};
pub use crate::http::{Failed, Failure, Retry};

pub const PATH: &str = "/api/v1/openapi/notification/dingtalk";

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

/// The JSON reply in an answer, with its status.
fn parse(answer: &Answer) -> Option<Reply> {
    let mut reply: Reply = serde_json::from_slice(&answer.bytes).ok()?;
    reply.http_status = answer.status;
    Some(reply)
}

/// `scheme://host[:port]` of `kdocs_api_url`: safe to print (the token is in the query).
pub fn origin(base: &str) -> String {
    reqwest::Url::parse(base).map_or_else(|_| base.to_owned(), |u| u.origin().ascii_serialization())
}

/// The relay's URL for `kdocs_api_url`, with the token in the query.
pub fn url(base: &str, token: &str) -> Result<reqwest::Url, Error> {
    let mut url = reqwest::Url::parse(&format!("{base}{PATH}"))
        .map_err(|e| Error::usage(format!("`kdocs_api_url` does not make a valid URL ({e})")))?;
    url.query_pairs_mut().append_pair("access_token", token);
    Ok(url)
}

/// Posts the body to the relay at `url`, retrying transient failures, and reads the answer;
/// blocks until done. Each retry is announced through `notice`; the caller words it, and
/// redacts it: a relay may echo the request in its answer.
pub fn send(http: &Http, url: &reqwest::Url, body: &[u8], notice: &dyn Fn(&Retry)) -> Result<Reply, Failed> {
    http.block_on(http.with_retries(
        || async {
            let request = http
                .client
                .post(url.clone())
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(body.to_vec());
            classify(http.exchange(request, url).await?)
        },
        notice,
    ))
}

/// Success is 2xx with JSON whose `code` is 0; anything else is a typed failure.
fn classify(answer: Answer) -> Result<Reply, AttemptError> {
    let retry_after = answer.retry_after;
    let reply = parse(&answer);
    let failure = match reply {
        _ if !(200..300).contains(&answer.status) => {
            Failure::Http { status: answer.status, reply, location: answer.location }
        }
        Some(reply) if reply.is_ok() => return Ok(reply),
        Some(reply) => Failure::Refused { reply },
        None => Failure::NotJson { status: answer.status, length: answer.bytes.len() },
    };
    Err((failure, retry_after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_zero_is_success_whatever_its_json_type() {
        let ok: Reply = serde_json::from_str(r#"{"code":0}"#).unwrap();
        assert!(ok.is_ok());
        let ok: Reply = serde_json::from_str(r#"{"code":"0","data":{}}"#).unwrap();
        assert!(ok.is_ok());
        let no: Reply = serde_json::from_str(r#"{"code":40001,"msg":"m","hint":"h"}"#).unwrap();
        assert!(!no.is_ok());
        let odd: Reply = serde_json::from_str(r#"{"code":0,"msg":123,"hint":null}"#).unwrap();
        assert!(odd.is_ok());
        assert_eq!((odd.msg.as_deref(), odd.hint), (Some("123"), None));
        let none: Reply = serde_json::from_str(r#"{"msg":"x"}"#).unwrap();
        assert!(!none.is_ok(), "a reply without code is not a success");
    }
}
