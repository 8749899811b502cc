//! The shipped datasets: snapshots of their markdown and JSON reports side by side, the
//! committed `reports/` kept in step with the binary, and determinism across thread counts.

use std::path::Path;

use crate::util::{files, root, scrisk, subdirs};

fn analyze_all(out: &Path, threads: &str) -> crate::util::Run {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_scrisk"))
        .args([
            "analyze",
            "datasets",
            "--format",
            "both",
            "--no-progress",
            "--out",
        ])
        .arg(out)
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("the scrisk binary runs");
    crate::util::Run {
        code: run.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&run.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
    }
}

fn dataset_names() -> Vec<String> {
    subdirs(&root().join("datasets"))
        .iter()
        .map(|d| d.file_name().expect("name").to_string_lossy().into_owned())
        .collect()
}

#[test]
fn reports_of_shipped_datasets_match_their_snapshots() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = analyze_all(out.path(), "2");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = dataset_names();
    assert!(!names.is_empty());
    for name in names {
        let md = std::fs::read_to_string(out.path().join(format!("{name}.md")))
            .expect("markdown report");
        let json =
            std::fs::read_to_string(out.path().join(format!("{name}.json"))).expect("JSON report");
        insta::assert_snapshot!(format!("{name}_md"), md);
        insta::assert_snapshot!(format!("{name}_json"), json);
    }
}

#[test]
fn committed_reports_are_what_the_binary_writes() {
    // reports/ holds the output of the README's main command (`scrisk analyze datasets/`); if
    // this fails, run it again and commit the result.
    let out = tempfile::tempdir().expect("temp dir");
    let run = scrisk([
        "analyze".as_ref(),
        "datasets".as_ref(),
        "--no-progress".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let committed = root().join("reports");
    let written = files(out.path());
    let shipped: Vec<String> = files(&committed)
        .into_iter()
        .filter(|f| f.ends_with(".md"))
        .collect();
    assert_eq!(shipped, written, "reports/ and the datasets differ");
    for f in written {
        let new = std::fs::read_to_string(out.path().join(&f)).expect("written");
        let old = std::fs::read_to_string(committed.join(&f)).expect("committed");
        assert!(
            new == old,
            "reports/{f} is stale: run `cargo run --release -- analyze datasets/`"
        );
    }
}

#[test]
fn reports_are_identical_for_any_thread_count() {
    let one = tempfile::tempdir().expect("temp dir");
    let four = tempfile::tempdir().expect("temp dir");
    assert_eq!(analyze_all(one.path(), "1").code, 0);
    assert_eq!(analyze_all(four.path(), "4").code, 0);
    let names = files(one.path());
    assert_eq!(names, files(four.path()));
    for f in names {
        let a = std::fs::read(one.path().join(&f)).expect("read");
        let b = std::fs::read(four.path().join(&f)).expect("read");
        assert!(a == b, "{f} differs between 1 and 4 threads");
    }
}
