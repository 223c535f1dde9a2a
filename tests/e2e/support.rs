//! The e2e toolbox: running the binary ([`Run`]), a dry run and its markdown ([`dry_run`],
//! [`markdown`]), the secret checks every run makes, and a fake HTTP server ([`Server`]).
//!
//! # One fake server: [`Server`], hand-written
//!
//! Every test that needs something listening uses [`Server`], not a mock library: tests need
//! answers a mock library cannot give (a sequence 503-then-200, a relay that hangs, a reply to a
//! TLS handshake, huge bodies, malformed HTTP, a reset, a slow drip, the raw request), and one
//! server keeps one way of checking what was sent.
//!
//! - `Server::script(vec![Reply::json(503, "{}"), Reply::json(200, r#"{"code":0}"#)])` answers
//!   requests in order, the last reply repeating.
//! - `Server::start(|r: &Received| match (r.method.as_str(), r.target.as_str()) { … })` answers
//!   what the closure returns for each request: route by method and path, or by `r.index`.
//! - `server.received()` is every request (method, target = path and query, headers, body, time,
//!   index); `server.relay_calls()` is the same, each checked to be `POST {PATH}?access_token=…`.
//! - It never hangs a test: dropping it (at the end of the test) stops it and joins its threads.
//!
//! `tests/README.md` has the longer version.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Secrets used by every test; none may appear in anything the binary prints or writes.
/// The token has characters that must be URL-encoded in the query.
pub const TOKEN: &str = "kdocs+TOKEN/sEcReT=1";
pub const TOKEN_ENCODED: &str = "kdocs%2BTOKEN%2FsEcReT%3D1";
pub const HOOK_TOKEN: &str = "hookTOKENsEcReT2";
pub const SK: &str = "SECsignsEcReT3";
/// The KDocs app's key, the refresh token, and the token a renewal gives.
pub const APP_ID: &str = "SX20240101APP";
pub const APP_KEY: &str = "appKEYsEcReT4";
pub const REFRESH_TOKEN: &str = "refresh+TOKEN/sEcReT5";
pub const RENEWED: &str = "renewed+TOKEN/sEcReT6";
pub const RENEWED_ENCODED: &str = "renewed%2BTOKEN%2FsEcReT6";
pub const SECRETS: [&str; 9] = [
    TOKEN,
    TOKEN_ENCODED,
    HOOK_TOKEN,
    SK,
    APP_KEY,
    REFRESH_TOKEN,
    "refresh%2BTOKEN%2FsEcReT5",
    RENEWED,
    RENEWED_ENCODED,
];

pub const REFRESH_PATH: &str = "/api/v1/oauth2/refresh_token";

pub const PATH: &str = "/api/v1/openapi/notification/dingtalk";

pub fn webhook() -> String {
    format!("https://oapi.dingtalk.com/robot/send?access_token={HOOK_TOKEN}")
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// A dry run with exactly the variables of the env file `rel`, changed by `changes` (an empty
/// value unsets one), and `notify_on: always` unless `changes` says otherwise.
pub fn dry_run_env(rel: &str, changes: &[(&str, &str)]) -> Output {
    let mut run = Run::new().env("INPUT_NOTIFY_ON", "always");
    for (k, v) in crate::dotenv::parse(&std::fs::read_to_string(fixture(rel)).unwrap(), rel) {
        run = run.env(&k, &v);
    }
    for (k, v) in changes {
        run = if v.is_empty() { run.unset(k) } else { run.env(k, v) };
    }
    run.env("INPUT_WEBHOOK", &webhook()).env("INPUT_KDOCS_TOKEN", TOKEN).dry_run()
}

/// A relay URL for runs that must not reach one (dry runs): the discard port, where nothing
/// listens.
pub const NO_RELAY: &str = "http://127.0.0.1:9";

/// A run of the binary in a clean environment, in a directory of its own (its current
/// directory, and where `$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY` and [`payload_from`]'s files go)
/// that is removed when the run is dropped or done, even if the test panics.
pub struct Run {
    vars: BTreeMap<String, String>,
    args: Vec<String>,
    dir: TempDir,
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`, when the run was on GitHub.
    pub outputs: String,
    pub step_summary: String,
}

impl Run {
    pub fn new() -> Run {
        let dir = std::env::temp_dir().join(format!(
            "dingtalk-notify-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Run { vars: BTreeMap::new(), args: Vec::new(), dir: TempDir(dir) }
    }

    /// A GitHub Actions job whose settings come as `INPUT_*`, with the token, webhook and relay.
    pub fn github(event: &str, payload: &str, relay: &str) -> Run {
        Run::new()
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", fixture(payload).to_str().unwrap())
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_RUN_ID", "9876543210")
            .env("GITHUB_RUN_NUMBER", "77")
            .env("GITHUB_WORKFLOW", "CI")
            .env("GITHUB_JOB", "build")
            // As the action passes `job.status`.
            .env("ACTION_JOB_STATUS", "success")
            .github_files()
            .env("INPUT_KDOCS_TOKEN", TOKEN)
            .env("INPUT_WEBHOOK", &webhook())
            .env("INPUT_KDOCS_API_URL", relay)
    }

    pub fn env(mut self, k: &str, v: &str) -> Run {
        self.vars.insert(k.to_owned(), v.to_owned());
        self
    }

    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Run {
        for (k, v) in vars {
            self.vars.insert(k.to_owned(), v.to_owned());
        }
        self
    }

    pub fn unset(mut self, k: &str) -> Run {
        self.vars.remove(k);
        self
    }

    pub fn arg(mut self, a: &str) -> Run {
        self.args.push(a.to_owned());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Run {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Points `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY` at files of this run.
    pub fn github_files(self) -> Run {
        let out = self.dir().join("output");
        let sum = self.dir().join("summary");
        self.env("GITHUB_OUTPUT", out.to_str().unwrap()).env("GITHUB_STEP_SUMMARY", sum.to_str().unwrap())
    }

    pub fn dir(&self) -> &Path {
        &self.dir.0
    }

    /// A dry run (`INPUT_DRY_RUN=true`) that must succeed, and with the built-in summary when
    /// no template is set (not the plainer one it falls back to when its template fails).
    pub fn dry_run(self) -> Output {
        let out = self.env("INPUT_DRY_RUN", "true").run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stderr.contains("plainer summary"), "the built-in template failed:\n{}", out.stderr);
        out
    }

    pub fn run(self) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_dingtalk-notify"))
            .env_clear()
            .envs(&self.vars)
            .args(&self.args)
            .current_dir(self.dir())
            .output()
            .expect("the binary runs");
        let read = |name: &str| std::fs::read_to_string(self.dir().join(name)).unwrap_or_default();
        let output = Output {
            code: out.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
            outputs: read("output"),
            step_summary: read("summary"),
        };
        output.assert_no_secrets();
        output
    }
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The body a dry run of the GitHub `event` with `payload` (under `tests/fixtures/`, or a path)
/// and the `extra` variables would send; see [`Run::dry_run`].
pub fn dry_run(event: &str, payload: &str, extra: &[(&str, &str)]) -> serde_json::Value {
    Run::github(event, payload, NO_RELAY).envs(extra.iter().copied()).dry_run().json()
}

/// The title and text of the first message of a dry run's output, which must be markdown: the
/// relay's body (`data`), or the first request straight to the robot (`requests`).
pub fn markdown(body: &serde_json::Value) -> (String, String) {
    let first = if body["requests"].is_array() { &body["requests"][0]["body"] } else { &body["data"][0] };
    let md = &first["markdown"];
    let text = |k: &str| md[k].as_str().unwrap_or_else(|| panic!("no markdown {k} in {body}")).to_owned();
    (text("title"), text("text"))
}

impl Output {
    /// No secret in stdout, stderr (but the `::add-mask::` commands that hide them) or files,
    /// as given or in the look-alike characters that summaries escape user text with.
    pub fn assert_no_secrets(&self) {
        self.assert_hidden(&SECRETS);
    }

    pub fn assert_hidden(&self, secrets: &[&str]) {
        let unmasked =
            |text: &str| text.lines().filter(|l| !l.starts_with("::add-mask::")).collect::<Vec<_>>().join("\n");
        let (stdout, stderr) = (unmasked(&self.stdout), unmasked(&self.stderr));
        for secret in secrets {
            for (name, text) in [
                ("stdout", &stdout),
                ("stderr", &stderr),
                ("GITHUB_OUTPUT", &self.outputs),
                ("GITHUB_STEP_SUMMARY", &self.step_summary),
            ] {
                assert!(!unescape_md(text).contains(secret), "secret {secret:?} leaked into {name}:\n{text}");
            }
        }
    }

    /// The output `name` as GitHub would read it from `$GITHUB_OUTPUT` (last one wins).
    pub fn output(&self, name: &str) -> Option<String> {
        let mut found = None;
        let mut lines = self.outputs.lines();
        while let Some(line) = lines.next() {
            if let Some(v) = line.strip_prefix(&format!("{name}=")) {
                found = Some(v.to_owned());
            } else if let Some(delim) = line.strip_prefix(&format!("{name}<<")) {
                let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
                found = Some(value.join("\n"));
            }
        }
        found
    }

    /// The dry run's body, parsed.
    pub fn json(&self) -> serde_json::Value {
        let start = self.stdout.find('{').unwrap_or_else(|| panic!("no JSON on stdout:\n{}", self.stdout));
        serde_json::from_str(&self.stdout[start..]).unwrap()
    }
}

/// A payload written for one test, from a fixture with changes.
pub fn payload_from(run: &Run, fixture_name: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(fixture_name)).unwrap()).unwrap();
    change(&mut v);
    let path = run.dir().join("event.json");
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Undoes the summaries' markdown escaping (look-alike characters, zero-width spaces), written
/// here independently of the binary's table so that a leak through it shows.
pub fn unescape_md(text: &str) -> String {
    let from = "＼∗＿∼ˋ［］＜＞＆｜＃－＋＝．）";
    let to = "\\*_~`[]<>&|#-+=.)";
    text.chars()
        .filter(|&c| c != '\u{200B}')
        .map(|c| from.chars().position(|f| f == c).map_or(c, |i| to.chars().nth(i).unwrap()))
        .collect()
}

/// One answer of a [`Server`]: status, headers, body, and how long to wait before sending it.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (a relay that hangs). Cut short when the test ends.
    pub delay: Duration,
    /// `body` is the whole answer, head included, sent as given (malformed HTTP, a body without
    /// `content-length`, nothing at all); `status` and `headers` are ignored.
    pub raw: bool,
    /// Instead of answering at once: reset the connection, or send the answer slowly.
    pub fault: Option<Fault>,
}

/// How a [`Reply`] misbehaves once the request was read (and its `delay` waited).
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// No answer: the connection is reset (an RST, not a close).
    Reset,
    /// The answer, head and body, one byte per this long, until it is all sent or the client
    /// leaves.
    Drip(Duration),
}

impl Reply {
    /// A JSON answer (`content-type: application/json`); `body` is sent as given.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::text(status, body).content_type("application/json")
    }
    /// Any other answer (`content-type: text/plain`): an error page, an empty redirect.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            raw: false,
            fault: None,
        }
        .content_type("text/plain")
    }
    /// Exactly these bytes, head and all, then the connection closes: `Reply::raw(b"")` closes
    /// without a word, `Reply::raw(b"HTTP/9.9 200 OK\r\n\r\n")` is not HTTP/1.
    pub fn raw(bytes: &[u8]) -> Reply {
        Reply { status: 0, headers: vec![], body: bytes.to_vec(), delay: Duration::ZERO, raw: true, fault: None }
    }
    /// No answer at all: the request is read, then the connection reset.
    pub fn reset() -> Reply {
        Reply { fault: Some(Fault::Reset), ..Reply::raw(b"") }
    }
    /// This answer, one byte per `every`.
    pub fn drip(mut self, every: Duration) -> Reply {
        self.fault = Some(Fault::Drip(every));
        self
    }
    fn content_type(self, value: &str) -> Reply {
        self.header("content-type", value)
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.to_owned(), v.to_owned()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

/// A request as a [`Server`] received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// 0 for the server's first request, 1 for the next, …
    pub index: usize,
    pub at: Instant,
    /// `POST`, …; empty when what came was not HTTP (a TLS handshake: then `body` holds its
    /// first bytes, lossily as text).
    pub method: String,
    /// Path and query, as sent: `/api/v1/…?access_token=…`.
    pub target: String,
    /// In the order sent, names as sent.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    /// The value of the header `name` (any case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Fails unless this is the binary's call to the relay: `POST {PATH}?access_token=TOKEN`.
    pub fn assert_relay_call(&self) {
        assert_eq!(self.method, "POST", "{self:?}");
        assert_eq!(self.target, format!("{PATH}?access_token={TOKEN_ENCODED}"), "{self:?}");
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// A server on 127.0.0.1 that answers each request with what `handler` returns for it, and
/// records every request. One request per connection (`connection: close`).
///
/// It never hangs a test: it stops accepting, cuts delays short and joins its threads when
/// dropped (at the end of the test, passed or panicked), and in any case after [`LIFETIME`];
/// reads and writes time out after [`IO_TIMEOUT`].
pub struct Server {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

pub const LIFETIME: Duration = Duration::from_secs(120);
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

impl Server {
    /// A server that routes by what it received, e.g. `|r| match (r.method.as_str(), …)`.
    pub fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log, halt) = (received.clone(), stop.clone());
        let accept = thread::spawn(move || accept_until_stopped(&listener, &handler, &log, &halt));
        Server { url, received, stop, accept: Some(accept) }
    }

    /// A server that gives `replies` in order, one per request; the last one repeats.
    pub fn script(replies: Vec<Reply>) -> Server {
        assert!(!replies.is_empty(), "a script needs a reply");
        Server::start(move |r| replies[r.index.min(replies.len() - 1)].clone())
    }

    /// Every request so far, in the order received.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Every request so far, each checked to be the call to the relay
    /// ([`Received::assert_relay_call`]).
    pub fn relay_calls(&self) -> Vec<Received> {
        let got = self.received();
        got.iter().for_each(Received::assert_relay_call);
        got
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn accept_until_stopped(
    listener: &TcpListener,
    handler: &Arc<Handler>,
    log: &Arc<Mutex<Vec<Received>>>,
    stop: &Arc<AtomicBool>,
) {
    let deadline = Instant::now() + LIFETIME;
    let mut connections = Vec::new();
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let (handler, log, stop) = (handler.clone(), log.clone(), stop.clone());
                connections.push(thread::spawn(move || serve(&stream, &*handler, &log, &stop)));
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
    stop.store(true, Ordering::SeqCst);
    for connection in connections {
        let _ = connection.join();
    }
}

fn serve(stream: &TcpStream, handler: &Handler, log: &Mutex<Vec<Received>>, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let Some(mut request) = read_request(&mut BufReader::new(stream)) else { return };
    {
        let mut log = log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        request.index = log.len();
        log.push(request.clone());
    }
    let reply = handler(&request);
    let until = Instant::now() + reply.delay;
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
    }
    let mut stream = stream;
    if let Some(Fault::Reset) = reply.fault {
        // A zero linger makes the close an RST.
        let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
        return;
    }
    let answer = if reply.raw { reply.body.clone() } else { answer(&reply) };
    if let Some(Fault::Drip(every)) = reply.fault {
        for byte in &answer {
            if stop.load(Ordering::SeqCst) || stream.write_all(&[*byte]).and_then(|()| stream.flush()).is_err() {
                return;
            }
            let until = Instant::now() + every;
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
            }
        }
        return;
    }
    let _ = stream.write_all(&answer);
}

/// The HTTP/1.1 answer of a [`Reply`] that is not raw.
fn answer(reply: &Reply) -> Vec<u8> {
    let mut head =
        format!("HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n", reply.status, reply.body.len());
    for (k, v) in &reply.headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    let mut answer = head.into_bytes();
    answer.extend_from_slice(&reply.body);
    answer
}

/// The request on `reader`: head, then a body of `content-length` bytes. `None` if the client
/// sent nothing.
fn read_request(reader: &mut BufReader<&TcpStream>) -> Option<Received> {
    let mut request = Received {
        index: 0,
        at: Instant::now(),
        method: String::new(),
        target: String::new(),
        headers: Vec::new(),
        body: String::new(),
    };
    let first = reader.fill_buf().ok()?;
    if first.is_empty() {
        return None;
    }
    if !first[0].is_ascii_uppercase() {
        // Not an HTTP method: a TLS handshake or other bytes. Keep what came; answer anyway.
        request.body = String::from_utf8_lossy(first).into_owned();
        let n = first.len();
        reader.consume(n);
        request.at = Instant::now();
        return Some(request);
    }
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    words.next().unwrap_or_default().clone_into(&mut request.method);
    words.next().unwrap_or_default().clone_into(&mut request.target);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            request.headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let length = request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    request.body = String::from_utf8_lossy(&body).into_owned();
    request.at = Instant::now();
    Some(request)
}

/// An address on 127.0.0.1 where nothing listens.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
