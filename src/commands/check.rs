//! `scrisk check`: evaluate the policy on each dataset's analysis, print the findings as text or
//! JSON, and conclude `Findings` when a deny-level finding is not waived.

use super::{discover, load};
use crate::analysis::Analysis;
use crate::cli::CheckFormat;
use crate::exit::ExitStatus;
use crate::output::Out;
use crate::policy::{self, Finding};
use crate::settings::Check;
use crate::whatif::Quiet;

/// Runs `scrisk check`.
pub fn run(s: &Check, out: &mut Out) -> ExitStatus {
    if let Some(note) = &s.policy_note {
        out.diag(&format!("{note}\n"));
    }
    let today = (
        i32::from(s.today.year()),
        s.today.month() as u32,
        s.today.day() as u32,
    );
    let (dirs, mut status) = discover(&s.input.paths, out);
    let mut json = Vec::new();
    let mut used = vec![false; s.policy.waivers.len()];
    for dir in &dirs {
        let Some((ds, g)) = load(dir, s.input.load, out) else {
            status = ExitStatus::Error;
            continue;
        };
        let analysis = Analysis::run(&ds, &g, None, s.analysis.clone(), &Quiet);
        let (findings, matched) = policy::evaluate(&analysis, &s.policy, today);
        for (u, m) in used.iter_mut().zip(matched) {
            *u |= m;
        }
        let failed = findings.iter().any(Finding::fails);
        if failed {
            status = status.max(ExitStatus::Findings);
        }
        match s.format {
            CheckFormat::Text => out.line(policy::render_text(&ds.name, &findings).trim_end()),
            CheckFormat::Json => json.push(serde_json::json!({
                "dataset": ds.name,
                "passed": !failed,
                "findings": findings,
            })),
        }
    }
    // Stale waivers, over every dataset checked (only meaningful when every one was loaded).
    let unused = if status == ExitStatus::Error {
        Vec::new()
    } else {
        policy::unused_waivers(&s.policy, &used)
    };
    match s.format {
        CheckFormat::Text => {
            for f in &unused {
                out.line(&format!(
                    "{}[{}] {}: {}\n  at: {}",
                    f.level.as_str(),
                    f.code,
                    f.subject,
                    f.message,
                    f.rows.join(", ")
                ));
            }
        }
        CheckFormat::Json => {
            let doc = serde_json::json!({ "datasets": json, "policy": unused });
            out.line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
    status
}
