//! `scrisk init`: write the commented policy template, never over an existing file without
//! `--force`, atomically like every file scrisk writes.

use crate::exit::ExitStatus;
use crate::output::write::write_with;
use crate::output::Out;
use crate::policy::config::TEMPLATE;
use crate::problem::Problem;
use crate::settings::Init;

/// Runs `scrisk init`.
pub(crate) fn run(s: &Init, out: &mut Out) -> ExitStatus {
    let file = s.path.display().to_string();
    if s.path.exists() && !s.force {
        out.problems(&[
            Problem::file(file, "already exists").with_hint("pass --force to overwrite it")
        ]);
        return ExitStatus::Error;
    }
    match write_with(&s.path, |f| {
        std::io::Write::write_all(f, TEMPLATE.as_bytes())
    }) {
        Ok(()) => {
            out.line(&format!("wrote {file}"));
            ExitStatus::Ok
        }
        Err(e) => {
            out.problems(&[Problem::file(file, format!("cannot write: {e:#}"))]);
            ExitStatus::Error
        }
    }
}
