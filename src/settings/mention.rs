//! Who to mention, from what people type: mention lists (`at_mobiles`, `at_user_ids`) and the
//! `users` map, read the way a Chinese input method or a pasted phone number writes them.
//!
//! Lists are separated by `,` `，` `、` `;` `；`, spaces and newlines. A mobile's inner spaces
//! and dashes and a `+86` prefix are normalized (`+86 138-0000-0001` → `13800000001`), so
//! digit groups separated by spaces are joined until they make a mobile. A value that is
//! neither a plausible mobile nor a plausible userId is kept apart, for a warning naming it:
//! sending it would put a stray `@…` in the message. A userId may only hold characters that
//! form no markdown, since the `@userId` that DingTalk needs in the text cannot be escaped.

/// Separators that always end an entry.
fn is_hard_separator(c: char) -> bool {
    matches!(c, ',' | '，' | '、' | ';' | '；' | '\n' | '\r')
}

/// A parsed list: the entries kept, in order and without duplicates, and those refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub kept: Vec<String>,
    pub refused: Vec<String>,
}

/// The entries of a list as written, digit groups of one phone number joined.
fn entries(raw: &str, join_phones: bool) -> Vec<String> {
    let mut out = Vec::new();
    for piece in raw.split(is_hard_separator) {
        let mut number = String::new();
        for word in piece.split_whitespace() {
            let phone_like = join_phones && word.chars().all(|c| c.is_ascii_digit() || "+-()".contains(c));
            if phone_like && (number.is_empty() || mobile(&number).is_none()) {
                number.push_str(word);
                continue;
            }
            if !number.is_empty() {
                out.push(std::mem::take(&mut number));
            }
            if phone_like {
                number.push_str(word);
            } else {
                out.push(word.to_owned());
            }
        }
        if !number.is_empty() {
            out.push(number);
        }
    }
    out
}

/// A mainland mobile: 11 digits from `1`, after dropping dashes, parentheses, spaces and a
/// `+86`/`0086`/`86` country prefix.
pub fn mobile(raw: &str) -> Option<String> {
    let all: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    let digits = match all.strip_prefix("+86").or_else(|| all.strip_prefix("0086")) {
        Some(national) => national,
        None if all.len() == 13 => all.strip_prefix("86").unwrap_or(&all),
        None => &all,
    };
    (digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_owned())
}

/// A DingTalk userId that is safe to write as `@userId` in markdown: letters, digits and
/// `-` `_` `.` `$` `:`, at most 64 characters, not all of them `_`.
pub fn user_id(raw: &str) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.chars().count() <= 64
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || "-_.$:".contains(c))
        && raw.chars().any(|c| c.is_ascii_alphanumeric())
        && !raw.contains("__");
    ok.then(|| raw.to_owned())
}

/// `at_mobiles`: each entry normalized to a mobile, or refused.
pub fn mobiles(raw: &str) -> Parsed {
    collect(entries(raw, true), mobile)
}

/// `at_user_ids`: each entry a safe userId, or refused.
pub fn user_ids(raw: &str) -> Parsed {
    collect(entries(raw, false), user_id)
}

fn collect(entries: Vec<String>, check: impl Fn(&str) -> Option<String>) -> Parsed {
    let mut parsed = Parsed::default();
    for entry in entries {
        match check(&entry) {
            Some(ok) if !parsed.kept.contains(&ok) => parsed.kept.push(ok),
            None if !parsed.refused.contains(&entry) => parsed.refused.push(entry),
            // A duplicate.
            _ => {}
        }
    }
    parsed
}

/// Whom to mention for a person: a mobile or a userId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Mobile(String),
    UserId(String),
}

/// The `users` map: identities (lowercased) and whom each stands for, and the lines refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Users {
    pub map: Vec<(String, Who)>,
    pub refused: Vec<String>,
}

impl Users {
    /// One `identity: mobile-or-userId` per line (`：` and `=` work too), or a JSON object of
    /// the same (what Drone and Woodpecker make of a YAML map under `settings:`). A value of
    /// digits is a mobile, anything else a userId.
    pub fn parse(raw: &str) -> Users {
        let mut users = Users::default();
        let pairs: Vec<(String, String)> = match serde_json::from_str::<serde_json::Value>(raw.trim()) {
            Ok(serde_json::Value::Object(map)) => {
                map.into_iter().map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect()
            }
            _ => raw
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|line| match line.rfind([':', '：', '=']) {
                    Some(i) => {
                        let sep = line[i..].chars().next().map_or(1, char::len_utf8);
                        (line[..i].to_owned(), line[i + sep..].to_owned())
                    }
                    None => (line.to_owned(), String::new()),
                })
                .collect(),
        };
        for (identity, value) in pairs {
            let (identity, value) = (identity.trim().trim_matches('"'), value.trim().trim_matches('"'));
            let who = if value.chars().any(|c| c.is_ascii_digit()) && mobile(value).is_some() {
                mobile(value).map(Who::Mobile)
            } else {
                user_id(value).map(Who::UserId)
            };
            match who {
                Some(who) if !identity.is_empty() => users.map.push((identity.to_lowercase(), who)),
                _ => users.refused.push(format!("{identity}: {value}")),
            }
        }
        users
    }

    /// Whom the first of `identities` that is in the map stands for, case-insensitively.
    pub fn find<'a>(&self, identities: impl IntoIterator<Item = &'a str>) -> Option<&Who> {
        identities.into_iter().find_map(|id| {
            let id = id.trim().to_lowercase();
            self.map.iter().find(|(known, _)| *known == id).map(|(_, who)| who)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_every_separator_people_type() {
        let p = user_ids("alice,bob，carol、dave;erin；frank\ngrace  heidi");
        assert_eq!(p.kept, ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]);
        assert!(p.refused.is_empty());
    }

    #[test]
    fn mobiles_are_normalized_and_joined_across_spaces() {
        assert_eq!(mobiles("138 0000 0001").kept, ["13800000001"]);
        assert_eq!(mobiles("+86 138-0000-0001, 0086 13900000002").kept, ["13800000001", "13900000002"]);
        assert_eq!(mobiles("138 0000 0001 139 0000 0002").kept, ["13800000001", "13900000002"]);
        assert_eq!(mobiles("(+86)13800000001 13800000001").kept, ["13800000001"], "duplicates dropped");
        let p = mobiles("13800000001，12345, alice");
        assert_eq!((p.kept, p.refused), (vec!["13800000001".to_owned()], vec!["12345".to_owned(), "alice".to_owned()]));
    }

    #[test]
    fn user_ids_never_carry_markup() {
        for bad in ["[x](http://e)", "**b**", "a<b>", "#h", "x__y", "`c`", "_"] {
            assert_eq!(user_ids(bad).refused, [bad], "{bad}");
        }
        assert_eq!(user_ids("manager7675 $:LWCP_v1:$abc user-1.x").kept, ["manager7675", "$:LWCP_v1:$abc", "user-1.x"]);
    }

    #[test]
    fn users_map_by_login_email_or_name_any_case() {
        let users = Users::parse(
            "Alice: 138 0000 0001\nbob@example.com：bob_ding\n# note\nDana Kowalski = 13900000002\nbroken line\nx: [y]",
        );
        assert_eq!(users.find(["nobody", "ALICE"]), Some(&Who::Mobile("13800000001".into())));
        assert_eq!(users.find(["BOB@example.com"]), Some(&Who::UserId("bob_ding".into())));
        assert_eq!(users.find(["dana kowalski"]), Some(&Who::Mobile("13900000002".into())));
        assert_eq!(users.refused, ["broken line: ", "x: [y]"]);
        let json = Users::parse(r#"{"alice": "13800000001", "bob": "u2"}"#);
        assert_eq!(json.find(["bob"]), Some(&Who::UserId("u2".into())));
    }
}
