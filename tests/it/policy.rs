//! `scrisk init`, `scrisk check` and `scrisk diff`: each rule's deny/warn/allow, waivers that
//! expire on a fixed `--today`, exit codes computed from the findings, and the diff of two
//! reports. Expected findings are read off the worked example's numbers (tests/fixtures/example,
//! whose JSON is checked against MODEL.md's reference in `example.rs`).

use serde_json::Value;

use crate::context::{scrisk_snapshot, TestContext, EXAMPLE};

/// Runs `scrisk check` on the example with `policy` (TOML text) and returns (exit code, the
/// findings as JSON).
fn check(policy: &str, today: &str) -> (i32, Vec<Value>) {
    let ctx = TestContext::new();
    let file = ctx.write("policy.toml", policy);
    let run = ctx
        .check(EXAMPLE)
        .policy(file)
        .today(today)
        .format_json()
        .run();
    assert!(run.status == 0 || run.status == 1, "{}", run.snapshot());
    let doc = run.stdout_json();
    let mut findings = doc["datasets"][0]["findings"]
        .as_array()
        .expect("findings")
        .clone();
    findings.extend(
        doc["policy"]
            .as_array()
            .expect("policy findings")
            .iter()
            .cloned(),
    );
    (run.status, findings)
}

/// Every rule off; `extra` switches some on.
fn only(extra: &str) -> String {
    format!(
        "[concentration]\nlevel = \"allow\"\n[third-country]\nlevel = \"allow\"\n[single-source]\nlevel = \"allow\"\n\
         [chokepoint]\nlevel = \"allow\"\n[time-to-survive]\nlevel = \"allow\"\n[scenario-loss]\nlevel = \"allow\"\n{extra}"
    )
    .replace(&format!("[{}]\nlevel = \"allow\"\n", section(extra)), "")
}

fn section(extra: &str) -> &str {
    extra
        .lines()
        .next()
        .and_then(|l| l.strip_prefix('['))
        .and_then(|l| l.strip_suffix(']'))
        .unwrap_or("")
}

fn subjects(findings: &[Value], code: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["subject"].as_str().expect("subject").to_string())
        .collect()
}

#[test]
fn everything_allowed_finds_nothing_and_passes() {
    let (code, findings) = check(&only(""), "2026-01-01");
    assert_eq!(code, 0);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn concentration_above_the_threshold() {
    // Supplier HHIs of the example: pack, kit, cockpit-soc, wafer, coated-spheres 10,000;
    // flake-graphite 7,450; cell 6,600; wheel-hub 5,200; anode 5,000.
    let (code, findings) = check(
        &only("[concentration]\nlevel = \"deny\"\nmax_hhi = 6000\n"),
        "2026-01-01",
    );
    assert_eq!(code, 1);
    let mut got = subjects(&findings, "concentration");
    got.sort();
    assert_eq!(
        got,
        [
            "cell",
            "coated-spheres",
            "cockpit-soc",
            "flake-graphite",
            "kit",
            "pack",
            "wafer"
        ]
    );
    let (code, findings) = check(
        &only("[concentration]\nlevel = \"warn\"\nmax_hhi = 7450\n"),
        "2026-01-01",
    );
    assert_eq!(code, 0, "warnings do not fail");
    assert_eq!(subjects(&findings, "concentration").len(), 5);
    // By country: wheel-hub and anode are all Chinese (10,000), cell 6,800 (80/20 CN/HU).
    let (_, findings) = check(
        &only("[concentration]\nlevel = \"warn\"\nby = [\"country\"]\nmax_hhi = 9999\n"),
        "2026-01-01",
    );
    let got = subjects(&findings, "concentration");
    assert!(
        got.contains(&"wheel-hub".to_string()) && !got.contains(&"cell".to_string()),
        "{got:?}"
    );
}

#[test]
fn a_third_country_above_its_share() {
    let (_, findings) = check(
        &only("[third-country]\nlevel = \"warn\"\nmax_share = 0.9\nown_countries = [\"CN\"]\n"),
        "2026-01-01",
    );
    let mut got = subjects(&findings, "third-country");
    got.sort();
    assert_eq!(got, ["cockpit-soc/US", "wafer/TW"]);
    // Without own countries, every component above 90% from one country: all but cell (80% CN).
    let (_, findings) = check(
        &only("[third-country]\nlevel = \"warn\"\nmax_share = 0.9\nown_countries = []\n"),
        "2026-01-01",
    );
    assert_eq!(subjects(&findings, "third-country").len(), 8);
}

#[test]
fn single_source_pairs_above_a_value() {
    // Single-source pairs worth more than 100 m: leap/cell (600 m) and tychy/kit (150 m).
    let (code, findings) = check(
        &only("[single-source]\nlevel = \"deny\"\nmin_value = 1e8\n"),
        "2026-01-01",
    );
    assert_eq!(code, 1);
    assert_eq!(
        subjects(&findings, "single-source"),
        ["leap/cell", "tychy/kit"]
    );
    let rows = &findings[0]["rows"];
    assert_eq!(rows, &serde_json::json!(["sourcing row 2"]), "{findings:?}");
}

#[test]
fn chokepoints_and_waivers_that_expire() {
    let policy = "[chokepoint]\nlevel = \"deny\"\n\n[[waiver]]\ncode = \"chokepoint\"\nsubject = \"tsmc\"\nreason = \"second foundry qualified in 2026\"\nuntil = \"2026-06-30\"\n\n[[waiver]]\nsubject = \"no-such-firm\"\nreason = \"stale\"\nuntil = \"2030-01-01\"\n";
    let (code, findings) = check(&only(policy), "2026-06-30");
    assert_eq!(code, 1, "other chokepoints still deny");
    let mut got = subjects(&findings, "chokepoint");
    got.sort();
    assert_eq!(
        got,
        ["anode-b", "catl-nd", "graphite", "leap", "qcom", "tsmc"]
    );
    let tsmc = findings
        .iter()
        .find(|f| f["subject"] == "tsmc")
        .expect("tsmc");
    assert!(tsmc["waived"]
        .as_str()
        .is_some_and(|w| w.contains("until 2026-06-30")));
    assert_eq!(subjects(&findings, "waiver-unused"), ["no-such-firm"]);
    assert!(subjects(&findings, "waiver-expired").is_empty());

    // The day after, the waiver stops waiving and says so.
    let (_, findings) = check(&only(policy), "2026-07-01");
    let tsmc = findings
        .iter()
        .find(|f| f["subject"] == "tsmc" && f["code"] == "chokepoint")
        .expect("tsmc");
    assert!(tsmc["waived"].is_null());
    assert_eq!(subjects(&findings, "waiver-expired"), ["tsmc"]);
}

#[test]
fn time_to_survive_shorter_than_time_to_recover() {
    let (_, findings) = check(&only("[time-to-survive]\nlevel = \"warn\"\n"), "2026-01-01");
    let got = subjects(&findings, "time-to-survive");
    assert!(!got.is_empty());
    for f in findings.iter().filter(|f| f["code"] == "time-to-survive") {
        let m = f["message"].as_str().expect("message");
        assert!(
            m.contains("days to recover, but stock runs out first"),
            "{m}"
        );
    }
}

#[test]
fn scenario_value_at_risk_above_a_limit() {
    // Totals: graphite 1.25 bn, Zhejiang 2.00 bn, Taiwan 2.50 bn of 2.50 bn output.
    let (_, findings) = check(
        &only("[scenario-loss]\nlevel = \"deny\"\nmax_value_at_risk = 1.5e9\n"),
        "2026-01-01",
    );
    assert_eq!(
        subjects(&findings, "scenario-loss"),
        ["Zhejiang lockdown", "Taiwan strait"]
    );
    let (code, findings) = check(
        &only("[scenario-loss]\nlevel = \"deny\"\nmax_share_of_output = 0.9\n"),
        "2026-01-01",
    );
    assert_eq!(subjects(&findings, "scenario-loss"), ["Taiwan strait"]);
    assert_eq!(code, 1);
}

#[test]
fn bad_policies_and_dates_are_errors() {
    let ctx = TestContext::new();
    let file = ctx.write("p.toml", "[chokepoint]\nlevel = \"forbid\"\n");
    scrisk_snapshot!(ctx.check(EXAMPLE).policy(file), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: [TEMP]/p.toml line 2: not valid: unknown variant `forbid`, expected one of `allow`, `warn`, `deny`
      hint: `scrisk init` writes a commented template with every key
    "#)
    .assert_error();
    scrisk_snapshot!(ctx.check(EXAMPLE).today("2026-02-30"), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: invalid value '2026-02-30' for '--today <DATE>': expected a calendar date written YYYY-MM-DD

    For more information, try '--help'.
    "#)
    .assert_error();
    // The rest of the message is the operating system's.
    ctx.check(EXAMPLE)
        .policy("no/such.toml")
        .run()
        .assert_error()
        .assert_stderr_contains("error: no/such.toml: cannot read: ");
}

#[test]
fn init_writes_a_template_that_check_accepts_and_never_overwrites() {
    let ctx = TestContext::new();
    let file = ctx.path("scrisk.toml");
    ctx.init(&file).run().assert_ok();
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("[chokepoint]") && text.contains("max_hhi = 1800"));
    scrisk_snapshot!(ctx.init(&file), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: [TEMP]/scrisk.toml: already exists
      hint: pass --force to overwrite it
    "#)
    .assert_error();
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), text);
    // The example has chokepoints, denied by default: exit 1.
    scrisk_snapshot!(
        "check_example_default_policy",
        ctx.check(EXAMPLE).policy(&file)
    )
    .assert_status(1);
}

#[test]
fn shipped_datasets_under_the_shipped_policy() {
    let ctx = TestContext::new();
    let run = scrisk_snapshot!(
        "check_shipped_datasets",
        ctx.check("datasets")
            .policy("scrisk.toml")
            .today("2026-11-29")
    );
    assert!(run.status == 0 || run.status == 1, "{}", run.snapshot());
}

#[test]
fn diff_shows_what_changed() {
    let ctx = TestContext::new();
    let old_ds = ctx.example("old/example");
    let new_ds = ctx.example("new/example");
    // The new data: Tychy's cells now come from LGES Wroclaw only (CATL Debrecen dropped).
    let sourcing = std::fs::read_to_string(new_ds.join("sourcing.csv")).expect("read");
    let changed: Vec<String> = sourcing
        .lines()
        .filter(|l| !l.starts_with("tychy,cell,catl-hu"))
        .map(|l| {
            if l.starts_with("tychy,cell,lges-wr") {
                l.replacen(",0.5,", ",1,", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(new_ds.join("sourcing.csv"), changed.join("\n") + "\n").expect("write");
    let json_report = |dataset: &std::path::Path, out: &str| {
        let run = ctx.analyze(dataset).format_json().out(ctx.path(out)).run();
        run.assert_ok();
        run.report_path("json")
    };
    let old = json_report(&old_ds, "o1");
    let new = json_report(&new_ds, "o2");
    scrisk_snapshot!("diff_example", ctx.diff(&old, new))
        .assert_ok()
        .assert_stdout_contains("| new | tychy | cell |");
    ctx.diff(&old, &old)
        .run()
        .assert_ok()
        .assert_stdout_contains("No change");
    scrisk_snapshot!(ctx.diff(&old, "Cargo.toml"), @r#"
    exit: 2
    --- stdout
    --- stderr
    error: Cargo.toml line 1: is not valid JSON: expected value at line 1 column 2
    "#)
    .assert_error();
}
