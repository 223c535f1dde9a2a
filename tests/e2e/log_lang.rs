//! The log follows `lang` too: real failures (the relay refusing with DingTalk's code, a peer
//! that does not answer, the CI's API refusing, a malformed `jobs`, a broken template) said in
//! Chinese by default, with no English sentence but the names, codes, URLs and the peers' own
//! words, and in English with `lang: en`.

use std::time::Duration;

use crate::support::*;

const GH_TOKEN: &str = "ghs_langTOKENsEcReT8";

/// A failure to run, in the language given (`None`: the default).
#[derive(Clone, Copy, Debug)]
enum Failure {
    /// The relay refuses, passing on DingTalk's errcode 310000.
    Refusal,
    /// The relay does not answer within `timeout`.
    RelayTimeout,
    /// The token renewal (KDocs' OAuth endpoint) does not answer within `timeout`.
    RenewalTimeout,
    /// The GitHub API answers 403 to the jobs listing.
    GithubForbidden,
    /// `jobs` is not JSON.
    MalformedJobs,
    /// The template reads a field that is not there.
    Template,
}

const FAILURES: [Failure; 6] = [
    Failure::Refusal,
    Failure::RelayTimeout,
    Failure::RenewalTimeout,
    Failure::GithubForbidden,
    Failure::MalformedJobs,
    Failure::Template,
];

const REFUSAL: &str =
    r#"{"code":500,"msg":"dingtalk error","data":{"errcode":310000,"errmsg":"keywords not in content"}}"#;

/// The run's stderr, with the fake server's origin as `ORIGIN`.
fn stderr_of(failure: Failure, lang: Option<&str>) -> String {
    let slow = || Reply::json(200, r#"{"code":0}"#).delay(Duration::from_secs(5));
    let server = match failure {
        Failure::Refusal => Server::script(vec![Reply::json(200, REFUSAL)]),
        Failure::RelayTimeout | Failure::RenewalTimeout => Server::script(vec![slow()]),
        Failure::GithubForbidden => Server::start(|r| {
            if r.target.starts_with(PATH) {
                Reply::json(200, r#"{"code":0}"#)
            } else {
                Reply::json(403, r#"{"message":"Resource not accessible by integration"}"#)
            }
        }),
        Failure::MalformedJobs | Failure::Template => Server::start(|_| Reply::json(200, r#"{"code":0}"#)),
    };
    let run = Run::github("push", "github/push.branch.json", &server.url)
        .env("INPUT_TEMPLATE", "{{ repo.name }}")
        .env("INPUT_TIMEOUT", "0.5")
        .env("INPUT_RETRIES", "0");
    let run = match failure {
        Failure::Refusal | Failure::RelayTimeout => run,
        Failure::RenewalTimeout => run
            .unset("INPUT_KDOCS_TOKEN")
            .env("INPUT_KDOCS_APP_ID", APP_ID)
            .env("INPUT_KDOCS_APP_KEY", APP_KEY)
            .env("INPUT_KDOCS_REFRESH_TOKEN", REFRESH_TOKEN),
        Failure::GithubForbidden => {
            run.env("GITHUB_REPOSITORY", "o/r").env("GITHUB_API_URL", &server.url).env("INPUT_GITHUB_TOKEN", GH_TOKEN)
        }
        Failure::MalformedJobs => run.env("INPUT_JOBS", "{\"build\": \"success\",\n \"deploy\" 1}"),
        Failure::Template => run.env("INPUT_TEMPLATE", "{{ repo.name }}\n{{ nope.x }}"),
    };
    let run = match lang {
        Some(lang) => run.env("INPUT_LANG", lang),
        None => run,
    };
    let out = run.run();
    out.assert_no_secrets();
    out.assert_hidden(&[GH_TOKEN]);
    let expected = match failure {
        Failure::GithubForbidden => 0,
        Failure::MalformedJobs | Failure::Template => 2,
        _ => 1,
    };
    assert_eq!(out.code, expected, "{failure:?} {lang:?}: {}", out.stderr);
    out.stderr.replace(&server.url, "ORIGIN")
}

/// The lines a person reads: not GitHub's workflow commands (`::add-mask::`, `::error …::`,
/// which repeat an error line).
fn said(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| !l.starts_with("::") && !l.trim().is_empty()).collect()
}

/// Names and codes a Chinese engineer writes as they are.
const NAMES: &[&str] = &[
    "ORIGIN",
    "KDocs",
    "OAuth",
    "GitHub",
    "API",
    "HTTP",
    "JSON",
    "code",
    "msg",
    "errcode",
    "errmsg",
    "runner",
    "access",
    "refresh",
    "token",
    "transport",
    "kdocs",
    "dingtalk",
    "UTC",
];

/// The English left in a line once what stays as it is in every language is taken out:
/// the `error:`-style marker, backticked names, URLs, quoted texts of the peers (the relay's
/// `msg`, DingTalk's `errmsg`), and the names and codes a Chinese engineer writes in English.
fn english_in(line: &str) -> Option<String> {
    let mut rest = line;
    for marker in ["error: ", "warning: ", "hint: ", "notice: "] {
        rest = rest.strip_prefix(marker).unwrap_or(rest);
    }
    // Backticked and quoted spans.
    let mut kept = String::new();
    for (i, part) in rest.split('`').enumerate() {
        if i % 2 == 0 {
            for (j, piece) in part.split('"').enumerate() {
                if j % 2 == 0 {
                    kept.push_str(piece);
                }
                kept.push(' ');
            }
        }
        kept.push(' ');
    }
    let words: Vec<&str> = kept
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '\''))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|w| !w.starts_with("http") && !NAMES.contains(w))
        .collect();
    // Two English words in a row, with nothing but spaces between them, make a phrase.
    let mut phrase = Vec::new();
    let mut last_end = 0;
    for w in words {
        let start = kept[last_end..].find(w).map_or(last_end, |i| last_end + i);
        let between = &kept[last_end..start];
        if !phrase.is_empty() && between.trim().is_empty() {
            phrase.push(w);
            if phrase.len() >= 2 {
                return Some(phrase.join(" "));
            }
        } else {
            phrase = vec![w];
        }
        last_end = start + w.len();
    }
    None
}

#[test]
fn the_checker_finds_english_and_lets_names_codes_and_peers_words_be() {
    assert_eq!(english_in("error: no answer from ORIGIN within 0.5s").as_deref(), Some("no answer"));
    assert_eq!(english_in("hint: 调大 `timeout`，或检查 runner 与 the relay 之间的网络").as_deref(), Some("the relay"));
    assert_eq!(english_in(r#"error: KDocs 中转拒收了消息：code 500，msg "dingtalk error""#), None);
    assert_eq!(english_in("warning: 无法从 GitHub 接口读取运行的作业：GitHub 接口返回 HTTP 403"), None);
}

/// One line of each failure, as a Chinese and an English run say it.
fn lines(failure: Failure) -> [&'static str; 2] {
    match failure {
        Failure::Refusal => [
            "hint: 钉钉 errcode 310000：消息缺少机器人的安全关键词：把 `keyword` 设为该关键词",
            "hint: DingTalk errcode 310000: the message lacks the robot's security keyword: set `keyword` to it",
        ],
        Failure::RelayTimeout => [
            "hint: 调大 `timeout`，或检查 runner 与对端（KDocs 中转）之间的网络",
            "hint: raise `timeout`, or check the network between the runner and the relay",
        ],
        // Not the relay: the renewal goes to KDocs' OAuth endpoint.
        Failure::RenewalTimeout => [
            "hint: 调大 `timeout`，或检查 runner 与对端（KDocs 的 OAuth 接口）之间的网络",
            "hint: raise `timeout`, or check the network between the runner and KDocs' OAuth endpoint",
        ],
        Failure::GithubForbidden => [
            "warning: 无法从 GitHub 接口读取运行的作业：GitHub 接口返回 HTTP 403：令牌无权读取本仓库的 Actions；\
             给作业加上 `permissions: actions: read`（fine-grained 令牌：\"Actions\" 读权限）；通知照常发送，只是不含这项信息",
            "warning: cannot read the run's jobs from the GitHub API: the GitHub API answered HTTP 403: the token cannot \
             read this repository's Actions; grant the job `permissions: actions: read` (a fine-grained token: \
             \"Actions\" read); the notification goes on without it",
        ],
        Failure::MalformedJobs => [
            "error: `jobs`（来自 INPUT_JOBS）无法解析：不是有效的 JSON（第 2 行第 11 列）；请填 {\"build\": \"success\"} \
             这样的 JSON，或 GitHub 的 ${{ toJSON(needs) }}",
            "error: `jobs` (from INPUT_JOBS) cannot be read: it is not valid JSON (line 2, column 11); give JSON like \
             {\"build\": \"success\"} or GitHub's ${{ toJSON(needs) }}",
        ],
        Failure::Template => [
            "error: 模板（来自 INPUT_TEMPLATE）无法渲染，第 2 行：未定义的值；请修改模板",
            "error: the template from INPUT_TEMPLATE does not work, line 2: undefined value; fix the template",
        ],
    }
}

#[test]
fn failures_are_told_in_chinese_by_default_and_in_english_with_lang_en() {
    for failure in FAILURES {
        let [zh_line, en_line] = lines(failure);
        let zh = stderr_of(failure, None);
        assert!(said(&zh).contains(&zh_line), "{failure:?}: {zh_line}\nmissing from:\n{zh}");
        for line in said(&zh) {
            assert_eq!(english_in(line), None, "{failure:?}: an English sentence in a Chinese run's line:\n{line}");
        }
        let en = stderr_of(failure, Some("en"));
        assert!(said(&en).contains(&en_line), "{failure:?}: {en_line}\nmissing from:\n{en}");
        // No Chinese in an English run, but what the peers said.
        let peers = REFUSAL;
        for line in said(&en) {
            let chinese = line.chars().any(|c| c > '\u{2e80}' && !peers.contains(c));
            assert!(!chinese, "{failure:?}: Chinese in an English run's line:\n{line}");
        }
    }
}
