//! Inputs from fuzzing (`fuzz/`, see CONTRIBUTING.md "Fuzzing") and hand-written odd bytes in
//! the same spirit. Each input replaces one file of a copy of `tests/fixtures/example`, and the
//! real binary analyses the dataset: it must either report problems (exit 2) or write the
//! reports (exit 0) — never panic (exit 101, "panicked" on stderr).

use crate::util::{copy_dir, root, scrisk, Run};

/// Runs `scrisk analyze --format both` on the example dataset with `file` replaced by `bytes`
/// (`file` need not exist in the example, e.g. `components.csv`).
fn analyze_with(file: &str, bytes: &[u8], extra: &[&str]) -> Run {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ds = tmp.path().join("ds");
    copy_dir(&root().join("tests/fixtures/example"), &ds);
    std::fs::write(ds.join(file), bytes).expect("write the input");
    let out = tmp.path().join("reports");
    let mut args: Vec<std::ffi::OsString> = vec![
        "analyze".into(),
        ds.into_os_string(),
        "--out".into(),
        out.into_os_string(),
        "--format".into(),
        "both".into(),
    ];
    args.extend(extra.iter().map(Into::into));
    scrisk(args)
}

/// The property the fuzz targets check, through the binary: exit 0 or 2, never a panic.
fn assert_no_panic(case: &str, file: &str, bytes: &[u8]) {
    for extra in [&[][..], &["--normalize-shares"][..]] {
        let run = analyze_with(file, bytes, extra);
        assert!(
            run.code == 0 || run.code == 2,
            "{case} ({file}, {extra:?}): exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "{case} ({file}, {extra:?}): {}",
            run.stderr
        );
        if run.code == 2 {
            assert!(
                run.stderr.contains("error: "),
                "{case} ({file}, {extra:?}): exit 2 without a problem:\n{}",
                run.stderr
            );
        }
    }
}

const SOURCING_HEADER: &str = "buyer_id,component,supplier_id,share,annual_value,inventory_days\n";
const FIRMS_HEADER: &str =
    "firm_id,name,country,region,group,kind,annual_output_value,recovery_days\n";

/// The example's sourcing table with `row` appended.
fn sourcing_plus(row: &[u8]) -> Vec<u8> {
    let mut v = std::fs::read(root().join("tests/fixtures/example/sourcing.csv")).expect("read");
    v.extend_from_slice(row);
    v
}

/// The example's firms table with `row` appended.
fn firms_plus(row: &[u8]) -> Vec<u8> {
    let mut v = std::fs::read(root().join("tests/fixtures/example/firms.csv")).expect("read");
    v.extend_from_slice(row);
    v
}

#[test]
fn odd_bytes_in_sourcing_never_panic() {
    let long = "x".repeat(10_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "NUL in a component",
            sourcing_plus(b"leap,ce\0ll,tsmc,1,,\n"),
        ),
        ("NUL as a whole file", b"\0".to_vec()),
        (
            "lone quote in a field",
            sourcing_plus(b"leap,\"cell,tsmc,1,,\n"),
        ),
        ("lone quote as the file", b"\"".to_vec()),
        (
            "quote inside an unquoted field",
            sourcing_plus(b"leap,ce\"ll,tsmc,1,,\n"),
        ),
        (
            "10,000-character component",
            sourcing_plus(format!("leap,{long},tsmc,1,,\n").as_bytes()),
        ),
        (
            "10,000-character header",
            format!("{}{long}\n", SOURCING_HEADER.trim_end()).into_bytes(),
        ),
        ("invalid UTF-8", sourcing_plus(b"leap,\xff\xfe,tsmc,1,,\n")),
        ("only a BOM", b"\xef\xbb\xbf".to_vec()),
        ("empty file", Vec::new()),
        (
            "CR only line ends",
            SOURCING_HEADER.replace('\n', "\r").into_bytes(),
        ),
        (
            "share 1e308 and -0",
            sourcing_plus(b"leap,z,tsmc,1e308,-0,-0\n"),
        ),
        (
            "share in hex and with underscores",
            sourcing_plus(b"leap,z,tsmc,0x1,1_0,\n"),
        ),
        (
            "control characters",
            sourcing_plus(b"leap,\x1b[31m\x07,tsmc,1,,\n"),
        ),
    ];
    for (case, bytes) in cases {
        assert_no_panic(case, "sourcing.csv", &bytes);
    }
}

#[test]
fn odd_bytes_in_firms_never_panic() {
    let long = "y".repeat(10_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("NUL in a name", firms_plus(b"nul,Na\0me,DE,,,,,\n")),
        ("NUL in an id", firms_plus(b"n\0ul,Name,DE,,,,,\n")),
        ("lone quote in a name", firms_plus(b"q,\"Name,DE,,,,,\n")),
        (
            "10,000-character name, region and group (valid)",
            firms_plus(format!("long,{long},DE,{long},{long},{long},1,1\n").as_bytes()),
        ),
        (
            "10,000-character id",
            firms_plus(format!("{long},Name,DE,,,,,\n").as_bytes()),
        ),
        (
            "markdown and mermaid syntax in names (valid)",
            firms_plus(b"md,\"a|b`c]d[e<br>{f}\"\"g\",DE,\"x\ny\",\"#;%\",,,\n"),
        ),
        ("header only", FIRMS_HEADER.as_bytes().to_vec()),
        ("NUL as a whole file", b"\0".to_vec()),
    ];
    for (case, bytes) in cases {
        assert_no_panic(case, "firms.csv", &bytes);
    }
}

#[test]
fn odd_bytes_in_components_never_panic() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("NUL", b"component,name\nce\0ll,x\n".to_vec()),
        ("lone quote", b"component,name\n\"cell,x\n".to_vec()),
        (
            "10,000-character name",
            format!("component,name\ncell,{}\n", "z".repeat(10_000)).into_bytes(),
        ),
    ];
    for (case, bytes) in cases {
        assert_no_panic(case, "components.csv", &bytes);
    }
}

#[test]
fn odd_bytes_in_scenarios_never_panic() {
    let long = "w".repeat(10_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("NUL byte", b"[[scenario]]\nname = \"a\0\"\ncuts = [\"firm:tsmc\"]\n".to_vec()),
        ("lone quote", b"\"".to_vec()),
        ("unterminated string", b"[[scenario]]\nname = \"a\ncuts = []\n".to_vec()),
        (
            "10,000-character name and description (valid)",
            format!("[[scenario]]\nname = \"{long}\"\ndescription = \"{long}\"\ncuts = [\"firm:tsmc\"]\n")
                .into_bytes(),
        ),
        (
            "10,000-character cut",
            format!("[[scenario]]\nname = \"a\"\ncuts = [\"firm:{long}\"]\n").into_bytes(),
        ),
        (
            "huge, negative and NaN durations",
            b"[[scenario]]\nname = \"a\"\ncuts = [\"firm:tsmc\"]\nduration_days = 1e308\n\n[[scenario]]\nname = \"b\"\ncuts = [\"firm:tsmc\"]\nduration_days = nan\n\n[[scenario]]\nname = \"c\"\ncuts = [\"firm:tsmc\"]\nduration_days = -inf\n"
                .to_vec(),
        ),
        (
            "tiny severity (valid)",
            b"[[scenario]]\nname = \"a\"\ncuts = [\"country:CN=5e-324\"]\n".to_vec(),
        ),
        ("invalid UTF-8", b"[[scenario]]\nname = \"\xff\"\n".to_vec()),
        ("only a BOM", b"\xef\xbb\xbf".to_vec()),
    ];
    for (case, bytes) in cases {
        assert_no_panic(case, "scenarios.toml", &bytes);
    }
}
