//! The settings stage: flags are checked before any dataset is read, each problem is reported
//! once, and a run that would lose a report refuses before writing anything.

use crate::context::{files, TestContext};

#[test]
fn a_bad_cut_is_reported_once_before_any_dataset_is_read() {
    let ctx = TestContext::new();
    // Two datasets and a path that does not exist: the cut is judged first, and only once.
    let run = ctx
        .analyze("datasets")
        .arg("no/such/dir")
        .cut("plant:x")
        .run();
    run.assert_error();
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
    assert!(run.written().is_empty(), "nothing was written");
}

#[test]
fn bad_days_and_dates_are_usage_errors() {
    let ctx = TestContext::new();
    let days = "expected a number of days >= 0";
    let date = "expected a calendar date written YYYY-MM-DD";
    for (run, message) in [
        (
            ctx.whatif("datasets")
                .cut("country:CN")
                .args(["--days", "-3"]),
            days,
        ),
        (
            ctx.whatif("datasets")
                .cut("country:CN")
                .args(["--recovery-days", "NaN"]),
            days,
        ),
        (ctx.check("datasets").today("2026-1-1"), date),
        (ctx.check("datasets").today("2026-02-30"), date),
    ] {
        let run = run.run();
        run.assert_error().assert_stderr_contains(message);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn two_datasets_with_one_name_are_refused_before_anything_is_written() {
    let ctx = TestContext::new();
    let a = ctx.example("a/example");
    let b = ctx.example("b/Example");
    let run = ctx.analyze(&a).arg(&b).run();
    run.assert_error()
        .assert_stderr_contains("would all write the same report file");
    assert!(
        run.written().is_empty(),
        "nothing was written: {:?}",
        run.written()
    );
    // Apart, each is analysed.
    let run = ctx.analyze(&a).run();
    run.assert_ok();
    assert_eq!(run.written(), ["example.md"]);
}

#[test]
fn init_writes_the_template_and_leaves_no_temporary_file() {
    let ctx = TestContext::new();
    let path = ctx.path("policy.toml");
    ctx.init(&path).run().assert_ok();
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.contains("[concentration]"), "{text}");
    assert_eq!(files(ctx.temp()), ["policy.toml"]);
    ctx.init(&path)
        .run()
        .assert_error()
        .assert_stderr_contains("already exists");
}
