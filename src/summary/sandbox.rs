//! A user's template is rendered in a child process (this binary again, with [`CHILD_ARG`]), so
//! that nothing it does can take the run down with it.
//!
//! The release build aborts on a panic (`panic = "abort"`), and so does any process whose memory
//! allocation fails: neither can be caught. minijinja panics or allocates without bound on some
//! arguments (`5 is divisibleby(0)`, `"%.2000000000f"|format(1.0)`,
//! `range(10)|batch(9223372036854775807)`), and string concatenation (`~`) can double a string
//! in every loop step, which fuel (it counts steps, not bytes) does not stop. `engine` replaces
//! the filters and tests known to misbehave and caps the output at
//! [`crate::summary::engine::MAX_OUTPUT_BYTES`]; the child catches what remains. The parent watches it:
//! more than [`MAX_MEMORY_BYTES`] resident (on Linux, from `/proc/<pid>/status`) or more than
//! [`MAX_TIME`] and it is killed; a child that aborts or is killed is a usage error naming the
//! template, which honours `fail_on_error` like any other.
//!
//! The child gets the context as JSON on stdin and answers `{"text": …}` or `{"error": …}` on
//! stdout; its environment is empty. When the child cannot be started (no `current_exe`), the
//! template is rendered in this process, with the same replaced filters and output cap.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::error::Error;
use crate::settings::CustomTemplate;
use crate::summary::catalog::Lang;
use crate::summary::engine::{self, Kind};

/// The argument that makes the binary a template renderer (not documented in `--help`).
pub const CHILD_ARG: &str = "--internal-render-template";

/// A summary template needs a few MB at most; the largest real payloads (25 MB events) need
/// about ten times their size while parsed.
pub const MAX_MEMORY_BYTES: u64 = 512 * 1024 * 1024;

/// Fuel stops a runaway loop in well under a second; this is for what fuel does not count.
pub const MAX_TIME: Duration = Duration::from_secs(10);

/// One template of a job: the summary's text or its title.
#[derive(Serialize, Deserialize)]
struct Part {
    source: String,
    origin: String,
    kind: Kind,
}

#[derive(Serialize)]
struct Job<'a> {
    context: &'a Context,
    parts: Vec<Part>,
    lang: Lang,
    utc_offset: i32,
}

#[derive(Deserialize)]
struct ChildJob {
    context: serde_json::Value,
    parts: Vec<Part>,
    lang: Lang,
    utc_offset: i32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    /// One text per part, in order.
    Texts(Vec<String>),
    Error(String),
}

/// The texts of a user's templates (the summary's text, its title, or both), rendered in one
/// child process: a second process for the title alone cost 2.4 ms a run.
pub fn render(cx: &Context, parts: &[(&CustomTemplate, Kind)]) -> Result<Vec<String>, Error> {
    if cfg!(test) {
        // Unit tests' `current_exe` is the test harness, not this binary.
        return in_process(cx, parts);
    }
    let Some(mut child) = std::env::current_exe().ok().and_then(|exe| {
        Command::new(exe)
            .arg(CHILD_ARG)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()
    }) else {
        return in_process(cx, parts);
    };
    let job = Job {
        context: cx,
        parts: parts
            .iter()
            .map(|(t, kind)| Part { source: t.source.clone(), origin: t.origin.clone(), kind: *kind })
            .collect(),
        lang: cx.lang,
        utc_offset: cx.utc_offset,
    };
    let job =
        serde_json::to_vec(&job).map_err(|e| Error::usage(format!("cannot pass the context to the template: {e}")))?;
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        // A child that died early closes its stdin: that shows in its exit status.
        let _ = stdin.as_mut().map(|s| s.write_all(&job));
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut answer = Vec::new();
        let limit = (engine::MAX_OUTPUT_BYTES * 8) as u64;
        let _ = stdout.as_mut().map(|s| s.take(limit).read_to_end(&mut answer));
        answer
    });
    let started = Instant::now();
    let stopped = loop {
        match child.try_wait() {
            Ok(Some(status)) => break if status.success() { None } else { Some(format!("it ended with {status}")) },
            Ok(None) => {}
            Err(e) => break Some(e.to_string()),
        }
        let why = if started.elapsed() > MAX_TIME {
            Some(format!("it took more than {} s", MAX_TIME.as_secs()))
        } else if resident_bytes(child.id()).is_some_and(|b| b > MAX_MEMORY_BYTES) {
            Some(format!("it took more than {} MiB of memory", MAX_MEMORY_BYTES / 1024 / 1024))
        } else {
            None
        };
        if why.is_some() {
            let _ = child.kill();
            let _ = child.wait();
            break why;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let _ = writer.join();
    let answer = reader.join().unwrap_or_default();
    let origins = parts.iter().map(|(t, _)| t.origin.as_str()).collect::<Vec<_>>().join(" and ");
    let error = |why: &str| {
        Error::usage(format!(
            "the template from {origins} was stopped: {why}; it must not build huge texts or call filters with \
             absurd arguments; fix the template"
        ))
    };
    if let Some(why) = stopped {
        return Err(error(&why));
    }
    match serde_json::from_slice::<Answer>(&answer) {
        Ok(Answer::Texts(texts)) if texts.len() == parts.len() => Ok(texts),
        Ok(Answer::Texts(_)) => Err(error("it gave a wrong answer")),
        Ok(Answer::Error(message)) => Err(Error::usage(message)),
        Err(_) => Err(error("it gave no answer")),
    }
}

fn in_process(cx: &Context, parts: &[(&CustomTemplate, Kind)]) -> Result<Vec<String>, Error> {
    let context = minijinja::Value::from_serialize(cx);
    parts.iter().map(|(t, kind)| engine::custom_text(&context, t, *kind, cx.lang, cx.utc_offset)).collect()
}

/// The child's side: reads the job on stdin, answers on stdout.
pub fn child() -> std::process::ExitCode {
    let mut input = Vec::new();
    let answer = match std::io::stdin()
        .read_to_end(&mut input)
        .ok()
        .and_then(|_| serde_json::from_slice::<ChildJob>(&input).ok())
    {
        None => Answer::Error("the template renderer got no job".to_owned()),
        Some(job) => {
            drop(input);
            let context = minijinja::Value::from_serialize(&job.context);
            let texts: Result<Vec<String>, Error> = job
                .parts
                .into_iter()
                .map(|p| {
                    let template = CustomTemplate { source: p.source, origin: p.origin };
                    engine::custom_text(&context, &template, p.kind, job.lang, job.utc_offset)
                })
                .collect();
            match texts {
                Ok(texts) => Answer::Texts(texts),
                Err(e) => Answer::Error(e.message),
            }
        }
    };
    let json = serde_json::to_vec(&answer).unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&json).and_then(|()| stdout.flush());
    std::process::ExitCode::SUCCESS
}

/// The child's resident memory, where the system tells (Linux).
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim();
    kb.parse::<u64>().ok().map(|kb| kb * 1024)
}
