//! Everything the tool says follows `lang`: Chinese by default, English with `lang: en`, read
//! before anything else (from the command line, wherever `--lang` stands, or the environment).

use crate::support::*;

/// `--help`, with the version out of the way of the snapshot.
fn help(run: Run) -> String {
    let out = run.arg("--help").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    out.stdout.replace(env!("CARGO_PKG_VERSION"), "<version>")
}

#[test]
fn help_is_chinese_by_default_and_english_with_lang_en_from_anywhere() {
    let zh = help(Run::new());
    assert!(zh.starts_with(
        "dingtalk-notify <version>\n把 CI 运行的摘要发到钉钉群机器人，经 KDocs 中转或直接发到机器人的 Webhook。\n\n\
         用法：dingtalk-notify [--name value]...\n"
    ));
    assert!(zh.contains(
        "  --fail-on-error [true|false]\n      设为 false 时，所有失败都只是警告，退出码为 0 [true]\n      \
         env: INPUT_FAIL_ON_ERROR, PLUGIN_FAIL_ON_ERROR, DINGTALK_FAIL_ON_ERROR\n"
    ));
    let en = help(Run::new().arg("--lang=en"));
    assert!(en.starts_with(
        "dingtalk-notify <version>\nSend a CI run's summary to a DingTalk group robot, through the KDocs relay or \
         straight to its webhook.\n\nUSAGE: dingtalk-notify [--name value]...\n"
    ));
    assert!(en.contains(
        "  --fail-on-error [true|false]\n      false turns every failure into a warning and exit 0 [true]\n      \
         env: INPUT_FAIL_ON_ERROR, PLUGIN_FAIL_ON_ERROR, DINGTALK_FAIL_ON_ERROR\n"
    ));
    // `--lang` after `--help`, or `lang` from any variable, says the same.
    assert_eq!(help(Run::new().env("DINGTALK_LANG", "en")), en);
    assert_eq!(help(Run::new().env("INPUT_LANG", "English")), en);
    let out = Run::new().args(&["--help", "--lang", "en"]).run();
    assert_eq!(out.stdout.replace(env!("CARGO_PKG_VERSION"), "<version>"), en);
    // A `lang` that does not parse leaves the default.
    assert_eq!(help(Run::new().env("DINGTALK_LANG", "fr")), zh);
    for (lang, text) in [("zh-CN", &zh), ("en", &en)] {
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true, description => format!("dingtalk-notify --help, lang {lang}") }, {
            insta::assert_snapshot!(format!("help.{lang}"), text);
        });
    }
}

#[test]
fn kdocs_auth_help_follows_lang() {
    let out = Run::new().args(&["kdocs-auth", "--help"]).run();
    assert!(
        out.stdout
            .starts_with("dingtalk-notify kdocs-auth：不写代码，拿到最初的 KDocs 令牌（见 README「KDocs 令牌」）。\n")
    );
    let out = Run::new().args(&["kdocs-auth", "--help", "--lang", "en"]).run();
    assert!(out.stdout.starts_with("dingtalk-notify kdocs-auth: the first KDocs tokens, without writing code"));
    // A usage error of the subcommand too.
    let out = Run::new().args(&["kdocs-auth", "--scop", "x"]).run();
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "error: 未知选项 `--scop`，是不是 `--scope`？（见 kdocs-auth --help）\n");
}

#[test]
fn a_usage_error_is_chinese_by_default_and_english_with_lang_en_even_given_after_it() {
    let out = Run::new().arg("--dryrun").run();
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "error: 未知选项 `--dryrun`，是不是 `--dry-run`？（见 --help）\n");
    for run in [Run::new().args(&["--dryrun", "--lang", "en"]), Run::new().arg("--dryrun").env("PLUGIN_LANG", "en")] {
        let out = run.run();
        assert_eq!(out.code, 2);
        assert_eq!(out.stderr, "error: unknown option `--dryrun`: did you mean `--dry-run`? (see --help)\n");
    }
}

#[test]
fn a_missing_webhook_on_github_is_said_in_chinese_and_fail_on_error_false_says_why_it_passes() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let run = || Run::github("push", "github/push.branch.json", &relay.url).unset("INPUT_WEBHOOK");
    let want = "缺少输入 `webhook`：在该步骤的 `with:` 下添加 `webhook: ${{ secrets.DINGTALK_WEBHOOK }}`\
                （也会从 --webhook, INPUT_WEBHOOK, PLUGIN_WEBHOOK, DINGTALK_WEBHOOK 读取）";
    let out = run().run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr, format!("error: {want}\n"));
    assert_eq!(out.output("msg").as_deref(), Some(want));
    let out = run().env("INPUT_FAIL_ON_ERROR", "false").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, format!("warning: {want}（fail_on_error 为 false，作业不失败）\n"));
    assert!(relay.received().is_empty());
}

#[test]
fn a_run_that_is_not_sent_says_why_in_its_language() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let run = || Run::github("push", "github/push.branch.json", &relay.url).env("INPUT_NOTIFY_ON", "failure");
    let out = run().run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "不发送：本次运行的状态是成功（`success`），上一次是未知，而 notify_on 是 `failure`\n");
    let out = run().env("INPUT_LANG", "en").run();
    assert_eq!(
        out.stderr,
        "not sending: the run's status is success (previous: unknown), and notify_on is `failure`\n"
    );
    assert!(relay.received().is_empty());
}
