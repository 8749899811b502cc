//! `scrisk init`, `scrisk check` and `scrisk diff`: each rule's deny/warn/allow, waivers that
//! expire on a fixed `--today`, exit codes computed from the findings, and the diff of two
//! reports. Expected findings are read off the worked example's numbers (tests/fixtures/example,
//! whose JSON is checked against MODEL.md's reference in `example.rs`).

use std::path::Path;

use serde_json::Value;

use crate::util::{json, root, scrisk};

/// Runs `scrisk check` on the example with `policy` (TOML text) and returns (exit code, the
/// findings as JSON).
fn check(policy: &str, today: &str) -> (i32, Vec<Value>) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("policy.toml");
    std::fs::write(&file, policy).expect("write policy");
    let run = scrisk([
        "check".as_ref(),
        "tests/fixtures/example".as_ref(),
        "--policy".as_ref(),
        file.as_os_str(),
        "--today".as_ref(),
        today.as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let doc = json(&run.stdout);
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
    (run.code, findings)
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
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("p.toml");
    std::fs::write(&file, "[chokepoint]\nlevel = \"forbid\"\n").expect("write");
    let run = scrisk([
        "check".as_ref(),
        "tests/fixtures/example".as_ref(),
        "--policy".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("p.toml line 2"), "{}", run.stderr);
    let run = scrisk(["check", "tests/fixtures/example", "--today", "2026-02-30"]);
    assert_eq!(run.code, 2);
    let run = scrisk([
        "check",
        "tests/fixtures/example",
        "--policy",
        "no/such.toml",
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn init_writes_a_template_that_check_accepts_and_never_overwrites() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("scrisk.toml");
    let run = scrisk(["init".as_ref(), file.as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("[chokepoint]") && text.contains("max_hhi = 1800"));
    let again = scrisk(["init".as_ref(), file.as_os_str()]);
    assert_eq!(again.code, 2);
    let run = scrisk([
        "check".as_ref(),
        "tests/fixtures/example".as_ref(),
        "--policy".as_ref(),
        file.as_os_str(),
        "--today".as_ref(),
        "2026-01-01".as_ref(),
    ]);
    assert_eq!(
        run.code, 1,
        "the example has chokepoints, denied by default"
    );
    insta::assert_snapshot!("check_example_default_policy", run.snapshot(&[]));
}

#[test]
fn shipped_datasets_under_the_shipped_policy() {
    let run = scrisk([
        "check",
        "datasets",
        "--policy",
        "scrisk.toml",
        "--today",
        "2026-11-29",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    insta::assert_snapshot!("check_shipped_datasets", run.snapshot(&[]));
}

fn analyze_json(dataset: &Path, cut: Option<&str>, out: &Path) -> std::path::PathBuf {
    let mut args: Vec<std::ffi::OsString> = vec![
        "analyze".into(),
        dataset.into(),
        "--format".into(),
        "json".into(),
        "--out".into(),
        out.into(),
    ];
    if let Some(c) = cut {
        args.push("--cut".into());
        args.push(c.into());
    }
    let run = scrisk(args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    out.join("example.json")
}

#[test]
fn diff_shows_what_changed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let old_ds = tmp.path().join("old").join("example");
    let new_ds = tmp.path().join("new").join("example");
    crate::util::copy_dir(&root().join("tests/fixtures/example"), &old_ds);
    crate::util::copy_dir(&root().join("tests/fixtures/example"), &new_ds);
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
    let old = analyze_json(&old_ds, None, &tmp.path().join("o1"));
    let new = analyze_json(&new_ds, None, &tmp.path().join("o2"));
    let run = scrisk(["diff".as_ref(), old.as_os_str(), new.as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("| new | tychy | cell |"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("diff_example", run.snapshot(&[]));
    let same = scrisk(["diff".as_ref(), old.as_os_str(), old.as_os_str()]);
    assert!(same.stdout.contains("No change"), "{}", same.stdout);
    let bad = scrisk(["diff".as_ref(), old.as_os_str(), "Cargo.toml".as_ref()]);
    assert_eq!(bad.code, 2);
}
