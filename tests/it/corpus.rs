//! The input corpus: every case in `tests/corpus/bad/` holds exactly one kind of problem (its
//! `CASE.md` says which, and quotes the lines scrisk must print for it); scrisk must report it
//! with file, row and column, exit 2 and write no report. This corpus is the one home of each
//! validation rule it covers; `src/ingest/tests.rs` holds only the rules it does not. Every
//! case in `tests/corpus/good/` is a valid quirk that must load.

use crate::context::{root, subdirs, TestContext};

#[test]
fn every_bad_case_is_reported_and_writes_nothing() {
    let ctx = TestContext::new();
    let cases = subdirs(&root().join("tests/corpus/bad"));
    assert!(cases.len() >= 39, "the corpus has {} cases", cases.len());
    for case in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let validate = ctx.validate(&case).run();
        validate.assert_error();
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
        insta::assert_snapshot!(format!("bad_{name}"), validate.snapshot());
        same_problems_as_json(&ctx, &case, &validate.stderr);

        // analyze reports the same problems and writes no report.
        let analyze = ctx.analyze(&case).format_both().run();
        analyze.assert_error();
        assert_eq!(analyze.stderr, validate.stderr, "{name}");
        assert!(
            analyze.written().is_empty(),
            "{name}: wrote {:?}",
            analyze.written()
        );
    }
}

/// `validate --format json` prints the same problems on stderr as the text format and lists
/// each of them, with its file, row and column, in the document on stdout: every problem line
/// of the text (which shows 50 per file) is a line rebuilt from the JSON fields of one.
fn same_problems_as_json(ctx: &TestContext, case: &std::path::Path, text_stderr: &str) {
    let name = case.display();
    let run = ctx.validate(case).format_json().run();
    run.assert_error();
    assert_eq!(run.stderr, text_stderr, "{name}");
    let doc = run.stdout_json();
    assert_eq!(doc["problems"], serde_json::json!([]), "{name}");
    let datasets = doc["datasets"].as_array().expect("datasets");
    assert_eq!(datasets.len(), 1, "{name}");
    assert_eq!(datasets[0]["valid"], false, "{name}");
    assert!(datasets[0]["summary"].is_null(), "{name}");
    let rebuilt: Vec<String> = datasets[0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["omitted"] == 0)
        .map(|p| {
            let file = p["file"].as_str().expect("file");
            let unit = if file.ends_with(".toml") {
                "line"
            } else {
                "row"
            };
            let place = match (p["row"].as_u64(), p["column"].as_str()) {
                (Some(r), Some(c)) => format!(" {unit} {r}, column {c}"),
                (Some(r), None) => format!(" {unit} {r}"),
                (None, Some(c)) => format!(", column {c}"),
                (None, None) => String::new(),
            };
            format!(
                "error: {file}{place}: {}",
                p["message"].as_str().expect("message")
            )
        })
        .collect();
    let printed: Vec<&str> = text_stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .filter(|l| !l.ends_with("more problems not shown") && !l.ends_with("and run again"))
        .collect();
    assert!(!printed.is_empty(), "{name}");
    for line in &printed {
        assert!(
            rebuilt.iter().any(|r| r == line),
            "{name}: `{line}` is not in the JSON:\n{rebuilt:#?}"
        );
    }
    assert!(rebuilt.len() >= printed.len(), "{name}");
}

#[test]
fn every_good_case_loads() {
    let ctx = TestContext::new();
    let corpus = root().join("tests/corpus/good");
    let cases = subdirs(&corpus);
    assert!(cases.len() >= 15);
    let mut summaries = String::new();
    for case in cases {
        let run = ctx.validate(&case).run();
        run.assert_ok();
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
    let ctx = TestContext::new();
    let corpus = root().join("tests/corpus/good");
    let report = |case: &str| {
        let run = ctx
            .analyze(corpus.join(case))
            .format_json()
            .out(ctx.path(case))
            .run();
        run.assert_ok();
        let mut v = run.json();
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
    let ctx = TestContext::new();
    let run = ctx.analyze(root().join("tests/corpus/multi")).run();
    run.assert_ok();
    assert_eq!(run.written(), ["alpha.md", "beta.md"]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn a_bad_dataset_among_good_ones_keeps_its_old_report_and_the_others_are_written() {
    let ctx = TestContext::new();
    ctx.copy("tests/corpus/multi/alpha", "all/alpha");
    ctx.copy("tests/corpus/bad/16-shares-sum-below-one", "all/broken");
    ctx.copy("tests/corpus/multi/beta", "all/zeta");
    let all = ctx.path("all");
    ctx.write("out/broken.md", "old report\n");
    let out = ctx.path("out");
    let run = ctx.analyze(&all).out(&out).run();
    run.assert_status(2)
        .assert_stderr_contains("broken/sourcing.csv row 2, column share");
    assert_eq!(run.written(), ["alpha.md", "broken.md", "zeta.md"]);
    assert_eq!(
        std::fs::read_to_string(out.join("broken.md")).expect("kept"),
        "old report\n"
    );
}
