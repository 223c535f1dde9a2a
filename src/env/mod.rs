//! The process environment as the CI left it, read once, with the moment it was read. Every step
//! reads variables through it, so that tests can give a whole environment and a fixed clock.

pub mod dotenv;

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct Env {
    vars: HashMap<String, String>,
    /// Seconds since the Unix epoch; durations of running builds are measured to it.
    pub now: u64,
}

impl Env {
    pub fn from_process() -> Env {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        // A variable that is not UTF-8 cannot be one of ours (nor a CI's): skip it, don't panic.
        let vars = std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        Env::new(vars, now)
    }

    pub fn new(vars: impl IntoIterator<Item = (String, String)>, now: u64) -> Env {
        Env { vars: vars.into_iter().collect(), now }
    }

    /// The variable's value; an empty one counts as unset, as CIs use both for "none".
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The variable as an owned string, trimmed; blank counts as unset.
    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// The first of `names` that is set.
    pub fn first(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.string(n))
    }

    /// A Unix timestamp; `0` (what CIs leave in one they do not know) counts as unset.
    pub fn unix_time(&self, name: &str) -> Option<u64> {
        crate::time::parse_epoch(self.get(name)?)
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.get(name).is_some_and(|v| v.eq_ignore_ascii_case(value))
    }

    #[cfg(test)]
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A file's bytes, or `None` when it holds more than `max` bytes: the rest is never read, so a
/// setting pointing at `/dev/zero` or a huge file cannot fill the memory.
pub fn read_limited(path: &std::path::Path, max: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(max as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= max).then_some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0)
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let e = env(&[("A", ""), ("B", "  "), ("C", "x")]);
        assert_eq!(e.get("A"), None);
        assert_eq!(e.string("B"), None);
        assert_eq!(e.first(&["A", "B", "C"]).as_deref(), Some("x"));
    }

    #[test]
    fn unix_times_of_zero_or_junk_are_unset() {
        let e = env(&[("T", " 1718100155 "), ("Z", "0"), ("J", "soon")]);
        assert_eq!(
            (e.unix_time("T"), e.unix_time("Z"), e.unix_time("J"), e.unix_time("X")),
            (Some(1_718_100_155), None, None, None)
        );
    }
}
