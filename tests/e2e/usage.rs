//! Bad input: exit 2, one clear line naming the setting, and nothing sent.

use crate::support::*;

/// A relay that would accept anything; usage errors must not reach it.
fn relay() -> Server {
    Server::script(vec![Reply::json(200, r#"{"code":0}"#)])
}

fn assert_usage(out: &Output, expected_line: &str) {
    assert_eq!(out.code, 2, "stderr: {}", out.stderr);
    let first = out.stderr.lines().next().unwrap_or_default();
    assert_eq!(first, expected_line);
}

#[test]
fn a_missing_token_names_every_place_it_was_looked_for() {
    let relay = relay();
    let url = relay.url.clone();
    // Without any KDocs credential, `auto` would go straight to DingTalk: `kdocs` asks for one.
    let out = Run::github("push", "github/push.branch.json", &url)
        .env("DINGTALK_LANG", "en")
        .unset("INPUT_KDOCS_TOKEN")
        .env("INPUT_TRANSPORT", "kdocs")
        .run();
    assert!(relay.received().is_empty(), "a usage error sent a request");
    // On GitHub, the `with:` input a workflow author writes.
    assert_usage(
        &out,
        "error: the input `kdocs_token` is required with `transport: kdocs`: add `kdocs_token: ${{ secrets.KDOCS_TOKEN }}` \
         under the step's `with:` (also read from --kdocs-token, INPUT_KDOCS_TOKEN, PLUGIN_KDOCS_TOKEN, \
         DINGTALK_KDOCS_TOKEN), or the three inputs `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` to renew \
         one (README, \"KDocs token\")",
    );
    assert!(out.stdout.contains("::error title=dingtalk-notify::the input `kdocs_token` is required"));
    // The outputs say so too, for a later step's `if:`.
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("skipped").as_deref(), Some("false"));
    assert!(
        out.output("msg").is_some_and(|m| m.starts_with("the input `kdocs_token` is required with `transport: kdocs`")),
        "{}",
        out.outputs
    );
}

#[test]
fn a_bad_boolean_names_the_setting_and_its_variable() {
    let relay = relay();
    let url = relay.url.clone();
    let out = Run::github("push", "github/push.branch.json", &url)
        .env("DINGTALK_LANG", "en")
        .env("PLUGIN_AT_ALL", "sometimes")
        .run();
    assert!(relay.received().is_empty(), "a usage error sent a request");
    assert_usage(
        &out,
        "error: `at_all` has the value `sometimes` (from PLUGIN_AT_ALL): use true or false (also 1/0, yes/no)",
    );
}

#[test]
fn a_broken_template_is_a_usage_error_naming_its_line() {
    let relay = relay();
    let url = relay.url.clone();
    let out = Run::github("push", "github/push.branch.json", &url)
        .env("INPUT_TEMPLATE", "Build of {{ repo.name }}\n{% for c in commits %}\n{{ c.sha }")
        .env("DINGTALK_LANG", "en")
        .run();
    assert!(relay.received().is_empty(), "a usage error sent a request");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap();
    assert!(first.starts_with("error: the template from INPUT_TEMPLATE does not work, line 3:"), "{first}");
}

#[test]
fn a_template_that_fails_to_render_names_the_file_and_line() {
    let relay = relay();
    let url = relay.url.clone();
    let run = Run::github("push", "github/push.branch.json", &url);
    let file = run.dir().join("summary.md.j2");
    std::fs::write(&file, "line one\n{{ no_such_thing.field }}\n").unwrap();
    let out = run.env("INPUT_TEMPLATE_FILE", file.to_str().unwrap()).env("DINGTALK_LANG", "en").run();
    assert!(relay.received().is_empty(), "a usage error sent a request");
    assert_eq!(out.code, 2);
    let first = out.stderr.lines().next().unwrap();
    assert!(first.contains("summary.md.j2 does not work, line 2:"), "{first}");
    assert!(first.contains("undefined"), "{first}");
}

#[test]
fn an_unreadable_template_file_is_a_usage_error() {
    let relay = relay();
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_TEMPLATE_FILE", "missing.j2")
        .run();
    assert_eq!(out.code, 2);
    assert!(relay.received().is_empty(), "a usage error sent a request");
    assert!(out.stderr.starts_with("error: cannot read the template file `missing.j2` (from INPUT_TEMPLATE_FILE)"));
}

#[test]
fn fail_on_error_false_also_covers_usage_errors() {
    let out = Run::new().env("DINGTALK_LANG", "en").env("DINGTALK_FAIL_ON_ERROR", "no").run();
    assert_eq!(out.code, 0);
    assert!(out.stderr.starts_with("warning: the setting `webhook` is required"), "{}", out.stderr);
}

#[test]
fn fail_on_error_false_also_covers_a_bad_command_line() {
    let out = Run::new().env("DINGTALK_LANG", "en").env("DINGTALK_FAIL_ON_ERROR", "false").arg("--bogus").run();
    assert_eq!(out.code, 0);
    assert!(out.stderr.starts_with("warning: unknown option `--bogus`"), "{}", out.stderr);
    let out = Run::new().env("DINGTALK_LANG", "en").arg("--bogus").run();
    assert_eq!(out.code, 2);
}

#[test]
fn a_variable_that_is_not_utf8_is_ignored_not_a_crash() {
    use std::os::unix::ffi::OsStrExt;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dingtalk-notify"))
        .env_clear()
        .env(std::ffi::OsStr::from_bytes(b"JUNK"), std::ffi::OsStr::from_bytes(b"caf\xe9"))
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_multi_line_secret_is_masked_line_by_line() {
    let out =
        Run::new().env("GITHUB_ACTIONS", "true").env("INPUT_SECRET", "SEClineone\nSEClinetwo%").arg("--dry-run").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A dry run's masks are on stderr: stdout is the JSON alone.
    let masks: Vec<&str> = out.stderr.lines().take_while(|l| l.starts_with("::add-mask::")).collect();
    assert_eq!(masks, ["::add-mask::SEClineone", "::add-mask::SEClinetwo%25"]);
    assert!(out.stdout.starts_with('{') && !out.stdout.contains("SECline"), "{}", out.stdout);
}

#[test]
fn a_timeout_below_a_tenth_of_a_second_is_refused() {
    let out = Run::new().env("DINGTALK_TIMEOUT", "0.000001").arg("--dry-run").run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("DINGTALK_TIMEOUT"), "{}", out.stderr);
}

#[test]
fn help_lists_every_setting_with_its_variables_and_version_prints_the_version() {
    let out = Run::new().arg("--help").run();
    assert_eq!(out.code, 0);
    // Every input action.yml declares (a unit test checks action.yml against the settings table).
    let action = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    let notify_step = action.split("- id: notify").nth(1).unwrap();
    let inputs: Vec<&str> = notify_step
        .lines()
        .filter_map(|l| l.trim().strip_prefix("INPUT_")?.split_once(": ${{ inputs."))
        .map(|(_, rest)| rest.trim_end_matches(" }}"))
        .collect();
    assert!(inputs.len() >= 20, "action.yml's INPUT_* mapping not found: {inputs:?}");
    for name in inputs {
        let upper = name.to_uppercase();
        assert!(out.stdout.contains(&format!("--{}", name.replace('_', "-"))), "--{name} missing");
        assert!(
            out.stdout.contains(&format!("INPUT_{upper}, PLUGIN_{upper}, DINGTALK_{upper}")),
            "{name} variables missing"
        );
    }
    let out = Run::new().arg("--version").run();
    assert_eq!(out.stdout.trim(), format!("dingtalk-notify {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_mistyped_option_is_named_but_its_value_never_printed() {
    let relay = relay();
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .arg("--kdocs-tokn=TypoedSecret123")
        .run();
    assert!(relay.received().is_empty(), "a usage error sent a request");
    assert_usage(&out, "error: unknown option `--kdocs-tokn`: did you mean `--kdocs-token`? (see --help)");
    assert!(!format!("{}{}", out.stdout, out.stderr).contains("TypoedSecret123"), "{}", out.stderr);
}

#[test]
fn a_boolean_flag_takes_a_following_true_or_false() {
    let out = Run::new().env("DINGTALK_LANG", "en").arg("--fail-on-error").arg("false").run();
    assert_eq!(out.code, 0, "fail_on_error false must turn the missing webhook into a warning: {}", out.stderr);
    assert!(out.stderr.starts_with("warning: the setting `webhook` is required"), "{}", out.stderr);
}

#[test]
fn a_bad_ca_file_names_its_variable_and_sends_nothing() {
    let relay = relay();
    let empty = Run::new();
    let pem = empty.dir().join("empty.pem");
    std::fs::write(&pem, "not a certificate\n").unwrap();
    for (value, why) in [("missing.pem", ""), (pem.to_str().unwrap(), "it holds no certificate")] {
        let run = || Run::github("push", "github/push.branch.json", &relay.url).env("INPUT_CA_FILE", value);
        let out = run().env("DINGTALK_LANG", "en").run();
        assert_eq!(out.code, 2, "{}", out.stderr);
        let want = format!("error: `ca_file` {value} (from INPUT_CA_FILE): {why}");
        assert!(out.stderr.starts_with(&want), "{}", out.stderr);
        // In the default language, the same line in Chinese.
        let out = run().run();
        assert_eq!(out.code, 2, "{}", out.stderr);
        let want = format!("error: `ca_file` {value}（来自 INPUT_CA_FILE）：");
        assert!(out.stderr.starts_with(&want), "{}", out.stderr);
    }
    let out =
        Run::github("push", "github/push.branch.json", &relay.url).env("INPUT_CA_FILE", pem.to_str().unwrap()).run();
    assert!(out.stderr.contains("：文件里没有证书；请提供根证书的 PEM 文件"), "{}", out.stderr);
    assert!(relay.received().is_empty(), "a usage error sent a request");
}

#[test]
fn a_bad_lang_names_the_setting_and_the_languages() {
    let relay = relay();
    let url = relay.url.clone();
    let out = Run::github("push", "github/push.branch.json", &url).env("INPUT_LANG", "zh-TW").run();
    assert!(relay.received().is_empty(), "a usage error sent a request");
    // A `lang` that does not parse cannot choose its own error's language: the default does.
    assert_usage(&out, "error: `lang` 的值 `zh-TW`（来自 INPUT_LANG）无效：请填 zh-CN 或 en");
}

#[test]
fn a_flag_is_never_taken_as_the_value_of_the_flag_before_it() {
    // `--code` with its value forgotten: the next flag must not be sent to KDocs as the code.
    let kdocs = Server::script(vec![Reply::json(200, r#"{"code":0,"data":{"access_token":"a"}}"#)]);
    let api = format!("--kdocs-api-url={}", kdocs.url);
    let out = Run::new()
        .env("DINGTALK_LANG", "en")
        .arg("kdocs-auth")
        .args(&["--app-id", APP_ID, "--code", &api])
        .env("DINGTALK_KDOCS_APP_KEY", APP_KEY)
        .env("DINGTALK_KDOCS_API_URL", &kdocs.url)
        .run();
    assert!(kdocs.received().is_empty(), "a flag was sent as the code");
    assert_usage(&out, "error: option `--code` needs a value (see kdocs-auth --help)");
    // The same for a run's settings: `--dry-run` is not the title.
    let out = Run::new().env("DINGTALK_LANG", "en").args(&["--title", "--dry-run"]).run();
    assert_usage(&out, "error: option `--title` needs a value (see --help)");
}

#[test]
fn kdocs_auth_reads_its_flags_as_a_run_does() {
    let url = |args: &[&str]| {
        let out = Run::new()
            .env("DINGTALK_LANG", "en")
            .arg("kdocs-auth")
            .args(&["--redirect-uri", "https://example.com/cb", "--scope", "a"])
            .args(args)
            .env("DINGTALK_KDOCS_API_URL", "http://127.0.0.1:9/")
            .run();
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.stdout.lines().find(|l| l.contains("/h5/auth?")).unwrap_or_default().trim().to_owned()
    };
    let want = "http://127.0.0.1:9/h5/auth?app_id=ID&scope=a&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&state=s";
    assert_eq!(url(&["--app-id", "ID", "--state", "s"]), want);
    assert_eq!(url(&["--app-id=ID", "--state=s"]), want);
    assert_eq!(url(&["--kdocs-app-id", "ID", "--state", "s"]), want);
    let out = Run::new().env("DINGTALK_LANG", "en").arg("kdocs-auth").arg("--scop=a").run();
    assert_usage(&out, "error: unknown option `--scop`: did you mean `--scope`? (see kdocs-auth --help)");
    let out = Run::new().env("DINGTALK_LANG", "en").arg("kdocs-auth").arg("-V").run();
    assert_eq!(out.stdout.trim(), format!("dingtalk-notify {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_argument_that_is_not_utf8_is_refused_not_a_crash() {
    use std::os::unix::ffi::OsStrExt;
    for args in
        [&[&b"--title"[..], b"caf\xe9"][..], &[b"--ti\xe9tle"], &[b"caf\xe9"], &[b"kdocs-auth", b"--code", b"\xe9"]]
    {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dingtalk-notify"))
            .env_clear()
            .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: ") && !stderr.contains("caf"), "{args:?}: {stderr}");
    }
}

/// The language and the start time (2024-06-11 09:14:09 UTC) a dry run shows, or the first line
/// of its error.
fn lang_and_time(vars: &[(&str, &str)]) -> Result<String, String> {
    let out = Run::new()
        .env("DINGTALK_TEMPLATE", "{{ lang }} {{ run.started_at|datetime }}")
        .env("DINGTALK_STARTED_AT", "1718097249")
        .envs(vars.iter().copied())
        .arg("--dry-run")
        .run();
    match out.code {
        0 => Ok(markdown(&out.json()).1),
        _ => Err(out.stderr.lines().next().unwrap_or_default().to_owned()),
    }
}

#[test]
fn every_spelling_of_a_language_is_taken() {
    for (given, want) in [
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh-hans", "zh-CN"),
        ("cn", "zh-CN"),
        ("chinese", "zh-CN"),
        ("Chinese", "zh-CN"),
        ("ZH", "zh-CN"),
        ("en", "en"),
        ("en-US", "en"),
        ("en_US", "en"),
        ("english", "en"),
        ("English", "en"),
        ("EN-us", "en"),
    ] {
        assert_eq!(lang_and_time(&[("DINGTALK_LANG", given)]), Ok(format!("{want} 2024-06-11 17:14")), "{given}");
    }
    // The aliases are taken, not listed: the error names the two documented words.
    assert_eq!(
        lang_and_time(&[("DINGTALK_LANG", "zh-TW")]),
        Err("error: `lang` 的值 `zh-TW`（来自 DINGTALK_LANG）无效：请填 zh-CN 或 en".to_owned())
    );
}

#[test]
fn a_time_zone_without_daylight_saving_is_taken_by_its_name() {
    for (zone, time) in [
        ("Asia/Shanghai", "17:14"),
        ("Asia/Chongqing", "17:14"),
        ("Asia/Harbin", "17:14"),
        ("Asia/Urumqi", "15:14"),
        ("Asia/Hong_Kong", "17:14"),
        ("Asia/Macau", "17:14"),
        ("Asia/Taipei", "17:14"),
        ("Asia/Singapore", "17:14"),
        ("Asia/Tokyo", "18:14"),
        ("Asia/Seoul", "18:14"),
        ("PRC", "17:14"),
        ("UTC", "09:14"),
        ("Etc/UTC", "09:14"),
        ("asia/tokyo", "18:14"),
        ("-05:30", "03:44"),
    ] {
        let want = format!("zh-CN 2024-06-11 {time}");
        assert_eq!(lang_and_time(&[("DINGTALK_TIMEZONE", zone)]), Ok(want), "{zone}");
    }
    for zone in ["America/New_York", "Europe/Berlin"] {
        let e = lang_and_time(&[("DINGTALK_TIMEZONE", zone)]).unwrap_err();
        let want = format!("error: `timezone` 的值 `{zone}`（来自 DINGTALK_TIMEZONE）无效：请填 UTC 偏移，如 +08:00");
        assert!(e.starts_with(&want) && e.contains("没有夏令时的时区名"), "{e}");
    }
}

#[test]
fn the_machines_tz_is_the_time_zone_when_none_is_set() {
    let time = |vars: &[(&str, &str)]| lang_and_time(vars).map(|t| t[t.len() - 5..].to_owned());
    assert_eq!(time(&[("TZ", "Asia/Tokyo")]), Ok("18:14".into()));
    assert_eq!(time(&[("TZ", ":Asia/Urumqi")]), Ok("15:14".into()));
    assert_eq!(time(&[("TZ", "UTC")]), Ok("09:14".into()));
    assert_eq!(time(&[("TZ", "+05:30")]), Ok("14:44".into()));
    // The setting wins over TZ.
    assert_eq!(time(&[("TZ", "UTC"), ("INPUT_TIMEZONE", "+09:00")]), Ok("18:14".into()));
    // A TZ this binary cannot read as one offset leaves the default, +08:00: a zone with daylight
    // saving, a POSIX rule, and `UTC+8` (which POSIX reads as eight hours west).
    for tz in ["Europe/Berlin", "EST5EDT", "UTC+8", ""] {
        assert_eq!(time(&[("TZ", tz)]), Ok("17:14".into()), "{tz}");
    }
}
