//! What each peer's faults do to a run: one deadline for the CI's API lookups, and the fault
//! matrix (every peer × every fault, through the binary against the one fake server), whose
//! measured table is `docs/reliability.md`.

use std::io::Write as _;
use std::time::{Duration, Instant};

use crate::dotenv;
use crate::support::*;

const GL_TOKEN: &str = "glpat-faultsTOKENsEcReT";

/// A GitLab push job whose pipeline's jobs come page after page from `api`, the relay on `relay`.
fn gitlab(api: &Server, relay: &Server) -> Run {
    let text = std::fs::read_to_string(fixture("gitlab/push.env")).unwrap();
    dotenv::parse(&text, "gitlab/push.env")
        .into_iter()
        .fold(Run::new(), |run, (k, v)| run.env(&k, &v))
        .env("CI_API_V4_URL", &format!("{}/api/v4", api.url))
        .env("DINGTALK_GITLAB_TOKEN", GL_TOKEN)
        .env("DINGTALK_KDOCS_TOKEN", TOKEN)
        .env("DINGTALK_WEBHOOK", &webhook())
        .env("DINGTALK_KDOCS_API_URL", &relay.url)
        .env("DINGTALK_LANG", "en")
}

/// The lines of stderr that say a fact could not be read (retry notices are not).
fn unknown_facts(out: &Output) -> Vec<&str> {
    out.stderr.lines().filter(|l| l.starts_with("warning: ") && l.contains("cannot read")).collect()
}

#[test]
fn slow_pages_that_link_on_and_on_cannot_delay_the_message_past_the_budget() {
    // Each page answers after 1.5 s, lists a job of its own and links to the next one, without end.
    let api = Server::start(|r: &Received| {
        let page: u64 = r.target.rsplit_once("page=").and_then(|(_, n)| n.parse().ok()).unwrap_or(1);
        let job =
            format!(r#"[{{"id": {}, "name": "job{page}", "status": "success", "allow_failure": false}}]"#, 100 + page);
        Reply::json(200, &job).header("x-next-page", &(page + 1).to_string()).delay(Duration::from_millis(1500))
    });
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let started = Instant::now();
    let out = gitlab(&api, &relay).env("DINGTALK_TIMEOUT", "2").env("DINGTALK_RETRIES", "1").run();
    let elapsed = started.elapsed();
    let _ = writeln!(std::io::stderr(), "deadline test: the run took {:.1}s", elapsed.as_secs_f64());
    out.assert_hidden(&[GL_TOKEN]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1, "{}", out.stderr);
    // The API budget (2 s) plus one POST's (retries + 1) × timeout, and a second for the process.
    let bound = Duration::from_secs(2 + 2 * 2 + 1);
    assert!(elapsed < bound, "{elapsed:?} > {bound:?}\n{}", out.stderr);
    // The message went out once the budget was spent, not before the first page came.
    let sent = relay.received()[0].at;
    let first_api = api.received()[0].at;
    assert!(sent.duration_since(first_api) < Duration::from_millis(2600), "{}", out.stderr);
    let unknown = unknown_facts(&out);
    assert_eq!(unknown.len(), 1, "{}", out.stderr);
    assert!(unknown[0].contains("the pipeline's jobs") && unknown[0].contains("2s"), "{}", out.stderr);
    // What was left unknown is named, the previous pipeline too: no call was started for it.
    assert!(unknown[0].contains("the previous pipeline"), "{}", out.stderr);
    assert!(api.received().iter().all(|r| r.target.contains("/jobs")), "{:?}", api.received());
}

#[test]
fn an_api_asking_to_wait_past_the_budget_is_not_waited_for() {
    let api = Server::script(vec![Reply::json(429, r#"{"message":"slow down"}"#).header("retry-after", "30")]);
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let started = Instant::now();
    let out = gitlab(&api, &relay).env("DINGTALK_TIMEOUT", "2").env("DINGTALK_RETRIES", "2").run();
    let elapsed = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1);
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}\n{}", out.stderr);
    // One call: neither a retry nor the previous pipeline's lookup after the refusal.
    assert_eq!(api.received().len(), 1, "{}", out.stderr);
    let unknown = unknown_facts(&out);
    assert_eq!(unknown.len(), 1, "{}", out.stderr);
    assert!(unknown[0].contains("the GitLab API's rate limit is spent (HTTP 429)"), "{}", out.stderr);
}

#[test]
fn a_page_that_adds_nothing_stops_the_paging() {
    // Every page is the same one, linking to the next: a server that ignores `page`.
    let api = Server::start(|_: &Received| {
        Reply::json(200, r#"[{"id": 101, "name": "build", "status": "failed", "allow_failure": false}]"#)
            .header("x-next-page", "2")
    });
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = gitlab(&api, &relay).env("DINGTALK_PREVIOUS_STATUS", "success").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (title, _) = markdown(&relay.relay_calls()[0].json());
    assert!(title.starts_with("❌ "), "the first page's jobs count: {title}");
    let targets: Vec<String> = api.received().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/v4/projects/4242/pipelines/1187345/jobs?per_page=100",
            "/api/v4/projects/4242/pipelines/1187345/jobs?per_page=100&page=2"
        ]
    );
    assert!(unknown_facts(&out).is_empty(), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// The fault matrix

const GH_TOKEN: &str = "ghp_faultsTOKENsEcReT";
const DRONE_TOKEN: &str = "droneFAULTSsEcReT";
const WP_TOKEN: &str = "wpFAULTSsEcReT";
const JENKINS_TOKEN: &str = "jenkins:11faultsTOKENsEcReT";

/// Each run of the matrix has `timeout: 1` and `retries: 1`.
const TIMEOUT: f64 = 1.0;
const RETRIES: f64 = 1.0;
/// The longest wait before a retry: the backoff's first (1 s + 25 %), or the `Retry-After: 1` given.
const WAIT: f64 = 1.25;
/// Starting the binary on a busy machine, and the fake server's own pace.
const SLACK: f64 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Peer {
    Relay,
    Direct,
    Renewal,
    CodeExchange,
    GitHub,
    GitLab,
    Drone,
    Woodpecker,
    Jenkins,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Refused,
    ResetBeforeBody,
    ResetAfterBody,
    TimeOut,
    Drip,
    TooMany,
    ServerError,
    NotHttp,
    NotJson,
    Huge,
}

const FAULTS: [(Fault, &str); 10] = [
    (Fault::Refused, "refused"),
    (Fault::ResetBeforeBody, "reset before the body"),
    (Fault::ResetAfterBody, "reset after the body"),
    (Fault::TimeOut, "time-out"),
    (Fault::Drip, "drip 1 B/s"),
    (Fault::TooMany, "429 Retry-After: 1"),
    (Fault::ServerError, "503"),
    (Fault::NotHttp, "not HTTP"),
    (Fault::NotJson, "not JSON"),
    (Fault::Huge, "17 MiB"),
];

/// Exit code / messages the robot or relay took (for the code exchange: codes the peer took),
/// per peer, in `FAULTS` order. A fault hits the peer's first request only (a retry is answered
/// well), but for a refused connection, which is the peer's address itself. Read by a person
/// from the contract: a POST is made again only after no connection, a 429 or a 5xx; a lookup
/// that fails is a warning and the message still goes out.
const EXPECTED: [(Peer, &str, &str); 9] = [
    (Peer::Relay, "the relay", "1/0 1/0 1/1 1/1 1/1 0/1 0/1 1/1 1/1 1/1"),
    (Peer::Direct, "DingTalk direct", "1/0 1/0 1/1 1/1 1/1 0/1 0/1 1/1 1/1 1/1"),
    (Peer::Renewal, "the renewal", "1/0 1/0 1/0 1/0 1/0 0/1 0/1 1/0 1/0 1/0"),
    (Peer::CodeExchange, "`kdocs-auth --code`", "1/0 1/0 1/1 1/1 1/1 0/1 0/1 1/1 1/1 1/1"),
    (Peer::GitHub, "GitHub's API", "0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1"),
    (Peer::GitLab, "GitLab's API", "0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1"),
    (Peer::Drone, "Drone's API", "0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1"),
    (Peer::Woodpecker, "Woodpecker's API", "0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1"),
    (Peer::Jenkins, "Jenkins' API", "0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1 0/1"),
];

impl Peer {
    fn is_api(self) -> bool {
        !matches!(self, Peer::Relay | Peer::Direct | Peer::Renewal | Peer::CodeExchange)
    }

    /// POSTs the run makes (the code exchange's GET acts as one: it is made at most once).
    fn posts(self) -> f64 {
        if self == Peer::Renewal { 2.0 } else { 1.0 }
    }

    /// The contract's bound: the API budget, `(retries + 1) × timeout` per POST, and the waits.
    fn bound(self) -> f64 {
        let api = if self.is_api() { TIMEOUT } else { 0.0 };
        api + self.posts() * ((RETRIES + 1.0) * TIMEOUT + WAIT)
    }

    /// Whether `target` is a request to this peer.
    fn owns(self, target: &str) -> bool {
        match self {
            Peer::Relay => target.starts_with(PATH),
            Peer::Direct => target.starts_with("/robot/send"),
            Peer::Renewal => target.starts_with(REFRESH_PATH),
            Peer::CodeExchange => target.starts_with("/api/v1/oauth2/access_token"),
            _ => !target.starts_with("/api/v1/") && !target.starts_with("/robot/"),
        }
    }

    /// The well-behaved answer to `target`.
    fn answer(target: &str) -> Reply {
        if target.starts_with(PATH) {
            Reply::json(200, r#"{"code":0}"#)
        } else if target.starts_with("/robot/send") {
            Reply::json(200, r#"{"errcode":0,"errmsg":"ok"}"#)
        } else if target.starts_with(REFRESH_PATH) {
            Reply::json(
                200,
                &format!(
                    r#"{{"code":0,"data":{{"access_token":"{RENEWED}","expires_in":86400,"refresh_token":"{REFRESH_TOKEN}","refresh_expires_in":7776000}}}}"#
                ),
            )
        } else if target.starts_with("/api/v1/oauth2/access_token") {
            Reply::json(
                200,
                r#"{"code":0,"data":{"access_token":"firstACCESStoken1","expires_in":86400,"refresh_token":"firstREFRESHtoken1","refresh_expires_in":7776000}}"#,
            )
        } else {
            // An API that knows nothing: no jobs, no start, no earlier run.
            Reply::json(200, "[]")
        }
    }

    /// The run, its peers at `url` (the faulted one at `faulted`).
    fn run(self, url: &str, faulted: &str) -> Run {
        let run = match self {
            Peer::Relay => Run::github("push", "github/push.branch.json", faulted),
            Peer::Direct => Run::github("push", "github/push.branch.json", NO_RELAY)
                .unset("INPUT_KDOCS_TOKEN")
                .env("INPUT_WEBHOOK", &format!("{faulted}/robot/send?access_token={HOOK_TOKEN}")),
            Peer::Renewal => Run::github("push", "github/push.branch.json", faulted)
                .unset("INPUT_KDOCS_TOKEN")
                .env("INPUT_KDOCS_APP_ID", APP_ID)
                .env("INPUT_KDOCS_APP_KEY", APP_KEY)
                .env("INPUT_KDOCS_REFRESH_TOKEN", REFRESH_TOKEN),
            Peer::CodeExchange => Run::new()
                .arg("kdocs-auth")
                .args(&["--app-id", APP_ID, "--code", "c0de"])
                .env("DINGTALK_KDOCS_APP_KEY", APP_KEY)
                .env("DINGTALK_KDOCS_API_URL", faulted),
            Peer::GitHub => Run::github("push", "github/push.branch.json", url)
                .env("GITHUB_REPOSITORY", "o/r")
                .env("GITHUB_API_URL", faulted)
                .env("GITHUB_REF", "refs/heads/main")
                .env("GITHUB_REF_NAME", "main")
                .env("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/ci.yml@refs/heads/main")
                .env("INPUT_GITHUB_TOKEN", GH_TOKEN),
            Peer::GitLab => from_fixture("gitlab/push.env", url)
                .env("CI_API_V4_URL", &format!("{faulted}/api/v4"))
                .env("DINGTALK_GITLAB_TOKEN", GL_TOKEN),
            Peer::Drone => from_fixture("drone/push.env", url)
                .env("DRONE_SYSTEM_PROTO", "http")
                .env("DRONE_SYSTEM_HOST", faulted.strip_prefix("http://").unwrap())
                .env("DINGTALK_DRONE_TOKEN", DRONE_TOKEN),
            Peer::Woodpecker => from_fixture("woodpecker/push.env", url)
                .env("CI_SYSTEM_URL", faulted)
                .env("DINGTALK_WOODPECKER_TOKEN", WP_TOKEN),
            Peer::Jenkins => from_fixture("jenkins/push.env", url)
                .unset("DINGTALK_STATUS")
                .unset("DINGTALK_STARTED_AT")
                .env("JENKINS_URL", &format!("{faulted}/"))
                .env("BUILD_URL", &format!("{faulted}/job/ci-notify/57/"))
                .env("JOB_URL", &format!("{faulted}/job/ci-notify/"))
                .env("DINGTALK_JENKINS_TOKEN", JENKINS_TOKEN),
        };
        run.env("INPUT_TIMEOUT", "1")
            .env("INPUT_RETRIES", "1")
            .env("DINGTALK_TIMEOUT", "1")
            .env("DINGTALK_RETRIES", "1")
    }
}

/// A CI's job from its fixture (without the plugin settings it holds for other plugins), the
/// relay at `relay`.
fn from_fixture(rel: &str, relay: &str) -> Run {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    dotenv::parse(&text, rel)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("PLUGIN_"))
        .fold(Run::new(), |run, (k, v)| run.env(&k, &v))
        .env("DINGTALK_KDOCS_TOKEN", TOKEN)
        .env("DINGTALK_WEBHOOK", &webhook())
        .env("DINGTALK_KDOCS_API_URL", relay)
        .env("DINGTALK_LANG", "en")
}

impl Fault {
    /// What the faulted peer sends instead of `good`; `None` for a refused connection.
    fn reply(self, good: Reply) -> Option<Reply> {
        let huge = || {
            let mut bytes = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".to_vec();
            bytes.resize(bytes.len() + 17 * 1024 * 1024, b' ');
            Reply::raw(&bytes)
        };
        Some(match self {
            Fault::Refused => return None,
            Fault::ResetBeforeBody | Fault::ResetAfterBody => Reply::reset(),
            Fault::TimeOut => good.delay(Duration::from_secs(5)),
            Fault::Drip => good.drip(Duration::from_secs(1)),
            Fault::TooMany => Reply::json(429, r#"{"message":"slow down"}"#).header("retry-after", "1"),
            Fault::ServerError => Reply::text(503, "busy"),
            Fault::NotHttp => Reply::raw(b"SSH-2.0-OpenSSH_9.6\r\n"),
            Fault::NotJson => Reply::text(200, "<html>please log in</html>").header("content-type", "text/html"),
            Fault::Huge => huge(),
        })
    }

    /// Whether the peer took the request (acted on it) while misbehaving so: not when it was
    /// reset before the body came, nor when it said it did not (429, 5xx).
    fn takes(self) -> bool {
        !matches!(self, Fault::Refused | Fault::ResetBeforeBody | Fault::TooMany | Fault::ServerError)
    }
}

/// What one cell measured.
struct Cell {
    exit: i32,
    /// Messages the robot or relay took; for the code exchange, the codes the peer took.
    taken: usize,
    /// Requests the faulted peer received.
    hits: usize,
    elapsed: f64,
    stderr: String,
}

fn run_cell(peer: Peer, fault: Fault) -> Cell {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (taken, hits) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (t, h) = (taken.clone(), hits.clone());
    let server = Server::start(move |r: &Received| {
        let good = Peer::answer(&r.target);
        // The messages, or the codes, the peers took.
        let counted = if peer == Peer::CodeExchange {
            Peer::CodeExchange.owns(&r.target)
        } else {
            Peer::Relay.owns(&r.target) || Peer::Direct.owns(&r.target)
        };
        if peer.owns(&r.target) && h.fetch_add(1, Ordering::SeqCst) == 0 {
            let faulty = fault.reply(good).expect("a refused peer gets no request");
            if counted && fault.takes() {
                t.fetch_add(1, Ordering::SeqCst);
            }
            faulty
        } else {
            if counted {
                t.fetch_add(1, Ordering::SeqCst);
            }
            good
        }
    });
    let closed = closed_port_url();
    let faulted = if fault == Fault::Refused { closed.as_str() } else { server.url.as_str() };
    let started = Instant::now();
    let out = peer.run(&server.url, faulted).env("DINGTALK_LANG", "en").run();
    let elapsed = started.elapsed().as_secs_f64();
    out.assert_hidden(&[GH_TOKEN, GL_TOKEN, DRONE_TOKEN, WP_TOKEN, JENKINS_TOKEN]);
    let cell = Cell {
        exit: out.code,
        taken: taken.load(Ordering::SeqCst),
        hits: hits.load(Ordering::SeqCst),
        elapsed,
        stderr: out.stderr,
    };
    drop(server);
    cell
}

#[test]
fn every_peer_and_fault_ends_in_time_and_never_sends_twice() {
    use std::sync::Mutex;
    let started = Instant::now();
    let cells: Vec<(usize, usize)> = (0..EXPECTED.len()).flat_map(|p| (0..FAULTS.len()).map(move |f| (p, f))).collect();
    let queue = Mutex::new(cells.clone());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    // Not `while let`: its guard would hold the queue for the whole cell.
                    let next = queue.lock().unwrap().pop();
                    let Some((p, f)) = next else { break };
                    let cell = run_cell(EXPECTED[p].0, FAULTS[f].0);
                    results.lock().unwrap().push(((p, f), cell));
                }
            });
        }
    });
    let wall = started.elapsed().as_secs_f64();
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(at, _)| *at);

    let mut wrong = Vec::new();
    for ((p, f), cell) in &results {
        let (peer, _, expected) = EXPECTED[*p];
        let (fault, name) = FAULTS[*f];
        let want = expected.split(' ').nth(*f).unwrap();
        let got = format!("{}/{}", cell.exit, cell.taken);
        let bound = peer.bound();
        let worded = worded_for_the_api(peer, fault, &cell.stderr);
        if got != want
            || cell.taken > 1
            || cell.elapsed > bound + SLACK
            || (fault != Fault::Refused && cell.hits == 0)
            || !worded
        {
            wrong.push(format!(
                "{peer:?} × {name}: exit/taken {got} (want {want}), {:.1}s (bound {bound:.1}s), {} requests to the peer\n{}",
                cell.elapsed, cell.hits, cell.stderr
            ));
        }
    }
    let table = matrix(&results, wall);
    if let Ok(path) = std::env::var("DINGTALK_FAULT_MATRIX") {
        std::fs::write(path, &table).unwrap();
    }
    let _ = writeln!(std::io::stderr(), "{table}");
    assert!(wrong.is_empty(), "{} of {} cells differ:\n{}", wrong.len(), results.len(), wrong.join("\n"));
}

/// Whether an API's failure is told as the API's, in one warning: never as the relay's, and a
/// lookup cut short by the budget names every fact left unknown, as the budget's.
fn worded_for_the_api(peer: Peer, fault: Fault, stderr: &str) -> bool {
    if !peer.is_api() {
        return true;
    }
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: cannot read")).collect();
    let relays = warnings.iter().any(|w| w.contains("relay") || w.contains("kdocs_api_url") || w.contains("the the "));
    let budget = !matches!(fault, Fault::TimeOut | Fault::Drip)
        || (warnings.len() == 1 && warnings[0].contains("the time all its calls of this run share"));
    warnings.len() <= 1 && !relays && budget
}

/// The measured matrix, as markdown: per cell, exit code / messages taken and elapsed time.
fn matrix(results: &[((usize, usize), Cell)], wall: f64) -> String {
    let names: Vec<&str> = FAULTS.iter().map(|(_, name)| *name).collect();
    let mut rows =
        vec![format!("| peer (bound) | {} |", names.join(" | ")), format!("|---|{}", "---|".repeat(names.len()))];
    for (p, (peer, name, _)) in EXPECTED.iter().enumerate() {
        let cells: Vec<String> = (0..FAULTS.len())
            .map(|f| match results.iter().find(|(at, _)| *at == (p, f)) {
                Some((_, c)) => format!("{}/{} · {:.1}s", c.exit, c.taken, c.elapsed),
                None => "–".to_owned(),
            })
            .collect();
        rows.push(format!("| {name} ({:.2}s) | {} |", peer.bound(), cells.join(" | ")));
    }
    format!(
        "{}\n\n{} cells, 4 at a time: {wall:.0}s of wall time (`timeout: 1`, `retries: 1`).\n",
        rows.join("\n"),
        results.len()
    )
}
