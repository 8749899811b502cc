//! The optional components table: the components a dataset lists, with their display names.

use std::collections::{BTreeMap, HashMap};

use super::columns::{text_col, COMPONENTS};
use super::table::Table;
use crate::model::Note;
use crate::problem::{quote, Problem};

/// The listed components by id, with their optional names; `None` when the table has problems.
pub(crate) fn read_components(
    t: &Table,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> Option<BTreeMap<String, Option<String>>> {
    let before = problems.len();
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
        if !COMPONENTS.columns.iter().any(|(n, _)| *n == c) {
            notes.push(Note {
                file: t.file.clone(),
                message: format!("column {} is not used by scrisk and was ignored", quote(c)),
            });
        }
    }
    let ids = text_col(t, "component", problems)?;
    let names = text_col(t, "name", problems)?;
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut rows: HashMap<&str, usize> = HashMap::new();
    for i in 0..t.height() {
        let row = t.row(i);
        match ids.get(i) {
            None => problems.push(Problem::cell(&t.file, row, "component", "is empty")),
            Some(id) => {
                if let Some(first) = rows.get(id) {
                    problems.push(Problem::cell(
                        &t.file,
                        row,
                        "component",
                        format!("{} is listed again (first on row {first})", quote(id)),
                    ));
                } else {
                    rows.insert(id, row);
                    out.insert(id.to_string(), names.get(i).map(str::to_string));
                }
            }
        }
    }
    (problems.len() == before).then_some(out)
}
