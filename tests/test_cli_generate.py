"""`cenlab generate` and `cenlab datasets`: files written, errors as one line with exit code 2."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cenlab.synth import datasets

ROOT = Path(__file__).resolve().parents[1]


def cenlab(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "cenlab.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_generate_writes_csv_and_nominal_tables(tmp_path):
    out = tmp_path / "out"
    r = cenlab("generate", "--cases", "200", "--seed", "4", "--nominal", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "companies.csv",
        "conveyances.csv",
        "persons.csv",
        "seizures.csv",
    ]
    df = pd.read_csv(out / "seizures.csv", keep_default_na=False, na_values=[""])
    assert df["case_id"].nunique() == 200
    assert df.drop(columns="reported_date").notna().all().all()
    assert df["reported_date"].isna().all()  # an nCEN extract: not yet reported to CEN


def test_generate_parquet_round_trips_and_matches_csv(tmp_path):
    assert (
        cenlab(
            "generate", "--cases", "50", "--format", "parquet", "--out", str(tmp_path)
        ).returncode
        == 0
    )
    assert cenlab("generate", "--cases", "50", "--out", str(tmp_path)).returncode == 0
    pq = pd.read_parquet(tmp_path / "seizures.parquet")
    csv = pd.read_csv(tmp_path / "seizures.csv", keep_default_na=False, na_values=[""])
    assert pq["seizure_id"].astype(str).tolist() == csv["seizure_id"].tolist()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cases", "-5"], "cenlab generate: error: --cases must be zero or more, got -5"),
        (
            ["--cases", "5", "--format", "xlsx"],
            "cenlab generate: error: unknown format 'xlsx'; accepted: csv, parquet",
        ),
        (
            ["--cases", "5", "--start", "2025-03-01", "--end", "2025-01-01"],
            "cenlab generate: error: end date 2025-01-01 is before start date 2025-03-01",
        ),
        (
            ["--cases", "5", "--start", "yesterday-ish"],
            "cenlab generate: error: start must be a date like 2025-12-31, got 'yesterday-ish'",
        ),
    ],
)
def test_bad_input_one_line_exit_2_no_files(tmp_path, args, message):
    out = tmp_path / "out"
    r = cenlab("generate", *args, "--out", str(out))
    assert r.returncode == 2
    assert r.stderr.strip().startswith(message)
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_folder_that_cannot_be_created_is_refused(tmp_path):
    """/proc refuses new folders even to root, so this holds for every user."""
    r = cenlab("generate", "--cases", "5", "--out", "/proc/cenlab-out")
    assert r.returncode == 2
    assert r.stderr.startswith(
        "cenlab generate: error: cannot create output folder '/proc/cenlab-out'"
    )
    assert "Traceback" not in r.stderr


def test_output_path_that_is_a_file_is_refused_and_kept(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    r = cenlab("generate", "--cases", "5", "--out", str(target))
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        == f"cenlab generate: error: output folder '{target}' is a file, not a folder"
    )
    assert target.read_text() == "my notes"


def test_failed_write_leaves_no_partial_files(tmp_path, monkeypatch):
    """An error while writing the third table leaves neither the first two nor a temp folder."""
    from cenlab.files import write as output
    from cenlab.synth import make_seizures

    calls = []
    real = output.write_table

    def flaky(df, path, fmt):
        calls.append(path.name)
        if len(calls) == 3:
            raise OSError("disk full")
        real(df, path, fmt)

    monkeypatch.setattr(output, "write_table", flaky)
    data = make_seizures(20, seed=1, nominal=True)
    with pytest.raises(OSError, match="disk full"):
        output.write_tables(data.tables(), tmp_path, fmt="csv")
    assert list(tmp_path.iterdir()) == []


def test_committed_datasets_match_a_fresh_build():
    assert datasets.check(ROOT / "datasets") == []
