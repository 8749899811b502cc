//! The `csv` crate pass over a CSV file, kept where Polars cannot give exact positions: it
//! reads every record once, without keeping it, and checks a header naming each column once,
//! as many fields in every record as in the header, and UTF-8 in every field. Polars' CSV errors
//! carry no row number (a record with too many fields, invalid UTF-8), and it pads a record with
//! too few fields with nulls without a word. Alongside it, [`record_rows`] finds the spreadsheet
//! row each record starts on (blank lines count as rows; a line break inside a quoted field
//! does not), which neither reader reports.

use std::path::Path;

use super::table::normalise_header;

mod plain;
use crate::problem::{quote, Problem};

/// Enough shape problems to show the cap and count the rest, without holding millions.
const MAX_PROBLEMS: usize = 10_000;

/// What the `csv` crate pass found: the header as written, its row, and the spreadsheet row
/// of each data record.
#[derive(Debug, PartialEq)]
pub(crate) struct Shape {
    pub(crate) header: Vec<String>,
    pub(crate) header_row: usize,
    pub(crate) rows: Vec<usize>,
}

/// The `csv` crate pass: there is a header naming each column once, every record has as many
/// fields as the header, every field is UTF-8. Problems are located by spreadsheet row.
pub(crate) fn precheck(path: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<Shape> {
    plain::shape(path).or_else(|| record_by_record(path, file, problems))
}

/// The `csv` crate pass proper, for any file.
fn record_by_record(path: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<Shape> {
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
                if is_plain(block, state == State::Quoted) {
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

/// Whether a block of bytes holds no quote and, outside a quoted field, no line break.
fn is_plain(block: &[u8; 16], quoted: bool) -> bool {
    if quoted {
        !block.contains(&b'"')
    } else {
        !block.iter().any(|&b| b == b'"' || b == b'\n' || b == b'\r')
    }
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
pub(crate) mod tests {
    use super::*;

    pub(crate) fn write(text: &[u8]) -> tempfile::TempPath {
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
}
