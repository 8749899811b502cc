//! `scrisk check --format sarif`: the log is valid against the OASIS SARIF 2.1.0 schema
//! (`tests/fixtures/sarif/`), names every policy code as a rule, locates each finding at the
//! line of the file that holds its data, never writes an absolute path, is the same bytes on
//! every run, and leaves the exit codes as they are.

use std::path::Path;

use serde_json::Value;

use crate::context::{json, read, root, scrisk_snapshot, TestContext, EXAMPLE};
use crate::formats::csv_to_parquet;
use crate::json_schema::Schema;

/// The SARIF 2.1.0 schema shipped as a fixture.
fn schema() -> Schema {
    Schema::new(json(&read(
        &root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"),
    )))
}

#[track_caller]
fn assert_valid(doc: &Value) {
    let errors = schema().validate(doc);
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
}

/// A small policy on the worked example: single sources worth more than 100 m denied (leap/cell
/// fails, tychy/kit is waived), time to survive and the Taiwan scenario warned, a stale waiver.
const POLICY: &str = r#"[concentration]
level = "allow"
[third-country]
level = "allow"
[single-source]
level = "deny"
min_value = 1e8
[chokepoint]
level = "allow"
[time-to-survive]
level = "warn"
[scenario-loss]
level = "warn"
max_share_of_output = 0.9

[[waiver]]
code = "single-source"
subject = "tychy/kit"
reason = "single source by design"
until = "2026-06-30"

[[waiver]]
subject = "no-such-firm"
reason = "stale"
until = "2030-01-01"
"#;

/// The built-in defaults (no waivers), without the note that no policy file was given.
const DEFAULTS: &str = "";

/// Every rule off.
const NOTHING: &str = "[concentration]\nlevel = \"allow\"\n[third-country]\nlevel = \"allow\"\n\
    [single-source]\nlevel = \"allow\"\n[chokepoint]\nlevel = \"allow\"\n\
    [time-to-survive]\nlevel = \"allow\"\n[scenario-loss]\nlevel = \"allow\"\n";

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().expect("results")
}

/// Every location of a result: the primary one, then the related ones.
fn locations(r: &Value) -> Vec<Value> {
    let at = |key: &str| r[key].as_array().cloned().unwrap_or_default();
    [at("locations"), at("relatedLocations")].concat()
}

/// Every `artifactLocation` of every result.
fn artifacts(doc: &Value) -> Vec<Value> {
    results(doc)
        .iter()
        .flat_map(locations)
        .map(|l| l["physicalLocation"]["artifactLocation"].clone())
        .collect()
}

/// The worked example checked under [`POLICY`] as SARIF: the context (which owns the files),
/// the policy file and the document.
fn example_sarif() -> (TestContext, std::path::PathBuf, Value) {
    let ctx = TestContext::new();
    let policy = ctx.write("policy.toml", POLICY);
    let doc = ctx
        .check(EXAMPLE)
        .policy(&policy)
        .format("sarif")
        .run()
        .stdout_json();
    (ctx, policy, doc)
}

#[test]
fn a_small_policy_as_sarif() {
    let ctx = TestContext::new();
    let policy = ctx.write("policy.toml", POLICY);
    let run = scrisk_snapshot!(
        "check_sarif_example",
        ctx.check(EXAMPLE).policy(&policy).format("sarif")
    );
    run.assert_status(1);
    let doc = run.stdout_json();
    assert_valid(&doc);
    let levels: Vec<(&str, &str)> = results(&doc)
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().expect("ruleId"),
                r["level"].as_str().expect("level"),
            )
        })
        .collect();
    assert_eq!(levels[0], ("single-source", "error"), "leap/cell fails");
    assert_eq!(levels[1], ("single-source", "note"), "tychy/kit is waived");
    assert!(levels.contains(&("time-to-survive", "warning")));
    assert!(levels.contains(&("scenario-loss", "warning")));
    assert_eq!(levels.last(), Some(&("waiver-unused", "warning")));
    // The waived finding carries its waiver.
    let waived = &results(&doc)[1];
    assert_eq!(waived["suppressions"][0]["kind"], "external");
    assert_eq!(
        waived["suppressions"][0]["justification"],
        "single source by design (until 2026-06-30)"
    );
    assert_eq!(waived["properties"]["policyLevel"], "deny");
}

#[test]
fn every_code_is_a_rule_and_results_point_at_theirs() {
    let (_ctx, _policy, doc) = example_sarif();
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "scrisk");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "concentration",
            "third-country",
            "single-source",
            "chokepoint",
            "time-to-survive",
            "scenario-loss",
            "waiver-expired",
            "waiver-unused"
        ]
    );
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                r[key]["text"].as_str().is_some_and(|t| t.len() > 20),
                "{key} of {r}"
            );
        }
    }
    // Defaults are the default policy's: chokepoints deny, single sources warn.
    assert_eq!(rules[3]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[2]["defaultConfiguration"]["level"], "warning");
    for r in results(&doc) {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "{r}");
    }
}

/// The line `n` (1-based) of a file.
fn line(file: &Path, n: u64) -> String {
    read(file)
        .lines()
        .nth(n as usize - 1)
        .unwrap_or_else(|| panic!("{} has no line {n}", file.display()))
        .to_string()
}

/// Checks that the line of every location of every result holds the finding's data: its
/// sourcing row names the component (concentration, third-country), the buyer and component
/// (single-source) or the supplier (chokepoint); its firms row the firm; the scenario and
/// waiver locations the start of their tables.
fn assert_located_at_their_rows(doc: &Value, policy_file: &Path) {
    let mut checked = 0;
    for r in results(doc) {
        let code = r["ruleId"].as_str().expect("ruleId");
        let subject = r["properties"]["subject"].as_str().expect("subject");
        let all = locations(r);
        assert!(!all.is_empty(), "{r}");
        for l in all {
            let artifact = &l["physicalLocation"]["artifactLocation"];
            let uri = artifact["uri"].as_str().expect("uri");
            let file = if artifact["uriBaseId"] == "POLICYROOT" {
                policy_file.to_path_buf()
            } else {
                assert!(artifact["uriBaseId"].is_null(), "{artifact}");
                root().join(uri)
            };
            let n = l["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .expect("a line in a CSV or TOML file");
            let text = line(&file, n);
            let cells: Vec<&str> = text.split(',').collect();
            let ok = match code {
                "concentration" => cells[1] == subject,
                "third-country" => subject.starts_with(&format!("{}/", cells[1])),
                "single-source" => format!("{}/{}", cells[0], cells[1]) == subject,
                "chokepoint" => cells[2] == subject,
                "time-to-survive" => cells[0] == subject,
                "scenario-loss" => {
                    text == "[[scenario]]" && line(&file, n + 1) == format!("name = {subject:?}")
                }
                "waiver-expired" | "waiver-unused" => text == "[[waiver]]",
                other => panic!("unexpected rule {other}"),
            };
            assert!(ok, "{code} {subject}: {uri} line {n} is {text:?}");
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn findings_are_located_at_the_rows_behind_them() {
    let (ctx, policy, doc) = example_sarif();
    assert_located_at_their_rows(&doc, &policy);
    // The shipped datasets under the shipped policy: every rule that fires there, several rows
    // per concentration finding (related locations), an expired waiver.
    let run = ctx
        .check("datasets")
        .policy("scrisk.toml")
        .today("2026-11-29")
        .format("sarif")
        .run();
    run.assert_status(1);
    let doc = run.stdout_json();
    assert_valid(&doc);
    assert_located_at_their_rows(&doc, &root().join("scrisk.toml"));
    let codes: Vec<&str> = results(&doc)
        .iter()
        .map(|r| r["ruleId"].as_str().expect("ruleId"))
        .collect();
    for code in ["concentration", "chokepoint", "waiver-expired"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let with_related = results(&doc)
        .iter()
        .find(|r| {
            r["relatedLocations"]
                .as_array()
                .is_some_and(|a| a.len() > 1)
        })
        .expect("a finding with several rows");
    let message = with_related["message"]["text"].as_str().expect("message");
    assert!(message.contains("](1), ["), "{message}");
}

#[test]
fn paths_are_never_absolute() {
    let ctx = TestContext::new();
    let defaults = ctx.write("defaults.toml", DEFAULTS);
    // An absolute path inside the working directory (the repository root) is made relative.
    let inside = root().join(EXAMPLE);
    let doc = ctx
        .check(&inside)
        .policy(&defaults)
        .format("sarif")
        .run()
        .stdout_json();
    let uris = artifacts(&doc);
    assert!(!uris.is_empty());
    for a in &uris {
        assert!(a["uriBaseId"].is_null(), "{a}");
        let uri = a["uri"].as_str().expect("uri");
        assert!(uri.starts_with("tests/fixtures/example/"), "{a}");
    }
    // Outside it (a temporary copy), the path is relative to the one given, marked as such.
    ctx.example("data/example");
    let run = ctx
        .check(ctx.path("data"))
        .policy(&defaults)
        .format("sarif")
        .run();
    let doc = run.stdout_json();
    assert_valid(&doc);
    let uris = artifacts(&doc);
    assert!(!uris.is_empty());
    for a in &uris {
        assert_eq!(a["uriBaseId"], "DATASETROOT", "{a}");
        let uri = a["uri"].as_str().expect("uri");
        assert!(uri.starts_with("example/"), "{uri}");
    }
    let temp = ctx.temp().display().to_string();
    assert!(!run.stdout.contains(&temp), "{}", run.stdout);
}

#[test]
fn a_dataset_name_with_spaces_is_percent_encoded() {
    let ctx = TestContext::new();
    let defaults = ctx.write("defaults.toml", DEFAULTS);
    ctx.example("ev chain #1");
    let doc = ctx
        .check(ctx.path("ev chain #1"))
        .policy(&defaults)
        .format("sarif")
        .run()
        .stdout_json();
    assert_valid(&doc);
    let uris: Vec<String> = artifacts(&doc)
        .iter()
        .map(|a| a["uri"].as_str().expect("uri").to_string())
        .collect();
    assert!(uris.contains(&"sourcing.csv".to_string()), "{uris:?}");
    // Given the directory above, the dataset's directory is part of the URI.
    let parent = ctx
        .check(ctx.temp())
        .policy(&defaults)
        .format("sarif")
        .run()
        .stdout_json();
    assert_valid(&parent);
    let first = artifacts(&parent)[0]["uri"]
        .as_str()
        .expect("uri")
        .to_string();
    assert!(first.starts_with("ev%20chain%20%231/"), "{first}");
}

#[test]
fn rows_of_a_parquet_table_are_named_not_given_a_line() {
    let ctx = TestContext::new();
    let defaults = ctx.write("defaults.toml", DEFAULTS);
    let dir = ctx.example("pq/example");
    csv_to_parquet(&dir, "sourcing");
    let doc = ctx
        .check(&dir)
        .policy(&defaults)
        .format("sarif")
        .run()
        .stdout_json();
    assert_valid(&doc);
    let (mut parquet, mut csv) = (0, 0);
    for l in results(&doc).iter().flat_map(locations) {
        let place = &l["physicalLocation"];
        match place["artifactLocation"]["uri"].as_str() {
            Some("sourcing.parquet") => {
                assert!(place.get("region").is_none(), "{l}");
                let text = l["message"]["text"].as_str().expect("message");
                assert!(text.starts_with("sourcing row "), "{text}");
                parquet += 1;
            }
            Some("firms.csv") => {
                assert!(place["region"]["startLine"].is_u64(), "{l}");
                csv += 1;
            }
            _ => {}
        }
    }
    assert!(parquet > 0 && csv > 0, "{parquet} {csv}");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let ctx = TestContext::new();
    let policy = ctx.write("policy.toml", POLICY);
    let once = ctx.check(EXAMPLE).policy(&policy).format("sarif").run();
    let again = ctx
        .check(EXAMPLE)
        .policy(&policy)
        .format("sarif")
        .threads(1)
        .run();
    assert_eq!(once.stdout, again.stdout);
    // --output writes the same document to a file, and nothing to stdout.
    let file = ctx.path("out/scrisk.sarif");
    std::fs::create_dir_all(ctx.path("out")).expect("mkdir");
    let written = ctx
        .check(EXAMPLE)
        .policy(&policy)
        .format("sarif")
        .arg("--output")
        .arg(&file)
        .run();
    written.assert_status(1);
    assert_eq!(written.stdout, "");
    assert_eq!(read(&file), once.stdout);
}

#[test]
fn exit_codes_are_unchanged() {
    let ctx = TestContext::new();
    let nothing = ctx.write("nothing.toml", NOTHING);
    let run = ctx.check(EXAMPLE).policy(&nothing).format("sarif").run();
    run.assert_ok();
    let doc = run.stdout_json();
    assert_valid(&doc);
    assert!(results(&doc).is_empty());
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(8)
    );
    // The default policy denies the example's chokepoints.
    let defaults = ctx.write("defaults.toml", DEFAULTS);
    ctx.check(EXAMPLE)
        .policy(&defaults)
        .format("sarif")
        .run()
        .assert_status(1);
    // A dataset that cannot be checked: exit 2, and no SARIF, which would close its alerts.
    let bad = ctx.write("bad/firms.csv", "firm_id,name,country\n");
    let bad_dir = bad.parent().expect("dir");
    let run = ctx
        .check(EXAMPLE)
        .arg(bad_dir)
        .format("sarif")
        .arg("--output")
        .arg(ctx.path("out.sarif"))
        .run();
    run.assert_error()
        .assert_stderr_contains("error: no SARIF written: not every dataset could be checked");
    assert_eq!(run.stdout, "");
    assert!(!ctx.path("out.sarif").exists());
}

/// A change that breaks a valid SARIF document.
type Breaker = fn(&mut Value);

#[test]
fn the_schema_check_rejects_what_is_not_sarif() {
    let (_ctx, _policy, doc) = example_sarif();
    assert_valid(&doc);
    let broken: [(&str, Breaker); 6] = [
        ("version", |d| d["version"] = "2.0.0".into()),
        ("level", |d| {
            d["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("extra property", |d| {
            d["runs"][0]["tool"]["driver"]["rules"][0]["severity"] = 1.into()
        }),
        ("line 0", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into()
        }),
        ("no message", |d| {
            d["runs"][0]["results"][0]
                .as_object_mut()
                .expect("result")
                .remove("message");
        }),
        ("a space in a URI", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"] = "a b.csv".into()
        }),
    ];
    for (what, breaks) in broken {
        let mut d = doc.clone();
        breaks(&mut d);
        assert!(!schema().validate(&d).is_empty(), "{what} was accepted");
    }
}
