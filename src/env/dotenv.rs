//! The one reader of the fixtures' env files (`tests/fixtures/<ci>/*.env`), in their documented
//! dialect (the READMEs there, and each file's header): `KEY=value` lines, `#` comments and
//! blank lines skipped; double-quoted values with backslash escapes (`\n` a newline, `\t` a tab,
//! `\"` and `\\` themselves); single-quoted values (JSON) taken literally. Same rules as
//! `python-dotenv` and `dotenvy` for everything the fixtures use.
//!
//! The CI modules' unit tests and the end-to-end tests read fixtures through it (`bench/dry-runs.py`
//! keeps a small Python twin); the binary never calls it, so the release build leaves it out.

/// The variables of `text`, in file order. Panics on a line that is not `KEY=value`, naming
/// `origin`.
pub fn parse(text: &str, origin: &str) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, raw) = line.split_once('=').unwrap_or_else(|| panic!("{origin}: not KEY=value: {line}"));
        let raw = raw.trim();
        let value = if let Some(inner) = raw.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            unescape(inner)
        } else if let Some(inner) = raw.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            inner.to_owned()
        } else {
            raw.to_owned()
        };
        vars.push((key.trim().to_owned(), value));
    }
    vars
}

/// A double-quoted value's text with its escapes applied, left to right (so `\\n` is a
/// backslash and an `n`, not a newline).
fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn the_dialect_of_the_fixtures() {
    let text = "# comment\n\nA=plain\nB=\"two words\\nnext line\"\nC='{\"json\":\"\\n\"}'\n  D = \"q\\\"uote \\\\n\\tx\"\nE=\n";
    let vars = parse(text, "inline");
    let want = [
        ("A", "plain"),
        ("B", "two words\nnext line"),
        ("C", "{\"json\":\"\\n\"}"),
        ("D", "q\"uote \\n\tx"),
        ("E", ""),
    ];
    let got: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, want);
}

#[test]
fn every_fixture_env_file_reads_as_its_readme_says() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |rel: &str| parse(&std::fs::read_to_string(fixtures.join(rel)).unwrap(), rel);
    // The variable counts the READMEs give for python-dotenv and dotenvy.
    for (rel, count) in [
        ("drone/push.env", 93),
        ("drone/pull_request.env", 97),
        ("woodpecker/push.env", 108),
        ("woodpecker/pull_request.env", 115),
    ] {
        assert_eq!(read(rel).len(), count, "{rel}");
    }
    let gitlab = read("gitlab/push.env");
    let get = |k: &str| gitlab.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("CI_COMMIT_DESCRIPTION"), Some("\nHonour the Retry-After header instead of the fixed 2s delay."));
    assert_eq!(get("CI_COMMIT_AUTHOR"), Some("Dana Kowalski <dana.kowalski@example.com>"));
    let drone = read("drone/push.env");
    let fields = drone.iter().find(|(n, _)| n == "PLUGIN_FIELDS").map(|(_, v)| v.as_str());
    assert_eq!(fields, Some(r#"{"oncall":true,"team":"platform"}"#));
}
