//! Escaping for DingTalk markdown: user text that shows as it is, link targets that stay
//! http(s), and the blank-line rhythm DingTalk's renderer needs. Plain functions with no template
//! engine behind them, so that the template filters (`render`), the messages' links (`message`)
//! and secret redaction (`report`) share one definition of what an escaped form looks like.

/// Put between two characters that would make markup together (`]` and `(`, `<` and a tag name,
/// `@` and a name), so that they no longer do. DingTalk's markdown documentation lists no
/// backslash escapes and its clients disagree on them (some show the backslash); a word joiner
/// is a plain Unicode character that every client draws as nothing and no markdown or HTML
/// parser reads as part of a construct, so the user's text shows with every character it had,
/// as text: the reader sees `[docs](https://…)` and where it points, `<details>` as typed.
const JOINER: char = '\u{2060}';

/// Escapes text from users so that DingTalk's markdown shows it as it is, changing only what
/// would mislead where it stands (see docs/templates.md for the table): a link or image whose
/// target the reader would not see (`[text](url)`, `![alt](src)`, `[x][ref]`, a leading
/// `[ref]:`), an HTML tag, comment, autolink or entity, a mention (`@138…`, `@alice`, which
/// DingTalk turns into a real one when the message mentions that person), a backslash escape,
/// and, in case a template puts the value at a line's start, a heading (`# x`, or a line of
/// `=` / `-` under a line of text). Each is broken with [`JOINER`], nothing else changes:
/// emphasis (`**x**`, `*x*`, `_x_`), code spans, lists and quotes are harmless and render as
/// DingTalk renders them. Whitespace runs, newlines included, become one space: user text stays
/// inline. Bare URLs keep every character: they show their own target.
pub fn escape_md(s: &str) -> String {
    escape(s, Place::LineStart)
}

/// `escape_md` without the line-start rules: text in the middle of a line.
pub fn escape_inline(s: &str) -> String {
    escape(s, Place::Inline)
}

/// A link's text (`[text](url)`): as `escape_inline`, and a bracket without its pair becomes a
/// parenthesis, since it would end the text early or open a link of its own; `[WIP]` stays.
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
    if unchanged(s, place) { s.to_owned() } else { escape_all(s, place) }
}

/// Whether [`escape_all`] would give `s` back as it is: no whitespace but single spaces, no
/// control character, none of the characters it may split after (`]`, `<`, `&`, `\`, `@`) nor
/// `[`, and (at a line's start) nothing that could begin a heading. Most values (titles, names,
/// branches) are such text: a loop over 2,000 commit titles spent more than half its rendering
/// in escaping them character by character.
fn unchanged(s: &str, place: Place) -> bool {
    let special = |c: char| c.is_control() || matches!(c, '[' | ']' | '<' | '&' | '\\' | '@');
    let single_spaces = if s.is_ascii() {
        // Byte by byte: what the loop below does, without decoding (most values are ASCII).
        let bytes = s.as_bytes();
        bytes.iter().all(|&b| !special(char::from(b)) && (b == b' ' || !b.is_ascii_whitespace()))
            && !bytes.windows(2).any(|w| w == b"  ")
    } else {
        let mut after_space = false;
        s.chars().all(|c| {
            let ok = if c == ' ' { !after_space } else { !c.is_whitespace() && !special(c) };
            after_space = c == ' ';
            ok
        })
    };
    single_spaces && (place != Place::LineStart || !s.trim_start_matches(' ').starts_with(['#', '=', '-']))
}

fn escape_all(s: &str, place: Place) -> String {
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
    let at = |i: usize| text.get(i).copied();
    let (stray, opener) = brackets(&text);
    let lead = text.iter().take_while(|&&c| c == ' ').count();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in text.iter().enumerate() {
        if i == lead && place == Place::LineStart && starts_heading(&text[lead..]) {
            out.push(JOINER);
        }
        if place == Place::LinkText && stray.contains(&i) {
            out.push(if c == '[' { '(' } else { ')' });
            continue;
        }
        out.push(c);
        let next = at(i + 1);
        let split = match c {
            // `](` and `][` make a link or an image, unless it shows its own target; `]:` at a
            // line's start a link definition (which a `[ref]` elsewhere would use).
            ']' => match next {
                Some('(') => !shows_its_target(&text, opener[i], i),
                Some('[') => true,
                Some(':') => place == Place::LineStart && opener[i] == Some(lead),
                _ => false,
            },
            // An HTML tag, comment or autolink needs `<` right before a letter, `/`, `!` or `?`.
            '<' => opens_html(&text[i + 1..]),
            '&' => is_entity(&text[i + 1..]),
            // A backslash escapes the punctuation after it, or whatever a template prints next.
            '\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
            // A mention needs `@` right before the name; `a@b.com` is an address.
            '@' => {
                next.is_some_and(char::is_alphanumeric)
                    && i.checked_sub(1)
                        .is_none_or(|p| !(text[p].is_alphanumeric() || matches!(text[p], '.' | '_' | '-' | '+')))
            }
            _ => false,
        };
        if split {
            out.push(JOINER);
        }
    }
    out
}

/// Whether a line that starts with `text` is a heading: `#` to `######` then a space or the
/// end, or (under a line of text) a line of `=` or `-` alone.
fn starts_heading(text: &[char]) -> bool {
    let hashes = text.iter().take_while(|&&c| c == '#').count();
    let atx = (1..=6).contains(&hashes) && text.get(hashes).is_none_or(|&c| c == ' ');
    let underline =
        text.first().is_some_and(|&c| c == '=' || c == '-') && text.iter().all(|&c| c == text[0] || c == ' ');
    atx || underline
}

/// For each `]`, the index of the `[` it closes; and the brackets that close or open nothing.
fn brackets(text: &[char]) -> (Vec<usize>, Vec<Option<usize>>) {
    let mut open = Vec::new();
    let mut stray = Vec::new();
    let mut opener = vec![None; text.len()];
    for (i, &c) in text.iter().enumerate() {
        match c {
            '[' => open.push(i),
            ']' => match open.pop() {
                Some(o) => opener[i] = Some(o),
                None => stray.push(i),
            },
            _ => {}
        }
    }
    stray.extend(open);
    (stray, opener)
}

/// Whether the link whose text runs from `open` to `close` (a `]` before `(`) is an http(s)
/// URL that is also its own text: it hides nothing.
fn shows_its_target(text: &[char], open: Option<usize>, close: usize) -> bool {
    let Some(open) = open else { return false };
    if open > 0 && text[open - 1] == '!' {
        return false;
    }
    let shown: String = text[open + 1..close].iter().collect();
    let rest = &text[close + 2..];
    let Some(end) = rest.iter().position(|&c| c == ')') else { return false };
    let target: String = rest[..end].iter().collect();
    shown.trim() == target.trim() && safe_url(&target).is_some_and(|u| u == target.trim())
}

/// Whether the text after a `<` can start HTML or an autolink: a letter, `/` and a letter, `!`
/// or `?`. The `>` that would close it need not be in this value: a value cut short (`<font
/// color=re…`) would leave the tag open to swallow the template's text up to its next `>`.
/// `a <= b` and `x < y` start nothing.
fn opens_html(rest: &[char]) -> bool {
    let name = rest.strip_prefix(&['/']).unwrap_or(rest);
    match rest.first() {
        Some('!' | '?') => true,
        Some(c) if c.is_ascii_alphabetic() || *c == '/' => name.first().is_some_and(char::is_ascii_alphabetic),
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

/// Markdown written by a person (a pull request's body, an issue, a comment) as one line of
/// plain text that reads well in a short excerpt, keeping what DingTalk renders (emphasis) and
/// turning what it cannot into words: HTML comments and tags dropped (their text kept), heading,
/// quote and list markers dropped, task boxes as ☐ / ☑, `[text](url)` as `text (url)`, images
/// as their alt text, code fences dropped (their lines kept), a table's rows as their cells
/// joined by ` · `, rows ended by `;`, its `|---|` row dropped. What remains is still escaped
/// when printed.
pub fn plain(md: &str) -> String {
    let mut text = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("<!--") {
        text.push_str(&rest[..i]);
        rest = rest[i + 4..].find("-->").map_or("", |j| &rest[i + 4 + j + 3..]);
    }
    text.push_str(rest);
    let lines: Vec<&str> = text.lines().collect();
    let rows = table_rows(&lines);
    let mut out = String::with_capacity(text.len());
    let mut after_row = false;
    for (n, line) in lines.iter().enumerate() {
        if rows[n] == Some(Row::Separator) {
            continue;
        }
        if line.trim().is_empty() {
            after_row = false;
        }
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
        let row = rows[n] == Some(Row::Cells);
        if row {
            line = cells(&line).join(" · ");
        }
        let line = links_as_text(&line);
        if !line.trim().is_empty() {
            if !out.is_empty() {
                out.push_str(if after_row && row { "; " } else { " " });
            }
            out.push_str(line.trim());
            after_row = row;
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Row {
    Cells,
    Separator,
}

/// Which lines make a table: a `|---|:--:|` row, the header row right above it, and the rows
/// with a `|` that follow it up to a line without one. A line with a `|` and no such row under
/// its header is no table (`a | b` in a sentence).
fn table_rows(lines: &[&str]) -> Vec<Option<Row>> {
    let mut rows = vec![None; lines.len()];
    let separator = |l: &str| {
        let l = l.trim();
        l.contains('-') && l.contains('|') && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    };
    for n in 1..lines.len() {
        if !separator(lines[n]) || !lines[n - 1].contains('|') || rows[n - 1].is_some() {
            continue;
        }
        rows[n - 1] = Some(Row::Cells);
        rows[n] = Some(Row::Separator);
        for m in n + 1..lines.len() {
            if !lines[m].contains('|') || lines[m].trim().is_empty() {
                break;
            }
            rows[m] = Some(Row::Cells);
        }
    }
    rows
}

/// A table row's cells, trimmed, without the outer pipes; `\|` is a `|` inside a cell.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = if line.ends_with('|') && !line.ends_with("\\|") { &line[..line.len() - 1] } else { line };
    let mut cells = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().expect("one cell at least").push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("one cell at least").push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect()
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

    /// The word joiner the escaping puts between two characters that would make markup.
    const J: char = '\u{2060}';

    fn joined(s: &str) -> String {
        s.replace('|', &J.to_string())
    }

    #[test]
    fn a_link_or_image_with_a_hidden_target_shows_its_markup_and_target() {
        for (given, shown) in [
            ("see [docs](https://evil.example) now", "see [docs]|(https://evil.example) now"),
            ("![x](https://img.example/a.png)", "![x]|(https://img.example/a.png)"),
            ("[x][ref] and [y] ]( a", "[x]|[ref] and [y] ]|( a"),
            // A link that shows its own target hides nothing.
            ("[https://x.cn/a](https://x.cn/a)", "[https://x.cn/a](https://x.cn/a)"),
            ("[javascript:x](javascript:x)", "[javascript:x]|(javascript:x)"),
        ] {
            assert_eq!(escape_inline(given), joined(shown), "{given}");
        }
        assert_eq!(escape_md("[ref]: https://evil"), joined("[ref]|: https://evil"));
        assert_eq!(escape_inline("[ref]: https://e"), "[ref]: https://e", "a definition needs a line's start");
    }

    #[test]
    fn harmless_emphasis_and_code_keep_their_characters() {
        for text in ["**崩溃** 修复", "*em* _it_ __init__ ~~gone~~", "`code` and a*b", "fix(api_server): user_id"] {
            assert_eq!(escape_md(text), text);
        }
    }

    #[test]
    fn html_tags_comments_and_entities_show_as_typed() {
        assert_eq!(
            escape_inline("<details>x</details> <br> <!-- c --> <https://e> &lt; &#60;"),
            joined("<|details>x<|/details> <|br> <|!-- c --> <|https://e> &|lt; &|#60;")
        );
        for text in ["a <= b", "x < y", "<3", "R&D", "a & b;"] {
            assert_eq!(escape_inline(text), text);
        }
        // Even without its `>`: a value cut short would leave the tag open.
        assert_eq!(escape_inline("x<y <font color=re…"), joined("x<|y <|font color=re…"));
    }

    #[test]
    fn a_heading_cannot_start_at_a_lines_start() {
        for (given, shown) in
            [("# h", "|# h"), ("###### h", "|###### h"), ("===", "|==="), ("-", "|-"), (" ## h", " |## h")]
        {
            assert_eq!(escape_md(given), joined(shown), "{given}");
            assert_eq!(escape_inline(given), given, "mid-line, {given} is no heading");
        }
        // Not headings, or harmless where they are: kept.
        for text in ["#123 fixed", "####### seven", "- item", "> quote", "1. first", "C# rocks"] {
            assert_eq!(escape_md(text), text);
        }
    }

    #[test]
    fn a_mention_in_user_text_cannot_notify() {
        assert_eq!(escape_inline("ping @13800001111 and @alice."), joined("ping @|13800001111 and @|alice."));
        for text in ["mail a@b.com", "@ alone", "x@@"] {
            assert_eq!(escape_inline(text), text);
        }
    }

    /// The shortcut for text that needs no escaping agrees with the full escaping on every
    /// string: random mixes of letters, CJK, spaces and other whitespace, controls, and every
    /// character the escaping looks at, in each place.
    #[test]
    fn text_left_as_it_is_is_what_full_escaping_gives() {
        let alphabet: Vec<char> = "ab 中文 \t\n\u{3000}\u{a0}\u{1}\u{85}[]()<>&;@\\#=-!:/.x1".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap()
        };
        let mut shortcuts = 0;
        for _ in 0..20_000 {
            let len = next(12);
            let s: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            for place in [Place::LineStart, Place::Inline, Place::LinkText] {
                assert_eq!(escape(&s, place), escape_all(&s, place), "{s:?}");
                shortcuts += usize::from(unchanged(&s, place));
            }
        }
        // Both paths were taken, many times.
        assert!(shortcuts > 1_000, "{shortcuts}");
        for s in ["Update release-drafter.yml", "修复：登录页 #12", "- item", " # h", "a  b", "x ", " y"] {
            for place in [Place::LineStart, Place::Inline, Place::LinkText] {
                assert_eq!(escape(s, place), escape_all(s, place), "{s:?}");
            }
        }
    }

    #[test]
    fn a_backslash_cannot_escape_what_follows() {
        assert_eq!(escape_inline("a\\*b\\"), joined("a\\|*b\\|"));
        assert_eq!(escape_inline("C:\\Users\\me"), "C:\\Users\\me");
    }

    #[test]
    fn link_text_keeps_balanced_brackets_and_turns_stray_ones_into_parentheses() {
        assert_eq!(escape_link_text("[WIP] add"), "[WIP] add");
        assert_eq!(escape_link_text("a] b [c"), "a) b (c");
        assert_eq!(escape_link_text("[x](y)"), joined("[x]|(y)"));
    }

    #[test]
    fn no_look_alike_character_is_ever_written() {
        let hostile = "[click](http://evil) **bold** _it_ ![img](x) <font> &lt; `c` \\* # h\n> q\n- i\n1. x\n--- @u";
        for s in [escape_md(hostile), escape_inline(hostile), escape_link_text(hostile)] {
            assert!(!s.chars().any(|c| "∗＜＞［］＿ˋ＃－＼＆∼＋＝．）".contains(c)), "{s}");
        }
        assert_eq!(escape_md("fix: retry 3 times (was 2)"), "fix: retry 3 times (was 2)");
    }

    #[test]
    fn identifiers_urls_and_punctuation_keep_their_bytes() {
        for text in [
            "fix(api_server): check user_id in GetUser",
            "a*b, C#, x < y, x > y, R&D, C:\\Users\\me, a | b, 50% ~ 60%",
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
        let body = "<!-- Thanks for the PR! Fill in the template. -->\n## 变更说明\n\n修复 `GetUser` 在 user_id 为空时的 **panic**。\n\n## 测试\n\n- [x] 单元测试\n- [ ] 集成测试\n\n> **注意**：需要 [迁移](https://wiki.example.com/m) 数据库\n\n<details><summary>日志</summary>\n\n```\nok\n```\n</details>\n\n---\n1. 第一步\n![截图](https://x/y.png)";
        let text = plain(body);
        assert_eq!(
            text,
            "变更说明 修复 `GetUser` 在 user_id 为空时的 **panic**。 测试 ☑ 单元测试 ☐ 集成测试 **注意**：需要 迁移 (https://wiki.example.com/m) 数据库 日志 ok 第一步 截图"
        );
        assert_eq!(escape_md(&text), text, "nothing left to neutralize");
    }

    #[test]
    fn a_table_reads_as_rows_of_cells() {
        let body = "结果：\n\n| 用例 | 结果 |\n|:---|---:|\n| 登录 | 通过 |\n| 支付 \\| 退款 | 失败 |\n\na | b\n--|--\n1 | 2\n\n之后";
        assert_eq!(plain(body), "结果： 用例 · 结果; 登录 · 通过; 支付 | 退款 · 失败 a · b; 1 · 2 之后");
        assert_eq!(plain("x | y is no table"), "x | y is no table");
    }

    #[test]
    fn code_fences_go_and_their_lines_stay() {
        assert_eq!(plain("run:\n```sh\ncargo test\n```\n~~~\nok\n~~~"), "run: cargo test ok");
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
