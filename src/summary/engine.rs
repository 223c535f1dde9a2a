//! The minijinja environment every template is rendered in, built-in or a user's: DingTalk
//! markdown auto-escaping (a value is escaped unless marked safe; the escaping itself is
//! `markdown`'s), the filters and functions templates may call (`link`/`url` let only http(s)
//! through, `t` is the phrase `catalog`), fuel against runaway loops, an output cap, and the
//! loader of the built-in templates (listed in `events`). `render` uses it for the built-in summary, `sandbox` for a
//! user's template.

use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State, UndefinedBehavior};

use crate::error::Error;
use crate::settings::CustomTemplate;
use crate::summary::catalog::{self, Lang, say};
use crate::summary::events;
use crate::summary::markdown::{escape_inline, escape_link_text, escape_md, plain, safe_url};
use crate::time;

/// The names under which a user's templates are compiled: the text is markdown, the title plain.
const CUSTOM: &str = "custom.md";
const CUSTOM_TITLE: &str = "title.custom.txt";

/// Enough for any sane summary, and a stop for a template that loops over a 20 MB payload.
const FUEL: u64 = 200_000;

/// The environment for built-in templates (`Chainable`: a missing field is just empty) or a
/// user's (`Strict`), in the language and time zone given.
pub fn environment(undefined: UndefinedBehavior, lang: Lang, utc_offset: i32) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(undefined);
    env.set_fuel(Some(FUEL));
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(false);
    env.set_auto_escape_callback(|name| {
        if std::path::Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
            AutoEscape::Custom("markdown")
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(move |out: &mut Output, state: &State, value: &Value| {
        // A missing fact prints as nothing, never as `none`, in the title too.
        if value.is_none() || value.is_undefined() {
            Ok(())
        } else if value.as_str().is_some_and(|s| s.len() > MAX_OUTPUT_BYTES) {
            // Before escaping a copy of it: the output cap would stop it a moment later.
            Err(too_much(lang))
        } else if state.auto_escape() != AutoEscape::Custom("markdown") {
            minijinja::escape_formatter(out, state, value)
        } else if value.is_safe() {
            write!(out, "{value}").map_err(minijinja::Error::from)
        } else {
            write!(out, "{}", escape_md(&value.to_string())).map_err(minijinja::Error::from)
        }
    });
    env.add_filter("link", link);
    env.add_filter("url", url_filter);
    env.add_filter("duration", move |v: Value| duration(lang, &v));
    env.add_filter("datetime", move |v: Value| datetime(&v, utc_offset));
    env.add_filter("emoji", emoji);
    // The phrase catalog (src/summary/catalog.rs): `t("view_run")`, `"view_run"|t`, `t("push.pushed", n=3, ref=…)`.
    env.add_function("t", move |state: &State, key: String, args: Kwargs| t(state, lang, &key, &args));
    env.add_filter("t", move |state: &State, key: String, args: Kwargs| t(state, lang, &key, &args));
    env.add_filter("upper_first", upper_first);
    env.add_filter("plain", |v: Value| plain(&text_of(&v)));
    // Text filters take any value: a payload may carry a number where text is expected.
    env.add_filter("first_line", |v: Value| text_of(&v).lines().next().unwrap_or("").trim().to_owned());
    env.add_filter("shorten", |v: Value, max: Option<usize>| shorten(&text_of(&v), max));
    // minijinja's own versions of these panic or allocate without bound on some arguments, and
    // a panic aborts the process (see `sandbox`): the same, with the arguments checked first.
    env.add_test("divisibleby", move |v: Value, n: Value| divisible_by(v, n, lang));
    env.add_filter("format", move |state: &State, fmt: &Value, args: minijinja::value::Rest<Value>| {
        format_checked(state, fmt, args, lang)
    });
    env.add_filter("batch", move |state: &State, v: Value, count: usize, fill: Option<Value>| {
        minijinja::filters::batch(state, v, at_most(count, "batch", lang)?, fill)
    });
    env.add_filter("slice", move |state: &State, v: Value, count: usize, fill: Option<Value>| {
        minijinja::filters::slice(state, v, at_most(count, "slice", lang)?, fill)
    });
    // minijinja's own `escape` knows HTML only; here it means DingTalk markdown.
    env.add_filter("escape", escape_filter);
    env.add_filter("e", escape_filter);
    // Compiled when first used: a run needs three of them, and compiling all of them at start
    // was a third of a run's time (docs/performance.md).
    env.set_loader(|name| Ok(events::source(name).map(str::to_owned)));
    env
}

/// The most any count, width or precision given to a filter may be: far more than a summary
/// of 20,000 bytes can use.
const MAX_FILTER_ARG: usize = 10_000;

fn at_most(n: usize, filter: &str, lang: Lang) -> Result<usize, minijinja::Error> {
    if n > MAX_FILTER_ARG {
        let args = [("filter", filter), ("max", &MAX_FILTER_ARG.to_string()), ("n", &n.to_string())];
        Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, say(lang, "template.at_most", &args)))
    } else {
        Ok(n)
    }
}

/// `is divisibleby(n)`: minijinja's panics on 0 (an integer `%` by zero).
#[allow(clippy::needless_pass_by_value, reason = "minijinja passes test arguments by value")]
fn divisible_by(v: Value, n: Value, lang: Lang) -> Result<bool, minijinja::Error> {
    let zero = n.as_i64() == Some(0) || f64::try_from(n.clone()).is_ok_and(|f| f == 0.0);
    if zero {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            say(lang, "template.divide_by_zero", &[]),
        ));
    }
    Ok(minijinja::tests::is_divisibleby(&v, &n))
}

/// `format`, with each `%…` conversion's width and precision checked: minijinja pads and
/// formats to whatever they say (`%.2000000000f` aborted the process).
fn format_checked(
    state: &State,
    fmt: &Value,
    args: minijinja::value::Rest<Value>,
    lang: Lang,
) -> Result<Value, minijinja::Error> {
    if let Some(text) = fmt.as_str() {
        let mut rest = text;
        while let Some(i) = rest.find('%') {
            rest = rest[i + 1..].trim_start_matches(['-', '+', ' ', '#', '0']);
            for _ in 0..2 {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let n = rest[..digits].parse::<usize>().unwrap_or(if digits > 0 { usize::MAX } else { 0 });
                at_most(n, "format", lang)?;
                rest = rest[digits..].strip_prefix('.').unwrap_or(&rest[digits..]);
            }
        }
    }
    minijinja::filters::format(state, fmt, args)
}

/// The most a user's template may write: the message is cut to 20,000 bytes anyway, and a
/// template writing more is looping over something it should not.
pub const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

fn too_much(lang: Lang) -> minijinja::Error {
    let kib = (MAX_OUTPUT_BYTES / 1024).to_string();
    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, say(lang, "template.too_much", &[("kib", &kib)]))
}

/// Counts what the template writes, and stops it past [`MAX_OUTPUT_BYTES`].
struct Bounded(Vec<u8>, bool);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.1 = true;
            return Err(std::io::Error::other("output limit"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a user's template makes: the summary's text (markdown, escaped) or its title (plain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    Text,
    Title,
}

/// The text of a user's template (strict: a missing field is an error), at most
/// [`MAX_OUTPUT_BYTES`], in the language and time zone given. `sandbox` runs it in a child
/// process (or, when it cannot start one, in this one).
pub fn custom_text(ctx: &Value, t: &CustomTemplate, kind: Kind, lang: Lang, utc_offset: i32) -> Result<String, Error> {
    let mut env = environment(UndefinedBehavior::Strict, lang, utc_offset);
    let name = match kind {
        Kind::Text => CUSTOM,
        Kind::Title => CUSTOM_TITLE,
    };
    env.add_template_owned(name, t.source.clone()).map_err(|e| template_error(&t.origin, &e, lang))?;
    let mut out = Bounded(Vec::new(), false);
    env.get_template(name)
        .and_then(|template| template.render_captured_to(ctx, &mut out).map(drop))
        .map_err(|e| template_error(&t.origin, &if out.1 { too_much(lang) } else { e }, lang))?;
    String::from_utf8(out.0).map_err(|_| Error::usage(say(lang, "template.not_utf8", &[("origin", &t.origin)])))
}

/// A value as text; none and undefined are empty.
fn text_of(v: &Value) -> String {
    if v.is_none() || v.is_undefined() { String::new() } else { v.to_string() }
}

/// minijinja's own words for what went wrong are English: a Chinese line names the kind of
/// error in Chinese and quotes minijinja's detail as it is, in backticks.
fn template_error(origin: &str, e: &minijinja::Error, lang: Lang) -> Error {
    let line = e.line().map(|l| say(lang, "template.line", &[("line", &l.to_string())])).unwrap_or_default();
    let detail = if lang == Lang::En {
        let mut detail = e.to_string();
        // minijinja adds "(in custom.md:3)"; the line is already named.
        for name in [CUSTOM, CUSTOM_TITLE] {
            if let Some(i) = detail.find(&format!(" (in {name}")) {
                detail.truncate(i);
            }
        }
        detail
    } else {
        let kind = say(lang, kind_key(e.kind()), &[]);
        match e.detail() {
            // Ours, already in `lang`.
            Some(d) if d.chars().any(|c| c > '\u{2e80}') => format!("{kind}：{d}"),
            Some(d) => format!("{kind}（`{}`）", d.replace('`', "'")),
            None => kind,
        }
    };
    Error::usage(say(lang, "template.broken", &[("origin", origin), ("line", &line), ("detail", &detail)]))
}

/// The catalog's word for a kind of minijinja error.
fn kind_key(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::SyntaxError => "template.kind.syntax",
        ErrorKind::UndefinedError => "template.kind.undefined",
        ErrorKind::UnknownFilter => "template.kind.unknown_filter",
        ErrorKind::UnknownFunction => "template.kind.unknown_function",
        ErrorKind::UnknownTest => "template.kind.unknown_test",
        ErrorKind::UnknownMethod => "template.kind.unknown_method",
        ErrorKind::TooManyArguments => "template.kind.too_many_arguments",
        ErrorKind::MissingArgument => "template.kind.missing_argument",
        ErrorKind::InvalidOperation => "template.kind.invalid_operation",
        ErrorKind::CannotUnpack => "template.kind.cannot_unpack",
        _ => "template.kind.other",
    }
}

/// `{{ text|shorten(n) }}`: one line (whitespace runs become one space), at most `n` characters
/// (default 200), the cut marked with `…`. Applied to raw text; escaping comes after.
pub fn shorten(s: &str, max: Option<usize>) -> String {
    let max = max.unwrap_or(200).max(1);
    let mut out = String::with_capacity(s.len().min(max * 4));
    for (n, word) in s.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > max * 4 {
            break; // enough to cut from, however long the input
        }
    }
    if out.chars().count() <= max {
        return out;
    }
    let mut cut: String = out.chars().take(max - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// `{{ text|escape }}` / `|e`: escaped for DingTalk markdown, and marked safe.
fn escape_filter(value: Value) -> Value {
    if value.is_safe() { value } else { Value::from_safe_string(escape_md(&value.to_string())) }
}

/// `{{ text|link(url) }}`: a markdown link with escaped text, or the escaped text alone when the
/// URL is missing or not http(s).
#[allow(clippy::needless_pass_by_value, reason = "minijinja passes filter arguments by value")]
fn link(text: Value, url: Option<Value>) -> Value {
    let text = if text.is_safe() { text.to_string() } else { escape_link_text(&text.to_string()) };
    let url = url.filter(|u| !u.is_none() && !u.is_undefined()).and_then(|u| safe_url(&u.to_string()));
    Value::from_safe_string(match url {
        Some(url) => format!("[{text}]({url})"),
        None => text,
    })
}

/// `{{ url|url }}`: an http(s) URL, safe to put in a markdown link target; empty otherwise.
#[allow(clippy::needless_pass_by_value, reason = "minijinja passes filter arguments by value")]
fn url_filter(url: Value) -> Value {
    Value::from_safe_string(safe_url(&url.to_string()).unwrap_or_default())
}

/// `{{ status|emoji }}`: the status at a glance.
pub fn emoji(status: &str) -> &'static str {
    match status {
        "success" => "✅",
        "failure" => "❌",
        "cancelled" => "🚫",
        "skipped" => "⏭️",
        "started" => "🚀",
        "unstable" => "⚠️",
        _ => "🔔",
    }
}

/// `{{ run.duration|duration }}`: `4 分 36 秒` / `4m 36s`, `1 天 3 小时` / `1d 3h`; empty for
/// none, so that a template need not test for it first.
fn duration(lang: Lang, v: &Value) -> String {
    let secs = v.as_i64().and_then(|n| u64::try_from(n).ok()).or_else(|| text_of(v).trim().parse().ok());
    secs.map(|s| time::in_words(lang, s)).unwrap_or_default()
}

/// `{{ run.started_at|datetime }}`: `2024-06-11 17:18` in the `timezone` setting's offset, from
/// RFC 3339 text or seconds since the epoch; empty for none or what is not a time.
fn datetime(v: &Value, utc_offset: i32) -> String {
    let secs = v.as_i64().and_then(|n| u64::try_from(n).ok()).or_else(|| time::parse_rfc3339(&text_of(v)));
    secs.and_then(|s| time::local(s, utc_offset)).unwrap_or_default()
}

/// `{{ key|t }}`, `{{ t(key, name=value, …) }}`: the phrase `key` of the catalog (src/summary/catalog.rs)
/// in the `lang` setting's language, its `{name}` placeholders filled. In markdown the phrase is
/// trusted and the values are escaped like any printed value (unless safe); in the title nothing
/// is escaped. A key the catalog lacks is an error, unless `default=` gives what to print instead.
fn t(state: &State, lang: Lang, key: &str, args: &Kwargs) -> Result<Value, minijinja::Error> {
    let markdown = state.auto_escape() == AutoEscape::Custom("markdown");
    let Some(phrase) = catalog::phrase(lang, key) else {
        return match args.get::<Option<Value>>("default")? {
            Some(default) => Ok(default),
            None => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                say(lang, "template.no_phrase", &[("key", key)]),
            )),
        };
    };
    let text = catalog::fill(phrase, |name, at_start| {
        let value = args.peek::<Value>(name).ok()?;
        Some(if value.is_none() || value.is_undefined() {
            String::new()
        } else if !markdown || value.is_safe() {
            value.to_string()
        } else if at_start {
            escape_md(&value.to_string())
        } else {
            escape_inline(&value.to_string())
        })
    });
    Ok(if markdown { Value::from_safe_string(text) } else { Value::from(text) })
}

/// `{{ text|upper_first }}`: the first letter a capital (a sentence that starts without its
/// subject); safe text stays safe.
#[allow(clippy::needless_pass_by_value, reason = "minijinja passes filter arguments by value")]
fn upper_first(v: Value) -> Value {
    let text = text_of(&v);
    let mut chars = text.chars();
    let upper: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if v.is_safe() { Value::from_safe_string(upper) } else { Value::from(upper) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_parses() {
        let env = environment(UndefinedBehavior::Chainable, Lang::ZhCn, 480);
        for t in events::templates() {
            env.get_template(t.name).unwrap_or_else(|e| panic!("{}: {e:#}", t.name));
        }
    }

    #[test]
    fn links_only_for_http_urls_and_the_target_cannot_be_broken_out_of() {
        assert_eq!(
            link(Value::from("a_b [c] d]"), Some(Value::from("https://x/y?q=1"))).to_string(),
            "[a_b [c] d)](https://x/y?q=1)"
        );
        assert_eq!(link(Value::from("t"), Some(Value::from("javascript:alert(1)"))).to_string(), "t");
        assert_eq!(link(Value::from("t"), None).to_string(), "t");
    }

    #[test]
    fn durations_and_times_read_naturally_and_none_prints_nothing() {
        assert_eq!(duration(Lang::En, &Value::from(276)), "4m 36s");
        assert_eq!(duration(Lang::ZhCn, &Value::from(78_033_300)), "903 天 3 小时");
        assert_eq!(duration(Lang::ZhCn, &Value::from(())), "");
        assert_eq!(duration(Lang::En, &Value::UNDEFINED), "");
        assert_eq!(datetime(&Value::from("2024-06-11T09:18:42Z"), 480), "2024-06-11 17:18");
        assert_eq!(datetime(&Value::from("2024-06-11T23:30:00Z"), 480), "2024-06-12 07:30");
        assert_eq!(datetime(&Value::from("2024-06-11T09:18:42+08:00"), -300), "2024-06-10 20:18");
        assert_eq!(datetime(&Value::from(()), 480), "");
        assert_eq!(datetime(&Value::from("soon"), 480), "");
    }
}
