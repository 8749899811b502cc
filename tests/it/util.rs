//! The old runner, kept only for `corpus.rs` until it moves to [`crate::context`] (its owner
//! will do that; then delete this file). Everything here delegates to `context.rs`, so there is
//! one way to run the binary and one snapshot format.

use std::path::Path;

pub(crate) use crate::context::{copy_dir, files, json, root, subdirs};

/// What one run of `scrisk` did.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots; `replace` paths first, then the
    /// repository root as `[ROOT]`.
    pub(crate) fn snapshot(&self, replace: &[(&Path, &str)]) -> String {
        let mut text = crate::context::snapshot_text(self.code, &self.stdout, &self.stderr);
        for (path, with) in replace {
            text = text.replace(&path.display().to_string(), with);
        }
        text.replace(&root().display().to_string(), "[ROOT]")
    }
}

/// Runs `scrisk` with `args` in the repository root (as `TestContext` does).
pub(crate) fn scrisk<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let (code, stdout, stderr) = crate::context::run_binary(&args, crate::context::THREADS);
    Run {
        code,
        stdout,
        stderr,
    }
}
