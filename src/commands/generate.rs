//! `scrisk generate`: write a synthetic dataset ([`crate::synth`]) into a directory, never over
//! existing dataset files without `--force`.

use crate::exit::ExitStatus;
use crate::output::write::write_atomic;
use crate::output::Out;
use crate::problem::Problem;
use crate::settings::Generate;
use crate::synth;

/// Runs `scrisk generate`.
pub(crate) fn run(s: &Generate, out: &mut Out) -> ExitStatus {
    let net = synth::network(s.firms, s.seed, s.capacity);
    if !s.force {
        let existing: Vec<Problem> = net
            .files
            .iter()
            .map(|(name, _)| s.out.join(name))
            .filter(|p| p.exists())
            .map(|p| {
                Problem::file(p.display().to_string(), "already exists")
                    .with_hint("pass --force to overwrite")
            })
            .collect();
        if !existing.is_empty() {
            out.problems(&existing);
            return ExitStatus::Error;
        }
    }
    for (name, text) in &net.files {
        if let Err(e) = write_atomic(&s.out, name, text) {
            out.diag(&format!("error: {e:#}\n"));
            return ExitStatus::Error;
        }
    }
    let alternates = if s.capacity {
        format!(
            " and {} qualified alternates; dataset.toml turns the capacity model on",
            net.alternates
        )
    } else {
        String::new()
    };
    out.line(&format!(
        "wrote {}: {} firms, {} sourcing rows{alternates}",
        s.out.display(),
        net.firms,
        net.rows
    ));
    ExitStatus::Ok
}
