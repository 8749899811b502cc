//! The columns of each table (MODEL.md §1): which exist, which are required, which hold
//! numbers; the checks on a table's header; access to a column with its problem reported; and
//! the cells of number columns (empty, not a number, or breaking their range).

use super::rules::{breach_problem, Breach};
use super::table::{NumCell, Numbers, Table, Texts};
use crate::model::Note;
use crate::problem::{quote, Problem};

/// What a column of the format holds, so that a reader can type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Number,
    /// Part of the format, but not read by scrisk.
    Unread,
}

/// The columns of one table: the first `required` are required.
pub(crate) struct Format {
    pub(crate) columns: &'static [(&'static str, Kind)],
    pub(crate) required: usize,
}

impl Format {
    /// What the (normalised) column holds; a column outside the format is never read.
    pub(crate) fn kind(&self, name: &str) -> Kind {
        self.columns
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(Kind::Unread, |(_, k)| *k)
    }

    fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(n, _)| *n).collect()
    }
}

pub(crate) const FIRMS: Format = Format {
    columns: &[
        ("firm_id", Kind::Text),
        ("name", Kind::Text),
        ("country", Kind::Text),
        ("region", Kind::Text),
        ("group", Kind::Text),
        ("kind", Kind::Text),
        ("annual_output_value", Kind::Number),
        ("recovery_days", Kind::Number),
        ("capacity_value", Kind::Number),
        ("stock_days", Kind::Number),
        ("source", Kind::Text),
    ],
    required: 3,
};

pub(crate) const SOURCING: Format = Format {
    columns: &[
        ("buyer_id", Kind::Text),
        ("component", Kind::Text),
        ("supplier_id", Kind::Text),
        ("share", Kind::Number),
        ("annual_value", Kind::Number),
        ("inventory_days", Kind::Number),
        ("source", Kind::Text),
    ],
    required: 3,
};

pub(crate) const COMPONENTS: Format = Format {
    columns: &[
        ("component", Kind::Text),
        ("name", Kind::Text),
        ("category", Kind::Unread),
        ("description", Kind::Unread),
        ("critical", Kind::Unread),
    ],
    required: 1,
};

/// Checks that the required columns of `format` are there and notes unknown ones. False when
/// a required column is missing or the table has no data rows.
pub(crate) fn check_columns(
    t: &Table,
    format: &Format,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Note>,
) -> bool {
    let mut ok = true;
    let known = format.names();
    let found: Vec<&str> = t.column_names().collect();
    for r in &known[..format.required] {
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

/// A text column, its problem (a Parquet column of another type) reported.
pub(crate) fn text_col<'a>(
    t: &'a Table,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<Texts<'a>> {
    t.text(name).map_err(|p| problems.push(p)).ok()
}

/// A number column, its problem (a Parquet column of another type) reported.
pub(crate) fn num_col<'a>(
    t: &'a Table,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<Numbers<'a>> {
    t.numbers(name).map_err(|p| problems.push(p)).ok()
}

/// A cell of a number column: `Ok(None)` when it is empty; a problem when it is not a number,
/// or (`breach`) when it breaks its column's range, [`super::rules`].
pub(crate) fn checked_number(
    cell: NumCell<'_>,
    breach: Option<Breach>,
    (file, row, col): (&str, usize, &str),
    problems: &mut Vec<Problem>,
) -> Result<Option<f64>, ()> {
    let problem = match (cell, breach) {
        (NumCell::Empty, _) => return Ok(None),
        (NumCell::Num(v), None) => return Ok(Some(v)),
        (NumCell::Num(v), Some(breach)) => breach_problem((file, row, col), breach, v),
        (NumCell::Bad(s), _) => {
            Problem::cell(file, row, col, format!("{} is not a number", quote(s)))
        }
    };
    problems.push(problem);
    Err(())
}
