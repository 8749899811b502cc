//! Input formats: the same data as CSV and as Parquet gives the same report.

use std::path::Path;

use polars::prelude::*;

use crate::util::{copy_dir, json, root, scrisk};

/// Rewrites `dir/<table>.csv` as `dir/<table>.parquet`, with the column types Polars infers
/// (numbers as Int64/Float64, text as String), as an analyst's Parquet export would have them.
fn csv_to_parquet(dir: &Path, table: &str) {
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

fn json_report(dataset: &Path) -> serde_json::Value {
    let out = tempfile::tempdir().expect("temp dir");
    let run = scrisk([
        "analyze".as_ref(),
        dataset.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
        "--cut".as_ref(),
        "country:HU=0.5".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = dataset
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    json(&std::fs::read_to_string(out.path().join(format!("{name}.json"))).expect("report"))
}

#[test]
fn parquet_and_csv_of_the_same_data_give_the_same_json() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let csv = tmp.path().join("csv").join("example");
    let parquet = tmp.path().join("parquet").join("example");
    copy_dir(&root().join("tests/fixtures/example"), &csv);
    copy_dir(&root().join("tests/fixtures/example"), &parquet);
    csv_to_parquet(&parquet, "firms");
    csv_to_parquet(&parquet, "sourcing");
    assert!(!parquet.join("sourcing.csv").exists());
    let a = json_report(&csv);
    let b = json_report(&parquet);
    assert_eq!(a, b);
    assert!(a["pairs"].as_array().is_some_and(|p| !p.is_empty()));
}

#[test]
fn a_table_given_twice_is_an_error() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ds = tmp.path().join("twice");
    copy_dir(&root().join("tests/fixtures/example"), &ds);
    std::fs::copy(ds.join("firms.csv"), tmp.path().join("firms.csv")).expect("copy");
    csv_to_parquet(&ds, "firms");
    std::fs::copy(tmp.path().join("firms.csv"), ds.join("firms.csv")).expect("copy back");
    let run = scrisk(["validate".as_ref(), ds.as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("firms"), "{}", run.stderr);
}

#[test]
fn a_file_that_is_not_parquet_is_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ds = tmp.path().join("fake");
    copy_dir(&root().join("tests/fixtures/example"), &ds);
    std::fs::rename(ds.join("firms.csv"), ds.join("firms.parquet")).expect("rename");
    let run = scrisk(["validate".as_ref(), ds.as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("firms.parquet"), "{}", run.stderr);
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
    let tmp = tempfile::tempdir().expect("temp dir");
    let csv = tmp.path().join("csv").join("example");
    copy_dir(&root().join("tests/fixtures/example"), &csv);
    // A directory holding a workbook plus the .toml files is a dataset.
    let book_dir = tmp.path().join("xlsx").join("example");
    std::fs::create_dir_all(&book_dir).expect("dir");
    csv_to_xlsx(&csv, &book_dir.join("supply-base.xlsx"), None);
    for f in ["scenarios.toml", "dataset.toml"] {
        std::fs::copy(csv.join(f), book_dir.join(f)).expect("copy toml");
    }
    let a = json_report(&csv);
    let b = json_report(&book_dir);
    assert_eq!(a, b);
    assert_eq!(b["scenarios"].as_array().map(Vec::len), Some(4));

    // The workbook alone is a dataset too, named after the file (and without scenarios).
    let run = scrisk([
        "validate".as_ref(),
        book_dir.join("supply-base.xlsx").as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("11 firms, 9 components, 18 sourcing rows"),
        "{}",
        run.stdout
    );
}

#[test]
fn xlsx_problems_name_the_sheet_row_and_column() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let book = tmp.path().join("bad.xlsx");
    // Row index 4 of the sheet is spreadsheet row 5; column 3 is `share`.
    csv_to_xlsx(
        &root().join("tests/fixtures/example"),
        &book,
        Some(("sourcing", 4, 3, "abc")),
    );
    let run = scrisk(["validate".as_ref(), book.as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("bad.xlsx sheet sourcing row 5, column share: \"abc\" is not a number"),
        "{}",
        run.stderr
    );
    // A workbook without the sheets is reported, not a panic.
    let empty = tmp.path().join("empty.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("notes").expect("name");
    wb.save(&empty).expect("save");
    let run = scrisk(["validate".as_ref(), empty.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("has no sheet named firms"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("has no sheet named sourcing"),
        "{}",
        run.stderr
    );
    // Neither is a file that only claims to be a workbook.
    let fake = tmp.path().join("fake.xlsx");
    std::fs::write(&fake, "firm_id,name\n").expect("write");
    let run = scrisk(["validate".as_ref(), fake.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read as an .xlsx workbook"),
        "{}",
        run.stderr
    );
}
