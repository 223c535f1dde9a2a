//! Drone's REST API: the build's steps (and from them its outcome) and the previous build's
//! outcome, with `drone_token`, or without a token for a public repository's status; and what
//! to grant the token when Drone refuses.
//!
//! `GET /api/repos/{owner}/{name}/builds/{number}` gives the build with `stages[].steps[]`
//! (`name`, `status`, `errignore`); `GET /api/repos/{owner}/{name}/builds?branch=&page=&per_page=`
//! lists a branch's builds, newest first (`per_page` at most 100, else 25). Sources:
//! harness/drone v2.25.0 core/build.go, core/stage.go, core/step.go, core/status.go,
//! handler/api/repos/builds/list.go. The base is `{DRONE_SYSTEM_PROTO}://{DRONE_SYSTEM_HOST}/api`.

use reqwest::header::{AUTHORIZATION, HeaderName};
use serde_json::Value;

use super::Drone;
use crate::ci::api::hints::api_name;
use crate::ci::api::{Api, Ask, Failed, PREVIOUS_PAGES, Page, RunApi, Want, segment, step_name, step_status, text};
use crate::context::jobs::{self, Job};
use crate::context::status::Status;
use crate::context::{Context, RefKind};
use crate::env::Env;
use crate::settings::{Secret, Settings};
use crate::summary::catalog::{Lang, say};

impl RunApi for Drone {
    fn name(&self) -> &'static str {
        "Drone"
    }

    fn run_word(&self, lang: Lang) -> String {
        say(lang, "api.run.drone", &[])
    }

    fn parts_word(&self, lang: Lang) -> String {
        say(lang, "api.parts.steps", &[])
    }

    fn base(&self, env: &Env) -> String {
        let proto = env.string("DRONE_SYSTEM_PROTO").unwrap_or_else(|| "https".to_owned());
        format!("{proto}://{}/api", env.string("DRONE_SYSTEM_HOST").unwrap_or_default())
    }

    fn base_variable(&self) -> &'static str {
        "DRONE_SYSTEM_HOST"
    }

    fn token<'s>(&self, settings: &'s Settings) -> Option<&'s Secret> {
        settings.drone_token.as_ref()
    }

    // docs.drone.io/api/overview (Authorization: Bearer, the token from the account page)
    fn authorization(&self, token: &str) -> (HeaderName, String) {
        (AUTHORIZATION, format!("Bearer {token}"))
    }

    fn anonymous(&self) -> Option<&'static str> {
        Some("drone_token")
    }

    fn rate_limit_advice(&self, lang: Lang) -> String {
        say(lang, "api.rate_limit.later", &[])
    }

    fn token_refused(&self, lang: Lang) -> String {
        say(lang, "api.token_refused.drone", &[("name", &api_name(self, lang))])
    }

    fn not_allowed(&self, status: u16, lang: Lang) -> String {
        say(lang, "api.not_allowed.drone", &[("name", &api_name(self, lang)), ("status", &status.to_string())])
    }

    /// The build itself: its steps, and from them its outcome.
    fn ask(&self, env: &Env, _: &Context, want: Want) -> Option<Ask> {
        if !(want.jobs || want.outcome) || env.get("DRONE_SYSTEM_HOST").is_none() {
            return None;
        }
        let number = env.string("DRONE_BUILD_NUMBER")?;
        Some(Ask {
            run: Some(format!("{}/builds/{}", repo_path(env)?, segment(&number))),
            this_step: Some(format!(
                "{}/{}",
                env.string("DRONE_STAGE_NAME").unwrap_or_default(),
                env.string("DRONE_STEP_NAME").unwrap_or_default()
            )),
            want,
            ..Ask::default()
        })
    }

    fn jobs_page(&self, _: &Value, _: &Ask, _: &mut Vec<Job>) -> Page {
        Page { listed: 0, total: None }
    }

    fn started_at(&self, build: &Value) -> Option<u64> {
        build.get("started").and_then(Value::as_u64).filter(|&t| t > 0)
    }

    fn parts(&self, build: &Value, ask: &Ask) -> Option<Vec<Job>> {
        Some(steps(build, ask))
    }

    fn outcome(&self, build: &Value, ask: &Ask) -> Option<Status> {
        jobs::outcome(&steps(build, ask))
    }

    /// The newest finished build of this branch before this one. `/builds/latest` would be this
    /// build itself, still running. A pull request's builds are on its ref, not a branch: none.
    fn previous(&self, api: &Api, env: &Env, cx: &Context) -> Result<Option<Status>, Failed> {
        let branch = match &cx.git_ref {
            Some(r) if r.kind == RefKind::Branch && cx.pr.is_none() => r.name.clone(),
            _ => return Ok(None),
        };
        let (Some(repo), Some(this)) =
            (repo_path(env), env.string("DRONE_BUILD_NUMBER").and_then(|n| n.parse::<u64>().ok()))
        else {
            return Ok(None);
        };
        let path = format!("{repo}/builds");
        // Drone gives no link to the next page: pages are asked by number.
        for page in 1..=PREVIOUS_PAGES {
            let page = page.to_string();
            let listed = api.get(&path, &[("branch", &branch), ("page", &page), ("per_page", "25")])?;
            let builds = listed.as_array().map_or(&[][..], Vec::as_slice);
            let found = builds.iter().find_map(|b| {
                let number = b.get("number").and_then(Value::as_u64)?;
                let status = step_status(text(b, "status")?)?;
                (number < this && status != Status::Skipped).then_some(status)
            });
            if found.is_some() || builds.len() < 25 {
                return Ok(found);
            }
        }
        Ok(None)
    }
}

/// `/repos/{owner}/{name}` from `DRONE_REPO` (else its parts).
fn repo_path(env: &Env) -> Option<String> {
    let owner = env.first(&["DRONE_REPO_NAMESPACE", "DRONE_REPO_OWNER"]);
    let name = env.string("DRONE_REPO_NAME");
    let (owner, name) = match env.string("DRONE_REPO").as_deref().and_then(|r| r.split_once('/')) {
        Some((o, n)) => (o.to_owned(), n.to_owned()),
        None => (owner?, name?),
    };
    Some(format!("/repos/{}/{}", segment(&owner), segment(&name)))
}

/// The build's finished steps, but the notifying one; a failure the step ignores
/// (`failure: ignore`, `errignore`) does not count. A stage that ended without steps (an error
/// before its first step) stands for itself.
fn steps(build: &Value, ask: &Ask) -> Vec<Job> {
    let stages = build.get("stages").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let mut jobs = Vec::new();
    for stage in stages {
        let stage_name = text(stage, "name").unwrap_or_default();
        let steps = stage.get("steps").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        if steps.is_empty() {
            if let Some(status) = text(stage, "status").and_then(step_status).filter(|s| *s == Status::Failure) {
                jobs.push(Job::new(stage_name, status, None));
            }
            continue;
        }
        for step in steps {
            let Some(name) = text(step, "name") else { continue };
            if ask.this_step.as_deref() == Some(format!("{stage_name}/{name}").as_str()) {
                continue;
            }
            let ignored = step.get("errignore").and_then(Value::as_bool) == Some(true);
            match text(step, "status").and_then(step_status) {
                Some(Status::Failure) if ignored => {}
                Some(status) => jobs.push(Job::new(&step_name(stage_name, name, stages.len()), status, None)),
                None => {}
            }
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn steps_of_one_stage_by_name_and_a_stage_that_failed_before_its_steps() {
        let ask = Ask { this_step: Some("default/notify".into()), ..Ask::default() };
        let one = json!({"stages": [{"name": "default", "steps": [
            {"name": "test", "status": "error"}, {"name": "notify", "status": "success"}]}]});
        assert_eq!(steps(&one, &ask), [Job::new("test", Status::Failure, None)]);
        let two = json!({"stages": [
            {"name": "default", "status": "running", "steps": [{"name": "build", "status": "killed"}]},
            {"name": "arm64", "status": "error"},
            {"name": "docs", "status": "skipped"}]});
        assert_eq!(
            steps(&two, &ask),
            [Job::new("default/build", Status::Failure, None), Job::new("arm64", Status::Failure, None)]
        );
    }
}
