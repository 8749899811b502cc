//! Input formats: the same data as CSV and as Parquet gives the same report.

use std::path::Path;

use polars::prelude::*;

use crate::context::{root, scrisk_snapshot, TestContext, EXAMPLE};

/// Rewrites `dir/<table>.csv` as `dir/<table>.parquet`, with the column types Polars infers
/// (numbers as Int64/Float64, text as String), as an analyst's Parquet export would have them.
pub(crate) fn csv_to_parquet(dir: &Path, table: &str) {
    let csv = dir.join(format!("{table}.csv"));
    let mut df = PlRefPath::try_from_path(&csv)
        .and_then(|p| LazyCsvReader::new(p).with_has_header(true).finish())
        .and_then(|lf| lf.collect())
        .expect("the fixture reads as CSV");
    let mut file =
        std::fs::File::create(dir.join(format!("{table}.parquet"))).expect("create parquet");
    ParquetWriter::new(&mut file)
        .finish(&mut df)
        .expect("write parquet");
    std::fs::remove_file(csv).expect("remove csv");
}

/// The JSON report of `dataset`, with a cut so that the scenario code is compared too.
fn json_report(ctx: &TestContext, dataset: &Path) -> serde_json::Value {
    let run = ctx
        .analyze(dataset)
        .format_json()
        .cut("country:HU=0.5")
        .out(ctx.path("json-report"))
        .run();
    run.assert_ok();
    let report = run.json();
    std::fs::remove_dir_all(run.out_dir()).expect("remove the report");
    report
}

#[test]
fn parquet_and_csv_of_the_same_data_give_the_same_json() {
    let ctx = TestContext::new();
    let csv = ctx.example("csv/example");
    let parquet = ctx.example("parquet/example");
    csv_to_parquet(&parquet, "firms");
    csv_to_parquet(&parquet, "sourcing");
    assert!(!parquet.join("sourcing.csv").exists());
    let a = json_report(&ctx, &csv);
    let b = json_report(&ctx, &parquet);
    assert_eq!(a, b);
    assert!(a["pairs"].as_array().is_some_and(|p| !p.is_empty()));
}

#[test]
fn a_table_given_twice_is_an_error() {
    let ctx = TestContext::new();
    let ds = ctx.example("twice");
    std::fs::copy(ds.join("firms.csv"), ctx.path("firms.csv")).expect("copy");
    csv_to_parquet(&ds, "firms");
    std::fs::copy(ctx.path("firms.csv"), ds.join("firms.csv")).expect("copy back");
    scrisk_snapshot!(ctx.validate(&ds), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: [TEMP]/twice/firms: both firms.csv and firms.parquet exist; keep one so it is clear which is meant
    error: [TEMP]/twice: 1 problem found; fix it and run again
    "#).assert_error();
}

#[test]
fn a_file_that_is_not_parquet_is_reported() {
    let ctx = TestContext::new();
    let ds = ctx.example("fake");
    std::fs::rename(ds.join("firms.csv"), ds.join("firms.parquet")).expect("rename");
    // The rest of the message is the Parquet reader's.
    let run = ctx.validate(&ds).run();
    run.assert_error()
        .assert_stderr_contains("error: [TEMP]/fake/firms.parquet: cannot read as Parquet: ")
        .assert_stderr_contains("error: [TEMP]/fake: 1 problem found; fix it and run again");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// Writes the CSV tables of `from` as sheets of one workbook, numbers as numbers, text as text,
/// as an analyst's spreadsheet would hold them. `edit` may change a cell (sheet, row, column).
fn csv_to_xlsx(from: &Path, to: &Path, edit: Option<(&str, u32, u16, &str)>) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for table in ["firms", "sourcing", "components"] {
        let csv = from.join(format!("{table}.csv"));
        if !csv.exists() {
            continue;
        }
        let sheet = book.add_worksheet();
        sheet.set_name(table).expect("sheet name");
        let text = std::fs::read_to_string(&csv).expect("read csv");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        for (r, record) in reader.records().enumerate() {
            let record = record.expect("fixture record");
            for (c, field) in record.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let field = match edit {
                    Some((t, er, ec, v)) if t == table && er == r && ec == c => v,
                    _ => field,
                };
                match field.parse::<f64>() {
                    Ok(v) if r > 0 => sheet.write_number(r, c, v).map(|_| ()),
                    _ if field.is_empty() => Ok(()),
                    _ => sheet.write_string(r, c, field).map(|_| ()),
                }
                .expect("write cell");
            }
        }
    }
    book.save(to).expect("save workbook");
}

#[test]
fn an_xlsx_workbook_gives_the_same_json_as_the_csv_dataset() {
    let ctx = TestContext::new();
    let csv = ctx.example("csv/example");
    // A directory holding a workbook plus the .toml files is a dataset.
    let book_dir = ctx.path("xlsx/example");
    std::fs::create_dir_all(&book_dir).expect("dir");
    csv_to_xlsx(&csv, &book_dir.join("supply-base.xlsx"), None);
    for f in ["scenarios.toml", "dataset.toml"] {
        std::fs::copy(csv.join(f), book_dir.join(f)).expect("copy toml");
    }
    let a = json_report(&ctx, &csv);
    let b = json_report(&ctx, &book_dir);
    assert_eq!(a, b);
    assert_eq!(b["scenarios"].as_array().map(Vec::len), Some(4));

    // The workbook alone is a dataset too, named after the file (and without scenarios).
    ctx.validate(book_dir.join("supply-base.xlsx"))
        .run()
        .assert_ok()
        .assert_stdout_contains("11 firms, 9 components, 18 sourcing rows");
}

#[test]
fn xlsx_problems_name_the_sheet_row_and_column() {
    let ctx = TestContext::new();
    let book = ctx.path("bad.xlsx");
    // Row index 4 of the sheet is spreadsheet row 5; column 3 is `share`.
    csv_to_xlsx(
        &root().join(EXAMPLE),
        &book,
        Some(("sourcing", 4, 3, "abc")),
    );
    scrisk_snapshot!(ctx.validate(&book), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: [TEMP]/bad.xlsx sheet sourcing row 5, column share: "abc" is not a number
      hint: a share is a fraction in [0, 1], e.g. 0.4 for 40%
    error: [TEMP]/bad.xlsx: 1 problem found; fix it and run again
    "#)
    .assert_error();
    // A workbook without the sheets is reported, not a panic.
    let empty = ctx.path("empty.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("notes").expect("name");
    wb.save(&empty).expect("save");
    scrisk_snapshot!(ctx.validate(&empty), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: [TEMP]/empty.xlsx: has no sheet named firms
      hint: a workbook dataset needs sheets firms and sourcing (components is optional)
    error: [TEMP]/empty.xlsx: has no sheet named sourcing
    error: [TEMP]/empty.xlsx: 2 problems found; fix them and run again
    "#)
    .assert_error();
    // Neither is a file that only claims to be a workbook.
    let fake = ctx.write("fake.xlsx", "firm_id,name\n");
    // The rest of the message is the zip reader's.
    ctx.validate(fake)
        .run()
        .assert_error()
        .assert_stderr_contains("error: [TEMP]/fake.xlsx: cannot read as an .xlsx workbook: ");
}

/// Adds the v2 firm columns to the dataset's firms.csv: capacity_value for catl-nd
/// (700,000,000; it delivers 600,000,000) and qcom (100,000,000, below the 120,000,000 it
/// delivers), stock_days for leap (2), catl-hu (3.5) and tsmc (10).
fn add_v2_firm_columns(dataset: &Path) {
    let file = dataset.join("firms.csv");
    let text = std::fs::read_to_string(&file).expect("read firms.csv");
    let with: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let extra = match (i, line.split(',').next()) {
                (0, _) => ",capacity_value,stock_days",
                (_, Some("catl-nd")) => ",700000000,",
                (_, Some("qcom")) => ",100000000,",
                (_, Some("leap")) => ",,2",
                (_, Some("catl-hu")) => ",,3.5",
                (_, Some("tsmc")) => ",,10",
                _ => ",,",
            };
            format!("{line}{extra}\n")
        })
        .collect();
    std::fs::write(file, with).expect("write firms.csv");
}

#[test]
fn the_v2_firm_columns_read_the_same_from_csv_parquet_and_xlsx() {
    let ctx = TestContext::new();
    let csv = ctx.example("csv/example");
    add_v2_firm_columns(&csv);
    let parquet = ctx.example("parquet/example");
    add_v2_firm_columns(&parquet);
    csv_to_parquet(&parquet, "firms");
    csv_to_parquet(&parquet, "sourcing");
    let book_dir = ctx.path("xlsx/example");
    std::fs::create_dir_all(&book_dir).expect("dir");
    csv_to_xlsx(&csv, &book_dir.join("supply-base.xlsx"), None);
    for f in ["scenarios.toml", "dataset.toml"] {
        std::fs::copy(csv.join(f), book_dir.join(f)).expect("copy toml");
    }
    let a = json_report(&ctx, &csv);
    assert_eq!(json_report(&ctx, &parquet), a);
    assert_eq!(json_report(&ctx, &book_dir), a);
    // stock_days is read: the cut of catl-hu (country:HU=0.5) reaches tychy over one edge of
    // 10 days, so TTS = 3.5 (catl-hu's finished stock) + 10 + 0 (tychy has none) = 13.5 days,
    // where the example without the column has 10.
    let cli = a["scenarios"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "cli"))
        .expect("the cli scenario");
    let tychy = cli["end_firms"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["firm"] == "tychy"))
        .expect("tychy");
    assert_eq!(tychy["tts_days"], 13.5);
    // capacity_value is read: with the capacity model on, qcom's is below its deliveries (90M
    // to leap + 30M to tychy) in every format; catl-nd's is enough.
    for dataset in [&csv, &parquet, &book_dir] {
        let run = ctx.validate(dataset).arg("--capacity").run();
        run.assert_error().assert_stderr_contains(
            "row 7, column capacity_value: firm \"qcom\": capacity_value 100000000 is below its \
             normal output of 120000000 a year",
        );
        assert!(!run.stderr.contains("catl-nd"), "{}", run.stderr);
    }
}
