//! Ingest: finds datasets on disk ([`discover`]), reads their tables into a [`table::Table`]
//! ([`precheck`] and [`csv`], [`parquet`], [`xlsx`]; Polars reads CSV and Parquet) and
//! validates every rule of MODEL.md §1 ([`firms`], [`components`], [`sourcing`], [`shares`];
//! the range, repeated-row and share-sum rules are Polars expressions in [`rules`], for every
//! format) and, when the capacity model is on, its input checks ([`capacity`]), collecting all
//! problems before giving up.
//!
//! The result is a [`Dataset`] of scrisk's own types; nothing after this module sees a file.

mod capacity;
mod columns;
mod components;
mod csv;
mod discover;
mod firms;
mod ids;
mod parquet;
mod precheck;
mod rules;
pub(crate) mod scenarios;
mod shares;
mod sources;
mod sourcing;
mod table;
mod xlsx;

use std::collections::HashSet;
use std::path::Path;

use crate::model::{Dataset, DatasetMeta, Firm, Note, RowSources, Scenario};
use crate::problem::Problem;
use columns::Format;
use sourcing::{Refs, SourcingResult};
use table::Table;

pub(crate) use discover::{dataset_name, discover, input_files};

/// How to load a dataset.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LoadOptions {
    /// Rescale shares of pairs that do not sum to 1 instead of rejecting them.
    pub(crate) normalize_shares: bool,
    /// `--capacity`: the capacity model (MODEL §8) is on, whatever `dataset.toml` says.
    pub(crate) capacity: bool,
}

/// The tables of a dataset, as read (each `None` when absent or unreadable).
struct Tables {
    firms: Option<Table>,
    components: Option<Table>,
    sourcing: Option<Table>,
}

/// Loads and validates one dataset directory. On failure, every problem found is returned.
pub(crate) fn load(dir: &Path, opts: LoadOptions) -> Result<Dataset, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let tables = read_tables(dir, &mut problems);

    let firms = tables
        .firms
        .as_ref()
        .and_then(|t| firms::read_firms(t, &mut problems, &mut notes));
    let listed = tables
        .components
        .as_ref()
        .and_then(|t| components::read_components(t, &mut problems, &mut notes));
    // With problems in firms, sourcing's references are still checked against the ids the
    // firms table does name, so that one run reports both files' problems.
    let named_ids: Option<HashSet<&str>> = match (&firms, &tables.firms) {
        (None, Some(t)) => t
            .text("firm_id")
            .ok()
            .map(|ids| (0..t.height()).filter_map(|i| ids.get(i)).collect()),
        _ => None,
    };
    let refs = Refs {
        firms: firms.as_deref(),
        named_ids: named_ids.as_ref(),
        listed: listed.as_ref(),
    };
    let sourcing = tables
        .sourcing
        .as_ref()
        .and_then(|t| sourcing::read_sourcing(t, &refs, opts, &mut problems, &mut notes));

    let cut_tables = scenarios::Tables {
        firms: firms.as_deref(),
        sourcing: sourcing.as_ref().map(|s| {
            (
                s.components.as_slice(),
                s.rows.as_slice(),
                s.alternates.as_slice(),
            )
        }),
    };
    let (scenarios, meta) = read_side_files(dir, cut_tables, &mut problems);
    let row_sources = sources::row_sources(
        tables.firms.as_ref(),
        tables.sourcing.as_ref(),
        &meta,
        &mut problems,
        &mut notes,
    );
    let capacity = opts.capacity || meta.analysis.capacity;
    // Reported after the firms' checks, so that firms comes first as elsewhere.
    let mut value_column = Vec::new();
    if let (true, Some(t)) = (capacity, &tables.sourcing) {
        capacity::value_column(t, &mut value_column);
    }

    match (firms, sourcing, &tables.firms) {
        (Some(firms), Some(s), Some(firms_table)) => {
            notes.sort();
            let mut ds = dataset(dir, firms, s, (scenarios, meta), notes, capacity);
            ds.row_sources = row_sources;
            if capacity {
                capacity::firms(&ds, &firms_table.file, &mut problems);
            }
            problems.append(&mut value_column);
            if problems.is_empty() {
                Ok(ds)
            } else {
                Err(problems)
            }
        }
        _ => {
            problems.append(&mut value_column);
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

/// The loaded dataset, from its validated parts.
fn dataset(
    dir: &Path,
    firms: Vec<Firm>,
    s: SourcingResult,
    (scenarios, meta): (Vec<Scenario>, DatasetMeta),
    notes: Vec<Note>,
    capacity: bool,
) -> Dataset {
    Dataset {
        name: dataset_name(dir),
        path: dir.to_path_buf(),
        files: discover::source_files(dir),
        firms,
        components: s.components,
        sourcing: s.rows,
        alternates: s.alternates,
        has_values: s.has_values,
        share_source: s.share_source,
        normalized: s.normalized,
        scenarios,
        meta,
        capacity,
        notes,
        row_sources: RowSources::default(),
    }
}

/// Reads `scenarios.toml` and `dataset.toml` (cuts are matched to the tables they need when
/// those are valid).
fn read_side_files(
    dir: &Path,
    tables: scenarios::Tables<'_>,
    problems: &mut Vec<Problem>,
) -> (Vec<Scenario>, DatasetMeta) {
    // A workbook given as the path has no directory of its own for the .toml files.
    if discover::is_workbook(dir) {
        return (Vec::new(), DatasetMeta::default());
    }
    let scenarios_text = read_text(dir, "scenarios.toml", problems);
    let meta_text = read_text(dir, "dataset.toml", problems);
    let scenarios = match scenarios_text {
        Some((text, file)) => scenarios::parse_scenarios(&text, &file, tables, problems),
        None => Vec::new(),
    };
    let meta = match meta_text {
        Some((text, file)) => scenarios::parse_meta(&text, &file, problems),
        None => DatasetMeta::default(),
    };
    (scenarios, meta)
}

/// Reads the tables of a dataset: from its workbook if it is one (or holds one), else from its
/// table files.
fn read_tables(dir: &Path, problems: &mut Vec<Problem>) -> Tables {
    match discover::workbook_of(dir) {
        Some(book) => match xlsx::Workbook::open(&book, problems) {
            Some(mut wb) => Tables {
                firms: open_sheet(&mut wb, "firms", true, problems),
                components: open_sheet(&mut wb, "components", false, problems),
                sourcing: open_sheet(&mut wb, "sourcing", true, problems),
            },
            None => Tables {
                firms: None,
                components: None,
                sourcing: None,
            },
        },
        None => Tables {
            firms: open_table(dir, "firms", &columns::FIRMS, true, problems),
            components: open_table(dir, "components", &columns::COMPONENTS, false, problems),
            sourcing: open_table(dir, "sourcing", &columns::SOURCING, true, problems),
        },
    }
}

/// Reads table `base` of a dataset directory from its one CSV or Parquet file.
fn open_table(
    dir: &Path,
    base: &str,
    format: &Format,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let files = discover::table_files(dir, base);
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
        [one] => {
            let file = one.display().to_string();
            let is_parquet = one
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
            if is_parquet {
                parquet::read_parquet(one, &file, format, problems)
            } else {
                csv::read_csv(one, &file, format, problems)
            }
        }
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
    book: &mut xlsx::Workbook,
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

/// A text file of the dataset directory (a byte-order mark dropped), with its name as shown in
/// messages; `None` when it does not exist or cannot be read as UTF-8 (a problem).
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

#[cfg(test)]
mod tests;
