//! What the CI knows about the run: detect which CI this is and build one [`Context`] from it.
//!
//! Each CI has its own module that turns that CI's variables (and, on GitHub, the event JSON)
//! into a `Context`. Detection order matters: Woodpecker also sets Drone's `DRONE_*` names for
//! plugins, with a `DRONE_BUILD_STATUS` that is always `success`, so it is recognised first.
//! Jenkins comes after the CIs with a variable of their own: `JENKINS_URL` is the one sign of it,
//! and a job elsewhere could inherit it from a Jenkins that started it.

pub mod api;
pub mod pipeline;
pub mod previous;

mod drone;
mod github;
mod gitlab;
mod jenkins;
mod local;
mod woodpecker;

use crate::context::Context;
use crate::env::Env;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    GitHub,
    GitLab,
    Drone,
    Woodpecker,
    Jenkins,
    Local,
}

impl Ci {
    pub fn detect(env: &Env) -> Ci {
        if env.is("GITHUB_ACTIONS", "true") {
            Ci::GitHub
        } else if env.is("GITLAB_CI", "true") {
            Ci::GitLab
        } else if env.is("CI", "woodpecker") {
            Ci::Woodpecker
        } else if env.is("DRONE", "true") {
            Ci::Drone
        } else if env.get("JENKINS_URL").is_some() {
            Ci::Jenkins
        } else {
            Ci::Local
        }
    }
}

/// What the context builders need from the settings.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// The GitHub event JSON's path (`event_path`, else `GITHUB_EVENT_PATH`).
    pub event_path: Option<String>,
    /// Render the built-in sample push event when no CI is found (dry run).
    pub sample: bool,
}

/// A problem with the CI's data that is worth a warning but not a failure.
pub type Warnings = Vec<String>;

/// Whether this run's context is the built-in sample push event: a dry run outside any CI, with
/// no event file given.
pub fn renders_the_sample(ci: Ci, inputs: &Inputs) -> bool {
    ci == Ci::Local && inputs.sample && inputs.event_path.is_none()
}

/// Builds the context of this run. Never fails: what cannot be read is left out, with a warning.
pub fn context(ci: Ci, env: &Env, inputs: &Inputs, warnings: &mut Warnings) -> Context {
    match ci {
        Ci::GitHub => github::context(env, inputs.event_path.as_deref(), warnings),
        Ci::Local if renders_the_sample(ci, inputs) => local::sample(env),
        Ci::Local => match &inputs.event_path {
            // An event file given by hand is read as GitHub's, so templates can be tried locally.
            Some(path) => github::context(env, Some(path), warnings),
            None => local::context(env),
        },
        Ci::GitLab => gitlab::context(env),
        Ci::Drone => drone::context(env),
        Ci::Woodpecker => woodpecker::context(env),
        Ci::Jenkins => jenkins::context(env),
    }
}

/// Why this run has no secrets, when the CI gives none to it on purpose: on GitHub, a pull
/// request from a fork or opened by a bot.
pub fn without_secrets(ci: Ci, cx: &Context, env: &Env) -> Option<String> {
    match ci {
        Ci::GitHub => github::without_secrets(cx, env),
        _ => None,
    }
}

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
        assert_eq!(Ci::detect(&env(&[("CI", "woodpecker"), ("DRONE_BUILD_STATUS", "success")])), Ci::Woodpecker);
        assert_eq!(Ci::detect(&env(&[("CI", "true"), ("DRONE", "true")])), Ci::Drone);
        assert_eq!(Ci::detect(&env(&[("GITLAB_CI", "true"), ("CI", "true")])), Ci::GitLab);
        assert_eq!(Ci::detect(&env(&[("GITHUB_ACTIONS", "true")])), Ci::GitHub);
        assert_eq!(Ci::detect(&env(&[("GITHUB_ACTIONS", "")])), Ci::Local);
        assert_eq!(
            Ci::detect(&env(&[("JENKINS_URL", "https://ci/"), ("BUILD_URL", "https://ci/job/x/1/")])),
            Ci::Jenkins
        );
        assert_eq!(Ci::detect(&env(&[("JENKINS_URL", "https://ci/"), ("GITLAB_CI", "true")])), Ci::GitLab);
        assert_eq!(Ci::detect(&env(&[("JENKINS_URL", "")])), Ci::Local);
    }

    #[test]
    fn null_shas_are_recognised() {
        assert!(is_null_sha("0000000000000000000000000000000000000000"));
        assert!(!is_null_sha("3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d"));
    }
}
