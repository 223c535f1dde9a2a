//! DingTalk message types as the relay forwards them (`data` items), mentions, size limits, and
//! the one request body.

use serde::Serialize;

use crate::context::Context;
use crate::settings::{MsgType, Settings};
use crate::summary::catalog::{self, Lang};
use crate::summary::markdown::safe_url;
use crate::summary::render::{Summary, title_line};

/// DingTalk rejects a message that serializes to 20,000 bytes or more (errcode 460101).
pub const MAX_MESSAGE_BYTES: usize = 20_000;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "msgtype")]
pub enum Message {
    #[serde(rename = "text")]
    Text {
        text: Text,
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<At>,
    },
    #[serde(rename = "markdown")]
    Markdown {
        markdown: Markdown,
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<At>,
    },
    #[serde(rename = "actionCard")]
    ActionCard {
        #[serde(rename = "actionCard")]
        action_card: ActionCard,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub content: String,
}

/// DingTalk's markdown is `{title, text}`; the `content` in KDocs' own sample is WeCom's schema.
#[derive(Debug, Clone, Serialize)]
pub struct Markdown {
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionCard {
    pub title: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub single_title: Option<String>,
    #[serde(rename = "singleURL", skip_serializing_if = "Option::is_none")]
    pub single_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub btns: Vec<Button>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btn_orientation: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Button {
    pub title: String,
    #[serde(rename = "actionURL")]
    pub action_url: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "DingTalk's wire names: atMobiles, atUserIds, isAtAll")]
pub struct At {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at_mobiles: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at_user_ids: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_at_all: bool,
}

/// The most room mentions may take in a message (the `at` block and the `@who` tags in the
/// text): about 130 mobiles, more than a group notification can usefully call.
const MAX_MENTION_BYTES: usize = 4_000;

/// The longest keyword kept: DingTalk's keywords are a few words; a longer one cannot be the
/// robot's, and would not leave room for the message.
const MAX_KEYWORD_CHARS: usize = 100;

/// The longest URL kept for the run link and the card's buttons; a longer one is dropped.
const MAX_URL_BYTES: usize = 2_000;

impl At {
    /// The mentions, when there is any.
    pub fn new(at_mobiles: Vec<String>, at_user_ids: Vec<String>, is_at_all: bool) -> Option<At> {
        let at = At { at_mobiles, at_user_ids, is_at_all };
        (!at.at_mobiles.is_empty() || !at.at_user_ids.is_empty() || at.is_at_all).then_some(at)
    }

    /// As many mentions as fit [`MAX_MENTION_BYTES`]; a warning names how many did not.
    fn fitting(self, warnings: &mut Vec<String>) -> Option<At> {
        let total = self.at_mobiles.len() + self.at_user_ids.len();
        let mut at = At { at_mobiles: Vec::new(), at_user_ids: Vec::new(), is_at_all: self.is_at_all };
        let mut room = 0;
        let mobiles = self.at_mobiles.into_iter().map(|m| (m, true));
        for (who, mobile) in mobiles.chain(self.at_user_ids.into_iter().map(|u| (u, false))) {
            // In `atMobiles`/`atUserIds` (quoted, a comma) and as ` @who` in the text.
            let size = 2 * json_str_len(&who) + 5;
            if room + size > MAX_MENTION_BYTES {
                continue;
            }
            room += size;
            if mobile { at.at_mobiles.push(who) } else { at.at_user_ids.push(who) }
        }
        let kept = at.at_mobiles.len() + at.at_user_ids.len();
        if kept < total {
            warnings.push(format!(
                "{} of {total} mentions left out: a message has room for about {kept} (DingTalk's limit is 20,000 bytes)",
                total - kept
            ));
        }
        (!at.at_mobiles.is_empty() || !at.at_user_ids.is_empty() || at.is_at_all).then_some(at)
    }

    fn tags(&self) -> impl Iterator<Item = String> + '_ {
        self.at_mobiles.iter().chain(&self.at_user_ids).map(|who| format!("@{who}"))
    }

    /// The room that appending every mention could take, in JSON bytes.
    fn room(&self) -> usize {
        self.tags().map(|t| json_str_len(&t) + 1).sum::<usize>() + 4
    }

    /// A mention only notifies when `@who` is also in the text: append the missing ones. Called
    /// after the text is cut to size (with [`At::room`] left free), so a cut cannot drop them.
    fn mention_in(&self, text: &mut String) {
        let missing: Vec<String> = self.tags().filter(|tag| !mentions(text, tag)).collect();
        if !missing.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&missing.join(" "));
        }
    }
}

/// Whether `text` has `tag` (`@138…`, `@user`) as a whole word: `@u1` is not in `@u12`.
fn mentions(text: &str, tag: &str) -> bool {
    text.match_indices(tag)
        .any(|(i, _)| !text[i + tag.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-'))
}

/// A URL that is safe to link and short enough to keep.
fn kept_url(url: Option<&str>) -> Option<String> {
    url.and_then(safe_url).filter(|u| u.len() <= MAX_URL_BYTES)
}

/// The messages to send: the summary, then the text message when there is one. Each serializes
/// to under [`MAX_MESSAGE_BYTES`] whatever is long: what cannot fit is cut or left out, with a
/// warning where the user would not see it. `at` is whom they mention.
pub fn build(
    summary: &Summary,
    settings: &Settings,
    cx: &Context,
    at: Option<At>,
    warnings: &mut Vec<String>,
) -> Vec<Message> {
    let keyword = Keyword::new(settings.keyword.as_deref(), warnings);
    // `render` gives a title in this shape already; one from elsewhere takes it here.
    let title = keyword.in_title(title_line(&summary.title));
    let at = at.and_then(|at| at.fitting(warnings));
    let word = |key| catalog::phrase(cx.lang, key).unwrap_or(key);
    let view_run = format!("view_{}", cx.words.run.as_str());
    let run_link = kept_url(cx.run.url.as_deref()).map(|u| format!("[{}]({u})", word(&view_run)));
    let cut = Cut { marker: word("cut"), keep: run_link.as_deref() };
    // A card needs a button; without any http(s) link to put on one, the summary goes as markdown.
    let card_buttons =
        matches!(settings.msgtype, MsgType::ActionCard).then(|| buttons(cx, cx.lang)).filter(|b| !b.is_empty());
    let (summary_message, text_at) = match card_buttons {
        None => (markdown(title, &summary.text, &keyword, at, &cut), None),
        // An action card has no `at`: the mentions ride on the text message.
        Some(buttons) => (action_card(title, &summary.text, &keyword, buttons, &cut), at),
    };
    let mut messages = vec![summary_message];
    if settings.message.is_some() || text_at.is_some() {
        let content = settings.message.as_deref().unwrap_or_default();
        messages.push(text_message(content, &keyword, text_at, &Cut { keep: None, ..cut }));
    }
    messages
}

/// A keyword-secured robot refuses every message that lacks the keyword: it goes into the title
/// and the text where they lack it, after the title's emoji and status (what a phone's preview
/// shows first) and after the text's last line, once the text is cut to size; in the text
/// message it leads, so that a cut at the end cannot drop it.
struct Keyword(Option<String>);

impl Keyword {
    /// The `keyword` setting, cut to [`MAX_KEYWORD_CHARS`] with a warning.
    fn new(setting: Option<&str>, warnings: &mut Vec<String>) -> Keyword {
        Keyword(setting.filter(|k| !k.is_empty()).map(|k| {
            if k.chars().count() > MAX_KEYWORD_CHARS {
                warnings.push(format!(
                    "`keyword` is cut to its first {MAX_KEYWORD_CHARS} characters: a robot's keyword is short"
                ));
                k.chars().take(MAX_KEYWORD_CHARS).collect::<String>()
            } else {
                k.to_owned()
            }
        }))
    }

    /// The keyword where `text` lacks it.
    fn missing_in(&self, text: &str) -> Option<&str> {
        self.0.as_deref().filter(|k| !text.contains(k))
    }

    fn in_title(&self, title: String) -> String {
        match self.missing_in(&title) {
            Some(k) => format!("{title} {k}"),
            None => title,
        }
    }

    fn after(&self, mut text: String) -> String {
        if let Some(k) = self.missing_in(&text) {
            text.push_str("\n\n");
            text.push_str(k);
        }
        text
    }

    fn before(&self, content: &str) -> String {
        match self.missing_in(content) {
            Some(k) => format!("{k} {content}"),
            None => content.to_owned(),
        }
    }

    /// The room [`Keyword::after`] may take, as the JSON body counts it: `\n\n` and any escaped
    /// character take more than their bytes.
    fn room(&self) -> usize {
        self.0.as_deref().map_or(0, |k| serde_json::to_string(&format!("\n\n{k}")).map_or(0, |j| j.len()))
    }
}

/// How a text too long for its message is cut ([`fit`]): the marker, in the reader's language,
/// and what to keep at the end (the run link).
struct Cut<'a> {
    marker: &'a str,
    keep: Option<&'a str>,
}

impl Cut<'_> {
    /// `text` cut to the room that `empty` (the message with no text) leaves under
    /// [`MAX_MESSAGE_BYTES`], keeping `reserved` bytes free for what is appended after the cut
    /// (the keyword, the mentions).
    fn fit(&self, text: &str, empty: &Message, reserved: usize) -> String {
        fit(text, MAX_MESSAGE_BYTES.saturating_sub(1 + reserved + json_len(empty)), self.marker, self.keep)
    }
}

/// The summary as markdown, the mentions in its `at` and in its text.
fn markdown(title: String, text: &str, keyword: &Keyword, at: Option<At>, cut: &Cut) -> Message {
    let empty = Message::Markdown { markdown: Markdown { title: title.clone(), text: String::new() }, at: at.clone() };
    let reserved = at.as_ref().map_or(0, At::room) + keyword.room();
    let mut text = keyword.after(cut.fit(text, &empty, reserved));
    if let Some(at) = &at {
        at.mention_in(&mut text);
    }
    Message::Markdown { markdown: Markdown { title, text }, at }
}

/// The summary as an action card with these buttons.
fn action_card(title: String, text: &str, keyword: &Keyword, mut buttons: Vec<Button>, cut: &Cut) -> Message {
    let card = if buttons.len() == 1 {
        let b = buttons.remove(0);
        ActionCard {
            title,
            text: String::new(),
            single_title: Some(b.title),
            single_url: Some(b.action_url),
            btns: Vec::new(),
            btn_orientation: None,
        }
    } else {
        // Side by side: two short labels fit on a phone.
        ActionCard {
            title,
            text: String::new(),
            single_title: None,
            single_url: None,
            btns: buttons,
            btn_orientation: Some("1"),
        }
    };
    let text = keyword.after(cut.fit(text, &Message::ActionCard { action_card: card.clone() }, keyword.room()));
    Message::ActionCard { action_card: ActionCard { text, ..card } }
}

/// The `message` setting (or nothing, to carry an action card's mentions) as a text message.
fn text_message(content: &str, keyword: &Keyword, at: Option<At>, cut: &Cut) -> Message {
    let content = keyword.before(content);
    let empty = Message::Text { text: Text { content: String::new() }, at: at.clone() };
    let mut content = cut.fit(&content, &empty, at.as_ref().map_or(0, At::room));
    if let Some(at) = &at {
        at.mention_in(&mut content);
    }
    Message::Text { text: Text { content }, at }
}

/// The card's buttons: the run (or, without one, the repository), then for a pull request, a
/// release or a push the page that shows it.
fn buttons(cx: &Context, lang: Lang) -> Vec<Button> {
    let word = |key: &str, num: Option<String>| {
        let phrase = catalog::phrase(lang, key).unwrap_or(key);
        catalog::fill(phrase, |_, _| num.clone())
    };
    // Only http(s) URLs: DingTalk opens nothing else, and other schemes are not ours to pass on.
    let button =
        |title: String, url: &Option<String>| kept_url(url.as_deref()).map(|action_url| Button { title, action_url });
    let first = button(word(&format!("button.{}", cx.words.run.as_str()), None), &cx.run.url)
        .or_else(|| button(word("button.repo", None), &cx.repo.url));
    let second = match (&cx.pr, &cx.release) {
        (Some(pr), _) if pr.kind == crate::context::ChangeKind::MergeRequest => {
            button(word("button.mr", Some(format!("!{}", pr.number))), &pr.url)
        }
        (Some(pr), _) => button(word("button.pr", Some(format!("#{}", pr.number))), &pr.url),
        (None, Some(release)) => button(word("button.release", None), &release.url),
        (None, None) if matches!(cx.event.as_str(), "push" | "tag") => {
            button(word("button.changes", None), &cx.compare_url)
        }
        _ => None,
    };
    first.into_iter().chain(second).collect()
}

fn json_len<T: Serialize>(value: &T) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

/// Bytes a text takes inside a JSON string, counted over its bytes: every byte of a multi-byte
/// character is itself, and only ASCII is escaped (the same sum as [`json_char_len`] over its
/// characters, without decoding them: a template's 80 KB of text is counted in one pass).
fn json_str_len(s: &str) -> usize {
    s.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..0x20 => 6,
            _ => 1,
        })
        .sum()
}

/// Bytes a character takes inside a JSON string.
fn json_char_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// How far back `fit` looks for a line end to cut at.
const LINE_CUT_SLACK: usize = 2_000;

/// `text`, cut on a character boundary so that its JSON form fits `budget` bytes, with a visible
/// marker (`…`, in the language) and, when given, the run link kept at the end.
pub fn fit(text: &str, budget: usize, marker: &str, keep: Option<&str>) -> String {
    let full = json_str_len(text);
    if full <= budget {
        return text.to_owned();
    }
    // The link is kept when it takes at most a quarter of the room.
    let tail = match keep {
        Some(k) if json_str_len(k) <= budget / 4 => format!("\n\n{marker}\n\n{k}"),
        _ => format!("\n\n{marker}"),
    };
    let room = budget.saturating_sub(json_str_len(&tail));
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in text.char_indices() {
        used += json_char_len(c);
        if used > room {
            break;
        }
        cut = i + c.len_utf8();
    }
    // Rather at the end of a line, when one is near, than inside a link or a bold.
    if let Some(nl) = text[..cut].rfind('\n')
        && cut - nl <= LINE_CUT_SLACK
    {
        cut = nl;
    }
    format!("{}{tail}", text[..cut].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_texts_json_length_is_what_serde_json_writes() {
        for s in ["", "plain", "汉字 and ✓", "\"q\" \\ \n\r\t\u{8}\u{c}", "\u{1}\u{1f}\u{7f}\u{85}", "a\u{2028}b😀"]
        {
            let written = serde_json::to_string(s).unwrap().len() - 2;
            assert_eq!(json_str_len(s), written, "{s:?}");
            assert_eq!(s.chars().map(json_char_len).sum::<usize>(), written, "{s:?}");
        }
    }

    #[test]
    fn fit_cuts_on_a_character_boundary_and_keeps_the_link() {
        let text = "汉".repeat(10_000);
        let out = fit(&text, 1000, "…", Some("[View run](https://x)"));
        assert!(out.ends_with("\n\n…\n\n[View run](https://x)"));
        assert!(json_str_len(&out) <= 1000);
        assert_eq!(fit("short", 1000, "…", None), "short");
        let quotes = "\"".repeat(600);
        assert!(json_str_len(&fit(&quotes, 1000, "…", None)) <= 1000);
    }

    #[test]
    fn mentions_are_appended_only_when_missing() {
        let at = At { at_mobiles: vec!["138".into()], at_user_ids: vec!["u1".into()], is_at_all: false };
        let mut text = "ping @138".to_owned();
        at.mention_in(&mut text);
        assert_eq!(text, "ping @138\n\n@u1");
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, r#"{"atMobiles":["138"],"atUserIds":["u1"]}"#);
    }

    #[test]
    fn markdown_serializes_with_title_and_text_never_content() {
        let m = Message::Markdown { markdown: Markdown { title: "t".into(), text: "x".into() }, at: None };
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"msgtype":"markdown","markdown":{"title":"t","text":"x"}}"#);
    }

    #[test]
    fn fit_prefers_a_line_end_to_a_cut_inside_a_link() {
        let text = format!("{}\n[link](https://example.com/{})", "a".repeat(100), "b".repeat(200));
        assert_eq!(fit(&text, 200, "…", None), format!("{}\n\n…", "a".repeat(100)));
        // One long line: cut inside it, on a character boundary.
        let out = fit(&"汉".repeat(1000), 100, "…", None);
        assert!(out.ends_with("汉\n\n…") && out.len() <= 100, "{out}");
    }

    #[test]
    fn hundreds_of_mentions_are_cut_with_a_warning() {
        use crate::env::Env;
        use crate::settings::Sources;
        let mobiles: Vec<String> = (0..740).map(|i| format!("1380000{i:04}")).collect();
        let at = At::new(mobiles, Vec::new(), false);
        let vars = [("DINGTALK_DRY_RUN", "true")];
        let env = Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0);
        let settings = Settings::new(&Sources::from_env(&env)).unwrap();
        let summary = Summary { title: "t".into(), text: "x".into() };
        let mut warnings = Vec::new();
        let messages = build(&summary, &settings, &Context::default(), at, &mut warnings);
        assert!(json_len(&messages[0]) < MAX_MESSAGE_BYTES);
        let Message::Markdown { at: Some(at), markdown } = &messages[0] else { panic!("{messages:?}") };
        assert!(at.at_mobiles.len() > 100 && at.at_mobiles.len() < 740, "{}", at.at_mobiles.len());
        assert!(markdown.text.contains(&format!("@{}", at.at_mobiles.last().unwrap())));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("of 740 mentions left out"), "{warnings:?}");
    }

    #[test]
    fn card_buttons_name_the_merge_request_on_gitlab_and_skip_what_is_not_http() {
        use crate::context::{PullRequest, Run};
        let cx = Context {
            ci: "gitlab",
            event: "merge_request_event".into(),
            run: Run { url: Some("https://gitlab.com/g/p/-/pipelines/1".into()), ..Run::default() },
            pr: Some(PullRequest {
                kind: crate::context::ChangeKind::MergeRequest,
                number: 4,
                url: Some("https://gitlab.com/g/p/-/merge_requests/4".into()),
                ..PullRequest::default()
            }),
            ..Context::default()
        };
        let titles = |lang| buttons(&cx, lang).into_iter().map(|b| b.title).collect::<Vec<_>>();
        assert_eq!(titles(Lang::En), ["View run", "View MR !4"]);
        assert_eq!(titles(Lang::ZhCn), ["查看运行", "查看合并请求 !4"]);
        let cx = Context { run: Run { url: Some("javascript:alert(1)".into()), ..Run::default() }, pr: None, ..cx };
        assert!(buttons(&cx, Lang::En).is_empty());
    }
}
