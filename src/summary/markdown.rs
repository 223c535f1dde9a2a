//! Escaping for DingTalk markdown: user text that shows as it is, link targets that stay
//! http(s), and the blank-line rhythm DingTalk's renderer needs. Plain functions with no template
//! engine behind them, so that the template filters (`render`), the messages' links (`message`)
//! and secret redaction (`report`) share one definition of what an escaped form looks like.

/// Escapes text from users so that DingTalk's markdown shows it as it is, changing only what
/// would form markup where it stands (see docs/templates.md for the table).
///
/// DingTalk's clients do not agree on backslash escapes (some show them) and decode HTML, so a
/// character that must change becomes a look-alike that no markdown or HTML parser knows
/// (`]` → `］`, `*` → `∗`, `<` → `＜`, …), visibly and only where it would be markup: the
/// brackets of `[text](url)` and `![alt](src)`, emphasis that could open or close (`**bold**`,
/// `_em_` at word edges, not `user_id` or a lone `a*b`), an HTML tag, comment or entity, a
/// backslash escape, a code span. Whitespace runs, newlines included, become one space: user
/// text stays inline, so it cannot start a heading, list, quote or code block of its own; and in
/// case a template puts it at the start of a line, a leading `#`, `>`, `-`, `+`, `*`, `=` or
/// `1.` becomes a look-alike too. Bare URLs keep every character: they show their own target.
pub fn escape_md(s: &str) -> String {
    escape(s, Place::LineStart)
}

/// `escape_md` without the line-start rules: text in the middle of a line.
pub fn escape_inline(s: &str) -> String {
    escape(s, Place::Inline)
}

/// A link's text (`[text](url)`): as `escape_inline`, and every bracket changes, since one
/// would end the text early.
pub fn escape_link_text(s: &str) -> String {
    escape(s, Place::LinkText)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    LineStart,
    Inline,
    LinkText,
}

fn escape(s: &str, place: Place) -> String {
    // One line: whitespace runs become one space, control characters go.
    let mut text: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() {
            if text.last() != Some(&' ') {
                text.push(' ');
            }
        } else if !c.is_control() {
            text.push(c);
        }
    }
    let emphasis = emphasis_runs(&text);
    let mut out = String::with_capacity(s.len() + 8);
    // Byte offsets in `out` of the `[` not closed yet, to change one with its `]`.
    let mut open: Vec<usize> = Vec::new();
    let at = |i: usize| text.get(i).copied();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        let first = place == Place::LineStart && out.trim_start().is_empty();
        match c {
            // A line start: a heading, quote, list item, setext underline or thematic break.
            '#' | '>' if first => out.push(if c == '#' { '＃' } else { '＞' }),
            '-' | '+' | '*' | '=' if first && at(i + 1).is_none_or(|n| n == c || n == ' ') => out.push(match c {
                '-' => '－',
                '+' => '＋',
                '*' => '∗',
                _ => '＝',
            }),
            '.' | ')'
                if place == Place::LineStart
                    && !out.trim_start().is_empty()
                    && out.trim_start().bytes().all(|b| b.is_ascii_digit())
                    && at(i + 1).is_none_or(|n| n == ' ') =>
            {
                out.push(if c == '.' { '．' } else { '）' });
            }
            '[' if place == Place::LinkText => out.push('［'),
            ']' if place == Place::LinkText => out.push('］'),
            '[' => {
                open.push(out.len());
                out.push('[');
            }
            // `](` and `][` make a link or an image; `]:` at the start a link definition.
            ']' => {
                let opened = open.pop();
                let next = at(i + 1);
                let definition = next == Some(':') && opened.is_some_and(|o| out[..o].trim().is_empty());
                let bot = out.ends_with("[bot") && !matches!(next, Some('(' | '['));
                if !bot && (matches!(next, Some('(' | '[')) || definition) {
                    if let Some(o) = opened {
                        out.replace_range(o..=o, "［");
                    }
                    out.push('］');
                } else {
                    out.push(']');
                }
            }
            '*' | '_' | '~' if emphasis.contains(&i) => {
                out.push(match c {
                    '*' => '∗',
                    '_' => '＿',
                    _ => '∼',
                });
            }
            // Code spans: the clients disagree on them, and one could swallow our own markup.
            '`' => out.push('ˋ'),
            // An HTML tag, comment or autolink needs `<` before a letter, `/`, `!` or `?`, and
            // a `>` to close it.
            '<' if opens_html(&text[i + 1..]) => out.push('＜'),
            '&' if is_entity(&text[i + 1..]) => out.push('＆'),
            // A backslash escapes the punctuation after it, or whatever a template prints next.
            '\\' if at(i + 1).is_none_or(|n| n.is_ascii_punctuation()) => out.push('＼'),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether the text after a `<` can make HTML or an autolink: a tag name (`b`, `/font`) ended
/// by a space, `/` or `>`, a comment or declaration (`!`), an instruction (`?`), or a URL
/// scheme and `:` — and a `>` comes later to close it. `x<y` and `a <= b` are no markup.
fn opens_html(rest: &[char]) -> bool {
    if !rest.contains(&'>') {
        return false;
    }
    let name = rest.strip_prefix(&['/']).unwrap_or(rest);
    match rest.first() {
        Some('!' | '?') => true,
        Some(c) if c.is_ascii_alphabetic() || *c == '/' => {
            let len = name.iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')).count();
            len > 0 && name[0].is_ascii_alphabetic() && matches!(name.get(len), Some(' ' | '/' | '>' | ':'))
        }
        _ => false,
    }
}

/// `lt;`, `#38;`, `#x26;` after a `&`: an HTML entity.
fn is_entity(rest: &[char]) -> bool {
    let name: String = rest.iter().take(33).take_while(|&&c| c != ';').collect();
    let ok = match name.strip_prefix('#') {
        Some(num) => match num.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.len() <= 6 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => !num.is_empty() && num.len() <= 7 && num.chars().all(|c| c.is_ascii_digit()),
        },
        None => !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
    };
    ok && rest.get(name.chars().count()) == Some(&';')
}

/// The positions of the `*`, `_` and `~` that could make emphasis or strikethrough, by
/// `CommonMark`'s flanking rules: a `_` run that can open or close (never one inside a word:
/// `user_id`); a `*` or `~` run only when another run in the same text can pair with it (a
/// lone `a*b` stays). The text's ends count as whitespace, as a line's do.
fn emphasis_runs(text: &[char]) -> Vec<usize> {
    struct Run {
        c: char,
        start: usize,
        end: usize,
        open: bool,
        close: bool,
    }
    let punct =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace()));
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if !matches!(c, '*' | '_' | '~') {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && text[i] == c {
            i += 1;
        }
        let before = start.checked_sub(1).map(|b| text[b]);
        let after = text.get(i).copied();
        let left = !space(after) && (!punct(after) || space(before) || punct(before));
        let right = !space(before) && (!punct(before) || space(after) || punct(after));
        let (open, close) = if c == '_' {
            (left && (!right || punct(before)), right && (!left || punct(after)))
        } else {
            (left, right)
        };
        if open || close {
            runs.push(Run { c, start, end: i, open, close });
        }
    }
    let mut marked = Vec::new();
    for (n, run) in runs.iter().enumerate() {
        let pairs = run.c == '_'
            || runs[n + 1..].iter().any(|r| r.c == run.c && r.close && run.open)
            || runs[..n].iter().any(|r| r.c == run.c && r.open && run.close);
        if pairs {
            marked.extend(run.start..run.end);
        }
    }
    marked
}

/// Markdown written by a person (a pull request's body, an issue, a comment) as one line of
/// plain text that reads well in a short excerpt: HTML comments and tags dropped, heading, quote
/// and list markers dropped, task boxes as ☐ / ☑, `**bold**` and `__bold__` as their words,
/// `[text](url)` as `text (url)`, images as their alt text, code fences dropped. What remains
/// is still escaped when printed.
pub fn plain(md: &str) -> String {
    let mut text = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("<!--") {
        text.push_str(&rest[..i]);
        rest = rest[i + 4..].find("-->").map_or("", |j| &rest[i + 4 + j + 3..]);
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut line = strip_tags(line.trim());
        loop {
            let before = line.len();
            let l = line.trim_start();
            let l = l.trim_start_matches('#');
            let l = l.strip_prefix('>').unwrap_or(l).trim_start();
            let l = ["- ", "* ", "+ "].iter().find_map(|m| l.strip_prefix(m)).unwrap_or(l);
            let digits = l.bytes().take_while(u8::is_ascii_digit).count();
            let l = if digits > 0 && (l[digits..].starts_with(". ") || l[digits..].starts_with(") ")) {
                &l[digits + 2..]
            } else {
                l
            };
            line = l.trim_start().to_owned();
            if line.len() == before {
                break;
            }
        }
        for (box_, mark) in [("[ ]", "☐"), ("[x]", "☑"), ("[X]", "☑")] {
            if let Some(r) = line.strip_prefix(box_) {
                line = format!("{mark}{r}");
            }
        }
        if line.starts_with("```")
            || line.starts_with("~~~")
            || line.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | ' '))
        {
            continue;
        }
        for marker in ["**", "__"] {
            if line.matches(marker).count() % 2 == 0 {
                line = line.replace(marker, "");
            }
        }
        let line = links_as_text(&line);
        if !line.trim().is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(line.trim());
        }
    }
    out
}

/// `<details>`, `</summary>`, `<br/>` dropped; a `<` that starts no tag stays.
fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let tag = after.strip_prefix('/').unwrap_or(after);
        match after.find('>') {
            Some(j) if tag.starts_with(|c: char| c.is_ascii_alphabetic()) && !after[..j].contains('<') => {
                rest = &after[j + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `[text](url)` → `text (url)`, `![alt](src)` → `alt`.
fn links_as_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('[') {
        let image = rest[..i].ends_with('!');
        let parsed = rest[i + 1..].find("](").and_then(|j| {
            let text = &rest[i + 1..i + 1 + j];
            let target = &rest[i + 1 + j + 2..];
            let k = target.find(')')?;
            (!text.contains('[')).then(|| (text, &target[..k], &target[k + 1..]))
        });
        if let Some((text, url, after)) = parsed {
            out.push_str(if image { &rest[..i - 1] } else { &rest[..i] });
            if image {
                out.push_str(text);
            } else if text.trim() == url.trim() || text.trim().is_empty() {
                out.push_str(url.trim());
            } else {
                out.push_str(text);
                out.push_str(" (");
                out.push_str(url.trim());
                out.push(')');
            }
            rest = after;
        } else {
            out.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
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
        for bad in ["[click]", "](", "**", "_it_", "![", "\n", "<font", "&lt;"] {
            assert!(!s.contains(bad), "{bad} in {s}");
        }
        assert_eq!(s, "［click］(http://evil) ∗∗bold∗∗ ＿it＿ !［img］(x) ＜font> ＆lt; www.x.cn # h > q");
        assert_eq!(escape_md("fix: retry 3 times (was 2)"), "fix: retry 3 times (was 2)");
        // Each kind of markup, where it would form, and only there.
        for (given, shown) in [
            ("[x][ref] and [ref]: https://e", "［x］[ref] and [ref]: https://e"),
            ("[ref]: https://evil", "［ref］: https://evil"),
            ("*em* a * b", "∗em∗ a * b"),
            ("__init__ ~~gone~~", "＿＿init＿＿ ∼∼gone∼∼"),
            ("<!-- c --> <https://e> <b>x</b> &#60; &#x3C;", "＜!-- c --> ＜https://e> ＜b>x＜/b> ＆#60; ＆#x3C;"),
            ("a\\*b\\", "a＼*b＼"),
            ("`code`", "ˋcodeˋ"),
        ] {
            assert_eq!(escape_inline(given), shown, "{given}");
        }
        // At a line's start: headings, quotes, lists, thematic breaks.
        for (given, shown) in
            [("# h", "＃ h"), ("> q", "＞ q"), ("- i", "－ i"), ("* i", "∗ i"), ("1. i", "1． i"), ("---", "－--")]
        {
            assert_eq!(escape_md(given), shown, "{given}");
            assert_eq!(escape_inline(given), given, "mid-line, {given} is no markup");
        }
    }

    #[test]
    fn identifiers_urls_and_punctuation_keep_their_bytes() {
        for text in [
            "fix(api_server): check user_id in GetUser",
            "a*b, C#, x<y, x > y, R&D, C:\\Users\\me, a | b, 50% ~ 60%",
            "dependabot[bot] bumped serde",
            "see https://jira.example.com/browse/ABC-1_2?q=a*b&x=1 and www.example.com",
            "2 * 3 = 6, snake_case_name, __ alone, [x] done, [WIP] title",
            "汉字_混排 和 emoji ✅",
        ] {
            assert_eq!(escape_md(text), text);
            assert_eq!(escape_inline(text), text);
        }
    }

    #[test]
    fn a_pr_body_from_a_template_reads_as_plain_text() {
        let body = "<!-- Thanks for the PR! Fill in the template. -->\n## 变更说明\n\n修复 `GetUser` 在 user_id 为空时的 panic。\n\n## 测试\n\n- [x] 单元测试\n- [ ] 集成测试\n\n> **注意**：需要 [迁移](https://wiki.example.com/m) 数据库\n\n<details><summary>日志</summary>\n\n```\nok\n```\n</details>\n\n---\n1. 第一步\n![截图](https://x/y.png)";
        let text = plain(body);
        assert_eq!(
            text,
            "变更说明 修复 `GetUser` 在 user_id 为空时的 panic。 测试 ☑ 单元测试 ☐ 集成测试 注意：需要 迁移 (https://wiki.example.com/m) 数据库 日志 ok 第一步 截图"
        );
        assert_eq!(escape_md(&text), text.replace('`', "ˋ"), "nothing left to neutralize but the code span");
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
