"""``cenlab validate FILE``: the report on stdout, exit 0 (no errors), 1 (errors) or 2 (a file it
cannot read, with one line naming the problem and never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from cenlab.reference.defects import DEFECT_TYPES
from cenlab.reference.reporting import LATE_AFTER_DAYS
from cenlab.synth import inject_defects, make_seizures


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "cenlab.cli", "validate", *args]
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


COUNTS: dict[str, int] = {}  # filled by the files fixture


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validate")
    cen = make_seizures(400, seed=9)
    cen.to_csv(folder / "cen.csv", index=False)
    clean = cen.assign(reported_date=pd.NaT)  # an office's file: not yet reported to CEN
    clean.to_csv(folder / "clean.csv", index=False)
    damaged, _ = inject_defects(clean, seed=2, rates={"unit_mixup": 0.05, "future_date": 0.02})
    damaged.to_csv(folder / "damaged.csv", index=False)
    warnings_only = dict.fromkeys(DEFECT_TYPES, 0.0) | {"double_counted_case": 0.05}
    only_warnings, key = inject_defects(clean, seed=2, rates=warnings_only)
    only_warnings.to_parquet(folder / "warnings.parquet")
    # The sizes the reports must state, taken from the data rather than written down.
    late = (cen["reported_date"] - cen["seizure_date"]).dt.days > LATE_AFTER_DAYS
    COUNTS.update(clean=len(clean), damaged=len(damaged), copies=len(key), late=int(late.sum()))
    COUNTS.update(last_report=f"{cen['reported_date'].max():%Y-%m-%d}")
    return folder


def test_a_clean_file_exits_0_with_a_report(files):
    done = run("clean.csv", "--as-of", "2026-06-30", cwd=files)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(
        f"Data quality: {COUNTS['clean']} records checked as of 2026-06-30, score 100.0 out of 100."
    )
    assert "completeness" in done.stdout and done.stderr == ""


def test_late_reports_to_cen_are_warnings_that_name_the_delay(files):
    done = run("cen.csv", "--as-of", COUNTS["last_report"], "--format", "csv", cwd=files)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(pd.io.common.StringIO(done.stdout), keep_default_na=False)
    assert set(table["rule"]) == {"reported_late"} and len(table) == COUNTS["late"] > 0
    assert (
        table["message"].str.contains(r" is \d+ days after the seizure .*more than 90 days").all()
    )
    early = run("cen.csv", "--as-of", "2026-01-31", cwd=files)  # before every report arrived
    assert early.returncode == 1 and "reported_in_future" not in early.stdout
    assert "is after the day of the check (2026-01-31)" in early.stdout


def test_a_file_with_errors_exits_1_and_lists_them(files):
    done = run("damaged.csv", "--as-of", "2026-06-30", "--max-findings", "3", cwd=files)
    assert done.returncode == 1
    assert "First 3 of " in done.stdout
    assert "more: use --format csv to list them all." in done.stdout


def test_warnings_alone_exit_0(files):
    done = run("warnings.parquet", "--as-of", "2026-06-30", cwd=files)
    assert done.returncode == 0, done.stdout
    copies = COUNTS["copies"]  # each copied record is one warning
    assert copies > 5
    assert f"0 errors and {copies} warnings on {copies} records" in done.stdout
    assert "seizure_id  warning: This record repeats row" in done.stdout


def test_csv_and_json_give_every_finding(files):
    as_csv = run("damaged.csv", "--format", "csv", "--as-of", "2026-06-30", cwd=files)
    table = pd.read_csv(pd.io.common.StringIO(as_csv.stdout), keep_default_na=False)
    assert list(table.columns) == [
        "row",
        "field",
        "rule",
        "dimension",
        "severity",
        "value",
        "message",
    ]
    as_json = json.loads(
        run("damaged.csv", "--format", "json", "--as-of", "2026-06-30", cwd=files).stdout
    )
    assert len(as_json["findings"]) == len(table) > 10
    assert as_json["records"] == COUNTS["damaged"] and set(as_json["dimensions"]) == set(
        table["dimension"]
    ) | {
        "completeness",
        "validity",
        "consistency",
        "plausibility",
        "uniqueness",
        "timeliness",
    }
    assert {"future_date", "unit_for_commodity", "value_per_unit"} <= set(table["rule"])


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.csv", None, "file not found"),
        ("empty.csv", b"", "the file is empty"),
        (
            "latin.csv",
            "case_id,seizure_id\nC1,Zürich\n".encode("latin-1"),
            "the file is not UTF-8 text (in a spreadsheet, save it as 'CSV UTF-8')",
        ),
        (
            "seizures.xlsx",
            b"PK\x03\x04" + b"\x00" * 50,
            "it is a spreadsheet workbook; save it as 'CSV UTF-8' first",
        ),
        (
            "seizures.json",
            b'{"a": 1}',
            "not a CSV or Parquet file (the name should end in .csv or .parquet)",
        ),
        (
            "few.csv",
            b"case_id,seizure_id,unit\nC1,C1-1,kg\n",
            "missing columns seizure_date, reporting_country, office, location_type, direction, "
            "section, commodity, quantity, detection_method, concealment, conveyance, "
            "departure_country, destination_country, ecommerce (a seizure file needs the CEN field "
            "names as column names)",
        ),
    ],
)
def test_a_file_it_cannot_read_exits_2_with_one_line(tmp_path, name, content, problem):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    done = run(name, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"cenlab validate: error: cannot read {name}: {problem}\n"


def test_a_bad_date_option_exits_2(files):
    done = run("clean.csv", "--as-of", "soon", cwd=files)
    assert (done.returncode, done.stderr) == (
        2,
        "cenlab validate: error: as_of must be a date like 2025-12-31, got 'soon'\n",
    )
