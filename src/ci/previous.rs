//! The outcome of the previous run of this pipeline on this branch, from GitHub's or GitLab's
//! API, for `fixed`/`broken`/`changed` (README, "Quiet by default"). Drone and Woodpecker say it
//! in a variable (`ci/drone.rs`, `ci/woodpecker.rs`); the `previous_status` setting wins over all.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::ci::api::{Api, Failed};
use crate::context::payload::Json;
use crate::context::status::Status;
use crate::env::Env;

/// Pages of runs looked through at most: the previous run is nearly always on the first.
const MAX_PAGES: usize = 3;

/// GitHub: the latest completed run of the workflow the message is about, on its branch, not
/// that run nor a later one (docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow):
/// the run a `workflow_run` event reports, else this run. `None` when the run does not say which
/// workflow or branch it is, when the event is about a check, a job, a deployment or a commit
/// status (no workflow run of its own to compare), or when there is no earlier run.
pub fn github(api: &Api, env: &Env, event: &str, payload: Json) -> Result<Option<Status>, Failed> {
    let Some(repo) = env.string("GITHUB_REPOSITORY") else { return Ok(None) };
    let Some(run) = github_run(env, event, payload) else { return Ok(None) };
    let path = format!("/repos/{repo}/actions/workflows/{}/runs", encode_segment(&run.workflow));
    let query = [("branch", run.branch.as_str()), ("status", "completed"), ("per_page", "10")];
    let earlier = |r: &Value| {
        let id = r.get("id").and_then(Value::as_u64);
        let number = r.get("run_number").and_then(Value::as_u64);
        id != run.id && !matches!((number, run.number), (Some(n), Some(this)) if n >= this)
    };
    let mut found = None;
    let mut pages = 0;
    api.pages(&path, &query, |page| {
        pages += 1;
        let runs = page.get("workflow_runs").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        found = runs.iter().find(|r| earlier(r)).map(|r| Status::parse(r.get("conclusion").and_then(Value::as_str)));
        found.is_none() && !runs.is_empty() && pages < MAX_PAGES
    })?;
    Ok(found)
}

/// The GitHub run whose predecessor is looked for: its workflow (a numeric id or a file name;
/// the API takes either), branch, id and number.
#[derive(Debug, PartialEq)]
struct GithubRun {
    workflow: String,
    branch: String,
    id: Option<u64>,
    number: Option<u64>,
}

fn github_run(env: &Env, event: &str, payload: Json) -> Option<GithubRun> {
    fn text<'a>(v: Json<'a>, k: &str) -> Option<&'a str> {
        v.get(k).and_then(Json::as_str).map(str::trim).filter(|s| !s.is_empty())
    }
    match event {
        // The run it reports, in its own workflow and on its own branch.
        "workflow_run" => {
            let wr = payload.get("workflow_run").filter(|w| w.is_object())?;
            let workflow = wr
                .get("workflow_id")
                .and_then(Json::as_u64)
                .map(|id| id.to_string())
                .or_else(|| text(wr, "path").and_then(file_name))?;
            Some(GithubRun {
                workflow,
                branch: text(wr, "head_branch")?.to_owned(),
                id: wr.get("id").and_then(Json::as_u64),
                number: wr.get("run_number").and_then(Json::as_u64),
            })
        }
        // A check, a job, a deployment or a commit status: no workflow run to compare with.
        "check_run" | "check_suite" | "workflow_job" | "deployment_status" | "status" => None,
        _ => {
            // A pull request's runs are on its head branch; tags have no previous run to speak of.
            let branch = env.string("GITHUB_HEAD_REF").or_else(|| {
                env.get("GITHUB_REF").filter(|r| r.starts_with("refs/heads/"))?;
                env.string("GITHUB_REF_NAME")
            })?;
            Some(GithubRun {
                workflow: workflow_file(env)?,
                branch,
                id: env.string("GITHUB_RUN_ID").and_then(|id| id.parse().ok()),
                number: env.string("GITHUB_RUN_NUMBER").and_then(|n| n.parse().ok()),
            })
        }
    }
}

/// GitLab: the latest finished pipeline on this ref before this one
/// (docs.gitlab.com/api/pipelines#list-project-pipelines, `scope=finished`).
pub fn gitlab(api: &Api, env: &Env) -> Result<Option<Status>, Failed> {
    let (Some(project), Some(git_ref)) = (env.string("CI_PROJECT_ID"), env.string("CI_COMMIT_REF_NAME")) else {
        return Ok(None);
    };
    let this = env.string("CI_PIPELINE_ID").and_then(|id| id.parse::<u64>().ok());
    let path = format!("/projects/{}/pipelines", encode_segment(&project));
    let query =
        [("ref", git_ref.as_str()), ("scope", "finished"), ("order_by", "id"), ("sort", "desc"), ("per_page", "10")];
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
        found.is_none() && !pipelines.is_empty() && pages < MAX_PAGES
    })?;
    Ok(found)
}

/// The workflow's file name from `GITHUB_WORKFLOW_REF` (`owner/repo/.github/workflows/ci.yml@refs/heads/main`).
fn workflow_file(env: &Env) -> Option<String> {
    let workflow_ref = env.string("GITHUB_WORKFLOW_REF")?;
    file_name(workflow_ref.split_once('@').map_or(workflow_ref.as_str(), |(path, _)| path))
}

/// The last segment of a path (`.github/workflows/ci.yml` → `ci.yml`).
fn file_name(path: &str) -> Option<String> {
    path.rsplit('/').next().filter(|f| !f.is_empty()).map(str::to_owned)
}

/// What a path segment keeps as it is: RFC 3986's unreserved characters. A file name or a
/// project path may hold `/`, spaces, `#`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_file_comes_from_the_workflow_ref() {
        let env = Env::new(
            [("GITHUB_WORKFLOW_REF".to_owned(), "o/r/.github/workflows/ci.yml@refs/heads/main".to_owned())],
            0,
        );
        assert_eq!(workflow_file(&env).as_deref(), Some("ci.yml"));
        assert_eq!(encode_segment("group/my app"), "group%2Fmy%20app");
    }
}
