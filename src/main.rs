//! dingtalk-notify: a CI run's summary to a DingTalk group robot, in one call to the KDocs relay
//! or straight to the robot's webhook.
//!
//! The data flows one way: settings + CI environment → context → rendered messages → one
//! request → outcome reported (ARCHITECTURE.md). `main` only wires the steps and maps the
//! outcome to an exit code.

use std::process::ExitCode;

use dingtalk_notify::env::Env;
use dingtalk_notify::error::{self, Error};
use dingtalk_notify::report::{self, Reporter};
use dingtalk_notify::settings::args::{self, Command};
use dingtalk_notify::settings::{self, Settings, Sources};
use dingtalk_notify::summary::sandbox;
use dingtalk_notify::{auth, notify};

fn main() -> ExitCode {
    if std::env::args_os().nth(1).is_some_and(|a| a == sandbox::CHILD_ARG) {
        return sandbox::child();
    }
    let env = Env::from_process();
    let mut reporter = Reporter::new(&env);
    let mut sources = Sources::from_env(&env);
    let mut argv = std::env::args_os().skip(1).peekable();
    if argv.next_if(|a| a == "kdocs-auth").is_some() {
        let parsed = sources.read_args(argv, &auth::CLI);
        reporter.speak(sources.lang());
        let done = parsed.and_then(|parsed| match parsed.command {
            Command::Help => {
                report::out(&auth::help(sources.lang()));
                Ok(())
            }
            Command::Version => {
                version();
                Ok(())
            }
            Command::Run => auth::run(&sources, &parsed, &mut reporter),
        });
        return match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                reporter.error(&e);
                e.kind.exit_code()
            }
        };
    }
    // `lang` is read first (even `--lang` after a bad argument): every word below follows it.
    let command = sources.read_args(argv, &args::RUN).map(|parsed| parsed.command);
    reporter.speak(sources.lang());
    match command {
        // A bad command line still honours fail_on_error, from the environment.
        Err(e) => failed(&mut reporter, &e, sources.fail_on_error()),
        Ok(Command::Help) => {
            report::out(&settings::help(sources.lang()));
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            version();
            ExitCode::SUCCESS
        }
        Ok(Command::Run) => match Settings::new(&sources) {
            Err(e) => failed(&mut reporter, &e, sources.fail_on_error()),
            Ok(settings) => match notify::run(&settings, &env, &mut reporter) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => failed(&mut reporter, &e, settings.fail_on_error),
            },
        },
    }
}

fn version() {
    report::out(&format!("dingtalk-notify {}\n", env!("CARGO_PKG_VERSION")));
}

/// Reports a failure as an error (`strict`: `fail_on_error`) or a warning, and gives the exit code.
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
