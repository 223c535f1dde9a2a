//! A user's template is rendered apart from this process, so that nothing it does can take the
//! run down with it.
//!
//! The release build aborts on a panic (`panic = "abort"`), and so does any process whose memory
//! allocation fails: neither can be caught. minijinja panics or allocates without bound on some
//! arguments (`5 is divisibleby(0)`, `"%.2000000000f"|format(1.0)`,
//! `range(10)|batch(9223372036854775807)`), and string concatenation (`~`) can double a string
//! in every loop step, which fuel (it counts steps, not bytes) does not stop. `engine` replaces
//! the filters and tests known to misbehave and caps the output at
//! [`crate::summary::engine::MAX_OUTPUT_BYTES`]; the renderer apart catches what remains. One
//! that takes more than [`MAX_MEMORY_BYTES`] or [`MAX_TIME`] is stopped; one that aborts or is
//! stopped is a usage error naming the template, which honours `fail_on_error` like any other.
//!
//! Three ways, cheapest first:
//! - **Here**, in this process: a template that can neither loop nor build more than a few times
//!   the context's largest string ([`without_loops`]: lookups, `if`, `~`, this program's own
//!   filters), which fuel and the output cap bound. No cost.
//! - **In a copy of this process** made by `fork` (Linux, while this process runs one thread:
//!   [`fork`]): it has the context already, renders, answers through a pipe and ends. Its address
//!   space is limited to [`MAX_MEMORY_BYTES`] more than this process's (an allocation past it
//!   aborts the copy); past [`MAX_TIME`] it is killed. A fraction of a millisecond (docs/
//!   performance.md), and no file to start: it works when the binary was replaced or deleted.
//! - **In a child process**, this binary started again with [`CHILD_ARG`] (other systems, or
//!   another thread running): from `/proc/self/exe` on Linux (the running program itself, even
//!   when its file was replaced), elsewhere from `current_exe`. It gets on stdin the context as
//!   JSON, then a newline, then the event's text as it was read, which it parses itself into
//!   the same lazy [`Payload`]; what a template cannot name is not passed ([`Reads`]). It
//!   answers `{"texts": […]}` or `{"error": …}` on stdout; its environment is empty. The parent
//!   watches its resident memory (`/proc/<pid>/status`) and its time. A process start: 1–2 ms.
//!   When it cannot start, the template is not rendered: that is a usage error too.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::context::payload::Payload;
use crate::error::Error;
use crate::settings::CustomTemplate;
use crate::summary::catalog::{Lang, say};
use crate::summary::engine::{self, Kind};
use crate::summary::fork::{Forked, Outcome};

/// The argument that makes the binary a template renderer (not documented in `--help`).
pub const CHILD_ARG: &str = "--internal-render-template";

/// A summary template needs a few MB at most; the largest real payloads (25 MB events) need
/// about ten times their size while parsed.
pub const MAX_MEMORY_BYTES: u64 = 512 * 1024 * 1024;

/// Fuel stops a runaway loop in well under a second; this is for what fuel does not count.
pub const MAX_TIME: Duration = Duration::from_secs(10);

/// The most a renderer may answer: its texts are capped at [`engine::MAX_OUTPUT_BYTES`] each,
/// and JSON escaping can make a byte six.
const MAX_ANSWER_BYTES: usize = engine::MAX_OUTPUT_BYTES * 8;

/// How often the child's memory is looked at: doubling a string from 256 to 512 MiB takes longer.
const POLL: Duration = Duration::from_millis(2);

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

impl From<Result<Vec<String>, Error>> for Answer {
    fn from(texts: Result<Vec<String>, Error>) -> Answer {
        match texts {
            Ok(texts) => Answer::Texts(texts),
            Err(e) => Answer::Error(e.message),
        }
    }
}

/// The parts of the context that are costly to pass and that a template may not read.
#[derive(Debug, PartialEq, Eq)]
struct Reads {
    payload: bool,
    commits: bool,
}

impl Reads {
    /// What templates with these sources can read. minijinja looks a variable up only by a name
    /// written in the template (there is no lookup by a computed name), so a name that is not in
    /// the text cannot be read; a template that loads another (`include`, `import`, `extends`:
    /// the built-in ones read everything) may read anything.
    fn of(sources: &[&str]) -> Reads {
        let any = |word: &str| sources.iter().any(|s| s.contains(word));
        let loads = ["include", "import", "extends"].iter().any(|w| any(w));
        Reads { payload: loads || any("payload"), commits: loads || any("commits") }
    }
}

/// A template of text and `{{ name.field… }}` lookups only (no filter, call, operator, block or
/// comment) writes what it looks up and nothing more: it is rendered here, in no time, as the
/// built-in templates are. A lookup of the payload, the commits or the jobs is not one of them:
/// their size is the event's, and printing one whole is a template's mistake to keep apart.
fn only_lookups(source: &str) -> bool {
    let name = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if source.contains("{%") || source.contains("{#") {
        return false;
    }
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start + 2..].find("}}") else { return false };
        // `{{- x -}}` trims the whitespace around it.
        let lookup = rest[start + 2..start + 2 + end].trim_matches('-').trim();
        let mut path = lookup.split('.');
        if path.next().is_none_or(|root| ["payload", "commits", "jobs"].contains(&root)) || !lookup.split('.').all(name)
        {
            return false;
        }
        rest = &rest[start + 2 + end + 2..];
    }
    true
}

/// The filters of a template that may render here: this program's own (linear in their input,
/// nothing they do loops) and `safe`, which only marks a value. Not `datetime`: its date
/// arithmetic on any number a template writes is not worth vouching for here.
const FILTERS_HERE: [&str; 11] =
    ["emoji", "t", "link", "url", "upper_first", "first_line", "plain", "e", "escape", "safe", "duration"];

/// How many `~` a template rendered here may have: each copies its operands once, so the
/// largest string it builds is at most this many times the context's largest plus one.
const MAX_CONCATS: usize = 8;

/// A template that cannot loop, nor build a string much larger than the context's largest:
/// lookups (not of the payload, the commits or the jobs), string and integer literals, `~` (at
/// most [`MAX_CONCATS`]), `==`, `!=`, `not`, `and`, `or`, parentheses, the filters of
/// [`FILTERS_HERE`], the function `t`, and `if`/`elif`/`else`/`endif` blocks. It is rendered
/// here like lookups: it needs neither the child's memory bound (what it builds is bounded by
/// the context) nor its clock (fuel counts its steps). Anything else (loops, macros, `set`,
/// tests, other filters and functions, arithmetic, subscripts, comments) goes to the child.
fn without_loops(source: &str) -> bool {
    let mut concats = 0;
    let mut rest = source;
    loop {
        let Some(start) = rest.find('{') else { return true };
        let (close, block) = match rest[start..].chars().nth(1) {
            Some('{') => ("}}", false),
            Some('%') => ("%}", true),
            Some('#') => return false,
            _ => {
                rest = &rest[start + 1..];
                continue;
            }
        };
        let Some(end) = rest[start + 2..].find(close) else { return false };
        let inside = rest[start + 2..start + 2 + end].trim_matches('-').trim();
        let Some(tokens) = tokens(inside) else { return false };
        let expression = if block {
            match tokens.first().map(String::as_str) {
                Some("if" | "elif") => &tokens[1..],
                Some("else" | "endif") if tokens.len() == 1 => &tokens[1..],
                _ => return false,
            }
        } else {
            &tokens[..]
        };
        if !bounded_expression(expression, &mut concats) {
            return false;
        }
        rest = &rest[start + 2 + end + 2..];
    }
}

/// Whether the tokens of an expression use only what [`without_loops`] allows.
fn bounded_expression(tokens: &[String], concats: &mut usize) -> bool {
    let named = |i: usize| tokens.get(i).map(String::as_str);
    for (i, token) in tokens.iter().enumerate() {
        let first = token.chars().next().unwrap_or(' ');
        let ok = match token.as_str() {
            "~" => {
                *concats += 1;
                *concats <= MAX_CONCATS
            }
            "." | "|" | "(" | ")" | "," | "=" | "==" | "!=" | "not" | "and" | "or" => true,
            "payload" | "commits" | "jobs" => false,
            _ if first == '\'' || first == '"' || first.is_ascii_digit() => true,
            name => {
                let filter = i > 0 && named(i - 1) == Some("|");
                let called = named(i + 1) == Some("(");
                let field = i > 0 && named(i - 1) == Some(".");
                let keyword =
                    ["is", "in", "if", "else", "for", "loop", "self", "super", "caller", "range", "namespace"];
                if filter {
                    FILTERS_HERE.contains(&name)
                } else if called {
                    name == "t"
                } else {
                    field || !keyword.contains(&name)
                }
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

/// An expression's tokens: names, numbers, string literals (with their quotes) and the
/// punctuation [`bounded_expression`] knows; `None` at anything else.
fn tokens(source: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let token = match c {
            c if c.is_whitespace() => continue,
            '\'' | '"' => {
                let mut escaped = false;
                let end = chars.by_ref().find(|&(_, d)| {
                    let closes = d == c && !escaped;
                    escaped = d == '\\' && !escaped;
                    closes
                })?;
                &source[i..=end.0]
            }
            '=' | '!' if chars.peek().is_some_and(|&(_, d)| d == '=') => {
                chars.next();
                &source[i..i + 2]
            }
            '!' => return None,
            '.' | '|' | '(' | ')' | ',' | '=' | '~' => &source[i..=i],
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut end = i + 1;
                while let Some(&(j, d)) = chars.peek() {
                    if !(d.is_ascii_alphanumeric() || d == '_') {
                        break;
                    }
                    end = j + 1;
                    chars.next();
                }
                let word = &source[i..end];
                // `1e9` and `0x…` are numbers the grammar does not need.
                if c.is_ascii_digit() && !word.chars().all(|d| d.is_ascii_digit()) {
                    return None;
                }
                word
            }
            _ => return None,
        };
        out.push(token.to_owned());
    }
    Some(out)
}

/// Whether a template renders in this process rather than in the child.
fn renders_here(source: &str) -> bool {
    only_lookups(source) || without_loops(source)
}

/// A user's templates on their way: those that need the child have it started and fed.
pub struct Rendering<'a> {
    cx: &'a Context,
    parts: &'a [(&'a CustomTemplate, Kind)],
    apart: Option<Apart>,
}

/// The child at work, the templates waiting for a copy of this process, or (unit tests) the texts.
#[cfg_attr(test, allow(dead_code))]
enum Apart {
    Child(Running),
    /// On Linux: a copy of this process ([`fork`]) at work, and what the child's answer needs.
    Copy {
        forked: Forked,
        origins: String,
        count: usize,
    },
    #[cfg(test)]
    Done(Result<Vec<String>, Error>),
}

/// Starts rendering a user's templates (the summary's text, its title, or both): those that can
/// neither loop nor grow are rendered by [`Rendering::texts`], here; the others together in a
/// copy of this process made by `fork` now (Linux), or else in one child process started now:
/// either way it works while the caller renders the built-in part (a second process for the
/// title alone cost 2.4 ms a run).
pub fn start<'a>(cx: &'a Context, parts: &'a [(&'a CustomTemplate, Kind)]) -> Result<Rendering<'a>, Error> {
    let apart: Vec<_> = parts.iter().filter(|(t, _)| !renders_here(&t.source)).copied().collect();
    // Unit tests' `current_exe` is the test harness, not this binary; and they run threads.
    #[cfg(test)]
    let apart = (!apart.is_empty()).then(|| Apart::Done(in_process(cx, &apart)));
    #[cfg(not(test))]
    let apart = if apart.is_empty() {
        None
    } else if let Some(forked) = (!exec_only()).then(|| in_copy(cx, &apart)).flatten() {
        Some(Apart::Copy { forked, origins: origins(cx.lang, &apart), count: apart.len() })
    } else {
        Some(Apart::Child(in_child(cx, &apart)?))
    };
    Ok(Rendering { cx, parts, apart })
}

impl Rendering<'_> {
    /// The texts, in the order of the parts. `value` is the context as minijinja sees it, made
    /// once for every template of the run.
    pub fn texts(self, value: &minijinja::Value) -> Result<Vec<String>, Error> {
        let Rendering { cx, parts, apart } = self;
        let mut apart = match apart {
            None => Vec::new(),
            Some(Apart::Child(running)) => answer(running)?,
            Some(Apart::Copy { forked, origins, count }) => {
                let answer = match forked.wait(MAX_TIME, MAX_ANSWER_BYTES) {
                    Outcome::Answer(answer) => Ok(answer),
                    Outcome::TooSlow => Err(too_slow(cx.lang)),
                    Outcome::TooBig => Err(too_big(cx.lang)),
                    Outcome::Ended(status) => Err(say(cx.lang, "template.ended", &[("status", &status)])),
                };
                texts_of(answer, &origins, count, cx.lang)?
            }
            #[cfg(test)]
            Some(Apart::Done(texts)) => texts?,
        }
        .into_iter();
        let mut here = parts
            .iter()
            .filter(|(t, _)| renders_here(&t.source))
            .map(|(t, kind)| engine::custom_text(value, t, *kind, cx.lang, cx.utc_offset));
        parts
            .iter()
            .map(|(t, _)| if renders_here(&t.source) { here.next() } else { apart.next().map(Ok) })
            .map(|text| text.unwrap_or_else(|| Err(Error::usage(say(cx.lang, "template.lost_text", &[])))))
            .collect()
    }
}

/// Whether to start the child by `exec` even where a copy could be made: debug builds only (the
/// end-to-end tests, which check that way on Linux too), with `DINGTALK_NOTIFY_TEST_EXEC` set
/// and not empty.
#[cfg_attr(test, allow(dead_code))]
fn exec_only() -> bool {
    cfg!(debug_assertions) && std::env::var_os("DINGTALK_NOTIFY_TEST_EXEC").is_some_and(|v| !v.is_empty())
}

/// Starts rendering `parts` in a copy of this process, which has the context already: no job
/// to write, no process to start, no event to parse again. It makes its own minijinja value of
/// the context, on the other core while this process makes its own: touching this process's
/// (iterating the commits takes a reference to each) would copy every page it is on. `None`
/// where no copy can be made safely (another thread runs, or not Linux).
#[cfg_attr(test, allow(dead_code))]
fn in_copy(cx: &Context, parts: &[(&CustomTemplate, Kind)]) -> Option<Forked> {
    Forked::start(MAX_MEMORY_BYTES, || serde_json::to_vec(&Answer::from(in_process(cx, parts))).unwrap_or_default())
}

/// A started child: its job written (or being written), its answer being read.
struct Running {
    child: Child,
    origins: String,
    count: usize,
    writer: Option<std::thread::JoinHandle<()>>,
    answers: mpsc::Receiver<Vec<u8>>,
    lang: Lang,
}

/// On Linux a pipe holds 64 KiB unless the user's pipe pages run short (then 4 KiB). A job of
/// this size or less is written at once, without a writer thread: at worst the write waits for
/// the child to read, the first thing it does, before any template runs.
const PIPE_BYTES: usize = 64 * 1024;

/// The templates' names for a message: `title`, or `template and title`.
fn origins(lang: Lang, parts: &[(&CustomTemplate, Kind)]) -> String {
    match parts.iter().map(|(t, _)| t.origin.as_str()).collect::<Vec<_>>().as_slice() {
        [init @ .., last] if !init.is_empty() => say(lang, "api.and", &[("init", &init.join(", ")), ("last", last)]),
        all => all.concat(),
    }
}

/// Starts the child by `exec` and gives it its job.
#[cfg_attr(test, allow(dead_code))]
fn in_child(cx: &Context, parts: &[(&CustomTemplate, Kind)]) -> Result<Running, Error> {
    let origins = origins(cx.lang, parts);
    let program = own_binary();
    let mut child = Command::new(&program)
        .arg(CHILD_ARG)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            let args =
                [("origins", origins.as_str()), ("program", &program.display().to_string()), ("error", &e.to_string())];
            Error::usage(say(cx.lang, "template.no_renderer", &args))
        })?;
    let reads = Reads::of(&parts.iter().map(|(t, _)| t.source.as_str()).collect::<Vec<_>>());
    let lean;
    let context = if reads.payload && reads.commits {
        cx
    } else {
        lean = Context {
            payload: Payload::default(),
            commits: if reads.commits { cx.commits.clone() } else { crate::context::commits::Commits::default() },
            ..cx.clone()
        };
        &lean
    };
    let job = Job {
        context,
        parts: parts
            .iter()
            .map(|(t, kind)| Part { source: t.source.clone(), origin: t.origin.clone(), kind: *kind })
            .collect(),
        lang: cx.lang,
        utc_offset: cx.utc_offset,
    };
    let mut job = serde_json::to_vec(&job)
        .map_err(|e| Error::usage(say(cx.lang, "template.no_context", &[("error", &e.to_string())])))?;
    job.push(b'\n');
    let event = if reads.payload { cx.payload.text() } else { "" };
    let mut stdin = child.stdin.take();
    // A child that died early closes its stdin: that shows in its exit status.
    let writer = if job.len() + event.len() <= PIPE_BYTES {
        let _ = stdin.as_mut().map(|s| s.write_all(&job).and_then(|()| s.write_all(event.as_bytes())));
        drop(stdin);
        None
    } else {
        let payload = cx.payload.clone();
        Some(std::thread::spawn(move || {
            let _ = stdin.as_mut().map(|s| {
                s.write_all(&job)?;
                if reads.payload { s.write_all(payload.text().as_bytes()) } else { Ok(()) }
            });
        }))
    };
    let mut stdout = child.stdout.take();
    let (answered, answers) = mpsc::channel();
    std::thread::spawn(move || {
        let mut answer = Vec::new();
        let limit = MAX_ANSWER_BYTES as u64;
        let _ = stdout.as_mut().map(|s| s.take(limit).read_to_end(&mut answer));
        // Dropping the pipe here stops a child that writes more.
        drop(stdout);
        let _ = answered.send(answer);
    });
    Ok(Running { child, origins, count: parts.len(), writer, answers, lang: cx.lang })
}

/// Waits for the child's answer (see [`watch`]): its texts, or the usage error that says why
/// there are none.
fn answer(running: Running) -> Result<Vec<String>, Error> {
    let Running { mut child, origins, count, writer, answers, lang } = running;
    let answer = watch(&mut child, &answers, lang);
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    texts_of(answer, &origins, count, lang)
}

/// The texts in a renderer's answer, or the usage error that says why there are none.
fn texts_of(answer: Result<Vec<u8>, String>, origins: &str, count: usize, lang: Lang) -> Result<Vec<String>, Error> {
    let error = |why: &str| Error::usage(say(lang, "template.stopped", &[("origins", origins), ("why", why)]));
    let answer = answer.map_err(|why| error(&why))?;
    match serde_json::from_slice::<Answer>(&answer) {
        Ok(Answer::Texts(texts)) if texts.len() == count => Ok(texts),
        Ok(Answer::Texts(_)) => Err(error(&say(lang, "template.wrong_answer", &[]))),
        Ok(Answer::Error(message)) => Err(Error::usage(message)),
        Err(_) => Err(error(&say(lang, "template.no_answer", &[]))),
    }
}

/// The running program: on Linux `/proc/self/exe`, which the child's `exec` opens as the file
/// this process runs from, whatever became of its name since; elsewhere its path.
fn own_binary() -> std::path::PathBuf {
    if cfg!(target_os = "linux") { "/proc/self/exe".into() } else { std::env::current_exe().unwrap_or_default() }
}

/// Waits until the child ends, and kills it past [`MAX_TIME`] or [`MAX_MEMORY_BYTES`]: its
/// answer, or why it was stopped. The answer's arrival (its stdout closed: it is exiting) ends
/// the wait at once, not at the next look.
fn watch(child: &mut Child, answers: &mpsc::Receiver<Vec<u8>>, lang: Lang) -> Result<Vec<u8>, String> {
    let started = Instant::now();
    let mut answer = None;
    loop {
        match child.try_wait() {
            // Its stdout is closed now: the answer is there or on its way.
            Ok(Some(status)) if status.success() => {
                return Ok(answer.or_else(|| answers.recv().ok()).unwrap_or_default());
            }
            Ok(Some(status)) => return Err(say(lang, "template.ended", &[("status", &status.to_string())])),
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
        let why = if started.elapsed() > MAX_TIME {
            Some(too_slow(lang))
        } else if resident_bytes(child.id()).is_some_and(|b| b > MAX_MEMORY_BYTES) {
            Some(too_big(lang))
        } else {
            None
        };
        if let Some(why) = why {
            let _ = child.kill();
            let _ = child.wait();
            return Err(why);
        }
        if answer.is_some() {
            std::thread::sleep(Duration::from_micros(50));
        } else {
            answer = answers.recv_timeout(POLL).ok();
        }
    }
}

fn too_slow(lang: Lang) -> String {
    say(lang, "template.too_slow", &[("secs", &MAX_TIME.as_secs().to_string())])
}

fn too_big(lang: Lang) -> String {
    say(lang, "template.too_big", &[("mib", &(MAX_MEMORY_BYTES / 1024 / 1024).to_string())])
}

/// Renders `parts` in the process that calls it, where nothing but fuel and the output cap bound
/// them: the copy's work (under its bounds), and the unit tests' renderer for any template.
fn in_process(cx: &Context, parts: &[(&CustomTemplate, Kind)]) -> Result<Vec<String>, Error> {
    let context = minijinja::Value::from_serialize(cx);
    parts.iter().map(|(t, kind)| engine::custom_text(&context, t, *kind, cx.lang, cx.utc_offset)).collect()
}

/// The child's side: reads the job on stdin, answers on stdout.
pub fn child() -> std::process::ExitCode {
    let mut input = Vec::new();
    let job = std::io::stdin().read_to_end(&mut input).ok().and_then(|_| {
        let newline = input.iter().position(|&b| b == b'\n')?;
        let event = input.split_off(newline + 1);
        let job = serde_json::from_slice::<ChildJob>(&input).ok()?;
        // The parent parsed this very text; it has no event when the text is empty.
        let payload = if event.is_empty() { Payload::default() } else { Payload::parse(event).ok()? };
        Some((job, payload))
    });
    drop(input);
    let answer = match job {
        None => Answer::Error("the template renderer got no job".to_owned()),
        Some((job, payload)) => {
            let context = minijinja::Value::from_serialize(&job.context);
            let context = minijinja::context! { payload => minijinja::Value::from_serialize(&payload), ..context };
            let texts: Result<Vec<String>, Error> = job
                .parts
                .into_iter()
                .map(|p| {
                    let template = CustomTemplate { source: p.source, origin: p.origin };
                    engine::custom_text(&context, &template, p.kind, job.lang, job.utc_offset)
                })
                .collect();
            Answer::from(texts)
        }
    };
    let json = serde_json::to_vec(&answer).unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&json).and_then(|()| stdout.flush());
    std::process::ExitCode::SUCCESS
}

/// The child's resident memory, where the system tells (Linux).
fn resident_bytes(pid: u32) -> Option<u64> {
    // `/proc` files tell no size: one read into room enough, not reads of growing size.
    let mut status = String::with_capacity(4096);
    std::fs::File::open(format!("/proc/{pid}/status")).ok()?.read_to_string(&mut status).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim();
    kb.parse::<u64>().ok().map(|kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_template_does_not_name_it_cannot_read() {
        let reads = Reads::of;
        assert_eq!(reads(&["{{ repo.name }}", "{{ status }}"]), Reads { payload: false, commits: false });
        assert_eq!(reads(&["{{ repo.name }}", "{{ payload.pusher.name }}"]), Reads { payload: true, commits: false });
        assert_eq!(reads(&["{% for c in commits %}{{ c.id }}{% endfor %}"]), Reads { payload: false, commits: true });
        // Another template may read anything.
        for load in ["{% include 'push.md' %}", "{% import 'macros.md' as m %}", "{% extends 'generic.md' %}"] {
            assert_eq!(reads(&["{{ status }}", load]), Reads { payload: true, commits: true }, "{load}");
        }
    }

    #[test]
    fn templates_that_cannot_loop_nor_grow_render_here() {
        for here in [
            "{{ status|emoji }} {{ repo.name }} {{ t('status.' ~ status) }}",
            "{% if commit %}{{ commit.title|link(commit.url) }}{% endif %} {{ t('view_run')|link(run.url) }}",
            "{%- if pr and not draft -%}{{ pr.title|e }}{% elif x == 'a' %}b{% else %}{{ \"c\"|upper_first }}{% endif %}",
            "{{ t('push.pushed', n=3, ref=git_ref.name) }} {{ run.duration|duration }}",
            "{{ 'a \\' b' ~ message }} { not a tag",
        ] {
            assert!(renders_here(here), "{here}");
        }
        for apart in [
            "{% for c in commits %}{{ c.id }}{% endfor %}",
            "{% set x = 'a' %}{{ x }}",
            "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
            "{{ 'x' * 100000000 }}",
            "{{ repo.name[0] }}",
            "{{ 5 is divisibleby(0) }}",
            "{{ repo.name|upper }}",
            "{{ range(10)|join }}",
            "{{ payload.pusher.name|e }}",
            "{{ commits|length }}",
            "{{ jobs|first }}",
            "{{ repo.name|shorten(9999999999999999999) }}",
            "{{ message.upper() }}",
            "{{ run.started_at|datetime }}",
            "{{ 1e9|e }}",
            "{{ status|e }}{# c #}",
            "{{ '}}' ~ x }}",
            "{% raw %}{{ x }}{% endraw %}",
            "{{ x|e }} {{ x",
            &format!("{{{{ x|e }}}}{}", " {{ x ~ x }}".repeat(9)),
        ] {
            assert!(!renders_here(apart), "{apart}");
        }
    }

    #[test]
    fn only_text_and_lookups_of_bounded_values_render_here() {
        for here in ["", "plain", "{{ repo.name }} {{ status }}", "{{- run.url -}}: {{pr.title}}", "a }} b"] {
            assert!(only_lookups(here), "{here}");
        }
        for apart in [
            "{{ 'x' * 100000000 }}",
            "{{ repo.name ~ repo.name }}",
            "{{ repo.name|upper }}",
            "{{ t('view_run') }}",
            "{{ 5 is divisibleby(0) }}",
            "{{ commits }}",
            "{{ payload.head_commit.message }}",
            "{{ jobs.0 }}",
            "{% if x %}{% endif %}",
            "{# c #}",
            "{{ repo.name",
            "{{ repo..name }}",
            "{{ repo.0 }}",
            "{{ -run.duration }}",
            "{{ }}",
        ] {
            assert!(!only_lookups(apart), "{apart}");
        }
    }
}
