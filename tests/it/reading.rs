//! How the markdown report reads: a one-screen summary first (leading findings, the scenario ×
//! end-firm matrix, a five-line glossary); aggregates never named as a single firm;
//! other/unknown country codes never ranked; and, when sourcing rows cite sources, how much of
//! each leading finding rests on unverified ones.

use std::path::Path;

use crate::context::{read, root, TestContext};

/// The markdown report of `dataset`.
fn markdown(ctx: &TestContext, dataset: &Path, out: &str) -> String {
    let run = ctx.analyze(dataset).out(ctx.path(out)).run();
    run.assert_ok();
    run.markdown()
}

/// Replaces `from` with `to` in one of the dataset's files (exactly once).
fn edit(dataset: &Path, file: &str, from: &str, to: &str) {
    let path = dataset.join(file);
    let text = read(&path);
    assert_eq!(text.matches(from).count(), 1, "{from} in {file}");
    std::fs::write(path, text.replace(from, to)).expect("write");
}

/// The id in "The most critical single firm is Name (id) (CC)".
fn most_critical(md: &str) -> String {
    let line = md
        .lines()
        .find(|l| l.contains("The most critical single firm is "))
        .expect("a most critical firm");
    let before_country = &line[..line.find(") (").expect("name (id) (country)") + 1];
    let open = before_country.rfind('(').expect("(id)");
    before_country[open + 1..before_country.len() - 1].to_string()
}

#[test]
fn the_report_opens_with_a_one_screen_summary() {
    let ctx = TestContext::new();
    let ex = ctx.example("a/example");
    let md = markdown(&ctx, &ex, "out");
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(&headings[..2], ["## Summary", "## Key findings"]);
    let start = md.find("## Summary").expect("summary");
    let summary = &md[start..md.find("## Key findings").expect("findings")];
    assert!(summary.lines().count() < 45, "{summary}");
    // The leads, numbered; a row per scenario, costliest first, naming who is short for how
    // long and the stock that would cover it.
    assert!(summary.contains("\n1. **"), "{summary}");
    assert!(
        summary.contains("| # | scenario | outage (days) | lost output over the outage | hit hardest | stock that would cover it | short / covered |"),
        "{summary}"
    );
    let rows: Vec<&str> = summary.lines().filter(|l| l.starts_with("| S")).collect();
    assert_eq!(rows.len(), 3, "{summary}");
    assert!(
        rows.iter()
            .all(|r| r.contains(" short, ") || r.contains("| none")),
        "{rows:?}"
    );
    // The full matrix, a row per end firm and a legend of the scenarios, folded below it.
    let fold = summary
        .find("<details><summary>Lost output over the outage by scenario and end firm (2 end firms × 3 scenarios) (USD)</summary>")
        .expect("the folded matrix");
    let matrix = &summary[fold..summary.find("</details>").expect("its end")];
    assert!(matrix.contains("| end firm | S1 | S2 |"), "{matrix}");
    assert!(matrix.contains("\n| leap | ") && matrix.contains("\n| tychy | "));
    assert!(matrix.contains("S1 Graphite export restriction (90 days)"));
    // The glossary: five lines.
    let glossary: Vec<&str> = summary
        .lines()
        .filter(|l| l.starts_with("- **"))
        .map(|l| &l[4..l[4..].find("**").expect("term") + 4])
        .collect();
    assert_eq!(glossary, ["HHI", "Tier", "TTS / TTR", "N-1", "Chokepoint"]);
    // Every scenario's end firms get a verdict.
    assert!(md.contains("| end firm | verdict |"));
    assert!(md.contains("covered by stock") || md.contains("short for "));
}

#[test]
fn aggregates_are_no_single_firm_and_other_countries_are_not_ranked() {
    let ctx = TestContext::new();
    let ex = ctx.example("b/example");
    let before = markdown(&ctx, &ex, "before");
    let first = most_critical(&before);
    // Mark the most critical firm an aggregate and put the wheel-hub maker in ZZ.
    let firms = read(&ex.join("firms.csv"));
    let row = firms
        .lines()
        .find(|l| l.starts_with(&format!("{first},")))
        .expect("its row")
        .to_string();
    let cells: Vec<&str> = row.split(',').collect();
    let mut marked: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    marked[5] = "aggregate".into();
    edit(&ex, "firms.csv", &row, &marked.join(","));
    edit(
        &ex,
        "firms.csv",
        "hub-jh,Wheel hub maker (illustrative),CN",
        "hub-jh,Wheel hub maker (illustrative),ZZ",
    );
    let after = markdown(&ctx, &ex, "after");
    assert_ne!(
        most_critical(&after),
        first,
        "an aggregate is not a single firm"
    );
    assert!(after.contains(&format!("{first} (aggregate)")), "{after}");
    // ZZ is listed apart, never a row or a bar of the country ranking.
    let countries = &after[after.find("## Countries").expect("countries")..];
    let countries = &countries[..countries.find("## Regions").expect("regions")];
    assert!(!countries.contains("| ZZ |"), "{countries}");
    assert!(countries.contains("Not ranked: ZZ"), "{countries}");
    assert!(!countries.contains("\"ZZ\""), "{countries}");
}

#[test]
fn leads_say_how_much_rests_on_unverified_sources() {
    let ctx = TestContext::new();
    let ex = ctx.example("c/example");
    let without = markdown(&ctx, &ex, "without");
    assert!(!without.contains("cite an unverified source"));
    // Every sourcing row cites the unverified source.
    let text = read(&ex.join("sourcing.csv"));
    let cited: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { "source" } else { "guess" }))
        .collect();
    std::fs::write(ex.join("sourcing.csv"), cited).expect("write");
    let toml = read(&ex.join("dataset.toml"))
        + "\n[[sources]]\nid = \"guess\"\ntitle = \"An estimate\"\nstatus = \"R\"\n";
    std::fs::write(ex.join("dataset.toml"), toml).expect("write");
    let with = markdown(&ctx, &ex, "with");
    assert!(
        with.contains("Of the purchases on its supply paths, 100.0% cite an unverified source."),
        "{with}"
    );
    // The sources section counts the rows that cite it, and their value.
    assert!(
        with.contains("> 18 of 18 sourcing rows cite it, 100.0% of all purchase value;"),
        "{with}"
    );
    // Nothing else changes but those sentences (and the sources section that lists it).
    let strip = |md: &str| {
        md[..md.find("## Legend").expect("legend")]
            .lines()
            .map(|l| match l.find(" Of the purchases on its supply paths") {
                Some(i) => &l[..i],
                None => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&with), strip(&without));
}

#[test]
fn where_output_is_made_by_country() {
    let ctx = TestContext::new();
    let ex = ctx.example("d/example");
    let md = markdown(&ctx, &ex, "out");
    let start = md.find("## Where output is made").expect("the section");
    let section = &md[start..];
    let section = &section[..section[3..].find("\n## ").expect("next section") + 3];
    // By hand from the example: leap (CN) sells 2,000 m; tychy (PL) sells 500 m, of which the
    // 150 m of kits it buys from leap, an end firm, are made in CN: CN 2,150 m = 86.0%, PL
    // 350 m = 14.0%.
    assert!(
        section.contains("| CN | 1 | 2.15 bn | 86.0% |"),
        "{section}"
    );
    assert!(
        section.contains("| PL | 1 | 350.0 m | 14.0% |"),
        "{section}"
    );
    // Cells: catl-nd (CN) 600 m, catl-hu (HU) 75 m, lges-wr (PL) 75 m of 750 m; no capacities.
    assert!(
        section.contains("| cell | CN 80.0%, HU 10.0%, PL 10.0% | – |"),
        "{section}"
    );
    assert!(
        md.contains("- Where output is made: CN makes 86.0% of the end firms' output"),
        "{md}"
    );
    // Firms placed in ZZ are other/unknown: listed last, never named as a country.
    edit(
        &ex,
        "firms.csv",
        "tychy,Stellantis Tychy,PL",
        "tychy,Stellantis Tychy,ZZ",
    );
    edit(
        &ex,
        "firms.csv",
        "lges-wr,LG Energy Solution Wroclaw,PL",
        "lges-wr,LG Energy Solution Wroclaw,ZZ",
    );
    let md = markdown(&ctx, &ex, "zz");
    let start = md.find("## Where output is made").expect("the section");
    let section = &md[start..];
    let cn = section.find("| CN | 1 | 2.15 bn | 86.0% |").expect("CN");
    let zz = section
        .find("| ZZ (other/unknown) | 1 | 350.0 m | 14.0% |")
        .expect("ZZ");
    assert!(cn < zz, "{section}");
    assert!(
        section.contains("| cell | CN 80.0%, HU 10.0%, other/unknown 10.0% | – |"),
        "{section}"
    );
}

/// The committed reports (kept equal to what the shipped datasets give by the `datasets`
/// tests): their first screen says which event costs the most, whom it hits, for how long and
/// what would cover it, and stays narrow and short with 22 end firms.
#[test]
fn the_shipped_reports_first_screen_fits_and_answers() {
    for name in ["ev-battery-chain", "leapmotor-jinhua"] {
        let md = read(&root().join("reports").join(format!("{name}.md")));
        let start = md.find("## Summary").expect("summary");
        let summary = &md[start..md.find("## Key findings").expect("findings")];
        // The folded matrix is one line until opened.
        let open = summary.find("<details>").expect("the folded matrix");
        let close = summary.find("</details>").expect("its end");
        let screen = format!("{}{}", &summary[..open], &summary[close..]);
        assert!(screen.lines().count() <= 45, "{name}: {screen}");
        for row in screen.lines().filter(|l| l.starts_with('|')) {
            let columns = row.matches(" | ").count() + 1;
            assert!(columns <= 8, "{name}: {columns} columns: {row}");
        }
        // The first lead: what is lost, who is short for how long, what stock would cover it.
        let first = screen
            .lines()
            .find(|l| l.starts_with("1. **"))
            .expect("a first lead");
        assert!(first.contains(" lost"), "{name}: {first}");
        assert!(first.contains("short for "), "{name}: {first}");
        assert!(first.contains("more days of stock"), "{name}: {first}");
        // The scenario table's first row is the costliest scenario, the one the leads name first.
        let lead = screen
            .lines()
            .find(|l| l.contains("**Scenario \""))
            .expect("a scenario among the leads");
        let lead = &lead[lead.find("**Scenario \"").expect("name") + 12..];
        let lead = &lead[..lead.find('"').expect("its end")];
        let row = screen
            .lines()
            .find(|l| l.starts_with("| S"))
            .expect("a scenario row");
        assert!(
            row.contains(&format!(" | {lead} | ")),
            "{name}: {row} / {lead}"
        );
    }
}
