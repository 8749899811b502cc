//! `scrisk diff`: read two JSON reports and print what changed as markdown.

use std::path::Path;

use crate::exit::ExitStatus;
use crate::output::Out;
use crate::problem::Problem;
use crate::report::diff;
use crate::settings::Diff;

/// Runs `scrisk diff`.
pub fn run(s: &Diff, out: &mut Out) -> ExitStatus {
    let (Some(old), Some(new)) = (read(&s.old, out), read(&s.new, out)) else {
        return ExitStatus::Error;
    };
    match diff::render(&old, &new) {
        Ok(md) => {
            out.line(md.trim_end());
            ExitStatus::Ok
        }
        Err(e) => {
            out.problems(&[Problem::file("diff", e)]);
            ExitStatus::Error
        }
    }
}

/// Reads a JSON report; problems name the file (and the line of a syntax error).
fn read(path: &Path, out: &mut Out) -> Option<serde_json::Value> {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.problems(&[Problem::file(file, format!("cannot read: {e}"))]);
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            let mut p = Problem::file(file, format!("is not valid JSON: {e}"));
            p.row = Some(e.line());
            out.problems(&[p]);
            None
        }
    }
}
