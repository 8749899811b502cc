//! Unit tests of [`super::load`] for the validation rules that `tests/corpus/bad/` does not
//! cover (that corpus is the home of the others: one case per rule, its `CASE.md` quoting the
//! expected lines), and of what a valid dataset loads as.
//!
//! Rejected input is one table, [`REJECTED`]: one row per rule, holding the files and the
//! problems exactly as `scrisk validate` prints them (paths relative to the dataset).

use std::path::Path;

use tempfile::TempDir;

use super::{load, LoadOptions};
use crate::model::{Dataset, Firm, ShareSource};
use crate::problem::{render, Problem};

/// Three firms: an automaker and two suppliers.
const FIRMS: &str =
    "firm_id,name,country\noem,Car Maker,CN\ns1,Supplier One,DE\ns2,Supplier Two,JP\n";
/// The automaker buys cells from both suppliers.
const SOURCING: &str = "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\n";

/// A dataset directory holding `files` (name, contents), plus [`FIRMS`] and [`SOURCING`] for
/// the tables `files` does not give.
fn dataset(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let given = |name: &str| files.iter().any(|(n, _)| *n == name);
    let defaults = [("firms.csv", FIRMS), ("sourcing.csv", SOURCING)];
    for (name, text) in defaults.iter().filter(|(n, _)| !given(n)).chain(files) {
        std::fs::write(dir.path().join(name), text).expect("write a dataset file");
    }
    dir
}

/// The problems as `scrisk validate` prints them, paths relative to the dataset directory.
fn rendered(dir: &TempDir, problems: &[Problem]) -> String {
    render(problems).replace(&format!("{}/", dir.path().display()), "")
}

/// Loads a dataset that must be valid.
#[track_caller]
fn load_ok_with(files: &[(&str, &str)], opts: LoadOptions) -> Dataset {
    let dir = dataset(files);
    match load(dir.path(), opts) {
        Ok(d) => d,
        Err(ps) => panic!(
            "expected the dataset to load, got:\n{}",
            rendered(&dir, &ps)
        ),
    }
}

#[track_caller]
fn load_ok(files: &[(&str, &str)]) -> Dataset {
    load_ok_with(files, LoadOptions::default())
}

/// Loads a dataset that must be rejected; its problems, as printed.
#[track_caller]
fn load_err(files: &[(&str, &str)]) -> String {
    let dir = dataset(files);
    match load(dir.path(), LoadOptions::default()) {
        Ok(d) => panic!(
            "expected problems, the dataset loaded with {} firms and {} sourcing rows",
            d.firms.len(),
            d.sourcing.len()
        ),
        Err(ps) => rendered(&dir, &ps),
    }
}

/// One validation rule: the files of a dataset that breaks it, and the problems printed.
struct Rejected {
    rule: &'static str,
    files: &'static [(&'static str, &'static str)],
    printed: &'static str,
}

const REJECTED: &[Rejected] = &[
    Rejected {
        rule: "a table given both as CSV and as Parquet",
        files: &[("firms.parquet", "not parquet")],
        printed: "error: firms: both firms.csv and firms.parquet exist; keep one so it is clear which is meant\n",
    },
    Rejected {
        rule: "a header cell that names no column",
        files: &[("firms.csv", "firm_id,,name,country\noem,x,Car Maker,CN\ns1,x,S1,DE\ns2,x,S2,JP\n")],
        printed: "error: firms.csv row 1, column #2: the header names no column here\n",
    },
    Rejected {
        rule: "every repeated firm id names the row of its first use",
        files: &[("firms.csv", "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,JP\ns1,S1 again,FR\ns1,thrice,FR\n")],
        printed: "error: firms.csv row 5, column firm_id: \"s1\" is used again (first on row 3)\n\
                  error: firms.csv row 6, column firm_id: \"s1\" is used again (first on row 3)\n",
    },
    Rejected {
        rule: "an empty or mistaken country gets a hint",
        files: &[("firms.csv", "firm_id,name,country\noem,Car Maker,CN\ns1,S1,UK\ns2,S2,\n")],
        printed: "error: firms.csv row 3, column country: \"UK\" is not an ISO 3166-1 alpha-2 code\n\
                  \x20 hint: the ISO code of the United Kingdom is GB\n\
                  error: firms.csv row 4, column country: is empty\n\
                  \x20 hint: use ZZ when the country is unknown\n",
    },
    Rejected {
        rule: "an empty cell in a present share column",
        files: &[("sourcing.csv", "buyer_id,component,supplier_id,share\noem,cell,s1,\noem,chip,s2,1\n")],
        printed: "error: sourcing.csv row 2, column share: is empty\n\
                  \x20 hint: give every row a share, or drop the column to derive shares from annual_value\n",
    },
    Rejected {
        rule: "shares off by more than 1e-6, on rows that are not adjacent",
        files: &[("sourcing.csv", "buyer_id,component,supplier_id,share\ns1,chip,s2,1\noem,cell,s2,0.599998\ns2,chip,s1,1\noem,cell,s1,0.4\n")],
        printed: "error: sourcing.csv row 3, column share: shares of buyer \"oem\" for component \"cell\" sum to 0.999998, not 1 (rows 3, 5)\n\
                  \x20 hint: fix the shares, or pass --normalize-shares to rescale them\n",
    },
    Rejected {
        rule: "an empty cell in a present annual_value column (it would silently count as 0)",
        files: &[("sourcing.csv", "buyer_id,component,supplier_id,share,annual_value\noem,cell,s1,0.6,10\noem,cell,s2,0.4,\n")],
        printed: "error: sourcing.csv row 3, column annual_value: is empty\n\
                  \x20 hint: give every row a value, or drop the column; an empty value would silently count as 0\n",
    },
    Rejected {
        rule: "an empty buyer or supplier",
        files: &[("sourcing.csv", "buyer_id,component,supplier_id,share\n,cell,s1,1\noem,cell,,1\n")],
        printed: "error: sourcing.csv row 2, column buyer_id: is empty\n\
                  error: sourcing.csv row 3, column supplier_id: is empty\n",
    },
    Rejected {
        rule: "components: an empty id, and an id listed twice",
        files: &[("components.csv", "component,name\ncell,Cell\n,Nameless\ncell,Again\n")],
        printed: "error: components.csv row 3, column component: is empty\n\
                  error: components.csv row 4, column component: \"cell\" is listed again (first on row 2)\n",
    },
    Rejected {
        rule: "blank lines count as rows",
        files: &[("firms.csv", "firm_id,name,country\noem,Car Maker,CN\n\ns1,S1,DE\n\n\ns2,S2,QQ\n")],
        printed: "error: firms.csv row 7, column country: \"QQ\" is not an ISO 3166-1 alpha-2 code\n\
                  \x20 hint: use ISO 3166-1 alpha-2 (CN, DE, US), or XA–XZ / ZZ for other or unknown\n",
    },
    Rejected {
        rule: "a line break inside a quoted field does not start a row",
        files: &[("firms.csv", "firm_id,name,country\noem,\"Car\nMaker\",CN\ns1,S1,DE\ns2,S2,QQ\n")],
        printed: "error: firms.csv row 4, column country: \"QQ\" is not an ISO 3166-1 alpha-2 code\n\
                  \x20 hint: use ISO 3166-1 alpha-2 (CN, DE, US), or XA–XZ / ZZ for other or unknown\n",
    },
    Rejected {
        rule: "a header after a blank line is on row 2; references are checked against the ids named",
        files: &[("firms.csv", "\nfirm_id,name\noem,Car Maker\n")],
        printed: "error: firms.csv row 2, column country: required column is missing\n\
                  \x20 hint: the header has: firm_id, name\n\
                  error: sourcing.csv row 2, column supplier_id: \"s1\" is not a firm_id in firms\n\
                  \x20 hint: every buyer and supplier must be listed in firms\n\
                  error: sourcing.csv row 3, column supplier_id: \"s2\" is not a firm_id in firms\n",
    },
    Rejected {
        rule: "an unknown reference is reported while another firm has problems",
        files: &[
            ("firms.csv", "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,QQ\n"),
            ("sourcing.csv", "buyer_id,component,supplier_id,share\noem,cell,s1,0.6\noem,cell,s2,0.4\nom,chip,s1,1\n"),
        ],
        printed: "error: firms.csv row 4, column country: \"QQ\" is not an ISO 3166-1 alpha-2 code\n\
                  \x20 hint: use ISO 3166-1 alpha-2 (CN, DE, US), or XA–XZ / ZZ for other or unknown\n\
                  error: sourcing.csv row 4, column buyer_id: \"om\" is not a firm_id in firms\n\
                  \x20 hint: every buyer and supplier must be listed in firms\n",
    },
    Rejected {
        rule: "a TOML syntax error is reported while firms has problems",
        files: &[
            ("firms.csv", "firm_id,name,country\noem,Car Maker,CN\ns1,S1,DE\ns2,S2,QQ\n"),
            ("scenarios.toml", "[[scenario]\nname = \"x\"\n"),
        ],
        printed: "error: firms.csv row 4, column country: \"QQ\" is not an ISO 3166-1 alpha-2 code\n\
                  \x20 hint: use ISO 3166-1 alpha-2 (CN, DE, US), or XA–XZ / ZZ for other or unknown\n\
                  error: scenarios.toml line 1: not valid: unclosed array table, expected `]`\n\
                  \x20 hint: each scenario is a [[scenario]] table with name, cuts = [\"country:CN\"], optional description and duration_days\n",
    },
    Rejected {
        rule: "scenarios.toml with a key that is not part of the format",
        files: &[("scenarios.toml", "[[scenario]]\nname = \"x\"\ncut = [\"firm:s1\"]\n")],
        printed: "error: scenarios.toml line 3: not valid: unknown field `cut`, expected one of `name`, `description`, `cuts`, `duration_days`\n\
                  \x20 hint: each scenario is a [[scenario]] table with name, cuts = [\"country:CN\"], optional description and duration_days\n",
    },
    Rejected {
        rule: "a cut that matches no firm only because of case gets a hint",
        files: &[("scenarios.toml", "[[scenario]]\nname = \"x\"\ncuts = [\"firm:S1\"]\n")],
        printed: "error: scenarios.toml line 3, column cuts: scenario \"x\": \"firm:S1\" matches no firm\n\
                  \x20 hint: did you mean firm:s1?\n",
    },
    Rejected {
        rule: "dataset.toml with a key that is not part of the format",
        files: &[("dataset.toml", "title = \"T\"\n\nauthor = \"me\"\n")],
        printed: "error: dataset.toml line 3: not valid: unknown field `author`, expected one of `title`, `description`, `currency`, `as_of`, `sources`, `assumptions`, `analysis`\n\
                  \x20 hint: keys: title, description, currency, as_of, assumptions = [...], [[sources]] with title, publisher, url, year, status, note, [analysis] with capacity = true or false\n",
    },
    Rejected {
        rule: "dataset.toml: a key of [analysis] that is not part of the format",
        files: &[("dataset.toml", "title = \"T\"\n\n[analysis]\ncapacity = true\nsurge = true\n")],
        printed: "error: dataset.toml line 5: not valid: unknown field `surge`, expected `capacity`\n\
                  \x20 hint: keys: title, description, currency, as_of, assumptions = [...], [[sources]] with title, publisher, url, year, status, note, [analysis] with capacity = true or false\n",
    },
    Rejected {
        rule: "the capacity model: an empty annual_value and an end firm without output value, in one run",
        files: &[
            ("dataset.toml", "[analysis]\ncapacity = true\n"),
            ("sourcing.csv", "buyer_id,component,supplier_id,share,annual_value\noem,cell,s1,0.6,10\noem,cell,s2,0.4,\n"),
        ],
        printed: "error: sourcing.csv row 3, column annual_value: is empty\n\
                  \x20 hint: give every row a value, or drop the column; an empty value would silently count as 0\n\
                  error: firms.csv row 2, column annual_output_value: end firm \"oem\" has no annual_output_value; the capacity model needs the output value of every end firm\n\
                  \x20 hint: the capacity model (--capacity, or [analysis] capacity = true in dataset.toml) needs these values; give them, or run without it\n",
    },
    Rejected {
        rule: "the capacity model: with shares from values, a row without its value is no alternate",
        files: &[
            ("firms.csv", "firm_id,name,country,annual_output_value\noem,Car Maker,CN,100\ns1,S1,DE,\ns2,S2,JP,\n"),
            ("dataset.toml", "[analysis]\ncapacity = true\n"),
            // s2 buys from s1 and supplies oem through the row whose value is missing: as an
            // alternate that row would make s2 an end firm without an output value.
            ("sourcing.csv", "buyer_id,component,supplier_id,annual_value\noem,cell,s1,10\noem,cell,s2,\ns2,chip,s1,5\n"),
        ],
        printed: "error: sourcing.csv row 3, column annual_value: is empty\n\
                  \x20 hint: give every row a value, or drop the column; an empty value would silently count as 0\n",
    },
    Rejected {
        rule: "a qualified alternate that repeats a row is a duplicate, whichever row is the alternate",
        files: &[("sourcing.csv", "buyer_id,component,supplier_id,share\noem,cell,s1,1\noem,cell,s2,0\noem,cell,s2,0\noem,cell,s1,0\n")],
        printed: "error: sourcing.csv row 5, column supplier_id: duplicate row: same buyer, component and supplier as row 2\n\
                  \x20 hint: merge the two rows into one (add their shares and values)\n\
                  error: sourcing.csv row 4, column supplier_id: duplicate row: same buyer, component and supplier as row 3\n",
    },
    Rejected {
        rule: "a row given three times: each repeat names the row before it",
        files: &[("sourcing.csv", "buyer_id,component,supplier_id,share\noem,cell,s1,1\noem,cell,s1,0\noem,cell,s1,0\n")],
        printed: "error: sourcing.csv row 3, column supplier_id: duplicate row: same buyer, component and supplier as row 2\n\
                  \x20 hint: merge the two rows into one (add their shares and values)\n\
                  error: sourcing.csv row 4, column supplier_id: duplicate row: same buyer, component and supplier as row 3\n",
    },
    Rejected {
        rule: "a qualified alternate must name firms and a listed component",
        files: &[
            ("components.csv", "component\ncell\n"),
            ("sourcing.csv", "buyer_id,component,supplier_id,share\noem,cell,s1,1\noem,cell,s9,0\noem,chip,s2,0\n"),
        ],
        printed: "error: sourcing.csv row 3, column supplier_id: \"s9\" is not a firm_id in firms\n\
                  \x20 hint: every buyer and supplier must be listed in firms\n\
                  error: sourcing.csv row 4, column component: \"chip\" is not listed in components\n\
                  \x20 hint: add it to components.csv, or fix the spelling\n",
    },
];

/// The dataset's notes as (whether the note is about `file`, message).
fn notes_of<'d>(d: &'d Dataset, file: &str) -> Vec<(bool, &'d str)> {
    d.notes
        .iter()
        .map(|n| (Path::new(&n.file).ends_with(file), n.message.as_str()))
        .collect()
}

#[test]
fn each_rule_prints_its_problems() {
    let mut wrong = Vec::new();
    for case in REJECTED {
        let printed = load_err(case.files);
        if printed != case.printed {
            wrong.push(format!(
                "{}:\n--- expected\n{}--- printed\n{printed}",
                case.rule, case.printed
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn shape_problems_are_capped_at_10000_per_file_and_the_rest_counted() {
    let mut firms = String::from(FIRMS);
    for i in 0..10_050 {
        firms.push_str(&format!("x{i},X{i}\n"));
    }
    let dir = dataset(&[("firms.csv", &firms)]);
    let ps = load(dir.path(), LoadOptions::default()).expect_err("ragged rows");
    // 10,000 kept, and one entry counting the 50 that were not.
    assert_eq!(ps.len(), 10_001);
    assert_eq!(ps.last().map(|p| p.omitted), Some(50));
    assert_eq!(ps[9_999].row, Some(10_004));
    let printed = rendered(&dir, &ps);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(
        lines[0],
        "error: firms.csv row 5: row has 2 fields, the header has 3"
    );
    assert_eq!(
        lines.last().copied(),
        Some("error: firms.csv: 10000 more problems not shown")
    );
}

#[test]
fn a_quote_inside_an_unquoted_field_is_read_as_written() {
    // As a spreadsheet and the csv crate read it: the quote is part of the name.
    let d = load_ok(&[(
        "firms.csv",
        "firm_id,name,country\noem,Car 5\" Maker,CN\ns1,S1,DE\ns2,S2,JP\n",
    )]);
    assert_eq!(firm(&d, "oem").name, "Car 5\" Maker");
}

// ---------------------------------------------------------------------------------------------
// What a valid dataset loads as

fn firm<'a>(d: &'a Dataset, id: &str) -> &'a Firm {
    let i = d.firm_index(id).unwrap_or_else(|| panic!("no firm {id}"));
    &d.firms[i]
}

/// Each sourcing row as (buyer, component, supplier, share, input row).
fn rows(d: &Dataset) -> Vec<(&str, &str, &str, f64, usize)> {
    d.sourcing
        .iter()
        .map(|r| {
            (
                d.firms[r.buyer].id.as_str(),
                d.components[r.component].id.as_str(),
                d.firms[r.supplier].id.as_str(),
                r.share,
                r.row,
            )
        })
        .collect()
}

#[test]
fn sourcing_rows_are_sorted_and_keep_their_input_rows() {
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share\ns1,chip,s2,1\noem,cell,s2,0.4\noem,cell,s1,0.6\n",
    )]);
    assert_eq!(
        rows(&d),
        vec![
            ("oem", "cell", "s1", 0.6, 4),
            ("oem", "cell", "s2", 0.4, 3),
            ("s1", "chip", "s2", 1.0, 2),
        ]
    );
}

#[test]
fn shares_within_the_tolerance_are_kept_as_given() {
    // 0.4 + 0.5999995 = 0.9999995 and 0.3333333 + 0.6666669 = 1.0000002: both within 1e-6.
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share\noem,cell,s1,0.4\noem,cell,s2,0.5999995\n\
         oem,chip,s1,0.3333333\noem,chip,s2,0.6666669\n",
    )]);
    assert_eq!(d.share_source, ShareSource::Given);
    assert!(d.normalized.is_empty());
    let shares: Vec<f64> = rows(&d).iter().map(|r| r.3).collect();
    assert_eq!(shares, vec![0.4, 0.5999995, 0.3333333, 0.6666669]);
}

#[test]
fn normalize_shares_rescales_and_says_so() {
    let files = [(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share\noem,cell,s1,0.5\noem,cell,s2,0.25\noem,chip,s1,1\n",
    )];
    let d = load_ok_with(
        &files,
        LoadOptions {
            normalize_shares: true,
            ..LoadOptions::default()
        },
    );
    let shares: Vec<f64> = rows(&d).iter().map(|r| r.3).collect();
    assert_eq!(shares, vec![0.5 / 0.75, 0.25 / 0.75, 1.0]);
    assert_eq!(d.normalized.len(), 1);
    let n = &d.normalized[0];
    assert_eq!(
        (
            d.firms[n.buyer].id.as_str(),
            d.components[n.component].id.as_str()
        ),
        ("oem", "cell")
    );
    assert_eq!(n.original_sum, 0.75);
    let notes = notes_of(&d, "sourcing.csv");
    assert_eq!(
        notes,
        vec![(
            true,
            "--normalize-shares rescaled the shares of 1 (buyer, component) pair that did not \
             sum to 1: oem/cell (sum 0.75, rows 2, 3)"
        )]
    );
}

#[test]
fn shares_derive_from_annual_value_without_a_share_column() {
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,annual_value\noem,cell,s1,60\noem,cell,s2,40\ns1,chip,s2,7\n",
    )]);
    assert_eq!(d.share_source, ShareSource::FromValues);
    assert!(d.has_values);
    let shares: Vec<f64> = rows(&d).iter().map(|r| r.3).collect();
    assert_eq!(shares, vec![0.6, 0.4, 1.0]);
    let values: Vec<Option<f64>> = d.sourcing.iter().map(|r| r.annual_value).collect();
    assert_eq!(values, vec![Some(60.0), Some(40.0), Some(7.0)]);
}

#[test]
fn suppliers_split_a_pair_equally_without_share_and_annual_value() {
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id\noem,cell,s1\noem,cell,s2\noem,cell,oem\ns1,chip,s2\n",
    )]);
    assert_eq!(d.share_source, ShareSource::EqualSplit);
    assert!(!d.has_values);
    let shares: Vec<f64> = rows(&d).iter().map(|r| r.3).collect();
    assert_eq!(shares, vec![1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 1.0]);
    assert!(d.sourcing.iter().all(|r| r.annual_value.is_none()));
}

#[test]
fn an_empty_inventory_days_stays_unknown() {
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share,inventory_days\noem,cell,s1,0.6,7.5\noem,cell,s2,0.4,\n",
    )]);
    let inv: Vec<Option<f64>> = d.sourcing.iter().map(|r| r.inventory_days).collect();
    assert_eq!(inv, vec![Some(7.5), None]);
}

#[test]
fn listed_components_are_loaded_with_their_names_even_when_not_bought() {
    let d = load_ok(&[(
        "components.csv",
        "component,name\ncell,Battery cell\nspare,Never bought\n",
    )]);
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
fn loaded_rows_are_spreadsheet_rows() {
    // Blank lines count, before the header too; a trailing blank line is no row.
    let d = load_ok(&[
        (
            "firms.csv",
            "\nfirm_id,name,country\noem,Car Maker,CN\n\ns1,S1,DE\n\n\ns2,S2,JP\n\n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share\r\n\r\noem,cell,s1,0.6\r\noem,cell,s2,0.4\r\n\r\n",
        ),
    ]);
    let firm_rows: Vec<usize> = d.firms.iter().map(|f| f.row).collect();
    assert_eq!(firm_rows, vec![3, 5, 8]);
    let rows: Vec<usize> = d.sourcing.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![3, 4]);
}

#[test]
fn cells_are_read_as_written() {
    // Quoted commas and quotes, non-ASCII text, spaces around values and header names.
    let d = load_ok(&[(
        "firms.csv",
        " Firm_ID ,NAME,country,Region\noem,\"Car Maker, Inc.\",cn,\"Jinhua, Zhejiang\"\n\
         s1,\"The \"\"Best\"\" Cells\",DE,\ns2,株式会社デンソー,JP,浙江\n",
    )]);
    assert_eq!(firm(&d, "oem").name, "Car Maker, Inc.");
    assert_eq!(firm(&d, "oem").country, "CN");
    assert_eq!(firm(&d, "oem").region.as_deref(), Some("Jinhua, Zhejiang"));
    assert_eq!(firm(&d, "s1").name, "The \"Best\" Cells");
    assert_eq!(firm(&d, "s1").region, None);
    assert_eq!(firm(&d, "s2").name, "株式会社デンソー");
    assert_eq!(firm(&d, "s2").region.as_deref(), Some("浙江"));
}

#[test]
fn optional_columns_take_their_defaults_when_absent() {
    let d = load_ok(&[]);
    let oem = firm(&d, "oem");
    assert_eq!((oem.group.as_str(), oem.group_named), ("oem", false));
    assert_eq!((oem.region.as_ref(), oem.kind.as_ref()), (None, None));
    assert_eq!((oem.annual_output_value, oem.recovery_days), (None, None));
    assert_eq!((oem.capacity_value, oem.stock_days), (None, None));
    assert!(d.alternates.is_empty() && !d.capacity);
    assert!(!d.has_values);
    assert!(d
        .sourcing
        .iter()
        .all(|r| r.annual_value.is_none() && r.inventory_days.is_none()));
    assert!(d.scenarios.is_empty());
    assert_eq!(d.meta, crate::model::DatasetMeta::default());
    assert!(d.notes.is_empty(), "{:?}", d.notes);
}

#[test]
fn optional_columns_are_read_and_an_empty_group_is_the_firm_itself() {
    let d = load_ok(&[(
        "firms.csv",
        "firm_id,name,country,region,group,kind,annual_output_value,recovery_days,capacity_value,stock_days\n\
         oem,Car Maker,CN,Zhejiang,,oem,2e9,,,4.5\n\
         s1,S1,DE,,bosch,component,,60,7e8,\n\
         s2,S2,JP, ,bosch,,,0,0,0\n",
    )]);
    let v2: Vec<(Option<f64>, Option<f64>)> = d
        .firms
        .iter()
        .map(|f| (f.capacity_value, f.stock_days))
        .collect();
    assert_eq!(
        v2,
        vec![(None, Some(4.5)), (Some(7e8), None), (Some(0.0), Some(0.0))]
    );
    let oem = firm(&d, "oem");
    assert_eq!((oem.group.as_str(), oem.group_named), ("oem", false));
    assert_eq!(oem.region.as_deref(), Some("Zhejiang"));
    assert_eq!(oem.kind.as_deref(), Some("oem"));
    assert_eq!(oem.annual_output_value, Some(2e9));
    let s1 = firm(&d, "s1");
    assert_eq!((s1.group.as_str(), s1.group_named), ("bosch", true));
    assert_eq!(s1.recovery_days, Some(60.0));
    let s2 = firm(&d, "s2");
    assert_eq!((s2.region.as_ref(), s2.kind.as_ref()), (None, None));
    assert_eq!(s2.recovery_days, Some(0.0));
}

#[test]
fn unknown_columns_are_ignored_with_a_note() {
    let d = load_ok(&[(
        "firms.csv",
        "firm_id,name,country,website\noem,Car Maker,CN,x\ns1,S1,DE,\ns2,S2,JP,\n",
    )]);
    let notes = notes_of(&d, "firms.csv");
    assert_eq!(
        notes,
        vec![(
            true,
            "column \"website\" is not part of the format and was ignored (known: firm_id, name, \
             country, region, group, kind, annual_output_value, recovery_days, capacity_value, \
             stock_days, source)"
        )]
    );
}

#[test]
fn scenarios_are_loaded_with_resolved_cuts() {
    let d = load_ok(&[(
        "scenarios.toml",
        "[[scenario]]\nname = \"china\"\ndescription = \" Export stop \"\n\
         cuts = [\"country:cn=0.5\", \"firm:s2\"]\nduration_days = 90\n",
    )]);
    assert_eq!(d.scenarios.len(), 1);
    let s = &d.scenarios[0];
    assert_eq!(s.name, "china");
    assert_eq!(s.description.as_deref(), Some("Export stop"));
    assert_eq!(s.duration_days, Some(90.0));
    let cuts: Vec<(&str, f64, Vec<usize>)> = s
        .cuts
        .iter()
        .map(|c| (c.text.as_str(), c.severity, c.firms.clone()))
        .collect();
    let idx = |id: &str| d.firm_index(id).expect("firm");
    assert_eq!(
        cuts,
        vec![
            ("country:cn=0.5", 0.5, vec![idx("oem")]),
            ("firm:s2", 1.0, vec![idx("s2")])
        ]
    );
}

#[test]
fn dataset_toml_is_loaded() {
    let d = load_ok(&[(
        "dataset.toml",
        "\u{feff}title = \"Cells\"\ncurrency = \"EUR\"\nas_of = \"2025-06-30\"\n\n\
         [[sources]]\ntitle = \"Annual report\"\nyear = 2024\n",
    )]);
    assert_eq!(d.meta.title.as_deref(), Some("Cells"));
    assert_eq!(d.meta.currency.as_deref(), Some("EUR"));
    assert_eq!(d.meta.as_of.as_deref(), Some("2025-06-30"));
    assert_eq!(d.meta.sources.len(), 1);
    assert_eq!(d.meta.sources[0].year, Some(2024));
}

/// One qualified alternate as (buyer, component, supplier, annual_value, inventory_days, row).
type AlternateRow<'a> = (&'a str, &'a str, &'a str, Option<f64>, Option<f64>, usize);

/// Each qualified alternate, in input order.
fn alternates(d: &Dataset) -> Vec<AlternateRow<'_>> {
    d.alternates
        .iter()
        .map(|r| {
            assert_eq!(r.share, 0.0);
            (
                d.firms[r.buyer].id.as_str(),
                d.components[r.component].id.as_str(),
                d.firms[r.supplier].id.as_str(),
                r.annual_value,
                r.inventory_days,
                r.row,
            )
        })
        .collect()
}

#[test]
fn a_share_of_0_is_a_qualified_alternate_set_apart_from_the_sourcing_rows() {
    // Two alternates (rows 4 and 2), listed out of order; the pairs' other shares sum to 1.
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share,annual_value,inventory_days\n\
         s1,chip,oem,0,5,\n\
         oem,cell,s1,1,60,7\n\
         oem,cell,s2,0,0,3\n\
         s1,chip,s2,1,9,\n",
    )]);
    assert_eq!(
        rows(&d),
        vec![("oem", "cell", "s1", 1.0, 3), ("s1", "chip", "s2", 1.0, 5)]
    );
    assert_eq!(
        alternates(&d),
        vec![
            ("oem", "cell", "s2", Some(0.0), Some(3.0), 4),
            ("s1", "chip", "oem", Some(5.0), None, 2),
        ]
    );
}

#[test]
fn with_derived_shares_a_value_of_0_beside_a_positive_one_is_an_alternate() {
    // oem/cell: 60 and 0 -> s1 alone with share 1, s2 an alternate. s1/chip: every value 0,
    // so its two suppliers split it equally and neither is an alternate.
    let d = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,annual_value\noem,cell,s1,60\noem,cell,s2,0\n\
         s1,chip,s2,0\ns1,chip,oem,0\n",
    )]);
    assert_eq!(d.share_source, ShareSource::FromValues);
    assert_eq!(
        rows(&d),
        vec![
            ("oem", "cell", "s1", 1.0, 2),
            ("s1", "chip", "oem", 0.5, 5),
            ("s1", "chip", "s2", 0.5, 4),
        ]
    );
    assert_eq!(
        alternates(&d),
        vec![("oem", "cell", "s2", Some(0.0), None, 3)]
    );
}

#[test]
fn normalize_shares_rescales_the_positive_shares_and_keeps_the_alternates() {
    // 0.5 + 0.25 + 0 = 0.75: s1 gets 0.5 / 0.75, oem 0.25 / 0.75, s2 stays an alternate.
    let files = [(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share\noem,cell,s1,0.5\noem,cell,s2,0\noem,cell,oem,0.25\n",
    )];
    let d = load_ok_with(
        &files,
        LoadOptions {
            normalize_shares: true,
            ..LoadOptions::default()
        },
    );
    assert_eq!(
        rows(&d),
        vec![
            ("oem", "cell", "oem", 0.25 / 0.75, 4),
            ("oem", "cell", "s1", 0.5 / 0.75, 2),
        ]
    );
    assert_eq!(alternates(&d), vec![("oem", "cell", "s2", None, None, 3)]);
    assert_eq!(d.normalized[0].original_sum, 0.75);
}

#[test]
fn the_capacity_model_is_on_with_the_flag_or_dataset_toml() {
    // Valid for the model: values on every row, an output value on the end firm.
    let firms = "firm_id,name,country,annual_output_value,capacity_value\n\
                 oem,Car Maker,CN,100,\ns1,S1,DE,,60\ns2,S2,JP,,\n";
    let sourcing = "buyer_id,component,supplier_id,share,annual_value\n\
                    oem,cell,s1,1,60\noem,cell,s2,0,0\n";
    let base = [("firms.csv", firms), ("sourcing.csv", sourcing)];
    assert!(!load_ok(&base).capacity);
    let on = LoadOptions {
        capacity: true,
        ..LoadOptions::default()
    };
    assert!(load_ok_with(&base, on).capacity);
    let with_toml = |toml: &'static str| {
        let mut files = base.to_vec();
        files.push(("dataset.toml", toml));
        load_ok(&files)
    };
    let d = with_toml("title = \"T\"\n[analysis]\ncapacity = true\n");
    assert!(d.capacity && d.meta.analysis.capacity);
    // The flag wins over `false`; an empty [analysis] is off.
    let dir = dataset(&[
        ("firms.csv", firms),
        ("sourcing.csv", sourcing),
        ("dataset.toml", "[analysis]\ncapacity = false\n"),
    ]);
    assert!(load(dir.path(), on).expect("valid").capacity);
    assert!(!with_toml("[analysis]\n").capacity);
}

#[test]
fn capacity_value_may_equal_the_normal_output_within_1e_9() {
    // s1 delivers 60 to oem (the alternate s2 delivers nothing): normal output 60 a year.
    // oem is an end firm with output 100 that also delivers 30 to x: normal output 130.
    // 60 * (1 - 1e-10) is within the tolerance; 59.9 is not.
    let files = |s1_cap: &'static str| {
        let firms: &'static str = match s1_cap {
            "tight" => {
                "firm_id,name,country,annual_output_value,capacity_value\n\
                        oem,Car Maker,CN,100,130\ns1,S1,DE,,59.999999994\ns2,S2,JP,,0\nx,X,CN,5,\n"
            }
            _ => {
                "firm_id,name,country,annual_output_value,capacity_value\n\
                  oem,Car Maker,CN,100,129.9\ns1,S1,DE,,59.9\ns2,S2,JP,,0\nx,X,CN,5,\n"
            }
        };
        [
            ("firms.csv", firms),
            (
                "sourcing.csv",
                "buyer_id,component,supplier_id,share,annual_value\n\
                 oem,cell,s1,1,60\noem,cell,s2,0,0\nx,kit,oem,1,30\n",
            ),
            ("dataset.toml", "[analysis]\ncapacity = true\n"),
        ]
    };
    assert!(load_ok(&files("tight")).capacity);
    assert_eq!(
        load_err(&files("short")),
        "error: firms.csv row 2, column capacity_value: firm \"oem\": capacity_value 129.9 is below its normal output of 130 a year (its sourcing values as a supplier to other firms, plus its annual_output_value as an end firm); it would run above capacity with nothing cut\n\
         error: firms.csv row 3, column capacity_value: firm \"s1\": capacity_value 59.9 is below its normal output of 60 a year (its sourcing values as a supplier to other firms); it would run above capacity with nothing cut\n"
    );
}

#[test]
fn source_columns_name_dataset_toml_ids() {
    let toml = "[[sources]]\nid = \"a\"\ntitle = \"A\"\nstatus = \"R\"\n\n\
                [[sources]]\nid = \"b\"\ntitle = \"B\"\n\n[[sources]]\ntitle = \"No id\"\n";
    let d = load_ok(&[
        (
            "firms.csv",
            "firm_id,name,country,source\noem,Car Maker,CN,b\ns1,S1,DE,\ns2,S2,JP, a \n",
        ),
        (
            "sourcing.csv",
            "buyer_id,component,supplier_id,share,source\noem,cell,s1,0.6,a\noem,cell,s2,0.4,\n",
        ),
        ("dataset.toml", toml),
    ]);
    // Keyed by the input rows; empty cells have no source; ids are trimmed.
    assert_eq!(
        d.row_sources.sourcing.iter().collect::<Vec<_>>(),
        [(&2, &0)]
    );
    assert_eq!(
        d.row_sources.firms.iter().collect::<Vec<_>>(),
        [(&2, &1), (&4, &0)]
    );
    // Without the column nothing is cited, and nothing else changes.
    let plain = load_ok(&[("dataset.toml", toml)]);
    assert!(plain.row_sources.firms.is_empty() && plain.row_sources.sourcing.is_empty());
    assert_eq!(plain.sourcing, d.sourcing);
    // With no id in dataset.toml (or no dataset.toml) the column is not checked: a note, and
    // the rows cite nothing.
    let unchecked = load_ok(&[(
        "sourcing.csv",
        "buyer_id,component,supplier_id,share,source\noem,cell,s1,0.6,a\noem,cell,s2,0.4,z\n",
    )]);
    assert!(unchecked.row_sources.sourcing.is_empty());
    assert_eq!(unchecked.sourcing, d.sourcing);
    assert!(
        unchecked
            .notes
            .iter()
            .any(|n| n.file.ends_with("sourcing.csv") && n.message.contains("not checked")),
        "{:?}",
        unchecked.notes
    );
    // An unknown id in firms, and an id given twice.
    assert_eq!(
        load_err(&[
            ("firms.csv", "firm_id,name,country,source\noem,Car Maker,CN,c\ns1,S1,DE,\ns2,S2,JP,\n"),
            ("dataset.toml", "[[sources]]\nid = \"a\"\ntitle = \"A\"\n\n[[sources]]\nid = \"a\"\ntitle = \"A again\"\n"),
        ]),
        "error: dataset.toml: two [[sources]] entries have the id \"a\"\n\
         error: firms.csv row 2, column source: \"c\" is not the id of any [[sources]] entry of dataset.toml\n  \
         hint: add `id = \"...\"` to the source in dataset.toml, or fix the id\n"
    );
}
