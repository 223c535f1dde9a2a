//! The command line, read by one loop (lexopt) for a run and for `kdocs-auth`: every setting as
//! `--name value` or `--name=value`, a command's own flags ([`Cli`]), `-h`/`--help` and
//! `-V`/`--version`. A mistyped line may carry a token (`--kdocs-tokn=…`, a value after a flag
//! that takes none), so its errors name the option or the argument's place, never its text.

use std::ffi::{OsStr, OsString};

use crate::error::Error;
use crate::settings::{Name, Sources, TABLE, nearest, parse_bool};
use crate::summary::catalog::say;

/// What the command line asked for, apart from settings.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run,
    Help,
    Version,
}

/// The flags a command takes besides the settings.
pub struct Cli {
    /// Where errors send the user: `--help`, `kdocs-auth --help`.
    pub help: &'static str,
    /// Flags of the command's own, each taking a value, without the `--`.
    pub own: &'static [&'static str],
    /// Short names of settings: `app-id` for `--kdocs-app-id`.
    pub aliases: &'static [(&'static str, Name)],
}

/// A run: the settings alone.
pub const RUN: Cli = Cli { help: "--help", own: &[], aliases: &[] };

/// What a command line gave besides the settings it set.
#[derive(Debug)]
pub struct Parsed {
    pub command: Command,
    own: Vec<(&'static str, String)>,
}

impl Parsed {
    /// The value of one of the command's own flags, the last one given.
    pub fn own(&self, flag: &str) -> Option<&str> {
        self.own.iter().rev().find(|(f, _)| *f == flag).map(|(_, v)| v.as_str())
    }
}

/// What a `--name` is to a command.
enum Flag {
    Setting(Name),
    Own(&'static str),
}

impl Cli {
    fn flag(&self, typed: &str) -> Option<Flag> {
        let dashed = typed.replace('_', "-");
        if let Some(own) = self.own.iter().find(|f| **f == dashed) {
            return Some(Flag::Own(own));
        }
        let alias = self.aliases.iter().find(|(a, _)| *a == dashed).map(|(_, name)| *name);
        alias.or_else(|| Name::from_flag(typed)).map(Flag::Setting)
    }

    /// The flag nearest to a mistyped one (`--dryrun`, `--kdocs-tokn`).
    fn did_you_mean(&self, typed: &str) -> Option<String> {
        let typed = typed.to_ascii_lowercase().replace('_', "-");
        let settings: Vec<String> = TABLE.iter().map(|d| d.name.flag()[2..].to_owned()).collect();
        let known = settings
            .iter()
            .map(String::as_str)
            .chain(self.own.iter().copied())
            .chain(self.aliases.iter().map(|(a, _)| *a))
            .chain(["help", "version"]);
        nearest(&typed, known).map(|f| format!("--{f}"))
    }
}

impl Sources {
    /// Reads a command line (without the program name, nor the subcommand) over the
    /// environment's settings.
    pub fn read_args(&mut self, args: impl IntoIterator<Item = OsString>, cli: &Cli) -> Result<Parsed, Error> {
        let args: Vec<OsString> = args.into_iter().collect();
        // `--lang` first, wherever it stands, so that every error below (and `--help`) speaks it.
        if let Some(lang) = lang_in(&args) {
            self.flags.push((Name::lang, lang));
        }
        let lang = self.lang();
        let total = args.len();
        let mut parser = lexopt::Parser::from_args(args);
        let mut parsed = Parsed { command: Command::Run, own: Vec::new() };
        // The 1-based place of the argument being read, for errors that must not show it.
        let mut place = 0;
        loop {
            if let Some(raw) = parser.try_raw_args() {
                place = total - raw.as_slice().len() + 1;
            }
            let unexpected =
                || Error::usage(say(lang, "args.unexpected", &[("place", &place.to_string()), ("help", cli.help)]));
            let flag = match parser.next().map_err(|_| unexpected())? {
                None => return Ok(parsed),
                Some(lexopt::Arg::Short('h') | lexopt::Arg::Long("help")) => {
                    parsed.command = Command::Help;
                    continue;
                }
                Some(lexopt::Arg::Short('V') | lexopt::Arg::Long("version")) => {
                    parsed.command = Command::Version;
                    continue;
                }
                Some(lexopt::Arg::Long(flag)) => flag.to_owned(),
                Some(lexopt::Arg::Short(_) | lexopt::Arg::Value(_)) => return Err(unexpected()),
            };
            let Some(known) = cli.flag(&flag) else {
                let guess = cli.did_you_mean(&flag).map(|g| say(lang, "args.did_you_mean", &[("flag", &g)]));
                let args = [("flag", flag.as_str()), ("guess", &guess.unwrap_or_default()), ("help", cli.help)];
                return Err(Error::usage(say(lang, "args.unknown", &args)));
            };
            let needs_value = || Error::usage(say(lang, "args.needs_value", &[("flag", &flag), ("help", cli.help)]));
            let inline = parser.optional_value();
            let value = match (inline, &known) {
                (Some(v), _) => v,
                // `--fail-on-error false` reads as a user means it; a bare boolean is true.
                (None, Flag::Setting(name)) if name.def().is_bool => {
                    let mut raw = parser.raw_args().map_err(|_| unexpected())?;
                    raw.next_if(|next| next.to_str().and_then(parse_bool).is_some()).unwrap_or_else(|| "true".into())
                }
                // A flag is never a value: `--code --kdocs-api-url=…` lacks the code. (A value that
                // starts with `--` is given as `--name=--value`.)
                (None, _) => {
                    let mut raw = parser.raw_args().map_err(|_| unexpected())?;
                    raw.next_if(|next| !looks_like_flag(next)).ok_or_else(needs_value)?
                }
            };
            let value = value
                .into_string()
                .map_err(|_| Error::usage(say(lang, "args.not_utf8", &[("flag", &flag), ("help", cli.help)])))?;
            match known {
                Flag::Setting(name) => self.flags.push((name, value)),
                Flag::Own(_) if value.trim().is_empty() => return Err(needs_value()),
                Flag::Own(own) => parsed.own.push((own, value)),
            }
        }
    }
}

/// The value of the last `--lang value` or `--lang=value`, read ahead of the rest (a bad one is
/// the loop's to refuse, in the default language).
fn lang_in(args: &[OsString]) -> Option<String> {
    let mut found = None;
    let mut args = args.iter().map(|a| a.to_str());
    while let Some(arg) = args.next() {
        match arg {
            Some("--lang") => found = args.next().flatten().filter(|v| !looks_like_flag(OsStr::new(v))).or(found),
            Some(a) if a.starts_with("--lang=") => found = Some(&a["--lang=".len()..]),
            _ => {}
        }
    }
    found.map(str::to_owned)
}

/// `--name…`: a flag, not a value (`-05:00` and `---` are values).
fn looks_like_flag(arg: &OsStr) -> bool {
    arg.to_str()
        .and_then(|a| a.strip_prefix("--"))
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    /// English, as most of these tests read the messages.
    fn english() -> Env {
        Env::new([("DINGTALK_LANG".to_owned(), "en".to_owned())], 0)
    }

    fn read(args: &[&str], cli: &Cli) -> Result<(Sources, Parsed), Error> {
        let mut src = Sources::from_env(&english());
        let parsed = src.read_args(args.iter().map(OsString::from), cli)?;
        Ok((src, parsed))
    }

    fn sources(args: &[&str]) -> Result<Sources, Error> {
        read(args, &RUN).map(|(src, _)| src)
    }

    const AUTH: Cli = Cli { help: "x --help", own: &["code"], aliases: &[("app-id", Name::kdocs_app_id)] };

    #[test]
    fn flags_take_values_inline_or_next_and_booleans_stand_alone() {
        let s = sources(&["--dry-run", "--at-mobiles=1,2", "--kdocs-api-url", "http://x"]).unwrap();
        assert_eq!(s.get(Name::dry_run).unwrap().value, "true");
        assert_eq!(s.get(Name::at_mobiles).unwrap().value, "1,2");
        assert_eq!(s.get(Name::kdocs_api_url).unwrap().value, "http://x");
        assert_eq!(read(&["--help"], &RUN).unwrap().1.command, Command::Help);
        assert_eq!(read(&["-V"], &RUN).unwrap().1.command, Command::Version);
        assert!(sources(&["--nope"]).unwrap_err().message.contains("--nope"));
        assert!(sources(&["stray"]).is_err());
        // A boolean takes a following true/false word, and only that.
        let s = sources(&["--fail-on-error", "false", "--at-all", "YES", "--dry-run", "--title", "t"]).unwrap();
        let values = [Name::fail_on_error, Name::at_all, Name::dry_run, Name::title].map(|n| s.get(n).unwrap().value);
        assert_eq!(values, ["false", "YES", "true", "t"]);
        assert!(sources(&["--dry-run", "later"]).is_err(), "a bare boolean must not swallow other words");
        assert!(sources(&["--title"]).unwrap_err().message.contains("needs a value"));
    }

    #[test]
    fn a_mistyped_flag_gets_a_did_you_mean() {
        let e = sources(&["--dryrun"]).unwrap_err();
        assert_eq!(e.message, "unknown option `--dryrun`: did you mean `--dry-run`? (see --help)");
        let e = sources(&["--kdocs_tokn=x"]).unwrap_err();
        assert!(e.message.contains("did you mean `--kdocs-token`?"), "{}", e.message);
        assert!(sources(&["--Webhok"]).unwrap_err().message.contains("`--webhook`"));
        // Nothing near: no guess.
        assert_eq!(sources(&["--zz"]).unwrap_err().message, "unknown option `--zz` (see --help)");
        assert_eq!(sources(&["--colour"]).unwrap_err().message, "unknown option `--colour` (see --help)");
    }

    #[test]
    fn a_mistyped_command_line_never_echoes_a_value() {
        for args in [
            &["--kdocs-tokn=TOPSECRET"][..],
            &["--dry-run", "TOPSECRET"],
            &["--webhok=https://x/?access_token=TOPSECRET"],
        ] {
            let e = sources(args).unwrap_err();
            assert!(!e.message.contains("TOPSECRET"), "{args:?}: {}", e.message);
        }
        assert!(sources(&["--kdocs-tokn=TOPSECRET"]).unwrap_err().message.contains("`--kdocs-tokn`"));
        assert!(sources(&["--dry-run", "x"]).unwrap_err().message.contains("argument 2"));
    }

    #[test]
    fn a_flag_is_never_the_value_of_the_flag_before_it() {
        for args in [&["--title", "--dry-run"][..], &["--title", "--kdocs-api-url=http://x"]] {
            let e = sources(args).unwrap_err();
            assert_eq!(e.message, "option `--title` needs a value (see --help)", "{args:?}");
        }
        let e = read(&["--code", "--app-id", "a"], &AUTH).unwrap_err();
        assert_eq!(e.message, "option `--code` needs a value (see x --help)");
        // What only looks like a flag is a value; `--name=--value` gives one that starts with `--`.
        let s = sources(&["--timezone", "-05:00", "--message", "---", "--title=--x"]).unwrap();
        let values = [Name::timezone, Name::message, Name::title].map(|n| s.get(n).unwrap().value);
        assert_eq!(values, ["-05:00", "---", "--x"]);
    }

    #[test]
    fn a_commands_own_flags_and_aliases_read_like_settings() {
        let (src, parsed) = read(&["--code=c", "--app-id", "a", "--timeout", "3", "--code", "d"], &AUTH).unwrap();
        assert_eq!(parsed.own("code"), Some("d"), "the last one given wins, as for settings");
        let found = src.get(Name::kdocs_app_id).unwrap();
        assert_eq!((found.value.as_str(), found.from.as_str()), ("a", "--kdocs-app-id"));
        assert_eq!(src.get(Name::timeout).unwrap().value, "3");
        assert!(read(&["--code", " "], &AUTH).unwrap_err().message.contains("needs a value"));
        let e = read(&["--cod", "x"], &AUTH).unwrap_err();
        assert_eq!(e.message, "unknown option `--cod`: did you mean `--code`? (see x --help)");
        // A run has no such flag.
        assert!(read(&["--code", "c"], &RUN).is_err());
    }

    #[test]
    fn short_options_are_help_and_version_only() {
        assert_eq!(read(&["-hV"], &RUN).unwrap().1.command, Command::Version);
        for args in [&["-x"][..], &["--dry-run", "-SECRET"], &["-"]] {
            let e = sources(args).unwrap_err();
            assert!(e.message.starts_with("unexpected argument") && !e.message.contains("SECRET"), "{}", e.message);
        }
        assert!(sources(&["--dry-run", "-SECRET"]).unwrap_err().message.contains("argument 2"));
    }

    #[test]
    fn an_argument_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStringExt;
        let bad = || OsString::from_vec(b"caf\xe9".to_vec());
        let mut src = Sources::from_env(&english());
        let e = src.read_args([OsString::from("--title"), bad()], &RUN).unwrap_err();
        assert_eq!(e.message, "option `--title` has a value that is not UTF-8 text (see --help)");
        assert!(src.read_args([bad()], &RUN).unwrap_err().message.starts_with("unexpected argument 1"));
    }
}
