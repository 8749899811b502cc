//! CSV tables. Two readers share the work:
//!
//! - **The `csv` crate pass** ([`super::precheck`]) checks, with spreadsheet rows, what only
//!   it can locate (the shape of every record, UTF-8), and finds the row each record is on.
//! - **Polars** ([`polars_columns`]) then reads and types the file: text columns as text, the
//!   format's number columns parsed as `Float64` (nulls for empty cells), in parallel. A cell
//!   Polars cannot parse as a number fails the typed read; the file is then read with every
//!   column as text and numbers are parsed cell by cell where they are used, so the problem
//!   names the cell and the value as written. Polars' number syntax is Rust's (`inf`, `NaN`,
//!   exponents; leading spaces skipped), so both ways give the same values (a test holds it).
//!
//! A file Polars cannot read as it is (blank lines, which it turns into rows of nulls; a quote
//! inside an unquoted field; CR-only line ends) is read record by record with the `csv` crate,
//! as a spreadsheet reads it.

use std::path::Path;

use polars::prelude::{
    Column as PlColumn, DataFrame, DataType, LazyCsvReader, LazyFileListReader, PlRefPath,
    PlSmallStr, PolarsResult, Schema,
};

use rayon::prelude::*;

use super::columns::{Format, Kind};
use super::precheck::precheck;
use super::table::{normalise_header, Column, NumColumn, Table, TextColumn};
use crate::problem::Problem;

/// Reads a CSV table; `None` (with problems) when its shape, encoding or header is wrong.
pub(crate) fn read_csv(
    path: &Path,
    file: &str,
    format: &Format,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let before = problems.len();
    let shape = precheck(path, file, problems)?;
    if problems.len() > before {
        return None;
    }
    let records = shape.rows.len();
    let consecutive = shape
        .rows
        .iter()
        .enumerate()
        .all(|(i, &r)| r == i + shape.header_row + 1);
    let polars = consecutive
        .then(|| {
            polars_columns(path, &shape.header, format, true, records)
                .or_else(|| polars_columns(path, &shape.header, format, false, records))
        })
        .flatten();
    let columns = match polars {
        Some(columns) => columns,
        None => record_columns(path, file, format, records, problems)?,
    };
    Some(Table::new(
        file.to_string(),
        columns,
        records,
        shape.header_row,
        Some(shape.rows),
    ))
}

/// The file read by Polars, as columns under their normalised names; `None` when Polars fails
/// or does not find one row per record. With `typed`, the format's number columns are parsed
/// as `Float64`; otherwise every column is read as text.
fn polars_columns(
    path: &Path,
    header: &[String],
    format: &Format,
    typed: bool,
    records: usize,
) -> Option<Vec<(String, Column)>> {
    let numbers: Schema = header
        .iter()
        .filter(|h| typed && format.kind(&normalise_header(h)) == Kind::Number)
        // Polars names columns as written, after dropping a byte-order mark.
        .map(|h| {
            (
                PlSmallStr::from(h.trim_start_matches('\u{feff}')),
                DataType::Float64,
            )
        })
        .collect();
    let df = read_polars(path, numbers).ok()?;
    if df.height() != records {
        return None;
    }
    // The columns are copied into scrisk's own on every core, one column per task.
    df.into_columns()
        .into_par_iter()
        .map(|c| {
            let name = normalise_header(c.name());
            let column = match format.kind(&name) {
                Kind::Unread => Column::Unread,
                _ => from_polars(c)?,
            };
            Some((name, column))
        })
        .collect()
}

fn read_polars(path: &Path, numbers: Schema) -> PolarsResult<DataFrame> {
    PlRefPath::try_from_path(path)
        .and_then(|p| {
            LazyCsvReader::new(p)
                .with_has_header(true)
                // Text unless the format says a column holds numbers: scrisk checks the text.
                .with_infer_schema_length(Some(0))
                .with_dtype_overwrite(Some(std::sync::Arc::new(numbers)))
                .with_missing_is_null(true)
                .with_raise_if_empty(false)
                .finish()
        })
        .and_then(|lf| lf.collect())
}

/// A Polars column of text or `Float64` as scrisk's own; `None` for any other type.
fn from_polars(c: PlColumn) -> Option<Column> {
    match c.dtype() {
        DataType::String => {
            let ca = c.str().ok()?;
            let mut text = TextColumn::with_capacity(ca.len());
            for cell in ca.iter() {
                text.push(cell);
            }
            Some(Column::Text(text))
        }
        DataType::Float64 => {
            let ca = c.f64().ok()?;
            let values: Vec<f64> = ca.iter().map(|v| v.unwrap_or(0.0)).collect();
            let present = (ca.null_count() > 0).then(|| ca.iter().map(|v| v.is_some()).collect());
            Some(Column::Numbers(NumColumn::new(values, present)))
        }
        _ => None,
    }
}

/// Reads a CSV file that passed [`precheck`] record by record with the `csv` crate (the path
/// for files Polars cannot read as they are), into text columns.
fn record_columns(
    path: &Path,
    file: &str,
    format: &Format,
    records: usize,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(String, Column)>> {
    let fail = |problems: &mut Vec<Problem>, e: &dyn std::fmt::Display| {
        problems.push(Problem::file(file, format!("cannot read CSV: {e}")));
    };
    let mut rdr = match csv::ReaderBuilder::new().has_headers(false).from_path(path) {
        Ok(r) => r,
        Err(e) => {
            fail(problems, &e);
            return None;
        }
    };
    let mut names: Vec<String> = Vec::new();
    let mut columns: Vec<TextColumn> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut height = 0;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                fail(problems, &e);
                return None;
            }
        }
        if names.is_empty() {
            names = record.iter().map(normalise_header).collect();
            columns = (0..names.len())
                .map(|_| TextColumn::with_capacity(records))
                .collect();
            continue;
        }
        height += 1;
        for (column, field) in columns.iter_mut().zip(record.iter()) {
            column.push(Some(field));
        }
    }
    if height != records {
        problems.push(Problem::file(
            file,
            format!(
                "read {height} data rows, but the file has {records} records; \
                 refusing to guess which rows were lost"
            ),
        ));
        return None;
    }
    Some(
        names
            .into_iter()
            .zip(columns)
            .map(|(name, text)| {
                let column = match format.kind(&name) {
                    Kind::Unread => Column::Unread,
                    _ => Column::Text(text),
                };
                (name, column)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::columns::SOURCING;
    use crate::ingest::precheck::tests::write;
    use crate::ingest::table::NumCell;

    /// Polars' typed read and Rust's parser agree on every number they both accept, and Polars
    /// accepts nothing that Rust rejects (then the cell would not be reported as written).
    #[test]
    fn polars_numbers_are_rusts_numbers() {
        // Separated by '|', so that spaces around a number can be part of a cell.
        let cells = "1|0.25|1e3|1E-3|+0.5|-0|.5|5.|inf|-inf|+inf|Infinity|NaN|nan|-nan|1e400|\
                     0.1000000000000000055511151231257827| 0.5|0.5 |1,5|1_000|0x10|1e|e5|\
                     infinit|five|١|1d";
        let mut typed = 0;
        for cell in cells.split('|') {
            let text = format!("buyer_id,share\nb,\"{cell}\"\n");
            let path = write(text.as_bytes());
            let header = ["buyer_id".to_string(), "share".to_string()];
            let polars = polars_columns(&path, &header, &SOURCING, true, 1).map(|columns| {
                match &columns[1].1 {
                    Column::Numbers(n) => match n.get(0) {
                        NumCell::Num(v) => v,
                        other => panic!("{cell}: read as {other:?}"),
                    },
                    other => panic!("{cell}: share read as {other:?}"),
                }
            });
            let rust = cell.trim().parse::<f64>().ok();
            match (polars, rust) {
                (Some(p), Some(r)) => {
                    typed += 1;
                    assert!(
                        p.to_bits() == r.to_bits() || (p.is_nan() && r.is_nan()),
                        "{cell}"
                    )
                }
                (Some(p), None) => panic!("{cell}: Polars reads {p}, Rust rejects it"),
                (None, _) => {}
            }
        }
        // Most of them are numbers that the typed read takes (a failing read would pass above).
        assert_eq!(typed, 18);
    }
}
