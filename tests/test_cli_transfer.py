"""`cenlab transfer`: a summary and exit 0 on success; bad input is one line, exit 2, no output."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from cenlab.cli import main
from cenlab.files import write_tables
from cenlab.synth import make_seizures


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extract")
    x = make_seizures(150, seed=8, start="2024-01-01", end="2025-06-30", nominal=True)
    write_tables(x.tables(), folder)
    return folder


def cli(*args):
    return main(["transfer", *map(str, args)])


def test_transfer_sends_then_sends_nothing_new(extract_dir, tmp_path, capsys):
    n = len(pd.read_csv(extract_dir / "seizures.csv"))
    assert cli("--from", extract_dir, "--outbox", tmp_path / "out") == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"Sent {n:,} new and 0 updated records (in {tmp_path / 'out'}/batch-000001-"
    )
    assert out.rstrip().endswith(
        f"0 held back with the reasons -> {tmp_path / 'out' / 'rejects.csv'}"
    )
    assert cli("--from", extract_dir, "--outbox", tmp_path / "out") == 0
    assert capsys.readouterr().out.startswith("Sent 0 new and 0 updated records (nothing new")
    assert len(list((tmp_path / "out").glob("batch-*"))) == 1


def test_state_file_can_live_elsewhere(extract_dir, tmp_path, capsys):
    state = tmp_path / "private" / "cen-state.json"
    assert cli("--from", extract_dir, "--outbox", tmp_path / "out", "--state", state) == 0
    assert len(json.loads(state.read_text())["sent"]) == len(
        pd.read_csv(extract_dir / "seizures.csv")
    )
    assert not (tmp_path / "out" / "state.json").exists()


def test_records_failing_the_rules_are_counted_and_listed(extract_dir, tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in extract_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    s = pd.read_csv(bad / "seizures.csv", keep_default_na=False, na_values=[""], dtype=str)
    s.loc[0, "seizure_date"] = "04/03/2025"
    s.to_csv(bad / "seizures.csv", index=False)
    assert cli("--from", bad, "--outbox", tmp_path / "out", "--as-of", "2026-01-01") == 0
    assert "; 1 held back with the reasons" in capsys.readouterr().out
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert rejects[["seizure_id", "field", "rule"]].values.tolist() == [
        [s.loc[0, "seizure_id"], "seizure_date", "date_format"]
    ]


def extract_folder(d, x, *, drop=None, without=None):
    """``x`` written into ``d``, with one column dropped from one table or one table left out."""
    write_tables(x.tables(), d)
    if drop:
        table, column = drop
        getattr(x, table).drop(columns=column).to_csv(d / f"{table}.csv", index=False)
    if without:
        (d / f"{without}.csv").unlink()
    return d


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d, x: d / "missing", "extract folder '{d}/missing' does not exist"),
        (lambda d, x: d, "no seizures.csv in extract folder '{d}'"),
        (
            lambda d, x: extract_folder(d, x, drop=("seizures", "quantity")),
            "cannot read {d}/seizures.csv: missing columns quantity",
        ),
        (
            lambda d, x: extract_folder(d, x, without="companies"),
            "no companies.csv in extract folder '{d}'",
        ),
        (
            lambda d, x: extract_folder(d, x, drop=("persons", "nationality")),
            "persons.csv is missing columns: nationality",
        ),
    ],
)
def test_bad_extract_is_one_line_exit_2_and_nothing_written(setup, message, tmp_path, capsys):
    x = make_seizures(5, seed=1, nominal=True)
    source = setup(tmp_path, x)
    assert cli("--from", source, "--outbox", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cenlab transfer: error: {message.format(d=tmp_path)}")
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_day_of_check_that_is_no_date_is_one_line_exit_2(extract_dir, tmp_path, capsys):
    assert cli("--from", extract_dir, "--outbox", tmp_path / "out", "--as-of", "31/12/2025") == 2
    assert capsys.readouterr().err == (
        "cenlab transfer: error: the day of the check must be a date like 2025-12-31, "
        "got '31/12/2025'\n"
    )
    assert not (tmp_path / "out").exists()


def test_unreadable_state_file_is_one_line_exit_2_and_nothing_written(extract_dir, tmp_path):
    state = tmp_path / "state.json"
    state.write_text("{half a file")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "cenlab.cli",
            "transfer",
            "--from",
            str(extract_dir),
            "--outbox",
            str(tmp_path / "out"),
            "--state",
            str(state),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert (
        r.stderr
        == f"cenlab transfer: error: cannot read state file {str(state)!r}: not valid JSON\n"
    )
    assert not (tmp_path / "out").exists()
