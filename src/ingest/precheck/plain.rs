//! The fast path of the CSV pre-check, for the files most exports are: no quote character
//! anywhere, LF or CRLF line ends, no blank line, every line with the header's number of commas,
//! all UTF-8, a header naming each column once. In such a file every line is one record and
//! record `i` is on spreadsheet row `i + 2`, so the file can be checked in blocks on every core.
//! Anything else (a quote, a blank line, a lone CR, a wrong field count, a byte that is not
//! UTF-8, a header problem) makes [`shape`] give up, and the `csv` crate pass reads the file
//! record by record, finds the exact rows and reports the problems: this path never reports
//! anything, it only vouches for files with nothing to report.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use rayon::prelude::*;

use super::Shape;
use crate::ingest::table::normalise_header;

/// Bytes checked per task.
const BLOCK: u64 = 8 << 20;

/// The shape of a plain file; `None` when the file is not plain (or cannot be read).
pub(super) fn shape(path: &Path) -> Option<Shape> {
    in_blocks(path, BLOCK)
}

/// [`shape`], checking `block` bytes per task.
fn in_blocks(path: &Path, block: u64) -> Option<Shape> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let (header, body) = header(&file, len)?;
    let commas = header.len() - 1;
    // Each block checks the lines that start in it.
    let starts: Vec<u64> = (body..len).step_by(block as usize).collect();
    let counts: Option<Vec<usize>> = starts
        .par_iter()
        .map(|&start| lines_from(&file, start, (start + block).min(len), body, commas))
        .collect();
    let records: usize = counts?.iter().sum();
    Some(Shape {
        header,
        header_row: 1,
        rows: (0..records).map(|i| i + 2).collect(),
    })
}

/// The header's fields and where the first data line starts, when the header is plain.
fn header(file: &File, len: u64) -> Option<(Vec<String>, u64)> {
    let mut buf = vec![0u8; (len.min(1 << 16)) as usize];
    file.read_exact_at(&mut buf, 0).ok()?;
    let end = buf.iter().position(|&b| b == b'\n')?;
    let line = plain_line(&buf[..end])?;
    // The `csv` crate drops a byte-order mark, so this path does too.
    let text = std::str::from_utf8(line).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header: Vec<String> = text.split(',').map(str::to_string).collect();
    let mut names: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    names.sort_unstable();
    let distinct = names.windows(2).all(|w| w[0] != w[1]);
    (distinct && names.iter().all(|n| !n.is_empty())).then_some((header, end as u64 + 1))
}

/// A line without its CR, when it is not blank and holds no quote and no other CR.
fn plain_line(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    (!line.is_empty() && !line.iter().any(|&b| b == b'"' || b == b'\r')).then_some(line)
}

/// How many lines start in `start..end` (`body` is where the first data line starts), when
/// each is plain, has `commas` commas and is UTF-8.
fn lines_from(file: &File, start: u64, end: u64, body: u64, commas: usize) -> Option<usize> {
    // One byte before the block tells whether a line starts at its first byte.
    let from = if start > body { start - 1 } else { start };
    let block_end = (end - from) as usize;
    // The block and one byte more, read straight into `buf`; then on, 64 KiB at a time, until
    // the line that starts before `end` is complete (a line end at or after `block_end`).
    let mut buf = vec![0u8; block_end + 1];
    let (mut filled, mut searched) = (0, block_end);
    loop {
        if filled == buf.len() {
            buf.resize(filled + (1 << 16), 0);
        }
        let n = file
            .read_at(&mut buf[filled..], from + filled as u64)
            .ok()?;
        filled += n;
        if n == 0 || buf[searched.min(filled)..filled].contains(&b'\n') {
            break;
        }
        searched = searched.max(filled);
    }
    buf.truncate(filled);
    let mut i = if start > body {
        // Skip the end of a line that started in the previous block (the last line of the
        // file, without a line end, may fill the block).
        match buf.iter().position(|&b| b == b'\n') {
            Some(p) => p + 1,
            None => return Some(0),
        }
    } else {
        0
    };
    let mut lines = 0;
    while i < block_end.min(buf.len()) {
        let line_end = buf[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(buf.len(), |p| i + p);
        let line = plain_line(&buf[i..line_end])?;
        if line.iter().filter(|&&b| b == b',').count() != commas
            || std::str::from_utf8(line).is_err()
        {
            return None;
        }
        lines += 1;
        i = line_end + 1;
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::precheck::record_by_record;
    use crate::ingest::precheck::tests::write;
    use proptest::prelude::*;

    /// What the `csv` crate pass finds, when it finds no problem.
    fn record_by_record_clean(path: &Path) -> Option<Shape> {
        let mut problems = Vec::new();
        let shape = record_by_record(path, "t.csv", &mut problems);
        shape.filter(|_| problems.is_empty())
    }

    #[test]
    fn plain_files_are_vouched_for_and_others_are_left_to_the_record_pass() {
        let plain = [
            &b"a,b\n1,2\n3,4\n"[..],
            b"a,b\r\n1,2\r\n3,4",
            b"a,b\n",
            b"a\nx\ny\n",
            b"\xef\xbb\xbfa,b\n\xc3\xa9,2\n",
        ];
        for text in plain {
            let path = write(text);
            let fast = shape(&path);
            assert!(fast.is_some(), "{}", String::from_utf8_lossy(text));
            assert_eq!(fast, record_by_record_clean(&path));
        }
        let not_plain = [
            &b""[..],
            b"a,b\n1,\"2\"\n",
            b"a,b\n\n1,2\n",
            b"a,b\n1,2\n\n",
            b"a,b\r1,2\r",
            b"a,b\n1\n",
            b"a,b\n1,2,3\n",
            b"a,b\n1,\xff\n",
            b"a,a\n1,2\n",
            b"a,\n1,2\n",
        ];
        for text in not_plain {
            assert_eq!(
                shape(&write(text)),
                None,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    /// A CSV line of three fields, now and then with a fourth, a quote, a character that is
    /// not ASCII, or another line end (a blank line, CRLF, a lone CR, none).
    fn line() -> impl Strategy<Value = String> {
        let field = || prop::sample::select(vec!["x", "yy", "", "é", "x", "yy"]);
        let extra = prop::sample::select(vec!["", "", "", "", "", ",z", "\"q\""]);
        let end = prop::sample::select(vec!["\n", "\n", "\n", "\r\n", "\n\n", "\r", ""]);
        (field(), field(), field(), extra, end)
            .prop_map(|(a, b, c, x, e)| format!("{a},{b},{c}{x}{e}"))
    }

    proptest! {
        /// Whatever the block size, the fast path either gives up or finds what the `csv`
        /// crate pass finds (with no problem to report); and it does not give up on a file
        /// whose lines are all plain.
        #[test]
        fn the_fast_path_agrees_with_the_record_pass(
            lines in prop::collection::vec(line(), 0..12),
            block in 1u64..40,
        ) {
            let text = format!("a,b,c\n{}", lines.concat());
            let path = write(text.as_bytes());
            let fast = in_blocks(&path, block);
            let plain = lines.iter().enumerate().all(|(i, l)| {
                let end_ok = l.ends_with('\n') && !l.ends_with("\n\n") || i + 1 == lines.len() && !l.ends_with("\n\n") && !l.ends_with('\r');
                end_ok && !l.contains('"') && l.matches(',').count() == 2 && !l.trim_end_matches("\r\n").contains('\r')
            });
            if plain {
                prop_assert!(fast.is_some(), "{:?}", text);
            }
            if let Some(fast) = fast {
                prop_assert_eq!(Some(fast), record_by_record_clean(&path));
            }
        }
    }
}
