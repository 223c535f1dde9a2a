//! The built-in summaries of every GitHub payload under `tests/fixtures/github/` (snapshots in
//! `tests/snapshots/`, each reviewed by eye), and DingTalk's guardrails end to end: escaping,
//! size, mentions, actionCard buttons, the keyword, and the hints for DingTalk's error codes.

use dingtalk_notify::summary::catalog::Lang;

use crate::support::*;

/// Events whose payload reports another run's outcome: the status comes from there.
const REPORTS_AN_OUTCOME: [&str; 6] =
    ["workflow_run", "workflow_job", "check_run", "check_suite", "deployment_status", "status"];

#[test]
fn every_fixture_payload_has_a_reviewed_summary_in_each_language() {
    let mut names: Vec<String> = std::fs::read_dir(fixture("github"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 40, "{names:?}");
    for name in names {
        let event = name.split('.').next().unwrap();
        // As with `status: ${{ job.status }}`, except where the event carries its own outcome.
        let status: &[(&str, &str)] =
            if REPORTS_AN_OUTCOME.contains(&event) { &[] } else { &[("INPUT_STATUS", "success")] };
        for (lang, _) in Lang::ALL {
            let (title, text) =
                markdown(&dry_run(event, &format!("github/{name}"), &[status, &[("INPUT_LANG", lang)]].concat()));
            insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true, description => format!("GITHUB_EVENT_NAME={event}, INPUT_LANG={lang}, payload tests/fixtures/github/{name}") }, {
                insta::assert_snapshot!(format!("{}.{lang}", name.trim_end_matches(".json")), format!("title: {title}\n\n{text}\n"));
            });
        }
    }
}

/// The other CIs' env fixtures, as a dry run with their own settings: one reviewed snapshot each
/// per language (`<ci>.<file>.<lang>` in `tests/snapshots/`).
#[test]
fn every_ci_env_fixture_has_a_reviewed_summary_in_each_language() {
    let mut files = Vec::new();
    for ci in ["gitlab", "drone", "woodpecker", "jenkins"] {
        for entry in std::fs::read_dir(fixture(ci)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if std::path::Path::new(&name).extension().is_some_and(|e| e == "env") {
                files.push(format!("{ci}/{name}"));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    for rel in files {
        let vars = crate::dotenv::parse(&std::fs::read_to_string(fixture(&rel)).unwrap(), &rel);
        for (lang, _) in Lang::ALL {
            // The run's facts only: of the fixtures' own settings, those that say how the run
            // went; delivery, notify_on and mentions are not what these snapshots are about.
            let setting = |k: &str| k.starts_with("PLUGIN_") || k.starts_with("DINGTALK_");
            let about_the_run = |k: &str| ["STATUS", "STARTED_AT", "JOBS"].iter().any(|s| k.ends_with(s));
            let run = vars
                .iter()
                .filter(|(k, _)| !setting(k) || about_the_run(k))
                .fold(Run::new(), |run, (k, v)| run.env(k, v))
                .env("DINGTALK_LANG", lang);
            let (title, text) = markdown(&run.dry_run().json());
            let text = without_long_durations(&text);
            let snapshot = format!("{}.{lang}", rel.replace('/', ".").trim_end_matches(".env"));
            insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true, description => format!("tests/fixtures/{rel} without its settings, DINGTALK_LANG={lang}; durations over an hour run to now and read <long>") }, {
                insta::assert_snapshot!(snapshot, format!("title: {title}\n\n{text}\n"));
            });
        }
    }
}

/// `耗时 21676 小时 33 分` / `took 1d 3h`: a fixture's old start time measured to now, which
/// changes by the minute, written as `<long>`. Durations under an hour come from the fixtures'
/// own start and end, and stay.
fn without_long_durations(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = ["耗时 ", "took "].iter().filter_map(|w| rest.find(w).map(|i| i + w.len())).min() {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find([' ', '\n']).map_or(rest.len(), |i| {
            // The duration runs to the next ` · ` or the line's end.
            rest[i..].find(" · ").map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |j| i + j)
        });
        let duration = &rest[..end];
        if duration.contains("小时") || duration.contains('天') || duration.contains('h') || duration.contains('d') {
            out.push_str("<long>");
        } else {
            out.push_str(duration);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn push_commit(i: usize, message: &str) -> serde_json::Value {
    serde_json::json!({
        "id": format!("{i:040x}"),
        "message": message,
        "url": format!("https://github.com/o/r/commit/{i:040x}"),
        "author": {"name": "A", "username": "a"},
    })
}

/// Every message of the body serializes to fewer than 20,000 bytes.
fn assert_fits(body: &serde_json::Value) {
    for m in body["data"].as_array().unwrap() {
        let n = serde_json::to_string(m).unwrap().len();
        assert!(n < 20_000, "a message of {n} bytes");
    }
}

const RUN_LINK: &str = "[查看运行](https://github.com/";
const CUT: &str = "…（内容过长，已截断）";

#[test]
fn user_text_cannot_add_hidden_links_images_headings_html_or_mentions() {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY);
    let evil = "fix: @13800001111 [click](http://evil.example) ![img](https://x/y.png) **bold** _it_ <font color=red>red</font> &lt;b&gt; www.evil.example [ref]: http://evil.example ~~gone~~ __b__ <!-- hidden --> *em*\n# heading\n> quote\n- item\n1. one\n`code`";
    let path = payload_from(&run, "github/push.branch.json", |v| {
        v["ref"] = "refs/heads/feat/[x](http://evil)".into();
        v["sender"]["login"] = "**mallory**".into();
        v["commits"] = serde_json::json!([push_commit(1, evil)]);
        v["head_commit"] = push_commit(1, evil);
    });
    for (lang, _) in Lang::ALL {
        let extra = [("INPUT_LANG", *lang), ("INPUT_AT_MOBILES", "13800001111")];
        let (title, text) = markdown(&dry_run("push", &path, &extra));
        for bad in ["](http://evil", "![img](", "<font", "&lt;", "<!--", "\n#", "\n>", "@13800001111 "] {
            assert!(!text.contains(bad), "{bad:?} in\n{text}");
        }
        // Every link left is one of ours: the repository, the commit, the compare view, the run.
        for (i, _) in text.match_indices("](") {
            assert!(text[i + 2..].starts_with("https://github.com/"), "a link to {:?} in\n{text}", &text[i + 2..]);
        }
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.iter().filter(|l| l.starts_with("- ")).count(), 1, "one commit, one list item:\n{text}");
        // What must change changes by a word joiner alone: every character the user typed shows.
        assert!(
            text.contains("fix: @\u{2060}13800001111 [click]\u{2060}(http://evil.example) ![img]\u{2060}(https://x/y.png) **bold** _it_ <\u{2060}font"),
            "{text}"
        );
        assert!(text.contains("****mallory****") && text.contains("**feat/[x]\u{2060}(http://evil)**"), "{text}");
        // The mention the settings ask for is DingTalk's to make: appended, the user's text none.
        assert!(text.ends_with("\n\n@13800001111"), "{text}");
        // The title is plain text: nothing renders it, so it keeps the real characters, on one line.
        // (The outcome leads it, so a long one is cut before the link's end.)
        assert!(title.contains("fix: @13800001111 [click]") && !title.contains('\n'), "{title}");
    }
}

#[test]
fn what_engineers_write_keeps_its_characters() {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY);
    let message = "fix(api_server): user_id in GetUser, a*b, C#, x<y, dependabot[bot]";
    let urls = "see https://jira.example.com/browse/ABC-12?a=1&b=2 and www.example.com";
    let path = payload_from(&run, "github/push.branch.json", |v| {
        v["commits"] = serde_json::json!([push_commit(1, urls), push_commit(2, message)]);
        v["head_commit"] = push_commit(2, message);
        v["ref"] = "refs/heads/release/2.x_hotfix".into();
    });
    let (title, text) = markdown(&run.env("GITHUB_EVENT_PATH", &path).dry_run().json());
    // `x<y` gains an invisible word joiner: cut short, `<y…` could open a tag.
    assert!(text.contains(&message.replace("x<y", "x<\u{2060}y")) && text.contains(urls), "changed:\n{text}");
    assert!(
        text.contains("**release/2.x_hotfix**") && title.contains("fix(api_server): user_id in GetUser"),
        "{title}\n{text}"
    );
}

#[test]
fn a_pr_body_written_from_a_template_reads_well() {
    let run = Run::github("pull_request", "github/pull_request.opened.json", NO_RELAY);
    let body = "<!-- 请按模板填写 -->\n## 变更说明\n\n修复 `GetUser` 在 user_id 为空时的**崩溃**。\n\n| 用例 | 结果 |\n|---|---|\n| 登录 | 通过 |\n\n```\ncargo test\n```\n\n<details><summary>日志</summary>ok</details>\n\n- [x] 单元测试\n\n<!-- 关联的 Jira -->\nJira: https://jira.example.com/browse/ABC-12";
    let path = payload_from(&run, "github/pull_request.opened.json", |v| v["pull_request"]["body"] = body.into());
    let (_, text) = markdown(&run.env("GITHUB_EVENT_PATH", &path).dry_run().json());
    assert!(
        text.contains("\n\n> 变更说明 修复 `GetUser` 在 user_id 为空时的**崩溃**。 用例 · 结果; 登录 · 通过 cargo test 日志ok ☑ 单元测试 Jira: https://jira.example.com/browse/ABC-12\n\n"),
        "{text}"
    );
}

#[test]
fn custom_templates_are_escaped_by_default_and_safe_inserts_trusted_markdown() {
    let template =
        "{{ payload.pull_request.title }} **[x](y)** {{ '**trusted**'|safe }} {{ commit.sha }}\n\n{{ '[a](b)' }}";
    let (_, text) =
        markdown(&dry_run("pull_request", "github/pull_request.opened.json", &[("INPUT_TEMPLATE", template)]));
    assert_eq!(
        text,
        "Update the README with new information. **[x](y)** **trusted** ec26c3e57ca3a959ca5aad62de7213c562f8c821\n\n[a]\u{2060}(b)"
    );
}

#[test]
fn a_2000_commit_push_lists_the_last_5_and_links_the_rest() {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY);
    let path = payload_from(&run, "github/push.branch.json", |v| {
        let commits: Vec<_> =
            (1..=2000).map(|i| push_commit(i, &format!("change {i}\n\n{}", "body ".repeat(200)))).collect();
        v["head_commit"] = commits[1999].clone();
        v["commits"] = commits.into();
    });
    let en = dry_run("push", &path, &[("INPUT_LANG", "en")]);
    let body = run.env("GITHUB_EVENT_PATH", &path).dry_run().json();
    assert_fits(&body);
    let (_, text) = markdown(&body);
    assert!(text.contains("推送了 2000 个提交到分支 **master**"), "{text}");
    let items: Vec<&str> = text.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(items.len(), 5, "{text}");
    assert!(items[0].contains("change 2000") && items[4].contains("change 1996"), "newest first:\n{text}");
    // The rest are one link away, in the footer.
    assert!(
        text.contains(
            "还有 1995 个提交\n\n[查看变更](https://github.com/toolmantim/release-drafter-test-project/compare/"
        ),
        "{text}"
    );
    let (_, text) = markdown(&en);
    assert!(text.contains("pushed 2000 commits to branch **master**"), "{text}");
    assert!(text.contains("and 1995 more\n\n[Changes](https://github.com/"), "{text}");
}

#[test]
fn huge_inputs_are_cut_on_a_char_boundary_with_a_marker_and_the_run_link_kept() {
    // A 50 KB pull request body, printed whole by a custom template; a 30 KB message; a 2,000-commit
    // push whose full messages a custom template prints; multi-byte text everywhere.
    let run = Run::github("pull_request", "github/pull_request.opened.json", NO_RELAY);
    let path = payload_from(&run, "github/pull_request.opened.json", |v| {
        v["pull_request"]["body"] = "汉字 and **markdown** ".repeat(2_500).into();
    });
    let body = run
        .env("GITHUB_EVENT_PATH", &path)
        .env("INPUT_MESSAGE", &"消息\"x\n".repeat(6_000))
        .env("INPUT_TEMPLATE", "{{ payload.pull_request.body }}\n\n[View run]({{ run.url|url }})")
        .dry_run()
        .json();
    assert_fits(&body);
    let (_, text) = markdown(&body);
    assert!(
        text.contains(&format!(
            "\n\n{CUT}\n\n[查看运行](https://github.com/Codertocat/Hello-World/actions/runs/9876543210)"
        )),
        "{}",
        &text[text.len() - 200..]
    );
    let message = body["data"][1]["text"]["content"].as_str().unwrap();
    assert!(
        message.starts_with("消息\"x\n") && message.ends_with(&format!("\n\n{CUT}")),
        "{}",
        &message[message.len() - 50..]
    );

    let run = Run::github("push", "github/push.branch.json", NO_RELAY);
    let path = payload_from(&run, "github/push.branch.json", |v| {
        v["commits"] = (1..=2000).map(|i| push_commit(i, &"长".repeat(30))).collect::<Vec<_>>().into();
    });
    for msgtype in ["markdown", "actionCard"] {
        let body = dry_run(
            "push",
            &path,
            &[
                ("INPUT_MSGTYPE", msgtype),
                ("INPUT_TITLE", &"t".repeat(30_000)),
                ("INPUT_TEMPLATE", "{% for c in commits %}{{ c.message }} {% endfor %}"),
            ],
        );
        assert_fits(&body);
        let m = &body["data"][0][if msgtype == "markdown" { "markdown" } else { "actionCard" }];
        assert!(m["text"].as_str().unwrap().contains(&format!("{CUT}\n\n{RUN_LINK}")), "{msgtype}");
        assert!(m["title"].as_str().unwrap().chars().count() <= 100, "{msgtype}: the title is cut too");
    }
}

#[test]
fn mentions_ride_on_markdown_or_on_the_text_message_of_an_action_card() {
    let mention = [("INPUT_AT_MOBILES", "13800000000, 13900000000"), ("INPUT_AT_USER_IDS", "user1")];
    let body = dry_run("push", "github/push.branch.json", &mention);
    let m = &body["data"][0];
    assert_eq!(m["at"], serde_json::json!({"atMobiles": ["13800000000", "13900000000"], "atUserIds": ["user1"]}));
    assert!(m["markdown"]["text"].as_str().unwrap().ends_with("\n\n@13800000000 @13900000000 @user1"));
    assert!(body["data"].get(1).is_none());

    // An action card has no `at`: a text message is created for the mentions.
    let mut card = mention.to_vec();
    card.push(("INPUT_MSGTYPE", "actionCard"));
    let body = dry_run("push", "github/push.branch.json", &card);
    assert!(body["data"][0].get("at").is_none());
    assert_eq!(body["data"][1]["msgtype"], "text");
    assert_eq!(body["data"][1]["text"]["content"], "@13800000000 @13900000000 @user1");
    assert_eq!(body["data"][1]["at"]["atUserIds"], serde_json::json!(["user1"]));

    // With a message, and @all, the mentions join it; one already written is not repeated.
    card.push(("INPUT_MESSAGE", "deployed, @user1 please check"));
    card.push(("INPUT_AT_ALL", "true"));
    let body = dry_run("push", "github/push.branch.json", &card);
    assert_eq!(body["data"][1]["text"]["content"], "deployed, @user1 please check\n\n@13800000000 @13900000000");
    assert_eq!(body["data"][1]["at"]["isAtAll"], true);
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
}

#[test]
fn mentions_and_the_keyword_survive_a_cut_to_size() {
    // A text far over the limit whose only keyword is at its end: the cut drops it.
    let long = "{% for i in range(5000) %}line {{ i }} of a long report\n\n{% endfor %}WATCH";
    let extra = [("INPUT_TEMPLATE", long), ("INPUT_AT_USER_IDS", "u1"), ("INPUT_KEYWORD", "WATCH")];
    let body = dry_run("push", "github/push.branch.json", &extra);
    assert_fits(&body);
    let (title, text) = markdown(&body);
    assert!(text.contains("…"), "the text was cut");
    assert!(text.ends_with("\n\nWATCH\n\n@u1"), "the keyword or the mention was cut off: {}", &text[text.len() - 80..]);
    assert!(title.ends_with(" WATCH") && title.starts_with('✅'), "the title carries it, after the status: {title}");
}

#[test]
fn a_payload_with_odd_types_gets_a_plainer_summary_not_a_failure() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    // `issues` copes with the odd types; `workflow_dispatch` cannot list inputs that are text and
    // falls back to the generic summary, with a warning.
    for (event, fixture_name, falls_back) in [
        ("issues", "github/issues.opened.json", false),
        ("workflow_dispatch", "github/workflow_dispatch.inputs.json", true),
    ] {
        let run = Run::github(event, fixture_name, &relay.url);
        // Numbers and lists where the payload has text and objects.
        let path = payload_from(&run, fixture_name, |v| {
            v["issue"]["title"] = serde_json::json!(12345);
            v["issue"]["user"] = serde_json::json!(["not", "an", "object"]);
            v["inputs"] = serde_json::json!("not an object");
            v["repository"]["full_name"] = serde_json::json!(7);
        });
        let out = run.env("GITHUB_EVENT_PATH", &path).env("INPUT_STATUS", "success").env("DINGTALK_LANG", "en").run();
        assert_eq!(out.code, 0, "{event}: {}", out.stderr);
        assert!(!out.stderr.contains("error:"), "{event}: {}", out.stderr);
        assert_eq!(out.stderr.contains("sending a plainer summary"), falls_back, "{event}: {}", out.stderr);
    }
    assert_eq!(relay.relay_calls().len(), 2);
}

#[test]
fn a_mention_counts_only_as_a_whole_word() {
    let body = dry_run(
        "push",
        "github/push.branch.json",
        &[("INPUT_TEMPLATE", "hi @u12 and @u1."), ("INPUT_AT_USER_IDS", "u1 u12 u2")],
    );
    assert_eq!(markdown(&body).1, "hi @u12 and @u1.\n\n@u2");
}

#[test]
fn action_cards_have_a_run_button_and_one_to_the_pr_the_changes_or_the_release() {
    let card = |event: &str, payload: &str, lang: &str| {
        dry_run(event, payload, &[("INPUT_MSGTYPE", "actionCard"), ("INPUT_LANG", lang)])["data"][0]["actionCard"]
            .clone()
    };
    let run = "https://github.com/Codertocat/Hello-World/actions/runs/9876543210";
    for (lang, view_run) in [("zh-CN", "查看运行"), ("en", "View run")] {
        for (event, payload, second, url) in [
            (
                "pull_request",
                "github/pull_request.opened.json",
                if lang == "en" { "View PR #2" } else { "查看 PR #2" },
                "https://github.com/Codertocat/Hello-World/pull/2",
            ),
            (
                "release",
                "github/release.published.json",
                if lang == "en" { "View release" } else { "查看版本" },
                "https://github.com/Codertocat/Hello-World/releases/tag/0.0.1",
            ),
            (
                "push",
                "github/push.tag.json",
                if lang == "en" { "View changes" } else { "查看变更" },
                "https://github.com/bradrydzewski/drone-test-go/compare/v0.0.1",
            ),
        ] {
            let c = card(event, payload, lang);
            let run = if event == "push" {
                "https://github.com/bradrydzewski/drone-test-go/actions/runs/9876543210"
            } else {
                run
            };
            assert_eq!(
                c["btns"],
                serde_json::json!([{"title": view_run, "actionURL": run}, {"title": second, "actionURL": url}]),
                "{event}"
            );
            assert_eq!(c["btnOrientation"], "1");
            assert!(c.get("singleURL").is_none() && c["title"].is_string() && c["text"].is_string());
        }
        let c = card("issues", "github/issues.opened.json", lang);
        assert_eq!((c["singleTitle"].as_str(), c["singleURL"].as_str()), (Some(view_run), Some(run)));
        assert!(c.get("btns").is_none());
    }
}

#[test]
fn a_reporting_event_links_the_run_it_reports_in_the_text_and_on_the_button() {
    let reported = "https://github.com/octo-org/octo-repo/actions/runs/289782451";
    let body =
        dry_run("workflow_run", "github/workflow_run.completed-success.json", &[("INPUT_MSGTYPE", "actionCard")]);
    let c = &body["data"][0]["actionCard"];
    assert_eq!((c["singleTitle"].as_str(), c["singleURL"].as_str()), (Some("查看运行"), Some(reported)));
    assert!(c["text"].as_str().unwrap().contains(&format!("[查看运行 #163]({reported})")), "{c}");
    assert!(!c.to_string().contains("9876543210"), "the notifying run is not what the message is about: {c}");
    let (_, text) = markdown(&dry_run("check_run", "github/check_run.completed-success.json", &[]));
    assert!(text.contains("[查看运行](https://github.com/Codertocat/Hello-World/runs/128620228)"), "{text}");
}

#[test]
fn the_keyword_is_added_to_the_title_and_the_text_when_the_summary_lacks_it() {
    let body = dry_run("push", "github/push.branch.json", &[("INPUT_KEYWORD", "CI通知"), ("INPUT_MESSAGE", "hello")]);
    let (title, text) = markdown(&body);
    // After the status emoji, which a phone's preview shows first.
    assert!(title.starts_with('✅') && title.ends_with(" CI通知"), "{title}");
    assert!(text.ends_with("\n\nCI通知"), "{text}");
    // Every message must carry it, or the robot refuses that one.
    assert_eq!(body["data"][1]["text"]["content"], "CI通知 hello");
    let body = dry_run("push", "github/push.branch.json", &[("INPUT_KEYWORD", "release-drafter")]);
    let (title, text) = markdown(&body);
    assert!(!title.ends_with(" release-drafter") && !text.ends_with("\n\nrelease-drafter"), "already in both");
}

/// What the binary says when the relay passes on a DingTalk error, and that it asks only once.
fn refused(status: u16, answer: &str) -> (String, usize) {
    let relay = Server::script(vec![Reply::json(status, answer)]);
    let out = Run::github("push", "github/push.branch.json", &relay.url).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    (out.stderr, relay.relay_calls().len())
}

#[test]
fn dingtalk_errcodes_from_the_relay_come_with_a_plain_language_hint() {
    for (answer, expect) in [
        (
            r#"{"code":500,"msg":"dingtalk error","data":{"errcode":310000,"errmsg":"keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}}"#,
            "hint: DingTalk errcode 310000: the message lacks the robot's security keyword: set `keyword` to it",
        ),
        (
            r#"{"code":500,"msg":"errcode: 310000, errmsg: sign not match"}"#,
            "hint: DingTalk errcode 310000: the signature does not match: set `secret`",
        ),
        (
            r#"{"code":500,"msg":"钉钉返回错误","hint":"{\"errcode\":310000,\"errmsg\":\"invalid timestamp\"}"}"#,
            "hint: DingTalk errcode 310000: the signature's timestamp was refused",
        ),
        (
            r#"{"code":500,"data":{"errcode":310000,"errmsg":"description:ip 不在白名单中;solution:请联系对应群的管理员，设置机器人安全ip地址段"}}"#,
            "robot only accepts listed IP addresses, and the relay calls DingTalk from its own",
        ),
        (
            r#"{"code":500,"data":{"errcode":300001,"errmsg":"token is not exist"}}"#,
            "hint: DingTalk errcode 300001: the robot's access_token in `webhook` is wrong",
        ),
        (
            r#"{"code":500,"data":{"errcode":400101,"errmsg":"access_token不存在"}}"#,
            "hint: DingTalk errcode 400101: the robot's access_token",
        ),
        (
            r#"{"code":500,"data":{"errcode":400013,"errmsg":"群已被解散"}}"#,
            "hint: DingTalk errcode 400013: the group was dissolved",
        ),
        (
            r#"{"code":500,"data":{"errcode":400102,"errmsg":"机器人已停用"}}"#,
            "hint: DingTalk errcode 400102: the robot is disabled",
        ),
        (
            r#"{"code":500,"data":{"errcode":410100,"errmsg":"发送速度太快而限流"}}"#,
            "blocks it for 10 minutes): do not retry now",
        ),
        (
            r#"{"code":500,"msg":"send too fast, exceed 20 times per minute","data":{"errcode":130101}}"#,
            "hint: DingTalk errcode 130101: the robot is rate limited (at most 20 messages a minute",
        ),
        (
            r#"{"code":500,"data":{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}}"#,
            "hint: DingTalk errcode 460101: the message is too long",
        ),
        (
            r#"{"code":500,"data":{"errcode":430104,"errmsg":"含有不合适的内容"}}"#,
            "hint: DingTalk errcode 430104: DingTalk rejected the content",
        ),
        (
            r#"{"code":500,"data":{"errcode":777777,"errmsg":"brand new error"}}"#,
            "hint: DingTalk answered errcode 777777: brand new error",
        ),
    ] {
        let (stderr, requests) = refused(200, answer);
        assert!(stderr.contains(expect), "{expect:?} missing from:\n{stderr}");
        assert!(
            stderr.lines().next().unwrap().starts_with("error: the relay refused the message: code 500"),
            "{stderr}"
        );
        assert_eq!(requests, 1, "a refusal is not retried");
    }
    // An HTTP error whose JSON body carries the code gets the hint as well.
    let (stderr, _) = refused(400, r#"{"code":400,"msg":"errcode=400102"}"#);
    assert!(
        stderr.contains("error: the relay answered HTTP 400") && stderr.contains("hint: DingTalk errcode 400102"),
        "{stderr}"
    );
    // Nothing recognised: no hint is invented.
    let (stderr, _) = refused(200, r#"{"code":40001,"msg":"robot refused"}"#);
    assert!(!stderr.contains("hint:"), "{stderr}");
}

/// The `jinja` blocks of docs/templates.md that start with `{#- example: NAME -#}`.
fn doc_example(name: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates.md")).unwrap();
    let marker = format!("{{#- example: {name} -#}}");
    let start = doc.find(&marker).unwrap_or_else(|| panic!("no example {name} in docs/templates.md"));
    let end = start + doc[start..].find("\n```").unwrap();
    doc[start..end].to_owned()
}

#[test]
fn the_custom_templates_in_the_docs_render() {
    let push = doc_example("push");
    let pr = doc_example("pull_request");
    let render = |run: Run, template: &str| {
        markdown(&run.env("INPUT_STATUS", "success").env("INPUT_TEMPLATE", template).dry_run().json()).1
    };
    let text = render(Run::github("push", "github/push.branch.json", NO_RELAY), &push);
    assert_eq!(
        text,
        "#### ✅ [toolmantim/release-drafter-test-project](https://github.com/toolmantim/release-drafter-test-project) · master\n\n\
         **toolmantim** pushed 1 commit(s) · [compare](https://github.com/toolmantim/release-drafter-test-project/compare/0ef7edf5c4b8...1496a1f82f32)\n\n\
         - [1496a1f](https://github.com/toolmantim/release-drafter-test-project/commit/1496a1f82f32f240f7cbe1a42eb0b0c7a06a5093) Update release-drafter.yml\n\n\
         [View run](https://github.com/toolmantim/release-drafter-test-project/actions/runs/9876543210)"
    );
    let text = render(Run::github("pull_request", "github/pull_request.opened.json", NO_RELAY), &pr);
    assert_eq!(
        text,
        "#### ✅ [PR #2](https://github.com/Codertocat/Hello-World/pull/2) Update the README with new information.\n\n\
         opened by **Codertocat**: changes → master\n\n\
         > This is a pretty simple change that we need to pull into master.\n\n\
         [View run](https://github.com/Codertocat/Hello-World/actions/runs/9876543210) **checked by CI**"
    );
    // Both also work without a payload (GitLab) and on events they were not written for.
    let gitlab = || {
        Run::new().envs([
            ("GITLAB_CI", "true"),
            ("CI_PROJECT_PATH", "group/app"),
            ("CI_PROJECT_URL", "https://gitlab.com/group/app"),
            ("CI_COMMIT_BRANCH", "main"),
            ("CI_COMMIT_SHA", "0123456789abcdef0123456789abcdef01234567"),
            ("CI_PIPELINE_URL", "https://gitlab.com/group/app/-/pipelines/1"),
        ])
    };
    for template in [&push, &pr] {
        let text = render(gitlab(), template);
        assert!(text.starts_with("#### ✅ "), "{text}");
        render(Run::github("issues", "github/issues.opened.json", NO_RELAY), template);
    }
}

/// A CI env fixture's run facts (its settings left out but for the status), with `changes`, as a
/// dry run in `lang`: the title and the text.
fn ci_summary(rel: &str, changes: &[(&str, &str)], lang: &str) -> (String, String) {
    markdown(&ci_dry_run(rel, changes, lang))
}

fn ci_dry_run(rel: &str, changes: &[(&str, &str)], lang: &str) -> serde_json::Value {
    let vars = crate::dotenv::parse(&std::fs::read_to_string(fixture(rel)).unwrap(), rel);
    let setting = |k: &str| k.starts_with("PLUGIN_") || k.starts_with("DINGTALK_");
    let run = vars
        .iter()
        .filter(|(k, _)| !setting(k) || k.ends_with("STATUS"))
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .fold(Run::new(), |run, (k, v)| run.env(k, v));
    run.envs(changes.iter().copied()).env("DINGTALK_LANG", lang).dry_run().json()
}

/// A fixture, its changes, what the Chinese text says, what the English one says.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], [&'a str; 2], [&'a str; 2]);

#[test]
fn each_ci_names_its_run_and_the_failed_parts_in_its_own_words() {
    // Jobs that failed, as the `jobs` setting or the CI (Drone's `DRONE_FAILED_STEPS`) says.
    let jobs = r#"{"test": "failure", "build": "success"}"#;
    let cases: [Case; 4] = [
        (
            "gitlab/push.env",
            &[("DINGTALK_JOBS", jobs)],
            ["[查看流水线 #318](", "失败的作业：test"],
            ["[View pipeline #318](", "Failed jobs: test"],
        ),
        (
            "drone/pull_request.env",
            &[],
            ["[查看构建 #58](", "失败的步骤：test"],
            ["[View build #58](", "Failed steps: test"],
        ),
        (
            "woodpecker/pull_request.env",
            &[("PLUGIN_JOBS", jobs)],
            ["[查看流水线 #58](", "失败的步骤：test"],
            ["[View pipeline #58](", "Failed steps: test"],
        ),
        (
            "jenkins/push.env",
            &[("DINGTALK_STATUS", "FAILURE"), ("DINGTALK_JOBS", jobs)],
            ["[查看构建 #57](", "失败的阶段：test"],
            ["[View build #57](", "Failed stages: test"],
        ),
    ];
    for (rel, changes, zh, en) in cases {
        for (lang, want) in [("zh-CN", zh), ("en", en)] {
            let (_, text) = ci_summary(rel, changes, lang);
            for w in want {
                assert!(text.contains(w), "{rel} in {lang}: no {w:?} in\n{text}");
            }
        }
    }
    // GitHub's workflow run is a 运行 of 作业, and the action card's button says so too.
    let body = dry_run(
        "pull_request",
        "github/pull_request.opened.json",
        &[("INPUT_STATUS", "failure"), ("INPUT_JOBS", jobs)],
    );
    let text = markdown(&body).1;
    assert!(text.contains("失败的作业：test") && text.contains("[查看运行 #"), "{text}");
    for (lang, button) in [("zh-CN", "查看流水线"), ("en", "View pipeline")] {
        let card = ci_dry_run("gitlab/push.env", &[("DINGTALK_MSGTYPE", "actionCard")], lang);
        let btns = &card["data"][0]["actionCard"]["btns"];
        assert_eq!(btns[0]["title"], button, "{card}");
    }
}

#[test]
fn a_gitlab_hosted_change_request_is_a_merge_request_on_drone_and_woodpecker() {
    let mr = "https://gitlab.com/acme/ci-notify/-/merge_requests/58";
    // Woodpecker names its forge (`CI_FORGE_TYPE`); Drone's pull request link is the forge's page.
    let woodpecker: &[(&str, &str)] = &[
        ("CI_FORGE_TYPE", "gitlab"),
        ("CI_FORGE_URL", "https://gitlab.com"),
        ("CI_REPO_URL", "https://gitlab.com/acme/ci-notify"),
        ("CI_PIPELINE_FORGE_URL", mr),
    ];
    let drone: &[(&str, &str)] = &[("DRONE_REPO_LINK", "https://gitlab.com/acme/ci-notify"), ("DRONE_COMMIT_LINK", mr)];
    for (rel, changes) in [("woodpecker/pull_request.env", woodpecker), ("drone/pull_request.env", drone)] {
        let (title, text) = ci_summary(rel, changes, "zh-CN");
        assert!(title.contains("合并请求 !58："), "{rel}: {title}");
        assert!(text.contains(&format!("合并请求 [!58]({mr})")), "{rel}: {text}");
        let (title, text) = ci_summary(rel, changes, "en");
        assert!(title.contains("MR !58: "), "{rel}: {title}");
        assert!(text.contains(&format!("erge request [!58]({mr})")), "{rel}: {text}");
    }
    // On GitHub's forge it stays a pull request.
    let (title, text) = ci_summary("woodpecker/pull_request.env", &[], "zh-CN");
    assert!(title.contains("PR #58") && text.contains("拉取请求 [#58]("), "{title}\n{text}");
}

#[test]
fn titles_lead_with_the_outcome_in_words() {
    let pr = |status: &str, lang: &str| {
        markdown(&dry_run(
            "pull_request",
            "github/pull_request.opened.json",
            &[("INPUT_STATUS", status), ("INPUT_LANG", lang)],
        ))
        .0
    };
    let what = "Hello-World · PR #2 已创建：Update the README with new information.";
    assert_eq!(pr("failure", "zh-CN"), format!("❌ 失败 · {what}"));
    assert_eq!(pr("success", "zh-CN"), format!("✅ 成功 · {what}"));
    assert_eq!(pr("cancelled", "zh-CN"), format!("🚫 已取消 · {what}"));
    assert_eq!(pr("started", "zh-CN"), format!("🚀 已开始 · {what}"));
    assert_eq!(pr("failure", "en"), "❌ Failure · Hello-World · PR #2 opened: Update the README with new information.");
}

/// The README's `title` example, from its settings table.
fn readme_title_example(readme: &str) -> String {
    let doc = std::fs::read_to_string(format!("{}/{readme}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let row = doc.lines().find(|l| l.starts_with("| `title` |")).unwrap_or_else(|| panic!("no title row in {readme}"));
    let start = row.find("`{{").unwrap_or_else(|| panic!("no example in {row}")) + 1;
    row[start..start + row[start..].find('`').unwrap()].to_owned()
}

#[test]
fn the_readmes_title_example_speaks_the_summarys_language() {
    for readme in ["README.md", "README.zh-CN.md"] {
        let example = readme_title_example(readme);
        for (lang, want) in [("zh-CN", "Hello-World 失败"), ("en", "Hello-World failure")] {
            let body = dry_run(
                "pull_request",
                "github/pull_request.opened.json",
                &[("INPUT_STATUS", "failure"), ("INPUT_LANG", lang), ("INPUT_TITLE", &example)],
            );
            assert_eq!(markdown(&body).0, want, "{readme}: {example}");
        }
    }
}

/// The event's own summary from a fixture changed by `change`, in `lang`: title and unescaped text.
fn event_summary(
    event: &str,
    fixture_name: &str,
    lang: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> (String, String) {
    let run = Run::github(event, fixture_name, NO_RELAY)
        .env("GITHUB_SHA", "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e")
        .env("GITHUB_REF", "refs/heads/default-branch")
        .env("INPUT_LANG", lang);
    let path = payload_from(&run, fixture_name, change);
    let (title, text) = markdown(&run.env("GITHUB_EVENT_PATH", &path).dry_run().json());
    (title, unescape_md(&text))
}

#[test]
fn a_review_comment_or_thread_is_told_as_a_comment_on_the_pull_request() {
    let comment = |action: &str, lang: &str| {
        event_summary("pull_request_review_comment", "github/pull_request.opened.json", lang, |v| {
            v["action"] = action.into();
            v["comment"] = serde_json::json!({
                "body": "Maybe you should use more emoji on this line.",
                "path": "README.md",
                "html_url": "https://github.com/Codertocat/Hello-World/pull/2#discussion_r191908831",
            });
        })
    };
    let (title, text) = comment("created", "zh-CN");
    assert_eq!(title, "✅ 成功 · Hello-World · PR #2 有新评论：Update the README with new information.");
    assert!(
        text.contains("**Codertocat** 评论了拉取请求 [#2](https://github.com/Codertocat/Hello-World/pull/2) 的代码"),
        "{text}"
    );
    assert!(text.contains("> Maybe you should use more emoji on this line."), "{text}");
    assert!(
        text.contains("[查看评论](https://github.com/Codertocat/Hello-World/pull/2#discussion_r191908831)"),
        "{text}"
    );
    assert!(text.contains("文件 README.md"), "{text}");
    let (title, text) = comment("deleted", "zh-CN");
    assert_eq!(title, "✅ 成功 · Hello-World · PR #2 的评论已删除：Update the README with new information.");
    assert!(
        text.contains(
            "**Codertocat** 删除了拉取请求 [#2](https://github.com/Codertocat/Hello-World/pull/2) 的一条评论"
        ),
        "{text}"
    );
    assert!(
        !text.contains("查看评论") && !text.contains("> Maybe"),
        "a deleted comment has no page and no text: {text}"
    );
    let (_, text) = comment("edited", "en");
    assert!(text.contains("**Codertocat** edited a comment on pull request [#2]("), "{text}");

    let thread = |action: &str, lang: &str| {
        event_summary("pull_request_review_thread", "github/pull_request.opened.json", lang, |v| {
            v["action"] = action.into();
            v["thread"] = serde_json::json!({"comments": [{
                "body": "Maybe you should use more emoji on this line.",
                "path": "README.md",
                "html_url": "https://github.com/Codertocat/Hello-World/pull/2#discussion_r1",
            }]});
        })
    };
    let (title, text) = thread("resolved", "zh-CN");
    assert_eq!(title, "✅ 成功 · Hello-World · PR #2 评审会话已解决：Update the README with new information.");
    assert!(text.contains("**Codertocat** 将拉取请求 [#2](https://github.com/Codertocat/Hello-World/pull/2) 的一个评审会话标记为已解决"), "{text}");
    assert!(text.contains("> Maybe you should use more emoji") && text.contains("[查看评论]("), "{text}");
    let (title, text) = thread("unresolved", "en");
    assert!(title.ends_with("PR #2 review thread unresolved: Update the README with new information."), "{title}");
    assert!(text.contains("**Codertocat** unresolved a review thread on pull request [#2]("), "{text}");
}

#[test]
fn a_created_release_is_drafted_only_when_it_is_a_draft() {
    let release = |draft: bool| {
        event_summary("release", "github/release.published.json", "zh-CN", |v| {
            v["action"] = "created".into();
            v["release"]["draft"] = draft.into();
        })
    };
    let (title, text) = release(true);
    assert!(text.contains("起草了版本") && title.contains("版本草稿"), "{title}\n{text}");
    let (title, text) = release(false);
    assert!(text.contains("创建了版本") && !text.contains("起草") && !title.contains("草稿"), "{title}\n{text}");
}

#[test]
fn a_commit_status_names_its_context_and_description_and_its_own_commit() {
    let (title, text) = event_summary("status", "github/status.success.json", "zh-CN", |_| {});
    assert_eq!(title, "✅ 成功 · Hello-World · 提交状态 default（6113728）");
    assert!(text.contains("提交状态 **default**：**成功**"), "{text}");
    assert!(text.contains("提交 [6113728](") && !text.contains("5ca1ab1"), "{text}");
    assert!(!text.contains("default-branch"), "not the notifying run's branch: {text}");
}

#[test]
fn a_workflow_job_is_told_on_its_own_commit_and_branch() {
    let (title, text) = event_summary("workflow_job", "github/workflow_job.completed-failure.json", "zh-CN", |_| {});
    assert!(!title.contains("default-branch") && !text.contains("default-branch"), "{title}\n{text}");
    assert_eq!(title, "❌ 失败 · Hello-World · 作业 linters（main）");
    let job = "作业 [**linters**](https://github.com/octo-org/octo-repo/runs/1291536064)：**失败**\n\n工作流 **CodeQL** · 分支 **main**";
    assert!(text.contains(job), "{text}");
    assert!(text.contains("提交 [3484a3f](") && !text.contains("5ca1ab1"), "the job's head_sha: {text}");
}

#[test]
fn an_event_without_a_template_names_itself_its_action_and_its_object_in_the_readers_words() {
    let (title, text) = event_summary("label", "github/issues.opened.json", "zh-CN", |v| {
        *v = serde_json::json!({
            "action": "created",
            "label": {"name": "bug", "url": "https://api.github.com/repos/o/r/labels/bug"},
            "repository": v["repository"].clone(),
            "sender": {"login": "Codertocat"},
        });
    });
    assert_eq!(title, "✅ 成功 · Hello-World · 标签 bug：已创建");
    assert!(text.contains("标签 **bug**：已创建，操作人 **Codertocat**"), "{text}");
    assert!(
        !text.contains("5ca1ab1") && !text.contains("default-branch"),
        "the run's commit is not the label's: {text}"
    );
    // A word the catalog lacks is an identifier, not an English word in the sentence.
    let (title, text) = event_summary("some_future_event", "github/issues.opened.json", "zh-CN", |v| {
        *v = serde_json::json!({"action": "was_frobnicated", "repository": v["repository"].clone(), "sender": {"login": "Codertocat"}});
    });
    assert_eq!(title, "✅ 成功 · Hello-World · `some_future_event`：`was_frobnicated`");
    assert!(text.contains("`some_future_event`：`was_frobnicated`，操作人 **Codertocat**"), "{text}");
}
