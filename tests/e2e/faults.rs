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
