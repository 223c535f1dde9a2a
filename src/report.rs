//! Everything the user sees: stderr lines, GitHub workflow commands (masks, annotations),
//! `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`. Every line passes through [`Reporter::redact`],
//! so a secret cannot leak even through an error chain we did not write.

use std::fs::OpenOptions;
use std::io::Write;

use crate::env::Env;
use crate::error::Error;
use crate::markdown;

pub struct Reporter {
    github: bool,
    secrets: Vec<String>,
    output_file: Option<String>,
    summary_file: Option<String>,
}

impl Reporter {
    pub fn new(env: &Env) -> Reporter {
        Reporter {
            github: env.is("GITHUB_ACTIONS", "true"),
            secrets: Vec::new(),
            output_file: env.string("GITHUB_OUTPUT"),
            summary_file: env.string("GITHUB_STEP_SUMMARY"),
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
                    println!("::add-mask::{}", command_escape(line));
                }
            }
            // As given, URL-encoded (the query), and as the summary shows user text: a commit
            // message quoting a token reaches the dry run and the step summary escaped
            // (`_` as `＿`, …), where the plain form would not match.
            for form in [(*s).to_owned(), percent_encode(s), markdown::escape_md(s), markdown::escape_inline(s)] {
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

    /// The text with every secret replaced by `***`, also where a summary cut one short.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        if out.contains('…') {
            for s in &self.secrets {
                out = redact_cut(&out, s);
            }
        }
        out
    }

    /// A line of progress on stderr, with no annotation.
    pub fn notice(&self, message: &str) {
        eprintln!("warning: {}", self.line(message));
    }

    /// One line for stderr: redacted, and without line breaks, so that text from the relay cannot
    /// start a workflow command of its own on the next line.
    fn line(&self, text: &str) -> String {
        self.redact(text).replace(['\r', '\n'], " ")
    }

    pub fn warning(&self, message: &str) {
        let message = self.line(message);
        eprintln!("warning: {message}");
        if self.github {
            println!("::warning title=dingtalk-notify::{}", command_escape(&message));
        }
    }

    pub fn error(&self, e: &Error) {
        let message = self.line(&e.message);
        eprintln!("error: {message}");
        for hint in &e.hints {
            eprintln!("hint: {}", self.line(hint));
        }
        if self.github {
            let mut all = message;
            for hint in &e.hints {
                all.push('\n');
                all.push_str(&self.line(hint));
            }
            println!("::error title=dingtalk-notify::{}", command_escape(&all));
        }
    }

    /// A failure that `fail_on_error: false` turns into a warning.
    pub fn downgraded(&self, e: &Error) {
        let mut all = e.message.clone();
        for hint in &e.hints {
            all.push_str("; ");
            all.push_str(hint);
        }
        self.warning(&format!("{all} (not failing the job: fail_on_error is false)"));
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
        append(path, &text, "GITHUB_OUTPUT");
    }

    /// Appends the rendered summary to `$GITHUB_STEP_SUMMARY`.
    pub fn step_summary(&self, title: &str, text: &str) {
        let Some(path) = &self.summary_file else { return };
        // The title is plain text; GitHub renders the summary as markdown, so escape it there.
        let body = format!("### {}\n\n{}\n\n", github_markdown_escape(&self.line(title)), self.redact(text));
        append(path, &body, "GITHUB_STEP_SUMMARY");
    }
}

fn append(path: &str, text: &str, what: &str) {
    let result = OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = result {
        eprintln!("warning: cannot write {what} ({path}): {e}");
    }
}

/// `name<<DELIM … DELIM`, with a delimiter that does not occur in the value.
fn multiline(name: &str, value: &str) -> String {
    let mut delim = String::from("EOF_DINGTALK_NOTIFY");
    let mut n = 0;
    while value.contains(&delim) {
        n += 1;
        delim = format!("EOF_DINGTALK_NOTIFY_{n}");
    }
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

/// The form a secret takes in a URL query (`application/x-www-form-urlencoded`).
fn percent_encode(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", s)])
        .ok()
        .and_then(|u| u.query().map(|q| q.trim_start_matches("v=").to_owned()))
        .unwrap_or_else(|| s.to_owned())
}

/// A secret that `shorten` or the size limit cut shows its start before `…` (`SECa1b2…`):
/// the longest start of it, of four characters or more, that ends the text before a `…`
/// (spaces aside) becomes `***`.
fn redact_cut(text: &str, secret: &str) -> String {
    let starts: Vec<&str> = secret.char_indices().skip(4).map(|(i, _)| &secret[..i]).collect();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (ellipsis, _) in text.match_indices('…') {
        let before = text[from..ellipsis].trim_end();
        if let Some(start) = starts.iter().rev().find(|start| before.ends_with(*start)) {
            let end = from + before.len();
            out.push_str(&text[from..end - start.len()]);
            out.push_str("***");
            from = end;
        }
    }
    out.push_str(&text[from..]);
    out
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
        r.add_secrets(&["SEC_a*b", "#tok_1"]);
        assert_eq!(r.redact("msg SEC＿a∗b and #tok＿1\n＃tok＿1"), "msg *** and ***\n***");
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
    fn multiline_outputs_pick_a_delimiter_not_in_the_value() {
        let out = multiline("msg", "line1\nEOF_DINGTALK_NOTIFY\nline3");
        assert_eq!(out, "msg<<EOF_DINGTALK_NOTIFY_1\nline1\nEOF_DINGTALK_NOTIFY\nline3\nEOF_DINGTALK_NOTIFY_1\n");
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
