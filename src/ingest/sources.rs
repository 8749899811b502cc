//! The optional `source` column of `firms` and `sourcing`: each non-empty cell names the `id` of
//! a `[[sources]]` entry of `dataset.toml`, so that the report can say how much of a headline
//! runs through rows whose source is unverified. An id that no entry has is bad input (file,
//! row, column); so is an id given to two entries. When `dataset.toml` gives no entry an id
//! (or there is no `dataset.toml`, as for tables handed over from a notebook), there is nothing
//! to check the column against: it is left unread, with a note, and its rows count as citing
//! no source.

use std::collections::BTreeMap;

use super::table::Table;
use crate::model::{DatasetMeta, Note, RowSources};
use crate::problem::{quote, Problem};

/// The source of every row with a `source` cell, keyed by its row in the input file; problems
/// for unknown and repeated ids.
pub(crate) fn row_sources(
    firms: Option<&Table>,
    sourcing: Option<&Table>,
    meta: &DatasetMeta,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> RowSources {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in meta.sources.iter().enumerate() {
        let Some(id) = s.id.as_deref().map(str::trim).filter(|id| !id.is_empty()) else {
            continue;
        };
        if ids.insert(id, i).is_some() {
            problems.push(Problem::file(
                "dataset.toml",
                format!("two [[sources]] entries have the id {}", quote(id)),
            ));
        }
    }
    if ids.is_empty() {
        for t in [firms, sourcing].into_iter().flatten() {
            let cited = t
                .text("source")
                .is_ok_and(|c| (0..t.height()).any(|i| c.get(i).is_some()));
            if cited {
                notes.push(Note {
                    file: t.file.clone(),
                    message: "the source column was not checked: dataset.toml gives no \
                              [[sources]] entry an id; its rows count as citing no source"
                        .to_string(),
                });
            }
        }
        return RowSources::default();
    }
    RowSources {
        firms: column(firms, &ids, problems),
        sourcing: column(sourcing, &ids, problems),
    }
}

/// One table's `source` column (nothing when it has none).
fn column(
    t: Option<&Table>,
    ids: &BTreeMap<&str, usize>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<usize, usize> {
    let mut out = BTreeMap::new();
    let Some(t) = t.filter(|t| t.has("source")) else {
        return out;
    };
    let cells = match t.text("source") {
        Ok(c) => c,
        Err(p) => {
            problems.push(p);
            return out;
        }
    };
    for i in 0..t.height() {
        let Some(cell) = cells.get(i).map(str::trim).filter(|c| !c.is_empty()) else {
            continue;
        };
        match ids.get(cell) {
            Some(&s) => {
                out.insert(t.row(i), s);
            }
            None => problems.push(
                Problem::cell(
                    t.file.clone(),
                    t.row(i),
                    "source",
                    format!(
                        "{} is not the id of any [[sources]] entry of dataset.toml",
                        quote(cell)
                    ),
                )
                .with_hint("add `id = \"...\"` to the source in dataset.toml, or fix the id"),
            ),
        }
    }
    out
}
