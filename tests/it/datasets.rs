//! The shipped datasets, analysed as the README's main command does (`scrisk analyze datasets/
//! --format both`), once with 1 thread and once with 4: the bytes must not depend on the thread
//! count; the markdown and the JSON must be the committed `reports/<dataset>.md` and `.json`
//! (their one golden copy). A generated network large enough to split the firm sweep across
//! threads gets the same 1-versus-4 comparison.

use crate::context::{files, read, root, subdirs, TestContext};

/// Every (1-based) line where `a` and `b` differ, up to a few, for a readable failure.
fn first_differences(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut out = Vec::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            out.push(format!(
                "line {}:\n  committed: {}\n  written:   {}",
                i + 1,
                x.unwrap_or(&"<none>"),
                y.unwrap_or(&"<none>")
            ));
            if out.len() == 5 {
                break;
            }
        }
    }
    out.join("\n")
}

#[test]
fn shipped_datasets_give_the_committed_reports_with_any_thread_count() {
    let ctx = TestContext::new();
    // Every sub-directory that holds a dataset (datasets/build holds the scripts that write them).
    let names: Vec<String> = subdirs(&root().join("datasets"))
        .iter()
        .filter(|d| d.join("firms.csv").exists())
        .map(|d| d.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert!(!names.is_empty());
    let run = |threads: usize| {
        let out = ctx.path(format!("threads-{threads}"));
        let run = ctx
            .analyze("datasets")
            .format_both()
            .arg("--no-progress")
            .out(&out)
            .threads(threads)
            .run();
        run.assert_ok();
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        out
    };
    let one = run(1);
    let four = run(4);

    // The same bytes for 1 and 4 threads: nothing rendered depends on scheduling.
    let written = files(&one);
    let want: Vec<String> = names
        .iter()
        .flat_map(|n| [format!("{n}.json"), format!("{n}.md")])
        .collect();
    assert_eq!(written, want);
    assert_eq!(files(&four), want);
    for f in &written {
        let a = std::fs::read(one.join(f)).expect("read");
        let b = std::fs::read(four.join(f)).expect("read");
        assert!(a == b, "{f} differs between 1 and 4 threads");
    }

    // The reports are the committed ones: reports/ holds exactly a markdown and a JSON report
    // per dataset, and each is what the binary writes. If this fails, run the README's main
    // command and commit the result (after reading the diff).
    let committed = root().join("reports");
    assert_eq!(files(&committed), want, "reports/ and datasets/ differ");
    for f in &want {
        let new = read(&one.join(f));
        let old = read(&committed.join(f));
        assert!(
            new == old,
            "reports/{f} is stale: run `cargo run --release -- analyze datasets/ --format both`\n{}",
            first_differences(&old, &new)
        );
    }
}

#[test]
fn a_generated_network_gives_the_same_bytes_with_1_and_4_threads() {
    // The shipped datasets (79 and 123 firms) hardly split the firm sweep across threads (it
    // hands out at least 64 firms per task); 2,000 firms split it into about 30 tasks, so 4
    // threads really do run it in a different order than 1.
    let ctx = TestContext::new();
    let net = ctx.path("net");
    ctx.command("generate")
        .arg(&net)
        .args(["--firms", "2000", "--seed", "7"])
        .run()
        .assert_ok();
    let reports = |threads: usize| {
        let run = ctx
            .analyze(&net)
            .format_both()
            .out(ctx.path(format!("threads-{threads}")))
            .threads(threads)
            .run();
        run.assert_ok();
        assert_eq!(run.written(), ["net.json", "net.md"]);
        (read(&run.report_path("json")), read(&run.report_path("md")))
    };
    let (json_1, md_1) = reports(1);
    let (json_4, md_4) = reports(4);
    assert!(json_1 == json_4, "net.json differs between 1 and 4 threads");
    assert!(md_1 == md_4, "net.md differs between 1 and 4 threads");
    // The firm sweep ran over every firm.
    let doc = crate::context::json(&json_1);
    assert_eq!(doc["sweep"]["firms"].as_array().map(Vec::len), Some(2000));
}

/// The rows of a shipped dataset's CSV file, as header-keyed maps.
fn csv_rows(dataset: &str, file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let path = root().join("datasets").join(dataset).join(file);
    let mut reader = csv::Reader::from_path(&path).expect("open");
    reader.deserialize().map(|r| r.expect("row")).collect()
}

/// The shipped scenarios point the right way: a cobalt, nickel or manganese cut never reaches an
/// automaker that buys only LFP cells (its `cell` suppliers are all LFP lines), and a trade-lane
/// cut out of China never reaches an end firm in China (a tariff does not stop sales inside the
/// exporting country), while it does reach some end firm abroad.
#[test]
fn shipped_scenarios_hit_only_what_they_should() {
    let ctx = TestContext::new();
    let out = ctx.path("out");
    ctx.analyze("datasets")
        .format_json()
        .arg("--no-progress")
        .out(&out)
        .run()
        .assert_ok();
    let mineral_cuts = [
        ("ev-battery-chain", "Congo (Kinshasa) cobalt disruption"),
        ("ev-battery-chain", "Indonesia nickel supply stop"),
        ("ev-battery-chain", "Chinese manganese sulfate stop"),
        ("leapmotor-jinhua", "Congo (Kinshasa) cobalt disruption"),
    ];
    let mut lfp_checks = 0;
    let mut lane_checks = 0;
    for dataset in ["ev-battery-chain", "leapmotor-jinhua"] {
        let firms = csv_rows(dataset, "firms.csv");
        let name_of = |id: &str| {
            let f = firms.iter().find(|f| f["firm_id"] == id).expect("firm");
            f["name"].clone()
        };
        let country_of = |id: &str| {
            let f = firms.iter().find(|f| f["firm_id"] == id).expect("firm");
            f["country"].clone()
        };
        let rows = csv_rows(dataset, "sourcing.csv");
        let lfp_only = |end: &str| {
            let cells: Vec<String> = rows
                .iter()
                .filter(|r| r["buyer_id"] == end && r["component"] == "cell")
                .map(|r| name_of(&r["supplier_id"]))
                .collect();
            !cells.is_empty()
                && cells
                    .iter()
                    .all(|n| n.contains("LFP") && !n.contains("NMC") && !n.contains("NCA"))
        };
        let doc = crate::context::json(&read(&out.join(format!("{dataset}.json"))));
        let scenarios = doc["scenarios"].as_array().expect("scenarios");
        let scenario = |name: &str| {
            scenarios
                .iter()
                .find(|s| s["name"] == name)
                .unwrap_or_else(|| panic!("{dataset}: no scenario {name:?}"))
        };
        let availability = |e: &serde_json::Value| e["availability"].as_f64().expect("a");
        // Shares that sum to 1 in decimal can sum to 1 - 2e-16 in binary.
        let untouched = |e: &serde_json::Value| availability(e) > 1.0 - 1e-9;
        for (_, name) in mineral_cuts.iter().filter(|(d, _)| *d == dataset) {
            for e in scenario(name)["end_firms"].as_array().expect("end firms") {
                let firm = e["firm"].as_str().expect("firm");
                if lfp_only(firm) {
                    assert!(untouched(e), "{dataset}: {name} hits {firm}");
                    lfp_checks += 1;
                }
            }
        }
        for s in scenarios {
            let cuts: Vec<&str> = s["cuts"]
                .as_array()
                .expect("cuts")
                .iter()
                .filter_map(|c| c.as_str())
                .collect();
            if cuts.is_empty() || !cuts.iter().all(|c| c.starts_with("lane:CN>")) {
                continue;
            }
            let ends = s["end_firms"].as_array().expect("end firms");
            for e in ends {
                let firm = e["firm"].as_str().expect("firm");
                if country_of(firm) == "CN" {
                    assert!(untouched(e), "{dataset}: {} hits {firm}", s["name"]);
                }
            }
            assert!(
                ends.iter().any(|e| availability(e) < 0.99),
                "{dataset}: {} hits nothing",
                s["name"]
            );
            lane_checks += 1;
        }
    }
    // BYD (two plants) and JAC buy only LFP cells (3 firms x 3 scenarios); ev has three
    // scenarios made only of lanes out of China, leap one (the kit lane).
    assert!(lfp_checks >= 9, "{lfp_checks} LFP checks");
    assert!(lane_checks >= 4, "{lane_checks} lane scenarios");
}
