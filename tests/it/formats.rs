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
