//! `scrisk validate`: load each dataset and print a one-line summary of each valid one, or with
//! `--format json` one document with each dataset's summary or problems (what the Python
//! package reads to raise an error naming file, row and column).

use serde::Serialize;

use super::{discover, discover_or_problems, load, load_or_problems, summary_line};
use crate::exit::ExitStatus;
use crate::output::Out;
use crate::problem::Problem;
use crate::settings::Validate;

/// Runs `scrisk validate`.
pub(crate) fn run(s: &Validate, out: &mut Out) -> ExitStatus {
    if s.json {
        return run_json(s, out);
    }
    let (dirs, mut status) = discover(&s.input.paths, out);
    for dir in &dirs {
        match load(dir, s.input.load, out) {
            Some((ds, g)) => out.line(&format!("ok {}", summary_line(&ds, &g))),
            None => status = ExitStatus::Error,
        }
    }
    status
}

/// What `scrisk validate --format json` prints.
#[derive(Debug, Default, Serialize)]
struct Document {
    /// One per dataset found, in the order they were read.
    datasets: Vec<DatasetResult>,
    /// Paths that hold no dataset.
    problems: Vec<Problem>,
}

/// One dataset: its counts when it is valid, else its problems.
#[derive(Debug, Serialize)]
struct DatasetResult {
    path: String,
    valid: bool,
    summary: Option<Summary>,
    problems: Vec<Problem>,
    /// Loading notes (e.g. rescaled shares), as `file: message`.
    warnings: Vec<String>,
}

/// The counts of the text summary line.
#[derive(Debug, Serialize)]
struct Summary {
    firms: usize,
    components: usize,
    sourcing_rows: usize,
    end_firms: usize,
    countries: usize,
    cycles: usize,
}

/// `--format json`: the same loading (and the same problems on stderr), one document on stdout.
fn run_json(s: &Validate, out: &mut Out) -> ExitStatus {
    let (dirs, problems) = discover_or_problems(&s.input.paths, out);
    let mut status = ExitStatus::error_if(!problems.is_empty());
    let mut doc = Document {
        problems,
        ..Document::default()
    };
    for dir in &dirs {
        let path = dir.display().to_string();
        let result = match load_or_problems(dir, s.input.load, out) {
            Ok((ds, g)) => DatasetResult {
                path,
                valid: true,
                summary: Some(Summary {
                    firms: ds.firms.len(),
                    components: ds.used_components().len(),
                    sourcing_rows: ds.sourcing.len(),
                    end_firms: g.end_firms.len(),
                    countries: ds.countries().len(),
                    cycles: g.cycles().count(),
                }),
                problems: Vec::new(),
                warnings: ds
                    .notes
                    .iter()
                    .map(|n| format!("{}: {}", n.file, n.message))
                    .collect(),
            },
            Err(problems) => {
                status = ExitStatus::Error;
                DatasetResult {
                    path,
                    valid: false,
                    summary: None,
                    problems,
                    warnings: Vec::new(),
                }
            }
        };
        doc.datasets.push(result);
    }
    // Strings, numbers and lists only: serialising cannot fail.
    out.line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    status
}
