//! Escaping for DingTalk markdown: user text that shows as it is, link targets that stay
//! http(s), and the blank-line rhythm DingTalk's renderer needs. Plain functions with no template
//! engine behind them, so that the template filters (`render`), the messages' links (`message`)
//! and secret redaction (`report`) share one definition of what an escaped form looks like.

/// Escapes text from users so that DingTalk's markdown shows it as it is.
///
/// DingTalk's clients do not agree on backslash escapes (some show them) and decode HTML, so
/// markup characters become look-alikes that no markdown or HTML parser knows (`[` → `［`,
/// `*` → `∗`, `<` → `＜`, `&` → `＆`, …). Whitespace runs, newlines included, become one space:
/// user text stays inline, so it cannot start a heading, list, quote or code block of its own;
/// and in case a template puts it at the start of a line, a leading `#`, `-`, `+`, `=` or `1.`
/// becomes a look-alike too. A zero-width space breaks `://` and `www.` so that bare URLs do not
/// turn into links. See /docs/templates.md for the table.
pub fn escape_md(s: &str) -> String {
    escape(s, true)
}

/// `escape_md` without the line-start rules: text in the middle of a line, or a link's text.
pub fn escape_inline(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        let start = line_start && out.trim_start().is_empty();
        match c {
            '\\' => out.push('＼'),
            '*' => out.push('∗'),
            '_' => out.push('＿'),
            '~' => out.push('∼'),
            '`' => out.push('ˋ'),
            // `name[bot]` (GitHub apps: `dependabot[bot]`) reads as it is; it cannot be a link
            // unless `(` or `[` follows, and a reference definition would need a line start.
            '[' if s_rest_is_bot(&chars) => out.push('['),
            '[' => out.push('［'),
            ']' if out.ends_with("[bot") && !matches!(chars.peek(), Some('(' | '[' | ':')) => out.push(']'),
            ']' => out.push('］'),
            '<' => out.push('＜'),
            '>' => out.push('＞'),
            '&' => out.push('＆'),
            '|' => out.push('｜'),
            '#' if start => out.push('＃'),
            '-' | '+' | '=' if start && chars.peek().is_none_or(|&n| n == c || n.is_whitespace()) => {
                out.push(match c {
                    '-' => '－',
                    '+' => '＋',
                    _ => '＝',
                });
            }
            '.' | ')'
                if !start
                    && out.trim_start().bytes().all(|b| b.is_ascii_digit())
                    && chars.peek().is_none_or(|n| n.is_whitespace()) =>
            {
                out.push(if c == '.' { '．' } else { '）' });
            }
            ':' if chars.peek() == Some(&'/') => out.push_str(":\u{200B}"),
            '.' if out.ends_with("www") || out.ends_with("WWW") => out.push_str("\u{200B}."),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether the characters after a `[` are `bot]`.
fn s_rest_is_bot(chars: &std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    chars.clone().take(4).eq("bot]".chars())
}

/// Only http(s) URLs become links; characters that would end the markdown link are encoded.
pub fn safe_url(url: &str) -> Option<String> {
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
            '\\' => out.push_str("%5C"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// DingTalk markdown needs a blank line between lines; collapse runs of them and trim.
pub fn tidy(text: &str) -> String {
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
    fn only_http_urls_pass_and_the_link_target_cannot_be_broken_out_of() {
        assert_eq!(safe_url("https://x/a) [b](c").unwrap(), "https://x/a%29%20%5Bb%5D%28c");
        assert_eq!(safe_url("javascript:alert(1)"), None);
    }

    #[test]
    fn tidy_separates_paragraphs_by_one_blank_line() {
        assert_eq!(tidy("a  \n\n\n\nb\n- c\n- d\n\n"), "a\n\nb\n- c\n- d");
    }
}
