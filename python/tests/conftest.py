"""Shared by the tests of the Python package: the repository root and the command line the
package is compared against."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import scrisk

ROOT = Path(__file__).resolve().parents[2]
DATASETS = sorted(p for p in (ROOT / "datasets").iterdir() if (p / "firms.csv").exists())


class Cli:
    """The scrisk command line: SCRISK_CLI (CI sets it to cargo's release build), else the
    binary the wheel installed."""

    def __init__(self, exe: str):
        self.exe = exe

    def run(self, *args, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.exe, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
            cwd=cwd,
        )

    def report(self, dataset, tmp_path: Path, *flags) -> dict:
        """The JSON report `scrisk analyze DATASET --format json` writes."""
        out = tmp_path / "cli-reports"
        r = self.run("analyze", dataset, "--format", "json", "--out", out, "--no-progress",
                     *flags)
        assert r.returncode == 0, r.stderr
        (report,) = out.glob("*.json")
        return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(os.environ.get("SCRISK_CLI") or scrisk.find_scrisk_bin())
