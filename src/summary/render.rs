//! The summary's title and text from the context: the built-in template the event gets (or the
//! generic one, or a one-line fallback when a payload trips it up), or the user's templates,
//! which `sandbox` renders apart from this process.
//!
//! Built-in templates live in `templates/` and are embedded at compile time; every template is
//! rendered in `engine`'s environment, so that commit messages, titles and branch names cannot
//! add markdown. Built-in templates are lenient (payloads differ per event and CI), user
//! templates strict, so that a typo is an error at its line.

use minijinja::UndefinedBehavior;
use minijinja::value::Value;

use crate::context::Context;
use crate::error::Error;
use crate::settings::CustomTemplate;
use crate::summary::catalog;
use crate::summary::engine::{Kind, emoji, environment, shorten};
use crate::summary::events;
use crate::summary::markdown::{escape_md, safe_url, tidy};

/// The rendered summary: `title` is plain text (the chat list), `text` is DingTalk markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub title: String,
    pub text: String,
}

/// The chat list shows little more; a longer title is cut with `…`.
const MAX_TITLE_CHARS: usize = 100;

/// A title as the chat list takes it: one line (whitespace runs become one space) of at most
/// [`MAX_TITLE_CHARS`] characters, the cut marked with `…`. Applying it twice changes nothing.
pub fn title_line(title: &str) -> String {
    shorten(title, Some(MAX_TITLE_CHARS))
}

/// The last resort when even the generic template fails: status, repository, event and run.
fn fallback(cx: &Context) -> String {
    let word = |key: &str| catalog::phrase(cx.lang, key).unwrap_or_default();
    let repo = escape_md(cx.repo.full_name.as_deref().unwrap_or_else(|| word("build")));
    let run = cx
        .run
        .url
        .as_deref()
        .and_then(safe_url)
        .map(|u| format!("\n\n[{}]({u})", word(&format!("view_{}", cx.words.run.as_str()))))
        .unwrap_or_default();
    format!(
        "#### {} {repo} · {}\n\n{}{run}",
        emoji(cx.status.as_str()),
        word(&format!("status.{}", cx.status)),
        escape_md(&cx.event)
    )
}

/// Renders the summary. A custom template that does not parse or render is a usage error that
/// names where the template came from and the line. A built-in template that trips over an odd
/// payload is a warning: the generic summary, or a one-line one, is sent instead.
pub fn summary(
    cx: &Context,
    title: Option<&CustomTemplate>,
    custom: Option<&CustomTemplate>,
    warnings: &mut Vec<String>,
) -> Result<Summary, Error> {
    // The user's templates (the text, the title: a template too, plain text) are rendered
    // strictly by `sandbox`: here when they can neither loop nor grow, else together in a child.
    // A title without template syntax is used as it is: no process to start for it.
    let literal_title = title.filter(|t| !["{{", "{%", "{#"].iter().any(|m| t.source.contains(m)));
    let template_title = title.filter(|_| literal_title.is_none());
    let parts: Vec<(&CustomTemplate, Kind)> =
        custom.map(|t| (t, Kind::Text)).into_iter().chain(template_title.map(|t| (t, Kind::Title))).collect();
    // A child starts first, so that its start (the cost of a template that needs one) overlaps
    // the built-in text's rendering.
    let pending = if parts.is_empty() { None } else { Some(crate::summary::sandbox::start(cx, &parts)?) };
    let env = environment(UndefinedBehavior::Chainable, cx.lang, cx.utc_offset);
    let ctx = Value::from_serialize(cx);
    let render = |name: &str| env.get_template(name).and_then(|t| t.render(&ctx));
    // Kept apart until the user's templates are known to render: a failed run tells only that.
    let mut own_warnings = Vec::new();
    let text = match custom {
        Some(_) => None,
        None => Some(render(events::text(cx)).unwrap_or_else(|e| {
            let args = [("event", cx.event.as_str()), ("error", &e.to_string())];
            own_warnings.push(crate::summary::catalog::say(cx.lang, "template.builtin_failed", &args));
            render(events::generic_text()).unwrap_or_else(|_| fallback(cx))
        })),
    };
    let title = match (literal_title, template_title) {
        (Some(t), _) => Some(t.source.clone()),
        (None, Some(_)) => None,
        // The built-in title is lenient like every built-in template, even next to a strict
        // custom text.
        (None, None) => Some(
            env.get_template(events::title_frame())
                .and_then(|t| t.render(minijinja::context! { title_part => events::title(cx), ..ctx.clone() }))
                .unwrap_or_else(|_| {
                    let word = |key: &str| catalog::phrase(cx.lang, key).unwrap_or_default();
                    format!(
                        "{} {} · {} · {}",
                        emoji(cx.status.as_str()),
                        word(&format!("status.{}", cx.status)),
                        cx.repo.full_name.as_deref().unwrap_or_else(|| word("build")),
                        cx.event
                    )
                }),
        ),
    };
    let mut customs = match pending {
        Some(pending) => pending.texts(&ctx)?,
        None => Vec::new(),
    }
    .into_iter();
    warnings.append(&mut own_warnings);
    // The user's texts come in the order of `parts`: the text, then the title.
    let text = text.unwrap_or_else(|| customs.next().unwrap_or_default());
    let title = title.unwrap_or_else(|| customs.next().unwrap_or_default());
    Ok(Summary { title: title_line(&title), text: tidy(&text) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::status::Status;
    use crate::summary::catalog::Lang;

    #[test]
    fn a_title_is_one_line_of_100_characters_and_stays_so() {
        let long = format!("{}\n\n{}", "汉".repeat(60), "a b  c ".repeat(20));
        let line = title_line(&long);
        assert!(line.chars().count() <= 100 && line.starts_with(&"汉".repeat(60)), "{line}");
        assert!(line.ends_with('…') && !line.contains('\n') && !line.contains("  "), "{line}");
        for title in [long.as_str(), " x\ty ", "short", ""] {
            assert_eq!(title_line(&title_line(title)), title_line(title), "{title:?}");
        }
    }

    fn template(source: &str) -> CustomTemplate {
        CustomTemplate { source: source.into(), origin: "t".into() }
    }

    #[test]
    fn the_title_is_a_plain_text_template_with_the_same_context() {
        let cx = Context {
            event: "push".into(),
            status: Status::Failure,
            repo: crate::context::Repo { name: Some("a_b".into()), ..Default::default() },
            ..Context::default()
        };
        let title = template("{{ repo.name }} 构建 {{ status }} {{ t('status.' ~ status) }} {{ '**x**' }}");
        let s = summary(&cx, Some(&title), None, &mut vec![]).unwrap();
        assert_eq!(s.title, "a_b 构建 failure 失败 **x**", "plain text: nothing escaped");
        let e = summary(&cx, Some(&template("{{ repo.nam }}")), None, &mut vec![]).unwrap_err();
        assert_eq!(e.message, "模板（来自 t）无法渲染，第 1 行：未定义的值；请修改模板");
        let en = Context { lang: Lang::En, ..cx.clone() };
        let e = summary(&en, Some(&template("{{ repo.nam }}")), None, &mut vec![]).unwrap_err();
        assert!(e.message.contains("the template from t") && e.message.contains("line 1"), "{}", e.message);
        // The default title leads with the outcome, as an emoji and in words: the phone's preview
        // says what happened before what it happened to.
        assert!(summary(&cx, None, None, &mut vec![]).unwrap().title.starts_with("❌ 失败 · a_b · "));
        let broken = Context { change: Some(crate::context::Change::Broken), lang: Lang::En, ..cx.clone() };
        assert!(summary(&broken, None, None, &mut vec![]).unwrap().title.starts_with("❌ Broken · a_b · "));
    }

    #[test]
    fn custom_templates_get_the_phrases_of_their_language() {
        let source = template(
            "{{ lang }}: {{ t('push.pushed', n=3, ref='[x](y)') }} · {{ 'view_run'|t }} · {{ run.duration|duration }}|{{ run.started_at|datetime }}|{{ t('nope', default='x') }}",
        );
        for (lang, want) in [
            (Lang::ZhCn, "zh-CN: 推送了 3 个提交到[x]\u{2060}(y) · 查看运行 · |2024-06-11 17:18|x"),
            (Lang::En, "en: pushed 3 commits to [x]\u{2060}(y) · View run · |2024-06-11 17:18|x"),
        ] {
            let cx = Context {
                event: "push".into(),
                lang,
                utc_offset: 480,
                run: crate::context::Run { started_at: Some("2024-06-11T09:18:42Z".into()), ..Default::default() },
                ..Context::default()
            };
            assert_eq!(summary(&cx, Some(&template("T")), Some(&source), &mut vec![]).unwrap().text, want);
            let e = summary(&cx, None, Some(&template("{{ t('nope') }}")), &mut vec![]).unwrap_err();
            let said =
                if lang == Lang::En { "no phrase `nope`" } else { "无效的操作：目录中没有短语 `nope`" };
            assert!(e.message.contains(said), "{}", e.message);
        }
    }

    #[test]
    fn custom_template_errors_name_the_origin_and_line() {
        let cx = Context { event: "push".into(), ..Context::default() };
        let broken = CustomTemplate { source: "ok\n{% if %}".into(), origin: "INPUT_TEMPLATE".into() };
        let e = summary(&cx, None, Some(&broken), &mut vec![]).unwrap_err();
        assert_eq!(
            e.message,
            "模板（来自 INPUT_TEMPLATE）无法渲染，第 2 行：语法错误（`unexpected end of block`）；请修改模板"
        );
        let cx = Context { lang: Lang::En, ..cx };
        let e = summary(&cx, None, Some(&broken), &mut vec![]).unwrap_err();
        assert!(e.message.contains("INPUT_TEMPLATE") && e.message.contains("line 2"), "{}", e.message);
        let undefined = CustomTemplate { source: "{{ nope.x }}".into(), origin: "t.md".into() };
        let e = summary(&cx, None, Some(&undefined), &mut vec![]).unwrap_err();
        assert!(e.message.contains("t.md") && e.message.contains("line 1"), "{}", e.message);
    }

    #[test]
    fn custom_templates_are_escaped_unless_marked_safe() {
        let cx = Context { event: "push".into(), message: Some("**hi** <b>x</b>".into()), ..Context::default() };
        let t = CustomTemplate { source: "{{ message }} {{ '**ok**'|safe }}".into(), origin: "t".into() };
        assert_eq!(
            summary(&cx, Some(&template("T")), Some(&t), &mut vec![]).unwrap().text,
            "**hi** <\u{2060}b>x<\u{2060}/b> **ok**"
        );
    }
}

/// The built-in summaries from the context's fields alone, as GitLab, Drone and Woodpecker give
/// them (no payload), and from an almost empty context.
#[cfg(test)]
mod without_payload {
    use super::*;
    use crate::context::status::Status;
    use crate::context::{Commit, PartNoun, PullRequest, Ref, RefKind, Release, Repo, Run, RunNoun, Words};
    use crate::summary::catalog::Lang;

    /// Each CI's words, as its `Ci::words` says them.
    fn words(ci: &str) -> Words {
        match ci {
            "gitlab" => Words { run: RunNoun::Pipeline, part: PartNoun::Job },
            "drone" => Words { run: RunNoun::Build, part: PartNoun::Step },
            "woodpecker" => Words { run: RunNoun::Pipeline, part: PartNoun::Step },
            _ => Words::default(),
        }
    }

    fn base(ci: &'static str, event: &str) -> Context {
        Context {
            ci,
            words: words(ci),
            repo: Repo {
                name: Some("app".into()),
                full_name: Some("group/app".into()),
                url: Some("https://git.example.com/group/app".into()),
            },
            status: Status::Failure,
            event: event.into(),
            actor: Some("alice".into()),
            git_ref: Some(Ref { name: "main".into(), kind: RefKind::Branch }),
            commit: Some(Commit {
                author: Some("Alice".into()),
                url: Some("https://git.example.com/group/app/-/commit/0123456789abcdef".into()),
                ..Commit::new("0123456789abcdef", Some("Fix the *build*\n\nBody"))
            }),
            run: Run {
                id: Some("42".into()),
                number: Some("7".into()),
                url: Some("https://git.example.com/group/app/-/pipelines/42".into()),
                duration: Some(276),
                ..Run::default()
            },
            ..Context::default()
        }
    }

    fn pr() -> PullRequest {
        PullRequest {
            number: 12,
            title: Some("Add [docs](x)".into()),
            url: Some("https://git.example.com/group/app/-/merge_requests/12".into()),
            author: Some("bob".into()),
            base: Some("main".into()),
            head: Some("feature/docs".into()),
            ..PullRequest::default()
        }
    }

    fn cases() -> Vec<(&'static str, Context)> {
        let mut gitlab_push = base("gitlab", "push");
        gitlab_push.compare_url = Some("https://git.example.com/group/app/-/compare/a...b".into());
        let mr = PullRequest { kind: crate::context::ChangeKind::MergeRequest, ..pr() };
        let gitlab_mr = Context { pr: Some(mr), ..base("gitlab", "merge_request_event") };
        let drone_tag =
            Context { git_ref: Some(Ref { name: "v1.2.0".into(), kind: RefKind::Tag }), ..base("drone", "tag") };
        // Drone names the failed steps.
        let drone_pr = Context {
            pr: Some(pr()),
            action: Some("synchronized".into()),
            jobs: vec![
                crate::context::jobs::Job::new("build", Status::Success, None),
                crate::context::jobs::Job::new("test", Status::Failure, None),
            ],
            ..base("drone", "pull_request")
        };
        let woodpecker_closed =
            Context { pr: Some(pr()), action: Some("closed".into()), ..base("woodpecker", "pull_request_closed") };
        let woodpecker_release = Context {
            release: Some(Release {
                tag: "v2.0.0".into(),
                name: None,
                url: Some("https://codeberg.org/group/app/releases/tag/v2.0.0".into()),
                prerelease: false,
            }),
            ..base("woodpecker", "release")
        };
        let woodpecker_cron = base("woodpecker", "cron");
        let gitlab_web = base("gitlab", "web");
        let bare_push = Context { ci: "local", event: "push".into(), status: Status::Unknown, ..Context::default() };
        let bare_pr = Context {
            ci: "drone",
            words: words("drone"),
            event: "pull_request".into(),
            status: Status::Unknown,
            pr: Some(PullRequest { number: 3, ..PullRequest::default() }),
            ..Context::default()
        };
        let bare_other = Context { ci: "local", event: "manual".into(), status: Status::Unknown, ..Context::default() };
        vec![
            ("gitlab_push", gitlab_push),
            ("gitlab_merge_request", gitlab_mr),
            ("drone_tag", drone_tag),
            ("drone_pull_request", drone_pr),
            ("woodpecker_pull_request_closed", woodpecker_closed),
            ("woodpecker_release", woodpecker_release),
            ("woodpecker_cron", woodpecker_cron),
            ("gitlab_web", gitlab_web),
            ("bare_push", bare_push),
            ("bare_pull_request", bare_pr),
            ("bare_manual", bare_other),
        ]
    }

    #[test]
    fn summaries_read_well_from_the_context_alone() {
        let each_language = cases().into_iter().flat_map(|(name, cx)| {
            Lang::ALL.iter().map(move |(code, lang)| (format!("{name}.{code}"), Context { lang: *lang, ..cx.clone() }))
        });
        for (name, cx) in each_language {
            let mut warnings = vec![];
            let s = summary(&cx, None, None, &mut warnings).unwrap();
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            for empty in ["****", "** **", "[]", "()", "（）", "by  ", " on  ", "·  ·", " · \n", "#none", "none", "{"]
            {
                assert!(!s.text.contains(empty), "{name}: {empty:?} in\n{}", s.text);
            }
            let t = &s.title;
            assert!(
                !t.contains("  ") && !t.ends_with(':') && !t.ends_with('·') && !t.to_lowercase().contains("none"),
                "{name}: {t}"
            );
            insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(name.as_str(), format!("title: {}\n\n{}\n", s.title, s.text));
            });
        }
    }
}

#[cfg(test)]
mod documented_filters {
    use super::*;
    use crate::context::status::Status;

    /// The examples of docs/templates.md's filter table.
    #[test]
    fn filters_do_what_the_docs_say() {
        let cx = Context { event: "push".into(), status: Status::Success, utc_offset: 480, ..Context::default() };
        let render = |source: &str| {
            let t = CustomTemplate { source: source.into(), origin: "t".into() };
            let title = CustomTemplate { source: "T".into(), origin: "t".into() };
            summary(&cx, Some(&title), Some(&t), &mut vec![]).unwrap().text
        };
        assert_eq!(render("{{ status|emoji }}"), "✅");
        assert_eq!(render("{{ 276|duration }} {{ 97200|duration }} {{ none|duration }}."), "4 分 36 秒 1 天 3 小时 .");
        assert_eq!(render("{{ '2024-06-11T09:18:42Z'|datetime }}"), "2024-06-11 17:18");
        assert_eq!(render("{{ 'view_run'|t }} {{ t('more_commits', n=2) }}"), "查看运行 还有 2 个提交");
        assert_eq!(render("{{ 'ｆix: a_b'|upper_first }}"), "Ｆix: a_b");
        assert_eq!(render("{{ '<!-- x -->\n## 变更\n- [x] 测试'|plain }}"), "变更 ☑ 测试");
        assert_eq!(render("{{ 'Fix the build\n\nBecause'|first_line }}"), "Fix the build");
        assert_eq!(render("{{ 'a long body'|shorten(6) }}"), "a lon…");
        assert_eq!(render("{{ '[x](y)'|e }}"), "[x]\u{2060}(y)");
        assert_eq!(render("{{ '**bold**'|safe }}"), "**bold**");
        assert_eq!(render("{{ 'sha'|link('https://x/c/1') }}"), "[sha](https://x/c/1)");
        assert_eq!(render("[Logs]({{ 'https://x/a (1)'|url }})"), "[Logs](https://x/a%20%281%29)");
        assert_eq!(render("{{ ['a', '[b]'|link('https://b')]|join(' · ') }}"), "a · [[b]](https://b)");
    }
}
