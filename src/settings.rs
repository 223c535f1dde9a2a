//! Every setting: where it is read from, how it is validated, and the secret newtype.
//!
//! Built in two steps. [`Sources`] gathers raw strings, first found wins, from the command line
//! (`--name`), then `INPUT_NAME` (GitHub Actions), `PLUGIN_NAME` (Drone, Woodpecker) and
//! `DINGTALK_NAME` (GitLab CI, a shell); empty counts as unset. [`Settings::from_sources`] turns
//! them into typed values, and every error names the setting and where its value came from.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::ci::{Env, normalize_status};
use crate::error::Error;

/// The environment prefixes, in the order they are searched.
const PREFIXES: [&str; 3] = ["INPUT_", "PLUGIN_", "DINGTALK_"];

macro_rules! settings {
    ($($name:ident $(: $kind:tt)? => $help:literal,)*) => {
        /// One layer of raw settings, as envy reads it from one prefix.
        #[derive(Debug, Default, Deserialize)]
        struct Layer {
            $($name: Option<String>,)*
        }

        impl Layer {
            fn get(&self, name: &str) -> Option<&str> {
                match name {
                    $(stringify!($name) => self.$name.as_deref(),)*
                    _ => None,
                }
            }
        }

        /// Every setting's name, whether it is a boolean flag, and its help line.
        pub const SETTINGS: &[(&str, bool, &str)] = &[
            $((stringify!($name), settings!(@bool $($kind)?), $help),)*
        ];
    };
    (@bool bool) => { true };
    (@bool) => { false };
}

settings! {
    kdocs_token => "KDocs open-API access token (required unless dry_run)",
    webhook => "DingTalk robot URL https://oapi.dingtalk.com/robot/send?access_token=… (required unless dry_run)",
    secret => "robot signing secret (SEC…), sent to the relay as `sk`",
    message => "extra plain-text message, sent after the summary",
    title => "summary title shown in the chat list [rendered from the run]",
    template => "inline minijinja template for the summary text [built-in, per event]",
    template_file => "path of a template file (not with `template`)",
    msgtype => "markdown or actionCard [markdown]",
    status => "job status: success, failure, cancelled, skipped [from the CI, else unknown]",
    at_mobiles => "mobiles to mention, separated by commas, spaces or newlines",
    at_user_ids => "DingTalk user ids to mention, separated by commas, spaces or newlines",
    at_all: bool => "mention everyone [false]",
    keyword => "the robot's security keyword, added to the title when missing",
    kdocs_api_url => "base URL of the relay [https://developer.kdocs.cn]",
    ca_file => "PEM file of extra root certificates",
    timeout => "seconds for one attempt [10]",
    retries => "further attempts after a transient failure [2]",
    fail_on_error: bool => "false turns every failure into a warning and exit 0 [true]",
    dry_run: bool => "print the request body instead of sending it [false]",
    event_path => "GitHub event JSON [GITHUB_EVENT_PATH]",
}

/// A value that must never be printed: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
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

/// What the user asked for on the command line, apart from settings.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run,
    Help,
    Version,
}

/// The raw settings of every layer.
#[derive(Debug)]
pub struct Sources {
    flags: Vec<(String, String)>,
    layers: Vec<(&'static str, Layer)>,
}

impl Sources {
    /// Reads the command line (without the program name) and the environment layers.
    pub fn read(args: &[String], env: &Env) -> Result<(Command, Sources), Error> {
        let (command, flags) = parse_args(args)?;
        let mut layers = Vec::with_capacity(PREFIXES.len());
        for prefix in PREFIXES {
            let vars = env.vars().map(|(k, v)| (k.to_owned(), v.to_owned()));
            let layer = envy::prefixed(prefix)
                .from_iter::<_, Layer>(vars)
                .map_err(|e| Error::usage(format!("cannot read the {prefix}* variables: {e}")))?;
            layers.push((prefix, layer));
        }
        Ok((command, Sources { flags, layers }))
    }

    /// The first non-empty value of a setting, and where it came from.
    pub fn get(&self, name: &str) -> Option<Found> {
        let flag = self.flags.iter().rev().find(|(n, _)| n == name);
        if let Some((_, value)) = flag.filter(|(_, v)| !v.trim().is_empty()) {
            return Some(Found { value: value.clone(), from: format!("--{}", name.replace('_', "-")) });
        }
        self.layers.iter().find_map(|(prefix, layer)| {
            let value = layer.get(name).filter(|v| !v.trim().is_empty())?;
            Some(Found { value: value.to_owned(), from: format!("{prefix}{}", name.to_ascii_uppercase()) })
        })
    }
}

/// Where a setting is looked for, for messages: `--kdocs-token, INPUT_KDOCS_TOKEN, …`.
pub fn looked_for(name: &str) -> String {
    format!("--{}, {}", name.replace('_', "-"), variables(name))
}

/// The environment variables a setting is read from: `INPUT_NAME, PLUGIN_NAME, DINGTALK_NAME`.
fn variables(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    PREFIXES.iter().map(|p| format!("{p}{upper}")).collect::<Vec<_>>().join(", ")
}

fn parse_args(args: &[String]) -> Result<(Command, Vec<(String, String)>), Error> {
    let mut flags = Vec::new();
    let mut command = Command::Run;
    let mut args = args.iter().enumerate().peekable();
    while let Some((i, arg)) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => command = Command::Help,
            "-V" | "--version" => command = Command::Version,
            _ => {
                // A mistyped line may carry a token (`--kdocs-tokn=…`, a value after a flag that
                // takes none): error messages name the option, never echo a value.
                let Some(flag) = arg.strip_prefix("--") else {
                    return Err(Error::usage(format!(
                        "unexpected argument {}, not shown as it may be a secret: settings are given as --name value (see --help)",
                        i + 1
                    )));
                };
                let (flag, inline) = match flag.split_once('=') {
                    Some((f, v)) => (f, Some(v.to_owned())),
                    None => (flag, None),
                };
                let name = flag.replace('-', "_");
                let Some(&(_, is_bool, _)) = SETTINGS.iter().find(|(n, _, _)| *n == name) else {
                    return Err(Error::usage(format!("unknown option `--{flag}` (see --help)")));
                };
                let value = match inline {
                    Some(v) => v,
                    // `--fail-on-error false` reads as a user means it; a bare boolean is true.
                    None if is_bool => match args.next_if(|(_, next)| parse_bool(next).is_some()) {
                        Some((_, next)) => next.clone(),
                        None => "true".to_owned(),
                    },
                    None => args
                        .next()
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| Error::usage(format!("option `--{flag}` needs a value (see --help)")))?,
                };
                flags.push((name, value));
            }
        }
    }
    Ok((command, flags))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    Markdown,
    ActionCard,
}

/// The summary's template, when the user gives one.
#[derive(Debug, Clone)]
pub struct CustomTemplate {
    pub source: String,
    /// The file name, or the variable it came from, for error messages.
    pub origin: String,
}

/// Validated settings.
#[derive(Debug)]
pub struct Settings {
    pub kdocs_token: Option<Secret>,
    pub webhook: Option<Secret>,
    pub secret: Option<Secret>,
    pub message: Option<String>,
    pub title: Option<String>,
    pub template: Option<CustomTemplate>,
    pub msgtype: MsgType,
    pub status: Option<String>,
    pub at_mobiles: Vec<String>,
    pub at_user_ids: Vec<String>,
    pub at_all: bool,
    pub keyword: Option<String>,
    pub kdocs_api_url: String,
    /// The `ca_file` path and where it was set, for error messages.
    pub ca_file: Option<(PathBuf, String)>,
    pub timeout: Duration,
    pub retries: u32,
    pub dry_run: bool,
    pub event_path: Option<String>,
}

impl Settings {
    /// `fail_on_error` alone, so that even a usage error can honour it.
    pub fn fail_on_error(src: &Sources) -> bool {
        boolean(src, "fail_on_error").ok().flatten().unwrap_or(true)
    }

    pub fn from_sources(src: &Sources) -> Result<Settings, Error> {
        let text = |name: &str| src.get(name).map(|f| f.value);
        let dry_run = boolean(src, "dry_run")?.unwrap_or(false);
        let required = |name: &str| match src.get(name) {
            Some(f) => Ok(Some(Secret(f.value.trim().to_owned()))),
            None if dry_run => Ok(None),
            None => Err(Error::usage(format!("the setting `{name}` is required: set one of {}", looked_for(name)))),
        };
        // Read by `Settings::fail_on_error` before anything else; checked here with the rest.
        boolean(src, "fail_on_error")?;
        let kdocs_token = required("kdocs_token")?;
        let webhook = required("webhook")?;
        if let (Some(hook), Some(found)) = (&webhook, src.get("webhook")) {
            check_url(hook.expose(), "webhook", &found.from)?;
        }
        let kdocs_api_url = match src.get("kdocs_api_url") {
            Some(f) => {
                check_url(f.value.trim(), "kdocs_api_url", &f.from)?;
                f.value.trim().trim_end_matches('/').to_owned()
            }
            None => "https://developer.kdocs.cn".to_owned(),
        };

        let template = match (src.get("template"), src.get("template_file")) {
            (Some(t), Some(f)) => {
                return Err(Error::usage(format!(
                    "`template` ({}) and `template_file` ({}) are both set: keep one",
                    t.from, f.from
                )));
            }
            (Some(t), None) => Some(CustomTemplate { source: t.value, origin: t.from }),
            (None, Some(f)) => {
                let path = f.value.trim();
                let source = std::fs::read_to_string(path).map_err(|e| {
                    Error::usage(format!(
                        "cannot read the template file `{path}` (from {}): {e}; check the path, relative to {}",
                        f.from,
                        std::env::current_dir()
                            .map_or_else(|_| "the working directory".into(), |d| d.display().to_string())
                    ))
                })?;
                Some(CustomTemplate { source, origin: path.to_owned() })
            }
            (None, None) => None,
        };

        let msgtype = match src.get("msgtype") {
            None => MsgType::Markdown,
            Some(f) => match f.value.trim().to_ascii_lowercase().replace(['_', '-'], "").as_str() {
                "markdown" => MsgType::Markdown,
                "actioncard" => MsgType::ActionCard,
                _ => return Err(bad_value(&f, "msgtype", "use markdown or actionCard")),
            },
        };

        let status = match src.get("status") {
            None => None,
            Some(f) => match normalize_status(Some(&f.value)).as_str() {
                "unknown" if !f.value.trim().eq_ignore_ascii_case("unknown") => {
                    return Err(bad_value(&f, "status", "use success, failure, cancelled or skipped"));
                }
                s => Some(s.to_owned()),
            },
        };

        let timeout = match src.get("timeout") {
            None => Duration::from_secs(10),
            Some(f) => match f.value.trim().parse::<f64>() {
                Ok(s) if (0.1..=600.0).contains(&s) => Duration::from_secs_f64(s),
                _ => return Err(bad_value(&f, "timeout", "give a number of seconds from 0.1 to 600")),
            },
        };
        let retries = match src.get("retries") {
            None => 2,
            Some(f) => match f.value.trim().parse::<u32>() {
                Ok(n) if n <= 10 => n,
                _ => return Err(bad_value(&f, "retries", "give a whole number from 0 to 10")),
            },
        };

        Ok(Settings {
            secret: src.get("secret").map(|f| Secret(f.value.trim().to_owned())),
            message: text("message"),
            title: text("title").map(|t| t.trim().to_owned()),
            template,
            msgtype,
            status,
            at_mobiles: list(src, "at_mobiles"),
            at_user_ids: list(src, "at_user_ids"),
            at_all: boolean(src, "at_all")?.unwrap_or(false),
            keyword: text("keyword").map(|k| k.trim().to_owned()),
            kdocs_api_url,
            ca_file: src.get("ca_file").map(|f| (PathBuf::from(f.value.trim()), f.from)),
            timeout,
            retries,
            dry_run,
            event_path: text("event_path").map(|p| p.trim().to_owned()),
            kdocs_token,
            webhook,
        })
    }

    /// Every secret value, for masking and redaction: the token, the signing secret, and the
    /// webhook's `access_token`.
    pub fn secrets(&self) -> Vec<&str> {
        let hook_token = self.webhook.as_ref().and_then(|w| webhook_token(w.expose()));
        [self.kdocs_token.as_ref().map(Secret::expose), self.secret.as_ref().map(Secret::expose), hook_token]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The `access_token` query value of a robot URL.
pub fn webhook_token(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix("access_token=")).filter(|t| !t.is_empty())
}

fn bad_value(f: &Found, name: &str, fix: &str) -> Error {
    // Values of these settings are not secret, so showing them helps.
    Error::usage(format!("`{name}` has the value `{}` (from {}): {fix}", f.value.trim(), f.from))
}

fn check_url(url: &str, name: &str, from: &str) -> Result<(), Error> {
    let ok = reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if ok {
        Ok(())
    } else {
        // The webhook carries a token: name the setting, never echo its value.
        Err(Error::usage(format!("`{name}` (from {from}) is not an http(s) URL: give the full URL, https://…")))
    }
}

fn boolean(src: &Sources, name: &str) -> Result<Option<bool>, Error> {
    let Some(f) = src.get(name) else { return Ok(None) };
    match parse_bool(&f.value) {
        Some(b) => Ok(Some(b)),
        None => Err(bad_value(&f, name, "use true or false (also 1/0, yes/no)")),
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

/// A list separated by commas, spaces or newlines (Drone and Woodpecker join lists with commas).
fn list(src: &Sources, name: &str) -> Vec<String> {
    src.get(name)
        .map(|f| {
            f.value
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `--help` text: every setting with the names it is read from.
pub fn help() -> String {
    let mut out = format!(
        "dingtalk-notify {}\nSend a CI run's summary to a DingTalk group robot through the KDocs relay.\n\n\
         USAGE: dingtalk-notify [--name value]...\n\n\
         Each setting is read, first found wins, from --name, INPUT_NAME, PLUGIN_NAME, DINGTALK_NAME.\n\
         Empty values count as unset. [defaults in brackets]\n\nSETTINGS:\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, is_bool, text) in SETTINGS {
        let flag = format!("--{}{}", name.replace('_', "-"), if *is_bool { " [true|false]" } else { " <value>" });
        out.push_str(&format!("  {flag}\n      {text}\n      env: {}\n", variables(name)));
    }
    out.push_str(
        "  -h, --help       print this help\n  -V, --version    print the version\n\n\
         EXIT CODES: 0 delivered (or dry run, or failure with fail_on_error=false), 1 delivery failed, 2 usage error\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(args: &[&str], vars: &[(&str, &str)]) -> Result<(Command, Sources), Error> {
        let env = Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())), 0);
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Sources::read(&args, &env)
    }

    #[test]
    fn layers_are_searched_in_order_and_empty_is_unset() {
        let (_, s) =
            sources(&[], &[("INPUT_TITLE", ""), ("PLUGIN_TITLE", "from plugin"), ("DINGTALK_TITLE", "from shell")])
                .unwrap();
        let f = s.get("title").unwrap();
        assert_eq!((f.value.as_str(), f.from.as_str()), ("from plugin", "PLUGIN_TITLE"));
        let (_, s) = sources(&["--title", "flag"], &[("INPUT_TITLE", "input")]).unwrap();
        assert_eq!(s.get("title").unwrap().from, "--title");
    }

    #[test]
    fn flags_take_values_inline_or_next_and_booleans_stand_alone() {
        let (cmd, s) = sources(&["--dry-run", "--at-mobiles=1,2", "--kdocs-api-url", "http://x"], &[]).unwrap();
        assert_eq!(cmd, Command::Run);
        assert_eq!(s.get("dry_run").unwrap().value, "true");
        assert_eq!(s.get("at_mobiles").unwrap().value, "1,2");
        assert_eq!(s.get("kdocs_api_url").unwrap().value, "http://x");
        assert_eq!(sources(&["--help"], &[]).unwrap().0, Command::Help);
        assert!(sources(&["--nope"], &[]).unwrap_err().message.contains("--nope"));
        assert!(sources(&["stray"], &[]).is_err());
        // A boolean takes a following true/false word, and only that.
        let (_, s) =
            sources(&["--fail-on-error", "false", "--at-all", "YES", "--dry-run", "--title", "t"], &[]).unwrap();
        let values = ["fail_on_error", "at_all", "dry_run", "title"].map(|n| s.get(n).unwrap().value);
        assert_eq!(values, ["false", "YES", "true", "t"]);
        assert!(sources(&["--dry-run", "later"], &[]).is_err(), "a bare boolean must not swallow other words");
        assert!(sources(&["--title"], &[]).unwrap_err().message.contains("needs a value"));
    }

    #[test]
    fn a_mistyped_command_line_never_echoes_a_value() {
        for args in [
            &["--kdocs-tokn=TOPSECRET"][..],
            &["--dry-run", "TOPSECRET"],
            &["--webhok=https://x/?access_token=TOPSECRET"],
        ] {
            let e = sources(args, &[]).unwrap_err();
            assert!(!e.message.contains("TOPSECRET"), "{args:?}: {}", e.message);
        }
        assert!(sources(&["--kdocs-tokn=TOPSECRET"], &[]).unwrap_err().message.contains("`--kdocs-tokn`"));
        assert!(sources(&["--dry-run", "x"], &[]).unwrap_err().message.contains("argument 2"));
    }

    #[test]
    fn booleans_accept_the_documented_spellings_and_name_the_variable_otherwise() {
        for (v, want) in [("TRUE", true), ("1", true), ("Yes", true), ("false", false), ("0", false), ("NO", false)] {
            let (_, s) = sources(&[], &[("PLUGIN_AT_ALL", v)]).unwrap();
            assert_eq!(boolean(&s, "at_all").unwrap(), Some(want), "{v}");
        }
        let (_, s) = sources(&[], &[("DINGTALK_DRY_RUN", "maybe")]).unwrap();
        let e = Settings::from_sources(&s).unwrap_err();
        assert!(e.message.contains("dry_run") && e.message.contains("DINGTALK_DRY_RUN"), "{}", e.message);
    }

    #[test]
    fn required_settings_name_every_place_they_were_looked_for() {
        let (_, s) = sources(&[], &[("INPUT_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=x")]).unwrap();
        let e = Settings::from_sources(&s).unwrap_err();
        assert_eq!(
            e.message,
            "the setting `kdocs_token` is required: set one of --kdocs-token, INPUT_KDOCS_TOKEN, PLUGIN_KDOCS_TOKEN, DINGTALK_KDOCS_TOKEN"
        );
    }

    #[test]
    fn lists_split_on_commas_spaces_and_newlines() {
        let (_, s) = sources(&[], &[("PLUGIN_AT_MOBILES", "138,139 140\n141,,")]).unwrap();
        assert_eq!(list(&s, "at_mobiles"), ["138", "139", "140", "141"]);
    }

    #[test]
    fn secrets_never_print_and_the_webhook_token_is_one_of_them() {
        let (_, s) = sources(
            &["--dry-run"],
            &[
                ("DINGTALK_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=hooktok&x=1"),
                ("DINGTALK_SECRET", "SECabc"),
            ],
        )
        .unwrap();
        let settings = Settings::from_sources(&s).unwrap();
        assert_eq!(settings.secrets(), ["SECabc", "hooktok"]);
        let debug = format!("{settings:?}");
        assert!(!debug.contains("SECabc") && !debug.contains("hooktok"), "{debug}");
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for (var, value) in [
            ("DINGTALK_MSGTYPE", "card"),
            ("DINGTALK_TIMEOUT", "0"),
            ("DINGTALK_RETRIES", "-1"),
            ("DINGTALK_STATUS", "green"),
            ("DINGTALK_KDOCS_API_URL", "ftp://x"),
        ] {
            let (_, s) = sources(&["--dry-run"], &[(var, value)]).unwrap();
            let e = Settings::from_sources(&s).unwrap_err();
            assert!(e.message.contains(var), "{var}: {}", e.message);
        }
        let (_, s) = sources(&["--dry-run", "--template", "x", "--template-file", "y"], &[]).unwrap();
        assert!(Settings::from_sources(&s).unwrap_err().message.contains("keep one"));
    }
}
