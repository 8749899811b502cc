//! The capacity model (MODEL.md §8) through the binary: the multi-tier worked example as a
//! dataset, its JSON additions against the numbers worked out by hand, the markdown section
//! that leads, the flag and `dataset.toml` switch, `whatif`, and thread-count independence.

use serde_json::Value;

use crate::context::TestContext;

/// The multi-tier example of §8 (b): E sells 100 a day and needs one k1 (A 70, B 30 a day) and
/// one k2 (C 100 a day) per unit; A and B need one m from M per k1. Capacities A 80, B 40,
/// C 120, M 200 a day; E holds 50 k1 and 100 k2. Every firm recovers in 5 days.
const FIRMS: &str = "firm_id,name,country,annual_output_value,recovery_days,capacity_value
e,Maker E,DE,36500,5,
a,Supplier A,CN,,5,29200
b,Supplier B,PL,,5,14600
c,Supplier C,CN,,5,43800
m,Supplier M,CN,,5,73000
";
const SOURCING: &str = "buyer_id,component,supplier_id,share,annual_value,inventory_days
e,k1,a,0.7,25550,0.7142857142857143
e,k1,b,0.3,10950,0
e,k2,c,1,36500,1
a,m,m,1,25550,0
b,m,m,1,10950,0
";
const SCENARIOS: &str = r#"[[scenario]]
name = "Lose M"
cuts = ["firm:m"]

[[scenario]]
name = "China to Germany at half"
cuts = ["lane:CN>DE=0.5"]
duration_days = 5
"#;

fn dataset(ctx: &TestContext, dir: &str, toml: Option<&str>) -> std::path::PathBuf {
    ctx.write(format!("{dir}/firms.csv"), FIRMS);
    ctx.write(format!("{dir}/sourcing.csv"), SOURCING);
    ctx.write(format!("{dir}/scenarios.toml"), SCENARIOS);
    if let Some(t) = toml {
        ctx.write(format!("{dir}/dataset.toml"), t);
    }
    ctx.path(dir)
}

fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-7 * want.abs().max(1.0),
        "{got} != {want}"
    );
}

fn num(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"))
}

#[test]
fn the_worked_example_through_the_json_report() {
    let ctx = TestContext::new();
    let dir = dataset(&ctx, "tiers", None);
    let run = ctx.analyze(&dir).format_both().arg("--capacity").run();
    run.assert_ok();
    let json = run.json();
    let sweep = json["sweep"]["capacity_firms"].as_array().expect("list");
    let got: Vec<(&str, f64)> = sweep
        .iter()
        .map(|e| (e["key"].as_str().expect("key"), num(e, "lost_value")))
        .collect();
    let keys: Vec<&str> = got.iter().map(|g| g.0).collect();
    assert_eq!(keys, ["m", "c", "a", "b", "e"]);
    for ((_, lost), want) in got.iter().zip([450.0, 400.0, 250.0, 50.0, 0.0]) {
        close(*lost, want);
    }
    close(num(&sweep[0], "tts_days"), 0.5);
    close(num(&sweep[0], "exposure_days"), 4.5);
    close(num(&sweep[2], "tts_days"), 5.0 / 6.0);
    close(num(&sweep[2], "risk_exposure_index"), 250.0 / 450.0);
    assert!(sweep[4]["tts_days"].is_null());
    assert_eq!(num(&sweep[4], "exposure_days"), 0.0);

    // Scenario "Lose M": TTR is M's 5 recovery days; the same numbers as M's sweep entry.
    let cap = &json["scenarios"][0]["capacity"];
    close(num(cap, "lost_value"), 450.0);
    close(num(cap, "tts_days"), 0.5);
    close(num(cap, "exposure_days"), 4.5);
    // The CN>DE lane at half: A and C deliver at most half their normal flow (35 and 50 a day).
    // k1: 35 + B's 40 = 75 a day + 50 of stock; k2: 50 a day + 100 of stock. Over 5 days E can
    // make min(425, 350) = 350 of 500: 150 lost. TTS: k2 runs short when 100 T = 50 T + 100.
    let cap = &json["scenarios"][1]["capacity"];
    close(num(cap, "lost_value"), 150.0);
    close(num(cap, "tts_days"), 2.0);
    close(num(cap, "exposure_days"), 3.0);

    let md = run.markdown();
    let lead = md
        .find("## Lost output over the event, with substitution")
        .expect("capacity section");
    let rest = md
        .find("## Scenarios without substitution")
        .expect("section 5 follows");
    assert!(lead < rest, "the capacity results lead");
    assert!(
        md.contains("| m | 5 | 450.00 | 0.5 | 4.5 | 1.000 |"),
        "{md}"
    );
    assert!(md.contains("| m | 450.00 | 4.5 |"), "{md}");
    assert!(md.contains("| c | 400.00 | 4 |"), "{md}");
}

#[test]
fn the_model_is_off_without_the_flag_and_on_with_dataset_toml() {
    let ctx = TestContext::new();
    let dir = dataset(&ctx, "off", None);
    let run = ctx.analyze(&dir).format_both().run();
    run.assert_ok();
    let json = run.json();
    assert!(json["sweep"].get("capacity_firms").is_none());
    assert!(json["scenarios"][0].get("capacity").is_none());
    assert!(!run.markdown().contains("with substitution"));

    let dir = dataset(&ctx, "on", Some("[analysis]\ncapacity = true\n"));
    let run = ctx
        .analyze(&dir)
        .format_json()
        .out(ctx.path("on-reports"))
        .run();
    run.assert_ok();
    let json = run.json();
    assert_eq!(
        json["sweep"]["capacity_firms"].as_array().map(Vec::len),
        Some(5)
    );
}

#[test]
fn whatif_answers_with_substitution() {
    let ctx = TestContext::new();
    let dir = dataset(&ctx, "w", None);
    ctx.whatif(&dir)
        .arg("--capacity")
        .cut("firm:a")
        .run()
        .assert_ok()
        .assert_stdout_contains("lost output over the 5-day outage 250.00")
        .assert_stdout_contains("the first end firm runs short after 0.8 days (4.2 days short)");
}

#[test]
fn the_capacity_sweep_is_the_same_on_one_thread_and_two() {
    let ctx = TestContext::new();
    ctx.scrisk()
        .arg("generate")
        .arg(ctx.path("gen"))
        .args(["--firms", "300", "--seed", "7", "--capacity"])
        .run()
        .assert_ok();
    let one = ctx
        .analyze(ctx.path("gen"))
        .format_json()
        .threads(1)
        .out(ctx.path("one"))
        .run();
    one.assert_ok();
    let two = ctx
        .analyze(ctx.path("gen"))
        .format_json()
        .threads(2)
        .out(ctx.path("two"))
        .run();
    two.assert_ok();
    let a = std::fs::read(ctx.path("one/gen.json")).expect("report");
    let b = std::fs::read(ctx.path("two/gen.json")).expect("report");
    assert!(a == b, "the reports differ between thread counts");
    let json: Value = serde_json::from_slice(&a).expect("json");
    let firms = json["sweep"]["capacity_firms"].as_array().expect("sweep");
    assert!(!firms.is_empty());
    assert!(firms.iter().any(|e| num(e, "lost_value") > 0.0));
}
