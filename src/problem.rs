//! Input problems: what is wrong, where (file, row, column) and with which value.
//!
//! Loading collects every problem it finds instead of stopping at the first, so that a user
//! fixes a file in one pass. Rendering caps the list per file and says how many were left out.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How many problems of one file are printed before the rest are summarised.
pub(crate) const PROBLEMS_PER_FILE: usize = 50;

/// One problem in the input. Serialised as is by `scrisk validate --format json`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Problem {
    /// The file as the user can find it (the dataset path joined with the file name).
    pub(crate) file: String,
    /// Row as a spreadsheet shows it: the header is row 1, the first data row is row 2.
    pub(crate) row: Option<usize>,
    pub(crate) column: Option<String>,
    /// What is wrong, quoting the offending value.
    pub(crate) message: String,
    /// An optional suggestion, printed on its own `hint:` line.
    pub(crate) hint: Option<String>,
    /// Further problems of the same file that were counted but not kept (a file with millions
    /// of bad rows); such an entry only adds to the "more problems" count when rendered.
    pub(crate) omitted: usize,
}

impl Problem {
    /// A problem about a file as a whole.
    pub(crate) fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            row: None,
            column: None,
            message: message.into(),
            hint: None,
            omitted: 0,
        }
    }

    /// A problem at a row and column.
    pub(crate) fn cell(
        file: impl Into<String>,
        row: usize,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            row: Some(row),
            column: Some(column.into()),
            message: message.into(),
            hint: None,
            omitted: 0,
        }
    }

    /// Stands for `count` further problems of `file` that were counted but not kept.
    pub(crate) fn omitted(file: impl Into<String>, count: usize) -> Self {
        Problem {
            omitted: count,
            ..Problem::file(file, format!("{count} further problems not kept"))
        }
    }

    /// Adds a `hint:` line.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        // TOML files are read as text: their position is a line, not a table row.
        let row = if self.file.ends_with(".toml") {
            "line"
        } else {
            "row"
        };
        match (self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, " {row} {r}, column {c}")?,
            (Some(r), None) => write!(f, " {row} {r}")?,
            (None, Some(c)) => write!(f, ", column {c}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// Quotes a value from the input for a message, escaping control characters and cutting very
/// long values so that one hostile cell cannot flood the terminal.
pub(crate) fn quote(value: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::with_capacity(value.len().min(MAX) + 2);
    out.push('"');
    for (n, ch) in value.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Renders problems grouped by file, in the order they were found per file, capped per file.
pub(crate) fn render(problems: &[Problem]) -> String {
    let mut files: Vec<&str> = Vec::new();
    for p in problems {
        if !files.contains(&p.file.as_str()) {
            files.push(&p.file);
        }
    }
    let mut out = String::new();
    for file in files {
        let of_file: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.file == file && p.omitted == 0)
            .collect();
        let omitted: usize = problems
            .iter()
            .filter(|p| p.file == file)
            .map(|p| p.omitted)
            .sum();
        // A hint is printed once per file: eighty identical hints help nobody.
        let mut hinted: Vec<&str> = Vec::new();
        for p in of_file.iter().take(PROBLEMS_PER_FILE) {
            out.push_str(&format!("error: {p}\n"));
            if let Some(h) = &p.hint {
                if !hinted.contains(&h.as_str()) {
                    hinted.push(h);
                    out.push_str(&format!("  hint: {h}\n"));
                }
            }
        }
        let hidden = of_file.len().saturating_sub(PROBLEMS_PER_FILE) + omitted;
        if hidden > 0 {
            out.push_str(&format!(
                "error: {file}: {hidden} more problems not shown\n"
            ));
        }
    }
    out
}

/// The 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A problem in a TOML file, located by the line of `span` (TOML files are read as text).
pub(crate) fn toml_problem(
    file: &str,
    text: &str,
    span: Option<Range<usize>>,
    msg: String,
) -> Problem {
    Problem {
        file: file.to_string(),
        row: span.map(|s| line_of(text, s.start)),
        column: None,
        message: msg,
        hint: None,
        omitted: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_row_and_column() {
        let p = Problem::cell("d/sourcing.csv", 14, "share", "\"abc\" is not a number");
        assert_eq!(
            p.to_string(),
            "d/sourcing.csv row 14, column share: \"abc\" is not a number"
        );
    }

    #[test]
    fn quote_escapes_and_truncates() {
        assert_eq!(quote("a\"b\nc"), "\"a\\\"b\\nc\"");
        let long = "x".repeat(200);
        assert_eq!(quote(&long).chars().count(), 80 + 3);
    }

    #[test]
    fn render_caps_per_file() {
        let mut ps: Vec<Problem> = (0..60)
            .map(|i| Problem::cell("a.csv", i + 2, "share", "bad"))
            .collect();
        ps.push(Problem::file("b.csv", "empty"));
        let out = render(&ps);
        assert_eq!(out.lines().count(), PROBLEMS_PER_FILE + 1 + 1);
        assert!(out.contains("a.csv: 10 more problems not shown"));
        assert!(out.ends_with("error: b.csv: empty\n"));
    }
}
