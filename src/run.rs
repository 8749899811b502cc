//! Runs a parsed command line: resolves arguments into settings, loads datasets, calls the
//! analyses and writes outputs. This and [`crate::output`] are the only places that touch the
//! terminal and the file system's outputs; the exit status is computed from data, never from
//! printed text.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::cli::{Cli, Command, InputArgs};
use crate::graph::SupplyGraph;
use crate::ingest::{self, LoadOptions};
use crate::model::Dataset;
use crate::problem::{render, Problem};

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: policy findings at deny level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: bad input, I/O error or bad usage.
pub const EXIT_ERROR: u8 = 2;

/// Runs the command and returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let mut out = Out::default();
    match cli.command {
        Command::Validate(args) => validate(&args.input, &mut out),
        Command::Analyze(args) => crate::analyze::analyze_command(&args, &mut out),
        Command::Whatif(args) => crate::analyze::whatif_command(&args, &mut out),
        Command::Init(args) => crate::check::init_command(&args, &mut out),
        Command::Check(args) => crate::check::check_command(&args, &mut out),
        Command::Diff(args) => crate::check::diff_command(&args, &mut out),
        Command::Generate(args) => {
            match crate::generate::generate(&args.out, args.firms, args.seed, args.force) {
                Ok((firms, rows)) => {
                    out.line(&format!(
                        "wrote {}: {firms} firms, {rows} sourcing rows",
                        args.out.display()
                    ));
                    EXIT_OK
                }
                Err(e) => {
                    out.diag(&format!("error: {e:#}\n"));
                    EXIT_ERROR
                }
            }
        }
    }
}

/// stdout for data, stderr for diagnostics. A closed stdout (`scrisk ... | head`) ends the
/// output quietly instead of panicking.
#[derive(Default)]
pub struct Out {
    stdout_closed: bool,
}

impl Out {
    /// Prints a line of data on stdout.
    pub fn line(&mut self, s: &str) {
        if self.stdout_closed {
            return;
        }
        let mut lock = io::stdout().lock();
        if writeln!(lock, "{s}").and_then(|_| lock.flush()).is_err() {
            self.stdout_closed = true;
        }
    }

    /// Prints diagnostics (already terminated lines) on stderr.
    pub fn diag(&mut self, s: &str) {
        let _ = io::stderr().lock().write_all(s.as_bytes());
    }

    /// Prints problems on stderr.
    pub fn problems(&mut self, problems: &[Problem]) {
        self.diag(&render(problems));
    }
}

/// Expands the command-line paths into dataset directories; problems for paths that hold none.
pub fn discover_all(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match ingest::discover(p) {
            Ok(found) => dirs.extend(found),
            Err(e) => problems.push(e),
        }
    }
    (dirs, problems)
}

/// Loads one dataset and builds its graph, printing problems and notes.
pub fn load_one(
    dir: &std::path::Path,
    input: &InputArgs,
    out: &mut Out,
) -> Option<(Dataset, SupplyGraph)> {
    let opts = LoadOptions {
        normalize_shares: input.normalize_shares,
    };
    match ingest::load(dir, opts) {
        Ok(ds) => {
            for n in &ds.notes {
                out.diag(&format!("warning: {}: {}\n", n.file, n.message));
            }
            let g = SupplyGraph::build(&ds);
            Some((ds, g))
        }
        Err(problems) => {
            out.problems(&problems);
            out.diag(&format!(
                "error: {}: {} found; fix {} and run again\n",
                dir.display(),
                if problems.len() == 1 {
                    "1 problem".to_string()
                } else {
                    format!("{} problems", problems.len())
                },
                if problems.len() == 1 { "it" } else { "them" }
            ));
            None
        }
    }
}

/// A one-line summary of a dataset.
pub fn summary_line(ds: &Dataset, g: &SupplyGraph) -> String {
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    format!(
        "{}: {}, {}, {}, {}, {}, {}",
        ds.path.display(),
        n(ds.firms.len(), "firm", "firms"),
        n(ds.used_components().len(), "component", "components"),
        n(ds.sourcing.len(), "sourcing row", "sourcing rows"),
        n(g.end_firms.len(), "end firm", "end firms"),
        n(ds.countries().len(), "country", "countries"),
        n(g.cycles().count(), "cycle", "cycles"),
    )
}

fn validate(input: &InputArgs, out: &mut Out) -> u8 {
    let (dirs, problems) = discover_all(&input.paths);
    let mut failed = !problems.is_empty();
    out.problems(&problems);
    for dir in &dirs {
        match load_one(dir, input, out) {
            Some((ds, g)) => out.line(&format!("ok {}", summary_line(&ds, &g))),
            None => failed = true,
        }
    }
    if failed {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}
