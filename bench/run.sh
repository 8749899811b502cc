#!/usr/bin/env bash
# Benchmark: generate synthetic networks with `scrisk generate` and time a complete
# `scrisk analyze` (ingest, metrics, scenarios, the N-1 sweep over every firm, country, region
# and group, rendering) at each size, with per-phase timings and peak memory.
#
# Usage: bench/run.sh [SIZES...]        (default: 10000 100000)
# Needs /usr/bin/time (GNU time). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scrisk-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/scrisk"
work="${BENCH_DIR:-$(mktemp -d)}"
if [ $# -eq 0 ]; then sizes=(10000 100000); else sizes=("$@"); fi
printf '%-8s %-9s %-9s %-10s %-8s %s\n' firms rows wall_s peak_MiB cpu phases
for n in "${sizes[@]}"; do
    data="$work/gen-$n"
    rm -rf "$data"
    "$bin" generate "$data" --firms "$n" --seed 1 >/dev/null
    rows=$(($(wc -l <"$data/sourcing.csv") - 1))
    /usr/bin/time -f '%e %M %P' -o "$work/time-$n" "$bin" analyze "$data" --out "$work/out" \
        --format both --no-progress --timings 2>"$work/stderr-$n" >/dev/null
    read -r wall kib cpu <"$work/time-$n"
    phases=$(grep '^timings' "$work/stderr-$n" | sed 's/^timings [^:]*: //')
    printf '%-8s %-9s %-9s %-10s %-8s %s\n' "$n" "$rows" "$wall" "$((kib / 1024))" "$cpu" "$phases"
done
