"""The Python package against the command line: the same reports from a dataset path and from
pandas and Polars DataFrames, bad input raised with file, row and column, and the docs' example
run as it stands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import scrisk
from conftest import DATASETS, ROOT

EXAMPLE = ROOT / "tests" / "fixtures" / "example"
BAD = sorted((ROOT / "tests" / "corpus" / "bad").iterdir())


def ids(paths):
    return [p.name for p in paths]


def test_the_wheel_installed_the_module_and_the_binary_into_this_environment():
    # Not the sources in python/scrisk: the installed package.
    assert Path(sys.prefix) in Path(scrisk.__file__).resolve().parents, scrisk.__file__
    exe = Path(scrisk.find_scrisk_bin())
    assert exe.parent == Path(sysconfig.get_path("scripts")), exe
    assert Path(sys.prefix) in exe.parents


def test_the_shipped_datasets_exist():
    assert [d.name for d in DATASETS] == ["ev-battery-chain", "leapmotor-jinhua"]


@pytest.mark.parametrize("dataset", DATASETS, ids=ids(DATASETS))
def test_a_dataset_path_gives_the_cli_report(cli, tmp_path, dataset):
    expected = cli.report(dataset, tmp_path)
    r = scrisk.analyze(dataset)
    assert r.json == expected
    assert r.dataset == dataset.name
    assert r.markdown == (ROOT / "reports" / f"{dataset.name}.md").read_text(encoding="utf-8")
    # The DataFrames hold the JSON's rows and numbers, in its order.
    assert r.pairs.to_dicts() == expected["pairs"]
    assert r.components.to_dicts() == expected["components"]
    assert r.in_house.to_dicts() == expected["in_house"]
    assert r.end_firms.to_dicts() == expected["end_firms"]
    assert r.hidden_concentration.to_dicts() == expected["hidden_concentration"]
    for key in ("firms", "countries", "regions", "groups", "capacity_firms"):
        # Country, region and group entries have no time_weighted_loss: the column is null.
        exp = expected["sweep"][key]
        rows = r.sweep[key].to_dicts()
        assert [{k: row[k] for k in e} for row, e in zip(rows, exp)] == exp, key
        assert len(rows) == len(exp), key
    impacts = [
        {"scenario": s["name"], **e} for s in expected["scenarios"] for e in s["end_firms"]
    ]
    assert r.scenario_impacts.to_dicts() == impacts
    assert r.scenarios["name"].to_list() == [s["name"] for s in expected["scenarios"]]
    assert r.scenarios["total_value_at_risk"].to_list() == [
        s["total_value_at_risk"] for s in expected["scenarios"]
    ]
    # Both shipped datasets turn the capacity model on in dataset.toml.
    assert r.scenarios["capacity_lost_value"].to_list() == [
        s["capacity"]["lost_value"] for s in expected["scenarios"]
    ]
    assert r.sweep["firms"].height > 0 and r.scenarios.height > 0


def _tables(dataset: Path, read):
    return {t: read(dataset / f"{t}.csv") for t in ("firms", "sourcing", "components")}


READERS = {
    "polars": lambda p: pl.read_csv(p, infer_schema_length=None),
    "pandas": pd.read_csv,
}


@pytest.mark.parametrize("dataset", DATASETS, ids=ids(DATASETS))
@pytest.mark.parametrize("library", sorted(READERS))
def test_dataframes_give_the_report_of_the_dataset_path(cli, tmp_path, dataset, library):
    expected = cli.report(dataset, tmp_path)
    with open(dataset / "scenarios.toml", "rb") as f:
        scenarios = tomllib.load(f)["scenario"]
    tables = _tables(dataset, READERS[library])
    # capacity=True: the shipped datasets turn the model on in their dataset.toml.
    r = scrisk.analyze(
        **tables, scenarios=scenarios, capacity=True, name=dataset.name
    )
    # Without dataset.toml the source column names ids nothing declares: not checked, a note.
    notes = r.json.pop("notes")
    assert notes and all("source column was not checked" in n for n in notes), notes
    assert r.json == {k: v for k, v in expected.items() if k != "notes"}
    # A scenarios.toml path and a LazyFrame do as well; with the dataset.toml (title, sources,
    # capacity = true) the markdown report is the committed one too.
    if library == "polars":
        tables["sourcing"] = tables["sourcing"].lazy()
        r = scrisk.analyze(
            **tables, scenarios=dataset / "scenarios.toml", dataset_toml=dataset / "dataset.toml",
            name=dataset.name,
        )
        assert r.json == expected
        committed = ROOT / "reports" / f"{dataset.name}.md"
        assert r.markdown == committed.read_text(encoding="utf-8")


@pytest.mark.parametrize("library", sorted(READERS))
def test_a_generated_network_gives_the_same_report_from_dataframes(cli, tmp_path, library):
    # A dataset none of the tests was written for: regions, groups, in-house rows, cycles.
    ds = tmp_path / "generated"
    g = cli.run("generate", ds, "--firms", "300", "--seed", "7")
    assert g.returncode == 0, g.stderr
    expected = cli.report(ds, tmp_path)
    assert expected["summary"]["firms"] == 300
    tables = {t: READERS[library](ds / f"{t}.csv") for t in ("firms", "sourcing")}
    r = scrisk.analyze(**tables, scenarios=ds / "scenarios.toml", name="generated")
    assert r.json == expected
    assert r.sweep["regions"].height == len(expected["sweep"]["regions"]) > 0


def test_a_pandas_index_is_a_column(cli, tmp_path):
    firms = pd.read_csv(EXAMPLE / "firms.csv").set_index("firm_id")
    sourcing = pd.read_csv(EXAMPLE / "sourcing.csv").set_index(["buyer_id", "component"])
    expected = scrisk.analyze(EXAMPLE).json
    got = scrisk.analyze(firms, sourcing, scenarios=EXAMPLE / "scenarios.toml",
                         name="example").json
    assert got == expected


def test_to_pandas_keeps_the_numbers():
    r = scrisk.analyze(EXAMPLE)
    df = r.pairs.to_pandas()
    assert list(df.columns) == list(r.json["pairs"][0])
    assert df["hhi_supplier"].tolist() == [p["hhi_supplier"] for p in r.json["pairs"]]


def test_cuts_and_flags_reach_the_cli(cli, tmp_path):
    flags = ["--cut", "country:CN=0.5", "--cut", "firm:catl-nd", "--recovery-days", "45",
             "--no-sweep"]
    expected = cli.report(EXAMPLE, tmp_path, *flags)
    r = scrisk.analyze(EXAMPLE, cuts=["country:CN=0.5", "firm:catl-nd"], recovery_days=45,
                       sweep=False)
    assert r.json == expected
    cli_scenario = r.scenarios.filter(pl.col("name") == "cli")
    assert cli_scenario["cuts"].to_list() == [["country:CN=0.5", "firm:catl-nd"]]
    assert r.sweep["firms"].height == 0


def test_validate_whatif_and_check_match_the_cli(cli, tmp_path):
    assert scrisk.validate(EXAMPLE) == {
        "firms": 11, "components": 9, "sourcing_rows": 18, "end_firms": 2, "countries": 5,
        "cycles": 1,
    }
    frames = {t: pl.read_csv(EXAMPLE / f"{t}.csv") for t in ("firms", "sourcing")}
    assert scrisk.validate(**frames) == scrisk.validate(EXAMPLE)
    w = cli.run("whatif", EXAMPLE, "--cut", "country:CN", "--days", "20")
    assert w.returncode == 0, w.stderr
    assert scrisk.whatif(EXAMPLE, cuts=["country:CN"], days=20) == w.stdout
    assert scrisk.whatif(**frames, cuts=["country:CN"], days=20,
                         dataset_toml=EXAMPLE / "dataset.toml") == w.stdout

    policy = ROOT / "scrisk.toml"
    for dataset in DATASETS:
        c = cli.run("check", dataset, "--format", "json", "--policy", policy,
                    "--today", "2026-06-01")
        assert c.returncode in (0, 1), c.stderr
        got = scrisk.check(dataset, policy=policy, today="2026-06-01")
        assert got.json == json.loads(c.stdout)
        assert got.passed == (c.returncode == 0)
        assert got.findings.height == len(got.json["datasets"][0]["findings"]) + len(
            got.json["policy"]
        )


def test_python_m_scrisk_runs_the_binary(cli):
    r = subprocess.run([sys.executable, "-m", "scrisk", "--version"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == cli.run("--version").stdout


def test_a_bad_dataset_path_raises_with_file_row_and_column():
    case = ROOT / "tests" / "corpus" / "bad" / "39-problems-in-two-files"
    with pytest.raises(scrisk.InputError) as e:
        scrisk.analyze(case)
    got = [(Path(p.file).name, p.row, p.column) for p in e.value.problems]
    assert got == [("firms.csv", 5, "country"), ("sourcing.csv", 6, "share")]
    assert e.value.problems[0].file == str(case / "firms.csv")
    assert '"abc" is not a number' in e.value.problems[1].message
    assert "sourcing.csv row 6, column share" in str(e.value)


@pytest.mark.parametrize("case", BAD, ids=ids(BAD))
def test_every_bad_case_raises_the_problems_the_cli_prints(cli, case):
    text = cli.run("validate", case)
    assert text.returncode == 2
    with pytest.raises(scrisk.InputError) as e:
        scrisk.analyze(case)
    # Every problem the CLI prints (it prints 50 per file) is one of the exception's, written
    # as the CLI writes it.
    printed = [
        line for line in text.stderr.splitlines()
        if line.startswith("error: ") and not re.search(
            r": \d+ (more problems not shown|problems? found; fix (it|them) and run again)$", line
        )
    ]
    raised = [f"error: {str(p).splitlines()[0]}" for p in e.value.problems]
    assert printed and set(printed) <= set(raised), (raised, text.stderr)
    assert len(raised) == len(set(raised)) >= len(printed)


def test_a_bad_dataframe_cell_is_named_by_file_row_and_column():
    sourcing = pl.read_csv(EXAMPLE / "sourcing.csv", infer_schema=False)
    sourcing = sourcing.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("abc")).otherwise(pl.col("share"))
        .alias("share")
    )
    firms = pd.read_csv(EXAMPLE / "firms.csv", keep_default_na=False)
    firms.loc[2, "country"] = "QQ"
    with pytest.raises(scrisk.InputError) as e:
        scrisk.analyze(firms, sourcing)
    got = [(p.file, p.row, p.index, p.column) for p in e.value.problems]
    assert got == [("firms.csv", 4, 2, "country"), ("sourcing.csv", 6, 4, "share")]
    assert isinstance(e.value, ValueError)


def test_a_cut_that_matches_no_firm_is_an_error_not_zero_impact():
    with pytest.raises(scrisk.ScriskError) as e:
        scrisk.analyze(EXAMPLE, cuts=["firm:no-such-firm"])
    assert not isinstance(e.value, scrisk.InputError)
    assert "matches no firm" in str(e.value)


def test_the_docs_example_runs(monkeypatch, capsys):
    """docs/python.md's code blocks, run in order from the repository root as a notebook would;
    the output the page shows for the bad input is what it prints."""
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/python.md", "exec"), namespace)
    shown = re.search(r"except scrisk.InputError.*?```\n\n?```text\n(.*?)```", text, flags=re.S)
    assert shown, "the page shows the bad input's output"
    assert shown.group(1) in capsys.readouterr().out
    report = namespace["report"]
    assert isinstance(report, scrisk.Report)
    assert report.json == scrisk.analyze(
        ROOT / "datasets" / "ev-battery-chain"
    ).json
