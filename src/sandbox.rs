//! A user's template is rendered in a child process (this binary again, with [`CHILD_ARG`]), so
//! that nothing it does can take the run down with it.
//!
//! The release build aborts on a panic (`panic = "abort"`), and so does any process whose memory
//! allocation fails: neither can be caught. minijinja panics or allocates without bound on some
//! arguments (`5 is divisibleby(0)`, `"%.2000000000f"|format(1.0)`,
//! `range(10)|batch(9223372036854775807)`), and string concatenation (`~`) can double a string
//! in every loop step, which fuel (it counts steps, not bytes) does not stop. `render` replaces
//! the filters and tests known to misbehave and caps the output at
//! [`crate::render::MAX_OUTPUT_BYTES`]; the child catches what remains. The parent watches it:
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
use crate::i18n::Lang;
use crate::render::Kind;
use crate::settings::CustomTemplate;

/// The argument that makes the binary a template renderer (not documented in `--help`).
pub const CHILD_ARG: &str = "--internal-render-template";

/// A summary template needs a few MB at most; the largest real payloads (25 MB events) need
/// about ten times their size while parsed.
pub const MAX_MEMORY_BYTES: u64 = 512 * 1024 * 1024;

/// Fuel stops a runaway loop in well under a second; this is for what fuel does not count.
pub const MAX_TIME: Duration = Duration::from_secs(10);

#[derive(Serialize)]
struct Job<'a> {
    context: &'a Context,
    source: &'a str,
    origin: &'a str,
    kind: Kind,
    lang: Lang,
    utc_offset: i32,
}

#[derive(Deserialize)]
struct ChildJob {
    context: serde_json::Value,
    source: String,
    origin: String,
    kind: Kind,
    lang: Lang,
    utc_offset: i32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    Text(String),
    Error(String),
}

/// The text of a user's template, rendered in a child process.
pub fn render(cx: &Context, template: &CustomTemplate, kind: Kind) -> Result<String, Error> {
    if cfg!(test) {
        // Unit tests' `current_exe` is the test harness, not this binary.
        return in_process(cx, template, kind);
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
        return in_process(cx, template, kind);
    };
    let job = Job {
        context: cx,
        source: &template.source,
        origin: &template.origin,
        kind,
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
        let limit = (crate::render::MAX_OUTPUT_BYTES * 8) as u64;
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
    let error = |why: &str| {
        Error::usage(format!(
            "the template from {} was stopped: {why}; it must not build huge texts or call filters with \
             absurd arguments; fix the template",
            template.origin
        ))
    };
    if let Some(why) = stopped {
        return Err(error(&why));
    }
    match serde_json::from_slice::<Answer>(&answer) {
        Ok(Answer::Text(text)) => Ok(text),
        Ok(Answer::Error(message)) => Err(Error::usage(message)),
        Err(_) => Err(error("it gave no answer")),
    }
}

fn in_process(cx: &Context, template: &CustomTemplate, kind: Kind) -> Result<String, Error> {
    crate::render::custom_text(&minijinja::Value::from_serialize(cx), template, kind, cx.lang, cx.utc_offset)
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
            let template = CustomTemplate { source: job.source, origin: job.origin };
            let context = minijinja::Value::from_serialize(&job.context);
            match crate::render::custom_text(&context, &template, job.kind, job.lang, job.utc_offset) {
                Ok(text) => Answer::Text(text),
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
