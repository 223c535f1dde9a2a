//! Running the binary and a scripted relay, and the secret checks every test makes.

#![allow(dead_code)] // each test file uses its own part of this toolbox

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Secrets used by every test; none may appear in anything the binary prints or writes.
/// The token has characters that must be URL-encoded in the query.
pub const TOKEN: &str = "kdocs+TOKEN/sEcReT=1";
pub const TOKEN_ENCODED: &str = "kdocs%2BTOKEN%2FsEcReT%3D1";
pub const HOOK_TOKEN: &str = "hookTOKENsEcReT2";
pub const SK: &str = "SECsignsEcReT3";
pub const SECRETS: [&str; 4] = [TOKEN, TOKEN_ENCODED, HOOK_TOKEN, SK];

pub const PATH: &str = "/api/v1/openapi/notification/dingtalk";

pub fn webhook() -> String {
    format!("https://oapi.dingtalk.com/robot/send?access_token={HOOK_TOKEN}")
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// A run of the binary in a clean environment.
pub struct Run {
    vars: BTreeMap<String, String>,
    args: Vec<String>,
    dir: PathBuf,
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
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Run { vars: BTreeMap::new(), args: Vec::new(), dir }
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

    /// Points `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY` at files of this run.
    pub fn github_files(self) -> Run {
        let out = self.dir.join("output");
        let sum = self.dir.join("summary");
        self.env("GITHUB_OUTPUT", out.to_str().unwrap()).env("GITHUB_STEP_SUMMARY", sum.to_str().unwrap())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn run(self) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_dingtalk-notify"))
            .env_clear()
            .envs(&self.vars)
            .args(&self.args)
            .current_dir(&self.dir)
            .output()
            .expect("the binary runs");
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
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

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Output {
    /// No secret in stdout (but the `::add-mask::` commands that hide them), stderr or files,
    /// as given or in the look-alike characters that summaries escape user text with.
    pub fn assert_no_secrets(&self) {
        self.assert_hidden(&SECRETS);
    }

    pub fn assert_hidden(&self, secrets: &[&str]) {
        let stdout: String =
            self.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect::<Vec<_>>().join("\n");
        for secret in secrets {
            for (name, text) in [
                ("stdout", &stdout),
                ("stderr", &self.stderr),
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

/// One scripted answer of [`Script`].
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering (a relay that hangs).
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply { status, headers: vec![], body: body.to_owned(), delay: Duration::ZERO }
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

/// A request as the scripted relay received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub target: String,
    pub body: String,
}

/// A relay on 127.0.0.1 that gives a fixed sequence of answers, one per connection, and records
/// each request (httpmock answers every request alike; retries need a sequence). The last
/// answer repeats.
pub struct Script {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Script {
    pub fn start(replies: Vec<Reply>) -> Script {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            for (i, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { continue };
                let reply = replies[i.min(replies.len() - 1)].clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, reply, log));
            }
        });
        Script { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, reply: Reply, log: Arc<Mutex<Vec<Received>>>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok();
    let target = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
    log.lock().unwrap().push(Received { at: Instant::now(), target, body: String::from_utf8_lossy(&body).into() });
    std::thread::sleep(reply.delay);
    let mut head =
        format!("HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n", reply.status, reply.body.len());
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.body.as_bytes());
}

/// An address on 127.0.0.1 where nothing listens.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
