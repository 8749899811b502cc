//! The command line: help, exit codes, messages for wrong arguments.

use clap::CommandFactory;

use crate::context::{root, scrisk_snapshot, TestContext, EXAMPLE};

#[test]
fn the_command_line_definition_is_consistent() {
    // clap's own checks (conflicting names, bad defaults, ...) that otherwise only fail at run
    // time when the broken flag is used.
    scrisk::cli::Cli::command().debug_assert();
}

#[test]
fn help_names_every_command_and_the_exit_codes() {
    let ctx = TestContext::new();
    let run = scrisk_snapshot!("help", ctx.scrisk().arg("--help"));
    run.assert_ok();
    for needle in ["validate", "analyze", "Exit status", "2  error"] {
        run.assert_stdout_contains(needle);
    }
}

#[test]
fn every_subcommand_has_help() {
    // The list comes from the command-line definition, so a new subcommand gets a snapshot
    // (and fails here until it is reviewed) without anyone remembering to add it.
    let ctx = TestContext::new();
    let names: Vec<String> = scrisk::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let run = scrisk_snapshot!(format!("help_{name}"), ctx.command(&name).arg("--help"));
        run.assert_ok().assert_stdout_contains("Usage: scrisk ");
        run.assert_stdout_contains("Exit status");
        assert!(run.stderr.is_empty(), "{name}: {}", run.stderr);
    }
}

#[test]
fn validate_prints_one_summary_line() {
    let ctx = TestContext::new();
    let run = ctx.validate(EXAMPLE).run();
    run.assert_ok();
    assert_eq!(
        run.stdout,
        "ok tests/fixtures/example: 11 firms, 9 components, 18 sourcing rows, 2 end firms, 5 countries, 1 cycle\n"
    );
}

#[test]
fn validate_as_json_gives_the_counts_of_the_summary_line() {
    let ctx = TestContext::new();
    let run = ctx.validate(EXAMPLE).format_json().run();
    run.assert_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let doc = run.stdout_json();
    assert_eq!(doc["problems"], serde_json::json!([]));
    let ds = &doc["datasets"][0];
    assert_eq!(ds["path"], EXAMPLE);
    assert_eq!(ds["valid"], true);
    assert_eq!(ds["problems"], serde_json::json!([]));
    // The numbers of the text line checked in validate_prints_one_summary_line.
    assert_eq!(
        ds["summary"],
        serde_json::json!({"firms": 11, "components": 9, "sourcing_rows": 18, "end_firms": 2,
            "countries": 5, "cycles": 1})
    );
}

#[test]
fn validate_as_json_lists_a_path_without_datasets() {
    let ctx = TestContext::new();
    let run = ctx.validate("no/such/dir").format_json().run();
    run.assert_error();
    let doc = run.stdout_json();
    assert_eq!(doc["datasets"], serde_json::json!([]));
    assert_eq!(doc["problems"][0]["file"], "no/such/dir");
    assert!(run.stderr.contains("no/such/dir"), "{}", run.stderr);
}

#[test]
fn a_missing_path_is_an_error() {
    let ctx = TestContext::new();
    scrisk_snapshot!("missing_path", ctx.validate("no/such/dir")).assert_error();
}

#[test]
fn a_directory_without_datasets_is_an_error() {
    let ctx = TestContext::new();
    ctx.validate("tests/corpus/multi/notes")
        .run()
        .assert_error()
        .assert_stderr_contains("notes");
}

#[test]
fn cut_typos_are_errors_not_zero_impact() {
    let ctx = TestContext::new();
    for (cut, expect) in [
        ("firm:catl-ndd", "matches no firm"),
        ("country:XX", "matches no firm"),
        ("plant:catl-nd", "unknown selector kind"),
        ("firm:catl-nd=1.5", "outside (0, 1]"),
        ("firm:catl-nd=0", "outside (0, 1]"),
        ("firm:catl-nd=abc", "abc"),
        ("region:zhejiang", "matches no firm"),
    ] {
        let run = ctx.analyze(EXAMPLE).cut(cut).run();
        run.assert_error().assert_stderr_contains(expect);
        assert!(run.written().is_empty(), "{cut}: wrote {:?}", run.written());
    }
}

#[test]
fn country_cuts_are_case_insensitive() {
    let ctx = TestContext::new();
    let report = |cut: &str| {
        let run = ctx.analyze(EXAMPLE).cut(cut).format_json().run();
        run.assert_ok();
        run.json()["scenarios"][3].clone()
    };
    let lower = report("country:tw");
    let upper = report("country:TW");
    assert_eq!(lower["total_value_at_risk"], upper["total_value_at_risk"]);
    assert_eq!(lower["total_value_at_risk"].as_f64(), Some(2.5e9));
}

#[test]
fn an_output_directory_that_cannot_be_written_is_an_error() {
    let ctx = TestContext::new();
    let blocker = ctx.write("file", "not a directory");
    ctx.analyze(EXAMPLE)
        .out(blocker.join("reports"))
        .run()
        .assert_error()
        .assert_stderr_contains("cannot create output directory");
}

#[test]
fn whatif_answers_on_stdout_without_writing_reports() {
    let ctx = TestContext::new();
    let run = scrisk_snapshot!(
        "whatif",
        ctx.whatif(EXAMPLE)
            .cut("country:cn=0.5")
            .arg("--days")
            .arg("60")
    );
    run.assert_ok();
    // By hand: every Chinese firm keeps half its capacity. Leapmotor is Chinese itself (TTS 0,
    // 60 exposure days); Tychy's kits come from Leapmotor and its cells from European plants
    // whose anodes are all Chinese, so it also keeps half.
    // Lost output over the outage first: 2.0 bn × 0.5 × 60 / 365 = 164.4 m for Leapmotor,
    // 0.5 bn × 0.5 × 40 / 365 = 27.4 m for Tychy; the annual figure after it.
    run.assert_stdout_contains(
        "| leap | short for 60 days | USD 164.4 m | 0 | 50.0% | 50.0% | USD 1.00 bn |",
    );
    run.assert_stdout_contains(
        "Lost output over the outage: USD 191.8 m; annual output at risk (if the outage lasted a year): USD 1.25 bn.",
    );
    assert!(!root().join("reports/example.md").exists());

    ctx.whatif(EXAMPLE)
        .cut("firm:catl-ndd")
        .run()
        .assert_error()
        .assert_stderr_contains("matches no firm");
    // A question needs a cut (a clap usage error, also exit 2).
    ctx.whatif(EXAMPLE)
        .run()
        .assert_error()
        .assert_stderr_contains("--cut");
}
