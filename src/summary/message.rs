//! DingTalk message types as the relay forwards them (`data` items), mentions, size limits, and
//! the one request body.

use serde::Serialize;

use crate::context::Context;
use crate::settings::{MsgType, Settings};
use crate::summary::catalog::{self, Lang};
use crate::summary::markdown::safe_url;
use crate::summary::render::Summary;

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
            let size = 2 * who.chars().map(json_char_len).sum::<usize>() + 5;
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
        self.tags().map(|t| t.chars().map(json_char_len).sum::<usize>() + 1).sum::<usize>() + 4
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

/// The most characters a title keeps (the chat list shows fewer).
const MAX_TITLE_CHARS: usize = 100;

/// At most `max` characters of `s`, the cut marked with `…`.
fn cut_chars(s: &str, max: usize) -> String {
    if s.chars().nth(max).is_none() {
        return s.to_owned();
    }
    let mut cut: String = s.chars().take(max - 1).collect();
    cut.push('…');
    cut
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
    let keyword = settings.keyword.as_deref().filter(|k| !k.is_empty()).map(|k| {
        if k.chars().count() > MAX_KEYWORD_CHARS {
            warnings.push(format!(
                "`keyword` is cut to its first {MAX_KEYWORD_CHARS} characters: a robot's keyword is short"
            ));
            k.chars().take(MAX_KEYWORD_CHARS).collect::<String>()
        } else {
            k.to_owned()
        }
    });
    let keyword = keyword.as_deref();
    // `render` cuts titles to 100 characters; a title from elsewhere is cut here, on the same terms.
    let summary_title = cut_chars(&summary.title, MAX_TITLE_CHARS);
    let text = &summary.text;
    // A keyword-secured robot refuses every message that lacks the keyword: it goes into the
    // title and the text where they lack it, after the title's emoji and status (what a phone's
    // preview shows first) and after the text's last line, once the text is cut to size.
    let title = match keyword {
        Some(k) if !summary_title.contains(k) => format!("{summary_title} {k}"),
        _ => summary_title.clone(),
    };
    // As the JSON body counts it: `\n\n` and any escaped character take more than their bytes.
    let keyword_room = keyword.map_or(0, |k| serde_json::to_string(&format!("\n\n{k}")).map_or(0, |j| j.len()));
    let with_keyword = |mut text: String| {
        if let Some(k) = keyword.filter(|k| !text.contains(*k)) {
            text.push_str("\n\n");
            text.push_str(k);
        }
        text
    };
    let at = at.and_then(|at| at.fitting(warnings));
    let room = at.as_ref().map_or(0, At::room);
    let word = |key| catalog::phrase(cx.lang, key).unwrap_or(key);
    let marker = word("cut");
    let run_link = kept_url(cx.run.url.as_deref()).map(|u| format!("[{}]({u})", word("view_run")));
    let mut messages = Vec::with_capacity(2);
    let mut text_at = None;
    // A card needs a button; without any http(s) link to put on one, the summary goes as markdown.
    let card_buttons =
        matches!(settings.msgtype, MsgType::ActionCard).then(|| buttons(cx, cx.lang)).filter(|b| !b.is_empty());
    match card_buttons {
        None => {
            let budget =
                MAX_MESSAGE_BYTES.saturating_sub(1 + room + keyword_room + overhead_markdown(&title, at.as_ref()));
            let mut text = with_keyword(fit(text, budget, marker, run_link.as_deref()));
            if let Some(at) = &at {
                at.mention_in(&mut text);
            }
            messages.push(Message::Markdown { markdown: Markdown { title, text }, at });
        }
        Some(mut buttons) => {
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
            let budget = MAX_MESSAGE_BYTES
                .saturating_sub(1 + keyword_room + json_len(&Message::ActionCard { action_card: card.clone() }));
            let text = with_keyword(fit(text, budget, marker, run_link.as_deref()));
            let card = ActionCard { text, ..card };
            messages.push(Message::ActionCard { action_card: card });
            // An action card has no `at`: the mentions ride on the text message.
            text_at = at;
        }
    }
    if settings.message.is_some() || text_at.is_some() {
        let mut content = settings.message.clone().unwrap_or_default();
        // The keyword leads, so that a cut at the end cannot drop it.
        if let Some(keyword) = keyword
            && !content.contains(keyword)
        {
            content = format!("{keyword} {content}");
        }
        let overhead = json_len(&Message::Text { text: Text { content: String::new() }, at: text_at.clone() });
        let room = text_at.as_ref().map_or(0, At::room);
        let mut content = fit(&content, MAX_MESSAGE_BYTES.saturating_sub(1 + room + overhead), marker, None);
        if let Some(at) = &text_at {
            at.mention_in(&mut content);
        }
        messages.push(Message::Text { text: Text { content }, at: text_at });
    }
    messages
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
    let first =
        button(word("button.run", None), &cx.run.url).or_else(|| button(word("button.repo", None), &cx.repo.url));
    let second = match (&cx.pr, &cx.release) {
        (Some(pr), _) if cx.ci == "gitlab" => button(word("button.mr", Some(format!("!{}", pr.number))), &pr.url),
        (Some(pr), _) => button(word("button.pr", Some(format!("#{}", pr.number))), &pr.url),
        (None, Some(release)) => button(word("button.release", None), &release.url),
        (None, None) if matches!(cx.event.as_str(), "push" | "tag") => {
            button(word("button.changes", None), &cx.compare_url)
        }
        _ => None,
    };
    first.into_iter().chain(second).collect()
}

/// The JSON bytes of a markdown message with this title and these mentions and an empty text:
/// what the text's budget must leave free.
fn overhead_markdown(title: &str, at: Option<&At>) -> usize {
    json_len(&Message::Markdown {
        markdown: Markdown { title: title.to_owned(), text: String::new() },
        at: at.cloned(),
    })
}

fn json_len<T: Serialize>(value: &T) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
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
    let full: usize = text.chars().map(json_char_len).sum();
    if full <= budget {
        return text.to_owned();
    }
    // The link is kept when it takes at most a quarter of the room.
    let tail = match keep {
        Some(k) if k.chars().map(json_char_len).sum::<usize>() <= budget / 4 => format!("\n\n{marker}\n\n{k}"),
        _ => format!("\n\n{marker}"),
    };
    let room = budget.saturating_sub(tail.chars().map(json_char_len).sum());
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

/// The seeded generator the property test below shares with the fuzz test.
#[cfg(test)]
#[path = "../../tests/e2e/rng.rs"]
mod rng;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_on_a_character_boundary_and_keeps_the_link() {
        let text = "汉".repeat(10_000);
        let out = fit(&text, 1000, "…", Some("[View run](https://x)"));
        assert!(out.ends_with("\n\n…\n\n[View run](https://x)"));
        assert!(out.chars().map(json_char_len).sum::<usize>() <= 1000);
        assert_eq!(fit("short", 1000, "…", None), "short");
        let quotes = "\"".repeat(600);
        assert!(fit(&quotes, 1000, "…", None).chars().map(json_char_len).sum::<usize>() <= 1000);
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

    use super::rng::Rng;

    impl Rng {
        /// Text of up to `max` characters, often of the kinds that grow in JSON.
        fn text(&mut self, max: usize) -> String {
            const CHARS: &[char] = &['a', 'Z', '0', ' ', '"', '\\', '\n', '\u{1}', '汉', '😀', '@', '…', '/', '%', '&'];
            let len = match self.below(4) {
                0 => 0,
                1 => self.below(50),
                _ => self.below(max + 1),
            };
            (0..len).map(|_| CHARS[self.below(CHARS.len())]).collect()
        }
    }

    /// Whatever is long (the title, the keyword, the text, the message, hundreds of mentions, the
    /// run's and the buttons' URLs), every message stays under 20,000 bytes.
    #[test]
    fn every_message_fits_whatever_is_long() {
        use crate::context::{PullRequest, Release, Run};
        use crate::env::Env;
        use crate::settings::Sources;
        let mut rng = Rng(0x5eed_1234_abcd_9876);
        for case in 0..300 {
            let mobiles: Vec<String> =
                (0..rng.below(1_000)).map(|i| format!("138{:08}", i * 7919 % 100_000_000)).collect();
            let users: Vec<String> = (0..rng.below(300)).map(|_| rng.text(40).replace([' ', ',', '\n'], "u")).collect();
            let at = At::new(mobiles, users, rng.below(2) == 0);
            let mut vars = vec![
                ("DINGTALK_DRY_RUN".to_owned(), "true".to_owned()),
                ("DINGTALK_MSGTYPE".to_owned(), ["markdown", "actionCard"][rng.below(2)].to_owned()),
                ("DINGTALK_KEYWORD".to_owned(), rng.text(30_000)),
            ];
            if rng.below(2) == 0 {
                vars.push(("DINGTALK_MESSAGE".to_owned(), rng.text(30_000)));
            }
            let settings = Settings::new(&Sources::from_env(&Env::new(vars, 0))).unwrap();
            let url = |rng: &mut Rng| Some(format!("https://example.com/{}", rng.text(30_000)));
            let cx = Context {
                event: ["push", "pull_request", "release"][rng.below(3)].into(),
                run: Run { url: url(&mut rng), ..Run::default() },
                compare_url: url(&mut rng),
                pr: (rng.below(2) == 0).then(|| PullRequest {
                    number: 1,
                    url: url(&mut rng),
                    ..PullRequest::default()
                }),
                release: (rng.below(2) == 0).then(|| Release {
                    tag: "v1".into(),
                    url: url(&mut rng),
                    ..Release::default()
                }),
                ..Context::default()
            };
            let summary = Summary { title: rng.text(30_000), text: rng.text(30_000) };
            for m in build(&summary, &settings, &cx, at, &mut Vec::new()) {
                let size = json_len(&m);
                assert!(size < MAX_MESSAGE_BYTES, "case {case}: {size} bytes");
            }
        }
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
