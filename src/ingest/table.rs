//! [`Table`]: one table of a dataset as scrisk's own columns, whichever format it came from
//! (CSV, Parquet or an `.xlsx` sheet), with header names normalised and every data row mapped
//! to the row a spreadsheet shows for it. The format readers ([`super::csv`],
//! [`super::parquet`], [`super::xlsx`]) build it; the table readers ([`super::firms`],
//! [`super::sourcing`], …) read it. No Polars type is part of it.

use crate::problem::Problem;

/// A value of a numeric column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NumCell<'a> {
    /// Empty or null.
    Empty,
    Num(f64),
    /// Text that is not a number (as written, trimmed).
    Bad(&'a str),
}

/// Text cells, trimmed, in one buffer; an empty cell is `None`.
#[derive(Debug, Default)]
pub(crate) struct TextColumn {
    data: String,
    /// End of each cell in `data` (its start is the previous cell's end).
    ends: Vec<usize>,
}

impl TextColumn {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        TextColumn {
            data: String::new(),
            ends: Vec::with_capacity(rows),
        }
    }

    /// Appends a cell; it is stored trimmed, and empty text counts as an empty cell.
    pub(crate) fn push(&mut self, cell: Option<&str>) {
        if let Some(t) = cell {
            self.data.push_str(t.trim());
        }
        self.ends.push(self.data.len());
    }

    /// The trimmed cell of row `i`; `None` when it is empty.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let cell = &self.data[start..self.ends[i]];
        (!cell.is_empty()).then_some(cell)
    }
}

/// Numbers typed by the reader (Polars for CSV and Parquet); `None` is an empty cell.
#[derive(Debug, Default)]
pub(crate) struct NumColumn {
    values: Vec<f64>,
    /// Which cells hold a value; `None` when all do.
    present: Option<Vec<bool>>,
}

impl NumColumn {
    /// A column from values and, when some cells are empty, which ones hold a value.
    pub(crate) fn new(values: Vec<f64>, present: Option<Vec<bool>>) -> Self {
        NumColumn { values, present }
    }

    /// All values, when every cell holds one.
    pub(crate) fn dense(&self) -> Option<&[f64]> {
        self.present.is_none().then_some(self.values.as_slice())
    }

    pub(crate) fn get(&self, i: usize) -> NumCell<'_> {
        match &self.present {
            Some(p) if !p[i] => NumCell::Empty,
            _ => NumCell::Num(self.values[i]),
        }
    }
}

/// One column as a format reader delivered it.
#[derive(Debug)]
pub(crate) enum Column {
    /// Text; read as numbers, each cell is parsed when it is used.
    Text(TextColumn),
    /// Numbers already typed by the reader.
    Numbers(NumColumn),
    /// A column that cannot serve as what the format needs (a Parquet column of another type):
    /// the problem is reported when the column is used, as for any other column problem.
    Unusable(Problem),
    /// A column that is not part of the format: named in the header, never read.
    Unread,
}

/// A column's cells as text.
pub(crate) struct Texts<'a>(Option<&'a TextColumn>);

impl<'a> Texts<'a> {
    /// The trimmed cell of row `i`; `None` when empty (or when the column is absent).
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        self.0.and_then(|c| c.get(i))
    }
}

/// A column's cells as numbers.
pub(crate) enum Numbers<'a> {
    Absent,
    Typed(&'a NumColumn),
    Parsed(&'a TextColumn),
}

impl<'a> Numbers<'a> {
    pub(crate) fn get(&self, i: usize) -> NumCell<'a> {
        match self {
            Numbers::Absent => NumCell::Empty,
            Numbers::Typed(c) => c.get(i),
            Numbers::Parsed(c) => c.get(i).map_or(NumCell::Empty, parse_number),
        }
    }
}

/// A table: normalised header names mapped to columns, and the spreadsheet row of each row.
#[derive(Debug)]
pub(crate) struct Table {
    /// The file as shown in messages.
    pub(crate) file: String,
    /// (normalised name, column), in file order.
    columns: Vec<(String, Column)>,
    height: usize,
    /// Spreadsheet row of each data row, when it differs from index + 2.
    rows: Option<Vec<usize>>,
    /// Spreadsheet row of the header (1 but after blank lines or in a sheet that starts lower).
    pub(crate) header_row: usize,
}

impl Table {
    /// A table of `height` rows. `rows` is the spreadsheet row of each data row; it is dropped
    /// when it is just the header row plus the index plus one and the header is on row 1.
    pub(crate) fn new(
        file: String,
        columns: Vec<(String, Column)>,
        height: usize,
        header_row: usize,
        rows: Option<Vec<usize>>,
    ) -> Self {
        let rows =
            rows.filter(|r| header_row != 1 || r.iter().enumerate().any(|(i, &row)| row != i + 2));
        Table {
            file,
            columns,
            height,
            rows,
            header_row,
        }
    }

    /// Number of data rows.
    pub(crate) fn height(&self) -> usize {
        self.height
    }

    /// The row a spreadsheet shows for data row `i` (header = row 1; blank lines count).
    pub(crate) fn row(&self, i: usize) -> usize {
        self.rows.as_ref().map_or(i + 2, |r| r[i])
    }

    /// Normalised names of all columns, in file order.
    pub(crate) fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }

    /// Whether the table has the (normalised) column.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|(n, _)| n == name)
    }

    fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// The column as trimmed text; an absent column reads as all empty.
    pub(crate) fn text(&self, name: &str) -> Result<Texts<'_>, Problem> {
        match self.column(name) {
            None | Some(Column::Unread) => Ok(Texts(None)),
            Some(Column::Text(c)) => Ok(Texts(Some(c))),
            Some(Column::Unusable(p)) => Err(p.clone()),
            // Readers type a column as numbers only when the format says it holds numbers.
            Some(Column::Numbers(_)) => Err(column_problem(
                &self.file,
                name,
                "holds numbers, expected text",
            )),
        }
    }

    /// The column as numbers; an absent column reads as all empty.
    pub(crate) fn numbers(&self, name: &str) -> Result<Numbers<'_>, Problem> {
        match self.column(name) {
            None | Some(Column::Unread) => Ok(Numbers::Absent),
            Some(Column::Numbers(c)) => Ok(Numbers::Typed(c)),
            Some(Column::Text(c)) => Ok(Numbers::Parsed(c)),
            Some(Column::Unusable(p)) => Err(p.clone()),
        }
    }
}

/// A problem with a column as a whole.
pub(crate) fn column_problem(file: &str, name: &str, msg: &str) -> Problem {
    let mut p = Problem::file(file, msg.to_string());
    p.column = Some(name.to_string());
    p
}

/// Parses a number as written in a cell. `NaN` and `inf` parse here and are rejected by
/// validation with a clearer message.
pub(crate) fn parse_number(t: &str) -> NumCell<'_> {
    match t.parse::<f64>() {
        Ok(v) => NumCell::Num(v),
        Err(_) => NumCell::Bad(t),
    }
}

/// Normalises a header name: surrounding spaces and a byte-order mark removed, lower case.
pub(crate) fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The first line of an error message from a library (the rest is its backtrace or advice).
pub(crate) fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_or_are_kept_as_written() {
        assert_eq!(parse_number("1e3"), NumCell::Num(1000.0));
        assert_eq!(parse_number("0.25"), NumCell::Num(0.25));
        assert_eq!(parse_number("1,5"), NumCell::Bad("1,5"));
        assert!(matches!(parse_number("NaN"), NumCell::Num(v) if v.is_nan()));
    }

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise_header("\u{feff} Firm_ID "), "firm_id");
    }

    #[test]
    fn text_cells_are_trimmed_and_blank_is_empty() {
        let mut c = TextColumn::with_capacity(4);
        for cell in [Some(" a "), None, Some("  "), Some("b c")] {
            c.push(cell);
        }
        let got: Vec<Option<&str>> = (0..4).map(|i| c.get(i)).collect();
        assert_eq!(got, vec![Some("a"), None, None, Some("b c")]);
    }

    #[test]
    fn row_numbers_are_kept_only_when_they_are_not_the_index_plus_two() {
        let t = |header_row, rows: Vec<usize>| {
            Table::new("t".into(), Vec::new(), rows.len(), header_row, Some(rows))
        };
        assert!(t(1, vec![2, 3, 4]).rows.is_none());
        assert_eq!(t(1, vec![2, 4]).row(1), 4);
        assert_eq!(t(2, vec![3, 4]).row(0), 3);
    }
}
