//! MODEL.md's worked example: scrisk's JSON must equal the expected output of the independent
//! implementation, field by field, numbers to 1e-9 relative.

use serde_json::Value;

use crate::context::{json, read, root, TestContext, EXAMPLE};

/// Compares `got` with `want`; records every difference with its JSON path.
fn compare(path: &str, got: &Value, want: &Value, diffs: &mut Vec<String>) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().expect("finite"), w.as_f64().expect("finite"));
            let tolerance = 1e-9 * w.abs().max(1.0);
            if (g - w).abs() > tolerance {
                diffs.push(format!("{path}: got {g}, want {w}"));
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => compare(&format!("{path}.{k}"), gv, wv, diffs),
                    None => diffs.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            if g.len() != w.len() {
                diffs.push(format!("{path}: {} entries, want {}", g.len(), w.len()));
            }
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                compare(&format!("{path}[{i}]"), gv, wv, diffs);
            }
        }
        _ => {
            if got != want {
                diffs.push(format!("{path}: got {got}, want {want}"));
            }
        }
    }
}

#[test]
fn worked_example_matches_the_independent_implementation() {
    let ctx = TestContext::new();
    let run = ctx.analyze(EXAMPLE).format_json().cut("country:hu").run();
    run.assert_ok();
    let got = run.json();
    let mut want = json(&read(&root().join(EXAMPLE).join("expected.json")));
    // The reference ran on "." and names the dataset so; scrisk names it after the directory.
    assert_eq!(want["dataset"], ".");
    want["dataset"] = "example".into();
    let mut diffs = Vec::new();
    compare("$", &got, &want, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn the_comparison_catches_a_wrong_number() {
    // Guards the test above against a comparison that accepts anything.
    let mut diffs = Vec::new();
    compare(
        "$",
        &json(r#"{"a":[1.0, 2.0]}"#),
        &json(r#"{"a":[1.0, 2.000001]}"#),
        &mut diffs,
    );
    compare(
        "$",
        &json(r#"{"a":"x"}"#),
        &json(r#"{"a":"x","b":1}"#),
        &mut diffs,
    );
    assert_eq!(diffs, ["$.a[1]: got 2, want 2.000001", "$.b: missing"]);
}
