//! The outcome of a run, as one word whatever the CI or the user called it.
//!
//! Jenkins' `currentBuild.currentResult` words map as the README's Jenkins section says:
//! `SUCCESS` → success, `FAILURE` → failure, `UNSTABLE` → unstable (tests failed but the build
//! ran: Jenkins' own yellow, 不稳定 in the Jenkins DingTalk plugin), `ABORTED` → cancelled,
//! `NOT_BUILT` → skipped. <https://javadoc.jenkins.io/hudson/model/Result.html>

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Success,
    Failure,
    Cancelled,
    Skipped,
    /// A run beginning: a start-of-run summary (announce a deploy, a long pipeline).
    Started,
    /// Jenkins' `UNSTABLE` (and a GitLab job that failed with `allow_failure`): it ran, some
    /// tests or checks failed, the build was not stopped.
    Unstable,
    #[default]
    Unknown,
}

impl Status {
    /// Reads whatever spelling a CI or a user gives (`Failed`, `canceled`, `timed_out`, …);
    /// a word it does not know is `Unknown`.
    pub fn parse(raw: Option<&str>) -> Status {
        let raw = raw.map(|s| s.trim().to_ascii_lowercase()).unwrap_or_default();
        match raw.as_str() {
            "success" | "succeeded" | "passed" | "pass" | "ok" | "fixed" => Status::Success,
            "failure" | "failed" | "fail" | "error" | "errored" | "killed" | "timed_out" | "startup_failure" => {
                Status::Failure
            }
            "cancelled" | "canceled" | "aborted" => Status::Cancelled,
            "skipped" | "skip" | "neutral" | "not_built" | "not built" => Status::Skipped,
            "unstable" => Status::Unstable,
            "started" | "start" | "running" | "pending" | "in_progress" => Status::Started,
            _ => Status::Unknown,
        }
    }

    /// The word templates see: `success`, `failure`, `cancelled`, `skipped`, `unstable`,
    /// `started` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failure => "failure",
            Status::Cancelled => "cancelled",
            Status::Skipped => "skipped",
            Status::Unstable => "unstable",
            Status::Started => "started",
            Status::Unknown => "unknown",
        }
    }
}

impl PartialEq<&str> for Status {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_is_normalized() {
        assert_eq!(Status::parse(Some("Failed")), Status::Failure);
        assert_eq!(Status::parse(Some(" canceled ")), Status::Cancelled);
        assert_eq!(Status::parse(Some("success")), Status::Success);
        assert_eq!(Status::parse(Some("neutral")), Status::Skipped);
        for started in ["started", "Running", "pending", "in_progress"] {
            assert_eq!(Status::parse(Some(started)), Status::Started, "{started}");
        }
        assert_eq!(Status::parse(Some("queued")), Status::Unknown);
        assert_eq!(Status::parse(None), Status::Unknown);
        let jenkins = ["SUCCESS", "FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"].map(|w| Status::parse(Some(w)));
        assert_eq!(jenkins, [Status::Success, Status::Failure, Status::Unstable, Status::Cancelled, Status::Skipped]);
        assert_eq!(serde_json::to_string(&Status::Cancelled).unwrap(), "\"cancelled\"");
    }
}
