//! The settings stage: flags are checked before any dataset is read, each problem is reported
//! once, and a run that would lose a report refuses before writing anything.

use crate::util::{copy_dir, files, root, scrisk};

#[test]
fn a_bad_cut_is_reported_once_before_any_dataset_is_read() {
    let out = tempfile::tempdir().expect("temp dir");
    let reports = out.path().join("reports");
    // Two datasets and a path that does not exist: the cut is judged first, and only once.
    let run = scrisk([
        "analyze".as_ref(),
        "datasets".as_ref(),
        "no/such/dir".as_ref(),
        "--cut".as_ref(),
        "plant:x".as_ref(),
        "--out".as_ref(),
        reports.as_os_str(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("unknown selector kind").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("no/such/dir"),
        "nothing was read: {}",
        run.stderr
    );
    assert!(!reports.exists(), "nothing was written");
}

#[test]
fn bad_days_and_dates_are_usage_errors() {
    for args in [
        ["whatif", "datasets", "--cut", "country:CN", "--days", "-3"],
        [
            "whatif",
            "datasets",
            "--cut",
            "country:CN",
            "--recovery-days",
            "NaN",
        ],
        [
            "check", "datasets", "--today", "2026-1-1", "--format", "text",
        ],
        [
            "check",
            "datasets",
            "--today",
            "2026-02-30",
            "--format",
            "text",
        ],
    ] {
        let run = scrisk(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("is not a number of days")
                || run.stderr.contains("is not a date YYYY-MM-DD"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn two_datasets_with_one_name_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = root().join("tests/fixtures/example");
    copy_dir(&good, &dir.path().join("a/example"));
    copy_dir(&good, &dir.path().join("b/Example"));
    let reports = dir.path().join("reports");
    let run = scrisk([
        "analyze".as_ref(),
        dir.path().join("a/example").as_os_str(),
        dir.path().join("b/Example").as_os_str(),
        "--out".as_ref(),
        reports.as_os_str(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("would all write the same report file"),
        "{}",
        run.stderr
    );
    assert!(
        files(&reports).is_empty(),
        "nothing was written: {:?}",
        files(&reports)
    );
    // Apart, each is analysed.
    let run = scrisk([
        "analyze".as_ref(),
        dir.path().join("a/example").as_os_str(),
        "--out".as_ref(),
        reports.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files(&reports), ["example.md"]);
}

#[test]
fn init_writes_the_template_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("policy.toml");
    let run = scrisk(["init".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.contains("[concentration]"), "{text}");
    assert_eq!(files(dir.path()), ["policy.toml"]);
    let again = scrisk(["init".as_ref(), path.as_os_str()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}
