//! Parquet tables, read by Polars: its typed columns become scrisk's own text and number
//! columns (numbers of any numeric type as `f64`, text from numbers and booleans as Polars
//! writes them); a column of another type is a problem when the column is used.

use std::path::Path;

use polars::prelude::{
    Column as PlColumn, DataFrame, DataType, LazyFrame, PlRefPath, PolarsResult, ScanArgsParquet,
};

use super::columns::{Format, Kind};
use super::table::{
    column_problem, first_line, normalise_header, Column, NumColumn, Table, TextColumn,
};
use crate::problem::{quote, Problem};

/// Reads a Parquet table; `None` (with problems) when it cannot be read or its header is wrong.
pub(crate) fn read_parquet(
    path: &Path,
    file: &str,
    format: &Format,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let df = match scan(path) {
        Ok(df) => df,
        Err(e) => {
            problems.push(Problem::file(
                file,
                format!("cannot read as Parquet: {}", first_line(&e.to_string())),
            ));
            return None;
        }
    };
    let before = problems.len();
    let height = df.height();
    let mut columns: Vec<(String, Column)> = Vec::new();
    for (i, c) in df.into_columns().into_iter().enumerate() {
        let norm = normalise_header(c.name());
        if norm.is_empty() {
            problems.push(Problem::cell(
                file,
                1,
                format!("#{}", i + 1),
                "the header names no column here",
            ));
        } else if columns.iter().any(|(n, _)| *n == norm) {
            problems.push(Problem::cell(
                file,
                1,
                norm.clone(),
                format!("column {} appears more than once", quote(&norm)),
            ));
        } else {
            let column = match format.kind(&norm) {
                Kind::Unread => Column::Unread,
                Kind::Text => text(&c, file, &norm),
                Kind::Number => numbers(&c, file, &norm),
            };
            columns.push((norm, column));
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Table::new(file.to_string(), columns, height, 1, None))
}

fn scan(path: &Path) -> PolarsResult<DataFrame> {
    PlRefPath::try_from_path(path)
        .and_then(|p| LazyFrame::scan_parquet(p, ScanArgsParquet::default()))
        .and_then(|lf| lf.collect())
}

/// A column read as text: text as it is, numbers and booleans as Polars writes them.
fn text(c: &PlColumn, file: &str, name: &str) -> Column {
    let as_text = match c.dtype() {
        DataType::Null => return Column::Text(empty_text(c.len())),
        DataType::String => Ok(c.clone()),
        dt if dt.is_primitive_numeric() || dt.is_bool() => c.cast(&DataType::String),
        dt => {
            return Column::Unusable(column_problem(
                file,
                name,
                &format!("has type {dt}, expected text"),
            ))
        }
    };
    let result = as_text.and_then(|c| {
        let ca = c.str()?.clone();
        let mut text = TextColumn::with_capacity(ca.len());
        for cell in ca.iter() {
            text.push(cell);
        }
        Ok(text)
    });
    match result {
        Ok(text) => Column::Text(text),
        Err(e) => Column::Unusable(column_problem(file, name, &e.to_string())),
    }
}

/// A column read as numbers: numbers of any type as `f64`; text parsed where it is used.
fn numbers(c: &PlColumn, file: &str, name: &str) -> Column {
    match c.dtype() {
        DataType::Null => Column::Text(empty_text(c.len())),
        DataType::String => text(c, file, name),
        dt if dt.is_primitive_numeric() => {
            let result = c.cast(&DataType::Float64).and_then(|f| {
                let ca = f.f64()?;
                let values: Vec<f64> = ca.iter().map(|v| v.unwrap_or(0.0)).collect();
                let present =
                    (ca.null_count() > 0).then(|| ca.iter().map(|v| v.is_some()).collect());
                Ok(NumColumn::new(values, present))
            });
            match result {
                Ok(n) => Column::Numbers(n),
                Err(e) => Column::Unusable(column_problem(file, name, &e.to_string())),
            }
        }
        dt => Column::Unusable(column_problem(
            file,
            name,
            &format!("has type {dt}, expected a number"),
        )),
    }
}

fn empty_text(rows: usize) -> TextColumn {
    let mut text = TextColumn::with_capacity(rows);
    for _ in 0..rows {
        text.push(None);
    }
    text
}
