//! A small client for GitHub's and GitLab's REST APIs: authenticated GETs of JSON, with the
//! run's per-attempt `timeout` and the same transient retries as every call (`http`), and pages
//! fetched only while the caller wants more. What went wrong is a typed [`Failure`]; the words,
//! which say what to grant the token, are `hints::api_warning`'s. An API call that fails never
//! fails the run (README, "Retries and time"): callers warn and go on without its facts.
//!
//! ```ignore
//! let api = Api::new(&http, Forge::GitHub, &base, token, &notice)?;
//! let runs = api.get("/repos/o/r/actions/workflows/ci.yml/runs", &[("branch", "main")])?;
//! api.pages("/projects/1/pipelines/2/jobs", &[], |page| { /* … */ true })?;
//! ```
//!
//! Base URLs: GitHub's `GITHUB_API_URL` (`https://api.github.com`, or
//! `https://HOST/api/v3` on GitHub Enterprise Server), GitLab's `CI_API_V4_URL`
//! (`https://HOST/api/v4`); see [`github_base`] and [`gitlab_base`].

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::delivery::http::{self, Answer, Http, Transient};
use crate::env::Env;

/// Whose API it is: it decides the authentication header and, for `hints`, what to grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    GitHub,
    GitLab,
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
}

impl Transient for Failure {
    fn is_transient(&self) -> bool {
        match self {
            Failure::Status { status, .. } => http::transient_status(*status),
            Failure::NotJson { .. } => false,
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
    pub forge: Forge,
    base: reqwest::Url,
    headers: HeaderMap,
    notice: &'a dyn Fn(&Retry),
}

/// `GITHUB_API_URL`, else github.com's.
pub fn github_base(env: &Env) -> String {
    env.string("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".to_owned())
}

/// `CI_API_V4_URL`, else `CI_SERVER_URL/api/v4`, else gitlab.com's.
pub fn gitlab_base(env: &Env) -> String {
    env.string("CI_API_V4_URL")
        .or_else(|| Some(format!("{}/api/v4", env.string("CI_SERVER_URL")?.trim_end_matches('/'))))
        .unwrap_or_else(|| "https://gitlab.com/api/v4".to_owned())
}

impl<'a> Api<'a> {
    /// A client for the API at `base` with `token` (a secret: sent as a sensitive header,
    /// never printed). Retries are announced through `notice`. `None` when `base` is not an
    /// http(s) URL.
    pub fn new(http: &'a Http, forge: Forge, base: &str, token: &str, notice: &'a dyn Fn(&Retry)) -> Option<Api<'a>> {
        let base =
            reqwest::Url::parse(base.trim_end_matches('/')).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
        let mut headers = HeaderMap::new();
        let (name, value) = match forge {
            // docs.github.com/rest/authentication/authenticating-to-the-rest-api
            Forge::GitHub => (AUTHORIZATION, format!("Bearer {token}")),
            // docs.gitlab.com/api/rest/authentication (personal, project or group access token)
            Forge::GitLab => (HeaderName::from_static("private-token"), token.to_owned()),
        };
        let mut value = HeaderValue::from_str(&value).ok()?;
        value.set_sensitive(true);
        headers.insert(name, value);
        if forge == Forge::GitHub {
            headers.insert(ACCEPT, HeaderValue::from_static("application/vnd.github+json"));
            headers.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
        }
        Some(Api { http, forge, base, headers, notice })
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
    /// else GitLab's `x-next-page`. Nothing more is fetched once `each` says no or the last
    /// page is reached; at most `MAX_PAGES` pages.
    pub fn pages(
        &self,
        path: &str,
        query: &[(&str, &str)],
        mut each: impl FnMut(&Value) -> bool,
    ) -> Result<(), Failed> {
        let mut url = self.url(path, query);
        for _ in 0..MAX_PAGES {
            let (json, headers) = self.fetch(&url)?;
            if !each(&json) {
                return Ok(());
            }
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

    fn fetch(&self, url: &reqwest::Url) -> Result<(Value, HeaderMap), Failed> {
        let http = self.http;
        let outcome = http.block_on(http.with_retries(
            http::Repeat::Safe,
            || async {
                let request = http.client.get(url.clone()).headers(self.headers.clone());
                let answer = http
                    .exchange(request, url, MAX_API_BYTES)
                    .await
                    .map_err(|call| (Failure::Call(Box::new(call)), None))?;
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
    fn bases_honour_the_ci_variables() {
        let env = |vars: &[(&str, &str)]| Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0);
        assert_eq!(github_base(&env(&[])), "https://api.github.com");
        assert_eq!(
            github_base(&env(&[("GITHUB_API_URL", "https://ghe.example/api/v3")])),
            "https://ghe.example/api/v3"
        );
        assert_eq!(gitlab_base(&env(&[])), "https://gitlab.com/api/v4");
        assert_eq!(gitlab_base(&env(&[("CI_SERVER_URL", "https://gl.example/")])), "https://gl.example/api/v4");
        assert_eq!(
            gitlab_base(&env(&[("CI_API_V4_URL", "https://gl.example/sub/api/v4"), ("CI_SERVER_URL", "x")])),
            "https://gl.example/sub/api/v4"
        );
    }
}
