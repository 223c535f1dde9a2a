//! No CI found: a shell, or a CI we do not know. The summary is built from the settings and
//! whatever the `GIT_*` variables (Jenkins and others set them) and git itself can tell.

use std::process::Command;

use super::{Ci, Env, Inputs, Warnings, github};
use crate::context::status::Status;
use crate::context::{Commit, Context, Person, Ref, Repo};
use crate::summary::catalog::Lang;

pub struct Local;

impl Ci for Local {
    fn name(&self) -> &'static str {
        "no CI"
    }

    /// Whatever no other CI recognised: tried last.
    fn detect(&self, _: &Env) -> bool {
        true
    }

    fn context(&self, env: &Env, inputs: &Inputs, warnings: &mut Warnings) -> Context {
        match &inputs.event_path {
            _ if self.renders_the_sample(inputs) => sample(env),
            // An event file given by hand is read as GitHub's, so templates can be tried locally.
            Some(path) => github::context(env, Some(path), inputs.lang, warnings),
            None => context(env),
        }
    }

    /// A dry run outside any CI, with no event file given.
    fn renders_the_sample(&self, inputs: &Inputs) -> bool {
        inputs.sample && inputs.event_path.is_none()
    }

    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => "没有识别出 CI：请设置 `status`（success、failure、cancelled……）",
            Lang::En => "no CI found: set `status` (success, failure, cancelled, …)",
        }
    }
}

pub fn context(env: &Env) -> Context {
    // One git process (each costs over a millisecond): sha, author, ref names and message of the
    // head commit, NUL-separated.
    let head = git(&["log", "-1", "--format=%H%x00%an%x00%D%x00%B"]);
    let mut head = head.as_deref().unwrap_or("").splitn(4, '\0');
    let (git_sha, git_author, git_refs, git_message) = (head.next(), head.next(), head.next(), head.next());
    let sha = env.first(&["GIT_COMMIT", "GIT_SHA"]).or_else(|| git_sha.filter(|s| !s.is_empty()).map(str::to_owned));
    let same_commit = sha.as_deref() == git_sha;
    let commit = sha.map(|sha| Commit {
        author: env
            .string("GIT_AUTHOR_NAME")
            .or_else(|| git_author.filter(|a| same_commit && !a.is_empty()).map(str::to_owned)),
        ..Commit::new(&sha, git_message.filter(|_| same_commit))
    });
    // A pull request's author where the CI names one; else the commit's author is who the
    // build is about.
    let person = super::change_author(env).unwrap_or_else(|| Person {
        login: None,
        email: env.string("GIT_AUTHOR_EMAIL").or_else(|| env.string("GIT_COMMITTER_EMAIL")),
        name: commit.as_ref().and_then(|c| c.author.clone()),
    });
    let branch = env.first(&["GIT_BRANCH", "BRANCH_NAME"]).or_else(|| git_refs.and_then(checked_out_branch));
    Context {
        ci: "local",
        repo: Repo::default(),
        status: Status::Unknown,
        event: "manual".into(),
        git_ref: branch.and_then(|b| Ref::parse(b.trim_start_matches("origin/"))),
        commit,
        actor: env.first(&["GIT_AUTHOR_NAME", "USER"]),
        person,
        ..Context::default()
    }
}

/// The head commit of the working directory's repository, with its message and author, when it
/// is `sha` (Jenkins names the commit but not its message).
pub(super) fn git_commit(sha: &str) -> Option<Commit> {
    let head = git(&["log", "-1", "--format=%H%x00%an%x00%B"])?;
    let mut head = head.splitn(3, '\0');
    let (git_sha, author, message) = (head.next()?, head.next()?, head.next());
    (git_sha == sha)
        .then(|| Commit { author: Some(author.to_owned()).filter(|a| !a.is_empty()), ..Commit::new(sha, message) })
}

/// The built-in sample push event: what `--dry-run` shows outside any CI.
pub fn sample(env: &Env) -> Context {
    github::sample(env)
}

/// The branch in `%D` ref names (`HEAD -> main, origin/main, tag: v1`); none when detached.
fn checked_out_branch(refs: &str) -> Option<String> {
    refs.split(", ").find_map(|r| r.strip_prefix("HEAD -> ")).map(str::to_owned)
}

/// A line of git's output, or nothing when git is missing or this is no repository.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).stderr(std::process::Stdio::null()).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_branch_is_read_from_the_ref_names_of_the_head_commit() {
        assert_eq!(checked_out_branch("HEAD -> feat/x, origin/feat/x, tag: v1").as_deref(), Some("feat/x"));
        assert_eq!(checked_out_branch("tag: v1, origin/main"), None, "not on a branch");
        assert_eq!(checked_out_branch("HEAD, origin/main"), None, "detached");
    }
}
