//! GitLab's REST API: the pipeline's jobs and the previous pipeline's outcome, when
//! `gitlab_token` is given; and what to grant the token when GitLab refuses. The pipeline's
//! start is a variable (`CI_PIPELINE_CREATED_AT`), so it is not asked.
//!
//! <https://docs.gitlab.com/api/jobs/#list-pipeline-jobs> and
//! <https://docs.gitlab.com/api/pipelines#list-project-pipelines>. The base is `CI_API_V4_URL`
//! (`https://HOST/api/v4`).

use reqwest::header::HeaderName;
use serde_json::Value;

use super::GitLab;
use crate::ci::api::hints::api_name;
use crate::ci::api::{Api, Ask, Failed, PREVIOUS_PAGES, Page, RunApi, Want, segment, text};
use crate::context::Context;
use crate::context::jobs::Job;
use crate::context::status::Status;
use crate::env::Env;
use crate::settings::{Secret, Settings};
use crate::summary::catalog::{Lang, say};

impl RunApi for GitLab {
    fn name(&self) -> &'static str {
        "GitLab"
    }

    fn run_word(&self, lang: Lang) -> String {
        say(lang, "api.run.gitlab", &[])
    }

    /// `CI_API_V4_URL`, else `CI_SERVER_URL/api/v4`, else gitlab.com's.
    fn base(&self, env: &Env) -> String {
        env.string("CI_API_V4_URL")
            .or_else(|| Some(format!("{}/api/v4", env.string("CI_SERVER_URL")?.trim_end_matches('/'))))
            .unwrap_or_else(|| "https://gitlab.com/api/v4".to_owned())
    }

    fn base_variable(&self) -> &'static str {
        "CI_API_V4_URL"
    }

    fn token<'s>(&self, settings: &'s Settings) -> Option<&'s Secret> {
        settings.gitlab_token.as_ref()
    }

    // docs.gitlab.com/api/rest/authentication (personal, project or group access token)
    fn authorization(&self, token: &str) -> (HeaderName, String) {
        (HeaderName::from_static("private-token"), token.to_owned())
    }

    fn rate_limit_advice(&self, lang: Lang) -> String {
        say(lang, "api.rate_limit.gitlab", &[])
    }

    fn token_refused(&self, lang: Lang) -> String {
        say(lang, "api.token_refused.gitlab", &[("name", &api_name(self, lang))])
    }

    fn not_allowed(&self, status: u16, lang: Lang) -> String {
        say(lang, "api.not_allowed.gitlab", &[("name", &api_name(self, lang)), ("status", &status.to_string())])
    }

    /// The pipeline's jobs, without the notifying one (`CI_JOB_ID`), which GitLab lists while
    /// it runs.
    fn ask(&self, env: &Env, _: &Context, want: Want) -> Option<Ask> {
        if !want.jobs {
            return None;
        }
        let (project, pipeline) = (env.string("CI_PROJECT_ID")?, env.string("CI_PIPELINE_ID")?);
        Some(Ask {
            jobs: Some(format!("/projects/{project}/pipelines/{pipeline}/jobs")),
            run: None,
            this_job: env.string("CI_JOB_ID").and_then(|id| id.parse().ok()),
            ..Ask::default()
        })
    }

    fn jobs_page(&self, page: &Value, ask: &Ask, jobs: &mut Vec<Job>) -> Page {
        let listed = page.as_array().map_or(&[][..], Vec::as_slice);
        let id = |job: &Value| job.get("id").and_then(Value::as_u64);
        jobs.extend(listed.iter().filter(|j| ask.this_job.is_none() || id(j) != ask.this_job).filter_map(job));
        Page { listed: listed.len(), total: None }
    }

    /// The latest finished pipeline on this ref before this one (`scope=finished`).
    fn previous(&self, api: &Api, env: &Env, _: &Context) -> Result<Option<Status>, Failed> {
        let (Some(project), Some(git_ref)) = (env.string("CI_PROJECT_ID"), env.string("CI_COMMIT_REF_NAME")) else {
            return Ok(None);
        };
        let this = env.string("CI_PIPELINE_ID").and_then(|id| id.parse::<u64>().ok());
        let path = format!("/projects/{}/pipelines", segment(&project));
        let query = [
            ("ref", git_ref.as_str()),
            ("scope", "finished"),
            ("order_by", "id"),
            ("sort", "desc"),
            ("per_page", "10"),
        ];
        let mut found = None;
        let mut pages = 0;
        api.pages(&path, &query, |page| {
            pages += 1;
            let pipelines = page.as_array().map_or(&[][..], Vec::as_slice);
            found = pipelines
                .iter()
                .find(|p| {
                    let id = p.get("id").and_then(Value::as_u64);
                    !matches!((id, this), (Some(id), Some(this)) if id >= this)
                })
                .map(|p| Status::parse(p.get("status").and_then(Value::as_str)));
            found.is_none() && !pipelines.is_empty() && pages < PREVIOUS_PAGES
        })?;
        Ok(found)
    }
}

/// A finished job of a GitLab pipeline. A failure that `allow_failure` lets pass is unstable:
/// GitLab's "passed with warnings".
fn job(job: &Value) -> Option<Job> {
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
    use std::time::Duration;

    use super::*;
    use crate::ci::api::hints::warning;
    use crate::ci::api::{self, Failure};

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0)
    }

    #[test]
    fn finished_gitlab_jobs_and_allowed_failures() {
        let job_of =
            |status: &str, allow: bool| serde_json::json!({"name": "j", "status": status, "allow_failure": allow});
        let status = |status, allow| job(&job_of(status, allow)).map(|j| j.status);
        assert_eq!(status("failed", false), Some(Status::Failure));
        assert_eq!(status("failed", true), Some(Status::Unstable));
        assert_eq!(status("canceled", false), Some(Status::Cancelled));
        assert_eq!(status("success", true), Some(Status::Success));
        assert_eq!(status("manual", false), None);
        assert_eq!(status("running", false), None);
    }

    #[test]
    fn the_base_honours_the_ci_variables() {
        assert_eq!(GitLab.base(&env(&[])), "https://gitlab.com/api/v4");
        assert_eq!(GitLab.base(&env(&[("CI_SERVER_URL", "https://gl.example/")])), "https://gl.example/api/v4");
        assert_eq!(
            GitLab.base(&env(&[("CI_API_V4_URL", "https://gl.example/sub/api/v4"), ("CI_SERVER_URL", "x")])),
            "https://gl.example/sub/api/v4"
        );
    }

    #[test]
    fn api_warnings_say_what_to_grant() {
        let failed = |failure| api::Failed { failure, attempts: 1 };
        let status = |status, rate_limited| failed(Failure::Status { status, rate_limited });
        let t = Duration::from_secs(10);
        let gl = |f: &api::Failed| warning(&GitLab, "the previous pipeline", f, "https://gl.example", t, Lang::En);
        assert_eq!(
            gl(&status(403, false)),
            "cannot read the previous pipeline from the GitLab API: the GitLab API answered HTTP 403: give \
             `gitlab_token` the `read_api` scope and at least the Reporter role in this project; the notification \
             goes on without it"
        );
        assert!(gl(&status(401, false)).contains("`gitlab_token` (HTTP 401)"));
        assert!(gl(&failed(Failure::NotJson { status: 200, length: 9 })).contains("check CI_API_V4_URL"));
    }
}
