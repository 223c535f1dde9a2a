//! A webhook that is not DingTalk's robot host: another chat service's robot or a near miss of
//! DingTalk's host stops a direct send (nothing leaves), and only warns through the relay, which
//! still gets the message; any other host (a proxy, a test server) stays allowed.

use crate::support::*;

const FIX_SERVICE: &str = "set `webhook` to the DingTalk group robot's URL, \
     https://oapi.dingtalk.com/robot/send?access_token=… (from the group's robot settings)";
const FIX_NEAR: &str = "did you mean oapi.dingtalk.com? Set `webhook` to \
     https://oapi.dingtalk.com/robot/send?access_token=… (from the group's robot settings)";

/// Each wrong webhook, and what the messages say it is.
fn wrong() -> Vec<(String, String, &'static str)> {
    let service = |name: &str, host: &str| format!("is a {name} robot's URL ({host}), not a DingTalk robot's");
    let near = |host: &str| format!("points at {host}, not DingTalk's robot host oapi.dingtalk.com");
    vec![
        (
            format!("https://open.feishu.cn/open-apis/bot/v2/hook/{HOOK_TOKEN}"),
            service("Feishu/Lark", "open.feishu.cn"),
            FIX_SERVICE,
        ),
        (
            format!("https://open.larksuite.com/open-apis/bot/v2/hook/{HOOK_TOKEN}"),
            service("Feishu/Lark", "open.larksuite.com"),
            FIX_SERVICE,
        ),
        (
            format!("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={HOOK_TOKEN}"),
            service("WeCom", "qyapi.weixin.qq.com"),
            FIX_SERVICE,
        ),
        (format!("https://oapi.dingtalk.cn/robot/send?access_token={HOOK_TOKEN}"), near("oapi.dingtalk.cn"), FIX_NEAR),
        (format!("https://api.dingtalk.com/robot/send?access_token={HOOK_TOKEN}"), near("api.dingtalk.com"), FIX_NEAR),
        (
            format!("https://oapi.dingding.com/robot/send?access_token={HOOK_TOKEN}"),
            near("oapi.dingding.com"),
            FIX_NEAR,
        ),
        (
            format!("https://oapi.dingtlak.com/robot/send?access_token={HOOK_TOKEN}"),
            near("oapi.dingtlak.com"),
            FIX_NEAR,
        ),
    ]
}

/// A push with no KDocs credential: straight to `webhook`, every connection through `proxy`, so
/// that a send that should not happen reaches the fake server, never the network.
fn direct(webhook: &str, proxy: &Server) -> Run {
    Run::github("push", "github/push.branch.json", NO_RELAY)
        .unset("INPUT_KDOCS_TOKEN")
        .env("INPUT_WEBHOOK", webhook)
        .env("HTTPS_PROXY", &proxy.url)
        .env("HTTP_PROXY", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
}

#[test]
fn another_service_or_a_near_miss_sent_directly_is_a_usage_error_and_nothing_leaves() {
    for (webhook, what, fix) in wrong() {
        let proxy = Server::script(vec![Reply::text(502, "must not be asked")]);
        let out = direct(&webhook, &proxy).env("DINGTALK_LANG", "en").run();
        assert_eq!(out.code, 2, "{webhook}: {}", out.stderr);
        let line = format!("`webhook` (from INPUT_WEBHOOK) {what}, so nothing was sent: {fix}");
        assert!(
            out.stderr.lines().any(|l| l == format!("error: {line}")),
            "{webhook}: want\n{line}\ngot\n{}",
            out.stderr
        );
        assert_eq!(proxy.received().len(), 0, "{webhook}");
        assert!(!out.stderr.contains("sent to DingTalk"), "{}", out.stderr);

        // fail_on_error: false makes it a warning, still with nothing sent.
        let proxy = Server::script(vec![Reply::text(502, "must not be asked")]);
        let out = direct(&webhook, &proxy).env("DINGTALK_LANG", "en").env("INPUT_FAIL_ON_ERROR", "false").run();
        assert_eq!(out.code, 0, "{webhook}: {}", out.stderr);
        assert!(
            out.stderr.lines().any(|l| l == format!("warning: {line} (not failing the job: fail_on_error is false)")),
            "{webhook}: {}",
            out.stderr
        );
        assert_eq!(proxy.received().len(), 0, "{webhook}");
    }
}

#[test]
fn through_the_relay_a_wrong_webhook_is_a_warning_and_the_message_still_goes() {
    let other = (
        format!("https://robot-proxy.example.com/robot/send?access_token={HOOK_TOKEN}"),
        "points at robot-proxy.example.com, not DingTalk's robot host oapi.dingtalk.com".to_owned(),
        "if it is not a proxy in front of DingTalk, set `webhook` to \
         https://oapi.dingtalk.com/robot/send?access_token=… (from the group's robot settings)",
    );
    for (webhook, what, fix) in wrong().into_iter().chain([other]) {
        let relay = Server::script(vec![Reply::json(200, r#"{"code":0,"msg":"ok","data":{"errcode":0}}"#)]);
        let out = Run::github("push", "github/push.branch.json", &relay.url)
            .env("DINGTALK_LANG", "en")
            .env("INPUT_WEBHOOK", &webhook)
            .run();
        assert_eq!(out.code, 0, "{webhook}: {}", out.stderr);
        let line = format!("warning: `webhook` (from INPUT_WEBHOOK) {what}; sending through the relay anyway: {fix}");
        assert!(out.stderr.lines().any(|l| l == line), "{webhook}: want\n{line}\ngot\n{}", out.stderr);
        let got = relay.relay_calls();
        assert_eq!(got.len(), 1, "{webhook}");
        assert_eq!(got[0].json()["link"], webhook.as_str());
    }
}

#[test]
fn dingtalks_own_host_and_a_bare_token_warn_of_nothing() {
    for webhook in [webhook(), HOOK_TOKEN.to_owned()] {
        let relay = Server::script(vec![Reply::json(200, r#"{"code":0,"msg":"ok","data":{"errcode":0}}"#)]);
        let out = Run::github("push", "github/push.branch.json", &relay.url).env("INPUT_WEBHOOK", &webhook).run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stderr.contains("warning:"), "{}", out.stderr);
        assert_eq!(relay.relay_calls().len(), 1);
    }
}
