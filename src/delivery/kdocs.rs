//! The calls to KDocs: the notification through its relay, the renewal of the access token,
//! and the exchange of an authorization code for the first tokens. Each answer is read here
//! into its [`Reply`] and classified into success or a typed [`Failure`] (which wraps `http`'s
//! own), which each [`Call`] words through `hints`, with its own words for what KDocs said. The
//! HTTP client, the retries and the time-outs are `http`'s, shared with the other transports.
//!
//! The notification succeeds on HTTP 2xx with a JSON body whose `code` is 0 and whose `data`
//! holds no DingTalk refusal (an `errcode` other than 0). A token call succeeds on HTTP 2xx,
//! `code` 0 and a non-empty `data.access_token` (developer.kdocs.cn/common/authorization/web.html).

#![allow(clippy::result_large_err, reason = "a few calls per run: the size of their outcome does not matter")]

use reqwest::header::CONTENT_TYPE;
use serde::Deserialize;
use serde_json::Value;

use crate::delivery::hints::{self, Peer, Said, Seen, Worded};
use crate::delivery::http::{self, Answer, AttemptError, Http, Transient};
use crate::delivery::{Run, Transport, outputs};
use crate::error::Error;
use crate::report::Reporter;
use crate::settings::{KDOCS, KdocsAuth, Renewal, Secret, Settings};
use crate::summary::catalog::{Lang, say};
use crate::summary::message::Message;

pub const PATH: &str = "/api/v1/openapi/notification/dingtalk";
pub const REFRESH_PATH: &str = "/api/v1/oauth2/refresh_token";
pub const TOKEN_PATH: &str = "/api/v1/oauth2/access_token";

/// The most of an answer that is read. KDocs answers a few hundred bytes (`{"code":0,…}`);
/// anything past 64 KiB is not one of its answers, and reading on would let a broken or
/// hostile server fill the memory (a 200 MB answer took 1.1 GB before this limit).
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// What went wrong with a KDocs call, as facts: what KDocs answered, or `http`'s failure.
#[derive(Debug)]
pub enum Failure {
    /// An answer with a status other than 2xx; `location` is where a 3xx points (without query
    /// or fragment: they could carry a token back).
    Http { status: u16, reply: Option<Reply>, location: Option<String> },
    /// 2xx with JSON that says no: `code` is not 0.
    Refused { reply: Reply },
    /// The relay answered `code: 0`, but DingTalk's answer inside `data` has an `errcode` other
    /// than 0: the relay passed the message on and DingTalk refused it.
    Inner { reply: Reply },
    /// A token call answered `code: 0` without a token in `field` (`data.access_token`), or
    /// (`malformed`) with one that is no token.
    NoToken { reply: Reply, field: &'static str, malformed: bool },
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
            // The same again would be refused, or be malformed, again.
            Failure::Refused { .. } | Failure::Inner { .. } | Failure::NoToken { .. } | Failure::NotJson { .. } => {
                false
            }
        }
    }

    fn sent_unanswered(&self) -> bool {
        matches!(self, Failure::Call(call) if call.sent_unanswered())
    }
}

impl Failure {
    /// What KDocs said, when it answered with JSON.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Failure::Http { reply, .. } => reply.as_ref(),
            Failure::Refused { reply } | Failure::Inner { reply } | Failure::NoToken { reply, .. } => Some(reply),
            Failure::NotJson { .. } | Failure::Call(_) => None,
        }
    }
}

/// A KDocs call given up, and a retry of one.
pub type Failed = http::Failed<Failure>;
pub type Retry<'a> = http::Retry<'a, Failure>;

/// What KDocs answered, as far as it said: its `code`/`msg`/`hint`/`data`, and an `errcode`/
/// `errmsg` of DingTalk's should the relay pass DingTalk's answer on as its own.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reply {
    #[serde(skip)]
    pub http_status: u16,
    pub code: Option<Value>,
    #[serde(default, deserialize_with = "text")]
    pub msg: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub hint: Option<String>,
    /// Whatever the relay put there; on a refusal it may carry DingTalk's errcode/errmsg.
    #[serde(default)]
    pub data: Option<Value>,
    /// DingTalk's answer, passed on at the top.
    pub errcode: Option<Value>,
    #[serde(default, deserialize_with = "text")]
    pub errmsg: Option<String>,
}

impl Reply {
    /// The `code`, as text whatever JSON type the relay used.
    pub fn code_text(&self) -> Option<String> {
        self.code.as_ref().map(value_text)
    }

    /// DingTalk's `errcode`, as text.
    pub fn errcode_text(&self) -> Option<String> {
        self.errcode.as_ref().map(value_text)
    }

    /// A code and a message as they came, for the outputs: DingTalk's when it answered (passed
    /// on as the relay's own, or refusing inside a `code` 0), else the relay's `code` and `msg`.
    pub fn said(&self) -> (Option<String>, Option<String>) {
        let dingtalk = if self.code.is_none() {
            self.errcode_text().map(|code| (code, self.errmsg.clone()))
        } else if self.is_ok() {
            self.refusal_inside()
        } else {
            None
        };
        match dingtalk {
            Some((code, msg)) => (Some(code), msg),
            None => (self.code_text(), self.msg.clone()),
        }
    }

    /// Whether the relay said `code` 0 (whatever DingTalk said inside).
    pub fn is_ok(&self) -> bool {
        self.code.as_ref().is_some_and(is_zero)
    }

    /// Whether `data` holds a DingTalk refusal: an `errcode` other than 0 anywhere in it.
    fn refused_inside(&self) -> bool {
        self.refusal_inside().is_some()
    }

    /// The first DingTalk refusal in `data`: its `errcode` and `errmsg` as text (`errCode` and
    /// `errMsg` too), wherever it is, also inside a string holding JSON.
    pub fn refusal_inside(&self) -> Option<(String, Option<String>)> {
        self.data.as_ref().and_then(|d| refusal_in(d, 0))
    }

    /// A string field of `data`, when not empty.
    pub fn data_str(&self, key: &str) -> Option<&str> {
        self.data.as_ref()?.get(key)?.as_str().filter(|s| !s.is_empty())
    }

    /// A number of seconds in `data` under the first of `keys` present (a number or digits).
    pub fn data_secs(&self, keys: &[&str]) -> Option<u64> {
        let data = self.data.as_ref()?;
        keys.iter().find_map(|k| {
            let v = data.get(*k)?;
            v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
        })
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_zero(v: &Value) -> bool {
    v.as_i64() == Some(0) || v.as_str().is_some_and(|s| s.trim() == "0")
}

/// The first `errcode` (or `errCode`) other than 0 in `v`, with the `errmsg` (or `errMsg`)
/// beside it, also inside strings holding JSON.
fn refusal_in(v: &Value, depth: usize) -> Option<(String, Option<String>)> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::Object(map) => {
            let own = map.get("errcode").or_else(|| map.get("errCode")).filter(|c| !c.is_null() && !is_zero(c));
            if let Some(code) = own {
                let msg = map.get("errmsg").or_else(|| map.get("errMsg")).filter(|m| !m.is_null()).map(value_text);
                return Some((value_text(code), msg));
            }
            map.values().find_map(|c| refusal_in(c, depth + 1))
        }
        Value::Array(items) => items.iter().find_map(|i| refusal_in(i, depth + 1)),
        Value::String(s) => match serde_json::from_str::<Value>(s.trim()) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => refusal_in(&inner, depth + 1),
            _ => None,
        },
        _ => None,
    }
}

/// `msg` and `hint` as text, whatever JSON type the relay used: a delivered message must not
/// fail because the relay answered `"msg": 123`.
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// The JSON reply in an answer, with its status.
fn parse(answer: &Answer) -> Option<Reply> {
    let mut reply: Reply = serde_json::from_slice(&answer.bytes).ok()?;
    reply.http_status = answer.status;
    Some(reply)
}

/// Not 2xx: the status and what came with it.
fn http_failure(answer: Answer) -> Failure {
    let reply = parse(&answer);
    Failure::Http { status: answer.status, reply, location: answer.location }
}

impl Failure {
    /// Whether the relay said that its access token is invalid or expired: HTTP 401, or a
    /// `msg`/`hint` naming the token so. A refusal from DingTalk (an `errcode` in `data`) is
    /// about the robot, not the KDocs token.
    pub fn token_rejected(&self) -> bool {
        let reply = match self {
            Failure::Http { status: 401, .. } => return true,
            Failure::Http { reply: Some(reply), .. } | Failure::Refused { reply } => reply,
            _ => return false,
        };
        if reply.refused_inside() {
            return false;
        }
        let said = format!("{} {}", reply.msg.as_deref().unwrap_or(""), reply.hint.as_deref().unwrap_or(""));
        let said = said.to_lowercase();
        let token = ["token", "令牌"].iter().any(|w| said.contains(w));
        let bad = ["invalid", "expired", "expire", "无效", "过期", "失效"].iter().any(|w| said.contains(w));
        token && bad
    }
}

/// `scheme://host[:port]` of `kdocs_api_url`: safe to print.
pub fn origin(base: &str) -> String {
    reqwest::Url::parse(base).map_or_else(|_| base.to_owned(), |u| u.origin().ascii_serialization())
}

/// One KDocs call: `body` sent as JSON in a POST, or a GET without one, to `base` + `path` with the
/// `query` pairs; the answer read by `classify`, transient failures retried.
fn call<T>(
    http: &Http,
    (base, path, query): (&str, &str, &[(&str, &str)]),
    body: Option<&[u8]>,
    classify: fn(Answer) -> Result<T, AttemptError<Failure>>,
    notice: &dyn Fn(&Retry),
) -> Result<T, Failed> {
    let url = reqwest::Url::parse_with_params(&format!("{base}{path}"), query).map_err(|_| Failed {
        // `kdocs_api_url` was checked when the settings were read; this cannot fail, but must not panic.
        failure: Failure::Call(http::Failure::Connect {
            cause: "`kdocs_api_url` does not make a valid URL".into(),
            dropped: false,
        }),
        attempts: 0,
    })?;
    http.block_on(http.with_retries(
        http::Repeat::Once,
        || async {
            let request = match body {
                Some(body) => http
                    .client
                    .post(url.clone())
                    .header(CONTENT_TYPE, "application/json; charset=utf-8")
                    .body(body.to_vec()),
                None => http.client.get(url.clone()).header(CONTENT_TYPE, "application/json"),
            };
            classify(http.exchange(request, &url, MAX_REPLY_BYTES).await.map_err(|f| (f.into(), None))?)
        },
        notice,
    ))
}

/// The relay's one body for all of a run's messages: `{"link", "sk"?, "data"}`; `sk` is left
/// out, never `""`, without a secret.
#[derive(serde::Serialize)]
struct Body<'a> {
    link: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sk: Option<&'a str>,
    data: &'a [Message],
}

/// The relay at `base` with an access token, and the robot it passes the messages on to.
pub struct Relay<'a> {
    pub base: &'a str,
    pub token: &'a str,
    pub webhook: &'a str,
    pub secret: Option<&'a str>,
}

impl Relay<'_> {
    /// What a dry run prints: the one body, the secret as `***`.
    fn dry_run(link: &str, secret: bool, messages: &[Message]) -> String {
        let body = Body { link, sk: secret.then_some("***"), data: messages };
        serde_json::to_string_pretty(&body).expect("messages serialize")
    }

    /// All the messages in one POST.
    fn send(&self, http: &Http, messages: &[Message], notice: &dyn Fn(&Retry)) -> Result<Reply, Failed> {
        let body = Body { link: self.webhook, sk: self.secret, data: messages };
        let body = serde_json::to_vec(&body).expect("messages serialize");
        let query = [("access_token", self.token)];
        call(http, (self.base, PATH, &query), Some(&body), classify_notification, notice)
    }
}

fn classify_notification(answer: Answer) -> Result<Reply, AttemptError<Failure>> {
    let retry_after = answer.retry_after;
    if !(200..300).contains(&answer.status) {
        return Err((http_failure(answer), retry_after));
    }
    let failure = match parse(&answer) {
        Some(reply) if reply.is_ok() && reply.refused_inside() => Failure::Inner { reply },
        Some(reply) if reply.is_ok() => return Ok(reply),
        Some(reply) => Failure::Refused { reply },
        None => Failure::NotJson { status: answer.status, length: answer.bytes.len() },
    };
    Err((failure, retry_after))
}

/// What a token call gave: the access token, and the facts about it. The refresh token, when
/// the answer has one, is a secret like the access token.
#[derive(Debug)]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// `data.expires_in`, seconds.
    pub expires_in: Option<u64>,
    /// The refresh token's lifetime in seconds, under any of the names KDocs may use for it.
    pub refresh_expires_in: Option<u64>,
}

/// The names under which a token answer may give the refresh token's lifetime, in seconds.
const REFRESH_LIFETIME_KEYS: &[&str] = &["refresh_expires_in", "refresh_token_expires_in"];

/// The fewest characters a token KDocs gives may have. Anything shorter is not a token: sent, it
/// would be refused; masked, a one-letter "token" would hide that letter all through the job's
/// log.
const MIN_TOKEN_CHARS: usize = 16;

/// The token in `data.{key}`: none when absent or empty; `Err` with the field's name when it is
/// there but no token (too short, or with whitespace or control characters, which would be sent
/// as `%20` or start a workflow command where it is printed).
fn token_in(reply: &Reply, key: &'static str) -> Result<Option<Secret>, (&'static str, bool)> {
    let Some(token) = reply.data_str(key) else { return Ok(None) };
    if token.chars().count() < MIN_TOKEN_CHARS || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        let field = if key == "access_token" { "data.access_token" } else { "data.refresh_token" };
        return Err((field, true));
    }
    Ok(Some(Secret::new(token)))
}

fn classify_tokens(answer: Answer) -> Result<Tokens, AttemptError<Failure>> {
    let retry_after = answer.retry_after;
    if !(200..300).contains(&answer.status) {
        return Err((http_failure(answer), retry_after));
    }
    let failure = match parse(&answer) {
        Some(reply) if reply.is_ok() => {
            let tokens = token_in(&reply, "access_token").and_then(|access| {
                Ok(Tokens {
                    access_token: access.ok_or(("data.access_token", false))?,
                    refresh_token: token_in(&reply, "refresh_token")?,
                    expires_in: reply.data_secs(&["expires_in"]),
                    refresh_expires_in: reply.data_secs(REFRESH_LIFETIME_KEYS),
                })
            });
            match tokens {
                Ok(tokens) => return Ok(tokens),
                Err((field, malformed)) => Failure::NoToken { reply, field, malformed },
            }
        }
        Some(reply) => Failure::Refused { reply },
        None => Failure::NotJson { status: answer.status, length: answer.bytes.len() },
    };
    Err((failure, retry_after))
}

/// `POST {base}/api/v1/oauth2/refresh_token?app_id=…` with `{"app_key", "refresh_token"}`.
pub fn renew(
    http: &Http,
    base: &str,
    app_id: &str,
    app_key: &str,
    refresh_token: &str,
    notice: &dyn Fn(&Retry),
) -> Result<Tokens, Failed> {
    let body = serde_json::json!({ "app_key": app_key, "refresh_token": refresh_token }).to_string();
    call(http, (base, REFRESH_PATH, &[("app_id", app_id)]), Some(body.as_bytes()), classify_tokens, notice)
}

/// `GET {base}/api/v1/oauth2/access_token?app_id=&app_key=&code=`: the first tokens.
pub fn exchange_code(
    http: &Http,
    base: &str,
    app_id: &str,
    app_key: &str,
    code: &str,
    notice: &dyn Fn(&Retry),
) -> Result<Tokens, Failed> {
    let query = [("app_id", app_id), ("app_key", app_key), ("code", code)];
    call(http, (base, TOKEN_PATH, &query), None, classify_tokens, notice)
}

/// The transport through the KDocs relay.
pub struct Kdocs;

impl Transport for Kdocs {
    fn name(&self) -> &'static str {
        KDOCS
    }

    fn dry_run(&self, link: &str, secret: bool, messages: &[Message]) -> String {
        Relay::dry_run(link, secret, messages)
    }

    /// The one body through the relay, with the token given, renewed first, or renewed once
    /// after the relay refused the given one.
    fn deliver(&self, run: Run<'_>) -> Result<(), Error> {
        let Run { settings, reporter, http, route, webhook, messages, summary } = run;
        // The settings ask for a KDocs credential before choosing this transport.
        let Some(auth) = &route.kdocs else {
            return Err(crate::settings::Name::kdocs_token.required(false, settings.lang));
        };
        let base = settings.kdocs_api_url.as_str();
        let origin = origin(base);
        let lang = settings.lang;
        // Which token was sent, for the hint should the relay refuse it.
        let (first, mut kind) = match auth {
            KdocsAuth::Renew(renewal) => (renew_for_run(settings, reporter, http, renewal)?, Token::Renewed),
            KdocsAuth::Token(token) => (token.clone(), Token::Given),
            KdocsAuth::TokenThenRenew { token, .. } => (token.clone(), Token::GivenRenewable),
        };
        reporter.step_summary(&summary.title, &summary.text);
        let send = |reporter: &Reporter, token: &Secret, kind: Token| {
            let relay = Relay {
                base,
                token: token.expose(),
                webhook: webhook.expose(),
                secret: settings.secret.as_ref().map(Secret::expose),
            };
            relay.send(http, messages, &|retry| {
                reporter.notice(&hints::retry_notice(&Call::Relay(kind), retry, &origin, settings.timeout, lang));
            })
        };
        let mut outcome = send(reporter, &first, kind);
        if let (Err(failed), KdocsAuth::TokenThenRenew { renewal, .. }) = (&outcome, auth)
            && failed.failure.token_rejected()
        {
            let why = hints::message(&Call::Relay(kind), &failed.failure.seen(), &origin, settings.timeout, lang);
            reporter.notice(&say(lang, "kdocs.renewing", &[("why", &why)]));
            let token = renew_for_run(settings, reporter, http, renewal)?;
            kind = Token::Renewed;
            outcome = send(reporter, &token, kind);
        }
        match outcome {
            Ok(reply) => {
                reporter.info(&say(lang, "kdocs.sent", &[("origin", &origin)]));
                outputs(reporter, true, Some(reply.said()), None);
                Ok(())
            }
            Err(failed) => {
                let error = hints::error(&Call::Relay(kind), &failed, &origin, settings.timeout, lang);
                outputs(reporter, false, failed.failure.reply().map(Reply::said), Some(&error));
                Err(error)
            }
        }
    }
}

/// A new access token from the refresh token, registered as a secret before anything else
/// can print it; a refusal is a delivery failure.
fn renew_for_run(
    settings: &Settings,
    reporter: &mut Reporter,
    http: &Http,
    renewal: &Renewal,
) -> Result<Secret, Error> {
    let base = settings.kdocs_api_url.as_str();
    let origin = origin(base);
    let lang = settings.lang;
    let outcome =
        renew(http, base, &renewal.app_id, renewal.app_key.expose(), renewal.refresh_token.expose(), &|retry| {
            reporter.notice(&hints::retry_notice(&Call::Renewal, retry, &origin, settings.timeout, lang));
        });
    let tokens = match outcome {
        Ok(tokens) => tokens,
        Err(failed) => {
            let error = hints::error(&Call::Renewal, &failed, &origin, settings.timeout, lang);
            outputs(reporter, false, failed.failure.reply().map(Reply::said), Some(&error));
            return Err(error);
        }
    };
    let fresh: Vec<&str> =
        [Some(&tokens.access_token), tokens.refresh_token.as_ref()].into_iter().flatten().map(Secret::expose).collect();
    reporter.add_secrets(&fresh);
    crate::report::err(&renewed(&tokens, lang));
    if tokens.refresh_token.as_ref().is_some_and(|r| r != &renewal.refresh_token) {
        reporter.notice(&say(lang, "kdocs.new_refresh_token", &[]));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Some(warning) = refresh_expiry(&tokens, now, lang) {
        reporter.warning(&warning);
    }
    Ok(tokens.access_token)
}

impl<'a> From<&'a Reply> for Said<'a> {
    fn from(r: &'a Reply) -> Said<'a> {
        Said {
            http_status: r.http_status,
            code: r.code_text(),
            msg: r.msg.as_deref(),
            hint: r.hint.as_deref(),
            data: r.data.as_ref(),
            errcode: r.errcode.as_ref(),
            errmsg: r.errmsg.as_deref(),
            dingtalk: match r.errcode_text() {
                Some(code) => Some((code, r.errmsg.clone())),
                None => r.refusal_inside(),
            },
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
            Failure::Inner { reply } => Seen::Inner(reply.into()),
            Failure::NoToken { reply, field, malformed } => {
                Seen::NoToken { said: reply.into(), field, malformed: *malformed }
            }
            Failure::NotJson { status, length } => Seen::NotJson { status: *status, length: *length },
            Failure::Call(call) => Seen::Call(call),
        }
    }
}

/// Which KDocs call failed: each is worded for what it was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// The notification through the relay, with the token it was given.
    Relay(Token),
    /// Renewing the access token.
    Renewal,
    /// Exchanging an authorization code (`dingtalk-notify kdocs-auth`).
    Exchange,
}

/// Which KDocs token the relay was given: the hint when it refuses one depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// `kdocs_token`, without the settings that renew it.
    Given,
    /// `kdocs_token`, with the settings that renew it (not used: the relay did not say that the
    /// token is invalid or expired in a way that asks for a renewal).
    GivenRenewable,
    /// A token this run renewed.
    Renewed,
}

impl Peer for Call {
    fn who(&self, lang: Lang) -> String {
        let key = match self {
            Call::Relay(_) => "kdocs.who.relay",
            Call::Renewal => "kdocs.who.renewal",
            Call::Exchange => "kdocs.who.exchange",
        };
        say(lang, key, &[])
    }

    fn refused(&self, lang: Lang) -> String {
        let key = match self {
            Call::Relay(_) => "kdocs.refused.relay",
            Call::Renewal => "kdocs.refused.renewal",
            Call::Exchange => "kdocs.refused.exchange",
        };
        say(lang, key, &[])
    }

    fn setting(&self) -> &'static str {
        "kdocs_api_url"
    }

    fn not_json(&self, origin: &str, lang: Lang) -> String {
        say(lang, "kdocs.not_json", &[("origin", origin)])
    }

    // The renewal and the code exchange go to KDocs' OAuth endpoint, not through the relay.
    fn far_end(&self, lang: Lang) -> String {
        let key = match self {
            Call::Relay(_) => "kdocs.far_end.relay",
            Call::Renewal | Call::Exchange => "kdocs.far_end.oauth",
        };
        say(lang, key, &[])
    }

    fn not_sent_again(&self, lang: Lang) -> String {
        match self {
            Call::Relay(_) => hints::may_have_arrived(lang),
            Call::Renewal => say(lang, "kdocs.unanswered.renewal", &[]),
            Call::Exchange => say(lang, "kdocs.unanswered.exchange", &[]),
        }
    }

    fn status_hint(&self, status: u16, origin: &str, lang: Lang) -> Option<String> {
        match (self, status) {
            (Call::Relay(token), 401 | 403) => Some(token_refused(*token, false, lang)),
            (Call::Relay(_), 404) => Some(say(lang, "kdocs.not_found", &[("origin", origin), ("path", PATH)])),
            (Call::Renewal, 404) => {
                Some(say(lang, "kdocs.not_found.renewal", &[("origin", origin), ("path", REFRESH_PATH)]))
            }
            (Call::Renewal, 400..=499) => Some(renewal_refused(lang)),
            (Call::Exchange, 400..=499) => Some(say(lang, "kdocs.code_refused", &[])),
            _ => None,
        }
    }

    fn redirect_hint(&self, to: &str, lang: Lang) -> String {
        say(lang, "kdocs.redirect", &[("to", to), ("path", PATH)])
    }

    fn refusal_hint(&self, lang: Lang) -> Option<String> {
        match self {
            Call::Relay(_) => None,
            Call::Renewal => Some(renewal_refused(lang)),
            Call::Exchange => Some(say(lang, "kdocs.code_refused", &[])),
        }
    }

    fn token_hint(&self, lang: Lang) -> Option<String> {
        match self {
            Call::Relay(token) => Some(token_refused(*token, true, lang)),
            Call::Renewal | Call::Exchange => None,
        }
    }
}

/// How to get a new refresh token, for every hint that needs one.
fn authorize_again(lang: Lang) -> String {
    say(lang, "kdocs.authorize_again", &[])
}

fn renewal_refused(lang: Lang) -> String {
    say(lang, "kdocs.renewal_refused", &[("again", &authorize_again(lang))])
}

/// The hint for a KDocs token the relay refused: it is (or, `maybe`, may be) invalid or expired.
fn token_refused(token: Token, maybe: bool, lang: Lang) -> String {
    let is = say(lang, if maybe { "kdocs.token.may_be" } else { "kdocs.token.is" }, &[]);
    let key = match token {
        Token::Given => "kdocs.token_refused.given",
        Token::GivenRenewable => "kdocs.token_refused.renewable",
        Token::Renewed => "kdocs.token_refused.renewed",
    };
    say(lang, key, &[("is", &is), ("again", &authorize_again(lang))])
}

/// The line saying the token was renewed, with its lifetime when KDocs gave it.
pub fn renewed(tokens: &Tokens, lang: Lang) -> String {
    match tokens.expires_in {
        Some(secs) => say(lang, "kdocs.renewed.life", &[("life", &hints::lifetime(secs, lang))]),
        None => say(lang, "kdocs.renewed", &[]),
    }
}

/// A warning when the refresh token expires within 14 days; `now` in seconds since the epoch.
pub fn refresh_expiry(tokens: &Tokens, now: u64, lang: Lang) -> Option<String> {
    let secs = tokens.refresh_expires_in?;
    if secs >= 14 * 86_400 {
        return None;
    }
    let date = crate::time::format_rfc3339(now + secs);
    Some(say(
        lang,
        "kdocs.refresh_expires",
        &[
            ("life", &hints::lifetime(secs, lang)),
            ("date", date.get(..10).unwrap_or(&date)),
            ("again", &authorize_again(lang)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            bytes: body.as_bytes().to_vec(),
            location: None,
            retry_after: None,
            headers: reqwest::header::HeaderMap::default(),
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
        let odd: Reply = serde_json::from_str(r#"{"code":0,"msg":123,"hint":null}"#).unwrap();
        assert!(odd.is_ok());
        assert_eq!((odd.msg.as_deref(), odd.hint), (Some("123"), None));
        let none: Reply = serde_json::from_str(r#"{"msg":"x"}"#).unwrap();
        assert!(!none.is_ok(), "a reply without code is not a success");
    }

    #[test]
    fn a_dingtalk_refusal_inside_a_success_is_a_failure() {
        for body in [
            r#"{"code":0,"data":{"errcode":310000,"errmsg":"keywords not in content"}}"#,
            r#"{"code":0,"data":[{"errcode":0},{"errcode":"400101"}]}"#,
            r#"{"code":0,"data":"{\"errcode\":300001}"}"#,
        ] {
            assert!(matches!(classify_notification(answer(200, body)), Err((Failure::Inner { .. }, _))), "{body}");
        }
        for body in [r#"{"code":0,"data":{"errcode":0,"errmsg":"ok"}}"#, r#"{"code":0,"data":[{"errcode":0}]}"#] {
            assert!(classify_notification(answer(200, body)).is_ok(), "{body}");
        }
    }

    #[test]
    fn a_token_answer_needs_code_zero_and_an_access_token() {
        let ok = classify_tokens(answer(
            200,
            r#"{"code":0,"data":{"access_token":"accessTOKEN12345","expires_in":86400,"refresh_token":"refreshTOKEN1234","refresh_expires_in":"7776000"}}"#,
        ))
        .unwrap();
        assert_eq!(ok.access_token.expose(), "accessTOKEN12345");
        assert_eq!((ok.expires_in, ok.refresh_expires_in), (Some(86400), Some(7_776_000)));
        assert!(matches!(classify_tokens(answer(200, r#"{"code":0,"data":{}}"#)), Err((Failure::NoToken { .. }, _))));
        assert!(matches!(
            classify_tokens(answer(200, r#"{"code":0,"data":{"access_token":""}}"#)),
            Err((Failure::NoToken { .. }, _))
        ));
        assert!(matches!(classify_tokens(answer(200, r#"{"code":20003}"#)), Err((Failure::Refused { .. }, _))));
        assert!(matches!(classify_tokens(answer(503, "busy")), Err((Failure::Http { status: 503, .. }, _))));
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
        assert!(Failure::Call(http::Failure::TimedOut { connecting: false }).is_transient());
        assert!(!Failure::Call(http::Failure::TooLarge { status: 200, limit: MAX_REPLY_BYTES }).is_transient());
        assert!(!Failure::Refused { reply: Reply::default() }.is_transient());
        assert!(!Failure::Inner { reply: Reply::default() }.is_transient());
        assert!(
            !Failure::NoToken { reply: Reply::default(), field: "data.access_token", malformed: false }.is_transient()
        );
        assert!(!Failure::NotJson { status: 200, length: 5 }.is_transient());
    }

    #[test]
    fn the_relay_saying_its_token_is_invalid_or_expired() {
        let refused = |json: &str| Failure::Refused { reply: serde_json::from_str(json).unwrap() };
        assert!(Failure::Http { status: 401, reply: None, location: None }.token_rejected());
        assert!(refused(r#"{"code":40100,"msg":"access_token expired"}"#).token_rejected());
        assert!(refused(r#"{"code":1,"hint":"令牌已过期"}"#).token_rejected());
        assert!(!refused(r#"{"code":1,"msg":"bad request"}"#).token_rejected());
        // DingTalk's "token is not exist" is about the robot.
        assert!(!refused(r#"{"code":1,"msg":"invalid token","data":{"errcode":300001}}"#).token_rejected());
        assert!(!Failure::Http { status: 403, reply: None, location: None }.token_rejected());
    }
}
