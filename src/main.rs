//! The `scrisk` binary: parse arguments, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = scrisk::cli::Cli::parse();
    scrisk::run::run(cli).into()
}
