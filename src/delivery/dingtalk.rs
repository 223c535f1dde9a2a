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

use reqwest::header::CONTENT_TYPE;

use crate::delivery::http::{Answer, AttemptError, Failed, Failure, Http, Retry};
use crate::delivery::kdocs::{Reply, http_failure, parse};

/// Where a bare robot token is sent.
pub const ROBOT_URL: &str = "https://oapi.dingtalk.com/robot/send";

/// Messages were sent up to `sent` (that many accepted), then one failed for good.
#[derive(Debug)]
pub struct Partial {
    pub sent: usize,
    pub failed: Failed,
}

/// Sends each message in order; `notice` announces a retry of message `i` (0-based).
pub fn send(
    http: &Http,
    webhook: &str,
    secret: Option<&str>,
    messages: &[Vec<u8>],
    notice: &dyn Fn(usize, &Retry),
) -> Result<Vec<Reply>, Partial> {
    let mut replies = Vec::with_capacity(messages.len());
    for (i, body) in messages.iter().enumerate() {
        let outcome = http.block_on(http.with_retries(
            || async {
                // Signed anew for each attempt: DingTalk refuses a timestamp more than an hour old.
                let url = signed(webhook, secret, now_ms())
                    .map_err(|cause| (Failure::Connect { cause, dropped: false }, None::<std::time::Duration>))?;
                let request = http
                    .client
                    .post(url.clone())
                    .header(CONTENT_TYPE, "application/json; charset=utf-8")
                    .body(body.clone());
                classify(http.exchange(request, &url, crate::delivery::http::MAX_REPLY_BYTES).await?)
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

fn classify(answer: Answer) -> Result<Reply, AttemptError> {
    let retry_after = answer.retry_after;
    if !(200..300).contains(&answer.status) {
        return Err((http_failure(answer), retry_after));
    }
    let failure = match parse(&answer) {
        Some(reply) if reply.errcode.as_ref().is_some_and(|c| c.as_i64() == Some(0) || c.as_str() == Some("0")) => {
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
    base64(tag.as_ref())
}

/// Standard base64 with padding (RFC 4648 §4): 32 bytes, once a message, need no crate.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, want) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(input.as_bytes()), want, "{input}");
        }
    }

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

    #[test]
    fn the_signature_is_added_url_encoded_and_only_with_a_secret() {
        let hook = "https://oapi.dingtalk.com/robot/send?access_token=abc";
        assert_eq!(signed(hook, None, 1).unwrap().as_str(), hook);
        let url = signed(hook, Some("SECxyz"), 1_700_000_000_000).unwrap();
        let sign = sign("SECxyz", 1_700_000_000_000);
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert_eq!(
            pairs,
            [
                ("access_token".into(), "abc".into()),
                ("timestamp".into(), "1700000000000".into()),
                ("sign".into(), sign)
            ]
        );
        // `+`, `/` and `=` of base64 are percent-encoded in the query.
        assert!(!url.query().unwrap().contains(['+', '/']), "{url}");
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
