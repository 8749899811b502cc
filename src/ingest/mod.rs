//! Ingest: finds datasets on disk, reads their tables (through [`table`], the only user of
//! Polars) and validates every rule of MODEL.md §1, collecting all problems before giving up.
//!
//! The result is a [`Dataset`] of scrisk's own types; nothing after this module sees a file.

pub mod scenarios;
mod table;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{
    Component, Dataset, DatasetMeta, Firm, Normalized, Note, ShareSource, SourcingRow,
};
use crate::problem::{quote, Problem};
use table::{read_table, NumCell, Table};

pub use crate::model::cut::{parse_cut, resolve_cut, CutError};

/// Shares of a pair may differ from 1 by this much (MODEL §1).
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// How to load a dataset.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Rescale shares of pairs that do not sum to 1 instead of rejecting them.
    pub normalize_shares: bool,
}

const TABLE_EXTENSIONS: [&str; 2] = ["csv", "parquet"];
const FIRM_COLUMNS: [&str; 8] = [
    "firm_id",
    "name",
    "country",
    "region",
    "group",
    "kind",
    "annual_output_value",
    "recovery_days",
];
const SOURCING_COLUMNS: [&str; 6] = [
    "buyer_id",
    "component",
    "supplier_id",
    "share",
    "annual_value",
    "inventory_days",
];

/// The table files of a dataset directory, by base name (`firms`, `sourcing`, `components`).
fn table_files(dir: &Path, base: &str) -> Vec<PathBuf> {
    TABLE_EXTENSIONS
        .iter()
        .map(|ext| dir.join(format!("{base}.{ext}")))
        .filter(|p| p.is_file())
        .collect()
}

fn is_workbook(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// The `.xlsx` workbook a dataset's tables come from: the path itself when it is a workbook, or
/// the one workbook of a directory that holds no `firms`/`sourcing` CSV or Parquet file.
/// (Spreadsheet lock files `~$name.xlsx` are not workbooks.)
fn workbook_of(path: &Path) -> Option<PathBuf> {
    if is_workbook(path) {
        return Some(path.to_path_buf());
    }
    if !path.is_dir()
        || !table_files(path, "firms").is_empty()
        || !table_files(path, "sourcing").is_empty()
    {
        return None;
    }
    let mut books: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            is_workbook(p)
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        })
        .collect();
    books.sort();
    match books.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

fn looks_like_dataset(dir: &Path) -> bool {
    !table_files(dir, "firms").is_empty()
        || !table_files(dir, "sourcing").is_empty()
        || workbook_of(dir).is_some()
}

/// A sum for a message: float noise removed (0.8999999999999999 → 0.9), nine decimals at most.
fn round_for_message(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Whether `code` (upper case) is an ISO 3166-1 alpha-2 code or a user-assigned one
/// (`XA`–`XZ`, `ZZ`).
pub fn is_country_code(code: &str) -> bool {
    crate::model::country::is_valid(code)
}

/// Expands a command-line path into dataset directories: the path itself when it holds a
/// `firms` or `sourcing` table (or a workbook), else its immediate sub-directories that do
/// (sorted by name).
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, Problem> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(Problem::file(shown, "no such file or directory"));
    }
    if is_workbook(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(Problem::file(shown, "is not a directory").with_hint(
            "a dataset is a directory holding firms.csv and sourcing.csv (or .parquet)",
        ));
    }
    if looks_like_dataset(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| Problem::file(shown.clone(), format!("cannot list directory: {e}")))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && looks_like_dataset(p))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(Problem::file(shown, "holds no dataset").with_hint(
            "a dataset is a directory holding firms.csv and sourcing.csv (or .parquet), or one \
             .xlsx workbook with sheets firms and sourcing; a directory of datasets holds such \
             directories",
        ));
    }
    Ok(found)
}

/// The name of a dataset directory, used for report file names.
pub fn dataset_name(dir: &Path) -> String {
    if is_workbook(dir) {
        if let Some(stem) = dir.file_stem() {
            return stem.to_string_lossy().into_owned();
        }
    }
    let named = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..");
    named
        .or_else(|| {
            dir.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "dataset".to_string())
}

/// Loads and validates one dataset directory. On failure, every problem found is returned.
pub fn load(dir: &Path, opts: LoadOptions) -> Result<Dataset, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();

    let workbook = workbook_of(dir);
    let (firms_table, components_table, sourcing_table) = match &workbook {
        Some(book) => match table::Workbook::open(book, &mut problems) {
            Some(mut wb) => (
                open_sheet(&mut wb, "firms", true, &mut problems),
                open_sheet(&mut wb, "components", false, &mut problems),
                open_sheet(&mut wb, "sourcing", true, &mut problems),
            ),
            None => (None, None, None),
        },
        None => (
            open_table(dir, "firms", true, &mut problems),
            open_table(dir, "components", false, &mut problems),
            open_table(dir, "sourcing", true, &mut problems),
        ),
    };
    // A workbook given as the path has no directory of its own for the .toml files.
    let side_files = if is_workbook(dir) { None } else { Some(dir) };

    let firms = firms_table
        .as_ref()
        .and_then(|t| read_firms(t, &mut problems, &mut notes));
    let listed = components_table
        .as_ref()
        .and_then(|t| read_components(t, &mut problems, &mut notes));
    // With problems in firms, sourcing's references are still checked against the ids the
    // firms table does name, so that one run reports both files' problems.
    let named_ids: Option<std::collections::HashSet<String>> = match (&firms, &firms_table) {
        (None, Some(t)) => t
            .text("firm_id")
            .ok()
            .map(|ids| ids.into_iter().flatten().collect()),
        _ => None,
    };
    let sourcing = sourcing_table.as_ref().and_then(|t| {
        read_sourcing(
            t,
            firms.as_deref(),
            named_ids.as_ref(),
            listed.as_ref(),
            opts,
            &mut problems,
            &mut notes,
        )
    });

    let scenarios_text = side_files.and_then(|d| read_text(d, "scenarios.toml", &mut problems));
    let meta_text = side_files.and_then(|d| read_text(d, "dataset.toml", &mut problems));
    let scenarios = match scenarios_text {
        Some((text, file)) => {
            scenarios::parse_scenarios(&text, &file, firms.as_deref(), &mut problems)
        }
        None => Vec::new(),
    };
    let meta = match meta_text {
        Some((text, file)) => scenarios::parse_meta(&text, &file, &mut problems),
        None => DatasetMeta::default(),
    };

    match (firms, sourcing) {
        (Some(firms), Some(s)) if problems.is_empty() => {
            notes.sort();
            Ok(Dataset {
                name: dataset_name(dir),
                path: dir.to_path_buf(),
                firms,
                components: s.components,
                sourcing: s.rows,
                has_values: s.has_values,
                share_source: s.share_source,
                normalized: s.normalized,
                scenarios,
                meta,
                notes,
            })
        }
        _ => {
            if problems.is_empty() {
                // Defensive: a table failed without saying why.
                problems.push(Problem::file(
                    dir.display().to_string(),
                    "could not be loaded",
                ));
            }
            Err(problems)
        }
    }
}

fn open_table(
    dir: &Path,
    base: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let files = table_files(dir, base);
    match files.as_slice() {
        [] => {
            if required {
                problems.push(
                    Problem::file(
                        dir.join(format!("{base}.csv")).display().to_string(),
                        "is missing",
                    )
                    .with_hint(format!("a dataset needs {base}.csv or {base}.parquet")),
                );
            }
            None
        }
        [one] => read_table(one, &one.display().to_string(), problems),
        _ => {
            problems.push(Problem::file(
                dir.join(base).display().to_string(),
                format!("both {base}.csv and {base}.parquet exist; keep one so it is clear which is meant"),
            ));
            None
        }
    }
}

/// A sheet of a workbook as a table; a missing required sheet is a problem.
fn open_sheet(
    book: &mut table::Workbook,
    sheet: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    match book.sheet(sheet, problems) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            if required {
                problems.push(
                    Problem::file(book.shown(), format!("has no sheet named {sheet}"))
                        .with_hint("a workbook dataset needs sheets firms and sourcing (components is optional)"),
                );
            }
            None
        }
        Err(()) => None,
    }
}

fn read_text(dir: &Path, name: &str, problems: &mut Vec<Problem>) -> Option<(String, String)> {
    let path = dir.join(name);
    let file = path.display().to_string();
    if !path.exists() {
        return None;
    }
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => Some((t.trim_start_matches('\u{feff}').to_string(), file)),
            Err(e) => {
                problems.push(Problem::file(
                    file,
                    format!(
                        "is not valid UTF-8 (bad byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                ));
                None
            }
        },
        Err(e) => {
            problems.push(Problem::file(file, format!("cannot read: {e}")));
            None
        }
    }
}

/// Checks that the required columns are there and notes unknown ones. False when a required
/// column is missing.
fn check_columns(
    t: &Table,
    required: &[&str],
    known: &[&str],
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> bool {
    let mut ok = true;
    let found: Vec<&str> = t.column_names().collect();
    for r in required {
        if !t.has(r) {
            ok = false;
            problems.push(
                Problem::cell(&t.file, t.header_row, *r, "required column is missing")
                    .with_hint(if found.len() == 1 && found[0].contains(';') {
                        "the file seems to separate values with ';' (a European spreadsheet export); \
                         save it as comma-separated CSV"
                            .to_string()
                    } else {
                        format!("the header has: {}", found.join(", "))
                    }),
            );
        }
    }
    for c in &found {
        if !known.contains(c) {
            notes.push(Note {
                file: t.file.clone(),
                message: format!(
                    "column {} is not part of the format and was ignored (known: {})",
                    quote(c),
                    known.join(", ")
                ),
            });
        }
    }
    if t.height() == 0 {
        ok = false;
        problems.push(Problem::file(&t.file, "has a header but no data rows"));
    }
    ok
}

/// Reads a text column, turning a column-level failure into a problem.
fn text_col(t: &Table, name: &str, problems: &mut Vec<Problem>) -> Option<Vec<Option<String>>> {
    t.text(name).map_err(|p| problems.push(p)).ok()
}

fn num_col(t: &Table, name: &str, problems: &mut Vec<Problem>) -> Option<Vec<NumCell>> {
    t.numbers(name).map_err(|p| problems.push(p)).ok()
}

/// Checks a non-negative number; `Ok(None)` for an empty cell.
fn non_negative(
    cell: &NumCell,
    file: &str,
    row: usize,
    col: &str,
    problems: &mut Vec<Problem>,
) -> Result<Option<f64>, ()> {
    match cell {
        NumCell::Empty => Ok(None),
        NumCell::Bad(s) => {
            problems.push(Problem::cell(
                file,
                row,
                col,
                format!("{} is not a number", quote(s)),
            ));
            Err(())
        }
        NumCell::Num(v) if !v.is_finite() => {
            problems.push(Problem::cell(
                file,
                row,
                col,
                format!("{v} is not a finite number"),
            ));
            Err(())
        }
        NumCell::Num(v) if *v < 0.0 => {
            problems.push(Problem::cell(
                file,
                row,
                col,
                format!("{v} is negative; it must be >= 0"),
            ));
            Err(())
        }
        NumCell::Num(v) => Ok(Some(*v)),
    }
}

fn read_firms(t: &Table, problems: &mut Vec<Problem>, notes: &mut Vec<Note>) -> Option<Vec<Firm>> {
    let before = problems.len();
    if !check_columns(t, &FIRM_COLUMNS[..3], &FIRM_COLUMNS, problems, notes) {
        return None;
    }
    let file = t.file.as_str();
    let ids = text_col(t, "firm_id", problems)?;
    let names = text_col(t, "name", problems)?;
    let countries = text_col(t, "country", problems)?;
    let regions = text_col(t, "region", problems)?;
    let groups = text_col(t, "group", problems)?;
    let kinds = text_col(t, "kind", problems)?;
    let outputs = num_col(t, "annual_output_value", problems)?;
    let recovery = num_col(t, "recovery_days", problems)?;

    let mut seen: HashMap<&str, usize> = HashMap::new();
    // Ids that differ only in case are different firms, but rarely on purpose: say so.
    let mut folded: HashMap<String, (&str, usize)> = HashMap::new();
    let mut case_notes: Vec<String> = Vec::new();
    let mut firms = Vec::with_capacity(t.height());
    for i in 0..t.height() {
        let row = t.row(i);
        let id = ids[i].as_deref();
        if let Some(id) = id {
            if let Some(&(other, other_row)) = folded.get(&id.to_lowercase()) {
                if other != id && case_notes.len() < 20 {
                    case_notes.push(format!(
                        "firm ids {} (row {other_row}) and {} (row {row}) differ only in case; they are treated as different firms",
                        quote(other),
                        quote(id)
                    ));
                }
            } else {
                folded.insert(id.to_lowercase(), (id, row));
            }
        }
        match id {
            None => problems.push(Problem::cell(
                file,
                row,
                "firm_id",
                "is empty; every firm needs an id",
            )),
            Some(id) => {
                if let Some(first) = seen.insert(id, row) {
                    problems.push(Problem::cell(
                        file,
                        row,
                        "firm_id",
                        format!("{} is used again (first on row {first})", quote(id)),
                    ));
                    seen.insert(id, first);
                }
            }
        }
        if names[i].is_none() {
            problems.push(Problem::cell(
                file,
                row,
                "name",
                "is empty; every firm needs a name",
            ));
        }
        let country = match countries[i].as_deref() {
            None => {
                problems.push(
                    Problem::cell(file, row, "country", "is empty")
                        .with_hint("use ZZ when the country is unknown"),
                );
                None
            }
            Some(c) => match crate::model::country::normalise_country(c) {
                Ok(cc) => Some(cc),
                Err(hint) => {
                    let mut p = Problem::cell(
                        file,
                        row,
                        "country",
                        format!("{} is not an ISO 3166-1 alpha-2 code", quote(c)),
                    );
                    p.hint = hint.map(str::to_string);
                    problems.push(p);
                    None
                }
            },
        };
        let output = non_negative(&outputs[i], file, row, "annual_output_value", problems);
        let rec = non_negative(&recovery[i], file, row, "recovery_days", problems);
        if let (Some(id), Some(name), Some(country), Ok(output), Ok(rec)) =
            (id, names[i].as_ref(), country, output, rec)
        {
            firms.push(Firm {
                id: id.to_string(),
                name: name.clone(),
                country,
                region: regions[i].clone(),
                group: groups[i].clone().unwrap_or_else(|| id.to_string()),
                group_named: groups[i].is_some(),
                kind: kinds[i].clone(),
                annual_output_value: output,
                recovery_days: rec,
                row,
            });
        }
    }
    if problems.len() > before {
        return None;
    }
    notes.extend(case_notes.into_iter().map(|message| Note {
        file: file.to_string(),
        message,
    }));
    firms.sort_by(|a, b| a.id.cmp(&b.id));
    Some(firms)
}

fn read_components(
    t: &Table,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> Option<BTreeMap<String, Option<String>>> {
    let before = problems.len();
    let known = ["component", "name", "category", "description", "critical"];
    if !t.has("component") {
        problems.push(
            Problem::cell(
                &t.file,
                t.header_row,
                "component",
                "required column is missing",
            )
            .with_hint(format!(
                "the header has: {}",
                t.column_names().collect::<Vec<_>>().join(", ")
            )),
        );
        return None;
    }
    for c in t.column_names() {
        if !known.contains(&c) {
            notes.push(Note {
                file: t.file.clone(),
                message: format!("column {} is not used by scrisk and was ignored", quote(c)),
            });
        }
    }
    let ids = text_col(t, "component", problems)?;
    let names = text_col(t, "name", problems)?;
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut rows: HashMap<String, usize> = HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        let row = t.row(i);
        match id {
            None => problems.push(Problem::cell(&t.file, row, "component", "is empty")),
            Some(id) => {
                if let Some(first) = rows.get(&id) {
                    problems.push(Problem::cell(
                        &t.file,
                        row,
                        "component",
                        format!("{} is listed again (first on row {first})", quote(&id)),
                    ));
                } else {
                    rows.insert(id.clone(), row);
                    out.insert(id, names[i].clone());
                }
            }
        }
    }
    (problems.len() == before).then_some(out)
}

/// What the sourcing table yields.
struct SourcingResult {
    rows: Vec<SourcingRow>,
    components: Vec<Component>,
    has_values: bool,
    share_source: ShareSource,
    normalized: Vec<Normalized>,
}

/// A sourcing row with valid cells, before shares are derived or checked.
struct RawRow {
    buyer: usize,
    component: String,
    supplier: usize,
    share: Option<f64>,
    value: Option<f64>,
    inventory: Option<f64>,
    row: usize,
}

fn read_sourcing(
    t: &Table,
    firms: Option<&[Firm]>,
    named_ids: Option<&std::collections::HashSet<String>>,
    listed: Option<&BTreeMap<String, Option<String>>>,
    opts: LoadOptions,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> Option<SourcingResult> {
    let before = problems.len();
    if !check_columns(
        t,
        &SOURCING_COLUMNS[..3],
        &SOURCING_COLUMNS,
        problems,
        notes,
    ) {
        return None;
    }
    let file = t.file.as_str();
    let buyers = text_col(t, "buyer_id", problems)?;
    let comps = text_col(t, "component", problems)?;
    let suppliers = text_col(t, "supplier_id", problems)?;
    let shares = num_col(t, "share", problems)?;
    let values = num_col(t, "annual_value", problems)?;
    let inventory = num_col(t, "inventory_days", problems)?;
    let has_share = t.has("share");
    let has_values = t.has("annual_value");

    let firm_index: Option<HashMap<&str, usize>> = firms.map(|f| {
        f.iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i))
            .collect()
    });
    let lookup = |id: &Option<String>,
                  col: &str,
                  row: usize,
                  problems: &mut Vec<Problem>|
     -> Option<usize> {
        let Some(id) = id.as_deref() else {
            problems.push(Problem::cell(file, row, col, "is empty"));
            return None;
        };
        let unknown = |problems: &mut Vec<Problem>| {
            problems.push(
                Problem::cell(
                    file,
                    row,
                    col,
                    format!("{} is not a firm_id in firms", quote(id)),
                )
                .with_hint("every buyer and supplier must be listed in firms"),
            );
        };
        let Some(index) = firm_index.as_ref() else {
            // firms has problems: check against the ids it names, resolve nothing.
            if named_ids.is_some_and(|named| !named.contains(id)) {
                unknown(problems);
            }
            return None;
        };
        let found = index.get(id).copied();
        if found.is_none() {
            unknown(problems);
        }
        found
    };

    let mut raw: Vec<RawRow> = Vec::with_capacity(t.height());
    // Pairs with a rejected row are not checked for their share sum (it would be wrong).
    let mut broken_pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for i in 0..t.height() {
        let row = t.row(i);
        let n_before = problems.len();
        let buyer = lookup(&buyers[i], "buyer_id", row, problems);
        let supplier = lookup(&suppliers[i], "supplier_id", row, problems);
        let component = match comps[i].as_deref() {
            None => {
                problems.push(Problem::cell(file, row, "component", "is empty"));
                None
            }
            Some(k) => match listed {
                Some(list) if !list.contains_key(k) => {
                    problems.push(
                        Problem::cell(
                            file,
                            row,
                            "component",
                            format!("{} is not listed in components", quote(k)),
                        )
                        .with_hint("add it to components.csv, or fix the spelling"),
                    );
                    None
                }
                _ => Some(k.to_string()),
            },
        };
        let share = if has_share {
            match &shares[i] {
                NumCell::Empty => {
                    problems.push(Problem::cell(file, row, "share", "is empty").with_hint(
                        "give every row a share, or drop the column to derive shares from annual_value",
                    ));
                    Err(())
                }
                NumCell::Bad(s) => {
                    problems.push(
                        Problem::cell(file, row, "share", format!("{} is not a number", quote(s)))
                            .with_hint("a share is a fraction in (0, 1], e.g. 0.4 for 40%"),
                    );
                    Err(())
                }
                NumCell::Num(v) if !v.is_finite() => {
                    problems.push(Problem::cell(
                        file,
                        row,
                        "share",
                        format!("{v} is not a finite number"),
                    ));
                    Err(())
                }
                NumCell::Num(v) if !(*v > 0.0 && *v <= 1.0) => {
                    problems.push(Problem::cell(file, row, "share", format!("{v} is outside (0, 1]")).with_hint(
                        "a share is a fraction in (0, 1], e.g. 0.4 for 40%; drop a supplier with share 0",
                    ));
                    Err(())
                }
                NumCell::Num(v) => Ok(Some(*v)),
            }
        } else {
            Ok(None)
        };
        let value = non_negative(&values[i], file, row, "annual_value", problems);
        if has_values && matches!(value, Ok(None)) {
            problems.push(Problem::cell(file, row, "annual_value", "is empty").with_hint(
                "give every row a value, or drop the column; an empty value would silently count as 0",
            ));
        }
        let inv = non_negative(&inventory[i], file, row, "inventory_days", problems);
        match (buyer, component, supplier, share, value, inv) {
            (Some(b), Some(k), Some(s), Ok(share), Ok(value), Ok(inv))
                if problems.len() == n_before =>
            {
                raw.push(RawRow {
                    buyer: b,
                    component: k,
                    supplier: s,
                    share,
                    value,
                    inventory: inv,
                    row,
                })
            }
            _ => {
                if let (Some(b), Some(k)) = (buyers[i].clone(), comps[i].clone()) {
                    broken_pairs.insert((b, k));
                }
            }
        }
    }

    raw.sort_by(|a, b| {
        (a.buyer, &a.component, a.supplier).cmp(&(b.buyer, &b.component, b.supplier))
    });
    for w in raw.windows(2) {
        if (w[0].buyer, &w[0].component, w[0].supplier)
            == (w[1].buyer, &w[1].component, w[1].supplier)
        {
            let (first, again) = (w[0].row.min(w[1].row), w[0].row.max(w[1].row));
            problems.push(
                Problem::cell(
                    file,
                    again,
                    "supplier_id",
                    format!("duplicate row: same buyer, component and supplier as row {first}"),
                )
                .with_hint("merge the two rows into one (add their shares and values)"),
            );
        }
    }

    // Components: the listed ones plus every one named in sourcing, sorted.
    let mut comp_names: BTreeMap<String, Option<String>> = listed.cloned().unwrap_or_default();
    for r in &raw {
        comp_names.entry(r.component.clone()).or_insert(None);
    }
    let comp_index: HashMap<&str, usize> = comp_names
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let components: Vec<Component> = comp_names
        .iter()
        .map(|(id, name)| Component {
            id: id.clone(),
            name: name.clone(),
        })
        .collect();

    let share_source = if has_share {
        ShareSource::Given
    } else if has_values {
        ShareSource::FromValues
    } else {
        ShareSource::EqualSplit
    };
    let mut rows: Vec<SourcingRow> = Vec::with_capacity(raw.len());
    let mut normalized = Vec::new();
    let mut normalized_text: Vec<String> = Vec::new();
    let firm_id = |i: usize| firms.map_or("?", |f| f[i].id.as_str());
    let mut start = 0;
    while start < raw.len() {
        let mut end = start + 1;
        while end < raw.len()
            && raw[end].buyer == raw[start].buyer
            && raw[end].component == raw[start].component
        {
            end += 1;
        }
        let pair = &raw[start..end];
        let (b, k) = (pair[0].buyer, pair[0].component.as_str());
        let pair_rows = || {
            let mut rows: Vec<usize> = pair.iter().map(|r| r.row).collect();
            rows.sort_unstable();
            rows
        };
        let broken = broken_pairs.contains(&(firm_id(b).to_string(), k.to_string()));
        let shares: Vec<f64> = match share_source {
            ShareSource::Given => {
                let given: Vec<f64> = pair.iter().map(|r| r.share.unwrap_or(0.0)).collect();
                let sum: f64 = given.iter().sum();
                let rows_text = || {
                    pair_rows()
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                if broken || (sum - 1.0).abs() <= SHARE_TOLERANCE {
                    given
                } else if opts.normalize_shares {
                    normalized_text.push(format!(
                        "{}/{} (sum {}, rows {})",
                        firm_id(b),
                        k,
                        round_for_message(sum),
                        rows_text()
                    ));
                    normalized.push(Normalized {
                        buyer: b,
                        component: comp_index[k],
                        original_sum: sum,
                    });
                    given.iter().map(|s| s / sum).collect()
                } else {
                    problems.push(
                        Problem::cell(
                            file,
                            pair_rows()[0],
                            "share",
                            format!(
                                "shares of buyer {} for component {} sum to {}, not 1 (rows {})",
                                quote(firm_id(b)),
                                quote(k),
                                round_for_message(sum),
                                rows_text()
                            ),
                        )
                        .with_hint("fix the shares, or pass --normalize-shares to rescale them"),
                    );
                    given
                }
            }
            ShareSource::FromValues => {
                let vals: Vec<f64> = pair.iter().map(|r| r.value.unwrap_or(0.0)).collect();
                let sum: f64 = vals.iter().sum();
                for (r, v) in pair.iter().zip(&vals) {
                    if *v == 0.0 && !broken {
                        problems.push(
                            Problem::cell(
                                file,
                                r.row,
                                "annual_value",
                                "is 0, so this supplier's derived share would be 0",
                            )
                            .with_hint("without a share column, shares come from annual_value; give a positive value or drop the row"),
                        );
                    }
                }
                if sum > 0.0 {
                    vals.iter().map(|v| v / sum).collect()
                } else {
                    vals
                }
            }
            ShareSource::EqualSplit => vec![1.0 / pair.len() as f64; pair.len()],
        };
        for (r, share) in pair.iter().zip(shares) {
            rows.push(SourcingRow {
                buyer: r.buyer,
                component: comp_index[r.component.as_str()],
                supplier: r.supplier,
                share,
                annual_value: if has_values { r.value } else { None },
                inventory_days: r.inventory,
                row: r.row,
            });
        }
        start = end;
    }
    if !normalized.is_empty() {
        notes.push(Note {
            file: t.file.clone(),
            message: format!(
                "--normalize-shares rescaled the shares of {} (buyer, component) pair{} that did not sum to 1: {}{}",
                normalized.len(),
                if normalized.len() == 1 { "" } else { "s" },
                normalized_text.iter().take(20).cloned().collect::<Vec<_>>().join("; "),
                if normalized_text.len() > 20 { format!("; and {} more", normalized_text.len() - 20) } else { String::new() }
            ),
        });
    }
    if problems.len() > before || firms.is_none() {
        return None;
    }
    Some(SourcingResult {
        rows,
        components,
        has_values,
        share_source,
        normalized,
    })
}

#[cfg(test)]
mod tests;
