//! Which built-in template each event gets: one row per kind of event, naming the events that
//! get it (GitHub's, GitLab's `merge_request_event`, `external_pull_request_event` and
//! `schedule`, Drone's `tag` and `cron`, Woodpecker's `pull_request_closed`, `release` and
//! `cron`), its text (`templates/<name>.md`), its title part (`templates/title/<part>.txt`) and
//! what the context must carry for each. Every file in `templates/` is embedded from here, and a
//! test checks that each is listed. The GitHub-only templates read the payload; the others work
//! from the context's fields alone.

use crate::context::payload::Json;
use crate::context::{Context, RefKind};

/// A built-in template: its name for the loader (its path under `templates/`) and its source.
pub struct Template {
    pub name: &'static str,
    pub source: &'static str,
}

macro_rules! template {
    ($name:literal) => {
        Template { name: $name, source: include_str!(concat!("../../templates/", $name)) }
    };
}

/// What the context must carry for a row's template to apply; without it, the event reads as
/// another (a `release` without a release is any event).
#[derive(Clone, Copy)]
enum Needs {
    Nothing,
    PullRequest,
    Release,
    /// A tag ref (Drone's `tag` event is told as a push of the tag only when it names one).
    Tag,
    /// An object under this key in the payload (GitHub's).
    Payload(&'static str),
}

impl Needs {
    fn met(self, cx: &Context) -> bool {
        match self {
            Needs::Nothing => true,
            Needs::PullRequest => cx.pr.is_some(),
            Needs::Release => cx.release.is_some(),
            Needs::Tag => cx.git_ref.as_ref().is_some_and(|r| r.kind == RefKind::Tag),
            Needs::Payload(key) => cx.payload.json().get(key).is_some_and(Json::is_object),
        }
    }
}

/// How a row's title ranks against the pull request or release the context carries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rank {
    /// Told before them: a push to a pull request's branch is a push, a comment on one a comment.
    First,
    /// Told for any event that carries what the title needs (a pull request, a release).
    Carried,
    /// Told when the context carries neither.
    Last,
}

/// One kind of event.
struct Event {
    names: &'static [&'static str],
    text: Template,
    text_needs: Needs,
    title: Template,
    title_needs: Needs,
    title_rank: Rank,
}

use Needs::{Nothing, Payload, PullRequest, Release, Tag};
use Rank::{Carried, First, Last};

macro_rules! event {
    ($names:expr, $text:literal if $text_needs:expr, $title:literal if $title_needs:expr, $rank:expr) => {
        Event {
            names: $names,
            text: template!($text),
            text_needs: $text_needs,
            title: template!($title),
            title_needs: $title_needs,
            title_rank: $rank,
        }
    };
}

#[rustfmt::skip]
static EVENTS: &[Event] = &[
    event!(&["push"], "push.md" if Nothing, "title/push.txt" if Nothing, First),
    event!(&["tag"], "push.md" if Nothing, "title/push.txt" if Tag, First),
    event!(
        &["pull_request", "pull_request_target", "merge_request_event", "external_pull_request_event", "pull_request_closed", "pull_request_metadata"],
        "pull_request.md" if PullRequest, "title/pr.txt" if PullRequest, Carried
    ),
    event!(&["pull_request_review"], "pull_request_review.md" if PullRequest, "title/review.txt" if PullRequest, First),
    event!(
        &["pull_request_review_comment", "pull_request_review_thread"],
        "review_comment.md" if PullRequest, "title/review_comment.txt" if PullRequest, First
    ),
    event!(&["release"], "release.md" if Release, "title/release.txt" if Release, Carried),
    event!(&["create", "delete"], "ref.md" if Nothing, "title/ref.txt" if Nothing, Last),
    event!(&["workflow_run"], "workflow_run.md" if Nothing, "title/workflow_run.txt" if Nothing, Last),
    event!(&["workflow_dispatch"], "workflow_dispatch.md" if Nothing, "title/workflow_dispatch.txt" if Nothing, Last),
    event!(&["schedule", "cron"], "schedule.md" if Nothing, "title/schedule.txt" if Nothing, Last),
    event!(&["repository_dispatch"], "repository_dispatch.md" if Nothing, "title/repository_dispatch.txt" if Nothing, Last),
    event!(&["issues"], "issues.md" if Nothing, "title/issues.txt" if Payload("issue"), Last),
    event!(&["issue_comment"], "issue_comment.md" if Nothing, "title/comment.txt" if Payload("issue"), First),
    event!(&["deployment_status"], "deployment_status.md" if Nothing, "title/deployment_status.txt" if Nothing, Last),
    event!(&["check_run"], "check_run.md" if Nothing, "title/check_run.txt" if Nothing, Last),
    event!(&["check_suite"], "check_suite.md" if Nothing, "title/check_suite.txt" if Nothing, Last),
    event!(&["merge_group"], "merge_group.md" if Nothing, "title/merge_group.txt" if Nothing, Last),
    event!(&["status"], "status.md" if Nothing, "title/status.txt" if Nothing, Last),
    event!(&["workflow_job"], "workflow_job.md" if Payload("workflow_job"), "title/workflow_job.txt" if Payload("workflow_job"), Last),
    event!(&["discussion", "discussion_comment"], "discussion.md" if Nothing, "title/discussion.txt" if Payload("discussion"), Last),
];

/// The summary for any event, and the one to fall back on.
static GENERIC: Event = event!(&[], "generic.md" if Nothing, "title/generic.txt" if Nothing, Last);

/// What every summary uses: the macros the texts import, and the title's frame around the part
/// the event gets.
static SHARED: [Template; 2] = [template!("macros.md"), template!("title.txt")];

fn named(name: &str) -> Option<&'static Event> {
    EVENTS.iter().find(|e| e.names.contains(&name))
}

/// The name of the built-in text template for the context's event; an event that carries a pull
/// request gets the pull request's.
pub fn text(cx: &Context) -> &'static str {
    match named(&cx.event) {
        Some(e) if e.text_needs.met(cx) => e.text.name,
        _ if cx.pr.is_some() => named("pull_request").unwrap_or(&GENERIC).text.name,
        _ => GENERIC.text.name,
    }
}

/// The name of the built-in text for any event, when the event's own fails.
pub fn generic_text() -> &'static str {
    GENERIC.text.name
}

/// The name of the built-in title's frame, which includes the event's [`title`] part.
pub fn title_frame() -> &'static str {
    SHARED[1].name
}

/// The name of the title part for the context's event: the same choice as [`text`], from the
/// facts the title needs, and ranked against the pull request or release the context carries.
pub fn title(cx: &Context) -> &'static str {
    let own = named(&cx.event).filter(|e| e.title_needs.met(cx));
    let event = match own {
        Some(e) if e.title_rank == First => e,
        _ => EVENTS.iter().find(|e| e.title_rank == Carried && e.title_needs.met(cx)).or(own).unwrap_or(&GENERIC),
    };
    event.title.name
}

/// Every built-in template, for the loader.
pub fn templates() -> impl Iterator<Item = &'static Template> {
    SHARED.iter().chain(EVENTS.iter().chain([&GENERIC]).flat_map(|e| [&e.text, &e.title]))
}

/// The source of the built-in template `name`.
pub fn source(name: &str) -> Option<&'static str> {
    templates().find(|t| t.name == name).map(|t| t.source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{PullRequest, Ref};

    #[test]
    fn every_file_in_templates_is_registered_and_every_registered_name_is_a_file() {
        fn walk(dir: &std::path::Path, root: &std::path::Path, files: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, root, files);
                } else {
                    let name = path.strip_prefix(root).unwrap().components();
                    files.push(name.map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        walk(&root, &root, &mut files);
        files.sort();
        let mut registered: Vec<String> = templates().map(|t| t.name.to_owned()).collect();
        registered.sort();
        registered.dedup();
        assert_eq!(files, registered, "templates/ and the registry in src/summary/events.rs differ");
    }

    #[test]
    fn each_event_name_is_in_one_row() {
        let mut names: Vec<&str> = EVENTS.iter().flat_map(|e| e.names.iter().copied()).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "an event name is in two rows");
    }

    #[test]
    fn a_carried_pull_request_names_the_title_but_not_the_text_of_most_events() {
        let cx = |event: &str, pr: bool| Context {
            event: event.into(),
            pr: pr.then(PullRequest::default),
            git_ref: Some(Ref { name: "main".into(), kind: RefKind::Branch }),
            ..Context::default()
        };
        let chosen = |event, pr| (text(&cx(event, pr)), title(&cx(event, pr)));
        assert_eq!(chosen("push", true), ("push.md", "title/push.txt"));
        assert_eq!(chosen("workflow_run", true), ("workflow_run.md", "title/pr.txt"));
        assert_eq!(chosen("manual", true), ("pull_request.md", "title/pr.txt"));
        assert_eq!(chosen("pull_request", false), ("generic.md", "title/generic.txt"));
        assert_eq!(chosen("tag", false), ("push.md", "title/generic.txt"), "a tag event without a tag ref");
        assert_eq!(chosen("issues", false), ("issues.md", "title/generic.txt"), "no issue in the payload");
        let release = Context { release: Some(crate::context::Release::default()), ..cx("check_run", false) };
        assert_eq!((text(&release), title(&release)), ("check_run.md", "title/release.txt"));
        let both = Context { pr: Some(PullRequest::default()), ..release };
        assert_eq!(title(&both), "title/pr.txt", "the pull request before the release");
    }
}
