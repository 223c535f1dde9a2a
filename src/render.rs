//! Renders the summary's title and text from the context with minijinja.
//!
//! Built-in templates live in `templates/` and are embedded at compile time. Every value a
//! template prints is escaped for DingTalk markdown unless it is marked safe, so that commit
//! messages, titles and branch names cannot add links, images, headings, emphasis, lists or
//! quotes; URLs go through `link`/`url`, which only let http(s) through. User templates get the
//! same protection; `|safe` inserts trusted markdown. Undefined values are errors in user templates,
//! and a fuel limit stops runaway loops.

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};

use crate::context::Context;
use crate::error::Error;
use crate::settings::CustomTemplate;

/// The rendered summary: `title` is plain text (the chat list), `text` is DingTalk markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub title: String,
    pub text: String,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("macros.md", include_str!("../templates/macros.md")),
    ("title.txt", include_str!("../templates/title.txt")),
    ("push.md", include_str!("../templates/push.md")),
    ("pull_request.md", include_str!("../templates/pull_request.md")),
    ("generic.md", include_str!("../templates/generic.md")),
];

/// The name under which a user's template is compiled.
const CUSTOM: &str = "custom.md";

/// Enough for any sane summary, and a stop for a template that loops over a 20 MB payload.
const FUEL: u64 = 200_000;

/// The built-in template for an event.
fn builtin_for(event: &str) -> &'static str {
    match event {
        "push" => "push.md",
        "pull_request" | "pull_request_target" => "pull_request.md",
        _ => "generic.md",
    }
}

/// Built-in templates look into payloads that differ per event and CI, so for them a missing
/// field is just empty; a user's template is strict, so that a typo is an error at its line.
fn environment(undefined: UndefinedBehavior) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(undefined);
    env.set_fuel(Some(FUEL));
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(false);
    env.set_auto_escape_callback(
        |name| {
            if name.ends_with(".md") { AutoEscape::Custom("markdown") } else { AutoEscape::None }
        },
    );
    env.set_formatter(|out: &mut Output, state: &State, value: &Value| {
        if state.auto_escape() != AutoEscape::Custom("markdown") {
            return minijinja::escape_formatter(out, state, value);
        }
        if value.is_none() || value.is_undefined() {
            Ok(())
        } else if value.is_safe() {
            write!(out, "{value}").map_err(minijinja::Error::from)
        } else {
            write!(out, "{}", escape_md(&value.to_string())).map_err(minijinja::Error::from)
        }
    });
    env.add_filter("link", link);
    env.add_filter("url", url_filter);
    env.add_filter("duration", duration);
    env.add_filter("emoji", emoji);
    env.add_filter("first_line", |s: &str| s.lines().next().unwrap_or("").trim().to_owned());
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("built-in templates parse");
    }
    env
}

/// Renders the summary. A custom template that does not parse or render is a usage error that
/// names where the template came from and the line.
pub fn summary(cx: &Context, title: Option<&str>, custom: Option<&CustomTemplate>) -> Result<Summary, Error> {
    let mut env = environment(if custom.is_some() { UndefinedBehavior::Strict } else { UndefinedBehavior::Chainable });
    let ctx = Value::from_serialize(cx);
    let text_template = match custom {
        Some(t) => {
            env.add_template_owned(CUSTOM, t.source.clone()).map_err(|e| template_error(&t.origin, &e))?;
            CUSTOM
        }
        None => builtin_for(&cx.event),
    };
    let text = env.get_template(text_template).and_then(|t| t.render(&ctx)).map_err(|e| match custom {
        Some(t) => template_error(&t.origin, &e),
        None => Error::usage(format!("the built-in template {text_template} failed: {e:#}")),
    })?;
    let title = match title {
        Some(t) => t.to_owned(),
        None => env
            .get_template("title.txt")
            .and_then(|t| t.render(&ctx))
            .map_err(|e| Error::usage(format!("the built-in title template failed: {e:#}")))?,
    };
    Ok(Summary { title: one_line(&title), text: tidy(&text) })
}

fn template_error(origin: &str, e: &minijinja::Error) -> Error {
    let line = e.line().map(|l| format!(" line {l}:")).unwrap_or_default();
    let mut detail = e.to_string();
    // minijinja adds "(in custom.md:3)"; the line is already named.
    if let Some(i) = detail.find(&format!(" (in {CUSTOM}")) {
        detail.truncate(i);
    }
    Error::usage(format!("the template from {origin} does not work,{line} {detail}; fix the template"))
}

/// A title is one line: the chat list shows nothing more.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// DingTalk markdown needs a blank line between lines; collapse runs of them and trim.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Escapes text from users so that DingTalk's markdown shows it as it is.
///
/// DingTalk shows backslash escapes literally and decodes HTML, so markup characters become
/// look-alikes that markdown does not know (`[` → `［`, `*` → `∗`, …), newlines become spaces
/// (user text is inline, after fixed text, so it cannot start a heading, list or quote), and a
/// zero-width space breaks `://` and `www.` so that bare URLs do not turn into links.
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            '\\' => out.push('＼'),
            '*' => out.push('∗'),
            '_' => out.push('＿'),
            '~' => out.push('∼'),
            '`' => out.push('ˋ'),
            '[' => out.push('［'),
            ']' => out.push('］'),
            '<' => out.push('＜'),
            '>' => out.push('＞'),
            '&' => out.push('＆'),
            '|' => out.push('｜'),
            ':' if chars.peek() == Some(&'/') => out.push_str(":\u{200B}"),
            '.' if out.ends_with("www") || out.ends_with("WWW") => out.push_str("\u{200B}."),
            c => out.push(c),
        }
    }
    out
}

/// Only http(s) URLs become links; characters that would end the markdown link are encoded.
fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// `{{ text|link(url) }}`: a markdown link with escaped text, or the escaped text alone when the
/// URL is missing or not http(s).
fn link(text: Value, url: Option<Value>) -> Value {
    let text = if text.is_safe() { text.to_string() } else { escape_md(&text.to_string()) };
    let url = url.filter(|u| !u.is_none() && !u.is_undefined()).and_then(|u| safe_url(&u.to_string()));
    Value::from_safe_string(match url {
        Some(url) => format!("[{text}]({url})"),
        None => text,
    })
}

/// `{{ url|url }}`: an http(s) URL, safe to put in a markdown link target; empty otherwise.
fn url_filter(url: Value) -> Value {
    Value::from_safe_string(safe_url(&url.to_string()).unwrap_or_default())
}

/// `{{ status|emoji }}`: the status at a glance.
fn emoji(status: &str) -> &'static str {
    match status {
        "success" => "✅",
        "failure" => "❌",
        "cancelled" => "🚫",
        "skipped" => "⏭️",
        _ => "🔔",
    }
}

/// `{{ seconds|duration }}`: `1h 2m 3s`, `4m 36s`, `12s`.
fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m {s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_make_markup() {
        let s = escape_md("[click](http://evil) **bold** _it_ ![img](x) <font> &lt; www.x.cn\n# h\n> q");
        for bad in ["[click]", "](", "**", "_it_", "![", "\n", "<font", "&lt;", "://", "www."] {
            assert!(!s.contains(bad), "{bad} in {s}");
        }
        assert_eq!(escape_md("fix: retry 3 times (was 2)"), "fix: retry 3 times (was 2)");
    }

    #[test]
    fn links_only_for_http_urls_and_the_target_cannot_be_broken_out_of() {
        assert_eq!(
            link(Value::from("a_b"), Some(Value::from("https://x/y?q=1"))).to_string(),
            "[a＿b](https://x/y?q=1)"
        );
        assert_eq!(link(Value::from("t"), Some(Value::from("javascript:alert(1)"))).to_string(), "t");
        assert_eq!(link(Value::from("t"), None).to_string(), "t");
        assert_eq!(safe_url("https://x/a) [b](c").unwrap(), "https://x/a%29%20%5Bb%5D%28c");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(12), "12s");
        assert_eq!(duration(276), "4m 36s");
        assert_eq!(duration(3723), "1h 2m 3s");
    }

    #[test]
    fn tidy_separates_paragraphs_by_one_blank_line() {
        assert_eq!(tidy("a  \n\n\n\nb\n- c\n- d\n\n"), "a\n\nb\n- c\n- d");
    }

    #[test]
    fn custom_template_errors_name_the_origin_and_line() {
        let cx = Context { event: "push".into(), ..Context::default() };
        let broken = CustomTemplate { source: "ok\n{% if %}".into(), origin: "INPUT_TEMPLATE".into() };
        let e = summary(&cx, None, Some(&broken)).unwrap_err();
        assert!(e.message.contains("INPUT_TEMPLATE") && e.message.contains("line 2"), "{}", e.message);
        let undefined = CustomTemplate { source: "{{ nope.x }}".into(), origin: "t.md".into() };
        let e = summary(&cx, None, Some(&undefined)).unwrap_err();
        assert!(e.message.contains("t.md") && e.message.contains("line 1"), "{}", e.message);
    }

    #[test]
    fn custom_templates_are_escaped_unless_marked_safe() {
        let cx = Context { event: "push".into(), message: Some("**hi**".into()), ..Context::default() };
        let t = CustomTemplate { source: "{{ message }} {{ '**ok**'|safe }}".into(), origin: "t".into() };
        assert_eq!(summary(&cx, Some("T"), Some(&t)).unwrap().text, "∗∗hi∗∗ **ok**");
    }
}
