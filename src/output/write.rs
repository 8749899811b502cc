//! Writing reports and other files: atomically (a temporary file with an unpredictable name in
//! the same directory, then a rename over the target), so a failure or a panic never leaves a
//! half-written or truncated file, and with file names that cannot escape the output directory.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file name derived from a dataset name: path separators, dots at the start and control
/// characters replaced, so that the report stays inside `--out`.
pub(crate) fn safe_file_stem(name: &str) -> String {
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
pub(crate) fn write_atomic(dir: &Path, file_name: &str, contents: &str) -> Result<PathBuf> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    let target = dir.join(file_name);
    write_with(&target, |f| f.write_all(contents.as_bytes()))?;
    Ok(target)
}

/// Replaces `target` with what `fill` writes, or leaves it untouched if `fill` or anything after
/// it fails. The temporary file (created with `O_EXCL` under a random name next to `target`) is
/// removed on error and on panic, when it is dropped.
pub(crate) fn write_with(
    target: &Path,
    fill: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".scrisk-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    fill(tmp.as_file_mut())
        .and_then(|()| readable_by_all(tmp.as_file()))
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", target.display()))?;
    tmp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    Ok(())
}

/// Temporary files are created private (0600); a report is as readable as any file the user
/// writes (0644), as it was before it went through a temporary file.
fn readable_by_all(f: &fs::File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = f;
    Ok(())
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

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_writer_failing_half_way_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("report.md");
        fs::write(&target, "old report\n").expect("write");
        let err = write_with(&target, |f| {
            f.write_all(b"half of a new rep")?;
            Err(io::Error::other("disk full"))
        })
        .expect_err("the failure is reported");
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(fs::read_to_string(&target).expect("read"), "old report\n");
        assert_eq!(entries(dir.path()), ["report.md"]);
    }

    #[test]
    fn a_panicking_writer_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("report.md");
        fs::write(&target, "old report\n").expect("write");
        let result = std::panic::catch_unwind(|| {
            let _ = write_with(&target, |f| {
                f.write_all(b"half")?;
                panic!("renderer bug");
            });
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&target).expect("read"), "old report\n");
        assert_eq!(entries(dir.path()), ["report.md"]);
    }

    #[test]
    fn a_successful_write_replaces_the_file_readably() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("new");
        fs::create_dir(&out).expect("mkdir");
        fs::write(out.join("r.md"), "old").expect("write");
        let path = write_atomic(&out, "r.md", "new").expect("write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(entries(&out), ["r.md"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }
}
