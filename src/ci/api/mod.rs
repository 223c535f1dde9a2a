//! A CI's REST API: the [`RunApi`] trait each CI with an API implements in its own folder
//! (`github/api.rs`, `gitlab/api.rs`, `drone/api.rs`, `woodpecker/api.rs`, `jenkins/api.rs`), and the one small client they share: authenticated GETs
//! of JSON, with the run's per-attempt `timeout` and the same transient retries as every call
//! (`http`), and pages fetched only while the caller wants more, all within one [`Budget`] per
//! run: no lookup may hold the notification up for longer. What went wrong is a typed
//! [`Failure`]; `hints` words it with the CI's own advice. An API call that fails never fails
//! the run (README, "Retries and time"): callers warn and go on without its facts.
//!
//! ```ignore
//! let budget = Budget::new(settings.timeout);
//! let api = endpoint.client(&http, budget, &notice)?;
//! let runs = api.get("/repos/o/r/actions/workflows/ci.yml/runs", &[("branch", "main")])?;
//! api.pages("/projects/1/pipelines/2/jobs", &[], |page| { /* … */ true })?;
//! ```

pub mod hints;

use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::context::Context;
use crate::context::jobs::Job;
use crate::context::status::Status;
use crate::delivery::http::{self, Answer, Http, Transient};
use crate::env::Env;
use crate::settings::{Secret, Settings};
use crate::summary::catalog::{Lang, say};

/// One CI's REST API: how to reach it, what it tells about the run that the CI's variables do
/// not, and what to tell its users when it refuses. The calls themselves, their retries and
/// their warnings are shared (`facts`, `hints`, `notify`); each method is the CI's own part.
pub trait RunApi: Sync {
    /// The CI's name, for the API in messages (`hints::api_name`): `GitHub`.
    fn name(&self) -> &'static str;

    /// The CI's word for a run in messages, in `lang`: `run`, `pipeline`.
    fn run_word(&self, lang: Lang) -> String;

    /// The API's base URL, from the CI's variables.
    fn base(&self, env: &Env) -> String;

    /// The variable the base URL comes from, for a user to check.
    fn base_variable(&self) -> &'static str;

    /// The setting that holds this API's token, when given.
    fn token<'s>(&self, settings: &'s Settings) -> Option<&'s Secret>;

    /// The header that carries `token`, and its value.
    fn authorization(&self, token: &str) -> (HeaderName, String);

    /// The token's setting, when the API also answers without a token (a public repository's
    /// runs), so that the run's status may be asked without one.
    fn anonymous(&self) -> Option<&'static str> {
        None
    }

    /// The CI's word for the parts of a run, in messages: `jobs`, `steps`, `stages`.
    fn parts_word(&self, lang: Lang) -> String {
        say(lang, "api.parts.jobs", &[])
    }

    /// The query every call for the run itself carries (Jenkins' `tree`).
    fn run_query(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Other headers every request carries.
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// What to do about a spent rate limit.
    fn rate_limit_advice(&self, lang: Lang) -> String;

    /// The API refused the token (HTTP 401): which token, and what it needs.
    fn token_refused(&self, lang: Lang) -> String;

    /// The API answered `status` (403 or 404): what to grant the token.
    fn not_allowed(&self, status: u16, lang: Lang) -> String;

    /// The calls that would tell what `want` asks, worked out before any call; `None` when the
    /// CI's variables do not say which run, or nothing is left to ask.
    fn ask(&self, env: &Env, cx: &Context, want: Want) -> Option<Ask>;

    /// One page of the listing of the run's jobs: its finished jobs into `jobs`.
    fn jobs_page(&self, page: &Value, ask: &Ask, jobs: &mut Vec<Job>) -> Page;

    /// The run's start, from the run's own JSON; asked only of an API whose `ask` names the run.
    fn started_at(&self, _run: &Value) -> Option<u64> {
        None
    }

    /// The run's outcome as its own JSON tells it; `None` while it does not.
    fn outcome(&self, _run: &Value, _ask: &Ask) -> Option<Status> {
        None
    }

    /// The run's finished parts, when its own JSON holds them (Drone's steps, Woodpecker's).
    fn parts(&self, _run: &Value, _ask: &Ask) -> Option<Vec<Job>> {
        None
    }

    /// Where the run's parts are listed, when its own JSON says they are elsewhere (a Jenkins
    /// Pipeline's stages): read with `jobs_page`, in one call; its 404 means there are none.
    fn parts_elsewhere(&self, _run: &Value, _ask: &Ask) -> Option<String> {
        None
    }

    /// The outcome of the previous finished run of this pipeline on this branch; `None` when
    /// there is none, or the CI's variables do not say which pipeline or branch.
    #[allow(clippy::result_large_err, reason = "one call per run: the size of its outcome does not matter")]
    fn previous(&self, api: &Api, env: &Env, cx: &Context) -> Result<Option<Status>, Failed>;
}

/// What the run's context still lacks, and so is worth asking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Want {
    pub jobs: bool,
    pub start: bool,
    /// The run's outcome: no `status` setting, nor jobs that tell it.
    pub outcome: bool,
}

/// The calls that tell the run's facts, worked out before any call.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ask {
    /// The listing of the run's jobs.
    pub jobs: Option<String>,
    /// The run itself: its start, and where the API tells them, its outcome and parts.
    pub run: Option<String>,
    /// A call made first whose answer's `id` stands for `{id}` in `run` (Woodpecker's repository
    /// id, when no variable gives it).
    pub lookup: Option<String>,
    /// The notifying job, left out of the listing where the API lists it while it runs.
    pub this_job: Option<u64>,
    /// The notifying step, as `stage/step` (Drone's stage, Woodpecker's workflow).
    pub this_step: Option<String>,
    /// What was wanted when this was worked out.
    pub want: Want,
}

/// What a page of a listing held: how many entries, and how many there are in all where the
/// API says.
#[derive(Debug, PartialEq, Eq)]
pub struct Page {
    pub listed: usize,
    pub total: Option<u64>,
}

/// What the API told, and what it could not tell.
#[derive(Debug, Default)]
pub struct Facts {
    pub jobs: Option<Vec<Job>>,
    pub started_at: Option<u64>,
    /// The run's outcome as the API tells it (its result, or what its parts add up to).
    pub outcome: Option<Status>,
    /// What could not be read (`the run's jobs`) and why.
    pub failed: Vec<(String, Failed)>,
    /// What was not asked because the budget was spent.
    pub unasked: Vec<String>,
}

/// The time all API lookups of a run share (the `timeout` setting, once, pages and retries
/// included): the message must not wait for a slow API longer than for one call.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    until: Instant,
    pub total: Duration,
}

impl Budget {
    /// A budget of `total` from now.
    pub fn new(total: Duration) -> Budget {
        Budget { until: Instant::now() + total, total }
    }

    /// What is left of it.
    pub fn left(&self) -> Duration {
        self.until.saturating_duration_since(Instant::now())
    }

    pub fn spent(&self) -> bool {
        self.left().is_zero()
    }
}

/// Jobs asked per page: the most GitHub's and GitLab's APIs give, so that 500 jobs take 5 calls.
const PER_PAGE: &str = "100";

/// Pages of runs looked through at most for the previous one: it is nearly always on the first.
pub const PREVIOUS_PAGES: usize = 3;

/// One API, where it is and the token for it: known before any call.
pub struct Endpoint<'a> {
    pub rest: &'a dyn RunApi,
    pub base: String,
    /// `None`: asked without a token ([`Endpoint::anonymous`]).
    token: Option<&'a str>,
}

impl<'a> Endpoint<'a> {
    /// The endpoint of `rest` when the settings give its token.
    pub fn new(rest: &'a dyn RunApi, env: &Env, settings: &'a Settings) -> Option<Endpoint<'a>> {
        Some(Endpoint { rest, token: Some(rest.token(settings)?.expose()), base: rest.base(env) })
    }

    /// The endpoint of `rest` without a token, when its API answers so.
    pub fn anonymous(rest: &'a dyn RunApi, env: &Env) -> Option<Endpoint<'a>> {
        rest.anonymous()?;
        Some(Endpoint { rest, token: None, base: rest.base(env) })
    }

    /// Whether calls go without a token.
    pub fn is_anonymous(&self) -> bool {
        self.token.is_none()
    }

    /// `scheme://host[:port]` of the API, for messages.
    pub fn origin(&self) -> String {
        // A URL that is not http(s) has no origin ("null"): it is named as given.
        match reqwest::Url::parse(&self.base) {
            Ok(u) if u.origin().is_tuple() => u.origin().ascii_serialization(),
            _ => self.base.clone(),
        }
    }

    /// A client for it, sharing the run's [`Http`]; retries are announced through `notice`.
    /// `None` when the base is not an http(s) URL.
    pub fn client<'c>(&'c self, http: &'c Http, budget: Budget, notice: &'c dyn Fn(&Retry)) -> Option<Api<'c>> {
        Api::new(http, self.rest, &self.base, self.token, budget, notice)
    }

    /// Makes the calls of `ask`, one per fact (pages only while jobs are missing); what fails
    /// is in [`Facts::failed`].
    /// The facts are named in `lang` in [`Facts::failed`].
    pub fn facts(&self, http: &Http, ask: &Ask, budget: Budget, notice: &dyn Fn(&Retry), lang: Lang) -> Facts {
        let (run, parts) = (self.rest.run_word(lang), self.rest.parts_word(lang));
        let jobs_word = say(lang, "api.what.jobs", &[("run", &run)]);
        let mut facts = Facts::default();
        let Some(api) = self.client(http, budget, notice) else {
            // Not an http(s) URL, or a token that cannot be a header: as if nothing answered.
            let cause = say(lang, "api.not_url", &[]);
            let failure = Failure::Call(Box::new(http::Failure::Connect { cause, dropped: false }));
            facts.failed.push((jobs_word, Failed { failure, attempts: 1 }));
            return facts;
        };
        if let Some(path) = &ask.jobs {
            match self.jobs(&api, ask, path) {
                Ok(jobs) => facts.jobs = Some(jobs),
                Err(failed) => facts.failed.push((jobs_word, failed)),
            }
        }
        // After a failure, no more calls: the same token would fail the same way, and one
        // warning says what to grant.
        let what = if ask.jobs.is_none() && (ask.want.jobs || ask.want.outcome) {
            say(lang, "api.what.status", &[("run", &run), ("parts", &parts)])
        } else {
            say(lang, "api.what.start", &[("run", &run)])
        };
        if let Some(path) = ask.run.as_ref() {
            if !facts.failed.is_empty() {
                // Named with the budget spent, so that one warning says all that is missing.
                if facts.failed.iter().any(|(_, f)| matches!(f.failure, Failure::OutOfTime)) {
                    facts.unasked.push(what);
                }
            } else if let Err(failed) = self.run(&api, ask, path, &mut facts) {
                facts.failed.push((what, failed));
            }
        }
        facts
    }

    /// The run itself (after its lookup, where one is asked), then its parts where it says they
    /// are listed elsewhere.
    #[allow(clippy::result_large_err, reason = "one call per run: the size of its outcome does not matter")]
    fn run(&self, api: &Api, ask: &Ask, path: &str, facts: &mut Facts) -> Result<(), Failed> {
        let path = match &ask.lookup {
            Some(lookup) => {
                let found = api.get(lookup, &[])?;
                let Some(id) = found.get("id").and_then(Value::as_u64) else { return Ok(()) };
                path.replace("{id}", &id.to_string())
            }
            None => path.to_owned(),
        };
        let json = api.get(&path, self.rest.run_query())?;
        facts.started_at = self.rest.started_at(&json);
        facts.outcome = self.rest.outcome(&json, ask);
        if ask.want.jobs && facts.jobs.is_none() {
            facts.jobs = self.rest.parts(&json, ask);
            if let Some(elsewhere) = self.rest.parts_elsewhere(&json, ask) {
                match api.get(&elsewhere, &[]) {
                    Ok(listing) => {
                        let mut jobs = Vec::new();
                        self.rest.jobs_page(&listing, ask, &mut jobs);
                        facts.jobs = Some(jobs);
                    }
                    // Not listed there: a run without parts of that kind (a freestyle Jenkins job).
                    Err(Failed { failure: Failure::Status { status: 404, .. }, .. }) => {}
                    Err(failed) => return Err(failed),
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::result_large_err, reason = "one call per run: the size of its outcome does not matter")]
    fn jobs(&self, api: &Api, ask: &Ask, path: &str) -> Result<Vec<Job>, Failed> {
        let (mut jobs, mut seen) = (Vec::new(), 0);
        api.pages(path, &[("per_page", PER_PAGE)], |page| {
            let Page { listed, total } = self.rest.jobs_page(page, ask, &mut jobs);
            seen += listed;
            // The next page only while this one had jobs and the total, where told, says more.
            listed > 0 && total.is_none_or(|total| (seen as u64) < total)
        })?;
        Ok(jobs)
    }
}

/// A finished step's outcome in Drone's and Woodpecker's words (the same ones: both list
/// `success`, `failure`, `error`, `killed`, `skipped`); `None` for a step not finished or not
/// run (`pending`, `running`, `waiting_on_dependencies`, `blocked`, `declined`, `created`).
/// Sources: harness/drone core/status.go (v2.25.0), woodpecker server/model/const.go (v3.8.0).
pub fn step_status(word: &str) -> Option<Status> {
    match word {
        "success" => Some(Status::Success),
        "failure" | "error" | "killed" => Some(Status::Failure),
        "skipped" => Some(Status::Skipped),
        _ => None,
    }
}

/// A step's name in the summary: the step alone when the run has one stage (workflow), else
/// `stage/step`, as both CIs' pages group them.
pub fn step_name(stage: &str, step: &str, stages: usize) -> String {
    if stages > 1 { format!("{stage}/{step}") } else { step.to_owned() }
}

/// What a path segment keeps as it is: RFC 3986's unreserved characters. A file name or a
/// project path may hold `/`, spaces, `#`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `s` as one segment of a path, percent-encoded.
pub fn segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// A non-empty string at `key` of an API's JSON object.
pub fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// What went wrong with an API call, as facts.
#[derive(Debug)]
pub enum Failure {
    /// An answer other than 2xx; `rate_limited` when the API said the quota is spent
    /// (HTTP 429, or GitHub's 403 with `x-ratelimit-remaining: 0`).
    Status { status: u16, rate_limited: bool },
    /// 2xx, but `length` bytes that are not JSON (a login page, a proxy's page).
    NotJson { status: u16, length: usize },
    /// No answer: a time-out, no connection, TLS, a broken-off answer (`http`'s own failure).
    Call(Box<http::Failure>),
    /// The run's API budget ran out before or during the call.
    OutOfTime,
}

impl Transient for Failure {
    fn is_transient(&self) -> bool {
        match self {
            Failure::Status { status, .. } => http::transient_status(*status),
            Failure::NotJson { .. } | Failure::OutOfTime => false,
            Failure::Call(call) => call.is_transient(),
        }
    }

    fn sent_unanswered(&self) -> bool {
        matches!(self, Failure::Call(call) if call.sent_unanswered())
    }
}

/// A transient failure about to be retried.
pub type Retry<'a> = http::Retry<'a, Failure>;

/// An API call given up: the last attempt's failure, and how many attempts were made.
#[derive(Debug)]
pub struct Failed {
    pub failure: Failure,
    pub attempts: u32,
}

/// An authenticated client for one API, sharing the run's [`Http`].
pub struct Api<'a> {
    http: &'a Http,
    base: reqwest::Url,
    headers: HeaderMap,
    budget: Budget,
    notice: &'a dyn Fn(&Retry),
}

impl<'a> Api<'a> {
    /// A client for `rest` at `base` with `token` (a secret: sent as a sensitive header, never
    /// printed), or without one. `None` when `base` is not an http(s) URL.
    fn new(
        http: &'a Http,
        rest: &dyn RunApi,
        base: &str,
        token: Option<&str>,
        budget: Budget,
        notice: &'a dyn Fn(&Retry),
    ) -> Option<Api<'a>> {
        let base =
            reqwest::Url::parse(base.trim_end_matches('/')).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
        let mut headers = HeaderMap::new();
        if let Some(token) = token {
            let (name, value) = rest.authorization(token);
            let mut value = HeaderValue::from_str(&value).ok()?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        for &(name, value) in rest.headers() {
            headers.insert(name, HeaderValue::from_static(value));
        }
        Some(Api { http, base, headers, budget, notice })
    }

    /// The URL of `path` (from `/`, after the base's own path) with the `query` pairs encoded.
    fn url(&self, path: &str, query: &[(&str, &str)]) -> reqwest::Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{path}", self.base.path().trim_end_matches('/')));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// GETs `path` with `query` and parses the JSON answer.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, Failed> {
        self.fetch(&self.url(path, query)).map(|(json, _)| json)
    }

    /// GETs `path` page by page, handing each page's JSON to `each`, which returns whether it
    /// wants the next page; pages come from the `Link: <…>; rel="next"` header (GitHub, GitLab),
    /// else GitLab's `x-next-page`. Nothing more is fetched once `each` says no, the last page
    /// is reached, or a page is the one before it again (it adds nothing); at most `MAX_PAGES`
    /// pages, within the budget.
    pub fn pages(
        &self,
        path: &str,
        query: &[(&str, &str)],
        mut each: impl FnMut(&Value) -> bool,
    ) -> Result<(), Failed> {
        let mut url = self.url(path, query);
        let mut last = None;
        for _ in 0..MAX_PAGES {
            let (json, headers) = self.fetch(&url)?;
            if last.as_ref() == Some(&json) || !each(&json) {
                return Ok(());
            }
            last = Some(json);
            match self.next_page(&url, &headers) {
                Some(next) => url = next,
                None => return Ok(()),
            }
        }
        Ok(())
    }

    /// The next page's URL, only on the API's own origin: the token must not follow a link
    /// elsewhere.
    fn next_page(&self, url: &reqwest::Url, headers: &HeaderMap) -> Option<reqwest::Url> {
        let next = headers
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(link_next)
            .and_then(|n| url.join(&n).ok())
            .or_else(|| {
                let page = headers.get("x-next-page")?.to_str().ok()?.trim().parse::<u32>().ok()?;
                let mut next = url.clone();
                let pairs: Vec<(String, String)> =
                    url.query_pairs().filter(|(k, _)| k != "page").map(|(k, v)| (k.into(), v.into())).collect();
                next.query_pairs_mut().clear().extend_pairs(pairs).append_pair("page", &page.to_string());
                Some(next)
            })?;
        (next.origin() == self.base.origin()).then_some(next)
    }

    /// One GET, its retries included, never started nor waited for past the budget: an attempt
    /// has the smaller of `timeout` and what is left.
    fn fetch(&self, url: &reqwest::Url) -> Result<(Value, HeaderMap), Failed> {
        let (http, budget) = (self.http, self.budget);
        if budget.spent() {
            return Err(Failed { failure: Failure::OutOfTime, attempts: 0 });
        }
        let outcome = http.block_on(http.with_retries_until(
            Some(budget.until),
            http::Repeat::Safe,
            || async {
                let left = budget.left();
                if left.is_zero() {
                    return Err((Failure::OutOfTime, None));
                }
                let request = http.client.get(url.clone()).headers(self.headers.clone());
                let answer = match tokio::time::timeout(left, http.exchange(request, url, MAX_API_BYTES)).await {
                    Ok(Ok(answer)) => answer,
                    // The attempt's own time-out, when it was what was left, is the budget's.
                    Ok(Err(http::Failure::TimedOut { .. })) if budget.spent() => {
                        return Err((Failure::OutOfTime, None));
                    }
                    Ok(Err(call)) => return Err((Failure::Call(Box::new(call)), None)),
                    Err(_) => return Err((Failure::OutOfTime, None)),
                };
                classify(answer).map_err(|(refusal, retry_after)| (refusal.into(), retry_after))
            },
            self.notice,
        ));
        outcome.map_err(|failed| Failed { failure: failed.failure, attempts: failed.attempts })
    }
}

/// An answer that is not the JSON asked for.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Status { status: u16, rate_limited: bool },
    NotJson { status: u16, length: usize },
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Failure {
        match r {
            Refusal::Status { status, rate_limited } => Failure::Status { status, rate_limited },
            Refusal::NotJson { status, length } => Failure::NotJson { status, length },
        }
    }
}

/// A page of the API at most this many times per listing: a guard against a server that
/// links page after page.
const MAX_PAGES: usize = 50;

/// The most of one API answer that is read: a page of 100 jobs with their steps is a few hundred
/// KB; more is not a page, and reading on would let a broken server fill the memory.
const MAX_API_BYTES: usize = 16 * 1024 * 1024;

/// 2xx with JSON is the answer; anything else is a refusal and, when the API asked, how long
/// to wait before trying again.
fn classify(answer: Answer) -> Result<(Value, HeaderMap), (Refusal, Option<std::time::Duration>)> {
    if !(200..300).contains(&answer.status) {
        // docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
        let spent = answer.headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()) == Some("0");
        let rate_limited = answer.status == 429 || (answer.status == 403 && spent);
        return Err((Refusal::Status { status: answer.status, rate_limited }, answer.retry_after));
    }
    match serde_json::from_slice(&answer.bytes) {
        Ok(json) => Ok((json, answer.headers)),
        Err(_) => Err((Refusal::NotJson { status: answer.status, length: answer.bytes.len() }, None)),
    }
}

/// The `rel="next"` target of a `Link` header value (RFC 8288).
fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_others() {
        let h = r#"<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last""#;
        assert_eq!(link_next(h).as_deref(), Some("https://api.github.com/x?page=3"));
        assert_eq!(link_next(r#"<https://a/x?page=9>; rel="last""#), None);
        assert_eq!(link_next("garbage"), None);
    }

    #[test]
    fn a_segment_keeps_only_the_unreserved_characters() {
        assert_eq!(segment("group/my app"), "group%2Fmy%20app");
        assert_eq!(segment("ci-1_x.yml~"), "ci-1_x.yml~");
    }
}
