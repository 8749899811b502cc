//! [`MdTable`]: a markdown table that owns its header, its alignment row, its row cap and the
//! "N more in the JSON report" footer. Every row has as many cells as the header by type (an
//! array of `N` cells), so a capped table cannot drift from its header.

use std::fmt::Write;

/// Tables of more rows than this are folded in a `<details>` block (GitHub renders it as a
/// click-to-open section; other renderers show the table).
pub(crate) const FOLD_ROWS: usize = 12;

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A markdown table of `N` columns.
pub(crate) struct MdTable<'h, const N: usize> {
    columns: [(&'h str, Align); N],
    cap: usize,
    /// What the footer counts ("" for rows in general, e.g. " end firms"); `None`: no footer,
    /// because the text before the table already says "top k of n".
    footer: Option<&'static str>,
}

impl<'h, const N: usize> MdTable<'h, N> {
    /// A table with these columns, every row shown.
    pub(crate) fn new(columns: [(&'h str, Align); N]) -> Self {
        MdTable {
            columns,
            cap: usize::MAX,
            footer: Some(""),
        }
    }

    /// Shows at most `cap` rows; the footer counts the rest.
    pub(crate) fn cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }

    /// Names what the footer counts: "N more{noun} in the JSON report."
    pub(crate) fn footer_noun(mut self, noun: &'static str) -> Self {
        self.footer = Some(noun);
        self
    }

    /// No footer (the text above the table gives the counts).
    pub(crate) fn no_footer(mut self) -> Self {
        self.footer = None;
        self
    }

    /// Writes the header, the alignment row, the first `cap` rows and the footer. Rows past
    /// the cap are counted, not formatted.
    pub(crate) fn write<I>(&self, out: &mut String, rows: I)
    where
        I: IntoIterator<Item = [String; N]>,
        I::IntoIter: ExactSizeIterator,
    {
        let rows = rows.into_iter();
        let total = rows.len();
        let shown = total.min(self.cap);
        let fold = shown > FOLD_ROWS;
        if fold {
            let _ = writeln!(out, "<details><summary>{shown} rows</summary>\n");
        }
        head(out, &self.columns);
        for row in rows.take(self.cap) {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        if let Some(noun) = self.footer {
            if total > self.cap {
                let _ = writeln!(out, "\n{} more{noun} in the JSON report.", total - self.cap);
            }
        }
        if fold {
            let _ = writeln!(out, "\n</details>");
        }
    }
}

/// The header and alignment rows.
fn head(out: &mut String, columns: &[(&str, Align)]) {
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    let _ = writeln!(out, "| {} |", names.join(" | "));
    let align: String = columns
        .iter()
        .map(|c| match c.1 {
            Align::Left => "---|",
            Align::Right => "---:|",
        })
        .collect();
    let _ = writeln!(out, "|{align}");
}

/// A table whose number of columns is known only at run time (the summary's matrix): every
/// row shown, never folded. Rows must have as many cells as `columns`.
pub(crate) fn write_dynamic(out: &mut String, columns: &[(&str, Align)], rows: &[Vec<String>]) {
    head(out, columns);
    for row in rows {
        debug_assert_eq!(row.len(), columns.len());
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_table_counts_what_it_leaves_out() {
        let t = MdTable::new([("a", Align::Left), ("b", Align::Right)]).cap(2);
        let mut out = String::new();
        t.write(
            &mut out,
            (1..4).map(|i| [i.to_string(), (i * 10).to_string()]),
        );
        assert_eq!(
            out,
            "| a | b |\n|---|---:|\n| 1 | 10 |\n| 2 | 20 |\n\n1 more in the JSON report.\n"
        );
    }

    #[test]
    fn a_long_table_is_folded() {
        let mut out = String::new();
        MdTable::new([("x", Align::Left)])
            .cap(FOLD_ROWS + 5)
            .write(&mut out, (0..FOLD_ROWS + 1).map(|i| [i.to_string()]));
        let rows = FOLD_ROWS + 1;
        assert!(out.starts_with(&format!(
            "<details><summary>{rows} rows</summary>\n\n| x |\n"
        )));
        assert!(out.ends_with("| 12 |\n\n</details>\n"), "{out}");
        let mut out = String::new();
        MdTable::new([("x", Align::Left)]).write(&mut out, (0..FOLD_ROWS).map(|i| [i.to_string()]));
        assert!(!out.contains("details"));
    }

    #[test]
    fn a_table_within_its_cap_or_without_footer_has_none() {
        let mut out = String::new();
        MdTable::new([("x", Align::Left)])
            .cap(1)
            .write(&mut out, std::iter::once(["1".to_string()]));
        assert_eq!(out, "| x |\n|---|\n| 1 |\n");
        let mut out = String::new();
        MdTable::new([("x", Align::Left)])
            .cap(1)
            .no_footer()
            .write(&mut out, vec![["1".to_string()], ["2".to_string()]]);
        assert_eq!(out, "| x |\n|---|\n| 1 |\n");
        let mut out = String::new();
        MdTable::new([("x", Align::Left)])
            .cap(0)
            .footer_noun(" end firms")
            .write(&mut out, vec![["1".to_string()]]);
        assert!(
            out.ends_with("\n1 more end firms in the JSON report.\n"),
            "{out}"
        );
    }
}
