//! Everything scrisk sends to the terminal and the file system's outputs: data on stdout,
//! diagnostics on stderr ([`Out`]), progress on stderr ([`progress`]) and reports written
//! atomically ([`write`]). Nothing else in the crate prints; `clippy.toml` bans the print
//! macros elsewhere.

pub(crate) mod progress;
pub(crate) mod write;

use std::io::{self, Write};

use crate::problem::{render, Problem};

/// stdout for data, stderr for diagnostics. A closed stdout (`scrisk ... | head`) ends the
/// output quietly instead of panicking.
#[derive(Default)]
pub(crate) struct Out {
    stdout_closed: bool,
}

impl Out {
    /// Prints a line of data on stdout.
    pub(crate) fn line(&mut self, s: &str) {
        if self.stdout_closed {
            return;
        }
        let mut lock = io::stdout().lock();
        if writeln!(lock, "{s}").and_then(|_| lock.flush()).is_err() {
            self.stdout_closed = true;
        }
    }

    /// Prints diagnostics (already terminated lines) on stderr.
    pub(crate) fn diag(&mut self, s: &str) {
        let _ = io::stderr().lock().write_all(s.as_bytes());
    }

    /// Prints problems on stderr.
    pub(crate) fn problems(&mut self, problems: &[Problem]) {
        self.diag(&render(problems));
    }
}
