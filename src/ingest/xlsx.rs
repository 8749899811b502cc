//! `.xlsx` workbooks as datasets: sheets `firms`, `sourcing` and `components` read with
//! calamine straight into a [`Table`] of text columns (numbers are parsed where they are used,
//! as for text in a CSV file).

use std::path::Path;

use calamine::{Data, Reader};

use super::table::{normalise_header, Column, Table, TextColumn};
use crate::problem::{quote, Problem};

type Book = calamine::Xlsx<std::io::BufReader<std::fs::File>>;

/// An open `.xlsx` workbook whose sheets are a dataset's tables.
pub(crate) struct Workbook {
    shown: String,
    book: Book,
}

impl Workbook {
    /// Opens an `.xlsx` workbook; `None` (with a problem) when it cannot be read as one.
    pub(crate) fn open(path: &Path, problems: &mut Vec<Problem>) -> Option<Workbook> {
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
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// Reads sheet `sheet` (its name matched case-insensitively) into a table: the first
    /// non-empty row is the header, fully empty rows are skipped (as blank lines in CSV), and
    /// rows are numbered as the spreadsheet shows them. Cells become text exactly as a CSV
    /// export would write them (numbers in shortest round-trip form), so one validation serves
    /// both. `Ok(None)` when the workbook has no such sheet; `Err` when it has problems.
    pub(crate) fn sheet(
        &mut self,
        sheet: &str,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Table>, ()> {
        let Some(name) = self
            .book
            .sheet_names()
            .into_iter()
            .find(|n| n.trim().eq_ignore_ascii_case(sheet))
        else {
            return Ok(None);
        };
        let file = format!("{} sheet {name}", self.shown);
        let range = match self.book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem::file(&file, format!("cannot read the sheet: {e}")));
                return Err(());
            }
        };
        let before = problems.len();
        let sheet = read_cells(&range, &file, problems);
        let table = sheet.into_table(file, problems);
        if problems.len() > before {
            return Err(());
        }
        table.map(Some)
    }
}

/// The cells of a sheet: the header (its row and normalised names), each data row's
/// spreadsheet row, and the text of each column.
struct Sheet {
    first_col: usize,
    header: Option<(usize, Vec<String>)>,
    rows: Vec<usize>,
    cells: Vec<TextColumn>,
    /// Per column, the first data row holding a cell (even blank text): data under an unnamed
    /// header cell is a problem.
    first_data: Vec<Option<usize>>,
}

fn read_cells(range: &calamine::Range<Data>, file: &str, problems: &mut Vec<Problem>) -> Sheet {
    let (first_row, first_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut sheet = Sheet {
        first_col,
        header: None,
        rows: Vec::new(),
        cells: Vec::new(),
        first_data: Vec::new(),
    };
    for (i, record) in range.rows().enumerate() {
        let row = first_row + i + 1;
        if record.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let text: Vec<Option<String>> = record
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let column = || match &sheet.header {
                    Some((_, h)) => h.get(j).cloned().unwrap_or_default(),
                    None => excel_column(first_col + j),
                };
                cell_text(c, file, row, column, problems)
            })
            .collect();
        if sheet.header.is_none() {
            let names: Vec<String> = text
                .iter()
                .map(|t| normalise_header(t.as_deref().unwrap_or("")))
                .collect();
            repeated_names(&names, first_col, file, row, problems);
            sheet.cells = (0..names.len()).map(|_| TextColumn::default()).collect();
            sheet.first_data = vec![None; names.len()];
            sheet.header = Some((row, names));
            continue;
        }
        sheet.rows.push(row);
        for ((column, first), t) in sheet.cells.iter_mut().zip(&mut sheet.first_data).zip(&text) {
            column.push(t.as_deref());
            if t.is_some() && first.is_none() {
                *first = Some(row);
            }
        }
    }
    sheet
}

/// A cell as the text a CSV export would hold; a date or an error cell is a problem.
fn cell_text(
    c: &Data,
    file: &str,
    row: usize,
    column: impl Fn() -> String,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match c {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Float(f) => Some(f.to_string()),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::DateTime(d) => {
            problems.push(Problem::cell(
                file,
                row,
                column(),
                format!("holds a date ({d}); scrisk expects text or a number"),
            ));
            None
        }
        Data::Error(e) => {
            problems.push(Problem::cell(
                file,
                row,
                column(),
                format!("holds the spreadsheet error {e}"),
            ));
            None
        }
    }
}

/// Reports a header name used twice (empty names are checked with the data below them).
fn repeated_names(
    names: &[String],
    first_col: usize,
    file: &str,
    row: usize,
    problems: &mut Vec<Problem>,
) {
    for (j, n) in names.iter().enumerate() {
        if !n.is_empty() && names[..j].contains(n) {
            problems.push(Problem::cell(
                file,
                row,
                n.clone(),
                format!(
                    "column {} appears more than once ({})",
                    quote(n),
                    excel_column(first_col + j)
                ),
            ));
        }
    }
}

impl Sheet {
    /// The table of the sheet's named columns; data under an unnamed header cell is a problem.
    fn into_table(self, file: String, problems: &mut Vec<Problem>) -> Result<Table, ()> {
        let Some((header_row, names)) = self.header else {
            problems.push(Problem::file(&file, "sheet is empty (no header row)"));
            return Err(());
        };
        let mut columns: Vec<(String, Column)> = Vec::new();
        let cells = self.cells.into_iter().zip(self.first_data);
        for (j, (name, (values, first))) in names.into_iter().zip(cells).enumerate() {
            if name.is_empty() {
                if let Some(row) = first {
                    problems.push(Problem::cell(
                        &file,
                        row,
                        excel_column(self.first_col + j),
                        "holds data but the header names no column here",
                    ));
                }
                continue;
            }
            if columns.iter().all(|(n, _)| *n != name) {
                columns.push((name, Column::Text(values)));
            }
        }
        let height = self.rows.len();
        Ok(Table::new(
            file,
            columns,
            height,
            header_row,
            Some(self.rows),
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_columns_are_lettered() {
        assert_eq!(excel_column(0), "A");
        assert_eq!(excel_column(25), "Z");
        assert_eq!(excel_column(26), "AA");
        assert_eq!(excel_column(27), "AB");
        assert_eq!(excel_column(701), "ZZ");
        assert_eq!(excel_column(702), "AAA");
    }
}
