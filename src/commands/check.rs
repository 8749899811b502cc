//! `scrisk check`: evaluate the policy on each dataset's analysis, print the findings as text or
//! JSON, and conclude `Findings` when the verdict on some dataset is [`Verdict::Fail`].

use super::{discover, load};
use crate::analysis::Analysis;
use crate::cli::CheckFormat;
use crate::exit::ExitStatus;
use crate::output::Out;
use crate::policy::render::{self, CheckDocument, DatasetFindings};
use crate::policy::{self, waivers, Verdict};
use crate::settings::Check;
use crate::whatif::Quiet;

/// Runs `scrisk check`.
pub(crate) fn run(s: &Check, out: &mut Out) -> ExitStatus {
    if let Some(note) = &s.policy_note {
        out.diag(&format!("{note}\n"));
    }
    let (dirs, mut status) = discover(&s.input.paths, out);
    let mut doc = CheckDocument::default();
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
            CheckFormat::Text => out.line(render::text(&ds.name, &e.findings).trim_end()),
            CheckFormat::Json => doc
                .datasets
                .push(DatasetFindings::new(&ds.name, e.findings)),
        }
    }
    // Stale waivers, over every dataset checked (only meaningful when every one was loaded).
    if status != ExitStatus::Error {
        doc.policy = waivers::unused(&s.policy.waivers, &matched);
    }
    match s.format {
        CheckFormat::Text => {
            if !doc.policy.is_empty() {
                out.line(render::findings(&doc.policy).trim_end());
            }
        }
        CheckFormat::Json => out.line(&doc.to_json()),
    }
    status
}
