#!/usr/bin/env bash
# The Python package (pyproject.toml, python/scrisk/): build its wheel with maturin, install it
# into a fresh virtual environment and run python/tests with pytest against the release binary.
# Run by .ci/run after `cargo test --release`, whose build the wheel reuses: maturin builds the
# same crate with the same profile, features and CARGO_TARGET_DIR, so cargo finds every crate
# fresh and the wheel packs the very binary cargo built (checked below). Needs python3 >= 3.11
# and pip's index (or its cache).
set -euo pipefail
cd "$(dirname "$0")/../.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scrisk-target}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check -r python/tests/requirements.txt
echo "venv and requirements: ${SECONDS}s"

# The wheel. Anything compiled here would be a second build of the binary: fail instead.
"$py" -m maturin build --release --locked --out "$work/wheels" 2>&1 | tee "$work/maturin.log"
if grep -E '^\s*Compiling ' "$work/maturin.log"; then
    echo "error: maturin compiled crates that cargo build --release had built: the wheel no" \
        "longer shares the release build" >&2
    exit 1
fi
echo "wheel built: ${SECONDS}s"
wheels=("$work"/wheels/scrisk-*.whl)
[ "${#wheels[@]}" -eq 1 ] || { echo "error: expected one wheel, got ${wheels[*]}" >&2; exit 1; }

"$py" -m pip install --quiet --disable-pip-version-check "${wheels[0]}"
# The installed command is cargo's release binary, byte for byte.
cmp "$work/venv/bin/scrisk" "$CARGO_TARGET_DIR/release/scrisk"

echo "wheel installed: ${SECONDS}s"

SCRISK_CLI="$CARGO_TARGET_DIR/release/scrisk" "$py" -m pytest -q -p no:cacheprovider python/tests
echo "python tests: ${SECONDS}s in all"
