//! How a failed call is worded for people, whichever transport made it. Each transport says what
//! happened, as its own typed failure wrapping `http`'s, and shows it through one view
//! ([`Seen`], [`Said`]); it names who was called with its own [`Peer`] words. This module turns
//! them into the error line and hint lines for the causes all calls share: the address setting,
//! a redirect, the time-out, TLS and proxies, DingTalk's error codes, a message that may have
//! arrived and is not sent again. It imports no transport: each transport imports it.
//!
//! DingTalk's own error codes are looked for wherever the KDocs relay puts them (`msg`, `hint`
//! or `data`), and the relay's own "token" complaints too. KDocs does not document whether or how
//! it passes DingTalk's answer on, so every place is searched: a JSON `errcode`/`errmsg` pair in
//! `data` (or in a string holding JSON), an `errcode` written out in `msg`/`hint`, a bare known
//! code, and the known `errmsg` texts of the security check, old style (`keywords not in
//! content`) and new (`关键词不匹配`). The codes are DingTalk's table for custom robots
//! (help.dingtalk.io, custom-robots-send-group-messages); the errmsg texts were collected from
//! public issue threads (e.g. zhuifengshen/DingtalkChatbot#44, jenkinsci/dingtalk-plugin#88 and
//! #116, RayWangQvQ/BiliBiliToolPro#271). Never a hint from the errmsg alone when a code is
//! there: the code decides, the errmsg only tells the 310000 variants apart.

// DingTalk's error codes are written as DingTalk's table writes them (310000, not 310_000), so
// that they can be searched for.
#![allow(clippy::unreadable_literal, reason = "DingTalk's error codes, as documented")]

use std::time::Duration;

use serde_json::Value;

use crate::delivery::http::{self, Failed, Retry, TlsProblem, Transient};
use crate::error::Error;
use crate::summary::catalog::{Lang, say};

/// A transport's failure, as the words below read it: every transport's failure is one of these
/// shapes, whatever its reply type.
pub enum Seen<'a> {
    Http {
        status: u16,
        said: Option<Said<'a>>,
        location: Option<&'a str>,
    },
    Refused(Said<'a>),
    /// The relay said yes, DingTalk inside said no.
    Inner(Said<'a>),
    /// A token call said yes without a token in `field`, or (`malformed`) with one that is none.
    NoToken {
        said: Said<'a>,
        field: &'a str,
        malformed: bool,
    },
    NotJson {
        status: u16,
        length: usize,
    },
    Call(&'a http::Failure),
}

/// What a peer said, whichever transport: the texts and JSON that the words quote and search
/// for DingTalk's codes. Each transport makes it from its reply.
#[derive(Clone, Default)]
pub struct Said<'a> {
    pub http_status: u16,
    /// The relay's `code`, as text.
    pub code: Option<String>,
    pub msg: Option<&'a str>,
    pub hint: Option<&'a str>,
    pub data: Option<&'a Value>,
    pub errcode: Option<&'a Value>,
    pub errmsg: Option<&'a str>,
    /// DingTalk's `errcode` and `errmsg` as text: its own answer, else a refusal in `data`.
    pub dingtalk: Option<(String, Option<String>)>,
}

/// A failure this module can word: each transport shows its own as one of the shapes of [`Seen`].
pub trait Worded: Transient {
    fn seen(&self) -> Seen<'_>;
}

/// Who was called, in the words a failure needs: each transport gives its own (a transport that
/// makes several kinds of calls, one per call), beside its code. Every word is in `lang`, the
/// run's language.
pub trait Peer {
    /// Who answered, inside a sentence: `the relay`, `DingTalk`.
    fn who(&self, lang: Lang) -> String;
    /// The line for a refusal: `the relay refused the message`.
    fn refused(&self, lang: Lang) -> String;
    /// The setting that holds its address: `kdocs_api_url`, `webhook`.
    fn setting(&self) -> &str;
    /// What to check when it answered with something other than JSON; `origin` is its address.
    fn not_json(&self, origin: &str, lang: Lang) -> String;
    /// Who is at the far end of the runner's network, for the time-out hint.
    fn far_end(&self, lang: Lang) -> String {
        self.who(lang)
    }
    /// Why a request that went out unanswered was not made again: every call here acts, and
    /// may have been acted on.
    fn not_sent_again(&self, lang: Lang) -> String;
    /// A hint for an answer with `status` (not 2xx, not retried), before the reply's own.
    fn status_hint(&self, _status: u16, _origin: &str, _lang: Lang) -> Option<String> {
        None
    }
    /// The hint for a redirect to `to`.
    fn redirect_hint(&self, to: &str, lang: Lang) -> String;
    /// A hint before the reply's own when the call was refused, whatever the reply said.
    fn refusal_hint(&self, _lang: Lang) -> Option<String> {
        None
    }
    /// Whether this binary called DingTalk itself: the clock and the address DingTalk checks
    /// are then the runner's.
    fn calls_dingtalk_itself(&self) -> bool {
        false
    }
    /// The hint when a refusal without a DingTalk code speaks of a token: the peer's own token.
    fn token_hint(&self, _lang: Lang) -> Option<String> {
        None
    }
}

/// The error to report for a call to `peer` given up. `origin` is the peer's
/// `scheme://host[:port]` and `timeout` the time allowed for one attempt, both as the user set
/// them.
pub fn error(peer: &dyn Peer, failed: &Failed<impl Worded>, origin: &str, timeout: Duration, lang: Lang) -> Error {
    let failure = failed.failure.seen();
    let mut message = message(peer, &failure, origin, timeout, lang);
    // Only a failure retried until no attempt was left says how many there were.
    if failed.failure.is_transient() && failed.attempts > 1 {
        message.push_str(&attempts(failed.attempts, lang));
    }
    let error = with_hints(peer, Error::delivery(message), &failure, origin, lang);
    if failed.failure.sent_unanswered() { error.hint(peer.not_sent_again(lang)) } else { error }
}

/// ` (after 3 attempts)`, after a failure retried until no attempt was left.
pub fn attempts(count: u32, lang: Lang) -> String {
    say(lang, "call.attempts", &[("count", &count.to_string())])
}

/// Why a message that went out unanswered was not sent again, for every transport that sends one.
pub fn may_have_arrived(lang: Lang) -> String {
    say(lang, "call.may_have_arrived", &[])
}

/// The line announcing a retry.
pub fn retry_notice(
    peer: &dyn Peer,
    retry: &Retry<impl Worded>,
    origin: &str,
    timeout: Duration,
    lang: Lang,
) -> String {
    retrying(
        retry.attempt,
        retry.attempts,
        &message(peer, &retry.failure.seen(), origin, timeout, lang),
        retry.wait,
        lang,
    )
}

/// `attempt 1 of 3 failed (…); retrying in 0.5s`, for every kind of call.
pub fn retrying(attempt: u32, attempts: u32, what: &str, wait: Duration, lang: Lang) -> String {
    say(
        lang,
        "call.retrying",
        &[
            ("attempt", &attempt.to_string()),
            ("attempts", &attempts.to_string()),
            ("what", what),
            ("wait", &format!("{:.1}", wait.as_secs_f64())),
        ],
    )
}

/// `64 KiB`, `16 MiB`: a limit on an answer's size.
fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 { format!("{} MiB", bytes >> 20) } else { format!("{} KiB", bytes >> 10) }
}

/// `5 days`, `23 h`, `45 min`: a lifetime, roughly; past ten years, no count of days means
/// anything (KDocs' tokens live hours or months).
pub fn lifetime(secs: u64, lang: Lang) -> String {
    let (key, count) = if secs >= 3650 * 86_400 {
        ("life.decade", 10)
    } else if secs >= 2 * 86_400 {
        ("life.days", secs / 86_400)
    } else if secs >= 3600 {
        ("life.hours", secs / 3600)
    } else {
        ("life.minutes", secs.div_ceil(60))
    };
    say(lang, key, &[("count", &count.to_string())])
}

/// What failed, in one line.
pub fn message(peer: &dyn Peer, failure: &Seen, origin: &str, timeout: Duration, lang: Lang) -> String {
    let who = peer.who(lang);
    let line = |key: &str, args: &[(&str, &str)]| say(lang, key, args);
    match failure {
        Seen::Http { status, said: reply, .. } => {
            line("call.http", &[("who", &who), ("status", &status.to_string()), ("said", &said(reply.as_ref(), lang))])
        }
        Seen::Refused(reply) => format!("{}{}", peer.refused(lang), said(Some(reply), lang)),
        // The relay's "code 0, msg success" is not the news: DingTalk's answer inside it is.
        Seen::Inner(reply) => line(
            "call.inner",
            &[(
                "dingtalk",
                &reply
                    .dingtalk
                    .as_ref()
                    .map(|(code, msg)| format!("{}{}", colon(lang), dingtalk_parts(code, msg.as_deref(), lang)))
                    .unwrap_or_default(),
            )],
        ),
        Seen::NoToken { said: reply, field, malformed: false } => {
            line("call.no_token", &[("field", field), ("said", &said(Some(reply), lang))])
        }
        // Not the answer's texts: they may hold the token that is none, and code 0 is all they say.
        Seen::NoToken { field, malformed: true, .. } => line("call.no_token.malformed", &[("field", field)]),
        Seen::NotJson { status, length } => line(
            "call.not_json",
            &[
                ("who", &who),
                ("status", &status.to_string()),
                ("length", &length.to_string()),
                ("fix", &peer.not_json(origin, lang)),
            ],
        ),
        Seen::Call(http::Failure::TooLarge { status, limit }) => line(
            "call.too_large",
            &[
                ("who", &who),
                ("status", &status.to_string()),
                ("limit", &size(*limit)),
                ("setting", peer.setting()),
                ("origin", origin),
            ],
        ),
        Seen::Call(http::Failure::TimedOut { .. }) => {
            line("call.timed_out", &[("origin", origin), ("secs", &timeout.as_secs_f64().to_string())])
        }
        Seen::Call(http::Failure::Connect { cause, .. }) => {
            line("call.connect", &[("origin", origin), ("cause", &shown(cause))])
        }
        Seen::Call(http::Failure::Tls { problem, connecting: true }) => {
            line("call.connect.tls", &[("origin", origin), ("tls", &tls_words(*problem, lang))])
        }
        Seen::Call(http::Failure::Tls { problem, connecting: false }) => {
            line("call.request.tls", &[("origin", origin), ("tls", &tls_words(*problem, lang))])
        }
        Seen::Call(http::Failure::Transport { cause, .. }) => {
            line("call.request", &[("origin", origin), ("cause", &shown(cause))])
        }
    }
}

/// `: ` or `：`, before what a peer said.
fn colon(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn { "：" } else { ": " }
}

/// A TLS refusal in plain words.
pub fn tls_words(problem: TlsProblem, lang: Lang) -> String {
    let key = match problem {
        TlsProblem::UnknownIssuer => "tls.unknown_issuer",
        TlsProblem::Expired => "tls.expired",
        TlsProblem::WrongName => "tls.wrong_name",
        TlsProblem::NotServerCertificate => "tls.not_server_certificate",
        TlsProblem::BadCertificate => "tls.bad_certificate",
        TlsProblem::NotTls => "tls.not_tls",
        TlsProblem::Closed => "tls.closed",
        TlsProblem::Other => "tls.other",
    };
    say(lang, key, &[])
}

/// What to do about it: a hint line each for the causes we know.
fn with_hints(peer: &dyn Peer, error: Error, failure: &Seen, origin: &str, lang: Lang) -> Error {
    use http::Failure as Call;
    let setting = peer.setting();
    let hint = |key: &str| say(lang, key, &[("setting", setting)]);
    match failure {
        // A status worth retrying is a passing trouble of the server's: what it said is all there is.
        Seen::Http { status, .. } if http::transient_status(*status) => error,
        Seen::Http { status, said: reply, location } => {
            let mut error = match (peer.status_hint(*status, origin, lang), location) {
                (Some(hint), _) => error.hint(hint),
                (None, Some(to)) => error.hint(peer.redirect_hint(to, lang)),
                (None, None) => error,
            };
            error.hints.extend(reply.iter().flat_map(|r| for_reply(peer, r, lang)));
            error
        }
        Seen::Refused(reply) | Seen::NoToken { said: reply, malformed: false, .. } => {
            let mut error = match peer.refusal_hint(lang) {
                Some(hint) => error.hint(hint),
                None => error,
            };
            error.hints.extend(for_reply(peer, reply, lang));
            error
        }
        Seen::Inner(reply) | Seen::NoToken { said: reply, malformed: true, .. } => {
            let mut error = error;
            error.hints.extend(for_reply(peer, reply, lang));
            error
        }
        Seen::Call(http::Failure::TimedOut { .. }) => {
            error.hint(say(lang, "hint.timed_out", &[("far_end", &peer.far_end(lang))]))
        }
        Seen::Call(http::Failure::Tls { problem: TlsProblem::UnknownIssuer, connecting: true }) => {
            error.hint(hint("hint.tls.unknown_issuer"))
        }
        Seen::Call(http::Failure::Tls { problem: TlsProblem::NotServerCertificate, connecting: true }) => {
            error.hint(hint("hint.tls.not_server_certificate"))
        }
        Seen::Call(http::Failure::Tls { problem: TlsProblem::WrongName, connecting: true }) => {
            error.hint(hint("hint.tls.wrong_name"))
        }
        Seen::Call(http::Failure::Tls { problem: TlsProblem::NotTls, connecting: true }) => {
            error.hint(hint("hint.tls.not_tls"))
        }
        Seen::Call(http::Failure::Connect { .. } | http::Failure::Tls { connecting: true, .. }) => {
            error.hint(hint("hint.connect"))
        }
        Seen::NotJson { .. }
        | Seen::Call(Call::TooLarge { .. } | Call::Transport { .. } | Call::Tls { connecting: false, .. }) => error,
    }
}

/// The most of a text from the relay that is shown (its `msg`, `hint`, an error's cause), in
/// characters: the relay's own texts are a line; a longer one is cut with `…`.
pub const MAX_SHOWN_CHARS: usize = 300;

/// A text from the relay as it may be shown: control and invisible formatting characters
/// (terminal escapes, bidirectional overrides, zero-width characters) become spaces or go,
/// runs of whitespace become one space, and at most [`MAX_SHOWN_CHARS`] are kept.
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SHOWN_CHARS * 4));
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else if matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
        {
            continue;
        } else {
            c
        };
        if c == ' ' && (space || count == 0) {
            space = true;
            continue;
        }
        space = c == ' ';
        if count == MAX_SHOWN_CHARS {
            out.truncate(out.trim_end().len());
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out.truncate(out.trim_end().len());
    out
}
/// `: code 40001, msg "…", hint "…"` from what the relay said, then DingTalk's `errcode` and
/// `errmsg` (its own answer, or the refusal found in the relay's `data`); each text cleaned and
/// capped by [`shown`].
fn said(reply: Option<&Said>, lang: Lang) -> String {
    let Some(r) = reply else { return String::new() };
    let mut parts = Vec::new();
    if let Some(code) = &r.code {
        parts.push(format!("code {}", shown(code)));
    }
    if let Some(msg) = r.msg.map(shown).filter(|m| !m.is_empty()) {
        parts.push(format!("msg \"{msg}\""));
    }
    if let Some(hint) = r.hint.map(shown).filter(|h| !h.is_empty()) {
        parts.push(format!("hint \"{hint}\""));
    }
    if let Some((code, msg)) = &r.dingtalk {
        parts.push(dingtalk_parts(code, msg.as_deref(), lang));
    }
    let comma = if lang == Lang::ZhCn { "，" } else { ", " };
    if parts.is_empty() { String::new() } else { format!("{}{}", colon(lang), parts.join(comma)) }
}

/// `errcode 310000, errmsg "…"`, cleaned and capped.
fn dingtalk_parts(code: &str, msg: Option<&str>, lang: Lang) -> String {
    let comma = if lang == Lang::ZhCn { "，" } else { ", " };
    match msg.map(shown).filter(|m| !m.is_empty()) {
        Some(msg) => format!("errcode {}{comma}errmsg \"{msg}\"", shown(code)),
        None => format!("errcode {}", shown(code)),
    }
}

/// The outputs `code` and `msg`, the same way for every call (the send through the relay,
/// straight to DingTalk, the renewal): the code and message the reply gave as its own (each
/// transport's `Reply::said`), cleaned and capped as the error line shows them. A failure
/// without a message gives its error line.
pub fn answered(
    (code, msg): (Option<String>, Option<String>),
    error: Option<&Error>,
) -> (Option<String>, Option<String>) {
    let code = code.map(|c| shown(&c)).filter(|c| !c.is_empty());
    let msg = msg.map(|m| shown(&m)).filter(|m| !m.is_empty()).or_else(|| error.map(|e| e.message.clone()));
    (code, msg)
}

/// At most this many DingTalk codes are explained: a real answer names one.
const MAX_CODES: usize = 3;

/// Only this many bytes at the start of each text are searched for codes and known words, so
/// that the work stays proportional to a relay's real answers whatever it sends.
const MAX_SCANNED_BYTES: usize = 4096;

/// The start of `text`, at most [`MAX_SCANNED_BYTES`], on a character boundary.
fn scanned(text: &str) -> String {
    let mut end = text.len().min(MAX_SCANNED_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// What the user should know about a refusal, one line each; empty when nothing is recognised.
/// `peer` says who called DingTalk: the relay, or this binary straight (whose clock and address
/// are the runner's), and whether a token of its own may be what a refusal is about.
fn for_reply(peer: &dyn Peer, reply: &Said, lang: Lang) -> Vec<String> {
    let direct = peer.calls_dingtalk_itself();
    let mut texts: Vec<String> = Vec::new();
    texts.extend(reply.msg.map(scanned));
    texts.extend(reply.hint.map(scanned));
    let mut found: Vec<(i64, Option<String>)> = Vec::new();
    // DingTalk's own answer, when the webhook was called directly.
    let own = serde_json::json!({ "errcode": reply.errcode, "errmsg": reply.errmsg });
    collect_json(&own, &mut found, &mut texts, 0);
    if let Some(data) = reply.data {
        collect_json(data, &mut found, &mut texts, 0);
    }
    for t in texts.clone() {
        if let Ok(v) = serde_json::from_str::<Value>(t.trim()) {
            collect_json(&v, &mut found, &mut texts, 0);
        }
    }
    let all_text = texts.join("\n");
    for code in codes_in_text(&all_text) {
        if found.len() < MAX_CODES && !found.iter().any(|(c, _)| *c == code) {
            found.push((code, None));
        }
    }
    let mut hints = Vec::new();
    for (code, errmsg) in &found {
        let context = match errmsg {
            Some(m) if !m.is_empty() => format!("{all_text}\n{m}"),
            _ => all_text.clone(),
        };
        let code = code.to_string();
        let hint = match explain(code.parse().unwrap_or_default(), &context, direct, lang) {
            Some(h) => say(lang, "dingtalk.explained", &[("code", &code), ("hint", &h)]),
            // Unknown codes are shown as they came.
            None => match errmsg.as_deref().map(shown) {
                Some(m) if !m.is_empty() => say(lang, "dingtalk.unknown.errmsg", &[("code", &code), ("errmsg", &m)]),
                _ => say(lang, "dingtalk.unknown", &[("code", &code)]),
            },
        };
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }
    if found.is_empty() {
        if let Some(h) = security_variant(&all_text, direct, lang) {
            hints.push(say(lang, "dingtalk.security", &[("hint", &h)]));
        } else if let Some(hint) = peer.token_hint(lang)
            && mentions_relay_token(&all_text)
            && !matches!(reply.http_status, 401 | 403)
        {
            // (401/403 have their own hint already.)
            hints.push(hint);
        }
    }
    hints
}

/// `errcode`/`errmsg` pairs anywhere in a JSON value (at most [`MAX_CODES`]); strings are
/// searched as text too.
fn collect_json(v: &Value, found: &mut Vec<(i64, Option<String>)>, texts: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Object(map) => {
            let code = map
                .get("errcode")
                .or_else(|| map.get("errCode"))
                .and_then(|c| c.as_i64().or_else(|| c.as_str().and_then(|s| s.trim().parse().ok())));
            if let Some(code) = code.filter(|c| *c != 0)
                && found.len() < MAX_CODES
            {
                let msg = map.get("errmsg").or_else(|| map.get("errMsg")).and_then(Value::as_str).map(scanned);
                if !found.iter().any(|(c, _)| *c == code) {
                    found.push((code, msg.clone()));
                }
                texts.extend(msg);
            }
            for (k, child) in map {
                if k != "errmsg" && k != "errMsg" {
                    collect_json(child, found, texts, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_json(i, found, texts, depth + 1)),
        Value::String(s) => match serde_json::from_str::<Value>(s.trim()) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => collect_json(&inner, found, texts, depth + 1),
            _ => texts.push(scanned(s)),
        },
        _ => {}
    }
}

/// Codes in free text (at most [`MAX_CODES`]): any number right after `errcode` (`errcode:
/// 310000`, `errcode=130101`, `"errcode":400101`), and the known codes standing alone.
fn codes_in_text(text: &str) -> Vec<i64> {
    let mut codes = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while codes.len() < MAX_CODES
        && let Some(i) = rest.find("errcode")
    {
        rest = &rest[i + "errcode".len()..];
        let digits: String = rest
            .trim_start_matches(|c: char| c == '"' || c == '\'' || c == ':' || c == '=' || c.is_whitespace())
            .chars()
            .take_while(char::is_ascii_digit)
            .take(18)
            .collect();
        if let Ok(code) = digits.parse::<i64>()
            && code != 0
            && !codes.contains(&code)
        {
            codes.push(code);
        }
    }
    for number in text.split(|c: char| !c.is_ascii_digit()).filter(|n| n.len() == 6) {
        if codes.len() >= MAX_CODES {
            break;
        }
        if let Ok(code) = number.parse::<i64>()
            && explain(code, "", false, Lang::En).is_some()
            && !codes.contains(&code)
        {
            codes.push(code);
        }
    }
    codes
}

/// What a DingTalk code means and what to do; `context` (the texts around it) tells the
/// variants of 310000 apart; `direct`, whether this binary called DingTalk itself.
fn explain(code: i64, context: &str, direct: bool, lang: Lang) -> Option<String> {
    let key = match code {
        310000 => match security_variant(context, direct, lang) {
            Some(h) => return Some(h),
            None if direct => "dingtalk.310000.direct",
            None => "dingtalk.310000.relay",
        },
        300001 | 300005 | 400101 => "dingtalk.bad_token",
        400106 => "dingtalk.400106",
        400013 => "dingtalk.400013",
        400102 => "dingtalk.400102",
        400105 => "dingtalk.400105",
        410100 | 130101 => "dingtalk.rate_limited",
        460101 | 101002 => "dingtalk.too_long",
        430101..=430199 => "dingtalk.content",
        _ => return None,
    };
    Some(say(lang, key, &[]))
}

/// Which of the security checks (errcode 310000) failed, from DingTalk's errmsg, old or new style.
fn security_variant(text: &str, direct: bool, lang: Lang) -> Option<String> {
    let lower = text.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let key = if has(&["keywords not in content", "关键词不匹配", "关键词"]) {
        "dingtalk.keyword"
    } else if has(&["sign not match", "签名不匹配"]) {
        "dingtalk.sign"
    } else if has(&["invalid timestamp", "签名过期", "timestamp"]) && direct {
        "dingtalk.timestamp.direct"
    } else if has(&["invalid timestamp", "签名过期", "timestamp"]) {
        "dingtalk.timestamp.relay"
    } else if has(&["whitelist", "白名单"]) && direct {
        "dingtalk.whitelist.direct"
    } else if has(&["whitelist", "白名单"]) {
        "dingtalk.whitelist.relay"
    } else {
        return None;
    };
    Some(say(lang, key, &[]))
}

/// The relay complaining about its own token (KDocs documents no codes; these are guesses).
fn mentions_relay_token(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["access_token", "token", "unauthorized", "expired", "令牌", "过期", "无效", "未授权"]
        .iter()
        .any(|n| lower.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::dingtalk;
    use crate::delivery::kdocs::{Call, Failed, Failure, MAX_REPLY_BYTES, Reply, Token};

    /// A delivery through the relay given up, with `token`.
    fn delivery_error(failed: &Failed, origin: &str, timeout: Duration, token: Token) -> Error {
        super::error(&Call::Relay(token), failed, origin, timeout, Lang::En)
    }

    fn reply(json: &str) -> Reply {
        serde_json::from_str(json).unwrap()
    }

    fn hints(json: &str) -> String {
        for_reply(&Call::Relay(Token::Given), &Said::from(&reply(json)), Lang::En).join("\n")
    }

    const ORIGIN: &str = "https://relay.example";
    const TOKEN_HINT: &str = "the KDocs token is invalid or expired: create a new one and update `kdocs_token`, or let \
                              each run renew it: set `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` \
                              (README, \"KDocs token\")";
    const PROXY_HINT: &str = "check `kdocs_api_url`, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy";
    const NOT_SENT_AGAIN: &str = "the message may or may not have reached the group: it was sent, but no readable \
                                  answer came; it is not sent again, which could post it twice";
    const CA_HINT: &str = "a proxy that re-signs TLS needs its root certificate in `ca_file`";

    /// The error line and the hint lines for a failure after `attempts` attempts.
    fn error(failure: Failure, attempts: u32) -> (String, Vec<String>) {
        let e = delivery_error(&Failed { failure, attempts }, ORIGIN, Duration::from_millis(2500), Token::Given);
        assert_eq!(e.kind, crate::error::Kind::Delivery);
        (e.message, e.hints)
    }

    fn http(status: u16, json: Option<&str>, location: Option<&str>) -> Failure {
        let reply = json.map(|j| Reply { http_status: status, ..reply(j) });
        Failure::Http { status, reply, location: location.map(str::to_owned) }
    }

    #[test]
    fn said_quotes_what_the_relay_answered() {
        assert_eq!(
            said(Some(&Said::from(&reply(r#"{"code":40001,"msg":"m","hint":"h"}"#))), Lang::En),
            r#": code 40001, msg "m", hint "h""#
        );
        assert_eq!(said(Some(&Said::from(&reply(r#"{"code":"E1","msg":123}"#))), Lang::En), r#": code E1, msg "123""#);
        assert_eq!(said(Some(&Said::from(&reply(r#"{"msg":"","hint":""}"#))), Lang::En), "");
        assert_eq!(said(None, Lang::En), "");
    }

    #[test]
    fn a_refused_token_names_kdocs_token_once() {
        let (message, hints) = error(http(401, Some(r#"{"code":40100,"msg":"access_token expired"}"#), None), 1);
        assert_eq!(message, r#"the relay answered HTTP 401: code 40100, msg "access_token expired""#);
        assert_eq!(hints, [TOKEN_HINT]);
        assert_eq!(
            error(http(403, None, None), 1),
            ("the relay answered HTTP 403".to_owned(), vec![TOKEN_HINT.to_owned()])
        );
    }

    #[test]
    fn not_found_points_at_kdocs_api_url() {
        let (message, hints) = error(http(404, None, None), 1);
        assert_eq!(message, "the relay answered HTTP 404");
        assert_eq!(
            hints,
            ["check `kdocs_api_url` (https://relay.example): the relay lives at /api/v1/openapi/notification/dingtalk"]
        );
    }

    #[test]
    fn a_redirect_says_where_it_points() {
        let (message, hints) = error(http(302, None, Some("https://relay.example/v2/notify")), 1);
        assert_eq!(message, "the relay answered HTTP 302");
        assert_eq!(
            hints,
            ["the relay redirects to https://relay.example/v2/notify: if it moved, set `kdocs_api_url` to its new \
                 base URL (without /api/v1/openapi/notification/dingtalk)"]
        );
        assert_eq!(error(http(301, None, None), 1), ("the relay answered HTTP 301".to_owned(), vec![]));
    }

    #[test]
    fn an_http_error_carries_dingtalks_code_hints() {
        let (message, hints) = error(http(400, Some(r#"{"code":1,"msg":"errcode 400102"}"#), None), 1);
        assert_eq!(message, r#"the relay answered HTTP 400: code 1, msg "errcode 400102""#);
        assert_eq!(hints, ["DingTalk errcode 400102: the robot is disabled: ask the group's admin to enable it again"]);
    }

    #[test]
    fn a_retried_status_says_how_often_and_nothing_more() {
        let body = Some(r#"{"code":500,"data":{"errcode":400102,"errmsg":"disabled"}}"#);
        let (message, hints) = error(http(503, body, None), 3);
        assert_eq!(
            message,
            r#"the relay answered HTTP 503: code 500, errcode 400102, errmsg "disabled" (after 3 attempts)"#
        );
        assert!(hints.is_empty(), "{hints:?}");
        assert_eq!(error(http(429, None, None), 1), ("the relay answered HTTP 429".to_owned(), vec![]));
        // Failed at once after a retried failure: not "after 2 attempts".
        assert_eq!(error(http(400, None, None), 2).0, "the relay answered HTTP 400");
    }

    #[test]
    fn a_refusal_shows_code_msg_hint_and_the_hints_for_them() {
        let refused = |j| Failure::Refused { reply: Reply { http_status: 200, ..reply(j) } };
        let (message, hints) = error(refused(r#"{"code":40001,"msg":"token invalid","hint":"renew"}"#), 1);
        assert_eq!(message, r#"the relay refused the message: code 40001, msg "token invalid", hint "renew""#);
        assert_eq!(
            hints,
            ["the KDocs token may be invalid or expired: create a new one and update `kdocs_token`, or let each run \
              renew it: set `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` (README, \"KDocs token\")"]
        );
        let (message, hints) =
            error(refused(r#"{"code":1,"data":{"errcode":310000,"errmsg":"keywords not in content"}}"#), 2);
        // DingTalk's errcode and errmsg as given, from the relay's `data`.
        assert_eq!(
            message,
            r#"the relay refused the message: code 1, errcode 310000, errmsg "keywords not in content""#
        );
        assert_eq!(
            hints,
            ["DingTalk errcode 310000: the message lacks the robot's security keyword: set `keyword` to it"]
        );
    }

    #[test]
    fn a_refusal_inside_a_relay_success_shows_dingtalks_answer_wherever_it_was() {
        let inner = |j: &str| Failure::Inner { reply: Reply { http_status: 200, ..reply(j) } };
        let (message, hints) = error(
            inner(r#"{"code":0,"msg":"success","data":{"errcode":310000,"errmsg":"keywords not in content"}}"#),
            1,
        );
        assert_eq!(
            message,
            r#"DingTalk refused the message: errcode 310000, errmsg "keywords not in content" (passed on by the relay, which answered code 0)"#
        );
        assert_eq!(
            hints,
            ["DingTalk errcode 310000: the message lacks the robot's security keyword: set `keyword` to it"]
        );
        let (message, _) = error(inner(r#"{"code":0,"msg":"success","data":[{"errcode":0},{"errCode":"400102"}]}"#), 1);
        assert_eq!(
            message,
            "DingTalk refused the message: errcode 400102 (passed on by the relay, which answered code 0)"
        );
        let (message, _) =
            error(inner(r#"{"code":"0","data":"{\"errcode\":300001,\"errmsg\":\"token is not exist\"}"}"#), 1);
        assert_eq!(
            message,
            r#"DingTalk refused the message: errcode 300001, errmsg "token is not exist" (passed on by the relay, which answered code 0)"#
        );
    }

    #[test]
    fn the_outputs_are_dingtalks_answer_when_it_gave_one_and_always_cleaned() {
        let answered = |j: &str| answered(reply(j).said(), None);
        let some = |c: &str, m: &str| (Some(c.to_owned()), Some(m.to_owned()));
        assert_eq!(answered(r#"{"code":0,"msg":"ok"}"#), some("0", "ok"));
        assert_eq!(
            answered(r#"{"code":0,"msg":"success","data":{"errcode":310000,"errmsg":"keywords not in content"}}"#),
            some("310000", "keywords not in content")
        );
        // The relay said no itself: its code.
        assert_eq!(answered(r#"{"code":1,"msg":"no","data":{"errcode":310000}}"#), some("1", "no"));
        assert_eq!(answered(r#"{"errcode":0,"errmsg":"ok"}"#), some("0", "ok"));
        let long = serde_json::json!({"errcode": 777777, "errmsg": format!("a\nb {}", "x".repeat(60_000))}).to_string();
        assert_eq!(answered(&long), some("777777", &format!("a b {}…", "x".repeat(MAX_SHOWN_CHARS - 4))));
        // Nothing said: the error line.
        let e = Error::delivery("no answer");
        assert_eq!(answered_none(&e), (None, Some("no answer".to_owned())));
        let (message, _) = error(Failure::Refused { reply: reply(&long) }, 1);
        assert!(message.chars().count() < MAX_SHOWN_CHARS + 100, "{}", message.len());
    }

    fn answered_none(e: &Error) -> (Option<String>, Option<String>) {
        answered((None, None), Some(e))
    }

    #[test]
    fn a_refused_token_is_worded_for_how_it_came() {
        let failed = Failed { failure: http(401, Some(r#"{"code":401,"msg":"invalid token"}"#), None), attempts: 1 };
        let hints = |token| delivery_error(&failed, ORIGIN, Duration::from_secs(1), token).hints;
        assert_eq!(hints(Token::Given), [TOKEN_HINT]);
        assert_eq!(
            hints(Token::GivenRenewable),
            [
                "the KDocs token is invalid or expired: update `kdocs_token`, or leave it out so that each run renews one \
              with `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token`"
            ]
        );
        let renewed =
            ["the KDocs token was renewed just now and refused too: check the app's permissions on the KDocs \
                        developer console, or authorize again with `dingtalk-notify kdocs-auth` (README, \"KDocs \
                        token\") and update `kdocs_refresh_token`"];
        assert_eq!(hints(Token::Renewed), renewed);
        // Said in words, with a 200.
        let failed = Failed {
            failure: Failure::Refused { reply: reply(r#"{"code":40001,"msg":"token expired"}"#) },
            attempts: 1,
        };
        assert_eq!(delivery_error(&failed, ORIGIN, Duration::from_secs(1), Token::Renewed).hints, renewed);
        // A refused renewal is not about `kdocs_token`.
        let failed = Failed {
            failure: Failure::Refused { reply: reply(r#"{"code":20003,"msg":"invalid refresh_token"}"#) },
            attempts: 1,
        };
        let e = super::error(&Call::Renewal, &failed, ORIGIN, Duration::from_secs(1), Lang::En);
        assert!(e.hints.iter().all(|h| !h.contains("kdocs_token`")), "{:?}", e.hints);
    }

    #[test]
    fn an_answer_that_is_not_json_points_at_the_open_api() {
        let (message, hints) = error(Failure::NotJson { status: 200, length: 15 }, 1);
        assert_eq!(
            message,
            "the relay answered HTTP 200 but not with JSON (15 bytes): check `kdocs_api_url` (https://relay.example) \
             points at the KDocs open API"
        );
        assert!(hints.is_empty(), "{hints:?}");
    }

    #[test]
    fn a_time_out_names_the_setting() {
        let (message, hints) = error(Failure::Call(http::Failure::TimedOut { connecting: false }), 2);
        assert_eq!(message, "no answer from https://relay.example within 2.5s (after 2 attempts)");
        assert_eq!(hints, ["raise `timeout`, or check the network between the runner and the relay", NOT_SENT_AGAIN]);
        // No connection in time: nothing went out, so nothing may have arrived.
        let (message, hints) = error(Failure::Call(http::Failure::TimedOut { connecting: true }), 3);
        assert_eq!(message, "no answer from https://relay.example within 2.5s (after 3 attempts)");
        assert_eq!(hints, ["raise `timeout`, or check the network between the runner and the relay"]);
    }

    #[test]
    fn no_connection_points_at_the_proxy_or_at_ca_file() {
        let refused =
            Failure::Call(http::Failure::Connect { cause: "Connection refused (os error 111)".into(), dropped: true });
        let (message, hints) = error(refused, 1);
        assert_eq!(message, "cannot connect to https://relay.example (Connection refused (os error 111))");
        assert_eq!(hints, [PROXY_HINT]);
    }

    #[test]
    fn tls_failures_are_told_in_plain_words_with_the_fix() {
        let tls = |problem| error(Failure::Call(http::Failure::Tls { problem, connecting: true }), 1);
        let (message, hints) = tls(TlsProblem::UnknownIssuer);
        assert_eq!(
            message,
            "cannot connect to https://relay.example: its TLS certificate is not signed by a certificate authority \
             this binary trusts"
        );
        assert_eq!(hints.len(), 1);
        assert!(hints[0].starts_with(CA_HINT), "{hints:?}");
        // A self-signed server certificate given in `ca_file` (webpki's CaUsedAsEndEntity).
        let (message, hints) = tls(TlsProblem::NotServerCertificate);
        assert_eq!(
            message,
            "cannot connect to https://relay.example: its TLS certificate is not a server certificate (a certificate \
             authority's, or one made for another use)"
        );
        assert_eq!(
            hints,
            ["put the certificate authority that signed the server's certificate in `ca_file`, not the server's own \
              certificate"]
        );
        let (message, hints) = tls(TlsProblem::NotTls);
        assert!(message.ends_with("it did not answer with TLS (an http:// server or port behind an https:// URL?)"));
        assert_eq!(hints, ["check `kdocs_api_url` (https:// or http://, and the port), and HTTPS_PROXY/NO_PROXY"]);
        for problem in [TlsProblem::Expired, TlsProblem::WrongName, TlsProblem::Closed, TlsProblem::Other] {
            let (message, _) = tls(problem);
            assert!(!message.contains("Error") && !message.contains("Other("), "{message}");
        }
    }

    #[test]
    fn a_request_that_broke_off_says_why() {
        let (message, hints) =
            error(Failure::Call(http::Failure::Transport { cause: "connection reset".into(), dropped: true }), 2);
        assert_eq!(message, "the request to https://relay.example failed (connection reset) (after 2 attempts)");
        assert_eq!(hints, [NOT_SENT_AGAIN]);
        let (message, hints) =
            error(Failure::Call(http::Failure::Tls { problem: TlsProblem::Other, connecting: false }), 2);
        assert_eq!(
            message,
            "the request to https://relay.example failed: the TLS handshake failed (no TLS version or cipher in \
             common, or the server refused it)"
        );
        assert_eq!(hints, [NOT_SENT_AGAIN]);
    }

    #[test]
    fn relay_text_is_capped_and_cleaned_and_the_codes_are_few() {
        // A huge answer naming 100,000 codes: a few hints, a short line (it took 25 s and printed
        // 100,000 hint lines before).
        let msg: String = (1..=100_000).flat_map(|n| ["errcode ".to_owned(), n.to_string(), " ".to_owned()]).collect();
        let json =
            serde_json::json!({ "code": 1, "msg": msg, "hint": "\u{1b}[31mred\u{202e}x\n::error::y" }).to_string();
        let failure = Failure::Refused { reply: Reply { http_status: 200, ..reply(&json) } };
        let (message, hints) = error(failure, 1);
        assert!(message.chars().count() < 2 * MAX_SHOWN_CHARS + 100, "{}", message.len());
        assert!(message.contains(r#"hint "[31mredx ::error::y""#), "{message}");
        assert!(hints.len() <= MAX_CODES, "{hints:?}");
        assert_eq!(shown(&"é".repeat(400)), format!("{}…", "é".repeat(MAX_SHOWN_CHARS)));
        assert_eq!(shown("  a \n\t b  "), "a b");
        let (message, _) = error(Failure::Call(http::Failure::TooLarge { status: 200, limit: MAX_REPLY_BYTES }), 1);
        assert!(message.contains("more than 64 KiB"), "{message}");
    }

    #[test]
    fn a_retry_is_announced_with_what_failed_and_the_wait() {
        let failure = http(503, Some(r#"{"code":1,"msg":"busy"}"#), None);
        let retry = Retry { attempt: 1, attempts: 3, failure: &failure, wait: Duration::from_millis(1240) };
        assert_eq!(
            retry_notice(&Call::Relay(Token::Given), &retry, ORIGIN, Duration::from_secs(10), Lang::En),
            r#"attempt 1 of 3 failed (the relay answered HTTP 503: code 1, msg "busy"); retrying in 1.2s"#
        );
        let retry = Retry {
            attempt: 2,
            attempts: 3,
            failure: &Failure::Call(http::Failure::TimedOut { connecting: false }),
            wait: Duration::from_secs(3),
        };
        assert_eq!(
            retry_notice(&Call::Relay(Token::Given), &retry, ORIGIN, Duration::from_secs(10), Lang::En),
            "attempt 2 of 3 failed (no answer from https://relay.example within 10s); retrying in 3.0s"
        );
    }

    #[test]
    fn the_four_security_variants_of_310000() {
        let keyword = hints(
            r#"{"code":1,"data":{"errcode":310000,"errmsg":"keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}}"#,
        );
        assert!(keyword.contains("310000") && keyword.contains("`keyword`"), "{keyword}");
        let keyword_new = hints(
            r#"{"code":1,"msg":"errcode 310000","hint":"description:关键词不匹配;solution:请联系群管理员查看此机器人的关键词，并在发送的信息中包含此关键词;"}"#,
        );
        assert!(keyword_new.contains("`keyword`"), "{keyword_new}");
        let sign = hints(
            r#"{"code":1,"msg":"{\"errcode\":310000,\"errmsg\":\"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]\"}"}"#,
        );
        assert!(sign.contains("`secret`") && sign.contains("signature does not match"), "{sign}");
        let clock = hints(
            r#"{"code":1,"data":{"errcode":"310000","errmsg":"description:机器人发送签名过期;solution:签名生成时间和发送时间请保持在 timestampms 以内;"}}"#,
        );
        assert!(clock.contains("clock"), "{clock}");
        let ip = hints(r#"{"code":1,"data":{"errcode":310000,"errmsg":"ip 1.2.3.4 not in whitelist"}}"#);
        assert!(ip.contains("own") && ip.contains("keyword or a signature"), "{ip}");
        let unknown_variant = hints(r#"{"code":1,"msg":"errcode=310000"}"#);
        assert!(unknown_variant.contains("keyword") && unknown_variant.contains("IP"), "{unknown_variant}");
        let text_only = hints(r#"{"code":1,"msg":"keywords not in content"}"#);
        assert!(text_only.contains("security check failed") && text_only.contains("`keyword`"), "{text_only}");
    }

    #[test]
    fn straight_to_dingtalk_the_hints_speak_of_this_machine_not_the_relay() {
        let direct = |json: &str| {
            let reply: dingtalk::Reply = serde_json::from_str(json).unwrap();
            for_reply(&dingtalk::DingTalk, &Said::from(&reply), Lang::En).join("\n")
        };
        let clock = direct(r#"{"errcode":310000,"errmsg":"invalid timestamp"}"#);
        assert_eq!(
            clock,
            "DingTalk errcode 310000: the signature's timestamp was refused (more than an hour off): set this \
             machine's clock right (NTP)"
        );
        let ip = direct(r#"{"errcode":310000,"errmsg":"ip 1.2.3.4 not in whitelist"}"#);
        assert!(ip.contains("the runner's outgoing address") && !ip.contains("relay"), "{ip}");
        let unknown_variant = direct(r#"{"errcode":310000,"errmsg":"?"}"#);
        assert!(
            unknown_variant.contains("this machine's clock") && !unknown_variant.contains("relay"),
            "{unknown_variant}"
        );
        // No KDocs token is involved: a DingTalk errmsg saying "token" is not about it.
        assert_eq!(direct(r#"{"errcode":1,"errmsg":"token expired"}"#), "DingTalk answered errcode 1: token expired");
    }

    #[test]
    fn every_known_code_has_its_hint() {
        for (code, expect) in [
            (300001, "access_token in `webhook`"),
            (400101, "access_token in `webhook`"),
            (400013, "dissolved"),
            (400102, "disabled"),
            (410100, "20 messages a minute"),
            (130101, "do not retry"),
            (460101, "20,000 bytes"),
            (430102, "rejected the content"),
        ] {
            let h = hints(&format!(r#"{{"code":500,"data":{{"errcode":{code},"errmsg":"x"}}}}"#));
            assert!(h.starts_with(&format!("DingTalk errcode {code}: ")) && h.contains(expect), "{code}: {h}");
            let from_msg = hints(&format!(r#"{{"code":500,"msg":"dingtalk said {code}"}}"#));
            assert_eq!(from_msg, h, "{code} found in msg");
        }
    }

    #[test]
    fn unknown_codes_are_shown_as_they_came_and_nothing_is_invented() {
        assert_eq!(
            hints(r#"{"code":1,"data":{"errcode":123456,"errmsg":"something new"}}"#),
            "DingTalk answered errcode 123456: something new"
        );
        assert_eq!(hints(r#"{"code":1,"msg":"errcode: 99"}"#), "DingTalk answered errcode 99");
        assert_eq!(hints(r#"{"code":40001,"msg":"bad request","hint":"see docs"}"#), "");
        assert_eq!(hints(r#"{"code":0,"data":{"errcode":0,"errmsg":"ok"}}"#), "");
        // A six-digit number that is not a known code is not taken for one.
        assert_eq!(hints(r#"{"code":1,"msg":"request 123456 failed"}"#), "");
    }

    #[test]
    fn the_relay_complaining_about_its_token() {
        let h = hints(r#"{"code":40100,"msg":"access_token expired"}"#);
        assert!(h.contains("KDocs token") && h.contains("`kdocs_token`"), "{h}");
        // DingTalk's "token is not exist" is about the robot, not the relay.
        let h = hints(r#"{"code":1,"data":{"errcode":300001,"errmsg":"token is not exist"}}"#);
        assert!(h.contains("`webhook`") && !h.contains("KDocs"), "{h}");
    }
}
