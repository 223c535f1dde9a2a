//! Jenkins' REST API: the build's result and start, a Pipeline's stages, and the previous
//! build's result, with `jenkins_token` (`user:apitoken`); and what to grant when Jenkins
//! refuses.
//!
//! `GET {BUILD_URL}api/json?tree=result,building,timestamp`: `result` is set once the builders
//! end (a post-build step sees it), `timestamp` is in milliseconds. For a Pipeline,
//! `GET {BUILD_URL}wfapi/describe` (the Pipeline Stage View plugin's REST API) lists `stages[]`
//! with `name` and `status` (`SUCCESS`, `FAILED`, `UNSTABLE`, `ABORTED`, `NOT_EXECUTED`,
//! `IN_PROGRESS`). `GET {JOB_URL}api/json?tree=builds[number,result,building]{0,20}` lists the
//! job's builds newest first. Sources: Jenkins' own `/api` pages (`…/api/`, on any Jenkins);
//! jenkinsci/pipeline-stage-view-plugin 2.41, rest-api/README.md and
//! rest-api/…/external/StatusExt.java and RunExt.java (`PAUSED_PENDING_INPUT` too). The base is
//! `JENKINS_URL`: the build's and job's URLs are called only when they are under it, so the
//! token never goes elsewhere.

use reqwest::header::{AUTHORIZATION, HeaderName};
use serde_json::Value;

use super::Jenkins;
use crate::ci::api::hints::api_name;
use crate::ci::api::{Api, Ask, Failed, Page, RunApi, Want, text};
use crate::context::Context;
use crate::context::jobs::Job;
use crate::context::status::Status;
use crate::env::Env;
use crate::settings::{Secret, Settings};
use crate::summary::catalog::{Lang, say};

impl RunApi for Jenkins {
    fn name(&self) -> &'static str {
        "Jenkins"
    }

    fn run_word(&self, lang: Lang) -> String {
        say(lang, "api.run.jenkins", &[])
    }

    fn parts_word(&self, lang: Lang) -> String {
        say(lang, "api.parts.stages", &[])
    }

    fn base(&self, env: &Env) -> String {
        env.string("JENKINS_URL").unwrap_or_default().trim_end_matches('/').to_owned()
    }

    fn base_variable(&self) -> &'static str {
        "JENKINS_URL"
    }

    fn token<'s>(&self, settings: &'s Settings) -> Option<&'s Secret> {
        settings.jenkins_token.as_ref()
    }

    // Sent up front: Jenkins answers a request without credentials with 403, not with a
    // challenge (jenkins.io/doc/book/using/remote-access-api). A GET needs no crumb.
    fn authorization(&self, token: &str) -> (HeaderName, String) {
        (AUTHORIZATION, format!("Basic {}", base64(token.as_bytes())))
    }

    fn run_query(&self) -> &'static [(&'static str, &'static str)] {
        &[("tree", "result,building,timestamp")]
    }

    fn rate_limit_advice(&self, lang: Lang) -> String {
        say(lang, "api.rate_limit.later", &[])
    }

    fn token_refused(&self, lang: Lang) -> String {
        say(lang, "api.token_refused.jenkins", &[("name", &api_name(self, lang))])
    }

    // Jenkins answers 403 for a wrong token as for a missing permission, and 404 for a job
    // the user may not see.
    fn not_allowed(&self, status: u16, lang: Lang) -> String {
        let key = if status == 404 { "api.not_allowed.jenkins.404" } else { "api.not_allowed.jenkins" };
        say(lang, key, &[("name", &api_name(self, lang)), ("status", &status.to_string())])
    }

    /// The build itself (its result and start), then a Pipeline's stages.
    fn ask(&self, env: &Env, _: &Context, want: Want) -> Option<Ask> {
        if !(want.jobs || want.outcome || want.start) {
            return None;
        }
        let build = under_base(env, "BUILD_URL")?;
        Some(Ask { run: Some(format!("{build}api/json")), want, ..Ask::default() })
    }

    /// A Pipeline's finished stages, but the notifying one (`STAGE_NAME`, still in progress).
    fn jobs_page(&self, describe: &Value, _: &Ask, jobs: &mut Vec<Job>) -> Page {
        let stages = describe.get("stages").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        jobs.extend(stages.iter().filter_map(|stage| {
            let status = match text(stage, "status")? {
                "SUCCESS" => Status::Success,
                "FAILED" => Status::Failure,
                "UNSTABLE" => Status::Unstable,
                "ABORTED" => Status::Cancelled,
                // NOT_EXECUTED, IN_PROGRESS, PAUSED_PENDING_INPUT: no outcome of their own.
                _ => return None,
            };
            Some(Job::new(text(stage, "name")?, status, None))
        }));
        Page { listed: stages.len(), total: Some(stages.len() as u64) }
    }

    fn started_at(&self, build: &Value) -> Option<u64> {
        build.get("timestamp").and_then(Value::as_u64).filter(|&t| t > 0).map(|ms| ms / 1000)
    }

    /// `result`, once set: a build still running has `null`.
    fn outcome(&self, build: &Value, _: &Ask) -> Option<Status> {
        text(build, "result").map(|r| Status::parse(Some(r))).filter(|s| *s != Status::Unknown)
    }

    /// A Pipeline's stages, when the build is one or does not say (`_class`, which Jenkins adds
    /// to every object it describes): a freestyle build has none.
    fn parts_elsewhere(&self, build: &Value, ask: &Ask) -> Option<String> {
        let pipeline = text(build, "_class").is_none_or(|class| class.ends_with("WorkflowRun"));
        let build_path = ask.run.as_deref()?.strip_suffix("api/json")?;
        pipeline.then(|| format!("{build_path}wfapi/describe"))
    }

    /// The newest build of this job before this one that is not building.
    fn previous(&self, api: &Api, env: &Env, _: &Context) -> Result<Option<Status>, Failed> {
        let (Some(job), Some(this)) =
            (under_base(env, "JOB_URL"), env.string("BUILD_NUMBER").and_then(|n| n.parse::<u64>().ok()))
        else {
            return Ok(None);
        };
        let listed = api.get(&format!("{job}api/json"), &[("tree", "builds[number,result,building]{0,20}")])?;
        let builds = listed.get("builds").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        Ok(builds.iter().find_map(|b| {
            let number = b.get("number").and_then(Value::as_u64)?;
            let building = b.get("building").and_then(Value::as_bool).unwrap_or(true);
            (number < this && !building).then(|| text(b, "result").map(|r| Status::parse(Some(r))))?
        }))
    }
}

/// The path of the URL in `variable` under `JENKINS_URL` (`/job/x/57/`), ending in `/`; `None`
/// when it is elsewhere: the token goes to Jenkins' own origin only.
fn under_base(env: &Env, variable: &str) -> Option<String> {
    let base = reqwest::Url::parse(&Jenkins.base(env)).ok()?;
    let url = reqwest::Url::parse(&env.string(variable)?).ok()?;
    if url.origin() != base.origin() || url.query().is_some() {
        return None;
    }
    let path = url.path().strip_prefix(base.path().trim_end_matches('/'))?;
    path.starts_with('/').then(|| if path.ends_with('/') { path.to_owned() } else { format!("{path}/") })
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0)
    }

    #[test]
    fn only_urls_under_jenkins_url_are_called() {
        let path =
            |root: &str, build: &str| under_base(&env(&[("JENKINS_URL", root), ("BUILD_URL", build)]), "BUILD_URL");
        assert_eq!(path("https://ci.example/", "https://ci.example/job/a/57/").as_deref(), Some("/job/a/57/"));
        assert_eq!(
            path("https://ci.example/jenkins/", "https://ci.example/jenkins/job/a/57").as_deref(),
            Some("/job/a/57/")
        );
        assert_eq!(path("https://ci.example/jenkins/", "https://ci.example/other/job/a/57/"), None);
        assert_eq!(path("https://ci.example/", "https://ci.example.evil/job/a/57/"), None);
        assert_eq!(path("https://ci.example/", "http://ci.example/job/a/57/"), None);
        assert_eq!(path("https://ci.example/", "https://ci.example:8443/job/a/57/"), None);
    }

    #[test]
    fn base64_as_rfc_4648_gives_it() {
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(b"jenkins:11aabbcc"), "amVua2luczoxMWFhYmJjYw==");
    }
}
