//! The command line: help, exit codes, messages for wrong arguments.

use crate::util::{files, root, scrisk};

#[test]
fn help_names_every_command_and_the_exit_codes() {
    let run = scrisk(["--help"]);
    assert_eq!(run.code, 0);
    for needle in ["validate", "analyze", "Exit status", "2  error"] {
        assert!(
            run.stdout.contains(needle),
            "{needle} missing from:\n{}",
            run.stdout
        );
    }
    insta::assert_snapshot!("help", run.snapshot(&[]));
    let run = scrisk(["analyze", "--help"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("help_analyze", run.snapshot(&[]));
}

#[test]
fn validate_prints_one_summary_line() {
    let run = scrisk(["validate", "tests/fixtures/example"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "ok tests/fixtures/example: 11 firms, 9 components, 18 sourcing rows, 2 end firms, 5 countries, 1 cycle\n"
    );
}

#[test]
fn a_missing_path_is_an_error() {
    let run = scrisk(["validate", "no/such/dir"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("missing_path", run.snapshot(&[]));
}

#[test]
fn a_directory_without_datasets_is_an_error() {
    let run = scrisk(["validate", "tests/corpus/multi/notes"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("notes"), "{}", run.stderr);
}

#[test]
fn cut_typos_are_errors_not_zero_impact() {
    let out = tempfile::tempdir().expect("temp dir");
    for (cut, expect) in [
        ("firm:catl-ndd", "matches no firm"),
        ("country:XX", "matches no firm"),
        ("plant:catl-nd", "unknown selector kind"),
        ("firm:catl-nd=1.5", "outside (0, 1]"),
        ("firm:catl-nd=0", "outside (0, 1]"),
        ("firm:catl-nd=abc", "abc"),
        ("region:zhejiang", "matches no firm"),
    ] {
        let run = scrisk([
            "analyze".as_ref(),
            "tests/fixtures/example".as_ref(),
            "--cut".as_ref(),
            cut.as_ref(),
            "--out".as_ref(),
            out.path().as_os_str(),
        ]);
        assert_eq!(run.code, 2, "{cut}");
        assert!(run.stderr.contains(expect), "{cut}: {}", run.stderr);
    }
    assert!(files(out.path()).is_empty());
}

#[test]
fn country_cuts_are_case_insensitive() {
    let out = tempfile::tempdir().expect("temp dir");
    let report = |cut: &str| {
        let run = scrisk([
            "analyze".as_ref(),
            "tests/fixtures/example".as_ref(),
            "--cut".as_ref(),
            cut.as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--out".as_ref(),
            out.path().as_os_str(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v = crate::util::json(
            &std::fs::read_to_string(out.path().join("example.json")).expect("report"),
        );
        v["scenarios"][3].clone()
    };
    let lower = report("country:tw");
    let upper = report("country:TW");
    assert_eq!(lower["total_value_at_risk"], upper["total_value_at_risk"]);
    assert_eq!(lower["total_value_at_risk"].as_f64(), Some(2.5e9));
}

#[test]
fn an_output_directory_that_cannot_be_written_is_an_error() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "not a directory").expect("write");
    let run = scrisk([
        "analyze".as_ref(),
        "tests/fixtures/example".as_ref(),
        "--out".as_ref(),
        blocker.join("reports").as_os_str(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot create output directory"),
        "{}",
        run.stderr
    );
    let _ = root();
}

#[test]
fn whatif_answers_on_stdout_without_writing_reports() {
    let run = scrisk([
        "whatif",
        "tests/fixtures/example",
        "--cut",
        "country:cn=0.5",
        "--days",
        "60",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // By hand: every Chinese firm keeps half its capacity. Leapmotor is Chinese itself (TTS 0,
    // 60 exposure days); Tychy's kits come from Leapmotor and its cells from European plants
    // whose anodes are all Chinese, so it also keeps half.
    assert!(run.stdout.contains(
        "| Leapmotor (Jinhua) (leap) | 50.0% | 50.0% | USD 1.00 bn | 0.0 | 60.0 | USD 164.4 m |"
    ), "{}", run.stdout);
    assert!(
        run.stdout.contains("total value at risk USD 1.25 bn"),
        "{}",
        run.stdout
    );
    assert!(!root().join("reports/example.md").exists());
    insta::assert_snapshot!("whatif", run.snapshot(&[]));

    let typo = scrisk(["whatif", "tests/fixtures/example", "--cut", "firm:catl-ndd"]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("matches no firm"), "{}", typo.stderr);
    let no_cut = scrisk(["whatif", "tests/fixtures/example"]);
    assert_eq!(no_cut.code, 2, "a question needs a cut");
}

#[test]
fn a_killed_run_leaves_each_report_old_or_new() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("net");
    let gen = scrisk([
        "generate".as_ref(),
        data.as_os_str(),
        "--firms".as_ref(),
        "20000".as_ref(),
    ]);
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    // The complete new reports, from an uninterrupted run.
    let full = tmp.path().join("full");
    let run = scrisk([
        "analyze".as_ref(),
        data.as_os_str(),
        "--format".as_ref(),
        "both".as_ref(),
        "--out".as_ref(),
        full.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let new_md = std::fs::read(full.join("net.md")).expect("md");
    let new_json = std::fs::read(full.join("net.json")).expect("json");
    for delay_ms in [50u64, 400, 900, 1500] {
        let out = tmp.path().join(format!("out-{delay_ms}"));
        std::fs::create_dir_all(&out).expect("out");
        std::fs::write(out.join("net.md"), "old markdown\n").expect("old");
        std::fs::write(out.join("net.json"), "{\"old\": true}\n").expect("old");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scrisk"))
            .args(["analyze", "--format", "both", "--no-progress", "--out"])
            .arg(&out)
            .arg(&data)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let md = std::fs::read(out.join("net.md")).expect("a report is always there");
        let json = std::fs::read(out.join("net.json")).expect("a report is always there");
        assert!(
            md == b"old markdown\n" || md == new_md,
            "mixed markdown after {delay_ms} ms"
        );
        assert!(
            json == b"{\"old\": true}\n" || json == new_json,
            "mixed JSON after {delay_ms} ms"
        );
    }
}
