//! Edge cuts (`lane:FROM>TO`, `component:K`) through the binary: the `--cut` flag and
//! `scenarios.toml`, the JSON numbers against values worked out by hand, and the errors.

use serde_json::Value;

use crate::context::TestContext;

/// oem (US, output 1,000) buys cells 60% from a (CN, 10 days of stock) and 40% from b (DE, 20
/// days); a and b buy anode from m (CN, 5 and 8 days), which takes 90 days to recover.
const FIRMS: &str = "firm_id,name,country,annual_output_value,recovery_days
oem,OEM,US,1000,
a,Cell maker A,CN,,
b,Cell maker B,DE,,
m,Anode maker,CN,,90
";
const SOURCING: &str = "buyer_id,component,supplier_id,share,inventory_days
oem,cell,a,0.6,10
oem,cell,b,0.4,20
a,anode,m,1,5
b,anode,m,1,8
";
const SCENARIOS: &str = r#"[[scenario]]
name = "anode"
cuts = ["component:anode=0.5"]
duration_days = 14

[[scenario]]
name = "domestic and mine"
cuts = ["lane:cn>cn", "firm:m=0.5"]
"#;

/// The dataset above in `dir` of the context, with or without its scenarios.
fn dataset(ctx: &TestContext, dir: &str, scenarios: bool) -> std::path::PathBuf {
    ctx.write(format!("{dir}/firms.csv"), FIRMS);
    ctx.write(format!("{dir}/sourcing.csv"), SOURCING);
    if scenarios {
        ctx.write(format!("{dir}/scenarios.toml"), SCENARIOS);
    }
    ctx.path(dir)
}

/// The only end firm's figures under one scenario of the JSON report.
struct Oem {
    availability: f64,
    value_at_risk: f64,
    tts_days: Option<f64>,
    exposure_days: f64,
    time_weighted_loss: f64,
    /// The scenario's cuts as written.
    cuts: Vec<String>,
}

fn oem(scenario: &Value) -> Oem {
    let e = &scenario["end_firms"][0];
    assert_eq!(e["firm"], "oem");
    assert_eq!(scenario["end_firms"].as_array().map(Vec::len), Some(1));
    let f = |k: &str| e[k].as_f64().expect(k);
    Oem {
        availability: f("availability"),
        value_at_risk: f("value_at_risk"),
        tts_days: e["tts_days"].as_f64(),
        exposure_days: f("exposure_days"),
        time_weighted_loss: f("time_weighted_loss"),
        cuts: scenario["cuts"]
            .as_array()
            .expect("cuts")
            .iter()
            .map(|c| c.as_str().expect("text").to_string())
            .collect(),
    }
}

fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{got} != {want}"
    );
}

#[test]
fn a_lane_cut_on_the_command_line() {
    let ctx = TestContext::new();
    let dir = dataset(&ctx, "lanes", false);
    let run = ctx.analyze(&dir).format_both().cut("lane:CN>US=0.5").run();
    run.assert_ok();
    let json = run.json();
    let cli = &json["scenarios"][0];
    assert_eq!(cli["name"], "cli");
    let o = oem(cli);
    // Only oem <- a is on the lane: a(oem) = 0.6 * 0.5 * 1 + 0.4 * 1 = 0.7; VaR 0.3 * 1,000.
    close(o.availability, 0.7);
    close(o.value_at_risk, 300.0);
    // The path starts at the cut row: 10 days. No firm cut, no duration: TTR = default 30.
    assert_eq!(o.tts_days, Some(10.0));
    assert_eq!(o.exposure_days, 20.0);
    // 0.3 * 20 / 365 * 1,000.
    close(o.time_weighted_loss, 6000.0 / 365.0);
    assert_eq!(o.cuts, ["lane:CN>US=0.5"]);
    let md = run.markdown();
    assert!(
        md.contains("Cuts: `lane:CN>US=0.5`; time to recover 30 days"),
        "{md}"
    );
    assert!(
        md.contains("The edge cuts reduce deliveries on 1 sourcing row;"),
        "{md}"
    );

    // whatif answers the same on stdout.
    let run = ctx.whatif(&dir).cut("lane:cn>us=0.5").run();
    run.assert_ok()
        // Lost output over the outage (6000 / 365) first, the annual 300 last.
        .assert_stdout_contains("| oem | short for 20 days | 16.44 | 10 | 30.0% | 70.0% | 300.00 |")
        .assert_stdout_contains("1 sourcing row");
}

#[test]
fn edge_cuts_in_scenarios_toml() {
    let ctx = TestContext::new();
    let dir = dataset(&ctx, "lanes", true);
    let run = ctx.analyze(&dir).format_json().run();
    run.assert_ok();
    let json = run.json();
    // "anode": both anode rows at half: a = b = 0.5, so oem = 0.6 * 0.5 + 0.4 * 0.5 = 0.5.
    // TTS from the cut rows: min(5 + 10, 8 + 20) = 15, over the 14-day duration: no exposure.
    let o = oem(&json["scenarios"][0]);
    close(o.availability, 0.5);
    close(o.value_at_risk, 500.0);
    assert_eq!(
        (o.tts_days, o.exposure_days, o.time_weighted_loss),
        (Some(15.0), 0.0, 0.0)
    );
    assert_eq!(o.cuts, ["component:anode=0.5"]);
    // "domestic and mine": the CN>CN lane stops m -> a (a = 0); m at half gives b = 0.5; so
    // oem = 0.6 * 0 + 0.4 * 0.5 = 0.2. TTS: min over m (0 + 5 + 10, 0 + 8 + 20) and the cut row
    // (5 + 10) = 15; TTR = m's 90 days (a firm cut), so 75 exposure days and
    // 0.8 * 75 / 365 * 1,000 time-weighted.
    let o = oem(&json["scenarios"][1]);
    close(o.availability, 0.2);
    close(o.value_at_risk, 800.0);
    assert_eq!((o.tts_days, o.exposure_days), (Some(15.0), 75.0));
    close(o.time_weighted_loss, 60_000.0 / 365.0);
    assert_eq!(o.cuts, ["lane:cn>cn", "firm:m=0.5"]);
}

#[test]
fn an_edge_cut_matching_no_row_is_an_error() {
    let ctx = TestContext::new();
    let dir = dataset(&ctx, "lanes", false);
    let run = ctx.analyze(&dir).cut("lane:US>CN").run();
    run.assert_error()
        .assert_stderr_contains("error: --cut lane:US>CN: \"lane:US>CN\" matches no sourcing row")
        .assert_stderr_contains("hint: no firm in US supplies another firm");
    assert!(run.written().is_empty());
    ctx.whatif(&dir)
        .cut("component:Cell")
        .run()
        .assert_error()
        .assert_stderr_contains("hint: did you mean component:cell?");
    // In scenarios.toml: file, line and column, and nothing written.
    ctx.write(
        "lanes/scenarios.toml",
        "[[scenario]]\nname = \"typo\"\ncuts = [\"lane:CN>JP\"]\n",
    );
    let run = ctx.analyze(&dir).run();
    run.assert_error()
        .assert_stderr_contains("scenarios.toml line 3, column cuts: scenario \"typo\": \"lane:CN>JP\" matches no sourcing row")
        .assert_stderr_contains("hint: no firm is in JP");
    assert!(run.written().is_empty());
}

#[test]
fn a_malformed_lane_is_reported_once_before_loading() {
    let ctx = TestContext::new();
    for (cut, message) in [
        ("lane:CN", "has no > between two countries"),
        ("lane:CN>", "needs a country code on each side of >"),
        (
            "lane:CN>UK",
            "\"UK\" in \"lane:CN>UK\" is not an ISO 3166-1 alpha-2 code",
        ),
    ] {
        let run = ctx.analyze("datasets").arg("no/such/dir").cut(cut).run();
        run.assert_error();
        assert_eq!(run.stderr.matches(message).count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("no/such/dir"), "{}", run.stderr);
    }
}
