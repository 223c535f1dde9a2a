//! Woodpecker's REST API: the pipeline's steps (and from them its outcome) and the previous
//! pipeline's outcome, with `woodpecker_token`, or without a token for a public repository's
//! status; and what to grant the token when Woodpecker refuses.
//!
//! `GET /api/repos/{repo_id}/pipelines/{number}` gives the pipeline with
//! `workflows[].children[]` (`name`, `state`, `pid`); its start is `started_at` in 2.x and
//! `started` from 3.0. `GET /api/repos/{repo_id}/pipelines?page=&perPage=` lists pipelines newest
//! first; 3.x filters it with `branch=`, 2.x ignores that. `GET /api/repos/lookup/{owner}/{name}`
//! gives the repository's `id`. Sources: woodpecker-ci/woodpecker v2.8.0 and v3.8.0,
//! server/model/pipeline.go, workflow.go, step.go, const.go, server/api/pipeline.go,
//! server/router/api.go, server/router/middleware/session/pagination.go.

use reqwest::header::{AUTHORIZATION, HeaderName};
use serde_json::Value;

use super::Woodpecker;
use crate::ci::api::hints::api_name;
use crate::ci::api::{Api, Ask, Failed, PREVIOUS_PAGES, Page, RunApi, Want, segment, step_name, step_status, text};
use crate::context::jobs::{self, Job};
use crate::context::status::Status;
use crate::context::{Context, RefKind};
use crate::env::Env;
use crate::settings::{Secret, Settings};
use crate::summary::catalog::{Lang, say};

impl RunApi for Woodpecker {
    fn name(&self) -> &'static str {
        "Woodpecker"
    }

    fn run_word(&self, lang: Lang) -> String {
        say(lang, "api.run.woodpecker", &[])
    }

    fn parts_word(&self, lang: Lang) -> String {
        say(lang, "api.parts.steps", &[])
    }

    fn base(&self, env: &Env) -> String {
        format!("{}/api", env.string("CI_SYSTEM_URL").unwrap_or_default().trim_end_matches('/'))
    }

    fn base_variable(&self) -> &'static str {
        "CI_SYSTEM_URL"
    }

    fn token<'s>(&self, settings: &'s Settings) -> Option<&'s Secret> {
        settings.woodpecker_token.as_ref()
    }

    // woodpecker-ci.org/api (a personal access token, as a bearer token)
    fn authorization(&self, token: &str) -> (HeaderName, String) {
        (AUTHORIZATION, format!("Bearer {token}"))
    }

    fn anonymous(&self) -> Option<&'static str> {
        Some("woodpecker_token")
    }

    fn rate_limit_advice(&self, lang: Lang) -> String {
        say(lang, "api.rate_limit.later", &[])
    }

    fn token_refused(&self, lang: Lang) -> String {
        say(lang, "api.token_refused.woodpecker", &[("name", &api_name(self, lang))])
    }

    fn not_allowed(&self, status: u16, lang: Lang) -> String {
        say(lang, "api.not_allowed.woodpecker", &[("name", &api_name(self, lang)), ("status", &status.to_string())])
    }

    /// The pipeline itself: its steps, and from them its outcome. The repository's id comes from
    /// `CI_PIPELINE_URL`, else from a lookup by name: Woodpecker has no `CI_REPO_ID`.
    fn ask(&self, env: &Env, _: &Context, want: Want) -> Option<Ask> {
        if !(want.jobs || want.outcome) || env.get("CI_SYSTEM_URL").is_none() {
            return None;
        }
        let number = segment(&env.string("CI_PIPELINE_NUMBER")?);
        let (run, lookup) = match repo_id(env) {
            Some(id) => (format!("/repos/{id}/pipelines/{number}"), None),
            None => (format!("/repos/{{id}}/pipelines/{number}"), Some(lookup(env)?)),
        };
        Some(Ask {
            run: Some(run),
            lookup,
            this_step: Some(format!(
                "{}/{}",
                env.string("CI_WORKFLOW_NAME").unwrap_or_default(),
                env.string("CI_STEP_NAME").unwrap_or_default()
            )),
            want,
            ..Ask::default()
        })
    }

    fn jobs_page(&self, _: &Value, _: &Ask, _: &mut Vec<Job>) -> Page {
        Page { listed: 0, total: None }
    }

    /// `started` from 3.0, `started_at` before.
    fn started_at(&self, pipeline: &Value) -> Option<u64> {
        ["started", "started_at"].iter().find_map(|k| pipeline.get(*k).and_then(Value::as_u64).filter(|&t| t > 0))
    }

    fn parts(&self, pipeline: &Value, ask: &Ask) -> Option<Vec<Job>> {
        Some(steps(pipeline, ask))
    }

    fn outcome(&self, pipeline: &Value, ask: &Ask) -> Option<Status> {
        jobs::outcome(&steps(pipeline, ask))
    }

    /// The newest finished pipeline of this branch before this one: `CI_PREV_PIPELINE_NUMBER`
    /// when it has finished (it was the newest when this one was created, and may still have
    /// been running), else the listing, filtered by hand (2.x does not filter by branch).
    fn previous(&self, api: &Api, env: &Env, cx: &Context) -> Result<Option<Status>, Failed> {
        let branch = match &cx.git_ref {
            Some(r) if r.kind == RefKind::Branch && cx.pr.is_none() => r.name.clone(),
            _ => return Ok(None),
        };
        let Some(this) = env.string("CI_PIPELINE_NUMBER").and_then(|n| n.parse::<u64>().ok()) else {
            return Ok(None);
        };
        let id = if let Some(id) = repo_id(env) {
            id
        } else {
            let Some(lookup) = lookup(env) else { return Ok(None) };
            let Some(id) = api.get(&lookup, &[])?.get("id").and_then(Value::as_u64) else { return Ok(None) };
            id.to_string()
        };
        let earlier = |p: &Value| {
            let number = p.get("number").and_then(Value::as_u64)?;
            let status = step_status(text(p, "status")?).filter(|s| *s != Status::Skipped)?;
            (number < this && text(p, "branch") == Some(branch.as_str())).then_some(status)
        };
        if let Some(prev) = env.string("CI_PREV_PIPELINE_NUMBER").and_then(|n| n.parse::<u64>().ok())
            && let Some(status) = earlier(&api.get(&format!("/repos/{id}/pipelines/{prev}"), &[])?)
        {
            return Ok(Some(status));
        }
        let path = format!("/repos/{id}/pipelines");
        // No link to the next page: pages are asked by number.
        for page in 1..=PREVIOUS_PAGES {
            let page = page.to_string();
            let listed = api.get(&path, &[("branch", &branch), ("page", &page), ("perPage", "25")])?;
            let pipelines = listed.as_array().map_or(&[][..], Vec::as_slice);
            let found = pipelines.iter().find_map(earlier);
            if found.is_some() || pipelines.len() < 25 {
                return Ok(found);
            }
        }
        Ok(None)
    }
}

/// The repository's id from `CI_PIPELINE_URL` (`{server}/repos/{repo_id}/pipeline/{number}`).
fn repo_id(env: &Env) -> Option<String> {
    let url = env.string("CI_PIPELINE_URL")?;
    let (_, rest) = url.rsplit_once("/repos/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.to_owned())
}

/// `/repos/lookup/{full_name}` from `CI_REPO`; the full name keeps its slashes (a GitLab or
/// Forgejo group nests: `group/sub/name`), as the route takes the rest of the path.
fn lookup(env: &Env) -> Option<String> {
    let repo = env.string("CI_REPO")?;
    repo.contains('/').then(|| format!("/repos/lookup/{}", repo.split('/').map(segment).collect::<Vec<_>>().join("/")))
}

/// The pipeline's finished steps, but the notifying one. A step with
/// `failure: ignore` reads `failure` in the API like any other: it cannot be told apart. A
/// workflow that ended without steps (a config error) stands for itself.
fn steps(pipeline: &Value, ask: &Ask) -> Vec<Job> {
    let workflows = pipeline.get("workflows").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let mut jobs = Vec::new();
    for workflow in workflows {
        let workflow_name = text(workflow, "name").unwrap_or_default();
        let steps = workflow.get("children").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        if steps.is_empty() {
            if let Some(status) = text(workflow, "state").and_then(step_status).filter(|s| *s == Status::Failure) {
                jobs.push(Job::new(workflow_name, status, None));
            }
            continue;
        }
        for step in steps {
            let Some(name) = text(step, "name") else { continue };
            if ask.this_step.as_deref() == Some(format!("{workflow_name}/{name}").as_str()) {
                continue;
            }
            if let Some(status) = text(step, "state").and_then(step_status) {
                jobs.push(Job::new(&step_name(workflow_name, name, workflows.len()), status, None));
            }
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0)
    }

    #[test]
    fn the_repository_id_is_in_the_pipeline_url_else_looked_up_by_name() {
        let id = |url| repo_id(&env(&[("CI_PIPELINE_URL", url)]));
        assert_eq!(id("https://ci.example.com/repos/12/pipeline/57").as_deref(), Some("12"));
        assert_eq!(id("https://ci.example.com/sub/repos/7/pipeline/3/2").as_deref(), Some("7"));
        assert_eq!(id("https://ci.example.com/repos/acme/ci/pipeline/3"), None);
        assert_eq!(
            lookup(&env(&[("CI_REPO", "group/sub/my app")])).as_deref(),
            Some("/repos/lookup/group/sub/my%20app")
        );
        assert_eq!(lookup(&env(&[("CI_REPO", "alone")])), None);
    }
}
