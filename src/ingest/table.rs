//! Reading one table file — CSV or Parquet — into a [`Table`] of named columns.
//!
//! This is the only place that touches Polars. A CSV file is first read record by record with
//! the `csv` crate, which knows positions: ragged rows and invalid UTF-8 are reported with their
//! row and column (Polars' own errors carry no row number, and it pads short rows with nulls
//! without a word). Only a file that passes that check is parsed by Polars, every column as
//! text, so that scrisk's validation sees exactly what was written.

use std::path::Path;

use polars::prelude::*;

use crate::problem::{quote, Problem};

/// A value of a numeric column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NumCell {
    /// Empty or null.
    Empty,
    Num(f64),
    /// Text that is not a number (as written).
    Bad(String),
}

/// A parsed table: header names normalised (trimmed, lower-cased) and mapped to columns.
pub(crate) struct Table {
    /// The file as shown in messages.
    pub file: String,
    df: DataFrame,
    /// (normalised name, name in the file), in file order.
    columns: Vec<(String, String)>,
    /// Spreadsheet row of each data row, when blank lines make it differ from index + 2.
    rows: Option<Vec<usize>>,
    /// Spreadsheet row of the header (1 but in a sheet that starts lower).
    pub header_row: usize,
}

impl Table {
    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// The row a spreadsheet shows for data row `i` (header = row 1; blank lines count).
    pub fn row(&self, i: usize) -> usize {
        self.rows.as_ref().map_or(i + 2, |r| r[i])
    }

    /// Normalised names of all columns, in file order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }

    /// Whether the table has the (normalised) column.
    pub fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|(n, _)| n == name)
    }

    fn series(&self, name: &str) -> Option<Series> {
        let (_, raw) = self.columns.iter().find(|(n, _)| n == name)?;
        self.df
            .column(raw)
            .ok()
            .map(|c| c.as_materialized_series().clone())
    }

    /// The column as trimmed text; empty cells and nulls are `None`. An absent column gives
    /// all `None`.
    pub fn text(&self, name: &str) -> Result<Vec<Option<String>>, Problem> {
        let Some(s) = self.series(name) else {
            return Ok(vec![None; self.height()]);
        };
        let s = match s.dtype() {
            DataType::String => s,
            DataType::Null => return Ok(vec![None; self.height()]),
            dt if dt.is_primitive_numeric() || dt.is_bool() => s
                .cast(&DataType::String)
                .map_err(|e| self.column_problem(name, &e.to_string()))?,
            dt => return Err(self.column_problem(name, &format!("has type {dt}, expected text"))),
        };
        let ca = s
            .str()
            .map_err(|e| self.column_problem(name, &e.to_string()))?;
        Ok(ca
            .iter()
            .map(|v| {
                v.map(|t| t.trim())
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            })
            .collect())
    }

    /// The column as numbers; an absent column gives all [`NumCell::Empty`].
    pub fn numbers(&self, name: &str) -> Result<Vec<NumCell>, Problem> {
        let Some(s) = self.series(name) else {
            return Ok(vec![NumCell::Empty; self.height()]);
        };
        match s.dtype() {
            DataType::String => {
                let ca = s
                    .str()
                    .map_err(|e| self.column_problem(name, &e.to_string()))?;
                Ok(ca
                    .iter()
                    .map(|v| match v.map(str::trim) {
                        None | Some("") => NumCell::Empty,
                        Some(t) => parse_number(t),
                    })
                    .collect())
            }
            DataType::Null => Ok(vec![NumCell::Empty; self.height()]),
            dt if dt.is_primitive_numeric() => {
                let f = s
                    .cast(&DataType::Float64)
                    .map_err(|e| self.column_problem(name, &e.to_string()))?;
                let ca = f
                    .f64()
                    .map_err(|e| self.column_problem(name, &e.to_string()))?;
                Ok(ca
                    .iter()
                    .map(|v| v.map_or(NumCell::Empty, NumCell::Num))
                    .collect())
            }
            dt => Err(self.column_problem(name, &format!("has type {dt}, expected a number"))),
        }
    }

    fn column_problem(&self, name: &str, msg: &str) -> Problem {
        let mut p = Problem::file(&self.file, msg.to_string());
        p.column = Some(name.to_string());
        p
    }
}

/// An open `.xlsx` workbook whose sheets are a dataset's tables.
///
/// Reads sheet `sheet` of the `.xlsx` workbook `path` into a table: the first non-empty row is
/// the header, fully empty rows are skipped (as blank lines in CSV), and rows are numbered as
/// the spreadsheet shows them. Cells become text exactly as a CSV export would write them
/// (numbers in shortest round-trip form), so one validation serves both. `Ok(None)` when the
/// workbook has no such sheet.
pub(crate) struct Workbook {
    shown: String,
    book: calamine::Xlsx<std::io::BufReader<std::fs::File>>,
}

impl Workbook {
    /// Opens an `.xlsx` workbook; `None` (with a problem) when it cannot be read as one.
    pub fn open(path: &Path, problems: &mut Vec<Problem>) -> Option<Workbook> {
        let shown = path.display().to_string();
        match calamine::open_workbook(path) {
            Ok(book) => Some(Workbook { shown, book }),
            Err(e) => {
                problems.push(Problem::file(
                    &shown,
                    format!("cannot read as an .xlsx workbook: {e}"),
                ));
                None
            }
        }
    }

    /// The file as shown in messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Reads a sheet (see [`read_sheet`]).
    pub fn sheet(&mut self, sheet: &str, problems: &mut Vec<Problem>) -> Result<Option<Table>, ()> {
        read_sheet(&mut self.book, &self.shown, sheet, problems)
    }
}

fn read_sheet(
    wb: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    shown: &str,
    sheet: &str,
    problems: &mut Vec<Problem>,
) -> Result<Option<Table>, ()> {
    use calamine::{Data, Reader};
    let Some(name) = wb
        .sheet_names()
        .into_iter()
        .find(|n| n.trim().eq_ignore_ascii_case(sheet))
    else {
        return Ok(None);
    };
    let file = format!("{shown} sheet {name}");
    let range = match wb.worksheet_range(&name) {
        Ok(r) => r,
        Err(e) => {
            problems.push(Problem::file(&file, format!("cannot read the sheet: {e}")));
            return Err(());
        }
    };
    let (first_row, first_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let before = problems.len();
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut cells: Vec<Vec<Option<String>>> = Vec::new();
    let mut rows: Vec<usize> = Vec::new();
    for (i, record) in range.rows().enumerate() {
        let row = first_row + i + 1;
        if record.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let mut text = Vec::with_capacity(record.len());
        for (j, c) in record.iter().enumerate() {
            let column = || match &header {
                Some((_, h)) => h.get(j).cloned().unwrap_or_default(),
                None => excel_column(first_col + j),
            };
            text.push(match c {
                Data::Empty => None,
                Data::String(s) => Some(s.clone()),
                Data::Float(f) => Some(f.to_string()),
                Data::Int(i) => Some(i.to_string()),
                Data::Bool(b) => Some(b.to_string()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
                Data::DateTime(d) => {
                    problems.push(Problem::cell(
                        &file,
                        row,
                        column(),
                        format!("holds a date ({d}); scrisk expects text or a number"),
                    ));
                    None
                }
                Data::Error(e) => {
                    problems.push(Problem::cell(
                        &file,
                        row,
                        column(),
                        format!("holds the spreadsheet error {e}"),
                    ));
                    None
                }
            });
        }
        if header.is_none() {
            let names: Vec<String> = text
                .iter()
                .map(|t| normalise_header(t.as_deref().unwrap_or("")))
                .collect();
            header = Some((row, names));
            cells = vec![Vec::new(); text.len()];
            let mut seen: Vec<&String> = Vec::new();
            if let Some((_, names)) = &header {
                for (j, n) in names.iter().enumerate() {
                    if n.is_empty() {
                        continue; // checked below: only an error when the column holds data
                    }
                    if seen.contains(&n) {
                        problems.push(Problem::cell(
                            &file,
                            row,
                            n.clone(),
                            format!(
                                "column {} appears more than once ({})",
                                quote(n),
                                excel_column(first_col + j)
                            ),
                        ));
                    }
                    seen.push(n);
                }
            }
            continue;
        }
        rows.push(row);
        for (j, t) in text.into_iter().enumerate() {
            cells[j].push(t);
        }
    }
    let Some((header_row, names)) = header else {
        problems.push(Problem::file(&file, "sheet is empty (no header row)"));
        return Err(());
    };
    let mut columns = Vec::new();
    let mut frame = Vec::new();
    for (j, (name, values)) in names.iter().zip(cells).enumerate() {
        if name.is_empty() {
            if let Some(k) = values.iter().position(Option::is_some) {
                problems.push(Problem::cell(
                    &file,
                    rows[k],
                    excel_column(first_col + j),
                    "holds data but the header names no column here",
                ));
            }
            continue;
        }
        if columns.iter().any(|(n, _): &(String, String)| n == name) {
            continue;
        }
        columns.push((name.clone(), name.clone()));
        frame.push(Column::new(name.as_str().into(), values));
    }
    if problems.len() > before {
        return Err(());
    }
    let df = match DataFrame::new(rows.len(), frame) {
        Ok(df) => df,
        Err(e) => {
            problems.push(Problem::file(
                &file,
                format!("cannot build the table: {}", first_line(&e.to_string())),
            ));
            return Err(());
        }
    };
    let numbered = rows
        .iter()
        .enumerate()
        .any(|(i, &r)| r != i + header_row + 1)
        || header_row != 1;
    Ok(Some(Table {
        file,
        df,
        columns,
        rows: numbered.then_some(rows),
        header_row,
    }))
}

/// A spreadsheet column letter: 0 → A, 25 → Z, 26 → AA.
fn excel_column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Parses a number as written in a CSV cell. `NaN` and `inf` parse here and are rejected by
/// validation with a clearer message.
pub(crate) fn parse_number(t: &str) -> NumCell {
    match t.parse::<f64>() {
        Ok(v) => NumCell::Num(v),
        Err(_) => NumCell::Bad(t.to_string()),
    }
}

/// Normalises a header name: surrounding spaces and a byte-order mark removed, lower case.
fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Reads `path` (CSV or Parquet by extension). Problems go to `problems`; `None` when the file
/// could not be read into a table whose rows can be trusted.
pub(crate) fn read_table(path: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<Table> {
    let is_parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let before = problems.len();
    let mut rows = None;
    let mut header_row = 1;
    let df = if is_parquet {
        read_parquet(path, file, problems)?
    } else {
        let (first, records) = precheck_csv(path, file, problems)?;
        if problems.len() > before {
            return None;
        }
        header_row = first;
        // Polars reads a well-formed file fast; but it turns a blank line into a row of nulls,
        // rejects a quote inside an unquoted field and does not know CR-only line ends, all of
        // which the `csv` crate (and a spreadsheet) reads. Then the records are read with it.
        let consecutive = records.iter().enumerate().all(|(i, &r)| r == i + first + 1);
        let polars = if consecutive {
            read_csv(path).ok()
        } else {
            None
        };
        let df = match polars {
            Some(df) if df.height() == records.len() => df,
            _ => read_csv_records(path, file, problems)?,
        };
        if df.height() != records.len() {
            problems.push(Problem::file(
                file,
                format!(
                    "read {} data rows, but the file has {} records; \
                     refusing to guess which rows were lost",
                    df.height(),
                    records.len()
                ),
            ));
            return None;
        }
        if !consecutive || first != 1 {
            rows = Some(records);
        }
        df
    };
    let mut columns: Vec<(String, String)> = Vec::new();
    for (i, raw) in df.get_column_names().into_iter().enumerate() {
        let norm = normalise_header(raw);
        if norm.is_empty() {
            problems.push(Problem::cell(
                file,
                header_row,
                format!("#{}", i + 1),
                "the header names no column here",
            ));
        } else if columns.iter().any(|(n, _)| *n == norm) {
            problems.push(Problem::cell(
                file,
                header_row,
                norm.clone(),
                format!("column {} appears more than once", quote(&norm)),
            ));
        } else {
            columns.push((norm, raw.to_string()));
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Table {
        file: file.to_string(),
        df,
        columns,
        rows,
        header_row,
    })
}

fn read_parquet(path: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<DataFrame> {
    let result = PlRefPath::try_from_path(path)
        .and_then(|p| LazyFrame::scan_parquet(p, ScanArgsParquet::default()))
        .and_then(|lf| lf.collect());
    match result {
        Ok(df) => Some(df),
        Err(e) => {
            problems.push(Problem::file(
                file,
                format!("cannot read as Parquet: {}", first_line(&e.to_string())),
            ));
            None
        }
    }
}

fn read_csv(path: &Path) -> PolarsResult<DataFrame> {
    PlRefPath::try_from_path(path)
        .and_then(|p| {
            LazyCsvReader::new(p)
                .with_has_header(true)
                // Every column as text: scrisk parses and validates values itself, with rows.
                .with_infer_schema_length(Some(0))
                .with_missing_is_null(true)
                .with_raise_if_empty(false)
                .finish()
        })
        .and_then(|lf| lf.collect())
}

/// Reads a CSV file that passed [`precheck_csv`] record by record with the `csv` crate (the
/// path for files Polars cannot read as they are), into a frame of text columns like Polars'.
fn read_csv_records(path: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<DataFrame> {
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
    let mut columns: Vec<Vec<Option<String>>> = Vec::new();
    let mut record = csv::StringRecord::new();
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
            names = record.iter().map(str::to_string).collect();
            columns = vec![Vec::new(); names.len()];
            continue;
        }
        for (column, field) in columns.iter_mut().zip(record.iter()) {
            column.push((!field.is_empty()).then(|| field.to_string()));
        }
    }
    let height = columns.first().map_or(0, Vec::len);
    let frame: Vec<Column> = names
        .iter()
        .zip(columns)
        .map(|(n, values)| Column::new(n.as_str().into(), values))
        .collect();
    match DataFrame::new(height, frame) {
        Ok(df) => Some(df),
        Err(e) => {
            fail(problems, &first_line(&e.to_string()));
            None
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The CSV pre-check: there is a header naming each column once, every record has as many
/// fields as the header, every field is UTF-8. Returns the spreadsheet row of each data record
/// (blank lines, which CSV readers skip, still count as rows, as in a spreadsheet).
fn precheck_csv(
    path: &Path,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<(usize, Vec<usize>)> {
    // Enough to show the cap and the count of the rest, without holding millions of problems.
    const MAX_PROBLEMS: usize = 10_000;
    let mut rdr = match csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
    {
        Ok(r) => r,
        Err(e) => {
            problems.push(Problem::file(file, format!("cannot open: {e}")));
            return None;
        }
    };
    let mut header: Vec<String> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut index = 0usize;
    let mut found = 0usize;
    let mut rows: Vec<usize> = Vec::new();
    // Spreadsheet rows: blank lines count as rows (a spreadsheet shows them), a quoted field
    // spanning several lines does not. The csv reader skips blank lines without saying where, so
    // a separate pass finds the row each record starts on.
    let starts = record_rows(path);
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let k = e.position().map_or(index, |p| p.record() as usize);
                problems.push(Problem {
                    file: file.to_string(),
                    row: Some(starts.get(k).copied().unwrap_or(k + 1)),
                    column: None,
                    message: format!("cannot read CSV: {e}"),
                    hint: None,
                    omitted: 0,
                });
                return None;
            }
        }
        let row = starts.get(index).copied().unwrap_or(index + 1);
        if index == 0 {
            for (i, field) in record.iter().enumerate() {
                match std::str::from_utf8(field) {
                    Ok(s) => header.push(s.to_string()),
                    Err(e) => {
                        problems.push(utf8_problem(file, row, &format!("#{}", i + 1), e));
                        header.push(format!("#{}", i + 1));
                    }
                }
            }
            let mut seen: Vec<String> = Vec::new();
            for (i, h) in header.iter().enumerate() {
                let norm = normalise_header(h);
                if norm.is_empty() {
                    problems.push(Problem::cell(
                        file,
                        row,
                        format!("#{}", i + 1),
                        "the header names no column here",
                    ));
                } else if seen.contains(&norm) {
                    problems.push(Problem::cell(
                        file,
                        row,
                        norm.clone(),
                        format!(
                            "column {} appears more than once (column #{})",
                            quote(&norm),
                            i + 1
                        ),
                    ));
                }
                seen.push(norm);
            }
        } else {
            rows.push(row);
            if record.len() != header.len() {
                found += 1;
            }
            if record.len() != header.len() && found <= MAX_PROBLEMS {
                problems.push(
                    Problem {
                        file: file.to_string(),
                        row: Some(row),
                        column: None,
                        message: format!(
                            "row has {} fields, the header has {}",
                            record.len(),
                            header.len()
                        ),
                        hint: None,
                        omitted: 0,
                    }
                    .with_hint("a name containing a comma must be quoted: \"Ningde, Fujian\""),
                );
            }
            for (i, field) in record.iter().enumerate() {
                if let Err(e) = std::str::from_utf8(field) {
                    found += 1;
                    if found <= MAX_PROBLEMS {
                        let col = header
                            .get(i)
                            .map(|h| normalise_header(h))
                            .unwrap_or_else(|| format!("#{}", i + 1));
                        problems.push(utf8_problem(file, row, &col, e));
                    }
                }
            }
        }
        index += 1;
    }
    if found > MAX_PROBLEMS {
        problems.push(Problem::omitted(file, found - MAX_PROBLEMS));
    }
    if index == 0 {
        problems.push(Problem::file(file, "file is empty (no header row)"));
        return None;
    }
    Some((starts.first().copied().unwrap_or(1), rows))
}

/// The spreadsheet row (1-based, blank lines counted) on which each CSV record starts, found
/// with the same quoting rules as the `csv` crate: a quote opens a quoted field only at the start
/// of a field, and line breaks inside a quoted field belong to the field. CR, LF and CRLF each end
/// a line. Streams the file, so memory grows only with the number of records.
fn record_rows(path: &Path) -> Vec<usize> {
    use std::io::Read;
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut rows = Vec::new();
    let Ok(f) = std::fs::File::open(path) else {
        return rows;
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, f);
    let mut buf = vec![0u8; 1 << 16];
    let mut state = State::FieldStart;
    let mut line = 1usize; // the physical line (= spreadsheet row) being read
    let mut line_has_content = false;
    let mut after_cr = false;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            let was_after_cr = std::mem::replace(&mut after_cr, false);
            if state == State::Quoted {
                if b == b'"' {
                    state = State::QuoteInQuoted;
                }
                continue;
            }
            match b {
                b'\n' if was_after_cr => {}
                b'\n' | b'\r' => {
                    after_cr = b == b'\r';
                    line += 1;
                    line_has_content = false;
                    state = State::FieldStart;
                }
                _ => {
                    if !line_has_content {
                        line_has_content = true;
                        rows.push(line);
                    }
                    state = match (state, b) {
                        (_, b',') => State::FieldStart,
                        (State::FieldStart, b'"') | (State::QuoteInQuoted, b'"') => State::Quoted,
                        _ => State::Unquoted,
                    };
                }
            }
        }
    }
    rows
}

fn utf8_problem(file: &str, row: usize, col: &str, e: std::str::Utf8Error) -> Problem {
    Problem::cell(
        file,
        row,
        col,
        format!(
            "is not valid UTF-8 (bad byte at offset {} of the field)",
            e.valid_up_to()
        ),
    )
    .with_hint("save the file as UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_or_are_kept_as_written() {
        assert_eq!(parse_number("1e3"), NumCell::Num(1000.0));
        assert_eq!(parse_number("0.25"), NumCell::Num(0.25));
        assert_eq!(parse_number("1,5"), NumCell::Bad("1,5".into()));
        assert!(matches!(parse_number("NaN"), NumCell::Num(v) if v.is_nan()));
    }

    #[test]
    fn spreadsheet_columns_are_lettered() {
        assert_eq!(excel_column(0), "A");
        assert_eq!(excel_column(25), "Z");
        assert_eq!(excel_column(26), "AA");
        assert_eq!(excel_column(27), "AB");
        assert_eq!(excel_column(701), "ZZ");
        assert_eq!(excel_column(702), "AAA");
    }

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise_header("\u{feff} Firm_ID "), "firm_id");
    }
}

#[cfg(test)]
mod precheck_tests {
    use super::*;

    fn rows_of(text: &[u8]) -> (Option<Vec<usize>>, Vec<Problem>) {
        let dir = std::env::temp_dir().join(format!("scrisk-precheck-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("t{}.csv", text.len()));
        std::fs::write(&path, text).unwrap();
        let mut problems = Vec::new();
        let rows = precheck_csv(&path, "t.csv", &mut problems);
        (rows.map(|(_, r)| r), problems)
    }

    #[test]
    fn blank_lines_count_as_rows_like_a_spreadsheet() {
        let (rows, problems) = rows_of(b"a,b\n1,2\n\n3,4\r\n\r\n\r\n5,6\n");
        assert!(problems.is_empty());
        assert_eq!(rows.unwrap(), vec![2, 4, 7]);
    }

    #[test]
    fn quoted_line_breaks_stay_in_one_row_and_a_missing_final_newline_is_fine() {
        let (rows, problems) = rows_of(b"a,b\n\"x\ny\",2\n\n3,4");
        assert!(problems.is_empty());
        assert_eq!(rows.unwrap(), vec![2, 4]);
    }

    #[test]
    fn ragged_rows_and_bad_bytes_are_located() {
        let (_, problems) = rows_of(b"a,b\n1,2,3\n\n4\n\"x\xff\",5\n");
        let found: Vec<(Option<usize>, Option<String>)> =
            problems.iter().map(|p| (p.row, p.column.clone())).collect();
        assert_eq!(
            found,
            vec![
                (Some(2), None),
                (Some(4), None),
                (Some(5), Some("a".into()))
            ]
        );
    }
}
