//! What the CI knows about the run: detect which CI this is and build one [`Context`] from it.
//!
//! Each CI has its own module that turns that CI's variables (and, on GitHub, the event JSON)
//! into a `Context`. Detection order matters: Woodpecker also sets Drone's `DRONE_*` names for
//! plugins, with a `DRONE_BUILD_STATUS` that is always `success`, so it is recognised first.
//! Jenkins comes after the CIs with a variable of their own: `JENKINS_URL` is the one sign of it,
//! and a job elsewhere could inherit it from a Jenkins that started it.

pub mod api;
pub mod pipeline;
pub mod previous;

mod drone;
mod github;
mod gitlab;
mod jenkins;
mod local;
mod woodpecker;

use crate::context::Context;
use crate::env::Env;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    GitHub,
    GitLab,
    Drone,
    Woodpecker,
    Jenkins,
    Local,
}

impl Ci {
    pub fn detect(env: &Env) -> Ci {
        if env.is("GITHUB_ACTIONS", "true") {
            Ci::GitHub
        } else if env.is("GITLAB_CI", "true") {
            Ci::GitLab
        } else if env.is("CI", "woodpecker") {
            Ci::Woodpecker
        } else if env.is("DRONE", "true") {
            Ci::Drone
        } else if env.get("JENKINS_URL").is_some() {
            Ci::Jenkins
        } else {
            Ci::Local
        }
    }
}

/// What the context builders need from the settings.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// The GitHub event JSON's path (`event_path`, else `GITHUB_EVENT_PATH`).
    pub event_path: Option<String>,
    /// Render the built-in sample push event when no CI is found (dry run).
    pub sample: bool,
}

/// A problem with the CI's data that is worth a warning but not a failure.
pub type Warnings = Vec<String>;

/// Whether this run's context is the built-in sample push event: a dry run outside any CI, with
/// no event file given.
pub fn renders_the_sample(ci: Ci, inputs: &Inputs) -> bool {
    ci == Ci::Local && inputs.sample && inputs.event_path.is_none()
}

/// Builds the context of this run. Never fails: what cannot be read is left out, with a warning.
pub fn context(ci: Ci, env: &Env, inputs: &Inputs, warnings: &mut Warnings) -> Context {
    match ci {
        Ci::GitHub => github::context(env, inputs.event_path.as_deref(), warnings),
        Ci::Local if renders_the_sample(ci, inputs) => local::sample(env),
        Ci::Local => match &inputs.event_path {
            // An event file given by hand is read as GitHub's, so templates can be tried locally.
            Some(path) => github::context(env, Some(path), warnings),
            None => local::context(env),
        },
        Ci::GitLab => gitlab::context(env),
        Ci::Drone => drone::context(env),
        Ci::Woodpecker => woodpecker::context(env),
        Ci::Jenkins => jenkins::context(env),
    }
}

/// Why this run has no secrets, when the CI gives none to it on purpose: on GitHub, a pull
/// request from a fork or opened by a bot.
pub fn without_secrets(ci: Ci, cx: &Context, env: &Env) -> Option<String> {
    match ci {
        Ci::GitHub => github::without_secrets(cx, env),
        _ => None,
    }
}

/// A multibranch pull request's author, as Jenkins names it (jenkins.io, "Pipeline:
/// Multibranch", `CHANGE_AUTHOR*`), when it does.
pub(super) fn change_author(env: &Env) -> Option<crate::context::Person> {
    env.get("CHANGE_AUTHOR").is_some().then(|| crate::context::Person {
        login: env.string("CHANGE_AUTHOR"),
        email: env.string("CHANGE_AUTHOR_EMAIL"),
        name: env.string("CHANGE_AUTHOR_DISPLAY_NAME"),
    })
}

/// A sha of zeros: git's "no commit" (the `before` of a new branch).
pub fn is_null_sha(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
}

/// Seconds since the epoch of an RFC 3339 / ISO 8601 UTC-or-offset timestamp
/// (`2024-06-11T09:18:42Z`, `2024-06-11T09:18:42.123+08:00`).
#[allow(clippy::many_single_char_names, reason = "the fields of a date and time, named as RFC 3339 names them")]
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hm = rest[1..].replace(':', "");
            if hm.len() != 4 || !hm.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            sign * (hm[..2].parse::<i64>().ok()? * 3600 + hm[2..].parse::<i64>().ok()? * 60)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + sec - offset).ok()
}

/// RFC 3339 UTC text of seconds since the epoch.
pub fn format_rfc3339(secs: u64) -> String {
    let days = (secs / 86_400).cast_signed();
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Seconds from `start` to `end`, or to `now` when the run has not finished (the notifier runs
/// inside it). `None` when the start is unknown or the clock says the run has not started.
pub fn duration(start: Option<u64>, end: Option<u64>, now: u64) -> Option<u64> {
    let start = start.filter(|&s| s > 0)?;
    let end = end.filter(|&e| e >= start).unwrap_or(now);
    end.checked_sub(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())), 0)
    }

    #[test]
    fn woodpecker_wins_over_its_drone_compatibility_variables() {
        assert_eq!(Ci::detect(&env(&[("CI", "woodpecker"), ("DRONE_BUILD_STATUS", "success")])), Ci::Woodpecker);
        assert_eq!(Ci::detect(&env(&[("CI", "true"), ("DRONE", "true")])), Ci::Drone);
        assert_eq!(Ci::detect(&env(&[("GITLAB_CI", "true"), ("CI", "true")])), Ci::GitLab);
        assert_eq!(Ci::detect(&env(&[("GITHUB_ACTIONS", "true")])), Ci::GitHub);
        assert_eq!(Ci::detect(&env(&[("GITHUB_ACTIONS", "")])), Ci::Local);
        assert_eq!(
            Ci::detect(&env(&[("JENKINS_URL", "https://ci/"), ("BUILD_URL", "https://ci/job/x/1/")])),
            Ci::Jenkins
        );
        assert_eq!(Ci::detect(&env(&[("JENKINS_URL", "https://ci/"), ("GITLAB_CI", "true")])), Ci::GitLab);
        assert_eq!(Ci::detect(&env(&[("JENKINS_URL", "")])), Ci::Local);
    }

    #[test]
    fn null_shas_are_recognised() {
        assert!(is_null_sha("0000000000000000000000000000000000000000"));
        assert!(!is_null_sha("3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d"));
    }

    #[test]
    fn rfc3339_round_trips_and_honours_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-06-11T09:18:42Z"), Some(1_718_097_522));
        assert_eq!(parse_rfc3339("2024-06-11T17:18:42.5+08:00"), Some(1_718_097_522));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00-01:30"), Some(1_709_170_200));
        assert_eq!(format_rfc3339(1_718_097_522), "2024-06-11T09:18:42Z");
        assert_eq!(format_rfc3339(1_709_170_200), "2024-02-29T01:30:00Z");
        // Not a time, and no panic either: non-ASCII where digits belong (a char boundary inside
        // the offset once panicked, and panic = "abort" ends the job whatever fail_on_error says).
        let odd =
            ["2024-06-11T09:18:42+1é1", "2024-06-11T09:18:42+é:1", "2024-06-11T09:1é:42Z", "２０２４-06-11T09:18:42Z"];
        for bad in ["", "2024-13-01T00:00:00Z", "yesterday", "2024-06-11T09:18:42+8"].into_iter().chain(odd) {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn duration_runs_to_now_when_the_build_has_not_finished() {
        assert_eq!(duration(Some(100), Some(160), 999), Some(60));
        assert_eq!(duration(Some(100), None, 400), Some(300));
        assert_eq!(duration(Some(100), Some(50), 130), Some(30), "an end before the start is ignored");
        assert_eq!(duration(Some(0), None, 400), None, "Woodpecker's 0 timestamps are unknown");
        assert_eq!(duration(None, Some(5), 400), None);
    }
}
