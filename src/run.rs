//! Dispatch: resolve the command line into [`Settings`], then run the one command it names.
//! Returns an [`ExitStatus`]; only `main` turns it into a process exit code.

use crate::cli::Cli;
use crate::commands;
use crate::exit::ExitStatus;
use crate::output::Out;
use crate::settings::Settings;

/// Runs the command line and returns its outcome.
pub fn run(cli: Cli) -> ExitStatus {
    let mut out = Out::default();
    let settings = match Settings::resolve(cli) {
        Ok(s) => s,
        Err(problems) => {
            out.problems(&problems);
            return ExitStatus::Error;
        }
    };
    match &settings {
        Settings::Validate(s) => commands::validate::run(s, &mut out),
        Settings::Analyze(s) => commands::analyze::run(s, &mut out),
        Settings::Whatif(s) => commands::whatif::run(s, &mut out),
        Settings::Generate(s) => commands::generate::run(s, &mut out),
        Settings::Init(s) => commands::init::run(s, &mut out),
        Settings::Check(s) => commands::check::run(s, &mut out),
        Settings::Diff(s) => commands::diff::run(s, &mut out),
        Settings::Merge(s) => commands::merge::run(s, &mut out),
    }
}
