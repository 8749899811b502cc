//! CSV tables. Two readers share the work:
//!
//! - **The `csv` crate pass** ([`precheck`]) reads every record once, without keeping it, and
//!   checks what only it can locate: a header naming each column once, as many fields in every
//!   record as in the header, and UTF-8 in every field. Polars cannot take this over: its CSV
//!   errors carry no row number (a record with too many fields, invalid UTF-8), and it pads a
//!   record with too few fields with nulls without a word. Alongside it, [`record_rows`] finds
//!   the spreadsheet row each record starts on (blank lines count as rows; a line break inside
//!   a quoted field does not), which neither reader reports.
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

use super::columns::{Format, Kind};
use super::table::{normalise_header, Column, NumColumn, Table, TextColumn};
use crate::problem::{quote, Problem};

/// Enough shape problems to show the cap and count the rest, without holding millions.
const MAX_PROBLEMS: usize = 10_000;

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
    df.into_columns()
        .into_iter()
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

/// What the `csv` crate pass found: the header as written, its row, and the spreadsheet row
/// of each data record.
struct Shape {
    header: Vec<String>,
    header_row: usize,
    rows: Vec<usize>,
}

/// The `csv` crate pass: there is a header naming each column once, every record has as many
/// fields as the header, every field is UTF-8. Problems are located by spreadsheet row.
fn precheck(path: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<Shape> {
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
    // The row each record starts on, found by a second reader of the file at the same time
    // (the `csv` crate skips blank lines without saying where).
    std::thread::scope(|scope| {
        let starts = scope.spawn(|| record_rows(path));
        let mut pass = Pass::default();
        let read = pass.read(&mut rdr);
        let starts = starts.join().unwrap_or_default();
        pass.finish(read, starts, file, problems)
    })
}

/// The state of the `csv` crate pass.
#[derive(Default)]
struct Pass {
    header: Option<Vec<String>>,
    /// Record index of each record with a problem, with what is wrong (rows are known only
    /// once [`record_rows`] is done).
    found: Vec<(usize, Flaw)>,
    /// Problems found, kept or not.
    count: usize,
    records: usize,
}

enum Flaw {
    /// The record has this many fields, the header another number.
    Fields(usize),
    /// Field `i` is not UTF-8.
    Utf8(usize, std::str::Utf8Error),
    /// A header cell is empty.
    Unnamed(usize),
    /// A header name (normalised) appears again, at field `i`.
    Repeated(usize, String),
    /// The `csv` crate cannot read the record.
    Unreadable(String),
}

impl Pass {
    /// Reads every record; false when the reader failed (a problem is then in `found`).
    fn read<R: std::io::Read>(&mut self, rdr: &mut csv::Reader<R>) -> bool {
        let mut record = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut record) {
                Ok(false) => return true,
                Ok(true) => {}
                Err(e) => {
                    let k = e.position().map_or(self.records, |p| p.record() as usize);
                    self.found
                        .push((k, Flaw::Unreadable(format!("cannot read CSV: {e}"))));
                    return false;
                }
            }
            match &self.header {
                None => self.header = Some(self.check_header(&record)),
                Some(h) => {
                    let width = h.len();
                    self.check_record(&record, width);
                }
            }
            self.records += 1;
        }
    }

    fn flaw(&mut self, flaw: Flaw) {
        self.count += 1;
        if self.count <= MAX_PROBLEMS {
            self.found.push((self.records, flaw));
        }
    }

    fn check_header(&mut self, record: &csv::ByteRecord) -> Vec<String> {
        let mut header = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => header.push(s.to_string()),
                Err(e) => {
                    self.found.push((0, Flaw::Utf8(i, e)));
                    header.push(format!("#{}", i + 1));
                }
            }
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let norm = normalise_header(h);
            if norm.is_empty() {
                self.found.push((0, Flaw::Unnamed(i)));
            } else if seen.contains(&norm) {
                self.found.push((0, Flaw::Repeated(i, norm.clone())));
            }
            seen.push(norm);
        }
        header
    }

    fn check_record(&mut self, record: &csv::ByteRecord, width: usize) {
        if record.len() != width {
            self.flaw(Flaw::Fields(record.len()));
        }
        // One check of the whole record for the common case; field by field to locate.
        let whole = record.as_slice();
        let valid = std::str::from_utf8(whole).is_ok_and(|s| {
            let mut end = 0;
            record.iter().all(|f| {
                end += f.len();
                s.is_char_boundary(end)
            })
        });
        if !valid {
            for (i, field) in record.iter().enumerate() {
                if let Err(e) = std::str::from_utf8(field) {
                    self.flaw(Flaw::Utf8(i, e));
                }
            }
        }
    }

    /// Turns what was found into problems, now that the row of each record is known.
    fn finish(
        self,
        read: bool,
        starts: Vec<usize>,
        file: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Shape> {
        let row_of = |k: usize| starts.get(k).copied().unwrap_or(k + 1);
        let header = self.header.unwrap_or_default();
        let column_of = |i: usize| {
            header
                .get(i)
                .map(|h| normalise_header(h))
                .unwrap_or_else(|| format!("#{}", i + 1))
        };
        for (k, flaw) in self.found {
            let row = row_of(k);
            problems.push(match flaw {
                Flaw::Fields(n) => Problem {
                    row: Some(row),
                    ..Problem::file(
                        file,
                        format!("row has {n} fields, the header has {}", header.len()),
                    )
                }
                .with_hint("a name containing a comma must be quoted: \"Ningde, Fujian\""),
                Flaw::Utf8(i, e) if k == 0 => utf8_problem(file, row, &format!("#{}", i + 1), e),
                Flaw::Utf8(i, e) => utf8_problem(file, row, &column_of(i), e),
                Flaw::Unnamed(i) => Problem::cell(
                    file,
                    row,
                    format!("#{}", i + 1),
                    "the header names no column here",
                ),
                Flaw::Repeated(i, norm) => Problem::cell(
                    file,
                    row,
                    norm.clone(),
                    format!(
                        "column {} appears more than once (column #{})",
                        quote(&norm),
                        i + 1
                    ),
                ),
                Flaw::Unreadable(message) => Problem {
                    row: Some(row),
                    ..Problem::file(file, message)
                },
            });
        }
        if !read {
            return None;
        }
        if self.count > MAX_PROBLEMS {
            problems.push(Problem::omitted(file, self.count - MAX_PROBLEMS));
        }
        if self.records == 0 {
            problems.push(Problem::file(file, "file is empty (no header row)"));
            return None;
        }
        let rows = (1..self.records).map(row_of).collect();
        Some(Shape {
            header,
            header_row: starts.first().copied().unwrap_or(1),
            rows,
        })
    }
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
    let Ok(mut f) = std::fs::File::open(path) else {
        return rows;
    };
    let mut buf = vec![0u8; 1 << 16];
    let mut state = State::FieldStart;
    let mut line = 1usize; // the physical line (= spreadsheet row) being read
    let mut line_has_content = false;
    let mut after_cr = false;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut i = 0;
        while i < n {
            // Fast path: a block of 16 bytes without quote and line break changes only the state
            // its last byte leaves (a field start after a comma), whatever state it starts in
            // (inside a quoted field: only a quote matters).
            if let Some(block) = buf[i..n].first_chunk::<16>() {
                let plain = if state == State::Quoted {
                    !block.contains(&b'"')
                } else {
                    !block.iter().any(|&b| b == b'"' || b == b'\n' || b == b'\r')
                };
                if plain {
                    after_cr = false;
                    if state != State::Quoted {
                        if !line_has_content {
                            line_has_content = true;
                            rows.push(line);
                        }
                        state = if block[15] == b',' {
                            State::FieldStart
                        } else {
                            State::Unquoted
                        };
                    }
                    i += 16;
                    continue;
                }
            }
            let b = buf[i];
            i += 1;
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
    use crate::ingest::columns::SOURCING;
    use crate::ingest::table::NumCell;

    fn write(text: &[u8]) -> tempfile::TempPath {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), text).expect("write");
        file.into_temp_path()
    }

    fn rows_of(text: &[u8]) -> (Option<Vec<usize>>, Vec<Problem>) {
        let path = write(text);
        let mut problems = Vec::new();
        let shape = precheck(&path, "t.csv", &mut problems);
        (shape.map(|s| s.rows), problems)
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

    /// The byte-by-byte reading of [`record_rows`], without its fast path over plain blocks.
    fn record_rows_slowly(bytes: &[u8]) -> Vec<usize> {
        let (mut rows, mut line, mut content, mut after_cr) = (Vec::new(), 1, false, false);
        let (mut quoted, mut at_start, mut after_quote) = (false, true, false);
        for &b in bytes {
            let was_after_cr = std::mem::replace(&mut after_cr, false);
            if quoted {
                if b == b'"' {
                    (quoted, after_quote) = (false, true);
                }
                continue;
            }
            match b {
                b'\n' if was_after_cr => {}
                b'\n' | b'\r' => {
                    (after_cr, line, content, at_start) = (b == b'\r', line + 1, false, true);
                    after_quote = false;
                }
                _ => {
                    if !content {
                        content = true;
                        rows.push(line);
                    }
                    quoted = b == b'"' && (at_start || after_quote);
                    (at_start, after_quote) = (b == b',', false);
                }
            }
        }
        rows
    }

    #[test]
    fn the_fast_path_finds_the_rows_of_the_byte_by_byte_reading() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for case in 0..3000 {
            let len = (case % 300) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    match x % 40 {
                        0 => b'"',
                        1 => b'\n',
                        2 => b'\r',
                        3..=6 => b',',
                        _ => b'a',
                    }
                })
                .collect();
            let path = write(&bytes);
            assert_eq!(
                record_rows(&path),
                record_rows_slowly(&bytes),
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn a_multibyte_character_split_across_two_fields_is_invalid_in_each() {
        let (_, problems) = rows_of(b"a,b\n\xc3,\xa9\n");
        let columns: Vec<Option<String>> = problems.iter().map(|p| p.column.clone()).collect();
        assert_eq!(columns, vec![Some("a".into()), Some("b".into())]);
    }

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
