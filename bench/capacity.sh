#!/usr/bin/env bash
# Benchmark of the capacity model (MODEL.md section 8): generate networks with capacity data
# (`scrisk generate --capacity`) and time `scrisk analyze` with the capacity model on, its
# scenarios and its firm sweep (each firm stopped alone: two LPs per firm), per phase.
#
# Usage: bench/capacity.sh [SIZES...]      (default: 1000 10000)
#   SWEEP=no bench/capacity.sh 100000      scenarios only (--no-sweep)
#   FEATURES=highs bench/capacity.sh       solve with HiGHS (the `highs` feature) instead of microlp
#   SHARD=1/20 bench/capacity.sh           time one shard of the sweeps: a sample of 1 in 20 firms
# Needs /usr/bin/time (GNU time). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scrisk-target}"
features=()
if [ -n "${FEATURES:-}" ]; then features=(--features "$FEATURES"); fi
cargo build --release --quiet "${features[@]}"
bin="$CARGO_TARGET_DIR/release/scrisk"
work="${BENCH_DIR:-$(mktemp -d)}"
if [ $# -eq 0 ]; then sizes=(1000 10000); else sizes=("$@"); fi
sweep=()
if [ "${SWEEP:-yes}" = no ]; then sweep=(--no-sweep); fi
if [ -n "${SHARD:-}" ]; then sweep+=(--shard "$SHARD"); fi
printf '%-8s %-9s %-9s %-10s %-8s %s\n' firms rows wall_s peak_MiB cpu phases
for n in "${sizes[@]}"; do
    data="$work/cap-$n"
    rm -rf "$data"
    "$bin" generate "$data" --firms "$n" --seed 1 --capacity >/dev/null
    rows=$(($(wc -l <"$data/sourcing.csv") - 1))
    /usr/bin/time -f '%e %M %P' -o "$work/time-$n" "$bin" analyze "$data" --out "$work/out" \
        --format json --no-progress --timings "${sweep[@]}" 2>"$work/stderr-$n" >/dev/null
    read -r wall kib cpu <"$work/time-$n"
    phases=$(grep '^timings' "$work/stderr-$n" | sed 's/^timings [^:]*: //')
    printf '%-8s %-9s %-9s %-10s %-8s %s\n' "$n" "$rows" "$wall" "$((kib / 1024))" "$cpu" "$phases"
done
