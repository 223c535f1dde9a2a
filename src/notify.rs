//! One run, step by step: the context from the CI, the summary, the messages, then a dry run's
//! print or the send, each reported as it happens.

use crate::ci::{self, Ci, Inputs};
use crate::context::Context;
use crate::env::Env;
use crate::error::Error;
use crate::hints;
use crate::http::{Http, Retry};
use crate::jobs;
use crate::message::{self, Body};
use crate::pipeline;
use crate::relay;
use crate::render;
use crate::report::Reporter;
use crate::settings::{Mode, Settings};

pub fn run(settings: &Settings, env: &Env, reporter: &mut Reporter) -> Result<(), Error> {
    reporter.add_secrets(&settings.secrets());

    let ci = Ci::detect(env);
    let inputs = Inputs { event_path: settings.event_path.clone(), sample: settings.dry_run() };
    let mut warnings = Vec::new();
    let mut cx = ci::context(ci, env, &inputs, &mut warnings);
    if let Some(jobs) = &settings.jobs {
        cx.jobs.clone_from(jobs);
    }
    if let Some(start) = settings.started_at {
        cx.run.started_at = Some(ci::format_rfc3339(start));
        cx.run.duration = ci::duration(Some(start), None, env.now);
    }
    // What only the CI's API knows (a token given, and the facts still missing).
    let shared_http = api_facts(ci, env, settings, reporter, &mut cx, &mut warnings)?;
    // The `status` setting, else what the jobs add up to, else the CI's own word (README,
    // "The whole pipeline in one message"). On GitHub the notifying job is one of the run's
    // jobs, though no list has it (it is still running): its own failure counts too.
    let derived = jobs::outcome(&cx.jobs).map(|d| if ci == Ci::GitHub { jobs::worse(d, cx.status) } else { d });
    cx.status = settings.status.or(derived).unwrap_or(cx.status);
    cx.message.clone_from(&settings.message);

    let summary = render::summary(&cx, settings.title.as_deref(), settings.template.as_ref(), &mut warnings);
    for w in &warnings {
        reporter.warning(w);
    }
    let summary = summary?;
    let data = message::build(&summary, settings, &cx);

    let (token, webhook) = match &settings.mode {
        Mode::DryRun { webhook } => {
            let link = webhook.as_ref().map_or_else(
                || "https://oapi.dingtalk.com/robot/send?access_token=***".to_owned(),
                |w| reporter.redact(w.expose()),
            );
            let body = Body { link: &link, sk: settings.secret.as_ref().map(|_| "***"), data: &data };
            let json = serde_json::to_string_pretty(&body).expect("messages serialize");
            println!("{}", reporter.redact(&json));
            reporter.step_summary(&summary.title, &summary.text);
            reporter.outputs(false, None, Some("dry run: nothing was sent"));
            return Ok(());
        }
        Mode::Send { token, webhook } => (token, webhook),
    };

    let body =
        Body { link: webhook.expose(), sk: settings.secret.as_ref().map(super::settings::Secret::expose), data: &data };
    let body = serde_json::to_vec(&body).expect("messages serialize");
    // Both made before anything is written to the step summary or the outputs, so that a bad
    // `kdocs_api_url` or `ca_file` is reported as what it is.
    let url = relay::url(&settings.kdocs_api_url, token.expose())?;
    let http = match shared_http {
        Some(http) => http,
        None => http(settings)?,
    };
    let origin = relay::origin(&settings.kdocs_api_url);
    reporter.step_summary(&summary.title, &summary.text);
    let outcome = relay::send(&http, &url, &body, &|retry| {
        reporter.notice(&hints::retry_notice(retry, &origin, settings.timeout));
    });
    match outcome {
        Ok(reply) => {
            eprintln!("sent to DingTalk through {origin}");
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

/// The HTTP client and runtime every call of the run shares.
fn http(settings: &Settings) -> Result<Http, Error> {
    Http::new(
        settings.ca_file.as_ref().map(|f| (f.path.as_path(), f.from.as_str())),
        settings.timeout,
        settings.retries,
    )
}

/// The jobs and start that only the CI's API knows, into the context, when a token is given and
/// they are still missing; a call that fails is a warning. The HTTP client, when one was made,
/// is the send's too.
fn api_facts(
    ci: Ci,
    env: &Env,
    settings: &Settings,
    reporter: &Reporter,
    cx: &mut Context,
    warnings: &mut Vec<String>,
) -> Result<Option<Http>, Error> {
    let Some(ask) = pipeline::ask(ci, env, settings, cx.run.started_at.is_some()) else {
        return Ok(None);
    };
    let http = http(settings)?;
    let origin = ask.origin();
    let notice = |retry: &Retry| reporter.notice(&hints::api_retry_notice(ask.forge, retry, &origin, settings.timeout));
    let facts = ask.fetch(&http, &notice);
    for (what, failed) in &facts.failed {
        warnings.push(hints::api_warning(ask.forge, what, failed, &origin, settings.timeout));
    }
    if let Some(jobs) = facts.jobs {
        cx.jobs = jobs;
    }
    if let Some(start) = facts.started_at {
        cx.run.started_at = Some(ci::format_rfc3339(start));
        cx.run.duration = ci::duration(Some(start), None, env.now);
    }
    Ok(Some(http))
}
