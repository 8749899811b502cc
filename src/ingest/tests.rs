//! Unit tests of [`super::load`]: one test per validation rule of MODEL.md §1, each on a tiny
//! dataset written into a temporary directory, asserting the file, the row (as a spreadsheet
//! shows it: header = row 1), the column and the message of every problem.

use std::ffi::OsStr;
use std::path::Path;

use tempfile::TempDir;

use super::{load, LoadOptions};
use crate::model::{Dataset, ShareSource};
use crate::problem::{render, Problem, PROBLEMS_PER_FILE};

/// Three firms: an automaker and two suppliers.
const FIRMS: &str =
    "firm_id,name,country\noem,Car Maker,CN\ns1,Supplier One,DE\ns2,Supplier Two,JP\n";
/// The automaker buys cells from both suppliers.
const SOURCING: &str = "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\n";

/// A dataset directory holding `files` (name, contents).
fn dataset(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write a dataset file");
}

/// Loads a dataset that must be valid.
#[track_caller]
fn load_ok_with(dir: &TempDir, opts: LoadOptions) -> Dataset {
    match load(dir.path(), opts) {
        Ok(d) => d,
        Err(ps) => panic!("expected the dataset to load, got:\n{}", render(&ps)),
    }
}

#[track_caller]
fn load_ok(dir: &TempDir) -> Dataset {
    load_ok_with(dir, LoadOptions::default())
}

/// Loads a dataset that must be rejected; its problems.
#[track_caller]
fn load_err_with(dir: &TempDir, opts: LoadOptions) -> Vec<Problem> {
    match load(dir.path(), opts) {
        Ok(d) => panic!(
            "expected problems, the dataset loaded with {} firms and {} sourcing rows",
            d.firms.len(),
            d.sourcing.len()
        ),
        Err(ps) => {
            assert!(!ps.is_empty(), "load failed without a problem");
            ps
        }
    }
}

#[track_caller]
fn load_err(dir: &TempDir) -> Vec<Problem> {
    load_err_with(dir, LoadOptions::default())
}

/// Whether `p` is about the file named `file` (the last path component, exactly).
fn in_file(p: &Problem, file: &str) -> bool {
    Path::new(&p.file).file_name() == Some(OsStr::new(file))
}

/// The problem of `file` at `row` and `column` whose message contains `fragment`; panics,
/// listing every problem, when there is none.
#[track_caller]
fn find<'a>(
    problems: &'a [Problem],
    file: &str,
    row: Option<usize>,
    column: Option<&str>,
    fragment: &str,
) -> &'a Problem {
    problems
        .iter()
        .find(|p| {
            in_file(p, file)
                && p.row == row
                && p.column.as_deref() == column
                && p.message.contains(fragment)
        })
        .unwrap_or_else(|| {
            panic!(
                "no problem in {file} at row {row:?}, column {column:?} containing {fragment:?}; got:\n{}",
                render(problems)
            )
        })
}

/// Asserts the number of problems, listing them when it differs.
#[track_caller]
fn assert_count(problems: &[Problem], n: usize) {
    assert_eq!(
        problems.len(),
        n,
        "expected {n} problems, got:\n{}",
        render(problems)
    );
}

fn firm<'a>(d: &'a Dataset, id: &str) -> &'a crate::model::Firm {
    let i = d.firm_index(id).unwrap_or_else(|| panic!("no firm {id}"));
    &d.firms[i]
}

/// The share of the row (buyer, component, supplier).
fn share(d: &Dataset, buyer: &str, component: &str, supplier: &str) -> f64 {
    let (b, s) = (
        d.firm_index(buyer).unwrap(),
        d.firm_index(supplier).unwrap(),
    );
    let k = d
        .components
        .iter()
        .position(|c| c.id == component)
        .unwrap_or_else(|| panic!("no component {component}"));
    d.sourcing
        .iter()
        .find(|r| r.buyer == b && r.component == k && r.supplier == s)
        .unwrap_or_else(|| panic!("no row {buyer},{component},{supplier}"))
        .share
}

// ---------------------------------------------------------------------------------------------
// Files

#[test]
fn missing_firms_file_is_reported() {
    let dir = dataset(&[("sourcing.csv", SOURCING)]);
    let ps = load_err(&dir);
    let p = find(&ps, "firms.csv", None, None, "is missing");
    assert!(p.hint.as_deref().unwrap().contains("firms.parquet"));
    assert_count(&ps, 1);
}

#[test]
fn missing_sourcing_file_is_reported() {
    let dir = dataset(&[("firms.csv", FIRMS)]);
    let ps = load_err(&dir);
    find(&ps, "sourcing.csv", None, None, "is missing");
    assert_count(&ps, 1);
}

#[test]
fn both_csv_and_parquet_of_one_table_is_an_error() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("firms.parquet", "not parquet"),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms",
        None,
        None,
        "both firms.csv and firms.parquet exist",
    );
}

#[test]
fn empty_file_is_reported() {
    let dir = dataset(&[("firms.csv", ""), ("sourcing.csv", SOURCING)]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        None,
        None,
        "file is empty (no header row)",
    );
    assert_count(&ps, 1);
}

#[test]
fn header_without_rows_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", "buyer_id,component,supplier_id,share\n"),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        None,
        None,
        "has a header but no data rows",
    );
    assert_count(&ps, 1);
}

// ---------------------------------------------------------------------------------------------
// Header

#[test]
fn missing_required_firms_column_is_reported_on_the_header_row() {
    let dir = dataset(&[
        ("firms.csv", "firm_id,name\noem,Car Maker\ns1,S1\ns2,S2\n"),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "firms.csv",
        Some(1),
        Some("country"),
        "required column is missing",
    );
    assert_eq!(p.hint.as_deref(), Some("the header has: firm_id, name"));
    assert_count(&ps, 1);
}

#[test]
fn missing_required_sourcing_column_is_reported_on_the_header_row() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", "buyer_id,component,share\noem,cell,1\n"),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(1),
        Some("supplier_id"),
        "required column is missing",
    );
    assert_count(&ps, 1);
}

#[test]
fn duplicate_column_is_reported() {
    // Same column after normalisation (case and spaces).
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country, Name\noem,Car Maker,CN,x\ns1,S1,DE,x\ns2,S2,JP,x\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(1),
        Some("name"),
        "column \"name\" appears more than once (column #4)",
    );
    assert_count(&ps, 1);
}

#[test]
fn unnamed_header_cell_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,,name,country\noem,x,Car Maker,CN\ns1,x,S1,DE\ns2,x,S2,JP\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(1),
        Some("#2"),
        "the header names no column here",
    );
    assert_count(&ps, 1);
}

// ---------------------------------------------------------------------------------------------
// firms

#[test]
fn empty_firm_id_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\n  ,Nameless,DE\ns1,S1,DE\ns2,S2,JP\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(3),
        Some("firm_id"),
        "is empty; every firm needs an id",
    );
    assert_count(&ps, 1);
}

#[test]
fn duplicate_firm_id_names_the_first_row() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,JP\ns1,S1 again,FR\ns1,thrice,FR\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(5),
        Some("firm_id"),
        "\"s1\" is used again (first on row 3)",
    );
    // A third use still names the first row, not the second.
    find(
        &ps,
        "firms.csv",
        Some(6),
        Some("firm_id"),
        "\"s1\" is used again (first on row 3)",
    );
    assert_count(&ps, 2);
}

#[test]
fn empty_name_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\ns1,,DE\ns2,S2,JP\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(3),
        Some("name"),
        "is empty; every firm needs a name",
    );
    assert_count(&ps, 1);
}

#[test]
fn invalid_country_code_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CHN\ns1,S1,UK\ns2,S2,QQ\ns3,S3,\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "firms.csv",
        Some(2),
        Some("country"),
        "\"CHN\" is not an ISO 3166-1 alpha-2 code",
    );
    assert!(p.hint.as_deref().unwrap().contains("two-letter"));
    let p = find(
        &ps,
        "firms.csv",
        Some(3),
        Some("country"),
        "\"UK\" is not an ISO 3166-1 alpha-2 code",
    );
    assert!(p.hint.as_deref().unwrap().contains("GB"));
    find(
        &ps,
        "firms.csv",
        Some(4),
        Some("country"),
        "\"QQ\" is not an ISO 3166-1 alpha-2 code",
    );
    let p = find(&ps, "firms.csv", Some(5), Some("country"), "is empty");
    assert!(p.hint.as_deref().unwrap().contains("ZZ"));
    assert_count(&ps, 4);
}

#[test]
fn lower_case_country_is_accepted_and_upper_cased() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,cn\ns1,S1, De \ns2,S2,jP\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "oem").country, "CN");
    assert_eq!(firm(&d, "s1").country, "DE");
    assert_eq!(firm(&d, "s2").country, "JP");
}

#[test]
fn user_assigned_country_codes_are_accepted() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,XA\ns1,S1,XZ\ns2,S2,ZZ\ns3,S3,xm\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.countries(), vec!["XA", "XM", "XZ", "ZZ"]);
}

#[test]
fn negative_annual_output_value_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,annual_output_value\noem,Car Maker,CN,-100\ns1,S1,DE,\ns2,S2,JP,0\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(2),
        Some("annual_output_value"),
        "-100 is negative; it must be >= 0",
    );
    assert_count(&ps, 1);
}

#[test]
fn negative_recovery_days_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,recovery_days\noem,Car Maker,CN,30\ns1,S1,DE,-2.5\ns2,S2,JP,\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(3),
        Some("recovery_days"),
        "-2.5 is negative; it must be >= 0",
    );
    assert_count(&ps, 1);
}

#[test]
fn firm_number_that_is_not_a_number_is_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,recovery_days\noem,Car Maker,CN,30 days\ns1,S1,DE,\ns2,S2,JP,\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(2),
        Some("recovery_days"),
        "\"30 days\" is not a number",
    );
    assert_count(&ps, 1);
}

// ---------------------------------------------------------------------------------------------
// sourcing: shares

#[test]
fn share_that_is_not_a_number_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,60%\noem,cell,s2,0.4\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "sourcing.csv",
        Some(2),
        Some("share"),
        "\"60%\" is not a number",
    );
    assert!(p.hint.as_deref().unwrap().contains("(0, 1]"));
    // The pair has a rejected row, so its sum is not checked as well.
    assert_count(&ps, 1);
}

#[test]
fn share_zero_negative_or_above_one_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\n\
             oem,cell,s1,0\n\
             oem,chip,s1,1.5\n\
             oem,pack,s2,-0.2\n\
             oem,seat,s2,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(2),
        Some("share"),
        "0 is outside (0, 1]",
    );
    find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("share"),
        "1.5 is outside (0, 1]",
    );
    find(
        &ps,
        "sourcing.csv",
        Some(4),
        Some("share"),
        "-0.2 is outside (0, 1]",
    );
    assert_count(&ps, 3);
}

#[test]
fn empty_share_cell_in_a_present_share_column_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,\noem,chip,s2,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(&ps, "sourcing.csv", Some(2), Some("share"), "is empty");
    assert_count(&ps, 1);
}

#[test]
fn shares_not_summing_to_one_are_reported_on_the_first_row_of_the_pair() {
    // The pair's rows are not adjacent: the problem names all of them.
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\n\
             s1,chip,s2,1\n\
             oem,cell,s2,0.25\n\
             s2,chip,s1,1\n\
             oem,cell,s1,0.5\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("share"),
        "shares of buyer \"oem\" for component \"cell\" sum to 0.75, not 1 (rows 3, 5)",
    );
    assert!(p.hint.as_deref().unwrap().contains("--normalize-shares"));
    assert_count(&ps, 1);
}

#[test]
fn shares_off_by_more_than_the_tolerance_are_reported() {
    // 0.4 + 0.599998 differs from 1 by 2e-6 > 1e-6.
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.4\noem,cell,s2,0.599998\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(2),
        Some("share"),
        "not 1 (rows 2, 3)",
    );
    assert_count(&ps, 1);
}

#[test]
fn shares_within_the_tolerance_are_accepted_as_given() {
    // 0.4 + 0.5999995 = 0.9999995 and 0.3333333 + 0.6666669 = 1.0000002: both within 1e-6.
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\n\
             oem,cell,s1,0.4\n\
             oem,cell,s2,0.5999995\n\
             oem,chip,s1,0.3333333\n\
             oem,chip,s2,0.6666669\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.share_source, ShareSource::Given);
    assert!(d.normalized.is_empty());
    assert_eq!(share(&d, "oem", "cell", "s1"), 0.4);
    assert_eq!(share(&d, "oem", "cell", "s2"), 0.5999995);
    assert_eq!(share(&d, "oem", "chip", "s1"), 0.3333333);
    assert_eq!(share(&d, "oem", "chip", "s2"), 0.6666669);
}

#[test]
fn normalize_shares_rescales_and_records_a_note() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\n\
             oem,cell,s1,0.5\n\
             oem,cell,s2,0.25\n\
             oem,chip,s1,1\n",
        ),
    ]);
    // Without the option the same dataset is rejected.
    assert_count(&load_err(&dir), 1);
    let d = load_ok_with(
        &dir,
        LoadOptions {
            normalize_shares: true,
        },
    );
    assert_eq!(share(&d, "oem", "cell", "s1"), 0.5 / 0.75);
    assert_eq!(share(&d, "oem", "cell", "s2"), 0.25 / 0.75);
    assert_eq!(share(&d, "oem", "chip", "s1"), 1.0);
    assert_eq!(d.normalized.len(), 1);
    let n = &d.normalized[0];
    assert_eq!(d.firms[n.buyer].id, "oem");
    assert_eq!(d.components[n.component].id, "cell");
    assert_eq!(n.original_sum, 0.75);
    let note = d
        .notes
        .iter()
        .find(|n| {
            n.message
                .contains("--normalize-shares rescaled the shares of 1 ")
        })
        .unwrap_or_else(|| panic!("no note about rescaling in {:?}", d.notes));
    assert!(Path::new(&note.file).ends_with("sourcing.csv"));
}

#[test]
fn share_derived_from_annual_value_when_the_share_column_is_absent() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,annual_value\noem,cell,s1,60\noem,cell,s2,40\ns1,chip,s2,7\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.share_source, ShareSource::FromValues);
    assert!(d.has_values);
    assert_eq!(share(&d, "oem", "cell", "s1"), 0.6);
    assert_eq!(share(&d, "oem", "cell", "s2"), 0.4);
    assert_eq!(share(&d, "s1", "chip", "s2"), 1.0);
    let values: Vec<Option<f64>> = d.sourcing.iter().map(|r| r.annual_value).collect();
    assert_eq!(values, vec![Some(60.0), Some(40.0), Some(7.0)]);
}

#[test]
fn zero_annual_value_is_rejected_when_shares_derive_from_values() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,annual_value\noem,cell,s1,60\noem,cell,s2,0\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("annual_value"),
        "is 0, so this supplier's derived share would be 0",
    );
    assert_count(&ps, 1);
}

#[test]
fn equal_split_when_share_and_annual_value_are_both_absent() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id\noem,cell,s1\noem,cell,s2\noem,cell,oem\ns1,chip,s2\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.share_source, ShareSource::EqualSplit);
    assert!(!d.has_values);
    for s in ["s1", "s2", "oem"] {
        assert_eq!(share(&d, "oem", "cell", s), 1.0 / 3.0);
    }
    assert_eq!(share(&d, "s1", "chip", "s2"), 1.0);
    assert!(d.sourcing.iter().all(|r| r.annual_value.is_none()));
}

// ---------------------------------------------------------------------------------------------
// sourcing: numbers

#[test]
fn negative_annual_value_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share,annual_value\noem,cell,s1,0.6,-5\noem,cell,s2,0.4,10\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(2),
        Some("annual_value"),
        "-5 is negative; it must be >= 0",
    );
    assert_count(&ps, 1);
}

#[test]
fn negative_inventory_days_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share,inventory_days\noem,cell,s1,0.6,7\noem,cell,s2,0.4,-1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("inventory_days"),
        "-1 is negative; it must be >= 0",
    );
    assert_count(&ps, 1);
}

#[test]
fn nan_and_infinity_are_reported() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,annual_output_value\noem,Car Maker,CN,-inf\ns1,S1,DE,\ns2,S2,JP,\n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share,annual_value,inventory_days\n\
             oem,cell,s1,NaN,1,1\n\
             oem,chip,s1,1,inf,1\n\
             oem,pack,s2,1,1,nan\n\
             oem,seat,s2,inf,1,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(2),
        Some("annual_output_value"),
        "-inf is not a finite number",
    );
    find(
        &ps,
        "sourcing.csv",
        Some(2),
        Some("share"),
        "NaN is not a finite number",
    );
    find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("annual_value"),
        "inf is not a finite number",
    );
    find(
        &ps,
        "sourcing.csv",
        Some(4),
        Some("inventory_days"),
        "NaN is not a finite number",
    );
    find(
        &ps,
        "sourcing.csv",
        Some(5),
        Some("share"),
        "inf is not a finite number",
    );
    assert_count(&ps, 5);
}

#[test]
fn empty_annual_value_in_a_present_column_is_an_error() {
    // A documented scrisk choice: an empty value would silently count as 0.
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share,annual_value\noem,cell,s1,0.6,10\noem,cell,s2,0.4,\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("annual_value"),
        "is empty",
    );
    assert!(p.hint.as_deref().unwrap().contains("silently count as 0"));
    assert_count(&ps, 1);
}

#[test]
fn empty_inventory_days_is_allowed_and_stays_unknown() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share,inventory_days\noem,cell,s1,0.6,7.5\noem,cell,s2,0.4,\n",
        ),
    ]);
    let d = load_ok(&dir);
    let inv: Vec<Option<f64>> = d.sourcing.iter().map(|r| r.inventory_days).collect();
    assert_eq!(inv, vec![Some(7.5), None]);
}

// ---------------------------------------------------------------------------------------------
// sourcing: references and keys

#[test]
fn unknown_buyer_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\nOEM,chip,s1,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "sourcing.csv",
        Some(4),
        Some("buyer_id"),
        "\"OEM\" is not a firm_id in firms",
    );
    assert!(p.hint.is_some());
    assert_count(&ps, 1);
}

#[test]
fn unknown_supplier_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s3,0.4\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("supplier_id"),
        "\"s3\" is not a firm_id in firms",
    );
    // The pair lost a row: its share sum (0.6) is not reported on top.
    assert_count(&ps, 1);
}

#[test]
fn empty_buyer_and_supplier_are_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\n,cell,s1,1\noem,cell,,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(&ps, "sourcing.csv", Some(2), Some("buyer_id"), "is empty");
    find(
        &ps,
        "sourcing.csv",
        Some(3),
        Some("supplier_id"),
        "is empty",
    );
    assert_count(&ps, 2);
}

#[test]
fn duplicate_buyer_component_supplier_row_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.5\noem,chip,s2,1\noem,cell,s1,0.5\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "sourcing.csv",
        Some(4),
        Some("supplier_id"),
        "duplicate row: same buyer, component and supplier as row 2",
    );
    assert!(p.hint.as_deref().unwrap().contains("merge"));
    assert_count(&ps, 1);
}

#[test]
fn component_not_listed_in_components_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("components.csv", "component,name\ncell,Battery cell\n"),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\noem,cel,s1,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "sourcing.csv",
        Some(4),
        Some("component"),
        "\"cel\" is not listed in components",
    );
    assert!(p.hint.as_deref().unwrap().contains("components.csv"));
    assert_count(&ps, 1);
}

#[test]
fn listed_components_are_loaded_with_their_names() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "components.csv",
            "component,name\ncell,Battery cell\nspare,Never bought\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    let comps: Vec<(&str, Option<&str>)> = d
        .components
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_deref()))
        .collect();
    assert_eq!(
        comps,
        vec![
            ("cell", Some("Battery cell")),
            ("spare", Some("Never bought"))
        ]
    );
}

#[test]
fn empty_component_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\noem, ,s1,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(&ps, "sourcing.csv", Some(4), Some("component"), "is empty");
    assert_count(&ps, 1);
}

// ---------------------------------------------------------------------------------------------
// CSV shape and encoding

#[test]
fn row_with_too_many_fields_is_reported_on_its_row() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\ns1,Ningde, Fujian,CN\ns2,S2,JP\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "firms.csv",
        Some(3),
        None,
        "row has 4 fields, the header has 3",
    );
    assert!(p.hint.as_deref().unwrap().contains("quoted"));
    assert_count(&ps, 1);
}

#[test]
fn row_with_too_few_fields_is_reported_on_its_row() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\noem,chip\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "sourcing.csv",
        Some(4),
        None,
        "row has 2 fields, the header has 4",
    );
    assert_count(&ps, 1);
}

#[test]
fn blank_lines_shift_the_row_numbers_of_later_rows() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\n\ns1,S1,DE\n\n\ns2,S2,QQ\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(7),
        Some("country"),
        "\"QQ\" is not an ISO 3166-1 alpha-2 code",
    );
    assert_count(&ps, 1);

    // The rows of loaded firms and sourcing rows count blank lines too.
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\n\ns1,S1,DE\n\n\ns2,S2,JP\n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\r\n\r\noem,cell,s1,0.6\r\noem,cell,s2,0.4\r\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "oem").row, 2);
    assert_eq!(firm(&d, "s1").row, 4);
    assert_eq!(firm(&d, "s2").row, 7);
    let rows: Vec<usize> = d.sourcing.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![3, 4]);
}

#[test]
fn a_trailing_blank_line_is_accepted() {
    let dir = dataset(&[
        ("firms.csv", &format!("{FIRMS}\n")),
        ("sourcing.csv", &format!("{SOURCING}\r\n")),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.firms.len(), 3);
    assert_eq!(d.sourcing.len(), 2);
}

#[test]
fn a_blank_line_before_the_header_counts_as_a_row() {
    let dir = dataset(&[
        ("firms.csv", &format!("\n{FIRMS}")),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "oem").row, 3);
    assert_eq!(firm(&d, "s2").row, 5);
}

#[test]
fn a_header_after_a_blank_line_is_reported_on_its_own_row() {
    let dir = dataset(&[
        ("firms.csv", "\nfirm_id,name\noem,Car Maker\n"),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(2),
        Some("country"),
        "required column is missing",
    );
    // sourcing.csv's references to firms the table does not name are reported too.
    assert_eq!(ps.iter().filter(|p| in_file(p, "firms.csv")).count(), 1);
}

#[test]
fn a_quote_inside_an_unquoted_field_is_read_or_located() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car 5\" Maker,CN\ns1,S1,DE\ns2,S2,JP\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    match load(dir.path(), LoadOptions::default()) {
        // As a spreadsheet and the csv crate read it: the quote is part of the name.
        Ok(d) => assert_eq!(firm(&d, "oem").name, "Car 5\" Maker"),
        // Or rejected, but then at the row it is on.
        Err(ps) => {
            find(&ps, "firms.csv", Some(2), Some("name"), "");
        }
    }
}

#[test]
fn a_quoted_line_break_does_not_shift_later_rows() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,\"Car\nMaker\",CN\ns1,S1,DE\ns2,S2,QQ\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "firms.csv",
        Some(4),
        Some("country"),
        "\"QQ\" is not an ISO 3166-1 alpha-2 code",
    );
    assert_count(&ps, 1);
}

#[test]
fn invalid_utf8_names_the_row_and_column() {
    let dir = dataset(&[("sourcing.csv", SOURCING)]);
    write(
        dir.path(),
        "firms.csv",
        b"firm_id,name,country\noem,Car Maker,CN\ns1,S\xff1,DE\ns2,S2,JP\n",
    );
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "firms.csv",
        Some(3),
        Some("name"),
        "is not valid UTF-8 (bad byte at offset 1 of the field)",
    );
    assert!(p.hint.as_deref().unwrap().contains("UTF-8"));
    assert_count(&ps, 1);
}

// ---------------------------------------------------------------------------------------------
// scenarios.toml and dataset.toml

#[test]
fn scenarios_toml_that_does_not_parse_is_reported_with_its_line() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "scenarios.toml",
            "[[scenario]]\nname = \"x\"\ncuts = [\"firm:s1\"\nduration_days = 3\n",
        ),
    ]);
    let ps = load_err(&dir);
    assert_count(&ps, 1);
    let p = &ps[0];
    assert!(in_file(p, "scenarios.toml"), "{p:?}");
    assert!(p.message.starts_with("not valid: "), "{p:?}");
    assert!(p.row.is_some_and(|r| (3..=4).contains(&r)), "{p:?}");
    assert!(p.hint.as_deref().unwrap().contains("[[scenario]]"));
}

#[test]
fn scenarios_toml_with_an_unknown_key_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "scenarios.toml",
            "[[scenario]]\nname = \"x\"\ncut = [\"firm:s1\"]\n",
        ),
    ]);
    let ps = load_err(&dir);
    assert_count(&ps, 1);
    assert!(in_file(&ps[0], "scenarios.toml"));
    assert!(ps[0].message.contains("not valid"), "{:?}", ps[0]);
}

#[test]
fn unknown_selector_kind_is_reported_on_the_line_of_the_cut() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "scenarios.toml",
            "[[scenario]]\nname = \"x\"\ncuts = [\"plant:s1\"]\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "scenarios.toml",
        Some(3),
        Some("cuts"),
        "scenario \"x\": unknown selector kind \"plant\" in \"plant:s1\"",
    );
    assert!(p.hint.as_deref().unwrap().contains("firm:ID"));
    assert_count(&ps, 1);
}

#[test]
fn severity_outside_0_1_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "scenarios.toml",
            "[[scenario]]\nname = \"x\"\ncuts = [\n  \"firm:s1=0\",\n  \"firm:s1=1.5\",\n  \"firm:s2=1\",\n]\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(
        &ps,
        "scenarios.toml",
        Some(4),
        Some("cuts"),
        "severity 0 in \"firm:s1=0\" is outside (0, 1]",
    );
    find(
        &ps,
        "scenarios.toml",
        Some(5),
        Some("cuts"),
        "severity 1.5 in \"firm:s1=1.5\" is outside (0, 1]",
    );
    assert_count(&ps, 2);
}

#[test]
fn cut_that_matches_no_firm_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "scenarios.toml",
            "[[scenario]]\nname = \"x\"\ncuts = [\"firm:S1\"]\n\n[[scenario]]\nname = \"y\"\ncuts = [\"country:us\"]\n",
        ),
    ]);
    let ps = load_err(&dir);
    let p = find(
        &ps,
        "scenarios.toml",
        Some(3),
        Some("cuts"),
        "scenario \"x\": \"firm:S1\" matches no firm",
    );
    assert_eq!(p.hint.as_deref(), Some("did you mean firm:s1?"));
    find(
        &ps,
        "scenarios.toml",
        Some(7),
        Some("cuts"),
        "scenario \"y\": \"country:us\" matches no firm",
    );
    assert_count(&ps, 2);
}

#[test]
fn valid_scenarios_are_loaded_with_resolved_cuts() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "scenarios.toml",
            "[[scenario]]\nname = \"china\"\ndescription = \" Export stop \"\ncuts = [\"country:cn=0.5\", \"firm:s2\"]\nduration_days = 90\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.scenarios.len(), 1);
    let s = &d.scenarios[0];
    assert_eq!(s.name, "china");
    assert_eq!(s.description.as_deref(), Some("Export stop"));
    assert_eq!(s.duration_days, Some(90.0));
    assert_eq!(s.cuts.len(), 2);
    assert_eq!(s.cuts[0].text, "country:cn=0.5");
    assert_eq!(s.cuts[0].severity, 0.5);
    assert_eq!(s.cuts[0].firms, vec![d.firm_index("oem").unwrap()]);
    assert_eq!(s.cuts[1].severity, 1.0);
    assert_eq!(s.cuts[1].firms, vec![d.firm_index("s2").unwrap()]);
}

#[test]
fn dataset_toml_with_an_unknown_key_is_reported() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        ("dataset.toml", "title = \"T\"\n\nauthor = \"me\"\n"),
    ]);
    let ps = load_err(&dir);
    assert_count(&ps, 1);
    let p = &ps[0];
    assert!(in_file(p, "dataset.toml"), "{p:?}");
    assert!(p.message.starts_with("not valid: "), "{p:?}");
    assert_eq!(p.row, Some(3));
}

#[test]
fn dataset_toml_is_loaded() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        ("sourcing.csv", SOURCING),
        (
            "dataset.toml",
            "\u{feff}title = \"Cells\"\ncurrency = \"EUR\"\nas_of = \"2025-06-30\"\n\n[[sources]]\ntitle = \"Annual report\"\nyear = 2024\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.meta.title.as_deref(), Some("Cells"));
    assert_eq!(d.meta.currency.as_deref(), Some("EUR"));
    assert_eq!(d.meta.as_of.as_deref(), Some("2025-06-30"));
    assert_eq!(d.meta.sources.len(), 1);
    assert_eq!(d.meta.sources[0].year, Some(2024));
}

// ---------------------------------------------------------------------------------------------
// Collecting problems

#[test]
fn all_problems_of_one_file_are_reported_at_once() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,recovery_days\n,A,CN,\nb,,DE,\nc,C,QQ,\nd,D,FR,-1\nd,D2,FR,\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let ps = load_err(&dir);
    find(&ps, "firms.csv", Some(2), Some("firm_id"), "is empty");
    find(&ps, "firms.csv", Some(3), Some("name"), "is empty");
    find(&ps, "firms.csv", Some(4), Some("country"), "\"QQ\"");
    find(&ps, "firms.csv", Some(5), Some("recovery_days"), "negative");
    find(&ps, "firms.csv", Some(6), Some("firm_id"), "first on row 5");
    let in_firms = ps.iter().filter(|p| in_file(p, "firms.csv")).count();
    assert_eq!(in_firms, 5, "{ps:#?}");
}

#[test]
fn load_returns_every_problem_and_rendering_caps_them_per_file() {
    // 60 bad countries in firms.csv: load() returns all 60; the rendered list shows
    // PROBLEMS_PER_FILE of them and counts the rest.
    let mut firms = String::from("firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,JP\n");
    for i in 0..60 {
        firms.push_str(&format!("x{i},X{i},QQ\n"));
    }
    let dir = dataset(&[("firms.csv", &firms), ("sourcing.csv", SOURCING)]);
    let ps = load_err(&dir);
    assert_count(&ps, 60);
    for i in 0..60 {
        find(&ps, "firms.csv", Some(5 + i), Some("country"), "\"QQ\"");
    }
    assert_eq!(PROBLEMS_PER_FILE, 50);
    let text = render(&ps);
    let errors = text.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(errors, PROBLEMS_PER_FILE + 1, "{text}");
    assert!(
        text.contains("firms.csv: 10 more problems not shown"),
        "{text}"
    );
    // The hint is shown once, not fifty times.
    assert_eq!(text.matches("hint:").count(), 1, "{text}");
}

#[test]
fn ragged_row_problems_are_capped_at_10000_per_file() {
    // The CSV pre-check stops collecting shape problems after 10,000 (memory bound).
    let mut firms = String::from("firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,JP\n");
    for i in 0..10_050 {
        firms.push_str(&format!("x{i},X{i}\n"));
    }
    let dir = dataset(&[("firms.csv", &firms), ("sourcing.csv", SOURCING)]);
    let ps = load_err(&dir);
    // 10,000 kept, and one entry counting the 50 that were not.
    assert_eq!(ps.len(), 10_001);
    assert_eq!(ps.last().map(|p| p.omitted), Some(50));
    find(
        &ps,
        "firms.csv",
        Some(5),
        None,
        "row has 2 fields, the header has 3",
    );
    assert_eq!(ps[9_999].row, Some(10_004));
    assert!(ps
        .iter()
        .all(|p| in_file(p, "firms.csv") && p.column.is_none()));
}

#[test]
fn rendered_count_of_hidden_problems_is_true_beyond_the_precheck_cap() {
    let mut firms = String::from("firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,JP\n");
    for i in 0..10_050 {
        firms.push_str(&format!("x{i},X{i}\n"));
    }
    let dir = dataset(&[("firms.csv", &firms), ("sourcing.csv", SOURCING)]);
    let text = render(&load_err(&dir));
    assert!(
        text.contains("10000 more problems"),
        "{}",
        text.lines().last().unwrap()
    );
}

#[test]
fn problems_of_several_files_are_reported_together() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,QQ\n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,abc\noem,cell,s2,0.4\n",
        ),
        ("components.csv", "component,name\ncell,Cell\n,Nameless\n"),
        ("dataset.toml", "title = 3\n"),
    ]);
    let ps = load_err(&dir);
    find(&ps, "firms.csv", Some(4), Some("country"), "\"QQ\"");
    find(
        &ps,
        "sourcing.csv",
        Some(2),
        Some("share"),
        "\"abc\" is not a number",
    );
    find(
        &ps,
        "components.csv",
        Some(3),
        Some("component"),
        "is empty",
    );
    let p = ps.iter().find(|p| in_file(p, "dataset.toml"));
    assert!(p.is_some_and(|p| p.row == Some(1)), "{}", render(&ps));
    assert_count(&ps, 4);
}

#[test]
fn scenarios_syntax_error_is_reported_even_when_firms_have_problems() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,QQ\n",
        ),
        ("sourcing.csv", SOURCING),
        ("scenarios.toml", "[[scenario]\nname = \"x\"\n"),
    ]);
    let ps = load_err(&dir);
    find(&ps, "firms.csv", Some(4), Some("country"), "\"QQ\"");
    assert!(
        ps.iter().any(|p| in_file(p, "scenarios.toml")),
        "{}",
        render(&ps)
    );
}

#[test]
fn unknown_buyer_is_reported_even_when_another_firm_has_problems() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,QQ\n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\nom,chip,s1,1\n",
        ),
    ]);
    let ps = load_err(&dir);
    find(&ps, "firms.csv", Some(4), Some("country"), "\"QQ\"");
    find(
        &ps,
        "sourcing.csv",
        Some(4),
        Some("buyer_id"),
        "\"om\" is not a firm_id in firms",
    );
}

// ---------------------------------------------------------------------------------------------
// Valid quirks

#[test]
fn utf8_bom_is_accepted() {
    let dir = dataset(&[
        ("firms.csv", &format!("\u{feff}{FIRMS}")),
        ("sourcing.csv", &format!("\u{feff}{SOURCING}")),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.firms.len(), 3);
    assert_eq!(firm(&d, "oem").name, "Car Maker");
    assert_eq!(share(&d, "oem", "cell", "s1"), 0.6);
}

#[test]
fn crlf_line_endings_are_accepted() {
    let dir = dataset(&[
        ("firms.csv", &FIRMS.replace('\n', "\r\n")),
        ("sourcing.csv", &SOURCING.replace('\n', "\r\n")),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "s2").country, "JP");
    assert_eq!(firm(&d, "s2").row, 4);
    assert_eq!(share(&d, "oem", "cell", "s2"), 0.4);
}

#[test]
fn quoted_fields_with_commas_and_quotes_are_accepted() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,region\noem,\"Car Maker, Inc.\",CN,\"Jinhua, Zhejiang\"\ns1,\"The \"\"Best\"\" Cells\",DE,\ns2,S2,JP,\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "oem").name, "Car Maker, Inc.");
    assert_eq!(firm(&d, "oem").region.as_deref(), Some("Jinhua, Zhejiang"));
    assert_eq!(firm(&d, "s1").name, "The \"Best\" Cells");
    assert_eq!(firm(&d, "s1").region, None);
}

#[test]
fn non_ascii_names_are_accepted() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,region\nleap,零跑汽车,cn,浙江\ns1,Müller Zulieferer GmbH,DE,\ns2,株式会社デンソー,JP,\n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\nleap,电芯,s1,0.5\nleap,电芯,s2,0.5\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "leap").name, "零跑汽车");
    assert_eq!(firm(&d, "leap").region.as_deref(), Some("浙江"));
    assert_eq!(firm(&d, "s1").name, "Müller Zulieferer GmbH");
    assert_eq!(firm(&d, "s2").name, "株式会社デンソー");
    assert_eq!(d.components[0].id, "电芯");
    assert_eq!(share(&d, "leap", "电芯", "s2"), 0.5);
}

#[test]
fn headers_in_other_case_and_with_spaces_are_accepted() {
    let dir = dataset(&[
        (
            "firms.csv",
            " Firm_ID ,NAME, Country ,Annual_Output_Value\noem,Car Maker,CN,1000\ns1,S1,DE,\ns2,S2,JP,\n",
        ),
        (
            "sourcing.csv",
            "BUYER_ID, Component,Supplier_Id ,  Share  \noem,cell,s1,0.6\noem,cell,s2,0.4\n",
        ),
    ]);
    let d = load_ok(&dir);
    assert_eq!(firm(&d, "oem").name, "Car Maker");
    assert_eq!(firm(&d, "oem").annual_output_value, Some(1000.0));
    assert_eq!(d.share_source, ShareSource::Given);
    assert_eq!(share(&d, "oem", "cell", "s1"), 0.6);
    // Normalised names are known columns: no "ignored column" notes.
    assert!(d.notes.is_empty(), "{:?}", d.notes);
}

#[test]
fn missing_optional_columns_take_their_defaults() {
    let dir = dataset(&[("firms.csv", FIRMS), ("sourcing.csv", SOURCING)]);
    let d = load_ok(&dir);
    let ids: Vec<&str> = d.firms.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["oem", "s1", "s2"]);
    let oem = firm(&d, "oem");
    assert_eq!(oem.group, "oem");
    assert!(!oem.group_named);
    assert_eq!(oem.region, None);
    assert_eq!(oem.kind, None);
    assert_eq!(oem.annual_output_value, None);
    assert_eq!(oem.recovery_days, None);
    assert!(!d.has_values);
    assert!(d.sourcing.iter().all(|r| r.annual_value.is_none()));
    assert!(d.sourcing.iter().all(|r| r.inventory_days.is_none()));
    assert!(d.scenarios.is_empty());
    assert_eq!(d.meta, crate::model::DatasetMeta::default());
}

#[test]
fn optional_columns_are_read_and_empty_group_defaults_to_firm_id() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,region,group,kind,annual_output_value,recovery_days\n\
             oem,Car Maker,CN,Zhejiang,,oem,2e9,\n\
             s1,S1,DE,,bosch,component,,60\n\
             s2,S2,JP, ,bosch,,,0\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    let oem = firm(&d, "oem");
    assert_eq!((oem.group.as_str(), oem.group_named), ("oem", false));
    assert_eq!(oem.region.as_deref(), Some("Zhejiang"));
    assert_eq!(oem.kind.as_deref(), Some("oem"));
    assert_eq!(oem.annual_output_value, Some(2e9));
    let s1 = firm(&d, "s1");
    assert_eq!((s1.group.as_str(), s1.group_named), ("bosch", true));
    assert_eq!(s1.recovery_days, Some(60.0));
    let s2 = firm(&d, "s2");
    assert_eq!(s2.region, None);
    assert_eq!(s2.kind, None);
    assert_eq!(s2.recovery_days, Some(0.0));
}

#[test]
fn unknown_columns_are_ignored_with_a_note() {
    let dir = dataset(&[
        (
            "firms.csv",
            "firm_id,name,country,website\noem,Car Maker,CN,x\ns1,S1,DE,\ns2,S2,JP,\n",
        ),
        ("sourcing.csv", SOURCING),
    ]);
    let d = load_ok(&dir);
    assert_eq!(d.notes.len(), 1, "{:?}", d.notes);
    assert!(Path::new(&d.notes[0].file).ends_with("firms.csv"));
    assert!(d.notes[0].message.contains("column \"website\""));
}

#[test]
fn sourcing_rows_are_sorted_and_keep_their_input_rows() {
    let dir = dataset(&[
        ("firms.csv", FIRMS),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\ns1,chip,s2,1\noem,cell,s2,0.4\noem,cell,s1,0.6\n",
        ),
    ]);
    let d = load_ok(&dir);
    let rows: Vec<(&str, &str, &str, usize)> = d
        .sourcing
        .iter()
        .map(|r| {
            (
                d.firms[r.buyer].id.as_str(),
                d.components[r.component].id.as_str(),
                d.firms[r.supplier].id.as_str(),
                r.row,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("oem", "cell", "s1", 4),
            ("oem", "cell", "s2", 3),
            ("s1", "chip", "s2", 2),
        ]
    );
}
