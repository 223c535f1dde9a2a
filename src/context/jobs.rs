//! The pipeline's jobs and their results, and the one status they add up to.
//!
//! Jobs come from the `jobs` setting (JSON, e.g. GitHub's `${{ toJSON(needs) }}`), from a CI's
//! variables (Drone's failed steps and stages) or from GitHub's and GitLab's APIs. A leaf: the
//! settings parse into it, the CI modules fill it, templates see it as the context's `jobs`.

use serde::Serialize;
use serde_json::Value;

use crate::context::status::Status;
use crate::summary::catalog::{Lang, say};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    /// As the CI names it; a matrix leg by its full name (`test (ubuntu-latest, 20)`).
    pub name: String,
    pub status: Status,
    /// The job's page, when known.
    pub url: Option<String>,
}

impl Job {
    pub fn new(name: &str, status: Status, url: Option<String>) -> Job {
        Job { name: name.trim().to_owned(), status, url }
    }
}

/// The pipeline's status from its jobs: `failure` if any failed, else `cancelled` if any was
/// cancelled, else `unstable` if any was, else `success` when every job succeeded or was skipped.
/// Jobs whose outcome is unknown (still running, waiting) do not count; `None` when none has one.
pub fn outcome(jobs: &[Job]) -> Option<Status> {
    let any = |s: Status| jobs.iter().any(|j| j.status == s);
    [Status::Failure, Status::Cancelled, Status::Unstable]
        .into_iter()
        .find(|&s| any(s))
        .or_else(|| (any(Status::Success) || any(Status::Skipped)).then_some(Status::Success))
}

/// The worse of two outcomes, in `outcome`'s order; unknown and skipped are the mildest.
pub fn worse(a: Status, b: Status) -> Status {
    let rank = |s| match s {
        Status::Failure => 4,
        Status::Cancelled => 3,
        Status::Unstable => 2,
        Status::Success => 1,
        Status::Skipped | Status::Started | Status::Unknown => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Why a `jobs` value was refused: where it broke, never what it holds (a value pasted from a
/// CI may carry anything, and the error line is printed).
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed(pub String);

/// Reads `{"name": "result"}` or `{"name": {"result": "…", "url"?: "…"}}` (GitHub's
/// `toJSON(needs)`: `{"build": {"result": "success", "outputs": {}}}`). Jobs come in key order;
/// why a value is refused is said in `lang`.
pub fn parse(text: &str, lang: Lang) -> Result<Vec<Job>, Malformed> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let key = match e.classify() {
            serde_json::error::Category::Eof => "jobs.ends_early",
            _ => "jobs.not_json",
        };
        Malformed(say(lang, key, &[("line", &e.line().to_string()), ("column", &e.column().to_string())]))
    })?;
    let Value::Object(map) = value else {
        return Err(Malformed(say(lang, "jobs.not_object", &[("kind", &kind(&value, lang))])));
    };
    map.iter()
        .enumerate()
        .map(|(i, (name, v))| {
            let (result, url) = match v {
                Value::String(s) => (Some(s.as_str()), None),
                Value::Object(o) => (
                    ["result", "status", "conclusion"].iter().find_map(|k| o.get(*k)?.as_str()),
                    ["url", "html_url", "web_url"].iter().find_map(|k| o.get(*k)?.as_str()).map(str::to_owned),
                ),
                _ => (None, None),
            };
            let result = result.ok_or_else(|| {
                let (index, kind) = ((i + 1).to_string(), kind(v, lang));
                Malformed(say(
                    lang,
                    "jobs.no_result",
                    &[("index", &index), ("kind", &kind), ("json", r#"{"result": "…"}"#)],
                ))
            })?;
            Ok(Job::new(name, Status::parse(Some(result)), url.filter(|u| !u.is_empty())))
        })
        .collect()
}

fn kind(v: &Value, lang: Lang) -> String {
    let key = match v {
        Value::Null => "json.null",
        Value::Bool(_) => "json.bool",
        Value::Number(_) => "json.number",
        Value::String(_) => "json.text",
        Value::Array(_) => "json.list",
        Value::Object(o) if o.is_empty() => "json.empty_object",
        Value::Object(_) => "json.object_without_result",
    };
    say(lang, key, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses(jobs: &[Job]) -> Vec<(&str, Status)> {
        jobs.iter().map(|j| (j.name.as_str(), j.status)).collect()
    }

    #[test]
    fn reads_both_shapes_and_githubs_needs() {
        let needs =
            r#"{"build": {"result": "success", "outputs": {}}, "lint": {"result": "skipped", "outputs": {"a": "1"}}}"#;
        assert_eq!(statuses(&parse(needs, Lang::En).unwrap()), [("build", Status::Success), ("lint", Status::Skipped)]);
        let flat = r#"{"test (ubuntu, 20)": "failure", "deploy": {"result": "cancelled", "url": "https://ci/3"}}"#;
        let jobs = parse(flat, Lang::En).unwrap();
        assert_eq!(statuses(&jobs), [("deploy", Status::Cancelled), ("test (ubuntu, 20)", Status::Failure)]);
        assert_eq!(jobs[0].url.as_deref(), Some("https://ci/3"));
        assert!(parse("{}", Lang::En).unwrap().is_empty());
    }

    #[test]
    fn a_malformed_value_says_where_and_never_echoes_it() {
        for (text, want) in [
            ("{\"a\": \"success\",\n \"SECRET\" }", "not valid JSON (line 2, column 11)"),
            ("{\"SECRET\": ", "ends too early (line 1, column 11)"),
            ("[\"SECRET\"]", "JSON a list, not an object"),
            ("\"SECRET\"", "JSON text, not an object"),
            ("{\"a\": \"success\", \"b\": 7}", "job 2 (in key order) is JSON a number"),
            ("{\"a\": {\"outputs\": {\"x\": \"SECRET\"}}}", "job 1 (in key order) is JSON an object without `result`"),
        ] {
            let Malformed(e) = parse(text, Lang::En).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
            assert!(!e.contains("SECRET"), "{e}");
        }
    }

    #[test]
    fn the_outcome_is_failure_then_cancelled_then_success() {
        use Status::{Cancelled, Failure, Skipped, Success, Unknown, Unstable};
        let job = |s| Job::new("j", s, None);
        let of = |s: &[Status]| outcome(&s.iter().map(|&s| job(s)).collect::<Vec<_>>());
        assert_eq!(of(&[Success, Cancelled, Failure, Skipped]), Some(Failure));
        assert_eq!(of(&[Success, Cancelled, Skipped]), Some(Cancelled));
        assert_eq!(of(&[Success, Unstable]), Some(Unstable));
        assert_eq!(of(&[Success, Skipped, Unknown]), Some(Success));
        assert_eq!(of(&[Skipped]), Some(Success), "every job succeeded or was skipped");
        assert_eq!(of(&[Unknown]), None);
        assert_eq!(of(&[]), None);
        assert_eq!(
            (worse(Success, Failure), worse(Cancelled, Success), worse(Success, Unknown)),
            (Failure, Cancelled, Success)
        );
    }
}
