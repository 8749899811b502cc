//! The input corpus: every case in `tests/corpus/bad/` holds exactly one kind of problem (its
//! `CASE.md` says which, and quotes the lines scrisk must print for it); scrisk must report it
//! with file, row and column, exit 2 and write no report. This corpus is the one home of each
//! validation rule it covers; `src/ingest/tests.rs` holds only the rules it does not. Every
//! case in `tests/corpus/good/` is a valid quirk that must load.

use crate::util::{files, root, scrisk, subdirs};

#[test]
fn every_bad_case_is_reported_and_writes_nothing() {
    let corpus = root().join("tests/corpus/bad");
    let cases = subdirs(&corpus);
    assert!(cases.len() >= 39, "the corpus has {} cases", cases.len());
    for case in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let validate = scrisk(["validate".as_ref(), case.as_os_str()]);
        assert_eq!(validate.code, 2, "{name}: {}", validate.stderr);
        assert!(
            validate.stdout.is_empty(),
            "{name}: stdout {}",
            validate.stdout
        );
        assert!(
            validate.stderr.starts_with("error: "),
            "{name}: {}",
            validate.stderr
        );
        assert!(
            !validate.stderr.contains("panicked"),
            "{name}: {}",
            validate.stderr
        );
        // The file CASE.md names first is the one blamed.
        let case_md = std::fs::read_to_string(case.join("CASE.md")).expect("CASE.md");
        let blamed = case_md.split('`').nth(1).expect("CASE.md names a file");
        assert!(
            validate.stderr.contains(blamed),
            "{name}: CASE.md blames {blamed}, stderr is:\n{}",
            validate.stderr
        );
        // Each line CASE.md expects is printed as it stands (with the case's path before it).
        let expected: Vec<&str> = case_md
            .lines()
            .filter_map(|l| l.strip_prefix("    error: "))
            .collect();
        assert!(!expected.is_empty(), "{name}: CASE.md expects no line");
        let shown = validate.stderr.replace(&format!("{}/", case.display()), "");
        for line in expected {
            assert!(
                shown.lines().any(|l| l == format!("error: {line}")),
                "{name}: CASE.md expects `error: {line}`, stderr is:\n{}",
                validate.stderr
            );
        }
        insta::assert_snapshot!(
            format!("bad_{name}"),
            validate.snapshot(&[(&corpus, "[CORPUS]")])
        );

        // analyze reports the same problems and writes no report.
        let out = tempfile::tempdir().expect("temp dir");
        let analyze = scrisk([
            "analyze".as_ref(),
            case.as_os_str(),
            "--out".as_ref(),
            out.path().as_os_str(),
            "--format".as_ref(),
            "both".as_ref(),
        ]);
        assert_eq!(analyze.code, 2, "{name}");
        assert_eq!(analyze.stderr, validate.stderr, "{name}");
        assert!(
            files(out.path()).is_empty(),
            "{name}: wrote {:?}",
            files(out.path())
        );
    }
}

#[test]
fn every_good_case_loads() {
    let corpus = root().join("tests/corpus/good");
    let cases = subdirs(&corpus);
    assert!(cases.len() >= 15);
    let mut summaries = String::new();
    for case in cases {
        let run = scrisk(["validate".as_ref(), case.as_os_str()]);
        assert_eq!(run.code, 0, "{}: {}", case.display(), run.stderr);
        summaries.push_str(
            &run.stdout
                .replace(&corpus.display().to_string(), "[CORPUS]"),
        );
    }
    insta::assert_snapshot!("good_summaries", summaries);
}

#[test]
fn quirks_do_not_change_the_data() {
    // BOM, CRLF, header case and spaces, lower-case countries and a missing final newline are
    // the same dataset as the plain one: their JSON reports agree apart from the name.
    let corpus = root().join("tests/corpus/good");
    let report = |case: &str| {
        let out = tempfile::tempdir().expect("temp dir");
        let run = scrisk([
            "analyze".as_ref(),
            corpus.join(case).as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
            "--out".as_ref(),
            out.path().as_os_str(),
        ]);
        assert_eq!(run.code, 0, "{case}: {}", run.stderr);
        let mut v = crate::util::json(
            &std::fs::read_to_string(out.path().join(format!("{case}.json"))).expect("report"),
        );
        v["dataset"] = "x".into();
        v
    };
    let plain = report("with-components");
    for case in [
        "bom",
        "crlf",
        "header-case-spaces",
        "lowercase-country",
        "no-final-newline",
    ] {
        // Names and scenarios may differ (lowercase-country adds one); ids and numbers may not.
        let got = report(case);
        assert_eq!(got["pairs"], plain["pairs"], "{case}");
        assert_eq!(got["components"], plain["components"], "{case}");
        assert_eq!(got["sweep"], plain["sweep"], "{case}");
    }
}

#[test]
fn a_directory_of_datasets_is_analysed_one_by_one() {
    let multi = root().join("tests/corpus/multi");
    let out = tempfile::tempdir().expect("temp dir");
    let run = scrisk([
        "analyze".as_ref(),
        multi.as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files(out.path()), ["alpha.md", "beta.md"]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn a_bad_dataset_among_good_ones_keeps_its_old_report_and_the_others_are_written() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let all = tmp.path().join("all");
    crate::util::copy_dir(&root().join("tests/corpus/multi/alpha"), &all.join("alpha"));
    crate::util::copy_dir(
        &root().join("tests/corpus/bad/16-shares-sum-below-one"),
        &all.join("broken"),
    );
    crate::util::copy_dir(&root().join("tests/corpus/multi/beta"), &all.join("zeta"));
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("broken.md"), "old report\n").expect("old report");
    let run = scrisk([
        "analyze".as_ref(),
        all.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(files(&out), ["alpha.md", "broken.md", "zeta.md"]);
    assert_eq!(
        std::fs::read_to_string(out.join("broken.md")).expect("kept"),
        "old report\n"
    );
    assert!(
        run.stderr
            .contains("broken/sourcing.csv row 2, column share"),
        "{}",
        run.stderr
    );
}
