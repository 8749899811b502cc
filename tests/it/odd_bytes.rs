//! Odd bytes: NUL, lone quotes, invalid UTF-8, BOMs, CR line ends, huge fields, odd numbers and
//! control characters, in the spirit of the fuzz targets (`fuzz/`, CONTRIBUTING.md "Fuzzing";
//! fuzzing itself found no crash, so these are robustness cases, not regressions). Each input
//! replaces one file of a copy of `tests/fixtures/example`, and the real binary analyses the
//! dataset, with and without `--normalize-shares`. Each case says what must happen: a valid
//! input writes both reports (exit 0); a bad one is reported (exit 2) with the file and, where
//! the problem has one, the row, and writes nothing. Neither may panic.

use crate::context::{root, TestContext, EXAMPLE};

/// What a case must do.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Exit 0, both reports written, no control character in the markdown, nothing on stderr.
    Valid,
    /// As `Valid`, but with a warning on stderr that names this place (`"<file>: ..."`).
    Warned(&'static str),
    /// Exit 2, nothing written, and an error line that starts with this place and message:
    /// `"<file> row N, column C: ..."`, or `"<file>: ..."` for a problem of the whole file.
    Problem(&'static str),
}
use Expect::{Problem, Valid, Warned};

/// Analyses the example with `file` replaced by `bytes` (`file` need not exist in the example,
/// e.g. `components.csv`) and checks `expect`, with and without `--normalize-shares`.
fn check(case: &str, file: &str, bytes: &[u8], expect: Expect) {
    for extra in [&[][..], &["--normalize-shares"][..]] {
        let ctx = TestContext::new();
        let ds = ctx.example("ds");
        std::fs::write(ds.join(file), bytes).expect("write the input");
        let run = ctx.analyze(&ds).format_both().args(extra).run();
        let what = format!("{case} ({file}, {extra:?})");
        let shown = run.snapshot();
        assert!(!run.stderr.contains("panicked"), "{what}:\n{shown}");
        match expect {
            Valid | Warned(_) => {
                assert_eq!(run.status, 0, "{what}:\n{shown}");
                assert_eq!(run.written(), ["ds.json", "ds.md"], "{what}");
                let md = run.markdown();
                assert!(
                    !md.chars().any(|c| c.is_control() && c != '\n'),
                    "{what}: a control character in the markdown report"
                );
                match expect {
                    Warned(at) => {
                        let line = format!("warning: [TEMP]/ds/{at}");
                        assert!(
                            shown.lines().any(|l| l.starts_with(&line)),
                            "{what}: no line starts with {line:?}:\n{shown}"
                        );
                    }
                    _ => assert!(run.stderr.is_empty(), "{what}:\n{shown}"),
                }
            }
            Problem(at) => {
                assert_eq!(run.status, 2, "{what}:\n{shown}");
                let line = format!("error: [TEMP]/ds/{at}");
                assert!(
                    shown.lines().any(|l| l.starts_with(&line)),
                    "{what}: no line starts with {line:?}:\n{shown}"
                );
                assert!(run.written().is_empty(), "{what}: {:?}", run.written());
            }
        }
    }
}

/// The example's table `file` with `row` appended. The example's sourcing.csv has 18 rows, so
/// an appended row is row 20 (the header is row 1); firms.csv has 11, so row 13.
fn plus(file: &str, row: &[u8]) -> Vec<u8> {
    let mut v = std::fs::read(root().join(EXAMPLE).join(file)).expect("read");
    v.extend_from_slice(row);
    v
}

/// A components table listing every component of the example, so that the odd row is the only
/// thing that can be wrong (row 11 is the first row after them).
const COMPONENTS: &str = "component,name\ncell,Battery cell\npack,Battery pack\n\
    cockpit-soc,Cockpit SoC\nwheel-hub,Wheel hub\nkit,Kit\nanode,Anode\n\
    flake-graphite,Flake graphite\ncoated-spheres,Coated spheres\nwafer,Wafer\n";

#[test]
fn odd_bytes_in_sourcing() {
    let long = "x".repeat(10_000);
    // Appended rows are complete (value and stock given, as in every row of the example), so
    // that only the odd bytes decide.
    let s = |row: &[u8]| plus("sourcing.csv", row);
    let example = std::fs::read_to_string(root().join(EXAMPLE).join("sourcing.csv")).expect("read");
    let (header, rows) = example.split_once('\n').expect("a header row");
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "NUL in a component (valid)",
            s(b"leap,ce\0ll,tsmc,1,1000000,10\n"),
            Valid,
        ),
        (
            "NUL as a whole file",
            b"\0".to_vec(),
            Problem("sourcing.csv row 1, column buyer_id: required column is missing"),
        ),
        (
            "lone quote in a field",
            s(b"leap,\"cell,tsmc,1,1000000,10\n"),
            Problem("sourcing.csv row 20: row has 2 fields, the header has 6"),
        ),
        (
            "lone quote as the file",
            b"\"".to_vec(),
            Problem("sourcing.csv row 1, column #1: the header names no column here"),
        ),
        (
            "quote inside an unquoted field (valid)",
            s(b"leap,ce\"ll,tsmc,1,1000000,10\n"),
            Valid,
        ),
        (
            "10,000-character component (valid)",
            s(format!("leap,{long},tsmc,1,1000000,10\n").as_bytes()),
            Valid,
        ),
        (
            "10,000-character column name (valid: ignored with a warning)",
            // The same table with one more column: a 10,000-character name, empty cells.
            format!("{header},{long}\n{}", rows.replace('\n', ",\n")).into_bytes(),
            Warned("sourcing.csv: column \"xxxxx"),
        ),
        (
            "invalid UTF-8",
            s(b"leap,\xff\xfe,tsmc,1,1000000,10\n"),
            Problem("sourcing.csv row 20, column component: is not valid UTF-8"),
        ),
        (
            "only a BOM",
            b"\xef\xbb\xbf".to_vec(),
            Problem("sourcing.csv: file is empty (no header row)"),
        ),
        (
            "empty file",
            Vec::new(),
            Problem("sourcing.csv: file is empty (no header row)"),
        ),
        (
            "CR only line ends (valid)",
            example.replace('\n', "\r").into_bytes(),
            Valid,
        ),
        (
            "share 1e308, value and stock -0",
            s(b"leap,z,tsmc,1e308,-0,-0\n"),
            Problem("sourcing.csv row 20, column share: "),
        ),
        (
            "share in hex and value with underscores",
            s(b"leap,z,tsmc,0x1,1_0,\n"),
            Problem("sourcing.csv row 20, column share: \"0x1\" is not a number"),
        ),
        (
            "control characters in a component (valid)",
            s(b"leap,\x1b[31m\x07,tsmc,1,1000000,10\n"),
            Valid,
        ),
    ];
    for (case, bytes, expect) in cases {
        check(case, "sourcing.csv", &bytes, expect);
    }
}

#[test]
fn odd_bytes_in_firms() {
    let long = "y".repeat(10_000);
    // The appended firm is referenced by no sourcing row: only its own cells are checked.
    let f = |row: &[u8]| plus("firms.csv", row);
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("NUL in a name (valid)", f(b"nul,Na\0me,DE,,,,,\n"), Valid),
        ("NUL in an id (valid)", f(b"n\0ul,Name,DE,,,,,\n"), Valid),
        (
            "lone quote in a name",
            f(b"q,\"Name,DE,,,,,\n"),
            Problem("firms.csv row 13: row has 2 fields, the header has 8"),
        ),
        (
            "10,000-character name, region and group (valid)",
            f(format!("long,{long},DE,{long},{long},{long},1,1\n").as_bytes()),
            Valid,
        ),
        (
            "10,000-character id (valid)",
            f(format!("{long},Name,DE,,,,,\n").as_bytes()),
            Valid,
        ),
        (
            "markdown and mermaid syntax in names (valid)",
            f(b"md,\"a|b`c]d[e<br>{f}\"\"g\",DE,\"x\ny\",\"#;%\",,,\n"),
            Valid,
        ),
        (
            "header only",
            b"firm_id,name,country,region,group,kind,annual_output_value,recovery_days\n".to_vec(),
            Problem("firms.csv: has a header but no data rows"),
        ),
        (
            "NUL as a whole file",
            b"\0".to_vec(),
            Problem("firms.csv row 1, column firm_id: required column is missing"),
        ),
    ];
    for (case, bytes, expect) in cases {
        check(case, "firms.csv", &bytes, expect);
    }
}

#[test]
fn odd_bytes_in_components() {
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("every component, plainly (valid)", COMPONENTS.into(), Valid),
        (
            "NUL in a name (valid)",
            COMPONENTS.replace("Battery cell", "Battery\0cell").into(),
            Valid,
        ),
        (
            "NUL in an unused id (valid)",
            format!("{COMPONENTS}ce\0ll,x\n").into(),
            Valid,
        ),
        (
            "lone quote",
            format!("{COMPONENTS}\"cell,x\n").into(),
            Problem("components.csv row 11: row has 1 fields, the header has 2"),
        ),
        (
            "10,000-character name (valid)",
            COMPONENTS
                .replace("Battery cell", &"z".repeat(10_000))
                .into(),
            Valid,
        ),
    ];
    for (case, bytes, expect) in cases {
        check(case, "components.csv", &bytes, expect);
    }
}

#[test]
fn odd_bytes_in_scenarios() {
    let long = "w".repeat(10_000);
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "NUL byte",
            b"[[scenario]]\nname = \"a\0\"\ncuts = [\"firm:tsmc\"]\n".to_vec(),
            Problem("scenarios.toml line 2: not valid: invalid basic string"),
        ),
        (
            "lone quote",
            b"\"".to_vec(),
            Problem("scenarios.toml line 1: not valid: "),
        ),
        (
            "unterminated string",
            b"[[scenario]]\nname = \"a\ncuts = []\n".to_vec(),
            Problem("scenarios.toml line 2: not valid: invalid basic string"),
        ),
        (
            "10,000-character name and description (valid)",
            format!(
                "[[scenario]]\nname = \"{long}\"\ndescription = \"{long}\"\ncuts = [\"firm:tsmc\"]\n"
            )
            .into_bytes(),
            Valid,
        ),
        (
            "10,000-character cut",
            format!("[[scenario]]\nname = \"a\"\ncuts = [\"firm:{long}\"]\n").into_bytes(),
            Problem("scenarios.toml line 3, column cuts: scenario \"a\": \"firm:wwww"),
        ),
        (
            // 1e308 days is a (long) duration; NaN and -inf are not.
            "huge, negative and NaN durations",
            b"[[scenario]]\nname = \"a\"\ncuts = [\"firm:tsmc\"]\nduration_days = 1e308\n\n\
              [[scenario]]\nname = \"b\"\ncuts = [\"firm:tsmc\"]\nduration_days = nan\n\n\
              [[scenario]]\nname = \"c\"\ncuts = [\"firm:tsmc\"]\nduration_days = -inf\n"
                .to_vec(),
            Problem("scenarios.toml line 9, column duration_days: scenario \"b\": duration_days NaN"),
        ),
        (
            "tiny severity (valid)",
            b"[[scenario]]\nname = \"a\"\ncuts = [\"country:CN=5e-324\"]\n".to_vec(),
            Valid,
        ),
        (
            "invalid UTF-8",
            b"[[scenario]]\nname = \"\xff\"\n".to_vec(),
            Problem("scenarios.toml: is not valid UTF-8"),
        ),
        (
            // An empty TOML document: no scenarios.
            "only a BOM (valid)",
            b"\xef\xbb\xbf".to_vec(),
            Valid,
        ),
    ];
    for (case, bytes, expect) in cases {
        check(case, "scenarios.toml", &bytes, expect);
    }
}
