//! `scrisk validate`: load each dataset and print a one-line summary of each valid one.

use super::{discover, load, summary_line};
use crate::exit::ExitStatus;
use crate::output::Out;
use crate::settings::Input;

/// Runs `scrisk validate`.
pub(crate) fn run(input: &Input, out: &mut Out) -> ExitStatus {
    let (dirs, mut status) = discover(&input.paths, out);
    for dir in &dirs {
        match load(dir, input.load, out) {
            Some((ds, g)) => out.line(&format!("ok {}", summary_line(&ds, &g))),
            None => status = ExitStatus::Error,
        }
    }
    status
}
