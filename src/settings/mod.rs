//! Every setting, declared once: its name, kind, default and help line, in the `settings!`
//! table below. From that table come the typed values, `--help`, the error texts and the
//! variable names a setting is read from.
//!
//! Built in two steps. [`Sources`] gathers raw strings, first found wins, from the command line
//! (`--name`), then `INPUT_NAME` (GitHub Actions), `PLUGIN_NAME` (Drone, Woodpecker) and
//! `DINGTALK_NAME` (GitLab CI, Jenkins, a shell); empty counts as unset. [`Settings::new`] turns
//! them into typed values (each kind parses its own, see [`Kind`]) and then checks what depends
//! on more than one setting, so that what is validated is carried by the types (a [`Mode`] is
//! either a dry run or a send with its credentials).

pub mod args;
pub mod mention;
pub mod when;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::context::jobs::{self, Job};
use crate::context::status::Status;
use crate::env::Env;
use crate::error::Error;
use crate::settings::when::Condition;
use crate::summary::catalog::{Lang, one_of, say};

/// The environment prefixes, in the order they are searched.
const PREFIXES: [&str; 3] = ["INPUT_", "PLUGIN_", "DINGTALK_"];

/// `name: Kind [= "default"], "help";` — one line per setting. A default is parsed by the
/// setting's kind like any value (a unit test checks that each one does), and `--help` shows it.
macro_rules! settings {
    ($($name:ident : $kind:ty $(= $default:literal)?, $help:expr;)*) => {
        /// A setting's name, as users write it (`kdocs_token`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types, reason = "each variant is the setting's own snake_case name")]
        pub enum Name {
            $($name,)*
        }

        /// Every setting, in the order `--help` lists them.
        pub const TABLE: &[Def] = &[
            $(Def {
                name: Name::$name,
                text: stringify!($name),
                is_bool: <$kind as Kind>::IS_BOOL,
                default: settings!(@default $($default)?),
                help: $help,
            },)*
        ];

        /// Each setting parsed by its kind; a setting with a default always has a value.
        #[derive(Debug)]
        pub struct Values {
            $(pub $name: settings!(@type $kind $(, $default)?),)*
        }

        impl Values {
            /// Each setting parsed, its errors in `lang` as the sources give it.
            pub fn parse(src: &Sources) -> Result<Values, Error> {
                let lang = src.lang();
                Ok(Values {
                    $($name: settings!(@parse src, lang, Name::$name, $kind $(, $default)?),)*
                })
            }
        }
    };
    (@default $default:literal) => { Some($default) };
    (@default) => { None };
    (@type $kind:ty, $default:literal) => { <$kind as Kind>::Value };
    (@type $kind:ty) => { Option<<$kind as Kind>::Value> };
    (@parse $src:ident, $lang:ident, $name:expr, $kind:ty, $default:literal) => {
        match $src.get($name) {
            Some(found) => <$kind as Kind>::parse(&found, $name, $lang)?,
            None => {
                let from = say($lang, "setting.default", &[]);
                <$kind as Kind>::parse(&Found { value: $default.into(), from }, $name, $lang)?
            }
        }
    };
    (@parse $src:ident, $lang:ident, $name:expr, $kind:ty) => {
        $src.get($name).map(|found| <$kind as Kind>::parse(&found, $name, $lang)).transpose()?
    };
}

settings! {
    kdocs_token: SecretText,
        ["KDocs 开放平台 access token；设置了 kdocs_app_id/key/refresh_token 三项时会自动续期", "KDocs open-API access token; renewed when the three kdocs_app_id/key/refresh_token are set"];
    kdocs_app_id: Line,
        ["KDocs 应用 id，用于每次运行续期 access token（与 kdocs_app_key、kdocs_refresh_token 一起）", "KDocs app id, to renew the access token each run (with kdocs_app_key, kdocs_refresh_token)"];
    kdocs_app_key: SecretText,
        ["KDocs 应用 key，用于续期 access token", "KDocs app key, to renew the access token"];
    kdocs_refresh_token: SecretText,
        ["KDocs refresh token（由 `dingtalk-notify kdocs-auth` 获取），用于续期 access token", "KDocs refresh token (from `dingtalk-notify kdocs-auth`), to renew the access token"];
    transport: Choice<TransportChoice> = "auto",
        ["auto（设置了 KDocs 凭据时经 KDocs 中转，否则直接发到钉钉）、kdocs 或 dingtalk", "auto (KDocs relay when a KDocs credential is set, else straight to DingTalk), kdocs or dingtalk"];
    webhook: Webhook,
        ["钉钉机器人地址 https://oapi.dingtalk.com/robot/send?access_token=…，或只填 access token（dry_run 以外必填）", "DingTalk robot URL https://oapi.dingtalk.com/robot/send?access_token=…, or its access token alone (required unless dry_run)"];
    secret: SecretText,
        ["机器人加签密钥（SEC…）：作为 `sk` 发给中转，或为直发请求签名", "robot signing secret (SEC…): sent to the relay as `sk`, or signs direct requests"];
    message: Text,
        ["附加的纯文本消息，在摘要之后发送", "extra plain-text message, sent after the summary"];
    title: Text,
        ["会话列表中显示的标题，与 `template` 一样是模板 [按本次运行生成]", "title shown in the chat list, a template like `template` [rendered from the run]"];
    template: Text,
        ["摘要正文的内联 minijinja 模板 [内置，按事件区分]", "inline minijinja template for the summary text [built-in, per event]"];
    template_file: Path,
        ["模板文件路径（不能与 `template` 同时设置）", "path of a template file (not with `template`)"];
    msgtype: Choice<MsgType> = "markdown",
        ["markdown 或 actionCard", "markdown or actionCard"];
    lang: Choice<Lang> = "zh-CN",
        [
            "工具输出的语言：标题、摘要、按钮、报错、警告、提示和本帮助，zh-CN 或 en",
            "language of everything the tool says: titles, summaries, buttons, errors, warnings, hints, this help: zh-CN or en",
        ];
    timezone: UtcOffset = "+08:00",
        ["消息中时间的 UTC 偏移，如 +08:00，或没有夏令时的时区，如 Asia/Shanghai [TZ 指明时区时取 TZ]", "UTC offset of the times shown in messages, like +08:00, or a zone without daylight saving time, like Asia/Shanghai [TZ when it names one]"];
    status: StatusWord,
        ["任务状态：success、failure、cancelled、skipped、unstable、started [取自作业，其次 CI，否则未知]", "job status: success, failure, cancelled, skipped, unstable, started [from the jobs, else the CI, else unknown]"];
    jobs: JobsJson,
        ["流水线的作业，JSON：{\"name\": \"result\"} 或 GitHub 的 toJSON(needs)", "the pipeline's jobs as JSON: {\"name\": \"result\"} or GitHub's toJSON(needs)"];
    started_at: StartTime,
        ["运行开始时间，Unix 时间，秒或毫秒（Jenkins：currentBuild.startTimeInMillis）", "when the run started, Unix time in seconds or milliseconds (Jenkins: currentBuild.startTimeInMillis)"];
    previous_status: StatusWord,
        ["本分支上一次运行的结果 [CI 或其 API 能给出时自动获取]", "outcome of the previous run on this branch [from the CI or its API where it tells]"];
    notify_on: When = "always",
        ["何时发送：always、某个状态、fixed、broken 或 changed（可写多个）", "when to send: always, a status, fixed, broken or changed (a list)"];
    at_on: When = "always",
        ["何时 @ 人：取值同 notify_on", "when mentions apply: the words of notify_on"];
    at_mobiles: Mobiles,
        ["要 @ 的手机号，用逗号（, ， 、）、分号、空格或换行分隔", "mobiles to mention, separated by commas (, ， 、), semicolons, spaces or newlines"];
    at_user_ids: UserIds,
        ["要 @ 的钉钉 userId，用逗号（, ， 、）、分号、空格或换行分隔", "DingTalk user ids to mention, separated by commas (, ， 、), semicolons, spaces or newlines"];
    at_all: Bool = "false",
        ["@ 所有人", "mention everyone"];
    users: UsersMap,
        ["人员对照：每行一个 `identity: mobile-or-userId`（登录名、邮箱或提交作者名）", "who is who: one `identity: mobile-or-userId` per line (a login, an email or a commit author's name)"];
    at_author: Bool = "false",
        ["@ 本次运行相关的人（在 `users` 中查找）", "mention the person the run is about, found in `users`"];
    github_token: SecretText,
        ["GitHub API 令牌：获取上一次运行的结果；未给 `jobs` 时获取本次运行的作业和开始时间 [action.yml 传入 github.token]", "GitHub API token: the previous run's outcome; the run's jobs and start unless `jobs` is given [action.yml passes github.token]"];
    gitlab_token: SecretText,
        ["有 read_api 权限的 GitLab API 令牌：获取上一条流水线的结果；未给 `jobs` 时获取本流水线的作业", "GitLab API token with read_api: the previous pipeline's outcome; the pipeline's jobs unless `jobs` is given"];
    drone_token: SecretText,
        ["Drone API 令牌：获取本次构建的步骤、结果和上一次构建的结果", "Drone API token: the build's steps, outcome and the previous build's outcome"];
    woodpecker_token: SecretText,
        ["Woodpecker API 令牌：获取本流水线的步骤、结果和上一条流水线的结果", "Woodpecker API token: the pipeline's steps, outcome and the previous pipeline's outcome"];
    jenkins_token: SecretText,
        ["Jenkins `user:apitoken`：获取本次构建的结果、开始时间、阶段和上一次构建的结果", "Jenkins `user:apitoken`: the build's result, start, stages and the previous build's result"];
    keyword: Line,
        ["机器人的安全设置关键词，标题和正文中没有时自动加上", "the robot's security keyword, added to the title and the text when missing"];
    kdocs_api_url: Url = "https://developer.kdocs.cn",
        ["中转的基础地址", "base URL of the relay"];
    ca_file: Path,
        ["额外根证书的 PEM 文件", "PEM file of extra root certificates"];
    timeout: Seconds = "10",
        ["单次尝试的秒数", "seconds for one attempt"];
    retries: Count<10> = "2",
        ["临时失败后的重试次数", "further attempts after a transient failure"];
    fail_on_error: Bool = "true",
        ["设为 false 时，所有失败都只是警告，退出码为 0", "false turns every failure into a warning and exit 0"];
    dry_run: Bool = "false",
        ["打印请求体而不发送", "print the request body instead of sending it"];
    event_path: Line,
        ["GitHub 事件 JSON [GITHUB_EVENT_PATH]", "GitHub event JSON [GITHUB_EVENT_PATH]"];
}

/// One row of the settings table.
#[derive(Debug)]
pub struct Def {
    pub name: Name,
    /// The name as users write it: `kdocs_token`.
    pub text: &'static str,
    /// A boolean flag: `--dry-run` alone means true.
    pub is_bool: bool,
    pub default: Option<&'static str>,
    /// The `--help` line, in each language of [`Lang::ALL`].
    pub help: [&'static str; Lang::COUNT],
}

impl Name {
    pub fn def(self) -> &'static Def {
        // The table lists the names in declaration order, so a name's index is its row.
        &TABLE[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.def().text
    }

    /// `--kdocs-token`.
    pub fn flag(self) -> String {
        format!("--{}", self.as_str().replace('_', "-"))
    }

    /// The environment variables it is read from: `INPUT_NAME, PLUGIN_NAME, DINGTALK_NAME`.
    pub fn variables(self) -> String {
        let upper = self.as_str().to_ascii_uppercase();
        PREFIXES.iter().map(|p| format!("{p}{upper}")).collect::<Vec<_>>().join(", ")
    }

    /// Where it is looked for, for messages: `--kdocs-token, INPUT_KDOCS_TOKEN, …`.
    pub fn looked_for(self) -> String {
        format!("{}, {}", self.flag(), self.variables())
    }

    /// The usage error of a required setting left unset, in `lang`. On GitHub it names the
    /// `with:` input a workflow author writes, and the secret to pass there. `kdocs_token`,
    /// required only with `transport: kdocs`, has an alternative: the three settings that renew
    /// a token.
    pub fn required(self, github: bool, lang: Lang) -> Error {
        let kdocs = self == Name::kdocs_token;
        let when = if kdocs { say(lang, "setting.required.kdocs", &[]) } else { String::new() };
        let or = match (kdocs, github) {
            (false, _) => String::new(),
            (true, false) => say(lang, "setting.required.renew", &[]),
            (true, true) => say(lang, "setting.required.renew.input", &[]),
        };
        let name = self.as_str();
        let places = self.looked_for();
        if github {
            let expr = format!("${{{{ secrets.{} }}}}", self.secret_name());
            let args = [("name", name), ("when", &when), ("expr", &expr), ("places", &places), ("or", &or)];
            Error::usage(say(lang, "setting.required.input", &args))
        } else {
            let args = [("name", name), ("when", &when), ("places", &places), ("or", &or)];
            Error::usage(say(lang, "setting.required", &args))
        }
    }

    /// The name of the repository secret the README's examples pass to this input:
    /// `DINGTALK_WEBHOOK`, `DINGTALK_SECRET`, `KDOCS_TOKEN`, …
    fn secret_name(self) -> String {
        let upper = self.as_str().to_ascii_uppercase();
        if matches!(self, Name::webhook | Name::secret) { format!("DINGTALK_{upper}") } else { upper }
    }

    fn from_flag(flag: &str) -> Option<Name> {
        let text = flag.replace('-', "_");
        TABLE.iter().find(|d| d.text == text).map(|d| d.name)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value that must never be printed: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: &str) -> Secret {
        Secret(value.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A raw value and where it was found (`--dry-run`, `INPUT_DRY_RUN`, …).
#[derive(Debug, Clone)]
pub struct Found {
    pub value: String,
    pub from: String,
}

/// How a setting's raw text becomes its typed value.
pub trait Kind {
    type Value;
    const IS_BOOL: bool = false;
    /// The value, or a usage error in `lang`.
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<Self::Value, Error>;
}

/// Text kept as written (a message, a template).
pub struct Text;
impl Kind for Text {
    type Value = String;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<String, Error> {
        Ok(found.value.clone())
    }
}

/// One line of text, trimmed.
pub struct Line;
impl Kind for Line {
    type Value = String;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<String, Error> {
        Ok(found.value.trim().to_owned())
    }
}

/// A secret, trimmed: pasted secrets often end in a newline.
pub struct SecretText;
impl Kind for SecretText {
    type Value = Secret;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<Secret, Error> {
        Ok(Secret(found.value.trim().to_owned()))
    }
}

/// DingTalk's webhook for custom robots, which a bare access token is completed to.
pub const ROBOT_URL: &str = "https://oapi.dingtalk.com/robot/send";

/// The robot's URL: an http(s) URL, and a secret (its query holds the robot's token). A bare
/// access token, as the robot settings page shows it, is completed to [`ROBOT_URL`].
pub struct Webhook;
impl Kind for Webhook {
    type Value = Secret;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<Secret, Error> {
        let value = found.value.trim();
        if !value.contains("://") && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Ok(Secret(format!("{ROBOT_URL}?access_token={value}")));
        }
        let url = check_url(value, name, &found.from, lang)?;
        if url.query_pairs().any(|(key, token)| key == "access_token" && token.is_empty()) {
            let args = [("name", name.as_str()), ("from", &found.from)];
            return Err(Error::usage(say(lang, "setting.empty_access_token", &args)));
        }
        Ok(Secret(value.to_owned()))
    }
}

/// An http(s) base URL, without a trailing `/`.
pub struct Url;
impl Kind for Url {
    type Value = String;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<String, Error> {
        let url = found.value.trim();
        check_url(url, name, &found.from, lang)?;
        Ok(url.trim_end_matches('/').to_owned())
    }
}

/// A path, and where it was set (for the errors of whoever reads the file).
#[derive(Debug, Clone)]
pub struct Located {
    pub path: PathBuf,
    pub from: String,
}

pub struct Path;
impl Kind for Path {
    type Value = Located;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<Located, Error> {
        Ok(Located { path: PathBuf::from(found.value.trim()), from: found.from.clone() })
    }
}

pub struct Bool;
impl Kind for Bool {
    type Value = bool;
    const IS_BOOL: bool = true;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<bool, Error> {
        parse_bool(&found.value).ok_or_else(|| bad_value(found, name, lang, &say(lang, "fix.bool", &[])))
    }
}

/// Mobiles to mention (Drone and Woodpecker join lists with commas); see `mention`.
pub struct Mobiles;
impl Kind for Mobiles {
    type Value = mention::Parsed;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<mention::Parsed, Error> {
        Ok(mention::mobiles(&found.value))
    }
}

/// DingTalk userIds to mention; see `mention`.
pub struct UserIds;
impl Kind for UserIds {
    type Value = mention::Parsed;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<mention::Parsed, Error> {
        Ok(mention::user_ids(&found.value))
    }
}

/// The `users` map; see `mention::Users`.
pub struct UsersMap;
impl Kind for UsersMap {
    type Value = mention::Users;
    fn parse(found: &Found, _: Name, _: Lang) -> Result<mention::Users, Error> {
        Ok(mention::Users::parse(&found.value))
    }
}

/// A list of `notify_on`/`at_on` words, separated like mention lists.
pub struct When;
impl Kind for When {
    type Value = Vec<Condition>;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<Vec<Condition>, Error> {
        let words = found.value.split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace());
        let mut conditions = Vec::new();
        for word in words.filter(|w| !w.is_empty()) {
            let condition = Condition::parse(word).ok_or_else(|| {
                let guess = nearest(&word.to_ascii_lowercase(), crate::settings::when::WORDS.iter().copied())
                    .map(|g| say(lang, "fix.did_you_mean", &[("word", g)]))
                    .unwrap_or_default();
                let words = crate::settings::when::WORDS.join(", ");
                bad_value(
                    found,
                    name,
                    lang,
                    &say(lang, "fix.when", &[("word", word), ("words", &words), ("guess", &guess)]),
                )
            })?;
            if !conditions.contains(&condition) {
                conditions.push(condition);
            }
        }
        Ok(conditions)
    }
}

/// Seconds, from 0.1 to 600.
pub struct Seconds;
impl Kind for Seconds {
    type Value = Duration;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<Duration, Error> {
        match found.value.trim().parse::<f64>() {
            Ok(s) if (0.1..=600.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
            _ => Err(bad_value(found, name, lang, &say(lang, "fix.seconds", &[]))),
        }
    }
}

/// A whole number from 0 to `MAX`.
pub struct Count<const MAX: u32>;
impl<const MAX: u32> Kind for Count<MAX> {
    type Value = u32;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<u32, Error> {
        match found.value.trim().parse::<u32>() {
            Ok(n) if n <= MAX => Ok(n),
            _ => Err(bad_value(found, name, lang, &say(lang, "fix.count", &[("max", &MAX.to_string())]))),
        }
    }
}

/// A status word in any spelling a CI uses.
pub struct StatusWord;
impl Kind for StatusWord {
    type Value = Status;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<Status, Error> {
        match Status::parse(Some(&found.value)) {
            Status::Unknown if !found.value.trim().eq_ignore_ascii_case("unknown") => {
                Err(bad_value(found, name, lang, &say(lang, "fix.status", &[])))
            }
            status => Ok(status),
        }
    }
}

/// The pipeline's jobs as JSON (`jobs::parse`). A malformed value is named with where it broke,
/// never echoed: it is pasted from a CI and may hold anything.
pub struct JobsJson;
impl Kind for JobsJson {
    type Value = Vec<Job>;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<Vec<Job>, Error> {
        jobs::parse(&found.value, lang).map_err(|jobs::Malformed(why)| {
            let args = [
                ("name", name.as_str()),
                ("from", &found.from),
                ("why", &why),
                ("json", r#"{"build": "success"}"#),
                ("needs", "${{ toJSON(needs) }}"),
            ];
            Error::usage(say(lang, "setting.jobs_unreadable", &args))
        })
    }
}

/// A moment as Unix time, in seconds or (Jenkins' `startTimeInMillis`) milliseconds: a number
/// past 10^11 is taken as milliseconds (10^11 seconds is the year 5138).
pub struct StartTime;
impl Kind for StartTime {
    type Value = u64;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<u64, Error> {
        crate::time::parse_epoch(&found.value)
            .ok_or_else(|| bad_value(found, name, lang, &say(lang, "fix.start_time", &[])))
    }
}

/// One of a few words, matched without regard to case, `_` or `-`.
pub trait Choices: Sized + Copy + 'static {
    /// Each word as documented, and its value.
    const ALL: &'static [(&'static str, Self)];
    /// Other words taken for a value, not listed in errors and help.
    const ALIASES: &'static [(&'static str, Self)] = &[];
}

pub struct Choice<T>(std::marker::PhantomData<T>);
impl<T: Choices> Kind for Choice<T> {
    type Value = T;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<T, Error> {
        let fold = |s: &str| s.trim().to_ascii_lowercase().replace(['_', '-'], "");
        let given = fold(&found.value);
        if let Some((_, v)) = T::ALL.iter().chain(T::ALIASES).find(|(word, _)| fold(word) == given) {
            return Ok(*v);
        }
        let words: Vec<&str> = T::ALL.iter().map(|(w, _)| *w).collect();
        Err(bad_value(found, name, lang, &say(lang, "fix.choice", &[("words", &one_of(lang, &words))])))
    }
}

/// A UTC offset, `+08:00` (also `+0800`, `+8`, `UTC+8`, `-05:30`, `Z`), or the name of a zone
/// without daylight saving time (`Asia/Shanghai`), in minutes east of UTC.
pub struct UtcOffset;
impl Kind for UtcOffset {
    type Value = i32;
    fn parse(found: &Found, name: Name, lang: Lang) -> Result<i32, Error> {
        crate::time::parse_offset(&found.value)
            .or_else(|| crate::time::fixed_zone(&found.value))
            .ok_or_else(|| bad_value(found, name, lang, &say(lang, "fix.timezone", &[])))
    }
}

/// The machine's `TZ`, when it names one offset: a zone of [`crate::time::fixed_zone`] or a
/// signed offset (`+05:30`). A POSIX rule (`EST5EDT`) is not, nor `UTC+8`, which POSIX reads as
/// eight hours west of UTC where the `timezone` setting reads it as east.
fn tz_offset(env: &Env) -> Option<Found> {
    let tz = env.get("TZ")?.trim();
    let tz = tz.strip_prefix(':').unwrap_or(tz);
    let known = crate::time::fixed_zone(tz).is_some()
        || (tz.starts_with(['+', '-']) && crate::time::parse_offset(tz).is_some());
    known.then(|| Found { value: tz.to_owned(), from: "TZ".to_owned() })
}

impl Choices for Lang {
    const ALL: &'static [(&'static str, Lang)] = Lang::ALL;
    // Matched without regard to case, `_` or `-`: zh_CN, zh-hans and en_US are among these.
    const ALIASES: &'static [(&'static str, Lang)] = &[
        ("zh", Lang::ZhCn),
        ("zh-Hans", Lang::ZhCn),
        ("cn", Lang::ZhCn),
        ("chinese", Lang::ZhCn),
        ("en-US", Lang::En),
        ("english", Lang::En),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    Markdown,
    ActionCard,
}

impl Choices for MsgType {
    const ALL: &'static [(&'static str, MsgType)] =
        &[("markdown", MsgType::Markdown), ("actionCard", MsgType::ActionCard)];
}

/// How the messages travel (README, "No KDocs app?"): `auto`, or a transport by its name. A new
/// transport's word goes here, its name in `delivery::ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportChoice {
    /// Through the relay when a KDocs credential is set, else straight to DingTalk.
    Auto,
    Named(&'static str),
}

/// The transport through the KDocs relay: the one that needs KDocs credentials.
pub const KDOCS: &str = "kdocs";
/// The transport straight to the robot: what `auto` picks without a KDocs credential.
pub const DINGTALK: &str = "dingtalk";

impl Choices for TransportChoice {
    const ALL: &'static [(&'static str, TransportChoice)] = &[
        ("auto", TransportChoice::Auto),
        (KDOCS, TransportChoice::Named(KDOCS)),
        (DINGTALK, TransportChoice::Named(DINGTALK)),
    ];
}

/// The raw settings: the command line's, then the environment's, first found wins.
#[derive(Debug)]
pub struct Sources {
    flags: Vec<(Name, String)>,
    env: Vec<Option<Found>>,
}

impl Sources {
    /// The settings the environment gives (`INPUT_*`, `PLUGIN_*`, `DINGTALK_*`), and `timezone`
    /// from `TZ` when none of them sets it. Reading them cannot fail, so even a bad command line
    /// can honour `fail_on_error` from here.
    pub fn from_env(env: &Env) -> Sources {
        let mut vars: Vec<Option<Found>> = TABLE
            .iter()
            .map(|def| {
                let upper = def.text.to_ascii_uppercase();
                // Drone and Woodpecker pass a setting written `kdocs-token:` as PLUGIN_KDOCS-TOKEN.
                let dashed = upper.replace('_', "-");
                PREFIXES.iter().find_map(|prefix| {
                    [format!("{prefix}{upper}"), format!("{prefix}{dashed}")].into_iter().find_map(|var| {
                        let value = env.get(&var).filter(|v| !v.trim().is_empty())?;
                        Some(Found { value: value.to_owned(), from: var })
                    })
                })
            })
            .collect();
        let timezone = &mut vars[Name::timezone as usize];
        if timezone.is_none() {
            *timezone = tz_offset(env);
        }
        Sources { flags: Vec::new(), env: vars }
    }

    /// The first non-empty value of a setting, and where it came from.
    pub fn get(&self, name: Name) -> Option<Found> {
        let flag = self.flags.iter().rev().find(|(n, _)| *n == name);
        if let Some((_, value)) = flag.filter(|(_, v)| !v.trim().is_empty()) {
            return Some(Found { value: value.clone(), from: name.flag() });
        }
        self.env[name as usize].clone()
    }

    /// The language to speak in: `lang` when it parses, else the default. Read before anything
    /// else, so that every error, even about the command line or `lang` itself, can follow it.
    pub fn lang(&self) -> Lang {
        let Some(found) = self.get(Name::lang) else { return Lang::default() };
        Choice::<Lang>::parse(&found, Name::lang, Lang::default()).unwrap_or_default()
    }

    /// `fail_on_error` alone, so that any failure, even of the settings themselves, honours it.
    pub fn fail_on_error(&self) -> bool {
        self.get(Name::fail_on_error).and_then(|f| parse_bool(&f.value)).unwrap_or(true)
    }
}

/// The summary's template, when the user gives one.
#[derive(Debug, Clone)]
pub struct CustomTemplate {
    pub source: String,
    /// The file name, or the variable it came from, for error messages.
    pub origin: String,
}

/// The most a template file may hold: a summary is under 20,000 bytes, its template not much more.
const MAX_TEMPLATE_FILE_BYTES: usize = 256 * 1024;

/// Reads `template_file`. What is not a regular text file of at most 256 KiB is refused, and so is
/// anything under `/proc`, `/sys` or `/dev`: `/proc/self/environ` would send the environment, and
/// its secrets, to the group (the redaction only covers what this binary prints).
fn read_template_file(file: &Located, lang: Lang) -> Result<CustomTemplate, Error> {
    let path = file.path.display().to_string();
    let refuse = |why: String| {
        Error::usage(say(lang, "template_file.unusable", &[("path", &path), ("from", &file.from), ("why", &why)]))
    };
    let real = std::fs::canonicalize(&file.path).map_err(|e| {
        let dir = std::env::current_dir()
            .map_or_else(|_| say(lang, "template_file.working_dir", &[]), |d| d.display().to_string());
        let args = [("path", path.as_str()), ("from", &file.from), ("error", &e.to_string()), ("dir", &dir)];
        Error::usage(say(lang, "template_file.unreadable", &args))
    })?;
    if ["/proc", "/sys", "/dev"].iter().any(|p| real.starts_with(p)) || !real.is_file() {
        return Err(refuse(say(lang, "template_file.not_regular", &[])));
    }
    let kib = (MAX_TEMPLATE_FILE_BYTES / 1024).to_string();
    let bytes = crate::env::read_limited(&real, MAX_TEMPLATE_FILE_BYTES)
        .map_err(|e| refuse(e.to_string()))?
        .ok_or_else(|| refuse(say(lang, "template_file.too_large", &[("kib", &kib)])))?;
    let source = String::from_utf8(bytes)
        .ok()
        .filter(|s| !s.contains('\0'))
        .ok_or_else(|| refuse(say(lang, "template_file.not_utf8", &[])))?;
    Ok(CustomTemplate { source, origin: path })
}

/// A dry run, or a send with the credentials it needs.
#[derive(Debug)]
pub enum Mode {
    /// Print the request(s) of the `transport` named; a webhook, if given, shows (redacted) in
    /// them.
    DryRun {
        webhook: Option<Secret>,
        transport: &'static str,
    },
    Send {
        route: Route,
        webhook: Secret,
    },
    /// Not a dry run, and `name` is not set: `error`, unless the run is one that gets no
    /// secrets (on GitHub, worded for the `with:` input: [`Name::required`]).
    Missing {
        name: Name,
        error: Error,
    },
}

/// How a send travels: the transport's name, with the KDocs credentials when it is the relay.
#[derive(Debug)]
pub struct Route {
    pub transport: &'static str,
    /// A token and/or the means to renew one: always there when `transport` is [`KDOCS`].
    pub kdocs: Option<KdocsAuth>,
}

/// The KDocs credentials given.
#[derive(Debug)]
pub enum KdocsAuth {
    /// A token, used as given.
    Token(Secret),
    /// A token renewed first, each run.
    Renew(Renewal),
    /// The given token first; renewed once when the relay says it is invalid or expired.
    TokenThenRenew { token: Secret, renewal: Renewal },
}

/// What renews a KDocs access token.
#[derive(Debug)]
pub struct Renewal {
    pub app_id: String,
    pub app_key: Secret,
    pub refresh_token: Secret,
}

/// Validated settings.
#[derive(Debug)]
pub struct Settings {
    pub mode: Mode,
    /// Every secret setting's value, and the webhook's `access_token`, whatever the mode.
    secrets: Vec<Secret>,
    /// The `title` setting, as a template with where it came from.
    pub title: Option<CustomTemplate>,
    /// `template` or `template_file`'s text, with where it came from.
    pub template: Option<CustomTemplate>,
    pub at_mobiles: mention::Parsed,
    pub at_user_ids: mention::Parsed,
    pub users: mention::Users,
    /// What is allowed but likely wrong (a webhook that is not DingTalk's, through the relay),
    /// said once the reporter masks the secrets.
    pub warnings: Vec<String>,
    /// Every setting as its kind parsed it; read through `Deref` (`settings.timeout`), so that a
    /// new setting needs no field here unless it depends on others.
    values: Values,
}

impl std::ops::Deref for Settings {
    type Target = Values;

    fn deref(&self) -> &Values {
        &self.values
    }
}

impl Settings {
    pub fn new(src: &Sources) -> Result<Settings, Error> {
        let v = Values::parse(src)?;
        // Whether a missing credential is an error depends on the run (a fork's pull request
        // gets no secrets): `notify` decides, with the error made here.
        let lang = v.lang;
        let missing = |name: Name| Mode::Missing { name, error: name.required(false, lang) };
        let secrets = secrets_of(&v);

        let renewal = renewal(v.kdocs_app_id.clone(), v.kdocs_app_key.clone(), v.kdocs_refresh_token.clone(), lang)?;
        let has_kdocs = v.kdocs_token.is_some() || renewal.is_some();
        let transport = match v.transport {
            TransportChoice::Auto if has_kdocs => KDOCS,
            TransportChoice::Auto => DINGTALK,
            TransportChoice::Named(name) => name,
        };
        let mode = if v.dry_run {
            // A dry run needs no credential; with none, `auto` shows the relay's request unless
            // a webhook alone says the run would go straight to DingTalk.
            let shown = if v.transport == TransportChoice::Auto && !has_kdocs && v.webhook.is_none() {
                KDOCS
            } else {
                transport
            };
            Mode::DryRun { webhook: v.webhook.clone(), transport: shown }
        } else if transport == KDOCS {
            let auth = match (v.kdocs_token.clone(), renewal) {
                (Some(token), Some(renewal)) => Some(KdocsAuth::TokenThenRenew { token, renewal }),
                (Some(token), None) => Some(KdocsAuth::Token(token)),
                (None, Some(renewal)) => Some(KdocsAuth::Renew(renewal)),
                (None, None) => None,
            };
            match (auth, v.webhook.clone()) {
                (Some(auth), Some(webhook)) => Mode::Send { route: Route { transport, kdocs: Some(auth) }, webhook },
                (None, _) => missing(Name::kdocs_token),
                (Some(_), None) => missing(Name::webhook),
            }
        } else {
            match v.webhook.clone() {
                Some(webhook) => Mode::Send { route: Route { transport, kdocs: None }, webhook },
                None => missing(Name::webhook),
            }
        };

        let mut warnings = Vec::new();
        if let (Some(webhook), Some(found)) = (&v.webhook, src.get(Name::webhook)) {
            let sent_direct = match &mode {
                Mode::Send { route, .. } => route.transport == DINGTALK,
                Mode::DryRun { transport, .. } => *transport == DINGTALK,
                Mode::Missing { .. } => false,
            };
            match webhook_host(webhook.expose()) {
                None | Some(WebhookHost::Other(_)) if sent_direct => {}
                None => {}
                Some(wrong) if sent_direct => {
                    let (what, fix) = wrong.explain(&found.from, lang);
                    let args = [("what", what.as_str()), ("fix", &fix)];
                    if v.dry_run {
                        warnings.push(say(lang, "webhook.dry_run", &args));
                    } else {
                        return Err(Error::usage(say(lang, "webhook.refused", &args)));
                    }
                }
                // The relay posts wherever `link` says: a host that is not DingTalk's is allowed
                // there too, but worth a word.
                Some(host) => {
                    let (what, fix) = host.explain(&found.from, lang);
                    warnings.push(say(lang, "webhook.through_relay", &[("what", &what), ("fix", &fix)]));
                }
            }
        }

        let template = match (src.get(Name::template), v.template.clone(), &v.template_file) {
            (Some(t), Some(_), Some(f)) => {
                let args = [("template", t.from.as_str()), ("file", &f.from)];
                return Err(Error::usage(say(lang, "setting.both_templates", &args)));
            }
            (Some(t), Some(source), None) => Some(CustomTemplate { source, origin: t.from }),
            (_, _, Some(file)) => Some(read_template_file(file, lang)?),
            _ => None,
        };

        Ok(Settings {
            mode,
            secrets,
            title: src
                .get(Name::title)
                .zip(v.title.clone())
                .map(|(f, source)| CustomTemplate { source, origin: f.from }),
            template,
            at_mobiles: v.at_mobiles.clone().unwrap_or_default(),
            at_user_ids: v.at_user_ids.clone().unwrap_or_default(),
            users: v.users.clone().unwrap_or_default(),
            warnings,
            values: v,
        })
    }

    pub fn dry_run(&self) -> bool {
        matches!(self.mode, Mode::DryRun { .. })
    }

    /// Every secret value, for masking and redaction: the KDocs token, app key and refresh
    /// token, the signing secret, the webhook's `access_token`, and the API tokens. (A renewed token is added
    /// to the reporter when it arrives.)
    pub fn secrets(&self) -> Vec<&str> {
        self.secrets.iter().map(Secret::expose).collect()
    }
}

/// The renewal settings: all three, or none.
fn renewal(
    app_id: Option<String>,
    app_key: Option<Secret>,
    refresh_token: Option<Secret>,
    lang: Lang,
) -> Result<Option<Renewal>, Error> {
    Ok(match (app_id, app_key, refresh_token) {
        (None, None, None) => None,
        (Some(app_id), Some(app_key), Some(refresh_token)) => Some(Renewal { app_id, app_key, refresh_token }),
        (app_id, app_key, refresh_token) => {
            let missing = [
                (Name::kdocs_app_id, app_id.is_none()),
                (Name::kdocs_app_key, app_key.is_none()),
                (Name::kdocs_refresh_token, refresh_token.is_none()),
            ]
            .into_iter()
            .filter(|(_, missing)| *missing)
            .map(|(name, _)| say(lang, "setting.renew.one", &[("name", name.as_str()), ("places", &name.looked_for())]))
            .collect::<Vec<_>>()
            .join(&say(lang, "setting.renew.and", &[]));
            return Err(Error::usage(say(lang, "setting.renew.missing", &[("missing", &missing)])));
        }
    })
}

/// The word of `known` nearest to `typed`, when it is near enough: at most two edits, and fewer
/// than a third of the word, so that a wild guess is not offered.
pub fn nearest<'a>(typed: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(typed, k), k))
        .filter(|(d, k)| *d <= 2 && *d * 3 < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The `access_token` query value of a robot URL, decoded (the reporter also hides its encoded
/// forms).
pub fn webhook_token(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    let token = url.query_pairs().find(|(key, _)| key == "access_token")?.1;
    Some(token.into_owned()).filter(|t| !t.is_empty())
}

/// Every secret the settings hold, to be masked and redacted: the tokens, keys and the robot's
/// secret, and the webhook's `access_token` and password.
fn secrets_of(v: &Values) -> Vec<Secret> {
    let mut secrets: Vec<Secret> = [
        &v.kdocs_token,
        &v.kdocs_app_key,
        &v.kdocs_refresh_token,
        &v.secret,
        &v.github_token,
        &v.gitlab_token,
        &v.drone_token,
        &v.woodpecker_token,
        &v.jenkins_token,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    secrets.extend(v.webhook.as_ref().and_then(|w| webhook_token(w.expose())).map(Secret));
    secrets.extend(v.webhook.as_ref().map_or_else(Vec::new, |w| webhook_password(w.expose())).into_iter().map(Secret));
    secrets.retain(|s| !s.expose().is_empty());
    secrets
}

/// The password of a webhook URL's `user:password@` (a proxy's login), as given and decoded: a
/// secret too. The user name is not masked: a short word like `robot` would hide itself
/// everywhere (the URL is shown as `***@` whole where it is shown).
fn webhook_password(url: &str) -> Vec<String> {
    let Some(password) = reqwest::Url::parse(url).ok().and_then(|u| u.password().map(str::to_owned)) else {
        return Vec::new();
    };
    let decoded = percent_encoding::percent_decode_str(&password).decode_utf8_lossy().into_owned();
    if decoded == password { vec![password] } else { vec![password, decoded] }
}

fn bad_value(f: &Found, name: Name, lang: Lang, fix: &str) -> Error {
    // Values of these settings are not secret, so showing them helps.
    let args = [("name", name.as_str()), ("value", f.value.trim()), ("from", &f.from), ("fix", fix)];
    Error::usage(say(lang, "setting.bad_value", &args))
}

fn check_url(url: &str, name: Name, from: &str, lang: Lang) -> Result<reqwest::Url, Error> {
    reqwest::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()).ok_or_else(
        // The webhook carries a token: name the setting, never echo its value.
        || Error::usage(say(lang, "setting.not_url", &[("name", name.as_str()), ("from", from)])),
    )
}

/// DingTalk's robot host: the webhook a group's robot settings show.
const ROBOT_HOST: &str = "oapi.dingtalk.com";

/// A webhook's host that is not DingTalk's robot host. The webhook may be any http(s) URL (a
/// proxy in front of DingTalk, a test server), so only a host known to be another chat service's
/// robot, or a near miss of DingTalk's own, is certainly wrong.
#[derive(Debug, PartialEq, Eq)]
enum WebhookHost {
    /// Another service's robot: its name and the host.
    Service(&'static [&'static str; Lang::COUNT], String),
    /// A DingTalk host that is not the robot's, or a typo of it.
    NearMiss(String),
    /// Anything else: a proxy or a test server, maybe.
    Other(String),
}

/// Robot hosts of other chat services, from their robot documentation (Feishu/Lark custom bot:
/// `https://open.feishu.cn/open-apis/bot/v2/hook/…`, `https://open.larksuite.com/…`; WeCom group
/// robot: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`).
/// Each service is named as its users say it, one column per language (`Lang::ALL`'s order).
const OTHER_SERVICES: [(&str, [&str; Lang::COUNT]); 3] = [
    ("open.feishu.cn", ["飞书/Lark", "Feishu/Lark"]),
    ("open.larksuite.com", ["飞书/Lark", "Feishu/Lark"]),
    ("qyapi.weixin.qq.com", ["企业微信", "WeCom"]),
];

/// What the webhook's host is, when it is not DingTalk's robot host (the webhook's kind checked
/// that it is an http(s) URL with a host).
fn webhook_host(url: &str) -> Option<WebhookHost> {
    let host = reqwest::Url::parse(url).ok()?.host_str()?.to_owned();
    if host == ROBOT_HOST {
        return None;
    }
    if let Some((_, name)) = OTHER_SERVICES.iter().find(|(h, _)| *h == host) {
        return Some(WebhookHost::Service(name, host));
    }
    // DingTalk's other domains (`api.dingtalk.com` is its newer API, not the robot's), its old
    // name, and typos.
    let dingtalk =
        ["dingtalk.com", "dingtalk.cn", "dingding.com"].iter().any(|d| host == *d || host.ends_with(&format!(".{d}")));
    Some(if dingtalk || edit_distance(&host, ROBOT_HOST) <= 2 {
        WebhookHost::NearMiss(host)
    } else {
        WebhookHost::Other(host)
    })
}

impl WebhookHost {
    /// What is wrong with the webhook (named with where it came from), and the fix.
    fn explain(&self, from: &str, lang: Lang) -> (String, String) {
        let url = say(lang, "webhook.robot_url", &[]);
        let (host, fix) = match self {
            WebhookHost::Service(service, host) => {
                let service = service[lang as usize];
                let what = say(lang, "webhook.other_service", &[("from", from), ("service", service), ("host", host)]);
                return (what, say(lang, "webhook.other_service.fix", &[("url", &url)]));
            }
            WebhookHost::NearMiss(host) => (host, "webhook.near_miss.fix"),
            WebhookHost::Other(host) => (host, "webhook.other.fix"),
        };
        let args = [("from", from), ("host", host.as_str()), ("robot_host", ROBOT_HOST), ("url", &url)];
        (say(lang, "webhook.not_robot_host", &args), say(lang, fix, &args))
    }
}

/// The spellings a boolean setting accepts, in any case.
fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// The `--help` text in `lang`: every setting with the names it is read from.
pub fn help(lang: Lang) -> String {
    use std::fmt::Write as _;
    let places = format!("--name, {}", PREFIXES.map(|p| format!("{p}NAME")).join(", "));
    let mut out = format!(
        "dingtalk-notify {}\n{}\n\n{}dingtalk-notify [--name value]...\n       \
         dingtalk-notify kdocs-auth [--help]   {}\n\n{}\n{}\n\n{}\n",
        env!("CARGO_PKG_VERSION"),
        say(lang, "help.intro", &[]),
        say(lang, "help.usage", &[]),
        say(lang, "help.kdocs_auth", &[]),
        say(lang, "help.sources", &[("places", &places)]),
        say(lang, "help.lang", &[]),
        say(lang, "help.settings", &[]),
    );
    for def in TABLE {
        let flag = format!("{}{}", def.name.flag(), if def.is_bool { " [true|false]" } else { " <value>" });
        let default = def.default.map(|d| format!(" [{d}]")).unwrap_or_default();
        let help = def.help[lang as usize];
        let _ = write!(out, "  {flag}\n      {help}{default}\n      env: {}\n", def.name.variables());
    }
    let _ = write!(
        out,
        "  -h, --help       {}\n  -V, --version    {}\n\n{}\n",
        say(lang, "help.help", &[]),
        say(lang, "help.version", &[]),
        say(lang, "help.exit_codes", &[]),
    );
    out
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn sources(args: &[&str], vars: &[(&str, &str)]) -> Result<Sources, Error> {
        let env = Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0);
        let mut src = Sources::from_env(&env);
        src.read_args(args.iter().map(OsString::from), &args::RUN)?;
        Ok(src)
    }

    /// Settings with their errors in English, unless a test sets `lang` itself.
    fn settings(args: &[&str], vars: &[(&str, &str)]) -> Result<Settings, Error> {
        let mut vars = vars.to_vec();
        if !vars.iter().any(|(k, _)| k.ends_with("_LANG")) {
            vars.push(("DINGTALK_LANG", "en"));
        }
        Settings::new(&sources(args, &vars)?)
    }

    #[test]
    fn the_table_is_in_declaration_order_and_every_default_parses() {
        for (i, def) in TABLE.iter().enumerate() {
            assert_eq!(def.name as usize, i, "{}", def.text);
            assert_eq!(def.name.as_str(), def.text);
        }
        // Values::parse applies every default; a default its kind rejects fails here.
        let v = Values::parse(&sources(&[], &[]).unwrap()).unwrap();
        assert_eq!((v.timeout, v.retries, v.msgtype), (Duration::from_secs(10), 2, MsgType::Markdown));
        assert!(v.fail_on_error && !v.dry_run && !v.at_all);
        assert_eq!(v.kdocs_api_url, "https://developer.kdocs.cn");
    }

    #[test]
    fn layers_are_searched_in_order_and_empty_is_unset() {
        let s = sources(&[], &[("INPUT_TITLE", ""), ("PLUGIN_TITLE", "from plugin"), ("DINGTALK_TITLE", "from shell")])
            .unwrap();
        let f = s.get(Name::title).unwrap();
        assert_eq!((f.value.as_str(), f.from.as_str()), ("from plugin", "PLUGIN_TITLE"));
        let s = sources(&["--title", "flag"], &[("INPUT_TITLE", "input")]).unwrap();
        assert_eq!(s.get(Name::title).unwrap().from, "--title");
    }

    #[test]
    fn a_plugin_setting_written_with_dashes_is_read() {
        let s = sources(&[], &[("PLUGIN_KDOCS-TOKEN", "t")]).unwrap();
        assert_eq!(s.get(Name::kdocs_token).unwrap().from, "PLUGIN_KDOCS-TOKEN");
    }

    #[test]
    fn a_webhook_host_is_dingtalks_another_service_a_near_miss_or_anything_else() {
        let host = |h: &str| webhook_host(&format!("https://{h}/robot/send?access_token=t"));
        assert_eq!(host("oapi.dingtalk.com"), None);
        assert_eq!(host("OAPI.DingTalk.com"), None, "hosts are compared lower-cased");
        assert_eq!(
            host("open.feishu.cn"),
            Some(WebhookHost::Service(&["飞书/Lark", "Feishu/Lark"], "open.feishu.cn".into()))
        );
        assert_eq!(
            host("qyapi.weixin.qq.com"),
            Some(WebhookHost::Service(&["企业微信", "WeCom"], "qyapi.weixin.qq.com".into()))
        );
        for near in
            ["oapi.dingtalk.cn", "api.dingtalk.com", "oapi.dingding.com", "oap.dingtalk.com", "oapi.dingtalk.co"]
        {
            assert_eq!(host(near), Some(WebhookHost::NearMiss(near.into())), "{near}");
        }
        for other in ["127.0.0.1:8080", "robot-proxy.example.com", "localhost", "dingtalk.example.com"] {
            assert!(matches!(host(other), Some(WebhookHost::Other(_))), "{other}");
        }
    }

    #[test]
    fn the_webhook_token_stops_at_a_fragment() {
        assert_eq!(webhook_token("https://x/robot/send?access_token=TOK#frag").as_deref(), Some("TOK"));
        assert_eq!(webhook_token("https://x/robot/send?a=1&access_token=TOK&b=2").as_deref(), Some("TOK"));
        assert_eq!(webhook_token("https://x/robot/send?access_token=a%2Bb").as_deref(), Some("a+b"));
    }

    #[test]
    fn template_files_from_proc_or_not_regular_are_refused() {
        for path in ["/proc/self/environ", "/dev/zero", "/dev/null", "/"] {
            if !std::path::Path::new(path).exists() {
                continue;
            }
            let e = settings(&["--dry-run", "--template-file", path], &[]).unwrap_err();
            assert!(e.message.contains("not a regular file"), "{path}: {}", e.message);
        }
    }

    #[test]
    fn booleans_accept_the_documented_spellings_and_name_the_variable_otherwise() {
        for (v, want) in [("TRUE", true), ("1", true), ("Yes", true), ("false", false), ("0", false), ("NO", false)] {
            let s = settings(&["--dry-run"], &[("PLUGIN_AT_ALL", v)]).unwrap();
            assert_eq!(s.at_all, want, "{v}");
        }
        let e = settings(&[], &[("DINGTALK_DRY_RUN", "maybe")]).unwrap_err();
        assert!(e.message.contains("dry_run") && e.message.contains("DINGTALK_DRY_RUN"), "{}", e.message);
    }

    #[test]
    fn fail_on_error_is_read_from_the_environment_before_anything_can_fail() {
        assert!(!sources(&[], &[("PLUGIN_FAIL_ON_ERROR", "no")]).unwrap().fail_on_error());
        assert!(sources(&[], &[("PLUGIN_FAIL_ON_ERROR", "junk")]).unwrap().fail_on_error());
        assert!(sources(&[], &[]).unwrap().fail_on_error());
    }

    #[test]
    fn required_settings_name_every_place_they_were_looked_for() {
        let hook = ("INPUT_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=x");
        let missing = |s: Result<Settings, Error>| match s.unwrap().mode {
            Mode::Missing { name, error } => (name, error),
            mode => panic!("not missing: {mode:?}"),
        };
        let (name, e) = missing(settings(&["--transport", "kdocs"], &[hook]));
        assert_eq!(name, Name::kdocs_token);
        assert_eq!(
            e.message,
            "the setting `kdocs_token` is required with `transport: kdocs`: set one of --kdocs-token, INPUT_KDOCS_TOKEN, \
             PLUGIN_KDOCS_TOKEN, DINGTALK_KDOCS_TOKEN, or the three `kdocs_app_id`, `kdocs_app_key` and \
             `kdocs_refresh_token` to renew one (README, \"KDocs token\")"
        );
        let (name, e) = missing(settings(&[], &[]));
        assert_eq!(
            e.message,
            "the setting `webhook` is required: set one of --webhook, INPUT_WEBHOOK, PLUGIN_WEBHOOK, DINGTALK_WEBHOOK"
        );
        assert_eq!(
            name.required(true, Lang::En).message,
            "the input `webhook` is required: add `webhook: ${{ secrets.DINGTALK_WEBHOOK }}` under the step's `with:` \
             (also read from --webhook, INPUT_WEBHOOK, PLUGIN_WEBHOOK, DINGTALK_WEBHOOK)"
        );
        // On GitHub, the renewal is the alternative to `kdocs_token` too.
        assert_eq!(
            Name::kdocs_token.required(true, Lang::En).message,
            "the input `kdocs_token` is required with `transport: kdocs`: add `kdocs_token: ${{ secrets.KDOCS_TOKEN }}` \
             under the step's `with:` (also read from --kdocs-token, INPUT_KDOCS_TOKEN, PLUGIN_KDOCS_TOKEN, \
             DINGTALK_KDOCS_TOKEN), or the three inputs `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` to \
             renew one (README, \"KDocs token\")"
        );
        let s = settings(&[], &[("DINGTALK_WEBHOOK", "https://x/?access_token=h"), ("DINGTALK_KDOCS_TOKEN", " t\n")])
            .unwrap();
        let Mode::Send { route: Route { kdocs: Some(KdocsAuth::Token(token)), .. }, .. } = &s.mode else {
            panic!("not a send with a token: {:?}", s.mode)
        };
        assert_eq!(token.expose(), "t", "a pasted secret's trailing newline is trimmed");
    }

    #[test]
    fn errors_follow_lang_and_speak_chinese_by_default() {
        let zh = |args: &[&str], vars: &[(&str, &str)]| Settings::new(&sources(args, vars).unwrap());
        let Mode::Missing { error, .. } = zh(&[], &[]).unwrap().mode else { panic!("not missing") };
        assert_eq!(
            error.message,
            "缺少设置 `webhook`：在 --webhook, INPUT_WEBHOOK, PLUGIN_WEBHOOK, DINGTALK_WEBHOOK 中任设其一"
        );
        assert_eq!(
            Name::kdocs_token.required(true, Lang::ZhCn).message,
            "缺少输入 `kdocs_token`（`transport: kdocs` 时必填）：在该步骤的 `with:` 下添加 \
             `kdocs_token: ${{ secrets.KDOCS_TOKEN }}`（也会从 --kdocs-token, INPUT_KDOCS_TOKEN, PLUGIN_KDOCS_TOKEN, \
             DINGTALK_KDOCS_TOKEN 读取）；也可以设置 `kdocs_app_id`、`kdocs_app_key`、`kdocs_refresh_token` 三个输入，\
             每次自动续期令牌（见 README「KDocs 令牌」）"
        );
        let e = zh(&["--dry-run"], &[("PLUGIN_TIMEOUT", "0")]).unwrap_err();
        assert_eq!(e.message, "`timeout` 的值 `0`（来自 PLUGIN_TIMEOUT）无效：请填 0.1 到 600 之间的秒数");
        let e = zh(&["--dry-run"], &[("PLUGIN_TIMEOUT", "0"), ("PLUGIN_LANG", "EN")]).unwrap_err();
        assert_eq!(
            e.message,
            "`timeout` has the value `0` (from PLUGIN_TIMEOUT): give a number of seconds from 0.1 to 600"
        );
        let e = zh(&["--dry-run"], &[("INPUT_MSGTYPE", "card")]).unwrap_err();
        assert_eq!(e.message, "`msgtype` 的值 `card`（来自 INPUT_MSGTYPE）无效：请填 markdown 或 actionCard");
    }

    #[test]
    fn every_setting_has_help_in_every_language() {
        for def in TABLE {
            for (text, (lang, _)) in def.help.iter().zip(Lang::ALL) {
                assert!(!text.trim().is_empty(), "{} in {lang}", def.text);
            }
            assert_ne!(def.help[Lang::ZhCn as usize], def.help[Lang::En as usize], "{} is not translated", def.text);
        }
    }

    #[test]
    fn jobs_and_start_times_parse() {
        let s = settings(
            &["--dry-run"],
            &[("INPUT_JOBS", r#"{"build": {"result": "failure"}}"#), ("DINGTALK_STARTED_AT", "1718097249123")],
        )
        .unwrap();
        assert_eq!(s.jobs.clone().unwrap(), [Job::new("build", Status::Failure, None)]);
        assert_eq!(s.started_at, Some(1_718_097_249));
        let s = settings(&["--dry-run", "--started-at", "1718097249"], &[]).unwrap();
        assert_eq!(s.started_at, Some(1_718_097_249));
        let e = settings(&["--dry-run"], &[("INPUT_JOBS", "{\"TOPSECRET\" 1}")]).unwrap_err();
        assert!(e.message.contains("INPUT_JOBS") && e.message.contains("line 1, column 14"), "{}", e.message);
        assert!(!e.message.contains("TOPSECRET"), "{}", e.message);
    }

    #[test]
    fn the_transport_follows_the_credentials_given() {
        let hook = ("DINGTALK_WEBHOOK", "https://x/?access_token=h");
        let renew = [
            ("DINGTALK_KDOCS_APP_ID", "app"),
            ("DINGTALK_KDOCS_APP_KEY", "key"),
            ("DINGTALK_KDOCS_REFRESH_TOKEN", "r"),
        ];
        let mode = |vars: &[(&str, &str)], args: &[&str]| settings(args, vars).map(|s| s.mode);
        assert!(matches!(mode(&[hook], &[]), Ok(Mode::Send { route: Route { transport: DINGTALK, kdocs: None }, .. })));
        let with_renewal: Vec<_> = renew.iter().copied().chain([hook]).collect();
        assert!(matches!(
            mode(&with_renewal, &[]),
            Ok(Mode::Send { route: Route { transport: KDOCS, kdocs: Some(KdocsAuth::Renew(_)) }, .. })
        ));
        let both: Vec<_> = with_renewal.iter().copied().chain([("DINGTALK_KDOCS_TOKEN", "t")]).collect();
        assert!(matches!(
            mode(&both, &[]),
            Ok(Mode::Send { route: Route { transport: KDOCS, kdocs: Some(KdocsAuth::TokenThenRenew { .. }) }, .. })
        ));
        assert!(matches!(
            mode(&both, &["--transport", "dingtalk"]),
            Ok(Mode::Send { route: Route { transport: DINGTALK, kdocs: None }, .. })
        ));
        // Two of the three renewal settings are a mistake worth stopping for.
        let e = settings(&[], &[hook, renew[0], renew[2]]).unwrap_err();
        assert!(e.message.contains("`kdocs_app_key` (set one of --kdocs-app-key"), "{}", e.message);
        // A dry run goes direct only when a webhook alone says a real run would.
        assert!(matches!(mode(&[], &["--dry-run"]), Ok(Mode::DryRun { transport: KDOCS, .. })));
        assert!(matches!(mode(&[hook], &["--dry-run"]), Ok(Mode::DryRun { transport: DINGTALK, .. })));
        assert!(matches!(
            mode(&[], &["--dry-run", "--transport", "dingtalk"]),
            Ok(Mode::DryRun { transport: DINGTALK, .. })
        ));
        let e = settings(&["--transport", "smoke-signals"], &[]).unwrap_err();
        assert!(e.message.contains("use auto, kdocs or dingtalk"), "{}", e.message);
    }

    #[test]
    fn a_bare_robot_token_is_completed_and_an_empty_one_refused() {
        let s = settings(&["--dry-run", "--webhook", " abc123def "], &[]).unwrap();
        let Mode::DryRun { webhook: Some(w), .. } = &s.mode else { panic!("{:?}", s.mode) };
        assert_eq!(w.expose(), "https://oapi.dingtalk.com/robot/send?access_token=abc123def");
        assert_eq!(s.secrets(), ["abc123def"]);
        for url in [
            "https://oapi.dingtalk.com/robot/send?access_token=",
            "https://oapi.dingtalk.com/robot/send?access_token=&x=1",
            "https://oapi.dingtalk.com/robot/send?access_token",
        ] {
            let e = settings(&["--dry-run"], &[("INPUT_WEBHOOK", url)]).unwrap_err();
            assert!(
                e.message.contains("`webhook` (from INPUT_WEBHOOK) has an empty `access_token`"),
                "{url}: {}",
                e.message
            );
        }
        // Any other http(s) URL is taken as it is (a proxy, a test server).
        assert!(settings(&["--dry-run"], &[("INPUT_WEBHOOK", "http://127.0.0.1:9/hook")]).is_ok());
        assert!(settings(&["--dry-run"], &[("INPUT_WEBHOOK", "not a url")]).is_err());
    }

    #[test]
    fn every_kdocs_credential_is_a_secret() {
        let s = settings(
            &["--dry-run"],
            &[
                ("DINGTALK_KDOCS_TOKEN", "tok"),
                ("DINGTALK_KDOCS_APP_ID", "app"),
                ("DINGTALK_KDOCS_APP_KEY", "appkey"),
                ("DINGTALK_KDOCS_REFRESH_TOKEN", "refresh"),
                ("DINGTALK_SECRET", "SEC1"),
                ("DINGTALK_WEBHOOK", "hook"),
            ],
        )
        .unwrap();
        assert_eq!(s.secrets(), ["tok", "appkey", "refresh", "SEC1", "hook"]);
    }

    #[test]
    fn lists_split_on_commas_spaces_and_newlines() {
        let s =
            settings(&["--dry-run"], &[("PLUGIN_AT_MOBILES", "13800000001,139 0000 0002\n14100000003，,")]).unwrap();
        assert_eq!(s.at_mobiles.kept, ["13800000001", "13900000002", "14100000003"]);
        let s =
            settings(&["--dry-run"], &[("PLUGIN_NOTIFY_ON", "failure，fixed"), ("PLUGIN_AT_ON", "changed")]).unwrap();
        assert_eq!(crate::settings::when::describe(&s.notify_on), "failure, fixed");
        let e = settings(&["--dry-run"], &[("PLUGIN_NOTIFY_ON", "failure, sometimes")]).unwrap_err();
        assert!(
            e.message.contains("`sometimes` is not one of") && e.message.contains("PLUGIN_NOTIFY_ON"),
            "{}",
            e.message
        );
        assert!(e.message.contains("unstable, started, unknown"), "every word is listed: {}", e.message);
        let e = settings(&["--dry-run"], &[("INPUT_NOTIFY_ON", "failur")]).unwrap_err();
        assert!(e.message.ends_with("(did you mean `failure`?)"), "{}", e.message);
    }

    #[test]
    fn secrets_never_print_and_the_webhook_token_is_one_of_them() {
        let settings = settings(
            &["--dry-run"],
            &[
                ("DINGTALK_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=hooktok&x=1"),
                ("DINGTALK_SECRET", "SECabc"),
                ("INPUT_GITHUB_TOKEN", "ghs_x"),
                ("DINGTALK_GITLAB_TOKEN", "glpat-y\n"),
            ],
        )
        .unwrap();
        assert_eq!(settings.secrets(), ["SECabc", "ghs_x", "glpat-y", "hooktok"]);
        let debug = format!("{settings:?}");
        assert!(!debug.contains("SECabc") && !debug.contains("hooktok") && !debug.contains("ghs_x"), "{debug}");
    }

    #[test]
    fn bad_values_are_usage_errors_naming_the_variable() {
        for (var, value, fix) in [
            ("DINGTALK_MSGTYPE", "card", "use markdown or actionCard"),
            ("DINGTALK_TIMEOUT", "0", "from 0.1 to 600"),
            ("DINGTALK_RETRIES", "-1", "from 0 to 10"),
            ("DINGTALK_STATUS", "green", "use success, failure"),
            ("DINGTALK_TIMEZONE", "America/New_York", "without daylight saving time, like Asia/Shanghai"),
            ("DINGTALK_TIMEZONE", "+15:00", "give a UTC offset like +08:00"),
            ("DINGTALK_STARTED_AT", "yesterday", "Unix time in seconds or milliseconds"),
            ("DINGTALK_JOBS", "{\"a\": 1}", "job 1 (in key order) is JSON a number"),
            ("DINGTALK_KDOCS_API_URL", "ftp://x", "not an http(s) URL"),
        ] {
            let e = settings(&["--dry-run"], &[(var, value)]).unwrap_err();
            assert!(e.message.contains(var) && e.message.contains(fix), "{var}: {}", e.message);
        }
        let e = settings(&["--dry-run", "--template", "x", "--template-file", "y"], &[]).unwrap_err();
        assert!(e.message.contains("keep one"), "{}", e.message);
        // A `lang` that does not parse cannot choose the language of its own error: the default does.
        let e = settings(&["--dry-run"], &[("DINGTALK_LANG", "fr")]).unwrap_err();
        assert_eq!(e.message, "`lang` 的值 `fr`（来自 DINGTALK_LANG）无效：请填 zh-CN 或 en");
        // `--lang` wins over the environment's, even after the argument in error.
        let e = settings(&["--timeout", "0", "--lang=english"], &[("DINGTALK_LANG", "fr")]).unwrap_err();
        assert_eq!(e.message, "`timeout` has the value `0` (from --timeout): give a number of seconds from 0.1 to 600");
        let s = settings(&["--dry-run"], &[("INPUT_MSGTYPE", "Action_Card")]).unwrap();
        assert_eq!(s.msgtype, MsgType::ActionCard);
        assert_eq!(Settings::new(&sources(&["--dry-run"], &[]).unwrap()).unwrap().lang, Lang::ZhCn);
        for (given, lang) in [("en", Lang::En), ("EN", Lang::En), ("zh_cn", Lang::ZhCn), ("zh-CN", Lang::ZhCn)] {
            assert_eq!(settings(&["--dry-run"], &[("INPUT_LANG", given)]).unwrap().lang, lang, "{given}");
        }
    }

    #[test]
    fn timezones_are_utc_offsets() {
        assert_eq!(settings(&["--dry-run"], &[]).unwrap().timezone, 480);
        for (given, minutes) in
            [("+08:00", 480), ("+0800", 480), ("UTC+8", 480), ("-05:30", -330), ("Z", 0), ("utc", 0)]
        {
            assert_eq!(settings(&["--dry-run"], &[("INPUT_TIMEZONE", given)]).unwrap().timezone, minutes, "{given}");
        }
    }

    /// The `inputs:` of action.yml, and the `INPUT_*` variables its `notify` step passes.
    fn action_yml() -> (Vec<String>, Vec<String>) {
        let yml = include_str!("../../action.yml");
        let inputs_block = yml.split("\ninputs:\n").nth(1).unwrap().split("\noutputs:").next().unwrap();
        let inputs = inputs_block
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.trim_end().ends_with(':'))
            .map(|l| l.trim().trim_end_matches(':').to_owned())
            .collect();
        let notify_step = yml.split("- id: notify").nth(1).expect("action.yml has a step `notify`");
        let mapped = notify_step
            .lines()
            .filter_map(|l| l.trim().strip_prefix("INPUT_")?.split_once(": ${{ inputs."))
            .map(|(var, rest)| {
                let input = rest.trim_end_matches(" }}");
                assert_eq!(var.to_ascii_lowercase(), input, "action.yml maps INPUT_{var} from inputs.{input}");
                input.to_owned()
            })
            .collect();
        (inputs, mapped)
    }

    /// Inputs of action.yml that are the action's own (how to install), not the binary's.
    const ACTION_ONLY: &[&str] = &["download_url", "build_from_source"];

    #[test]
    fn action_yml_descriptions_parse_as_yaml_strings() {
        // A plain YAML scalar cannot hold ": " (it would start a mapping): quote such a
        // description, or the whole action fails to load on the runner.
        for line in include_str!("../../action.yml").lines() {
            let Some(value) = line.trim_start().strip_prefix("description: ") else { continue };
            let plain = !value.starts_with(['"', '\'', '>', '|']);
            assert!(!(plain && value.contains(": ")), "action.yml: quote this description: {line}");
        }
    }

    #[test]
    fn action_yml_declares_and_passes_every_setting_and_no_other() {
        let names: Vec<&str> = TABLE.iter().map(|d| d.text).collect();
        let (inputs, mapped) = action_yml();
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).filter(|i| !ACTION_ONLY.contains(i)).collect();
        assert_eq!(inputs, names, "action.yml `inputs:` must list the settings, in the table's order");
        assert_eq!(mapped, names, "action.yml's notify step must pass each input as INPUT_*");
    }

    #[test]
    fn the_readme_settings_table_lists_every_setting_and_no_other() {
        let mut want: Vec<String> = TABLE.iter().map(|d| d.text.to_owned()).collect();
        want.sort();
        for (name, readme, header) in [
            ("README.md", include_str!("../../README.md"), "| setting | meaning | default |"),
            ("README.zh-CN.md", include_str!("../../README.zh-CN.md"), "| setting | 含义 | 默认值 |"),
        ] {
            let table = readme.split(header).nth(1).unwrap_or_else(|| panic!("{name} has a settings table"));
            let mut listed = Vec::new();
            for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
                let first = row.split('|').nth(1).unwrap();
                listed.extend(first.split(',').map(|n| n.trim().trim_matches('`').to_owned()));
            }
            listed.sort();
            assert_eq!(listed, want, "{name}'s settings table must list each setting once");
        }
    }
}
