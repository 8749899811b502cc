#!/usr/bin/env python3
"""Run scrisk's N-1 sweeps as Ray tasks, one task per shard, then merge the parts.

    python ray_sweep.py DATA --shards N --out DIR [--address auto] [--scrisk PATH]
                        [--cpus-per-shard C] [--parts DIR] [-- ANALYZE-ARGS...]

Each task runs `scrisk analyze DATA --shard K/N` (plus ANALYZE-ARGS, e.g. `--format both`) in
a temporary directory on its worker and returns the part's bytes; the driver writes the parts
to --parts and runs `scrisk merge` into --out. So the workers need the scrisk binary and DATA
at the same paths (a shared or object-store mount, e.g. /dbfs/... on Databricks), but no shared
place to write to. The merge reads DATA again on the driver.

--address: the Ray cluster to join (`auto` for the one `ray start` runs here, `ray://host:10001`
for a remote one); without it, Ray starts a local instance for the driver alone.
Exit status: 0 when the merged reports are written, 1 when a shard or the merge fails.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import ray


@ray.remote
def shard(scrisk, data, k, n, threads, analyze_args):
    """One shard: its part file's (name, bytes), and scrisk's stdout line."""
    with tempfile.TemporaryDirectory(prefix="scrisk-shard-") as out:
        cmd = [scrisk, "analyze", data, "--shard", f"{k}/{n}", "--out", out, "--no-progress"]
        env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
        run = subprocess.run(cmd + analyze_args, capture_output=True, text=True, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"shard {k}/{n} failed ({run.returncode}):\n{run.stderr}")
        parts = []
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), "rb") as f:
                parts.append((name, f.read()))
        return parts, run.stdout.strip()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", help="the dataset (or directory of datasets), as the workers see it")
    p.add_argument("--shards", type=int, required=True, help="N, the number of shards")
    p.add_argument("--out", required=True, help="where the merged reports go")
    p.add_argument("--parts", default=None, help="where the parts go (default: OUT/parts)")
    p.add_argument("--scrisk", default="scrisk", help="the scrisk binary (default: on PATH)")
    p.add_argument("--address", default=None, help="Ray cluster address (e.g. auto)")
    p.add_argument("--cpus-per-shard", type=int, default=1,
                   help="CPUs each shard reserves and uses as threads (default 1)")
    p.epilog = "Arguments after -- go to every scrisk analyze (e.g. -- --format both)."
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = p.parse_args(argv[:cut])
    extra = argv[cut + 1:]
    parts_dir = a.parts or os.path.join(a.out, "parts")
    os.makedirs(parts_dir, exist_ok=True)

    ray.init(address=a.address)
    task = shard.options(num_cpus=a.cpus_per_shard)
    refs = [task.remote(a.scrisk, a.data, k, a.shards, a.cpus_per_shard, extra)
            for k in range(1, a.shards + 1)]
    written = []
    try:
        for parts, line in ray.get(refs):
            print(line, flush=True)
            for name, data in parts:
                path = os.path.join(parts_dir, name)
                with open(path, "wb") as f:
                    f.write(data)
                written.append(path)
    except ray.exceptions.RayTaskError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        ray.shutdown()
    merge = subprocess.run([a.scrisk, "merge", *sorted(written), "--out", a.out])
    return 0 if merge.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
