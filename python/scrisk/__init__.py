"""scrisk from Python: supply-chain dependency risk analysis in a notebook.

The package ships the ``scrisk`` command-line binary, and every function here runs it: the
tables are written to a temporary dataset, the binary analyses it and writes its JSON report
(MODEL.md section 7), and the report's tables come back as Polars DataFrames. The numbers are
the command line's by construction. See docs/python.md.

    import scrisk
    r = scrisk.analyze(firms_df, sourcing_df, components_df, cuts=["country:CN=0.5"])
    r.pairs            # one row per (buyer, component)
    r.sweep["firms"]   # the N-1 firm sweep
    r.json             # the whole JSON report
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

import polars as pl

__all__ = [
    "analyze",
    "validate",
    "whatif",
    "check",
    "find_scrisk_bin",
    "Report",
    "CheckResult",
    "Problem",
    "ScriskError",
    "InputError",
]

# A table: a Polars DataFrame or LazyFrame, a pandas DataFrame, or the path of a .csv or
# .parquet file.
Table = Any
PathLike = Union[str, "os.PathLike[str]"]

# The tables a dataset directory holds, in the file names the binary reads.
_TABLES = ("firms", "sourcing", "components")
# The prefix of the temporary directory a DataFrame dataset is written into.
_TMP_PREFIX = "scrisk-dataset-"


# ---------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class Problem:
    """One problem in the input, as the binary reports it.

    ``file`` is the dataset file (for DataFrame input, the file the table was written to:
    ``firms.csv``, ``sourcing.csv``, ``components.csv``, ``scenarios.toml``); ``row`` is the
    row a spreadsheet shows (the header is row 1, so a DataFrame's row ``i`` is row ``i + 2``;
    in a ``.toml`` file it is the line); ``column`` is the column name. Either may be ``None``
    for a problem about a whole file or column.
    """

    file: str
    row: Optional[int]
    column: Optional[str]
    message: str
    hint: Optional[str] = None

    @property
    def index(self) -> Optional[int]:
        """The 0-based position of the row in its DataFrame (``row - 2``), for table files."""
        if self.row is None or self.file.endswith(".toml"):
            return None
        return self.row - 2

    def __str__(self) -> str:
        where = self.file
        unit = "line" if self.file.endswith(".toml") else "row"
        if self.row is not None and self.column is not None:
            where += f" {unit} {self.row}, column {self.column}"
        elif self.row is not None:
            where += f" {unit} {self.row}"
        elif self.column is not None:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ScriskError(Exception):
    """The binary failed (exit status 2) for a reason other than bad tables: a cut that
    matches no firm, an unreadable path. ``stderr`` holds its message."""

    def __init__(self, message: str, stderr: str = "", returncode: int = 2):
        super().__init__(message)
        self.stderr = stderr
        self.returncode = returncode


class InputError(ScriskError, ValueError):
    """Bad input: ``problems`` lists every problem found, each with file, row and column;
    ``omitted`` counts further problems the binary counted but did not keep (a file with
    thousands of bad rows)."""

    def __init__(self, problems: Sequence[Problem], stderr: str = "", omitted: int = 0):
        self.problems = list(problems)
        self.omitted = omitted
        lines = [f"{len(self.problems) + omitted} problem(s) in the input:"]
        lines += [str(p) for p in self.problems]
        if omitted:
            lines.append(f"... and {omitted} more")
        super().__init__("\n".join(lines), stderr, 2)


# ---------------------------------------------------------------------------------------------
# The binary


def find_scrisk_bin() -> str:
    """The path of the ``scrisk`` binary installed with this package.

    The wheel installs it into the environment's scripts directory (or the user scheme's, for
    ``pip install --user``); an executable named scrisk on PATH is the last resort.
    """
    exe = "scrisk" + (sysconfig.get_config_var("EXE") or "")
    dirs = [sysconfig.get_path("scripts")]
    user_scheme = {"nt": "nt_user", "posix": "posix_user"}.get(os.name)
    if sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    if user_scheme and user_scheme in sysconfig.get_scheme_names():
        dirs.append(sysconfig.get_path("scripts", scheme=user_scheme))
    for d in dirs:
        candidate = os.path.join(d, exe)
        if os.path.isfile(candidate):
            return candidate
    found = shutil.which(exe)
    if found:
        return found
    raise FileNotFoundError(f"the scrisk binary was not found in {dirs} nor on PATH")


def _run(args: Sequence[str], cwd: Optional[PathLike] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [find_scrisk_bin(), *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd
    )


# ---------------------------------------------------------------------------------------------
# Writing a dataset


def _write_table(table: Table, directory: Path, name: str) -> None:
    """Writes one table as ``directory/name.csv`` (or copies a .csv/.parquet file)."""
    if isinstance(table, (str, os.PathLike)):
        src = Path(table)
        ext = src.suffix.lower()
        if ext not in (".csv", ".parquet"):
            raise ValueError(f"{name}: expected a .csv or .parquet file, got {src}")
        shutil.copyfile(src, directory / f"{name}{ext}")
        return
    if isinstance(table, pl.LazyFrame):
        table = table.collect()
    target = directory / f"{name}.csv"
    if isinstance(table, pl.DataFrame):
        table.write_csv(target)
    elif hasattr(table, "to_csv") and hasattr(table, "columns"):
        # pandas: a named index (set_index("firm_id")) is a column of the table.
        if any(n is not None for n in table.index.names):
            table = table.reset_index()
        # Floats are written with repr, which reads back to the same number.
        table.to_csv(target, index=False)
    else:
        raise TypeError(
            f"{name}: expected a Polars or pandas DataFrame or a file path, "
            f"got {type(table).__name__}"
        )


def _toml_string(s: str) -> str:
    # A JSON string is a valid TOML basic string once non-ASCII is escaped as \uXXXX.
    return json.dumps(str(s), ensure_ascii=True)


def _scenarios_toml(scenarios: Iterable[Mapping[str, Any]]) -> str:
    """``[[scenario]]`` tables from dicts with ``name``, ``cuts`` and optional
    ``description`` and ``duration_days``."""
    out = []
    for s in scenarios:
        unknown = set(s) - {"name", "description", "cuts", "duration_days"}
        if unknown:
            raise ValueError(f"scenario {s.get('name')!r}: unknown keys {sorted(unknown)}")
        out.append("[[scenario]]")
        out.append(f"name = {_toml_string(s['name'])}")
        if s.get("description") is not None:
            out.append(f"description = {_toml_string(s['description'])}")
        cuts = s.get("cuts", [])
        if isinstance(cuts, str):
            cuts = [cuts]
        out.append("cuts = [" + ", ".join(_toml_string(c) for c in cuts) + "]")
        if s.get("duration_days") is not None:
            out.append(f"duration_days = {float(s['duration_days'])!r}")
        out.append("")
    return "\n".join(out)


@contextmanager
def _dataset(
    firms: Union[Table, PathLike],
    sourcing: Optional[Table],
    components: Optional[Table],
    scenarios: Union[None, PathLike, Iterable[Mapping[str, Any]]],
    name: str,
    dataset_toml: Optional[PathLike] = None,
) -> Iterator[Path]:
    """The dataset directory to run on: ``firms`` itself when it is a dataset path, else a
    temporary directory named ``name`` holding the tables."""
    if sourcing is None:
        if not isinstance(firms, (str, os.PathLike)):
            raise TypeError("sourcing is required unless firms is a dataset path")
        if components is not None or scenarios is not None or dataset_toml is not None:
            raise ValueError(
                "components=, scenarios= and dataset_toml= go with DataFrames; a dataset "
                "directory has its own components, scenarios.toml and dataset.toml"
            )
        yield Path(firms)
        return
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"name must be a plain directory name, got {name!r}")
    with tempfile.TemporaryDirectory(prefix=_TMP_PREFIX) as tmp:
        d = Path(tmp) / name
        d.mkdir()
        for table_name, table in zip(_TABLES, (firms, sourcing, components)):
            if table is not None:
                _write_table(table, d, table_name)
        if isinstance(scenarios, (str, os.PathLike)):
            shutil.copyfile(scenarios, d / "scenarios.toml")
        elif scenarios is not None:
            (d / "scenarios.toml").write_text(_scenarios_toml(scenarios), encoding="utf-8")
        if dataset_toml is not None:
            shutil.copyfile(dataset_toml, d / "dataset.toml")
        yield d


def _input_flags(capacity: bool, normalize_shares: bool) -> list:
    flags = []
    if capacity:
        flags.append("--capacity")
    if normalize_shares:
        flags.append("--normalize-shares")
    return flags


def _problems_or_error(path: Path, flags: Sequence[str], failed: subprocess.CompletedProcess):
    """The exception for a run that exited with status 2: an InputError with the problems
    `scrisk validate --format json` finds, else a ScriskError with the run's stderr."""
    v = _run(["validate", str(path), "--format", "json", *flags])
    return _error_from(v, path, failed.stderr, failed.returncode)


def _error_from(v: subprocess.CompletedProcess, path: Path, stderr: str, returncode: int):
    """InputError from the output of `scrisk validate --format json`, if it lists problems."""
    try:
        doc = json.loads(v.stdout)
        found = doc["problems"] + [p for ds in doc["datasets"] for p in ds["problems"]]
    except (ValueError, KeyError, TypeError):
        found = []
    problems = [_problem(p, path) for p in found if not p.get("omitted")]
    omitted = sum(p.get("omitted") or 0 for p in found)
    if problems or omitted:
        return InputError(problems, stderr, omitted)
    return ScriskError(stderr.strip() or "scrisk failed", stderr, returncode)


def _problem(p: Mapping[str, Any], dataset: Path) -> Problem:
    file = p["file"]
    # A temporary dataset's files are named as the user knows them: sourcing.csv, not its path.
    if dataset.parent.name.startswith(_TMP_PREFIX):
        try:
            file = Path(file).relative_to(dataset).as_posix()
        except ValueError:
            pass
    return Problem(file, p.get("row"), p.get("column"), p["message"], p.get("hint"))


# ---------------------------------------------------------------------------------------------
# Results

_F = pl.Float64
_S = pl.String
_PAIR = {
    "buyer": _S, "component": _S, "suppliers": pl.Int64, "hhi_supplier": _F,
    "hhi_country": _F, "hhi_group": _F, "level": _S, "exposure": _S, "annual_value": _F,
}
_COMPONENT = {
    "component": _S, "hhi_supplier": _F, "hhi_country": _F, "hhi_group": _F, "level": _S,
    "top_supplier": _S, "top_supplier_share": _F, "top_country": _S, "top_country_share": _F,
}
_IN_HOUSE = {"firm": _S, "in_house_share": _F}
_END_FIRM = {"firm": _S, "output_value": _F}
_IMPACT = {
    "scenario": _S, "firm": _S, "availability": _F, "loss": _F, "value_at_risk": _F,
    "tts_days": _F, "exposure_days": _F, "time_weighted_loss": _F,
}
_SCENARIO = {
    "name": _S, "cuts": pl.List(_S), "total_value_at_risk": _F, "capacity_lost_value": _F,
    "capacity_tts_days": _F, "capacity_exposure_days": _F,
}
_ENTRY = {"key": _S, "value_at_risk": _F, "max_loss": _F, "chokepoint_for": pl.List(_S)}
_FIRM_ENTRY = {**_ENTRY, "time_weighted_loss": _F, "risk_exposure_index": _F}
_CAPACITY_ENTRY = {
    "key": _S, "lost_value": _F, "tts_days": _F, "exposure_days": _F, "risk_exposure_index": _F,
}
_HIDDEN = {"firm": _S, "country": _S, "tier1_share": _F, "all_tier_exposure": _F}


def _frame(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)


class Report:
    """One dataset's analysis: the JSON report (``json``), the markdown report (``markdown``)
    and its tables as Polars DataFrames, in the JSON's order."""

    def __init__(self, doc: Mapping[str, Any], markdown: Optional[str] = None, stderr: str = ""):
        self.json = doc
        self.markdown = markdown
        self.stderr = stderr
        self.dataset: str = doc["dataset"]
        self.summary: dict = dict(doc["summary"])
        self.notes: list = list(doc.get("notes", []))
        self.pairs = _frame(doc["pairs"], _PAIR)
        self.components = _frame(doc["components"], _COMPONENT)
        self.in_house = _frame(doc["in_house"], _IN_HOUSE)
        self.end_firms = _frame(doc["end_firms"], _END_FIRM)
        self.scenarios = _frame(
            [
                {
                    "name": s["name"],
                    "cuts": s["cuts"],
                    "total_value_at_risk": s["total_value_at_risk"],
                    **{f"capacity_{k}": v for k, v in (s.get("capacity") or {}).items()},
                }
                for s in doc["scenarios"]
            ],
            _SCENARIO,
        )
        self.scenario_impacts = _frame(
            [{"scenario": s["name"], **e} for s in doc["scenarios"] for e in s["end_firms"]],
            _IMPACT,
        )
        sweep = doc["sweep"]
        self.sweep = {
            "firms": _frame(sweep["firms"], _FIRM_ENTRY),
            "countries": _frame(sweep["countries"], _ENTRY),
            "regions": _frame(sweep["regions"], _ENTRY),
            "groups": _frame(sweep["groups"], _ENTRY),
        }
        if sweep.get("capacity_firms") is not None:
            self.sweep["capacity_firms"] = _frame(sweep["capacity_firms"], _CAPACITY_ENTRY)
        self.hidden_concentration = _frame(doc["hidden_concentration"], _HIDDEN)

    def _repr_markdown_(self) -> Optional[str]:
        # Jupyter shows the markdown report.
        return self.markdown

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<scrisk.Report {self.dataset!r}: {s['firms']} firms, {s['sourcing_rows']} "
            f"sourcing rows, {len(self.scenarios)} scenarios>"
        )


@dataclass
class CheckResult:
    """What ``scrisk check --format json`` prints, with ``passed`` (no unwaived deny finding)
    and the findings as a DataFrame (one row per finding, with its dataset)."""

    json: dict
    passed: bool
    findings: pl.DataFrame


# ---------------------------------------------------------------------------------------------
# The commands


def analyze(
    firms: Union[Table, PathLike],
    sourcing: Optional[Table] = None,
    components: Optional[Table] = None,
    scenarios: Union[None, PathLike, Iterable[Mapping[str, Any]]] = None,
    cuts: Iterable[str] = (),
    capacity: bool = False,
    *,
    normalize_shares: bool = False,
    dataset_toml: Optional[PathLike] = None,
    recovery_days: Optional[float] = None,
    sweep: bool = True,
    name: str = "dataset",
) -> Report:
    """Analyses one dataset, as ``scrisk analyze --format both`` does.

    ``firms``, ``sourcing`` and ``components`` are Polars or pandas DataFrames (or .csv /
    .parquet paths) with the columns of README.md's dataset table; or ``firms`` is the path of
    a dataset directory or .xlsx workbook and the other tables are left out. ``scenarios`` is a
    list of dicts (``name``, ``cuts``, optional ``description`` and ``duration_days``) or the
    path of a scenarios.toml; ``dataset_toml`` the path of a dataset.toml (title, currency,
    sources, ``[analysis] capacity``) for the tables. ``cuts`` are ``--cut`` selectors, reported as the scenario
    ``cli``; ``capacity`` turns on the capacity model (``--capacity``); ``sweep=False`` skips
    the N-1 sweeps (``--no-sweep``); ``name`` is the dataset's name in the report.

    Raises :class:`InputError` (with every problem's file, row and column) on bad input.
    """
    flags = _input_flags(capacity, normalize_shares)
    extra = [f"--cut={c}" for c in ([cuts] if isinstance(cuts, str) else cuts)]
    if recovery_days is not None:
        extra += ["--recovery-days", repr(float(recovery_days))]
    if not sweep:
        extra.append("--no-sweep")
    with _dataset(firms, sourcing, components, scenarios, name, dataset_toml) as path, \
            tempfile.TemporaryDirectory(prefix="scrisk-out-") as out:
        r = _run(["analyze", str(path), "--out", out, "--format", "both", "--no-progress",
                  *flags, *extra])
        if r.returncode != 0:
            raise _problems_or_error(path, flags, r)
        reports = sorted(Path(out).glob("*.json"))
        if len(reports) != 1:
            raise ValueError(
                f"{path} holds {len(reports)} datasets; analyse one dataset at a time"
            )
        doc = json.loads(reports[0].read_text(encoding="utf-8"))
        md = reports[0].with_suffix(".md")
        markdown = md.read_text(encoding="utf-8") if md.exists() else None
    return Report(doc, markdown, r.stderr)


def validate(
    firms: Union[Table, PathLike],
    sourcing: Optional[Table] = None,
    components: Optional[Table] = None,
    scenarios: Union[None, PathLike, Iterable[Mapping[str, Any]]] = None,
    capacity: bool = False,
    *,
    normalize_shares: bool = False,
    dataset_toml: Optional[PathLike] = None,
    name: str = "dataset",
) -> dict:
    """Checks a dataset (``scrisk validate --format json``) and returns its summary (firms,
    components, sourcing rows, end firms, countries, cycles); raises :class:`InputError`
    listing every problem."""
    flags = _input_flags(capacity, normalize_shares)
    with _dataset(firms, sourcing, components, scenarios, name, dataset_toml) as path:
        r = _run(["validate", str(path), "--format", "json", *flags])
        if r.returncode != 0:
            raise _error_from(r, path, r.stderr, r.returncode)
    doc = json.loads(r.stdout)
    summaries = [d["summary"] for d in doc["datasets"]]
    return summaries[0] if len(summaries) == 1 else summaries


def whatif(
    firms: Union[Table, PathLike],
    sourcing: Optional[Table] = None,
    components: Optional[Table] = None,
    *,
    cuts: Iterable[str],
    days: Optional[float] = None,
    capacity: bool = False,
    normalize_shares: bool = False,
    dataset_toml: Optional[PathLike] = None,
    name: str = "dataset",
) -> str:
    """Answers one what-if question (``scrisk whatif``): returns its markdown answer. For the
    numbers as a table use ``analyze(..., cuts=[...], sweep=False).scenario_impacts``."""
    flags = _input_flags(capacity, normalize_shares)
    args = [f"--cut={c}" for c in ([cuts] if isinstance(cuts, str) else cuts)]
    if days is not None:
        args += ["--days", repr(float(days))]
    with _dataset(firms, sourcing, components, None, name, dataset_toml) as path:
        r = _run(["whatif", str(path), *flags, *args])
        if r.returncode != 0:
            raise _problems_or_error(path, flags, r)
    return r.stdout


def check(
    firms: Union[Table, PathLike],
    sourcing: Optional[Table] = None,
    components: Optional[Table] = None,
    scenarios: Union[None, PathLike, Iterable[Mapping[str, Any]]] = None,
    *,
    policy: Optional[PathLike] = None,
    today: Optional[str] = None,
    capacity: bool = False,
    normalize_shares: bool = False,
    dataset_toml: Optional[PathLike] = None,
    name: str = "dataset",
) -> CheckResult:
    """Runs the policy gate (``scrisk check --format json``) with the policy file ``policy``
    (default: the built-in rules, the ones ``scrisk init`` writes; a scrisk.toml in the
    current directory is not read implicitly)."""
    flags = _input_flags(capacity, normalize_shares)
    args = ["--format", "json"]
    if policy is not None:
        args += ["--policy", str(Path(policy).resolve())]
    if today is not None:
        args += ["--today", str(today)]
    with _dataset(firms, sourcing, components, scenarios, name, dataset_toml) as path, \
            tempfile.TemporaryDirectory(prefix="scrisk-check-") as empty:
        # Run in an empty directory so that no ./scrisk.toml is picked up.
        r = _run(["check", str(Path(path).resolve()), *flags, *args], cwd=empty)
        if r.returncode not in (0, 1):
            raise _problems_or_error(path, flags, r)
    doc = json.loads(r.stdout)
    rows = [
        {"dataset": d["dataset"], **f} for d in doc["datasets"] for f in d["findings"]
    ] + [{"dataset": None, **f} for f in doc["policy"]]
    findings = pl.DataFrame(
        [
            {
                "dataset": f["dataset"], "code": f["code"], "level": f["level"],
                "subject": f["subject"], "message": f["message"], "waived": f.get("waived"),
            }
            for f in rows
        ],
        schema={"dataset": _S, "code": _S, "level": _S, "subject": _S, "message": _S,
                "waived": _S},
    )
    return CheckResult(doc, r.returncode == 0, findings)
