//! Writing reports: atomically (a temporary file in the same directory, then a rename), so a
//! failure or a kill never leaves a half-written or truncated report, and with file names that
//! cannot escape the output directory.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file name derived from a dataset name: path separators, dots at the start and control
/// characters replaced, so that the report stays inside `--out`.
pub fn safe_file_stem(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '\0' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let leading_dots = s.chars().take_while(|&c| c == '.').count();
    s.replace_range(0..leading_dots, &"_".repeat(leading_dots));
    if s.is_empty() {
        s.push_str("dataset");
    }
    s
}

/// Writes `contents` to `dir/file_name` atomically, creating `dir` if needed.
pub fn write_atomic(dir: &Path, file_name: &str, contents: &str) -> Result<PathBuf> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    let target = dir.join(file_name);
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(contents.as_bytes())
            .and_then(|_| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, &target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|_| target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_cannot_escape_the_output_directory() {
        assert_eq!(safe_file_stem("../etc"), "___etc");
        assert_eq!(safe_file_stem("a/b\\c"), "a_b_c");
        assert_eq!(safe_file_stem(".."), "__");
        assert_eq!(safe_file_stem(""), "dataset");
        assert_eq!(safe_file_stem("leapmotor-jinhua"), "leapmotor-jinhua");
    }
}
