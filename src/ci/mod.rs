//! What the CI knows about the run: detect which CI this is and build one [`Context`] from it.
//!
//! Everything one CI does its own way is in that CI's module (a folder when it has an API): its
//! variables (and, on GitHub, the event JSON) turned into a `Context`, its API calls, who gets
//! no secrets, how its users pass a credential. The rest of the program asks through the [`Ci`]
//! trait and never names a CI.
//!
//! Detection order matters: Woodpecker also sets Drone's `DRONE_*` names for plugins, with a
//! `DRONE_BUILD_STATUS` that is always `success`, so it is recognised first. Jenkins comes after
//! the CIs with a variable of their own: `JENKINS_URL` is the one sign of it, and a job
//! elsewhere could inherit it from a Jenkins that started it.

pub mod api;

mod drone;
mod github;
mod gitlab;
mod jenkins;
mod local;
mod woodpecker;

use crate::context::{Context, Words};
use crate::env::Env;
use crate::error::Error;
use crate::settings::Name;
use crate::summary::catalog::Lang;

/// One CI: how to recognise it, what it tells about the run, and where it differs from the
/// others. Each CI's module implements it; the defaults are what most CIs do, so a CI overrides
/// only where it differs. Nothing outside `ci` names a CI: it asks through this.
pub trait Ci: Sync {
    /// The CI's name, as its users write it.
    fn name(&self) -> &'static str;

    /// Whether this run is on this CI, from its variables.
    fn detect(&self, env: &Env) -> bool;

    /// Builds the context of this run. Never fails: what cannot be read is left out, with a
    /// warning.
    fn context(&self, env: &Env, inputs: &Inputs, warnings: &mut Warnings) -> Context;

    /// Whether this run's context is the built-in sample push event.
    fn renders_the_sample(&self, _inputs: &Inputs) -> bool {
        false
    }

    /// Why this run has no secrets, when the CI gives none to it on purpose.
    fn without_secrets(&self, _cx: &Context, _env: &Env) -> Option<String> {
        None
    }

    /// The usage error of a required credential left unset (`error`, worded for every CI),
    /// where this CI's users set it some other way, in `lang`.
    fn missing(&self, _name: Name, _lang: Lang, error: &Error) -> Error {
        error.clone()
    }

    /// Adds the notifying job to `cx.jobs` where the CI lists the run's other jobs only.
    fn count_this_job(&self, _cx: &mut Context) {}

    /// What this CI calls its run and the run's parts (GitHub's default: a run of jobs).
    fn words(&self) -> Words {
        Words::default()
    }

    /// The CI's REST API, for what its variables do not say.
    fn api(&self) -> Option<&dyn api::RunApi> {
        None
    }

    /// Why the run's status is unknown here and exactly what to set so that it is known, said
    /// once on stderr when nothing told it.
    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => "请设置 `status`（success、failure、cancelled……），取 CI 给出的本次运行结果",
            Lang::En => "set `status` (success, failure, cancelled, …) from the CI's word for the run's outcome",
        }
    }

    /// What to set so that the previous run's outcome is known, which `notify_on: fixed`,
    /// `broken` and `changed` need.
    fn unknown_previous(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => "请设置 `previous_status`：本分支上一次运行的结果",
            Lang::En => "set `previous_status` to the outcome of the previous run on this branch",
        }
    }

    /// The result the event itself reports about another run (a workflow run, a check, a
    /// deployment, a commit status), which a `status` setting should not contradict.
    fn event_result(&self, _cx: &Context) -> Option<crate::context::status::Status> {
        None
    }
}

/// Every CI, in the order they are tried (see the module's note): [`local::Local`], which
/// recognises any environment, last.
static CIS: [&dyn Ci; 6] =
    [&github::GitHub, &gitlab::GitLab, &woodpecker::Woodpecker, &drone::Drone, &jenkins::Jenkins, &local::Local];

/// The CI this run is on.
pub fn detect(env: &Env) -> &'static dyn Ci {
    CIS.into_iter().find(|ci| ci.detect(env)).unwrap_or(&local::Local)
}

/// What the context builders need from the settings.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// The GitHub event JSON's path (`event_path`, else `GITHUB_EVENT_PATH`).
    pub event_path: Option<String>,
    /// Render the built-in sample push event when no CI is found (dry run).
    pub sample: bool,
    /// The language of the warnings about the CI's data.
    pub lang: Lang,
}

/// A problem with the CI's data that is worth a warning but not a failure.
pub type Warnings = Vec<String>;

/// A multibranch pull request's author, as Jenkins names it (jenkins.io, "Pipeline:
/// Multibranch", `CHANGE_AUTHOR*`), when it does.
pub(super) fn change_author(env: &Env) -> Option<crate::context::Person> {
    env.get("CHANGE_AUTHOR").is_some().then(|| crate::context::Person {
        login: env.string("CHANGE_AUTHOR"),
        email: env.string("CHANGE_AUTHOR_EMAIL"),
        name: env.string("CHANGE_AUTHOR_DISPLAY_NAME"),
    })
}

/// A sha of zeros: git's "no commit" (the `before` of a new branch).
pub fn is_null_sha(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())), 0)
    }

    #[test]
    fn woodpecker_wins_over_its_drone_compatibility_variables() {
        let detect = |vars: &[(&str, &str)]| detect(&env(vars)).name();
        assert_eq!(detect(&[("CI", "woodpecker"), ("DRONE_BUILD_STATUS", "success")]), "Woodpecker");
        assert_eq!(detect(&[("CI", "true"), ("DRONE", "true")]), "Drone");
        assert_eq!(detect(&[("GITLAB_CI", "true"), ("CI", "true")]), "GitLab");
        assert_eq!(detect(&[("GITHUB_ACTIONS", "true")]), "GitHub");
        assert_eq!(detect(&[("GITHUB_ACTIONS", "")]), "no CI");
        assert_eq!(detect(&[("JENKINS_URL", "https://ci/"), ("BUILD_URL", "https://ci/job/x/1/")]), "Jenkins");
        assert_eq!(detect(&[("JENKINS_URL", "https://ci/"), ("GITLAB_CI", "true")]), "GitLab");
        assert_eq!(detect(&[("JENKINS_URL", "")]), "no CI");
    }

    #[test]
    fn null_shas_are_recognised() {
        assert!(is_null_sha("0000000000000000000000000000000000000000"));
        assert!(!is_null_sha("3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d"));
    }
}
