//! Text helpers shared by the report, the policy gate and the commands: escaping of untrusted names so that tables stay valid
//! and nothing renders as a link, HTML or code, Mermaid label encoding, and fixed number formats
//! (the same bytes on every run, no `-0`), and the one strict `YYYY-MM-DD` date parser used by
//! the `--today` flag and the policy file's waivers.

/// Longest text shown in a table cell; longer names are cut with an ellipsis (the JSON report
/// keeps them whole).
pub(crate) const MAX_CELL_CHARS: usize = 80;

/// Escapes text from the input (names, ids, descriptions) for use inside markdown, including
/// table cells: `|`, backslashes and markdown punctuation are backslash-escaped, `<`, `>` and `&`
/// become entities (no HTML), line breaks and other control characters become spaces, and
/// bidirectional overrides (which can make a row read differently from what it holds) are dropped.
pub(crate) fn md(text: &str) -> String {
    md_limited(text, usize::MAX)
}

/// [`md`] for a table cell: also cut to [`MAX_CELL_CHARS`] characters.
pub(crate) fn cell(text: &str) -> String {
    md_limited(text, MAX_CELL_CHARS)
}

fn md_limited(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut count = 0usize;
    for c in text.chars() {
        if is_bidi_control(c) {
            continue;
        }
        if count == max_chars {
            out.push('…');
            break;
        }
        count += 1;
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Characters that reorder text when displayed (Unicode bidi embeddings, overrides, isolates
/// and marks) and the line/paragraph separators.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
    )
}

/// Encodes text for a quoted Mermaid label (`id["..."]`): every character other than letters,
/// digits, spaces and `-.,:/'` becomes a `#NNN;` entity, so no input can close the label, start
/// markdown inside it, or inject HTML.
pub(crate) fn mermaid_label(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().filter(|&c| !is_bidi_control(c)).enumerate() {
        if count == 60 {
            out.push_str("#8230;");
            break;
        }
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | ',' | ':' | '/' | '\'') {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push_str(&format!("#{};", c as u32));
        }
    }
    out
}

/// Avoids `-0` in fixed-point output.
fn clean(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        0.0
    } else {
        v
    }
}

/// Groups the integer part of a formatted number in thousands: `1234567.8` → `1,234,567.8`.
fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An HHI: whole points with thousands separators (`3,000`).
pub(crate) fn hhi(v: f64) -> String {
    group_thousands(&format!("{:.0}", clean(v)))
}

/// A number rounded to a whole, without thousands separators (`6600`).
pub(crate) fn whole(v: f64) -> String {
    format!("{:.0}", clean(v))
}

/// A number as written: the shortest form that reads back the same (`2000000`, `22.5`), no
/// `-0`.
pub(crate) fn plain(v: f64) -> String {
    format!("{}", clean(v))
}

/// A fraction as a percentage with one decimal (`0.383` → `38.3%`).
pub(crate) fn pct(v: f64) -> String {
    format!("{:.1}%", clean(v * 100.0))
}

/// A fraction as a percentage with one decimal and a true minus sign when negative (`−9.5%`).
pub(crate) fn signed_pct(v: f64) -> String {
    let t = pct(v);
    match t.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => t,
    }
}

/// A plain number with two decimals.
pub(crate) fn num(v: f64) -> String {
    group_thousands(&format!("{:.2}", clean(v)))
}

/// Days with one decimal, without it when the days round to a whole number (`30`, `141.1`).
pub(crate) fn days(v: f64) -> String {
    let t = format!("{:.1}", clean(v));
    match t.strip_suffix(".0") {
        Some(w) => w.to_string(),
        None => t,
    }
}

/// Days with their noun: `1 day`, `30 days`, `2.5 days` (as [`days`] writes them).
pub(crate) fn n_days(v: f64) -> String {
    let d = days(v);
    if d == "1" {
        "1 day".into()
    } else {
        format!("{d} days")
    }
}

/// A money amount in compact form: `1.23 bn`, `456.7 m`, `12.5 k`, plain below a thousand, and
/// `0` for what rounds to zero.
pub(crate) fn money(v: f64) -> String {
    let v = clean(v);
    let a = v.abs();
    if a < 0.005 {
        // Rounds to 0.00: written as the zero it shows.
        "0".into()
    } else if a >= 1e9 {
        format!("{:.2} bn", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1} m", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.2}")
    }
}

/// A count with its noun: `1 firm`, `3 firms`.
pub(crate) fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Parses a date written exactly as `YYYY-MM-DD` (four, two and two digits; no spaces, no
/// shorter forms such as `26-1-1`); the error says what was expected.
pub(crate) fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let bad = || format!("{text:?} is not a date YYYY-MM-DD");
    if !shaped {
        return Err(bad());
    }
    text.parse::<jiff::civil::Date>().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_cannot_break_the_table_or_render_html() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(cell("line\nbreak"), "line break");
        assert_eq!(cell("[click](javascript:x)"), "\\[click\\](javascript:x)");
        assert_eq!(cell("`code`"), "\\`code\\`");
        assert_eq!(cell("a\u{202E}b"), "ab");
        assert_eq!(cell(&"x".repeat(100)).chars().count(), MAX_CELL_CHARS + 1);
        assert_eq!(cell("零跑汽车"), "零跑汽车");
    }

    #[test]
    fn mermaid_labels_are_entity_encoded() {
        assert_eq!(mermaid_label("CATL \"Ningde\""), "CATL #34;Ningde#34;");
        assert_eq!(mermaid_label("a]b<c"), "a#93;b#60;c");
        assert_eq!(mermaid_label("零"), "#38646;");
    }

    #[test]
    fn numbers_have_one_fixed_form() {
        assert_eq!(hhi(3000.0), "3,000");
        assert_eq!(hhi(10_000.0), "10,000");
        assert_eq!(hhi(999.6), "1,000");
        assert_eq!(pct(0.383), "38.3%");
        assert_eq!(pct(-0.0), "0.0%");
        assert_eq!(num(1234567.891), "1,234,567.89");
        assert_eq!(money(1_234_000_000.0), "1.23 bn");
        assert_eq!(money(456_700_000.0), "456.7 m");
        assert_eq!(money(12_500.0), "12.5 k");
        assert_eq!(money(-0.0), "0");
        assert_eq!(money(0.5), "0.50");
        assert_eq!((money(0.004), money(-0.001)), ("0".into(), "0".into()));
        assert_eq!(days(30.0), "30");
        assert_eq!(days(29.96), "30");
        assert_eq!(days(141.14), "141.1");
        assert_eq!(days(-0.0), "0");
        assert_eq!(
            (n_days(1.0), n_days(1.04), n_days(2.0)),
            ("1 day".into(), "1 day".into(), "2 days".into())
        );
        assert_eq!(group_thousands("-1234.5"), "-1,234.5");
        assert_eq!(whole(6600.4), "6600");
        assert_eq!(whole(-0.0), "0");
        assert_eq!(plain(2_000_000.0), "2000000");
        assert_eq!(plain(22.5), "22.5");
        assert_eq!(plain(-0.0), "0");
    }

    #[test]
    fn dates_are_exactly_four_two_two_digits() {
        assert_eq!(parse_date("2024-02-29"), Ok(jiff::civil::date(2024, 2, 29)));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "26-1-1",
            "2026-1-1",
            " 2026-01-01",
            "tomorrow",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
