#!/usr/bin/env bash
# The steps of scrisk's GitHub Action (action.yml at the repository root). They live here rather
# than inline in action.yml so that they can be read, run and tested outside GitHub:
# tests/action/run.sh runs action.yml's steps, and so this script, on a sample repository.
#
#   scrisk-action.sh cache-key  the actions/cache key of the build: OS, architecture, rustc
#                               version, Cargo.lock and scrisk's sources (outputs key,
#                               restore-prefix)
#   scrisk-action.sh install    cargo install --locked --path <the action's checkout>, building in
#                               the cached target directory
#   scrisk-action.sh check      scrisk check (text for the log and the job summary, then SARIF),
#                               and scrisk diff against a baseline; never fails the step: the
#                               exit status of the check goes to the output exit-code, so that the
#                               SARIF upload runs before the job fails (outputs exit-code,
#                               sarif-file)
#   scrisk-action.sh gate       exit with that status: 0 pass, 1 deny findings, 2 error
#
# Inputs come from the environment (action.yml maps them; it never pastes an input into code):
#   check: SCRISK_PATHS (space- or newline-separated), SCRISK_POLICY, SCRISK_SARIF (true|false),
#          SCRISK_DIFF_BASE (a JSON report or a directory of them; empty: no diff)
#   gate:  SCRISK_EXIT_CODE
# and GitHub's files: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH (ignored when unset).
# The check runs in the current directory, which on GitHub is the repository's root.
set -uo pipefail

# The build directory of `install`; action.yml caches this very path.
: "${SCRISK_ACTION_TARGET_DIR:=$HOME/.cache/scrisk-action-target}"
: "${GITHUB_OUTPUT:=/dev/null}"
: "${GITHUB_STEP_SUMMARY:=/dev/null}"
: "${GITHUB_PATH:=/dev/null}"
# The SARIF log, relative to the repository's root.
SARIF_FILE=scrisk.sarif
# The step summary is cut at 1 MiB by GitHub; findings beyond this many bytes stay in the log.
SUMMARY_FINDINGS_MAX=400000

ACTION_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The key names the dependencies (Cargo.lock) and scrisk's own sources, so that a new version of
# the action saves its build anew; the restore prefix (same OS, architecture and compiler) lets
# it start from the latest older build, which leaves only what changed to compile.
cache_key() {
    local lock src rustc prefix key
    lock=$(sha256sum "$ACTION_ROOT/Cargo.lock" | cut -c1-20) || return 2
    src=$(cd "$ACTION_ROOT" && find Cargo.toml src -type f | LC_ALL=C sort | xargs sha256sum |
        sha256sum | cut -c1-12) || return 2
    rustc=$(cd "$ACTION_ROOT" && rustc --version) || return 2
    rustc=$(printf '%s' "$rustc" | sha256sum | cut -c1-12)
    prefix="scrisk-${RUNNER_OS:-local}-${RUNNER_ARCH:-local}-rustc-$rustc-"
    key="${prefix}lock-$lock-src-$src"
    echo "cache key: $key"
    {
        echo "key=$key"
        echo "restore-prefix=$prefix"
    } >>"$GITHUB_OUTPUT"
}

install() {
    # A target directory that cargo keeps (a plain `cargo install` builds in a temporary one),
    # so that the cache makes the next run's build a copy. The first build compiles Polars.
    export CARGO_TARGET_DIR="$SCRISK_ACTION_TARGET_DIR"
    cargo install --locked --path "$ACTION_ROOT" || return 2
    local bin="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
    echo "$bin" >>"$GITHUB_PATH"
    "$bin/scrisk" --version
}

# Appends a line to the step summary.
summary() { printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"; }

# Reports a problem of the action's own inputs: in the log, as an annotation and in the summary.
input_error() {
    echo "::error title=scrisk::$1"
    summary "**scrisk:** $1" ""
}

check() {
    local status=0 paths=() policy=() sarif
    # Word-split the paths on spaces, tabs and newlines, without glob expansion.
    IFS=$' \t\n' read -r -d '' -a paths <<<"${SCRISK_PATHS:-}" || true
    if [ "${#paths[@]}" -eq 0 ]; then
        input_error "input paths is empty: name the dataset directories to check"
        status=2
    fi
    # Without --policy, scrisk check reads ./scrisk.toml if there is one, else its defaults.
    if [ -n "${SCRISK_POLICY:-}" ]; then
        policy=(--policy "$SCRISK_POLICY")
    fi
    sarif=$(printf '%s' "${SCRISK_SARIF:-true}" | tr '[:upper:]' '[:lower:]')
    case "$sarif" in
    true | false) ;;
    *)
        input_error "input sarif must be true or false, not '${SCRISK_SARIF:-}'"
        status=2
        ;;
    esac
    if ! command -v scrisk >/dev/null; then
        input_error "scrisk is not on PATH (with install: false, install it before this action)"
        status=2
    fi
    if [ "$status" -ne 0 ]; then
        echo "exit-code=$status" >>"$GITHUB_OUTPUT"
        return 0
    fi

    local tmp
    tmp=$(mktemp -d)
    # One date for both runs, so that a waiver cannot expire between them.
    local args=("${policy[@]}" --today "$(date -u +%F)")

    # 1. The findings as text: in the log, and in the job summary.
    echo "::group::scrisk check ${policy[*]:+${policy[*]} }${paths[*]}"
    scrisk check "${args[@]}" -- "${paths[@]}" 2>&1 | tee "$tmp/findings.txt"
    status=${PIPESTATUS[0]}
    echo "::endgroup::"
    write_check_summary "$status" "$tmp/findings.txt"

    # 2. SARIF, for code scanning. Written only when every dataset could be checked.
    local sarif_out=""
    if [ "$sarif" = true ]; then
        local s
        scrisk check "${args[@]}" --format sarif --output "$SARIF_FILE" -- "${paths[@]}" \
            >/dev/null 2>"$tmp/sarif.err"
        s=$?
        if [ "$s" -ne 2 ] && [ -f "$SARIF_FILE" ]; then
            sarif_out=$SARIF_FILE
            echo "SARIF written to $SARIF_FILE"
        else
            cat "$tmp/sarif.err"
            echo "no SARIF written (scrisk check exit status $s)"
        fi
        [ "$s" -gt "$status" ] && status=$s
    fi

    # 3. What changed since the baseline, as markdown in the job summary.
    if [ -n "${SCRISK_DIFF_BASE:-}" ]; then
        local d
        diff_reports "$tmp" "${paths[@]}"
        d=$?
        [ "$d" -gt "$status" ] && status=$d
    fi

    rm -rf "$tmp"
    echo "scrisk check exit status: $status"
    {
        echo "exit-code=$status"
        echo "sarif-file=$sarif_out"
    } >>"$GITHUB_OUTPUT"
    return 0
}

# The summary of the check: the verdict, one line per dataset, the findings folded away.
write_check_summary() {
    local status=$1 file=$2 verdict
    case "$status" in
    0) verdict="passed" ;;
    1) verdict="failed: findings at deny level" ;;
    *) verdict="error (exit status $status): a dataset, the policy or a path could not be read" ;;
    esac
    summary "## scrisk check: $verdict" ""
    # The last line of each dataset's findings: "name: N denied, N warnings, N waived — check …".
    grep -E ' — check (passed|failed)$' "$file" | sed 's/^/- /' >>"$GITHUB_STEP_SUMMARY"
    # HTML, not a code fence: a firm named with backticks cannot end the block early.
    summary "" "<details><summary>Findings and messages ($(wc -l <"$file") lines)</summary>" "" "<pre>"
    head -c "$SUMMARY_FINDINGS_MAX" "$file" |
        sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' >>"$GITHUB_STEP_SUMMARY"
    if [ "$(wc -c <"$file")" -gt "$SUMMARY_FINDINGS_MAX" ]; then
        summary "[cut here: the job log has every finding]"
    fi
    summary "</pre>" "" "</details>" ""
}

# Analyses the datasets to JSON and appends `scrisk diff BASE NEW` of each report that has a
# baseline to the summary. SCRISK_DIFF_BASE is one JSON report (compared with the new report of
# the same file name, or with the only one) or a directory of them (compared by file name).
diff_reports() {
    local tmp=$1 base=$SCRISK_DIFF_BASE status=0
    shift
    local new="$tmp/reports"
    echo "::group::scrisk analyze --format json (for scrisk diff)"
    scrisk analyze --format json --out "$new" --no-progress -- "$@"
    status=$?
    echo "::endgroup::"
    local reports=()
    if [ -d "$new" ]; then
        mapfile -t reports < <(find "$new" -maxdepth 1 -name '*.json' -printf '%f\n' | LC_ALL=C sort)
    fi
    local pairs=() notes=() name
    if [ -f "$base" ]; then
        name=$(basename "$base")
        if [ -f "$new/$name" ]; then
            pairs=("$base" "$new/$name")
        elif [ "${#reports[@]}" -eq 1 ]; then
            pairs=("$base" "$new/${reports[0]}")
        else
            input_error "diff-base $base: no dataset report named $name among ${#reports[@]} (${reports[*]})"
            return 2
        fi
    elif [ -d "$base" ]; then
        for name in "${reports[@]}"; do
            if [ -f "$base/$name" ]; then
                pairs+=("$base/$name" "$new/$name")
            else
                notes+=("- ${name%.json}: new, no baseline report")
            fi
        done
        while IFS= read -r name; do
            [ -f "$new/$name" ] || notes+=("- ${name%.json}: in the baseline, not analysed now")
        done < <(find "$base" -maxdepth 1 -name '*.json' -printf '%f\n' | LC_ALL=C sort)
    else
        input_error "diff-base $base: no such file or directory"
        return 2
    fi
    local i out
    for ((i = 0; i < ${#pairs[@]}; i += 2)); do
        if out=$(scrisk diff -- "${pairs[i]}" "${pairs[i + 1]}"); then
            summary "$out" ""
        else
            input_error "scrisk diff ${pairs[i]} failed (see the log)"
            status=2
        fi
    done
    if [ "${#notes[@]}" -gt 0 ]; then
        summary "## scrisk diff: datasets without a pair" "" "${notes[@]}" ""
    fi
    return "$status"
}

gate() {
    local code=${SCRISK_EXIT_CODE:-}
    case "$code" in
    0) echo "scrisk check passed" ;;
    1) echo "::error title=scrisk::scrisk check failed: findings at deny level (see the job summary)" ;;
    2) echo "::error title=scrisk::scrisk check could not check every dataset (exit status 2, see the log)" ;;
    [0-9] | [0-9][0-9] | [0-9][0-9][0-9]) echo "::error title=scrisk::scrisk check ended with exit status $code (see the log)" ;;
    *)
        echo "::error title=scrisk::the check step left no exit status"
        code=2
        ;;
    esac
    exit "$code"
}

case "${1:-}" in
cache-key) cache_key ;;
install) install ;;
check) check ;;
gate) gate ;;
*)
    echo "usage: $0 cache-key|install|check|gate" >&2
    exit 2
    ;;
esac
