//! `scrisk diff`: read two JSON reports into the typed contract ([`schema::Report`]) and print
//! what changed as markdown. A file that is not a complete report is an error naming the file
//! (and the field and line when there is one); nothing is compared then.

use std::path::Path;

use crate::exit::ExitStatus;
use crate::output::Out;
use crate::problem::Problem;
use crate::report::{diff, schema};

/// Runs `scrisk diff`.
pub(crate) fn run(s: &crate::settings::Diff, out: &mut Out) -> ExitStatus {
    let (Some(old), Some(new)) = (read(&s.old, out), read(&s.new, out)) else {
        return ExitStatus::Error;
    };
    out.line(diff::render(&old, &new).trim_end());
    ExitStatus::Ok
}

/// Reads a JSON report; problems name the file (and the line, when the error has one).
fn read(path: &Path, out: &mut Out) -> Option<schema::Report> {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.problems(&[Problem::file(file, format!("cannot read: {e}"))]);
            return None;
        }
    };
    match schema::Report::from_json(&text) {
        Ok(r) => Some(r),
        Err(e) => {
            let mut p = Problem::file(file, e.message);
            p.row = e.line;
            out.problems(&[p]);
            None
        }
    }
}
