//! The two kinds of failure and the one exit-code table (README, "Exit codes").

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A required setting missing, a bad value, a template that does not parse or render.
    Usage,
    /// The relay said no, an HTTP error, a time-out, a connection failure, a body that is not JSON.
    Delivery,
}

impl Kind {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Kind::Usage => ExitCode::from(2),
            Kind::Delivery => ExitCode::from(1),
        }
    }
}

/// A failure as the user sees it: one line saying what failed and what to do, and hint lines
/// for known causes.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Error {
        Error { kind: Kind::Usage, message: message.into(), hints: Vec::new() }
    }

    pub fn delivery(message: impl Into<String>) -> Error {
        Error { kind: Kind::Delivery, message: message.into(), hints: Vec::new() }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hints.push(hint.into());
        self
    }
}
