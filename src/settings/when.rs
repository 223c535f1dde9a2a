//! `notify_on` and `at_on`: when a run is worth a message, and when its mentions apply (README,
//! "Quiet by default"). A list of words: `always`, a status, `fixed`, `broken` or `changed`; a
//! run matches when its status or its change is in the list.

use crate::context::Change;
use crate::context::status::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    Is(Status),
    Became(Change),
    /// Fixed or broken.
    Changed,
}

/// Every word `notify_on` and `at_on` take (statuses also in the spellings `Status::parse`
/// reads), for error messages and suggestions.
pub const WORDS: &[&str] = &[
    "always",
    "success",
    "failure",
    "cancelled",
    "skipped",
    "unstable",
    "started",
    "unknown",
    "fixed",
    "broken",
    "changed",
];

impl Condition {
    /// A word of the list; statuses in any spelling `Status::parse` reads. `None` when it is
    /// not one.
    pub fn parse(word: &str) -> Option<Condition> {
        let word = word.trim().to_ascii_lowercase();
        Some(match word.as_str() {
            "always" => Condition::Always,
            "fixed" => Condition::Became(Change::Fixed),
            "broken" => Condition::Became(Change::Broken),
            "changed" => Condition::Changed,
            "unknown" => Condition::Is(Status::Unknown),
            other => match Status::parse(Some(other)) {
                Status::Unknown => return None,
                status => Condition::Is(status),
            },
        })
    }

    fn matches(self, status: Status, change: Option<Change>) -> bool {
        match self {
            Condition::Always => true,
            Condition::Is(s) => s == status,
            Condition::Became(c) => change == Some(c),
            Condition::Changed => change.is_some(),
        }
    }
}

/// Whether a run with this status and change matches any of `conditions`.
pub fn matches(conditions: &[Condition], status: Status, change: Option<Change>) -> bool {
    conditions.iter().any(|c| c.matches(status, change))
}

/// The list as the user would write it back: `failure, fixed`.
pub fn describe(conditions: &[Condition]) -> String {
    let words: Vec<String> = conditions
        .iter()
        .map(|c| match c {
            Condition::Always => "always".to_owned(),
            Condition::Is(s) => s.as_str().to_owned(),
            Condition::Became(Change::Fixed) => "fixed".to_owned(),
            Condition::Became(Change::Broken) => "broken".to_owned(),
            Condition::Changed => "changed".to_owned(),
        })
        .collect();
    words.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_spellings() {
        assert_eq!(Condition::parse("Failed"), Some(Condition::Is(Status::Failure)));
        assert_eq!(Condition::parse("fixed"), Some(Condition::Became(Change::Fixed)), "not Status's `fixed`");
        assert_eq!(Condition::parse(" CHANGED "), Some(Condition::Changed));
        assert_eq!(Condition::parse("unknown"), Some(Condition::Is(Status::Unknown)));
        assert_eq!(Condition::parse("sometimes"), None);
    }

    #[test]
    fn a_run_matches_by_status_or_by_change() {
        let on = [Condition::Is(Status::Failure), Condition::Became(Change::Fixed)];
        assert!(matches(&on, Status::Failure, None));
        assert!(matches(&on, Status::Success, Some(Change::Fixed)));
        assert!(!matches(&on, Status::Success, None));
        assert!(matches(&[Condition::Changed], Status::Failure, Some(Change::Broken)));
        assert!(!matches(&[Condition::Changed], Status::Failure, None), "an unknown previous outcome is no change");
        assert!(matches(&[Condition::Always], Status::Unknown, None));
        assert_eq!(describe(&on), "failure, fixed");
    }
}
