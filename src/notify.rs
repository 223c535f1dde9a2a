//! One run, step by step: the context from the CI, the summary, the messages, then a dry run's
//! print or the send, each reported as it happens.

use crate::ci::{self, Ci, Inputs};
use crate::env::Env;
use crate::error::Error;
use crate::hints;
use crate::message::{self, Body};
use crate::relay;
use crate::render;
use crate::report::Reporter;
use crate::settings::{Mode, Settings};

pub fn run(settings: &Settings, env: &Env, reporter: &mut Reporter) -> Result<(), Error> {
    if settings.dry_run() {
        reporter.commands_on_stderr();
    }
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
    let mut notes = Vec::new();
    let data = message::build(&summary, settings, &cx, &mut notes);
    for note in &notes {
        reporter.warning(note);
    }

    let (token, webhook) = match &settings.mode {
        Mode::DryRun { webhook, .. } => {
            let link = webhook.as_ref().map_or_else(
                || "https://oapi.dingtalk.com/robot/send?access_token=***".to_owned(),
                |w| reporter.redact(w.expose()),
            );
            let body = Body { link: &link, sk: settings.secret.as_ref().map(|_| "***"), data: &data };
            let json = serde_json::to_string_pretty(&body).expect("messages serialize");
            crate::report::out(&format!("{}\n", reporter.redact_json(&json)));
            reporter.step_summary(&summary.title, &summary.text);
            reporter.outputs(false, None, Some("dry run: nothing was sent"));
            return Ok(());
        }
        Mode::Send { token, webhook } => (token, webhook),
    };

    let body =
        Body { link: webhook.expose(), sk: settings.secret.as_ref().map(super::settings::Secret::expose), data: &data };
    let body = serde_json::to_vec(&body).expect("messages serialize");
    let relay = relay::Relay::new(
        &settings.kdocs_api_url,
        token.expose(),
        settings.ca_file.as_ref().map(|f| (f.path.as_path(), f.from.as_str())),
        settings.timeout,
        settings.retries,
    )?;
    let origin = relay.origin();
    reporter.step_summary(&summary.title, &summary.text);
    let outcome = relay.send_blocking(body, |retry| {
        reporter.notice(&hints::retry_notice(retry, &origin, settings.timeout));
    });
    match outcome {
        Ok(reply) => {
            reporter.progress(&format!("sent to DingTalk through {origin}"));
            let code = reply.code_text().as_deref().map(hints::shown);
            reporter.outputs(true, code.as_deref(), reply.msg.as_deref().map(hints::shown).as_deref());
            Ok(())
        }
        Err(failed) => {
            let error = hints::delivery_error(&failed, &origin, settings.timeout);
            let reply = failed.failure.reply();
            let code = reply.and_then(super::relay::Reply::code_text).as_deref().map(hints::shown);
            let msg = reply.and_then(|r| r.msg.as_deref()).map_or_else(|| error.message.clone(), hints::shown);
            reporter.outputs(false, code.as_deref(), Some(&msg));
            Err(error)
        }
    }
}
