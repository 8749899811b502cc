#!/usr/bin/env bash
# Opt-in test of the Ray recipe (docs/scale.md), not part of `cargo test` or CI: it downloads
# Ray (about 70 MB) from PyPI. It creates a virtual environment, installs ray, starts a local
# Ray instance with 2 CPUs, runs scripts/ray_sweep.py on a generated network in 3 shards and
# checks that the merged reports are byte-identical to an unsharded `scrisk analyze`.
#
#   cargo build --release && scripts/test-ray.sh
#
# Environment: SCRISK (the binary; default $CARGO_TARGET_DIR/release/scrisk, else
# target/release/scrisk), RAY_VERSION (default 2.60.0), FIRMS (default 3000), SHARDS (default
# 3), PYTHON (default python3, 3.9 or later). Prints "ray test: ok" and exits 0 on success.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scrisk=${SCRISK:-${CARGO_TARGET_DIR:-$root/target}/release/scrisk}
ray_version=${RAY_VERSION:-2.60.0}
firms=${FIRMS:-3000}
shards=${SHARDS:-3}
python=${PYTHON:-python3}

if [[ ! -x $scrisk ]]; then
    echo "error: no scrisk binary at $scrisk (cargo build --release, or set SCRISK)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/scrisk-ray-test.XXXXXX")
started=0
cleanup() {
    if [[ $started == 1 ]]; then
        "$work/venv/bin/ray" stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== virtual environment and ray $ray_version from PyPI"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "ray==$ray_version"

echo "== local Ray with 2 CPUs"
# Its own temporary directory, so that it never joins or stops another Ray on the machine.
export RAY_TMPDIR="$work/ray"
mkdir -p "$RAY_TMPDIR"
"$work/venv/bin/ray" start --head --num-cpus=2 --include-dashboard=false \
    --temp-dir="$RAY_TMPDIR" --port=0 --disable-usage-stats >"$work/ray-start.log" 2>&1 || {
    cat "$work/ray-start.log" >&2
    exit 1
}
started=1
address=$(grep -o "ray start --address='[^']*'" "$work/ray-start.log" | head -1 | cut -d"'" -f2)
if [[ -z $address ]]; then
    cat "$work/ray-start.log" >&2
    echo "error: cannot find the address of the Ray instance" >&2
    exit 1
fi

echo "== a generated network of $firms firms, unsharded"
"$scrisk" generate "$work/net" --firms "$firms" --seed 7 >/dev/null
"$scrisk" analyze "$work/net" --format both --out "$work/whole" --no-progress

echo "== $shards shards as Ray tasks, then merge"
"$work/venv/bin/python" "$root/scripts/ray_sweep.py" "$work/net" --shards "$shards" \
    --address "$address" --scrisk "$scrisk" --out "$work/merged" -- --format both

for f in net.json net.md; do
    if ! cmp "$work/whole/$f" "$work/merged/$f"; then
        echo "error: the merged $f differs from the unsharded one" >&2
        exit 1
    fi
done
echo "ray test: ok ($shards shards of $firms firms; merged JSON and markdown identical)"
