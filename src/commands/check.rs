//! `scrisk check`: evaluate the policy on each dataset's analysis, print the findings as text,
//! JSON or SARIF (on stdout, or into the `--output` file), and conclude `Findings` when the
//! verdict on some dataset is [`Verdict::Fail`].

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{discover, load};
use crate::analysis::Analysis;
use crate::cli::CheckFormat;
use crate::exit::ExitStatus;
use crate::output::write::write_with;
use crate::output::Out;
use crate::policy::render::{self, CheckDocument, DatasetFindings};
use crate::policy::sarif::{DatasetFiles, SarifLog};
use crate::policy::{self, waivers, Verdict};
use crate::settings::Check;
use crate::whatif::Quiet;

/// Runs `scrisk check`.
pub(crate) fn run(s: &Check, out: &mut Out) -> ExitStatus {
    if let Some(note) = &s.policy_note {
        out.diag(&format!("{note}\n"));
    }
    let (dirs, mut status) = discover(&s.input.paths, out);
    let mut sink = Sink::new(s.output.as_deref());
    let mut doc = CheckDocument::default();
    let mut sarif = SarifLog::new(std::env::current_dir().ok(), s.policy_file.clone());
    let mut matched = vec![false; s.policy.waivers.len()];
    for dir in &dirs {
        let Some((ds, g)) = load(dir, s.input.load, out) else {
            status = ExitStatus::Error;
            continue;
        };
        let analysis = match Analysis::run(&ds, &g, None, s.analysis.clone(), &Quiet) {
            Ok(a) => a,
            Err(e) => {
                out.diag(&format!("error: {}: {e}\n", ds.name));
                status = ExitStatus::Error;
                continue;
            }
        };
        let e = policy::evaluate(&analysis, &s.policy, s.today);
        for (m, this) in matched.iter_mut().zip(e.matched) {
            *m |= this;
        }
        if Verdict::of(&e.findings) == Verdict::Fail {
            status = status.max(ExitStatus::Findings);
        }
        match s.format {
            CheckFormat::Text => sink.line(out, render::text(&ds.name, &e.findings).trim_end()),
            CheckFormat::Json => doc
                .datasets
                .push(DatasetFindings::new(&ds.name, e.findings)),
            CheckFormat::Sarif => {
                let files = DatasetFiles {
                    root: root_of(&s.input.paths, dir),
                    files: &ds.files,
                };
                sarif.dataset(&ds.name, files, &e.findings);
            }
        }
    }
    // Stale waivers, over every dataset checked (only meaningful when every one was loaded).
    if status != ExitStatus::Error {
        doc.policy = waivers::unused(&s.policy.waivers, &matched);
    }
    match s.format {
        CheckFormat::Text => {
            if !doc.policy.is_empty() {
                sink.line(out, render::findings(&doc.policy).trim_end());
            }
        }
        CheckFormat::Json => sink.line(out, &doc.to_json()),
        CheckFormat::Sarif if status == ExitStatus::Error => {
            // Code scanning reads a missing result as fixed: a log without the datasets that
            // failed to load would close their alerts.
            out.diag(
                "error: no SARIF written: not every dataset could be checked, and code \
                 scanning would take the missing findings as fixed\n",
            );
            return status;
        }
        CheckFormat::Sarif => {
            sarif.policy(&doc.policy);
            sink.line(out, &sarif.to_json());
        }
    }
    status.max(sink.finish(out))
}

/// The command-line path a dataset directory was found under (the directory itself when no
/// path holds it).
fn root_of<'a>(paths: &'a [PathBuf], dir: &'a Path) -> &'a Path {
    paths
        .iter()
        .find(|p| dir.starts_with(p))
        .map_or(dir, PathBuf::as_path)
}

/// Where the findings go: stdout as they come, or the `--output` file, written once at the end
/// (atomically, like every file scrisk writes).
struct Sink<'a> {
    file: Option<&'a Path>,
    text: String,
}

impl<'a> Sink<'a> {
    fn new(file: Option<&'a Path>) -> Self {
        Sink {
            file,
            text: String::new(),
        }
    }

    /// One line (or block) of output.
    fn line(&mut self, out: &mut Out, s: &str) {
        match self.file {
            None => out.line(s),
            Some(_) => {
                self.text.push_str(s);
                self.text.push('\n');
            }
        }
    }

    /// Writes the file, if there is one; a failure is reported and is an error.
    fn finish(self, out: &mut Out) -> ExitStatus {
        let Some(file) = self.file else {
            return ExitStatus::Ok;
        };
        match write_with(file, |f| f.write_all(self.text.as_bytes())) {
            Ok(()) => ExitStatus::Ok,
            Err(e) => {
                out.diag(&format!("error: {e:#}\n"));
                ExitStatus::Error
            }
        }
    }
}
