//! dingtalk-notify: a CI run's summary to a DingTalk group robot, in one call to the KDocs relay.
//!
//! The data flows one way: settings + CI environment → context → rendered messages → one
//! request → outcome reported. `main` only wires the steps and maps the outcome to an exit code.

mod ci;
mod context;
mod error;
mod hints;
mod markdown;
mod message;
mod payload;
mod relay;
mod render;
mod report;
mod settings;

use std::process::ExitCode;

use ci::{Ci, Env, Inputs};
use error::Error;
use message::Body;
use report::Reporter;
use settings::{Command, Settings, Sources};

fn main() -> ExitCode {
    let env = Env::from_process();
    // Arguments that are not UTF-8 are shown lossily and then rejected as unknown.
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let mut reporter = Reporter::new(&env);
    let (command, sources) = match Sources::read(&args, &env) {
        Ok(read) => read,
        Err(e) => {
            // A bad command line still honours fail_on_error from the environment.
            let strict = Sources::read(&[], &env).map_or(true, |(_, env_only)| Settings::fail_on_error(&env_only));
            return failed(&mut reporter, &e, strict);
        }
    };
    match command {
        Command::Help => {
            print!("{}", settings::help());
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("dingtalk-notify {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Run => {}
    }
    match run(&sources, &env, &mut reporter) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(&mut reporter, &e, Settings::fail_on_error(&sources)),
    }
}

/// Reports a failure as an error (`strict`: fail_on_error) or a warning, and gives the exit code.
fn failed(reporter: &mut Reporter, e: &Error, strict: bool) -> ExitCode {
    // A delivery failure has written the relay's answer to the outputs already; a usage error
    // writes `sent=false` here, so that a later step can test it either way.
    if e.kind == error::Kind::Usage {
        reporter.outputs(false, None, Some(&e.message));
    }
    if strict {
        reporter.error(e);
        e.kind.exit_code()
    } else {
        reporter.downgraded(e);
        ExitCode::SUCCESS
    }
}

fn run(sources: &Sources, env: &Env, reporter: &mut Reporter) -> Result<(), Error> {
    let settings = Settings::from_sources(sources)?;
    reporter.add_secrets(&settings.secrets());

    let ci = Ci::detect(env);
    let inputs = Inputs { event_path: settings.event_path.clone(), sample: settings.dry_run };
    let mut warnings = Vec::new();
    let mut cx = ci::context(ci, env, &inputs, &mut warnings);
    if let Some(status) = &settings.status {
        cx.status = status.clone();
    }
    cx.message = settings.message.clone();

    let summary = render::summary(&cx, settings.title.as_deref(), settings.template.as_ref(), &mut warnings);
    for w in &warnings {
        reporter.warning(w);
    }
    let summary = summary?;
    let data = message::build(&summary, &settings, &cx);

    if settings.dry_run {
        let link = settings.webhook.as_ref().map_or_else(
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

    // Both are required outside a dry run; `from_sources` has checked.
    let (Some(token), Some(webhook)) = (&settings.kdocs_token, &settings.webhook) else {
        unreachable!("kdocs_token and webhook are validated")
    };
    let body = Body { link: webhook.expose(), sk: settings.secret.as_ref().map(|s| s.expose()), data: &data };
    let body = serde_json::to_vec(&body).expect("messages serialize");
    let relay = relay::Relay::new(
        &settings.kdocs_api_url,
        token.expose(),
        settings.ca_file.as_ref().map(|(path, from)| (path.as_path(), from.as_str())),
        settings.timeout,
        settings.retries,
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::delivery(format!("cannot start the I/O runtime: {e}")))?;
    reporter.step_summary(&summary.title, &summary.text);
    let outcome = runtime.block_on(relay.send(body, |line| reporter.notice(line)));
    // Don't wait for a DNS lookup still running on a blocking thread after a time-out: the
    // run must end within (retries + 1) × timeout plus the waits.
    runtime.shutdown_background();
    match outcome {
        Ok(reply) => {
            eprintln!("sent to DingTalk through {}", relay.origin());
            reporter.outputs(true, reply.code_text().as_deref(), reply.msg.as_deref());
            Ok(())
        }
        Err(failed) => {
            let code = failed.reply.as_ref().and_then(|r| r.code_text());
            let msg = failed.reply.as_ref().and_then(|r| r.msg.clone()).unwrap_or_else(|| failed.error.message.clone());
            reporter.outputs(false, code.as_deref(), Some(&msg));
            Err(failed.error)
        }
    }
}
