//! Sharded sweeps: `analyze --shard K/N` for every K, then `merge`, writes the same bytes as
//! an unsharded `analyze` (markdown and JSON), for N = 1, 2, 3 and 7, on a generated network,
//! with the capacity model, and on the committed datasets with a `--cut`. Parts that do not
//! belong together — missing, duplicated, of other input, options, N or version, modified or
//! damaged — are refused: exit 2 naming the file, nothing written.

use std::path::{Path, PathBuf};

use crate::context::{files, TestContext};

/// `scrisk generate <temp>/<name> --firms <firms> --seed <seed>` (plus `extra`).
fn generate(ctx: &TestContext, name: &str, firms: usize, seed: u64, extra: &[&str]) -> PathBuf {
    let dir = ctx.path(name);
    ctx.scrisk()
        .arg("generate")
        .arg(&dir)
        .args(["--firms", &firms.to_string(), "--seed", &seed.to_string()])
        .args(extra)
        .run()
        .assert_ok();
    dir
}

/// Runs every shard of `n` of `data` (with `args`) into `<temp>/<out>`; returns the parts'
/// paths in shard order.
fn shards(ctx: &TestContext, data: &Path, n: usize, out: &str, args: &[&str]) -> Vec<PathBuf> {
    let dir = ctx.path(out);
    for k in 1..=n {
        ctx.analyze(data)
            .args(args)
            .args(["--shard", &format!("{k}/{n}")])
            .out(&dir)
            .run()
            .assert_ok();
    }
    files(&dir).iter().map(|f| dir.join(f)).collect()
}

/// `scrisk merge <parts> --out <temp>/<out>`.
fn merge(ctx: &TestContext, parts: &[PathBuf], out: &str) -> crate::context::Output {
    ctx.command("merge").args(parts).out(ctx.path(out)).run()
}

/// Every file of `a` is in `b` with the same bytes, and the other way round.
#[track_caller]
fn same_reports(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa, fb, "{} and {}", a.display(), b.display());
    assert!(!fa.is_empty());
    for f in &fa {
        let x = std::fs::read(a.join(f)).expect("read");
        let y = std::fs::read(b.join(f)).expect("read");
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn sharded_then_merged_is_the_unsharded_report_for_1_2_3_and_7_shards() {
    let ctx = TestContext::new();
    let data = generate(&ctx, "net", 400, 11, &[]);
    ctx.analyze(&data)
        .format_both()
        .out(ctx.path("whole"))
        .run()
        .assert_ok();
    for n in [1, 2, 3, 7] {
        let parts = shards(&ctx, &data, n, &format!("parts{n}"), &["--format", "both"]);
        assert_eq!(parts.len(), n);
        merge(&ctx, &parts, &format!("merged{n}")).assert_ok();
        same_reports(&ctx.path("whole"), &ctx.path(format!("merged{n}")));
    }
    // The parts of 3 are not three copies of the whole: each covers a third of the cost, and
    // every firm is in exactly one.
    let mut firms = Vec::new();
    for p in shards(&ctx, &data, 3, "parts3", &[]) {
        let doc = crate::context::json(&crate::context::read(&p));
        let keys = doc["manifest"]["keys"]["firms"]
            .as_array()
            .expect("keys")
            .clone();
        assert!(!keys.is_empty() && keys.len() < 400, "{}", keys.len());
        firms.extend(
            keys.into_iter()
                .map(|k| k.as_str().expect("id").to_string()),
        );
    }
    let count = firms.len();
    firms.sort();
    firms.dedup();
    assert_eq!((firms.len(), count), (400, 400));
}

#[test]
fn the_capacity_sweep_is_sharded_too() {
    let ctx = TestContext::new();
    let data = generate(&ctx, "cap", 120, 5, &["--capacity"]);
    ctx.analyze(&data)
        .format_json()
        .out(ctx.path("whole"))
        .run()
        .assert_ok();
    let whole = crate::context::json(&crate::context::read(&ctx.path("whole/cap.json")));
    assert!(!whole["sweep"]["capacity_firms"]
        .as_array()
        .expect("capacity sweep")
        .is_empty());
    let parts = shards(&ctx, &data, 3, "parts", &["--format", "json"]);
    for p in &parts {
        let doc = crate::context::json(&crate::context::read(p));
        assert!(!doc["results"]["capacity"]
            .as_array()
            .expect("list")
            .is_empty());
    }
    merge(&ctx, &parts, "merged").assert_ok();
    same_reports(&ctx.path("whole"), &ctx.path("merged"));
}

#[test]
fn the_committed_datasets_with_a_cut_merge_to_their_reports() {
    // Two datasets in one run: each gets its parts, one merge writes both datasets' reports.
    let ctx = TestContext::new();
    let args = [
        "--format",
        "both",
        "--cut",
        "country:CN=0.5",
        "--recovery-days",
        "45",
    ];
    ctx.analyze("datasets")
        .args(args)
        .out(ctx.path("whole"))
        .run()
        .assert_ok();
    let parts = shards(&ctx, Path::new("datasets"), 2, "parts", &args);
    assert_eq!(parts.len(), 4, "two parts of each dataset");
    merge(&ctx, &parts, "merged").assert_ok();
    same_reports(&ctx.path("whole"), &ctx.path("merged"));
}

/// A 3-shard run of a generated network, for the refusals: (context, dataset, parts).
fn three_parts() -> (TestContext, PathBuf, Vec<PathBuf>) {
    let ctx = TestContext::new();
    let data = generate(&ctx, "net", 200, 3, &[]);
    let parts = shards(&ctx, &data, 3, "parts", &["--format", "json"]);
    (ctx, data, parts)
}

/// The merge of `parts` is refused naming `file` (with `message`), and writes nothing.
#[track_caller]
fn refused(ctx: &TestContext, parts: &[PathBuf], file: &Path, message: &str) {
    let out = merge(ctx, parts, "merged");
    out.assert_error();
    let name = file
        .display()
        .to_string()
        .replace(&ctx.temp().display().to_string(), "[TEMP]");
    out.assert_stderr_contains(&format!("{name}: {message}"));
    out.assert_stderr_contains("nothing written");
    assert!(out.written().is_empty(), "{:?}", out.written());
}

/// Rewrites a part's JSON with `edit`.
fn edit(path: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let mut doc = crate::context::json(&crate::context::read(path));
    edit(&mut doc);
    std::fs::write(path, serde_json::to_string(&doc).expect("json")).expect("write");
}

#[test]
fn missing_and_duplicated_parts_are_refused() {
    let (ctx, _, parts) = three_parts();
    let missing = ctx.path("parts/net.shard-2-of-3.json");
    refused(
        &ctx,
        &[parts[0].clone(), parts[2].clone()],
        &missing,
        "missing: shard 2 of 3 was not given",
    );
    let copy = ctx.path("copy/net.json");
    std::fs::create_dir_all(ctx.path("copy")).expect("dir");
    std::fs::copy(&parts[1], &copy).expect("copy");
    let mut with_copy = parts.clone();
    with_copy.push(copy.clone());
    refused(&ctx, &with_copy, &copy, "is shard 2 of 3 again");
}

#[test]
fn parts_of_other_input_options_n_or_version_are_refused() {
    let (ctx, data, parts) = three_parts();
    // Other input: the same dataset name, another seed.
    let other = generate(&ctx, "other/net", 200, 4, &[]);
    let theirs = shards(&ctx, &other, 3, "other-parts", &["--format", "json"]);
    let mixed = [parts[0].clone(), theirs[1].clone(), parts[2].clone()];
    refused(&ctx, &mixed, &theirs[1], "was computed from other input");
    // Other options.
    let opts = shards(
        &ctx,
        &data,
        3,
        "opts",
        &["--format", "json", "--recovery-days", "40"],
    );
    let mixed = [parts[0].clone(), parts[1].clone(), opts[2].clone()];
    refused(&ctx, &mixed, &opts[2], "was run with other options");
    // Other N.
    let two = shards(&ctx, &data, 2, "two", &["--format", "json"]);
    let mixed = [
        parts[0].clone(),
        parts[1].clone(),
        parts[2].clone(),
        two[1].clone(),
    ];
    refused(
        &ctx,
        &mixed,
        &two[1],
        "is shard 2 of 2, but the other parts are of 3 shards",
    );
    // Other version.
    edit(&parts[1], |d| {
        d["manifest"]["scrisk_version"] = "0.0.1-old".into()
    });
    refused(&ctx, &parts, &parts[1], "was written by scrisk 0.0.1-old");
}

/// A change made to a part's JSON document.
type Edit = fn(&mut serde_json::Value);

#[test]
fn modified_and_damaged_parts_are_refused() {
    let modified = "was modified after it was written, or damaged";
    let cases: [(&str, Edit); 3] = [
        ("a value", |d| {
            d["results"]["firms"][0]["value_at_risk"] = 12345.5.into();
        }),
        ("the options", |d| {
            d["manifest"]["options"]["recovery_days"] = 31.0.into();
        }),
        ("the keys", |d| {
            let keys = d["manifest"]["keys"]["firms"].as_array_mut().expect("keys");
            keys.pop();
        }),
    ];
    for (what, change) in cases {
        let (ctx, _, parts) = three_parts();
        edit(&parts[2], change);
        let out = merge(&ctx, &parts, "merged");
        out.assert_error();
        out.assert_stderr_contains(&format!("net.shard-3-of-3.json: {modified}"));
        assert!(out.written().is_empty(), "{what}");
    }
    // A part that claims another shard's place, consistent in itself: only the split sees it.
    let (ctx, _, parts) = three_parts();
    let claim = ctx.path("claim/net.json");
    std::fs::create_dir_all(ctx.path("claim")).expect("dir");
    std::fs::copy(&parts[2], &claim).expect("copy");
    edit(&claim, |d| d["manifest"]["shard"] = 2.into());
    let mixed = [parts[0].clone(), claim.clone(), parts[2].clone()];
    refused(&ctx, &mixed, &claim, "covers other keys than shard 2 of 3");
    // Truncated, and not JSON at all.
    let text = std::fs::read(&parts[0]).expect("read");
    std::fs::write(&parts[0], &text[..text.len() / 2]).expect("write");
    refused(&ctx, &parts, &parts[0], "is not a part of a sharded sweep");
    std::fs::write(&parts[0], "firm_id,country\n").expect("write");
    refused(&ctx, &parts, &parts[0], "is not a part of a sharded sweep");
}

#[test]
fn a_changed_dataset_is_refused_and_data_finds_a_moved_one() {
    let (ctx, data, parts) = three_parts();
    // Moved: the recorded path is gone; --data names the new place.
    let moved = ctx.path("moved/net");
    std::fs::create_dir_all(ctx.path("moved")).expect("dir");
    std::fs::rename(&data, &moved).expect("move");
    let out = merge(&ctx, &parts, "merged");
    out.assert_error();
    out.assert_stderr_contains("give the dataset's path with --data");
    ctx.command("merge")
        .args(&parts)
        .arg("--data")
        .arg(&moved)
        .out(ctx.path("merged"))
        .run()
        .assert_ok();
    // Changed: one more byte in the firms table.
    let firms = moved.join("firms.csv");
    let mut text = std::fs::read_to_string(&firms).expect("read");
    text.push('\n');
    std::fs::write(&firms, text).expect("write");
    let out = ctx
        .command("merge")
        .args(&parts)
        .arg("--data")
        .arg(&moved)
        .out(ctx.path("merged2"))
        .run();
    out.assert_error();
    out.assert_stderr_contains("was computed from other input");
    assert!(!ctx.path("merged2").exists());
}

#[test]
fn shard_flags_are_checked_before_anything_is_read() {
    let ctx = TestContext::new();
    for bad in ["0/3", "4/3", "x"] {
        let out = ctx.analyze("no/such/dir").args(["--shard", bad]).run();
        out.assert_error();
        out.assert_stderr_contains("expected K/N with 1 <= K <= N");
    }
    let out = ctx
        .analyze("tests/fixtures/example")
        .args(["--shard", "1/2", "--no-sweep"])
        .run();
    out.assert_error();
    out.assert_stderr_contains("cannot be used with");
}
