//! The v2 input of MODEL.md: qualified alternates (share 0) are listed in the markdown report
//! and change no number of sections 2–7; `--capacity` (or `[analysis] capacity = true`) turns on
//! the capacity model's input checks in every command that loads data.

use std::path::Path;

use crate::context::{read, TestContext};

/// Appends `rows` to the dataset's sourcing.csv.
fn append_rows(dataset: &Path, rows: &str) {
    let file = dataset.join("sourcing.csv");
    let text = read(&file) + rows;
    std::fs::write(file, text).expect("write sourcing.csv");
}

/// Drops column `col` from the dataset's sourcing.csv (the example's cells hold no commas).
fn drop_sourcing_column(dataset: &Path, col: &str) {
    let file = dataset.join("sourcing.csv");
    let text = read(&file);
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let i = header.iter().position(|h| *h == col).expect("column");
    let kept: String = text
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l
                .split(',')
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect();
            cells.join(",") + "\n"
        })
        .collect();
    std::fs::write(file, kept).expect("write sourcing.csv");
}

/// The JSON report's text and the markdown report of `dataset`, with the scenarios of the
/// example and a partial cut.
fn reports(ctx: &TestContext, dataset: &Path, out: &str) -> (String, String) {
    let run = ctx
        .analyze(dataset)
        .format_both()
        .cut("country:HU=0.5")
        .out(ctx.path(out))
        .run();
    run.assert_ok();
    (read(&run.report_path("json")), run.markdown())
}

#[test]
fn qualified_alternates_change_no_number_and_are_listed_in_the_report() {
    let ctx = TestContext::new();
    let plain = ctx.example("plain/example");
    let with = ctx.example("with/example");
    // Alternates for a single-source pair (leap/cell), for tychy's kit from a firm that
    // supplies tychy nothing else, one in-house and one from a firm that buys nothing (hub-jh
    // would become a supplier of catl-hu): share 0 makes each of them no edge.
    append_rows(
        &with,
        "leap,cell,catl-hu,0,0,5\ntychy,kit,tsmc,0,1000,\ncatl-hu,anode,catl-hu,0,0,\n\
         catl-hu,anode,hub-jh,0,0,\n",
    );
    let (json_plain, md_plain) = reports(&ctx, &plain, "plain-out");
    let (json_with, md_with) = reports(&ctx, &with, "with-out");
    assert_eq!(json_with, json_plain, "the JSON report is byte-identical");
    assert!(!md_plain.contains("Qualified alternates"));
    // The list, sorted by (buyer, component, supplier).
    let expected = "## Qualified alternates\n\n\
        Suppliers qualified for a component but not normally bought from (share 0); the what-if numbers above do not count on them.\n\n\
        | buyer | component | alternate supplier | country |\n\
        |---|---|---|---|\n\
        | catl-hu | anode | catl-hu | HU |\n\
        | catl-hu | anode | hub-jh | CN |\n\
        | leap | cell | catl-hu | HU |\n\
        | tychy | kit | tsmc | TW |\n\n";
    assert!(md_with.contains(expected), "{md_with}");
    // Apart from that section the markdown is the same too (the header's count of sourcing
    // rows included: alternates are not sourcing rows).
    assert_eq!(md_with.replace(expected, ""), md_plain);
}

#[test]
fn with_shares_derived_from_values_a_value_of_0_is_an_alternate() {
    let ctx = TestContext::new();
    let plain = ctx.example("plain/example");
    let with = ctx.example("with/example");
    for d in [&plain, &with] {
        drop_sourcing_column(d, "share");
    }
    // catl-hu quoted for leap's cells at 0 a year beside catl-nd's 600,000,000.
    append_rows(&with, "leap,cell,catl-hu,0,5\n");
    let (json_plain, _) = reports(&ctx, &plain, "plain-out");
    let (json_with, md_with) = reports(&ctx, &with, "with-out");
    assert_eq!(json_with, json_plain);
    assert!(md_with.contains("| leap | cell | catl-hu | HU |"));
}

#[test]
fn the_capacity_flag_turns_the_input_checks_on_in_every_command_that_loads() {
    let ctx = TestContext::new();
    let ds = ctx.example("example");
    // The example meets the model's needs: values on every row, output values on both end
    // firms (leap and tychy).
    ctx.validate(&ds).arg("--capacity").run().assert_ok();
    // Without tychy's output value it does not (and still loads without the model).
    let firms = read(&ds.join("firms.csv")).replace(
        "tychy,Stellantis Tychy,PL,,stellantis,oem,500000000,",
        "tychy,Stellantis Tychy,PL,,stellantis,oem,,",
    );
    std::fs::write(ds.join("firms.csv"), firms).expect("write");
    ctx.validate(&ds).run().assert_ok();
    let line = "firms.csv row 3, column annual_output_value: end firm \"tychy\" has no \
                annual_output_value; the capacity model needs the output value of every end firm";
    let out = ctx.path("out");
    for cmd in [
        ctx.validate(&ds),
        ctx.analyze(&ds).format_both().out(&out),
        ctx.whatif(&ds).cut("country:HU"),
        ctx.check(&ds),
    ] {
        let run = cmd.arg("--capacity").run();
        run.assert_error().assert_stderr_contains(line);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert!(!out.exists(), "nothing written");
}
