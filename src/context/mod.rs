//! The normalized context that templates see: one shape whichever CI the run came from.
//!
//! Every CI module (`src/ci/*`) fills a [`Context`]; `render` serializes it for minijinja. A fact
//! the CI does not give stays `None` (rendered as `none`, so templates can test it with `if`),
//! never an empty string.

pub mod commits;
pub mod jobs;
pub mod payload;
pub mod status;

use serde::Serialize;

use crate::context::commits::Commits;
use crate::context::jobs::Job;
use crate::context::payload::Payload;
use crate::context::status::Status;
use crate::summary::catalog::Lang;

#[derive(Debug, Default, Clone, Serialize)]
pub struct Context {
    /// Which CI produced this context: `github`, `gitlab`, `drone`, `woodpecker`, `jenkins` or `local`.
    pub ci: &'static str,
    /// What that CI calls the run and its parts, so that the summary speaks its terms.
    pub words: Words,
    /// The language of the summary (the `lang` setting): `zh-CN` or `en`.
    pub lang: Lang,
    /// The `timezone` setting, in minutes east of UTC: times are shown in it.
    #[serde(skip)]
    pub utc_offset: i32,
    pub repo: Repo,
    pub status: Status,
    /// The outcome of the previous run of this pipeline on this branch, where known.
    pub previous_status: Option<Status>,
    /// `fixed` or `broken` when the outcome changed since the previous run; else none.
    pub change: Option<Change>,
    /// The CI's own event name (`push`, `pull_request`, `merge_request_event`, `tag`, …).
    pub event: String,
    /// The event's action where it has one (`opened`, `closed`, `completed`, …).
    pub action: Option<String>,
    #[serde(rename = "ref")]
    pub git_ref: Option<Ref>,
    pub commit: Option<Commit>,
    /// Who triggered the run.
    pub actor: Option<String>,
    pub run: Run,
    /// The pipeline's jobs, where known (the `jobs` setting, Drone's failed steps, the APIs).
    pub jobs: Vec<Job>,
    pub pr: Option<PullRequest>,
    /// Commits of a push, oldest first.
    pub commits: Commits,
    pub compare_url: Option<String>,
    pub release: Option<Release>,
    /// The environment a promotion, rollback or deployment goes to (Drone's `DRONE_DEPLOY_TO`).
    pub deploy_to: Option<String>,
    /// An annotated tag's message, in a tag's pipeline (GitLab's `CI_COMMIT_TAG_MESSAGE`).
    pub tag_message: Option<String>,
    /// The `message` setting.
    pub message: Option<String>,
    /// GitHub only: the whole event JSON (`null` elsewhere).
    pub payload: Payload,
    /// The person the run is about, for `at_author` (not shown to templates).
    #[serde(skip)]
    pub person: Person,
}

/// What a CI calls its run and the parts of the run that `jobs` lists. Each is the last word of
/// catalog keys (`view_pipeline`, `failed.step`, `parts.stage`, `button.build`): a template says
/// "view the pipeline" or "failed steps" in the language without naming the CI.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Words {
    pub run: RunNoun,
    pub part: PartNoun,
}

/// A run, as its CI calls it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunNoun {
    /// GitHub's workflow run: 运行.
    #[default]
    Run,
    /// 流水线.
    Pipeline,
    /// 构建.
    Build,
}

/// A part of a run, as its CI calls it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartNoun {
    /// 作业.
    #[default]
    Job,
    /// 阶段.
    Stage,
    /// 步骤.
    Step,
}

impl RunNoun {
    pub const ALL: [RunNoun; 3] = [RunNoun::Run, RunNoun::Pipeline, RunNoun::Build];

    pub fn as_str(self) -> &'static str {
        match self {
            RunNoun::Run => "run",
            RunNoun::Pipeline => "pipeline",
            RunNoun::Build => "build",
        }
    }
}

impl PartNoun {
    pub const ALL: [PartNoun; 3] = [PartNoun::Job, PartNoun::Stage, PartNoun::Step];

    pub fn as_str(self) -> &'static str {
        match self {
            PartNoun::Job => "job",
            PartNoun::Stage => "stage",
            PartNoun::Step => "step",
        }
    }
}

/// How the outcome differs from the previous run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// A success after a failed run.
    Fixed,
    /// A failure after a successful run.
    Broken,
}

impl Change {
    /// The change from `previous` to `now`: only success after failure, or failure after success.
    pub fn between(previous: Option<Status>, now: Status) -> Option<Change> {
        match (previous?, now) {
            (Status::Failure, Status::Success) => Some(Change::Fixed),
            (Status::Success, Status::Failure) => Some(Change::Broken),
            _ => None,
        }
    }
}

/// Who the run is about (README, `at_author`): a pull request's author, a push's head commit's
/// author, else whoever started it; each identity as the CI gives it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Person {
    pub login: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

impl Person {
    pub fn login(login: Option<String>) -> Person {
        Person { login, ..Person::default() }
    }

    /// The identities to look up, in the order they are tried: login, email, name.
    pub fn identities(&self) -> impl Iterator<Item = &str> {
        [&self.login, &self.email, &self.name].into_iter().flatten().map(String::as_str)
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Repo {
    /// Short name: `hello-world`.
    pub name: Option<String>,
    /// `owner/name` (GitLab: the whole path, groups included).
    pub full_name: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    Branch,
    Tag,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ref {
    /// Short name: `main`, `v1.2.0`.
    pub name: String,
    pub kind: RefKind,
}

impl Ref {
    /// Reads a full ref (`refs/heads/x`, `refs/tags/v1`); anything else is taken as a branch name.
    pub fn parse(full: &str) -> Option<Ref> {
        let (name, kind) = if let Some(tag) = full.strip_prefix("refs/tags/") {
            (tag, RefKind::Tag)
        } else {
            (full.strip_prefix("refs/heads/").unwrap_or(full), RefKind::Branch)
        };
        (!name.is_empty()).then(|| Ref { name: name.to_owned(), kind })
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Commit {
    pub sha: String,
    pub short_sha: String,
    /// First line of the message.
    pub title: Option<String>,
    pub message: Option<String>,
    pub author: Option<String>,
    pub author_email: Option<String>,
    pub url: Option<String>,
}

impl Commit {
    /// A commit from its sha and full message; title and short sha are derived.
    pub fn new(sha: &str, message: Option<&str>) -> Commit {
        let message = message.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
        Commit {
            sha: sha.to_owned(),
            short_sha: sha.chars().take(7).collect(),
            title: message.as_deref().and_then(|m| m.lines().next()).map(|t| t.trim().to_owned()),
            message,
            author: None,
            author_email: None,
            url: None,
        }
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Run {
    pub id: Option<String>,
    pub number: Option<String>,
    pub attempt: Option<String>,
    /// Link to the run (pipeline, build) in the CI's web UI.
    pub url: Option<String>,
    pub workflow: Option<String>,
    pub job: Option<String>,
    /// RFC 3339, UTC.
    pub started_at: Option<String>,
    /// Seconds from start to finish, or to now when the run is still going.
    pub duration: Option<u64>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct PullRequest {
    /// What the forge calls it, and so how the summary names it.
    pub kind: ChangeKind,
    pub number: u64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    /// Target branch.
    pub base: Option<String>,
    /// Source branch.
    pub head: Option<String>,
    pub draft: bool,
    pub merged: bool,
    /// `open` or `closed`, where known.
    pub state: Option<String>,
}

/// A change request as its forge names it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A pull request, `#12`.
    #[default]
    PullRequest,
    /// GitLab's merge request, `!12`.
    MergeRequest,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Release {
    pub tag: String,
    pub name: Option<String>,
    pub url: Option<String>,
    pub prerelease: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_success_after_failure_and_failure_after_success_are_changes() {
        use Status::{Cancelled, Failure, Success};
        assert_eq!(Change::between(Some(Failure), Success), Some(Change::Fixed));
        assert_eq!(Change::between(Some(Success), Failure), Some(Change::Broken));
        for (previous, now) in [(Some(Success), Success), (Some(Cancelled), Success), (None, Failure)] {
            assert_eq!(Change::between(previous, now), None, "{previous:?} → {now:?}");
        }
    }

    #[test]
    fn templates_read_each_ci_word_as_the_catalog_keys_end() {
        for run in RunNoun::ALL {
            let part = PartNoun::ALL[run as usize];
            let json = serde_json::to_value(Words { run, part }).unwrap();
            assert_eq!(json, serde_json::json!({"run": run.as_str(), "part": part.as_str()}));
        }
        assert_eq!(serde_json::to_value(Words::default()).unwrap(), serde_json::json!({"run": "run", "part": "job"}));
    }

    #[test]
    fn refs_are_split_into_kind_and_short_name() {
        let tag = Ref::parse("refs/tags/v1.2.0").unwrap();
        assert_eq!((tag.name.as_str(), tag.kind), ("v1.2.0", RefKind::Tag));
        let branch = Ref::parse("refs/heads/feature/x").unwrap();
        assert_eq!((branch.name.as_str(), branch.kind), ("feature/x", RefKind::Branch));
        assert_eq!(Ref::parse("main").unwrap().name, "main");
        assert!(Ref::parse("refs/heads/").is_none());
    }

    #[test]
    fn commit_title_is_the_first_line_of_the_trimmed_message() {
        let c = Commit::new("0123456789abcdef", Some("\n  Fix it\n\nBecause.\n"));
        assert_eq!(c.short_sha, "0123456");
        assert_eq!(c.title.as_deref(), Some("Fix it"));
        assert_eq!(c.message.as_deref(), Some("Fix it\n\nBecause."));
        assert!(Commit::new("abc", Some("  ")).title.is_none());
    }
}
