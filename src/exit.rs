//! The outcome of a command, ordered by severity: [`ExitStatus::Ok`] < [`ExitStatus::Findings`]
//! < [`ExitStatus::Error`]. Commands fold the outcomes of their datasets with `max`; only
//! `main` turns the result into a process exit code.

/// What a command concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum ExitStatus {
    /// Success (exit code 0).
    #[default]
    Ok,
    /// Policy findings at deny level (exit code 1, `scrisk check` only).
    Findings,
    /// Bad input, I/O error or bad usage (exit code 2).
    Error,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }

    /// `Error` when `failed`, else `Ok`.
    pub fn error_if(failed: bool) -> Self {
        if failed {
            ExitStatus::Error
        } else {
            ExitStatus::Ok
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_outcome_wins() {
        let all = [ExitStatus::Findings, ExitStatus::Ok, ExitStatus::Error];
        assert_eq!(all.iter().copied().max(), Some(ExitStatus::Error));
        assert_eq!(
            ExitStatus::Ok.max(ExitStatus::Findings),
            ExitStatus::Findings
        );
        let codes: Vec<u8> = all.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [1, 0, 2]);
    }
}
