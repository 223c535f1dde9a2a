//! The whole pipeline from the CI's API, when a token allows: GitHub's run jobs and start time,
//! GitLab's pipeline jobs. Asked only for what the settings and the CI's variables leave unknown,
//! one call per fact (pages only while jobs are missing); a call that fails leaves its fact out
//! and says why (`hints::api_warning`), the notification goes on.
//!
//! GitHub: <https://docs.github.com/en/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run>
//! and <https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run>.
//! GitLab: <https://docs.gitlab.com/api/jobs/#list-pipeline-jobs>.

use serde_json::Value;

use crate::ci::Ci;
use crate::ci::api::{self, Api, Forge, Retry};
use crate::context::jobs::Job;
use crate::context::status::Status;
use crate::delivery::http::Http;
use crate::env::Env;
use crate::settings::Settings;
use crate::time::parse_rfc3339;

/// Jobs asked per page: the most both APIs give, so that 500 jobs take 5 calls.
const PER_PAGE: &str = "100";

/// What to ask which API, worked out before any call.
#[derive(Debug, PartialEq, Eq)]
pub struct Ask {
    pub forge: Forge,
    base: String,
    token: String,
    /// The listing of the pipeline's jobs, when they are not known yet.
    jobs: Option<String>,
    /// The run itself, for its start (GitHub), when no start is known yet.
    run: Option<String>,
    /// This job, left out of the list (GitLab: `CI_JOB_ID`; GitHub's is still running, and only
    /// completed jobs are listed).
    this_job: Option<u64>,
}

/// What the API told, and what it could not tell.
#[derive(Debug, Default)]
pub struct Facts {
    pub jobs: Option<Vec<Job>>,
    pub started_at: Option<u64>,
    /// What could not be read (`the run's jobs`) and why.
    pub failed: Vec<(&'static str, api::Failed)>,
}

/// The calls worth making on this CI with these settings; `None` without a token, or when
/// nothing is left to ask.
/// `github_run`: the Actions run the message is about, by id: this one, or the one a
/// `workflow_run` event reports; `None` for the other events that report on something else (a
/// check, a deployment), whose jobs are not this run's.
pub fn ask(ci: Ci, env: &Env, settings: &Settings, start_known: bool, github_run: Option<String>) -> Option<Ask> {
    let want_jobs = settings.jobs.is_none();
    match ci {
        Ci::GitHub => {
            let token = settings.github_token.as_ref()?.expose().to_owned();
            let (repo, run_id) = (env.string("GITHUB_REPOSITORY")?, github_run?);
            let run = format!("/repos/{repo}/actions/runs/{run_id}");
            let ask = Ask {
                forge: Forge::GitHub,
                base: api::github_base(env),
                token,
                jobs: want_jobs.then(|| format!("{run}/jobs")),
                run: (!start_known).then_some(run),
                this_job: None,
            };
            (ask.jobs.is_some() || ask.run.is_some()).then_some(ask)
        }
        Ci::GitLab if want_jobs => {
            let token = settings.gitlab_token.as_ref()?.expose().to_owned();
            let (project, pipeline) = (env.string("CI_PROJECT_ID")?, env.string("CI_PIPELINE_ID")?);
            Some(Ask {
                forge: Forge::GitLab,
                base: api::gitlab_base(env),
                token,
                jobs: Some(format!("/projects/{project}/pipelines/{pipeline}/jobs")),
                run: None,
                this_job: env.string("CI_JOB_ID").and_then(|id| id.parse().ok()),
            })
        }
        _ => None,
    }
}

impl Ask {
    /// `scheme://host[:port]` of the API, for messages.
    pub fn origin(&self) -> String {
        reqwest::Url::parse(&self.base).map_or_else(|_| self.base.clone(), |u| u.origin().ascii_serialization())
    }

    /// Makes the calls; what fails is in [`Facts::failed`].
    pub fn fetch(&self, http: &Http, notice: &dyn Fn(&Retry)) -> Facts {
        let mut facts = Facts::default();
        let Some(api) = Api::new(http, self.forge, &self.base, &self.token, notice) else {
            // Not an http(s) URL, or a token that cannot be a header: as if nothing answered.
            let failure = api::Failure::Call(Box::new(crate::delivery::http::Failure::Connect {
                cause: "not an http(s) URL".into(),
                dropped: false,
            }));
            facts.failed.push((what_jobs(self.forge), api::Failed { failure, attempts: 1 }));
            return facts;
        };
        if let Some(path) = &self.jobs {
            match self.list_jobs(&api, path) {
                Ok(jobs) => facts.jobs = Some(jobs),
                Err(failed) => facts.failed.push((what_jobs(self.forge), failed)),
            }
        }
        // After a failure, no more calls: the same token would fail the same way, and one
        // warning says what to grant.
        if let Some(path) = self.run.as_ref().filter(|_| facts.failed.is_empty()) {
            match api.get(path, &[]) {
                Ok(run) => facts.started_at = run.get("run_started_at").and_then(Value::as_str).and_then(parse_rfc3339),
                Err(failed) => facts.failed.push(("the run's start time", failed)),
            }
        }
        facts
    }

    #[allow(clippy::result_large_err, reason = "one call per run: the size of its outcome does not matter")]
    fn list_jobs(&self, api: &Api, path: &str) -> Result<Vec<Job>, api::Failed> {
        let mut jobs = Vec::new();
        let mut seen = 0;
        api.pages(path, &[("per_page", PER_PAGE)], |page| match self.forge {
            Forge::GitHub => {
                let listed = page.get("jobs").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
                seen += listed.len();
                jobs.extend(listed.iter().filter_map(github_job));
                // The next page only while the total says jobs are missing.
                let total = page.get("total_count").and_then(Value::as_u64).unwrap_or(0);
                !listed.is_empty() && (seen as u64) < total
            }
            Forge::GitLab => {
                let listed = page.as_array().map_or(&[][..], Vec::as_slice);
                jobs.extend(
                    listed.iter().filter(|j| self.this_job.is_none() || id(j) != self.this_job).filter_map(gitlab_job),
                );
                !listed.is_empty()
            }
        })?;
        Ok(jobs)
    }
}

fn what_jobs(forge: Forge) -> &'static str {
    match forge {
        Forge::GitHub => "the run's jobs",
        Forge::GitLab => "the pipeline's jobs",
    }
}

fn id(job: &Value) -> Option<u64> {
    job.get("id").and_then(Value::as_u64)
}

fn text<'a>(job: &'a Value, key: &str) -> Option<&'a str> {
    job.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A completed job of a GitHub run (the notifying one is still in progress): matrix legs come
/// by their full names, `test (ubuntu-latest, 20)`.
fn github_job(job: &Value) -> Option<Job> {
    if text(job, "status")? != "completed" {
        return None;
    }
    Some(Job::new(text(job, "name")?, Status::parse(text(job, "conclusion")), text(job, "html_url").map(str::to_owned)))
}

/// A finished job of a GitLab pipeline. A failure that `allow_failure` lets pass is unstable:
/// GitLab's "passed with warnings".
fn gitlab_job(job: &Value) -> Option<Job> {
    let status = match text(job, "status")? {
        "failed" if job.get("allow_failure").and_then(Value::as_bool) == Some(true) => Status::Unstable,
        word @ ("success" | "failed" | "canceled" | "skipped") => Status::parse(Some(word)),
        // Not finished (created, pending, running, manual, scheduled, …): no outcome yet.
        _ => return None,
    };
    Some(Job::new(text(job, "name")?, status, text(job, "web_url").map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_completed_github_jobs_with_their_full_names() {
        let page = json!([
            {"name": "test (ubuntu-latest, 20)", "status": "completed", "conclusion": "failure", "html_url": "https://g/1"},
            {"name": "notify", "status": "in_progress", "conclusion": null},
            {"name": "lint", "status": "completed", "conclusion": "skipped"},
        ]);
        let jobs: Vec<Job> = page.as_array().unwrap().iter().filter_map(github_job).collect();
        assert_eq!(
            jobs,
            [
                Job::new("test (ubuntu-latest, 20)", Status::Failure, Some("https://g/1".into())),
                Job::new("lint", Status::Skipped, None)
            ]
        );
    }

    #[test]
    fn finished_gitlab_jobs_and_allowed_failures() {
        let job = |status: &str, allow: bool| json!({"name": "j", "status": status, "allow_failure": allow});
        let status = |status, allow| gitlab_job(&job(status, allow)).map(|j| j.status);
        assert_eq!(status("failed", false), Some(Status::Failure));
        assert_eq!(status("failed", true), Some(Status::Unstable));
        assert_eq!(status("canceled", false), Some(Status::Cancelled));
        assert_eq!(status("success", true), Some(Status::Success));
        assert_eq!(status("manual", false), None);
        assert_eq!(status("running", false), None);
    }
}
