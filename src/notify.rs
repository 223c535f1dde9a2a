//! One run, step by step: the context from the CI, the summary, the messages, then a dry run's
//! print or the send (through the KDocs relay, renewing its token when told how, or straight to
//! the robot), each reported as it happens.

#![allow(clippy::result_large_err, reason = "a few calls per run: the size of their outcome does not matter")]

use crate::ci::{self, Ci, Inputs};
use crate::dingtalk;
use crate::env::Env;
use crate::error::Error;
use crate::hints::{self, Peer};
use crate::http::Http;
use crate::message::{self, Body, Message};
use crate::relay::{self, Reply};
use crate::render::{self, Summary};
use crate::report::Reporter;
use crate::settings::{KdocsAuth, Mode, Renewal, Route, Secret, Settings};

pub fn run(settings: &Settings, env: &Env, reporter: &mut Reporter) -> Result<(), Error> {
    reporter.add_secrets(&settings.secrets());

    let ci = Ci::detect(env);
    let inputs = Inputs { event_path: settings.event_path.clone(), sample: settings.dry_run() };
    let mut warnings = Vec::new();
    let mut cx = ci::context(ci, env, &inputs, &mut warnings);
    if let Some(status) = settings.status {
        cx.status = status;
    }
    cx.message.clone_from(&settings.message);

    let summary = render::summary(&cx, settings.title.as_deref(), settings.template.as_ref(), &mut warnings);
    for w in &warnings {
        reporter.warning(w);
    }
    let summary = summary?;
    let data = message::build(&summary, settings, &cx);

    let (route, webhook) = match &settings.mode {
        Mode::DryRun { webhook, direct } => {
            dry_run(settings, reporter, webhook.as_ref(), *direct, &data);
            reporter.step_summary(&summary.title, &summary.text);
            reporter.outputs(false, None, Some("dry run: nothing was sent"));
            return Ok(());
        }
        Mode::Send { route, webhook } => (route, webhook),
    };

    let http = Http::new(
        settings.ca_file.as_ref().map(|f| (f.path.as_path(), f.from.as_str())),
        settings.timeout,
        settings.retries,
    )?;
    match route {
        Route::DingTalk => direct(settings, reporter, &http, webhook, &data, &summary),
        Route::Kdocs(auth) => {
            let body = Body { link: webhook.expose(), sk: settings.secret.as_ref().map(Secret::expose), data: &data };
            let body = serde_json::to_vec(&body).expect("messages serialize");
            through_relay(settings, reporter, &http, auth, &body, &summary)
        }
    }
}

/// Prints what would be sent, secrets as `***`: the relay's one body, or each direct request.
fn dry_run(settings: &Settings, reporter: &Reporter, webhook: Option<&Secret>, direct: bool, data: &[Message]) {
    let link =
        webhook.map_or_else(|| format!("{}?access_token=***", dingtalk::ROBOT_URL), |w| reporter.redact(w.expose()));
    let json = if direct {
        let sign = if settings.secret.is_some() { "&timestamp=…&sign=***" } else { "" };
        let url = format!("{link}{sign}");
        let requests: Vec<DirectRequest> = data.iter().map(|body| DirectRequest { url: &url, body }).collect();
        serde_json::to_string_pretty(&DirectDryRun { transport: "dingtalk", requests })
    } else {
        serde_json::to_string_pretty(&Body { link: &link, sk: settings.secret.as_ref().map(|_| "***"), data })
    };
    println!("{}", reporter.redact(&json.expect("messages serialize")));
}

/// What a dry run prints for the direct transport: each request in order.
#[derive(serde::Serialize)]
struct DirectDryRun<'a> {
    transport: &'static str,
    requests: Vec<DirectRequest<'a>>,
}

#[derive(serde::Serialize)]
struct DirectRequest<'a> {
    url: &'a str,
    body: &'a Message,
}

/// Each message straight to the robot's webhook.
fn direct(
    settings: &Settings,
    reporter: &mut Reporter,
    http: &Http,
    webhook: &Secret,
    data: &[Message],
    summary: &Summary,
) -> Result<(), Error> {
    let url = reqwest::Url::parse(webhook.expose());
    let origin = url.as_ref().map_or_else(|_| "the webhook".to_owned(), |u| u.origin().ascii_serialization());
    if url.as_ref().is_ok_and(|u| u.scheme() != "https") {
        reporter.warning(&hints::webhook_not_https(&origin));
    }
    let bodies: Vec<Vec<u8>> = data.iter().map(|m| serde_json::to_vec(m).expect("messages serialize")).collect();
    reporter.step_summary(&summary.title, &summary.text);
    let outcome =
        dingtalk::send(http, webhook.expose(), settings.secret.as_ref().map(Secret::expose), &bodies, &|_, retry| {
            reporter.notice(&hints::retry_notice(Peer::DingTalk, retry, &origin, settings.timeout));
        });
    match outcome {
        Ok(replies) => {
            eprintln!("{}", hints::delivered(true, &origin, replies.len()));
            let last = replies.last();
            let code = last.and_then(Reply::errcode_text);
            reporter.outputs(true, code.as_deref(), last.and_then(|r| r.errmsg.as_deref()));
            Ok(())
        }
        Err(partial) => {
            let error = hints::direct_error(&partial, bodies.len(), &origin, settings.timeout);
            let reply = partial.failed.failure.reply();
            let code = reply.and_then(Reply::errcode_text);
            let msg = reply.and_then(|r| r.errmsg.clone()).unwrap_or_else(|| error.message.clone());
            // `sent` says whether the summary reached the group.
            reporter.outputs(partial.sent > 0, code.as_deref(), Some(&msg));
            Err(error)
        }
    }
}

/// The one body through the KDocs relay, with the token given, renewed first, or renewed
/// once after the relay refused the given one.
fn through_relay(
    settings: &Settings,
    reporter: &mut Reporter,
    http: &Http,
    auth: &KdocsAuth,
    body: &[u8],
    summary: &Summary,
) -> Result<(), Error> {
    let base = settings.kdocs_api_url.as_str();
    let origin = relay::origin(base);
    let first = match auth {
        KdocsAuth::Renew(renewal) => renew(settings, reporter, http, renewal)?,
        KdocsAuth::Token(token) | KdocsAuth::TokenThenRenew { token, .. } => token.clone(),
    };
    reporter.step_summary(&summary.title, &summary.text);
    let send = |reporter: &Reporter, token: &Secret| {
        relay::send(http, base, token.expose(), body, &|retry| {
            reporter.notice(&hints::retry_notice(Peer::Relay, retry, &origin, settings.timeout));
        })
    };
    let mut outcome = send(reporter, &first);
    if let (Err(failed), KdocsAuth::TokenThenRenew { renewal, .. }) = (&outcome, auth)
        && failed.failure.token_rejected()
    {
        reporter.notice(&hints::renewing_after_refusal(failed, &origin, settings.timeout));
        let token = renew(settings, reporter, http, renewal)?;
        outcome = send(reporter, &token);
    }
    match outcome {
        Ok(reply) => {
            eprintln!("{}", hints::delivered(false, &origin, 1));
            reporter.outputs(true, reply.code_text().as_deref(), reply.msg.as_deref());
            Ok(())
        }
        Err(failed) => {
            let error = hints::delivery_error(&failed, &origin, settings.timeout);
            let reply = failed.failure.reply();
            let code = reply.and_then(super::relay::Reply::code_text);
            let msg = reply.and_then(|r| r.msg.clone()).unwrap_or_else(|| error.message.clone());
            reporter.outputs(false, code.as_deref(), Some(&msg));
            Err(error)
        }
    }
}

/// A new access token from the refresh token, registered as a secret before anything else
/// can print it; a refusal is a delivery failure.
fn renew(settings: &Settings, reporter: &mut Reporter, http: &Http, renewal: &Renewal) -> Result<Secret, Error> {
    let base = settings.kdocs_api_url.as_str();
    let origin = relay::origin(base);
    let outcome =
        relay::renew(http, base, &renewal.app_id, renewal.app_key.expose(), renewal.refresh_token.expose(), &|retry| {
            reporter.notice(&hints::retry_notice(Peer::Renewal, retry, &origin, settings.timeout));
        });
    let tokens = match outcome {
        Ok(tokens) => tokens,
        Err(failed) => {
            let error = hints::error(Peer::Renewal, &failed, &origin, settings.timeout);
            let reply = failed.failure.reply();
            let code = reply.and_then(Reply::code_text);
            let msg = reply.and_then(|r| r.msg.clone()).unwrap_or_else(|| error.message.clone());
            reporter.outputs(false, code.as_deref(), Some(&msg));
            return Err(error);
        }
    };
    let fresh: Vec<&str> =
        [Some(&tokens.access_token), tokens.refresh_token.as_ref()].into_iter().flatten().map(Secret::expose).collect();
    reporter.add_secrets(&fresh);
    eprintln!("{}", hints::renewed(&tokens));
    if tokens.refresh_token.as_ref().is_some_and(|r| r != &renewal.refresh_token) {
        reporter.notice(&hints::new_refresh_token());
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Some(warning) = hints::refresh_expiry(&tokens, now) {
        reporter.warning(&warning);
    }
    Ok(tokens.access_token)
}
