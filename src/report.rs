//! Everything the user sees: stderr lines, GitHub workflow commands (masks, annotations),
//! `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`. Every line passes through [`Reporter::redact`],
//! so a secret cannot leak even through an error chain we did not write.

use std::fs::OpenOptions;
use std::io::Write;

use crate::env::Env;
use crate::error::Error;
use crate::summary::catalog::{Lang, say};
use crate::summary::markdown;

pub struct Reporter {
    github: bool,
    /// Workflow commands go to stderr: a dry run's stdout is its JSON alone.
    commands_on_stderr: bool,
    secrets: Vec<String>,
    output_file: Option<String>,
    summary_file: Option<String>,
    /// The language of the reporter's own words (`lang`, once read).
    lang: Lang,
}

impl Reporter {
    pub fn new(env: &Env) -> Reporter {
        Reporter {
            github: env.is("GITHUB_ACTIONS", "true"),
            commands_on_stderr: false,
            secrets: Vec::new(),
            output_file: env.string("GITHUB_OUTPUT"),
            summary_file: env.string("GITHUB_STEP_SUMMARY"),
            lang: Lang::default(),
        }
    }

    /// The reporter's own words follow `lang` from now on. The `warning:`, `error:` and `hint:`
    /// markers stay as they are in every language: logs are searched for them.
    pub fn speak(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// From now on, workflow commands (masks, annotations) go to stderr, so that stdout holds a
    /// dry run's JSON alone (`--dry-run | jq`). The runner reads workflow commands from both
    /// streams: actions/runner, src/Runner.Worker/Handlers/ScriptHandler.cs, where stdout and
    /// stderr each get an `OutputManager` over the same `ActionCommandManager`.
    pub fn commands_on_stderr(&mut self) {
        self.commands_on_stderr = true;
    }

    /// A workflow command, on stdout or, during a dry run, on stderr.
    fn command(&self, line: &str) {
        if self.commands_on_stderr {
            err(line);
        } else {
            out(&format!("{line}\n"));
        }
    }

    /// Whether the run is a GitHub Actions job (workflow commands apply).
    pub fn on_github(&self) -> bool {
        self.github
    }

    /// Registers the secrets; on GitHub, asks the runner to mask them in the log first.
    pub fn add_secrets(&mut self, secrets: &[&str]) {
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            if self.github {
                // The runner masks line by line, and unescapes command data.
                for line in s.lines().filter(|l| !l.is_empty()) {
                    self.command(&format!("::add-mask::{}", command_escape(line)));
                }
            }
            // As given; URL-encoded (the query: `+` or `%20` for a space); JSON-escaped (a relay
            // echoing the request), also with `\/` as some serializers write `/`; as the relay's
            // text is shown (`hints::shown`); and as the summary shows user text: a commit
            // message quoting a token reaches the dry run and the step summary escaped (a word
            // joiner after `<`, `&`, `@`, …), where the plain form would not match.
            let json = serde_json::to_string(s).map(|j| j[1..j.len() - 1].to_owned()).unwrap_or_default();
            let url: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            for form in [
                (*s).to_owned(),
                url.replace('+', "%20"),
                url,
                json.replace('/', "\\/"),
                json,
                crate::delivery::hints::shown(s),
                markdown::escape_md(s),
                markdown::escape_inline(s),
            ] {
                // A form of only control characters or spaces escapes to nothing or a space:
                // replacing that would wreck every line, and hides nothing.
                if !form.trim().is_empty() && !self.secrets.contains(&form) {
                    self.secrets.push(form);
                }
            }
        }
        // Longest first, so that a secret containing another is replaced whole.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// The text with every secret replaced by `***`: whole, or any start of it of
    /// [`MIN_SHOWN_START`] characters or more (a relay or a summary cut it short, with `…`,
    /// `...`, `[truncated]` or nothing), or of four characters right before `…` or `...`;
    /// whitespace inside a secret (a wrapped line) does not hide it. Linear in the text's length
    /// for each form of each secret.
    pub fn redact(&self, text: &str) -> String {
        self.redact_text(text, false)
    }

    /// [`Reporter::redact`] for JSON text: an escape (`\"`, `\\`, `\u0041`) is hidden whole or
    /// not at all, and no quote that delimits a string is, so that the result is still JSON.
    pub fn redact_json(&self, json: &str) -> String {
        self.redact_text(json, true)
    }

    fn redact_text(&self, text: &str, json: bool) -> String {
        // Matched without whitespace, in the text and in the secret: a relay may wrap a long
        // line, and its text is shown with each run of whitespace as one space.
        let view: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| !c.is_whitespace()).collect();
        let mut hidden = vec![false; view.len()];
        let mut any = false;
        for secret in &self.secrets {
            let secret: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
            if secret.is_empty() {
                continue;
            }
            let mut i = 0;
            while i < view.len() {
                let matched = view[i..].iter().zip(&secret).take_while(|((_, c), s)| c == *s).count();
                let cut_marker = || {
                    let after: String = view[i + matched..].iter().map(|(_, c)| *c).take(3).collect();
                    after.starts_with('…') || after == "..."
                };
                if matched == secret.len() || matched >= MIN_SHOWN_START || (matched >= 4 && cut_marker()) {
                    hidden[i..i + matched].iter_mut().for_each(|h| *h = true);
                    any = true;
                    i += matched;
                } else {
                    i += 1;
                }
            }
        }
        if !any {
            return text.to_owned();
        }
        if json {
            // (An escape has no whitespace inside, so it is contiguous in `view` too.)
            let mut i = 0;
            while i < view.len() {
                let len = match view[i].1 {
                    '\\' if view.get(i + 1).is_some_and(|(_, c)| *c == 'u') => 6,
                    '\\' => 2,
                    '"' => {
                        hidden[i] = false;
                        1
                    }
                    _ => 1,
                };
                let end = (i + len).min(view.len());
                if len > 1 && hidden[i..end].iter().any(|h| *h) {
                    hidden[i..end].iter_mut().for_each(|h| *h = true);
                }
                i = end;
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut next = 0; // the next character of `view`
        let mut in_secret = false;
        for (at, c) in text.char_indices() {
            if next < view.len() && view[next].0 == at {
                if hidden[next] {
                    if !in_secret {
                        out.push_str("***");
                    }
                    in_secret = true;
                } else {
                    out.push(c);
                    in_secret = false;
                }
                next += 1;
            } else {
                // Whitespace: kept, and the secret, if one goes on, is `***` again after it.
                out.push(c);
                in_secret = false;
            }
        }
        out
    }

    /// A fact on stderr, said as it is: no annotation, no `warning:`.
    pub fn info(&self, message: &str) {
        err(&self.line(message));
    }

    /// `warning: …` on stderr without a GitHub annotation: for what is worth a look in the log
    /// but not a mark on the run (a retry, a person not found in `users`).
    pub fn notice(&self, message: &str) {
        err(&format!("warning: {}", self.line(message)));
    }

    /// One line for stderr: redacted, and without line breaks, so that text from the relay cannot
    /// start a workflow command of its own on the next line.
    fn line(&self, text: &str) -> String {
        self.redact(text).replace(['\r', '\n'], " ")
    }

    pub fn warning(&self, message: &str) {
        let message = self.line(message);
        err(&format!("warning: {message}"));
        if self.github {
            self.command(&format!("::warning title=dingtalk-notify::{}", command_escape(&message)));
        }
    }

    pub fn error(&self, e: &Error) {
        let message = self.line(&e.message);
        err(&format!("error: {message}"));
        for hint in &e.hints {
            err(&format!("hint: {}", self.line(hint)));
        }
        if self.github {
            let mut all = message;
            for hint in &e.hints {
                all.push('\n');
                all.push_str(&self.line(hint));
            }
            self.command(&format!("::error title=dingtalk-notify::{}", command_escape(&all)));
        }
    }

    /// A failure that `fail_on_error: false` turns into a warning.
    pub fn downgraded(&self, e: &Error) {
        let mut all = e.message.clone();
        for hint in &e.hints {
            all.push_str("; ");
            all.push_str(hint);
        }
        self.warning(&say(self.lang, "report.downgraded", &[("error", &all)]));
    }

    /// Appends the outputs `sent`, `skipped=false`, `code` and `msg` to `$GITHUB_OUTPUT`.
    pub fn outputs(&self, sent: bool, code: Option<&str>, msg: Option<&str>) {
        self.write_outputs(sent, false, code, msg);
    }

    /// The outputs of a run that sent nothing on purpose: `sent=false`, `skipped=true`, and why.
    pub fn skipped(&self, why: &str) {
        self.write_outputs(false, true, None, Some(why));
    }

    fn write_outputs(&self, sent: bool, skipped: bool, code: Option<&str>, msg: Option<&str>) {
        let Some(path) = &self.output_file else { return };
        let code = self.redact(code.unwrap_or("")).replace(['\r', '\n'], " ");
        let mut text = format!("sent={sent}\nskipped={skipped}\ncode={code}\n");
        text.push_str(&multiline("msg", &self.redact(msg.unwrap_or(""))));
        append(path, &text, "GITHUB_OUTPUT", self.lang);
    }

    /// Appends the rendered summary to `$GITHUB_STEP_SUMMARY`.
    pub fn step_summary(&self, title: &str, text: &str) {
        let Some(path) = &self.summary_file else { return };
        // The title is plain text; GitHub renders the summary as markdown, so escape it there.
        let body = format!("### {}\n\n{}\n\n", github_markdown_escape(&self.line(title)), self.redact(text));
        append(path, &body, "GITHUB_STEP_SUMMARY", self.lang);
    }
}

/// The shortest start of a secret that is redacted wherever it stands (a cut secret): eight
/// characters of a random token say nothing useful, and are not found by chance; fewer would
/// hide ordinary words where a secret starts with one (`refresh…`).
const MIN_SHOWN_START: usize = 8;

/// Writes `text` to stdout, which the dry run's JSON has to itself. A closed stdout (`| head`)
/// is not an error worth failing for: `print!` would panic, and abort.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// Writes a line to stderr; a closed stderr is ignored, as for [`out`].
pub fn err(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

fn append(path: &str, text: &str, what: &str, lang: Lang) {
    let result = OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = result {
        let args = [("what", what), ("path", path), ("error", &e.to_string())];
        err(&format!("warning: {}", say(lang, "report.cannot_write", &args)));
    }
}

/// `name<<DELIM … DELIM`, with a delimiter that does not occur in the value: `EOF_DINGTALK_NOTIFY`
/// with one more `_` than the longest run of them after it in the value. One pass over the value
/// (trying numbered delimiters one after another took 19 s for a 2.6 MB value).
fn multiline(name: &str, value: &str) -> String {
    const BASE: &str = "EOF_DINGTALK_NOTIFY";
    let longest = value
        .match_indices(BASE)
        .map(|(i, _)| value[i + BASE.len()..].bytes().take_while(|b| *b == b'_').count())
        .max();
    let delim = match longest {
        None => BASE.to_owned(),
        Some(n) => format!("{BASE}{}", "_".repeat(n + 1)),
    };
    format!("{name}<<{delim}\n{value}\n{delim}\n")
}

/// Backslash-escapes what GitHub's markdown would read as markup.
fn github_markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_{}[]()<>#+-.!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
fn command_escape(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reporter() -> Reporter {
        Reporter::new(&Env::new([], 0))
    }

    #[test]
    fn secrets_are_redacted_raw_and_url_encoded() {
        let mut r = reporter();
        r.add_secrets(&["a+b/c=", "tok"]);
        assert_eq!(r.redact("x a+b/c= y a%2Bb%2Fc%3D z tok"), "x *** y *** z ***");
        // As the summary escapes user text: inside a line, and at a line's start.
        let mut r = reporter();
        r.add_secrets(&["SEC<b>a&lt;b", "#tok_1"]);
        assert_eq!(
            r.redact("msg SEC<\u{2060}b>a&\u{2060}lt;b and #tok_1\n\u{2060}#tok_1"),
            "msg *** and ***\n\u{2060}***"
        );
        // Cut short by `shorten` (`…` right after) or by the size limit (`\n\n…`).
        let mut r = reporter();
        r.add_secrets(&["SECa1b2c3d4e5"]);
        assert_eq!(r.redact("x SECa1b2c3… y SECa1b2c\n\n…"), "x ***… y ***\n\n…");
        assert_eq!(r.redact("SEC… SECa1b2c3d4e5 …"), "SEC… *** …", "three characters and a whole secret");
        // A secret that escapes to nothing is still redacted as given, and nothing else is touched.
        let mut r = reporter();
        r.add_secrets(&["\u{1}"]);
        assert_eq!(r.redact("{\"a\": 1}\u{1}"), "{\"a\": 1}***");
    }

    #[test]
    fn any_long_enough_start_of_a_secret_is_redacted_wherever_it_is_cut() {
        let mut r = reporter();
        r.add_secrets(&["hookTOKENsEcReT2"]);
        for cut in ["...", "[truncated]", "", "…", " more"] {
            assert_eq!(r.redact(&format!("token=hookTOKE{cut}")), format!("token=***{cut}"), "{cut:?}");
        }
        // Four to seven characters only before a cut marker.
        assert_eq!(r.redact("hookTOK... hookTOK and hook"), "***... hookTOK and hook");
        // Split across lines, or wrapped with spaces.
        assert_eq!(r.redact("a hookTOKEN\nsEcReT2 b"), "a ***\n*** b");
        assert_eq!(r.redact("a hoo kTOKENsEc ReT2 b"), "a *** *** *** b");
        // Escaped as JSON (also with `\/`) or a URL, and as the relay's text is shown.
        let mut r = reporter();
        r.add_secrets(&["a\"b\\c/d e\u{200b}f"]);
        for form in [r#"a\"b\\c/d e"#, r#"a\"b\\c\/d"#, "a%22b%5Cc%2Fd+e", "a%22b%5Cc%2Fd%20e", "a\"b\\c/d ef"] {
            assert!(!r.redact(&format!("x {form} y")).contains("b\\c"), "{form}: {}", r.redact(form));
            assert!(r.redact(&format!("x {form} y")).contains("***"), "{form}");
        }
    }

    #[test]
    fn json_stays_json_when_a_secret_in_it_is_redacted() {
        let mut r = reporter();
        r.add_secrets(&["kdocs+TOKEN/sEcReT=1", "nabcdefg", "abcdefgh\"x"]);
        for value in ["kdocs+TOKEN\\more", "kdocs+TOKEN\"", "\nabcdefg", "abcdefgh", "kdocs+TOKEN\u{1}"] {
            let json = serde_json::to_string(&serde_json::json!({ "a": value, "b": "c" })).unwrap();
            let redacted = r.redact_json(&json);
            let back: serde_json::Value = serde_json::from_str(&redacted).unwrap_or_else(|e| panic!("{e}: {redacted}"));
            assert!(back["a"].as_str().unwrap().contains("***"), "{redacted}");
            assert_eq!(back["b"], "c");
        }
    }

    #[test]
    fn multiline_outputs_pick_a_delimiter_not_in_the_value() {
        let out = multiline("msg", "line1\nEOF_DINGTALK_NOTIFY\nline3");
        assert_eq!(out, "msg<<EOF_DINGTALK_NOTIFY_\nline1\nEOF_DINGTALK_NOTIFY\nline3\nEOF_DINGTALK_NOTIFY_\n");
        let out = multiline("msg", "EOF_DINGTALK_NOTIFY__x EOF_DINGTALK_NOTIFY_");
        assert!(out.starts_with("msg<<EOF_DINGTALK_NOTIFY___\n"), "{out}");
        assert_eq!(multiline("msg", "v"), "msg<<EOF_DINGTALK_NOTIFY\nv\nEOF_DINGTALK_NOTIFY\n");
    }

    #[test]
    fn step_summary_titles_cannot_add_markup_on_github() {
        assert_eq!(github_markdown_escape("[x](http://e) ![i]"), r"\[x\]\(http://e\) \!\[i\]");
    }

    #[test]
    fn stderr_lines_are_single_lines() {
        let r = reporter();
        assert_eq!(r.line("a\n::stop-commands::t\r\nb"), "a ::stop-commands::t  b");
    }

    #[test]
    fn workflow_command_data_is_escaped() {
        assert_eq!(command_escape("50%\r\nnext"), "50%25%0D%0Anext");
    }
}
