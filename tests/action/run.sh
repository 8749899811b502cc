#!/usr/bin/env bash
# Tests the GitHub Action (action.yml + scripts/scrisk-action.sh) off GitHub: composite.py runs
# action.yml's steps as the Actions runner would, on a sample repository made here (a copy of a
# shipped dataset and a policy), with the release binary on PATH instead of installing
# (input install: false). The `uses:` steps (cache, SARIF upload) cannot run here: the test
# checks whether each would run and with what. Not part of `cargo test`; .ci/run calls it after
# the tests, so the release binary is built. Needs bash and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scrisk-target}"
BIN="$CARGO_TARGET_DIR/release/scrisk"
[ -x "$BIN" ] || {
    echo "tests/action: $BIN is missing: run cargo build --release first" >&2
    exit 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
ln -s "$BIN" "$TMP/bin/scrisk"
ORIGINAL_PATH=$PATH
export PATH="$TMP/bin:$PATH"
unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_PATH GITHUB_ACTION_PATH

FAILED=0
fail() {
    echo "FAIL: $*" >&2
    FAILED=1
}

# The sample repository: a shipped dataset, a policy at the root that fails it (a chokepoint is
# denied; a waiver expired long ago), and one that passes it (every rule at warn).
REPO="$TMP/repo"
mkdir -p "$REPO/datasets"
cp -r datasets/leapmotor-jinhua "$REPO/datasets/"
cat >"$REPO/scrisk.toml" <<'EOF'
[chokepoint]
level = "deny"

[[waiver]]
code = "chokepoint"
subject = "tsmc"
reason = "a waiver that expired long ago"
until = "2020-01-01"
EOF
cat >"$REPO/clean.toml" <<'EOF'
[concentration]
level = "warn"

[chokepoint]
level = "warn"
EOF

# run NAME EXPECTED-STATUS [--input NAME=VALUE]...: runs the action's steps in the sample
# repository; leaves $TMP/NAME.json (the steps), $TMP/NAME.md (the job summary), $TMP/NAME.log.
run() {
    local name=$1 expected=$2 status=0
    shift 2
    rm -f "$REPO/scrisk.sarif"
    : >"$TMP/$name.md"
    python3 tests/action/composite.py "$ROOT" "$REPO" "$TMP/$name.json" "$TMP/$name.md" \
        --input install=false "$@" >"$TMP/$name.log" 2>&1 || status=$?
    if [ "$status" -ne "$expected" ]; then
        fail "$name: the action's exit status is $status, expected $expected; its log:"
        tail -n 40 "$TMP/$name.log" >&2
    fi
}

# expect NAME PYTHON-CONDITION MESSAGE: a condition on the run's step report `r` (the JSON
# composite.py writes), its steps by id `s`, its job summary `md` and the repository `repo`.
expect() {
    python3 - "$TMP/$1.json" "$TMP/$1.md" "$REPO" "$2" <<'EOF' || fail "$1: $3"
import json, os, sys
r = json.load(open(sys.argv[1]))
s = {x["id"]: x for x in r["steps"]}
md = open(sys.argv[2], encoding="utf-8").read()
repo = sys.argv[3]
sys.exit(0 if eval(sys.argv[4]) else 1)
EOF
}

# sarif_ok: the log is SARIF 2.1.0 from scrisk, every location a relative path to a file of the
# repository; prints the levels of its results and the ruleIds located in the policy file.
sarif_ok() {
    python3 - "$REPO/scrisk.sarif" "$REPO" <<'EOF'
import json, os, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
assert log["version"] == "2.1.0", log["version"]
assert "sarif-schema-2.1.0" in log["$schema"]
run, = log["runs"]
assert run["tool"]["driver"]["name"] == "scrisk"
for res in run["results"]:
    for loc in res["locations"]:
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and os.path.isfile(os.path.join(sys.argv[2], uri)), uri
levels = sorted({r["level"] for r in run["results"]})
policy = sorted({r["ruleId"] for r in run["results"]
                 if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "scrisk.toml"})
print(" ".join(levels), "|", " ".join(policy))
EOF
}

# 1. Defaults (paths datasets/, the repository's scrisk.toml, SARIF on): deny findings, so the
#    verdict fails with 1 — after the upload, which gets the SARIF log.
run fail 1
expect fail 's["check"]["exit"] == 0 and s["check"]["outputs"]["exit-code"] == "1"' \
    "the check step must succeed and record exit status 1"
expect fail 's["upload"]["state"] == "uses" and s["upload"]["with"] == {"sarif_file": "scrisk.sarif", "category": "scrisk"}' \
    "the SARIF upload must run (category scrisk) although the check failed"
expect fail 's["gate"]["exit"] == 1 and r["outputs"]["exit-code"] == "1" and r["outputs"]["sarif-file"] == "scrisk.sarif"' \
    "the verdict step must fail with 1, after the upload"
expect fail 'all(s[k]["state"] == "skipped" for k in ("cache-key", "cache", "install", "cache-save"))' \
    "install: false must skip the build and its cache"
expect fail '"## scrisk check: failed" in md and "leapmotor-jinhua: " in md and "check failed" in md' \
    "the job summary must give the failing verdict per dataset"
if levels=$(sarif_ok); then
    case "$levels" in
    *error*"|"*waiver-expired*) ;;
    *) fail "fail: the SARIF log must hold error results and the expired waiver at scrisk.toml (got: $levels)" ;;
    esac
else
    fail "fail: scrisk.sarif is missing or not a valid scrisk SARIF 2.1.0 log"
fi

# 2. A policy that passes (input policy): exit 0, SARIF with warnings only.
run clean 0 --input policy=clean.toml
expect clean 's["gate"]["exit"] == 0 and s["upload"]["state"] == "uses" and "## scrisk check: passed" in md' \
    "a passing check must end with 0, with the SARIF uploaded"
if levels=$(sarif_ok); then
    [ "${levels%% |*}" = warning ] || fail "clean: the SARIF results must all be warnings (got: $levels)"
else
    fail "clean: scrisk.sarif is missing or not a valid scrisk SARIF 2.1.0 log"
fi

# 3. A path that does not exist (beside one that does): exit 2, no SARIF, no upload.
run badpath 2 --input "paths=datasets/leapmotor-jinhua missing/"
expect badpath 's["check"]["outputs"]["exit-code"] == "2" and s["check"]["outputs"]["sarif-file"] == ""' \
    "a bad path must record exit status 2 and no SARIF file"
expect badpath 's["upload"]["state"] == "skipped" and s["gate"]["exit"] == 2' \
    "with no SARIF the upload must be skipped, and the verdict must fail with 2"
expect badpath 'not os.path.exists(os.path.join(repo, "scrisk.sarif")) and "## scrisk check: error" in md' \
    "a bad path must leave no SARIF log and say error in the summary"

# 4. diff-base: the baseline is the dataset as shipped; the repository then adds a scenario.
"$BIN" analyze "$REPO/datasets" --format json --out "$TMP/base" --no-progress
cp "$TMP/base/leapmotor-jinhua.json" "$TMP/base/gone-dataset.json"
cat >>"$REPO/datasets/leapmotor-jinhua/scenarios.toml" <<'EOF'

[[scenario]]
name = "action test: gearbox plant stop"
cuts = ["firm:jh-gearbox"]
duration_days = 30
EOF
run diff-file 1 --input sarif=false --input "diff-base=$TMP/base/leapmotor-jinhua.json"
expect diff-file '"## scrisk: supply-risk changes in leapmotor-jinhua" in md and "action test: gearbox plant stop" in md' \
    "the summary must hold scrisk diff's markdown with the new scenario"
expect diff-file 's["check"]["outputs"]["sarif-file"] == "" and s["upload"]["state"] == "skipped" and s["gate"]["exit"] == 1' \
    "sarif: false must write and upload no SARIF, and still fail on deny findings"
expect diff-file 'not os.path.exists(os.path.join(repo, "scrisk.sarif"))' "sarif: false must write no file"

run diff-dir 0 --input policy=clean.toml --input "diff-base=$TMP/base"
expect diff-dir '"## scrisk: supply-risk changes in leapmotor-jinhua" in md and "gone-dataset: in the baseline, not analysed now" in md' \
    "a baseline directory must be compared by file name, and an unpaired baseline named"

run diff-missing 2 --input policy=clean.toml --input "diff-base=$TMP/no-such-report.json"
expect diff-missing 's["check"]["outputs"]["exit-code"] == "2" and "no such file or directory" in md' \
    "a diff-base that does not exist must be an error"

# 5. The whole action, install included: cargo install from this checkout (into a directory of
#    the test, building in the release target directory, so nothing is compiled anew), and the
#    check with the scrisk it installed. The cache steps are `uses:` and only checked.
SCRISK_ACTION_TARGET_DIR="$CARGO_TARGET_DIR" CARGO_INSTALL_ROOT="$TMP/installed" PATH="$ORIGINAL_PATH" \
    python3 tests/action/composite.py "$ROOT" "$REPO" "$TMP/install.json" "$TMP/install.md" \
    >"$TMP/install.log" 2>&1 && status=0 || status=$?
[ "$status" -eq 1 ] || { fail "install: the action's exit status is $status, expected 1"; tail -n 40 "$TMP/install.log" >&2; }
expect install 's["cache-key"]["exit"] == 0 and s["cache-key"]["outputs"]["key"].startswith(s["cache-key"]["outputs"]["restore-prefix"])' \
    "the cache key step must give a key that starts with its restore prefix"
expect install 's["cache"]["state"] == "uses" and s["cache"]["with"]["key"] == s["cache-key"]["outputs"]["key"] and s["cache-save"]["state"] == "uses"' \
    "the cache must be restored with that key, and saved after the install (no exact hit here)"
expect install 's["install"]["exit"] == 0 and s["check"]["outputs"]["exit-code"] == "1" and s["gate"]["exit"] == 1' \
    "the check must run with the scrisk the action installed"
[ -x "$TMP/installed/bin/scrisk" ] || fail "install: no scrisk in the install root"

# 6. The pieces the runs above do not reach.
# The cache key: the restore prefix, Cargo.lock's hash and the sources' hash, which a change of
# one source file changes (checked on a copy of the action).
cache_key() { # DIR -> "key restore-prefix"
    : >"$TMP/cache-key.out"
    GITHUB_OUTPUT="$TMP/cache-key.out" "$1/scripts/scrisk-action.sh" cache-key >/dev/null
    echo "$(sed -n 's/^key=//p' "$TMP/cache-key.out") $(sed -n 's/^restore-prefix=//p' "$TMP/cache-key.out")"
}
mkdir -p "$TMP/action-copy/scripts"
cp -r Cargo.toml Cargo.lock src "$TMP/action-copy/"
cp scripts/scrisk-action.sh "$TMP/action-copy/scripts/"
read -r key prefix <<<"$(cache_key "$TMP/action-copy")"
lock=$(sha256sum Cargo.lock | cut -c1-20)
[[ "$key" =~ ^"$prefix"lock-"$lock"-src-[0-9a-f]{12}$ ]] ||
    fail "cache-key: the key must be the restore prefix, Cargo.lock's hash and the sources' (got: $key)"
echo "// an edit" >>"$TMP/action-copy/src/main.rs"
read -r key2 prefix2 <<<"$(cache_key "$TMP/action-copy")"
if [ "$prefix2" != "$prefix" ] || [ "$key2" = "$key" ]; then
    fail "cache-key: a source edit must change the key and keep the restore prefix"
fi
# The cache restores and saves the same paths, among them the directory the script builds in.
# shellcheck disable=SC2016 # the script's text, not an expansion
grep -q 'SCRISK_ACTION_TARGET_DIR:=$HOME/.cache/scrisk-action-target' scripts/scrisk-action.sh ||
    fail "scripts/scrisk-action.sh must build in ~/.cache/scrisk-action-target"
python3 tests/action/composite.py --parse action.yml >"$TMP/action.json"
python3 - "$TMP/action.json" <<'EOF' || fail "action.yml must restore and save the same cache paths, the build's among them"
import json, sys
steps = {s.get("id"): s for s in json.load(open(sys.argv[1]))["runs"]["steps"]}
restore, save = steps["cache"], steps["cache-save"]
assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
assert restore["with"]["path"] == save["with"]["path"]
assert "~/.cache/scrisk-action-target" in restore["with"]["path"].split("\n")
assert restore["with"]["key"] == save["with"]["key"] == "${{ steps.cache-key.outputs.key }}"
EOF
status=0
SCRISK_EXIT_CODE="" scripts/scrisk-action.sh gate >/dev/null || status=$?
[ "$status" -eq 2 ] || fail "gate: a missing exit status must fail with 2, not $status"

if [ "$FAILED" -ne 0 ]; then
    echo "tests/action: FAILED" >&2
    exit 1
fi
echo "tests/action: ok (8 action runs)"
