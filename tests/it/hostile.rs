//! Hostile content: names, ids and metadata with table pipes, backticks, HTML, Markdown links,
//! line breaks, right-to-left overrides and very long strings. The markdown report must stay
//! well-formed (every table row has the header's number of cells), render nothing active, keep
//! the Mermaid diagram valid, and the JSON must keep every name exactly.

use crate::context::{files, TestContext};

const NASTY: &str = "Evil | Corp `rm -rf` <script>alert(1)</script> [click](javascript:alert(1)) *bold* _it_ $x$ ~~s~~ # h \u{202E}gnp.exe \\ \"quoted\"";

/// Unescaped `|` in a markdown table line.
fn cells(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

#[test]
fn hostile_names_cannot_break_or_activate_the_report() {
    let ctx = TestContext::new();
    let ds = ctx.path("evil");
    std::fs::create_dir_all(&ds).expect("dir");
    let long = "L".repeat(10_000);
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let firms = format!(
        "firm_id,name,country,region,group,annual_output_value\n\
         {evil_id},{nasty},CN,{nasty},{nasty},1000\n\
         mine,{long},CN,,,\n\
         oem,{multiline},DE,,,5000\n",
        evil_id = q("evil|id`<b>"),
        nasty = q(NASTY),
        long = long,
        multiline = q("line one\nline two | [x](y)"),
    );
    let sourcing = format!(
        "buyer_id,component,supplier_id,share,annual_value\n\
         {evil_id},{comp},mine,1,10\n\
         oem,{comp2},{evil_id},1,20\n",
        evil_id = q("evil|id`<b>"),
        comp = q("ore <img src=x onerror=alert(1)>"),
        comp2 = q("kit|`x`\n[a](b)"),
    );
    std::fs::write(ds.join("firms.csv"), firms).expect("firms");
    std::fs::write(ds.join("sourcing.csv"), sourcing).expect("sourcing");
    std::fs::write(
        ds.join("dataset.toml"),
        "title = \"<h1>Title</h1> | [x](javascript:y)\"\ndescription = \"line\\n# not a heading\"\nassumptions = [\"`code` <b>\"]\n\n[[sources]]\ntitle = \"S | <i>\"\nurl = \"https://example.org/a>b|c\\\"d\"\nstatus = \"R\"\n",
    )
    .expect("dataset.toml");
    std::fs::write(
        ds.join("scenarios.toml"),
        "[[scenario]]\nname = \"<script>| scenario\"\ndescription = \"`x` [y](z)\"\ncuts = [\"firm:mine=0.5\"]\n",
    )
    .expect("scenarios.toml");
    // An empty group selector is rejected as a cut that names nothing (not a selector that
    // matches no firm), as a usage error before the dataset is read; nothing is written.
    let run = ctx.analyze(&ds).format_both().cut("group:").run();
    run.assert_error().assert_stderr_contains(
        "error: invalid value 'group:' for '--cut <SELECTOR[=SEVERITY]>': \"group:\" names nothing to cut",
    );
    assert!(run.written().is_empty(), "{:?}", run.written());
    let run = ctx.analyze(&ds).format_both().run();
    run.assert_ok();
    let md = run.markdown();

    // Tables: every row has as many cells as its header.
    let mut header: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            match header {
                None => header = Some(n),
                Some(h) => assert_eq!(n, h, "broken table row: {line}"),
            }
        } else {
            header = None;
        }
    }
    // Nothing active: no raw HTML (only <https://...> autolinks), no link to javascript:,
    // no bidi override, no heading injected by a name.
    let mut in_fence = false;
    for line in md.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            // Mermaid: quoted labels only, no raw quotes or brackets inside them.
            let t = line.trim();
            if t.starts_with('n') {
                let ok_node = t.contains("[\"") || t.contains("([\"");
                let ok_edge = t.contains(" -->|\"");
                assert!(ok_node || ok_edge, "mermaid line: {t}");
                assert!(!t.contains('<') && !t.contains('`'), "mermaid line: {t}");
                assert_eq!(t.matches('"').count() % 2, 0, "mermaid line: {t}");
            }
            continue;
        }
        // The report's own folds: `<details><summary>…</summary>` on one line, `</details>`.
        let text = match line.strip_prefix("<details><summary>") {
            Some(rest) => rest
                .strip_suffix("</summary>")
                .expect("a summary on one line"),
            None if line == "</details>" => "",
            None => line,
        };
        for (i, _) in text.match_indices('<') {
            assert!(text[i..].starts_with("<https://"), "raw '<' in: {line}");
        }
        // A link needs an unescaped `]` right before `(`.
        for (i, _) in line.match_indices("](") {
            let escaped = line[..i].ends_with('\\');
            let ours = line[i..].starts_with("](../docs/")
                || line[i..].starts_with("](#where-output-is-made)");
            assert!(escaped || ours, "active link in: {line}");
        }
        assert!(
            !line.contains("# not a heading") || !line.starts_with('#'),
            "{line}"
        );
    }
    assert!(!md.contains('\u{202E}'), "bidi override kept");
    assert!(
        !md.contains(&long),
        "a 10,000-character name is cut in tables"
    );
    assert!(
        md.lines().all(|l| l.chars().count() < 3000),
        "a line is too long"
    );

    // The JSON keeps every name whole.
    let doc = run.json();
    let text = doc.to_string();
    assert!(text.contains("evil|id`<b>"));
    assert!(text.contains("kit|`x`\\n[a](b)"));
    assert!(doc["end_firms"].as_array().is_some_and(|e| !e.is_empty()));
}

#[test]
fn report_names_cannot_escape_the_output_directory() {
    let ctx = TestContext::new();
    // A dataset directory named ".." inside a directory of datasets is not possible, but "..x"
    // and names with dots are: the report lands inside --out.
    ctx.copy("tests/corpus/multi/beta", "all/..hidden");
    let run = ctx.analyze(ctx.path("all")).run();
    run.assert_ok();
    assert_eq!(run.written(), ["__hidden.md"]);
    // Nothing landed beside --out either.
    assert_eq!(files(ctx.temp()), ["all", "reports"]);
}
