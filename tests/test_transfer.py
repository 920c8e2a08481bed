"""The nCEN -> CEN transfer: what goes, in which codes, what is held back and why, and each record
sent exactly once across repeated, changed and interrupted runs."""

import hashlib
import json
from datetime import datetime, timezone

import pandas as pd
import pytest

from cenlab import files, schema, transfer
from cenlab.files import write_tables
from cenlab.reference import cen_mapping as cm
from cenlab.synth import NCENExtract, make_seizures
from cenlab.transfer import outbox

AS_OF = "2026-01-01"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def extract():
    return make_seizures(300, seed=7, start="2024-01-01", end="2025-06-30", nominal=True)


def copy(x: NCENExtract) -> NCENExtract:
    return NCENExtract(*(t.copy() for t in x.tables().values()))


def run(x, outbox, **kw):
    return transfer.transfer(x, outbox, as_of=AS_OF, now=NOW, **kw)


def sent_rows(outbox) -> pd.DataFrame:
    """Every record in every batch of the outbox, with the batch it came in."""
    parts = [
        files.read_seizures(b / "seizures.csv").assign(batch=b.name)
        for b in sorted(outbox.glob("batch-*"))
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["seizure_id"])


# --- what goes -------------------------------------------------------------------------------


def test_only_cen_fields_and_aggregates_go_national_extras_stay(extract):
    x = copy(extract)
    x.seizures["officer_remarks"] = "courier Jan Novak, passport AB1234567"
    cen = transfer.strip_personal(x)
    assert list(cen.columns) == schema.columns() + list(transfer.AGGREGATES)
    pd.testing.assert_frame_equal(cen[schema.columns()], extract.seizures[schema.columns()])
    assert not cen.astype(str).apply(lambda c: c.str.contains("Novak")).any().any()


def test_aggregates_count_persons_by_nationality_age_band_and_gender():
    seizures = (
        make_seizures(3, seed=1)
        .iloc[:3]
        .assign(
            case_id=["C1", "C2", "C3"],
            seizure_id=["C1-1", "C2-1", "C3-1"],
            seizure_date=pd.Timestamp("2025-06-14"),
        )
    )
    persons = pd.DataFrame(
        {
            "case_id": ["C1", "C1", "C1", "C1", "C2", "C9"],
            "date_of_birth": [
                "1990-06-15",
                "2007-06-14",
                "2007-06-15",
                "",
                "1950-01-01",
                "1980-01-01",
            ],
            "gender": ["M", "female", "F", "?", "M", "M"],
            "nationality": ["DEU", "de", "Smith", "NG", "NA", "FR"],
        }
    )
    companies = pd.DataFrame({"case_id": ["C2", "C2"]})
    cen = transfer.strip_personal(NCENExtract(seizures, persons, companies, None))
    assert cen["persons_involved"].tolist() == [4, 1, 0]
    # DEU and de are Germany, "Smith" is no code and goes as XX; "NA" stays Namibia.
    assert cen["persons_by_nationality"].tolist() == ["DE:2;NG:1;XX:1", "NA:1", ""]
    # 1990-06-15 is 34 on 2025-06-14; 2007-06-14 turns 18 that day; 2007-06-15 is still 17.
    assert cen["persons_by_age_band"].tolist() == [
        "under 18:1;18-24:1;25-34:1;unknown:1",
        "65 and over:1",
        "",
    ]
    assert cen["persons_by_gender"].tolist() == ["F:2;M:1;unknown:1", "M:1", ""]
    assert cen["company_involved"].tolist() == [False, True, False]


def test_a_missing_nominal_table_leaves_aggregates_empty_not_zero(extract):
    cen = transfer.strip_personal(extract.seizures)
    assert cen[list(transfer.AGGREGATES)].isna().all().all()


def test_national_codes_and_units_become_cen_codes(extract):
    s = extract.seizures.head(6).copy()
    s = s.astype({c: object for c in s.columns if s[c].dtype == "category"})
    s.loc[0, ["commodity", "unit", "quantity"]] = ["Cocaine", "g", 1250.0]
    s.loc[1, ["commodity", "unit", "quantity"]] = ["Tobacco products", "Cartons", 10.0]
    s.loc[2, ["location_type", "direction", "departure_country"]] = ["Flughafen", "IMP", "DEU"]
    s.loc[3, ["destination_country", "conveyance"]] = ["uk", "lorry"]
    s.loc[4, ["location_type", "unit"]] = ["Flugplatz", "bales"]
    cen = transfer.map_to_cen(s)
    assert cen.loc[0, ["unit", "quantity"]].tolist() == ["kg", 1.25]
    assert cen.loc[1, ["unit", "quantity"]].tolist() == ["kg", 2.0]
    assert cen.loc[2, ["location_type", "direction", "departure_country"]].tolist() == [
        "Airport",
        "Import",
        "DE",
    ]
    assert cen.loc[3, ["destination_country", "conveyance"]].tolist() == ["GB", "Vehicle"]
    # No mapping: left as it was, for the quality rules to name.
    assert cen.loc[4, ["location_type", "unit"]].tolist() == ["Flugplatz", "bales"]


def test_every_mapping_leads_to_a_cen_code_in_the_commoditys_unit():
    for field, table in cm.CODES.items():
        assert set(table.values()) <= schema.field(field).accepted(), field
    for table in [*cm.CODES.values(), cm.UNITS, cm.GENDERS, cm.BOOLEANS]:
        assert all(key == " ".join(key.split()).casefold() for key in table)  # as looked up
    assert {unit for unit, _ in cm.UNITS.values()} == {"kg", "litres", "pieces", "USD"}
    for (unit, commodity), (cen, factor) in cm.PACKAGING.items():
        assert unit == unit.casefold() and cen == schema.canonical_unit(commodity) and factor > 0
    lows = [low for low, _ in cm.AGE_BANDS]
    assert lows[0] == 0 and lows == sorted(set(lows))


def test_text_flags_from_a_national_file_become_true_false(extract):
    s = extract.seizures.head(4).assign(ecommerce=["Y", "no", "TRUE", "0"])
    assert transfer.map_to_cen(s)["ecommerce"].tolist() == [True, False, True, False]


# --- what is held back -----------------------------------------------------------------------


def test_failing_records_are_held_back_with_the_reason_then_sent_once_fixed(extract, tmp_path):
    x = copy(extract)
    x.seizures["location_type"] = x.seizures["location_type"].astype(object)
    x.seizures.loc[3, "location_type"] = "Flugplatz"
    x.seizures["value_usd"] = x.seizures["value_usd"].astype(object)
    x.seizures.loc[5, "value_usd"] = "about 500"
    bad_ids = x.seizures.loc[[3, 5], "seizure_id"].tolist()
    r = run(x, tmp_path)
    assert r.counts["rejected"] == 2 and r.counts["new"] == len(x.seizures) - 2
    rejects = pd.read_csv(r.rejects_path, keep_default_na=False)
    assert list(rejects.columns) == transfer.REJECT_COLUMNS
    assert rejects["seizure_id"].tolist() == bad_ids
    assert rejects[["field", "rule"]].values.tolist() == [
        ["location_type", "code_list"],
        ["value_usd", "value_number"],
    ]
    assert "'Flugplatz' is not on the location_type code list" in rejects.loc[0, "message"]
    assert not set(bad_ids) & set(sent_rows(tmp_path)["seizure_id"])
    state = json.loads((tmp_path / "state.json").read_text())
    assert not set(bad_ids) & set(state["sent"])
    x.seizures.loc[3, "location_type"] = "Airport"
    x.seizures.loc[5, "value_usd"] = 500.0
    r = run(x, tmp_path)
    assert (r.counts["new"], r.counts["updates"], r.counts["rejected"]) == (2, 0, 0)
    assert sorted(pd.read_csv(r.batch_dir / "seizures.csv")["seizure_id"]) == sorted(bad_ids)
    assert pd.read_csv(r.rejects_path).empty


def test_future_dates_are_held_back_as_of_the_day_of_the_check(extract, tmp_path):
    r = transfer.transfer(extract, tmp_path, as_of="2025-03-31", now=NOW)
    late = (extract.seizures["seizure_date"] > "2025-03-31").sum()
    assert late > 0 and r.counts["rejected"] == late
    assert set(pd.read_csv(r.rejects_path)["rule"]) == {"future_date"}


# --- exactly once ----------------------------------------------------------------------------


def test_a_second_run_with_nothing_new_sends_nothing(extract, tmp_path):
    first = run(extract, tmp_path)
    assert first.counts["new"] == len(extract.seizures) and first.batch_dir.is_dir()
    state = (tmp_path / "state.json").read_bytes()
    second = run(extract, tmp_path)
    assert second.batch_dir is None
    assert (second.counts["new"], second.counts["updates"]) == (0, 0)
    assert second.counts["unchanged"] == len(extract.seizures)
    assert len(list(tmp_path.glob("batch-*"))) == 1
    assert (tmp_path / "state.json").read_bytes() == state


def test_changed_records_go_again_as_updates_and_new_ones_as_new(extract, tmp_path):
    x = copy(extract)
    run(NCENExtract(x.seizures.iloc[:-5], x.persons, x.companies, None), tmp_path)
    x.seizures.loc[[0, 7], "quantity"] *= 2
    case = x.persons["case_id"].iloc[0]  # a person of this case turns out to be Namibian
    x.persons.loc[x.persons.index[0], "nationality"] = "NA"
    r = run(x, tmp_path)
    got = pd.read_csv(r.batch_dir / "seizures.csv", keep_default_na=False)
    status = got.groupby("record_status")["seizure_id"].apply(set).to_dict()
    assert status["new"] == set(x.seizures["seizure_id"].iloc[-5:])
    updated = set(x.seizures.loc[[0, 7], "seizure_id"])
    updated |= set(x.seizures.loc[x.seizures["case_id"] == case, "seizure_id"])
    assert status["update"] == updated
    assert (r.counts["new"], r.counts["updates"]) == (5, len(updated))
    assert r.counts["unchanged"] == len(x.seizures) - 5 - len(updated)
    assert got.loc[got["case_id"] == case, "persons_by_nationality"].str.contains("NA:").all()
    assert run(x, tmp_path).batch_dir is None


def test_an_interrupted_run_repeated_sends_each_record_once(extract, tmp_path, monkeypatch):
    x = copy(extract)
    run(x.seizures.iloc[:100], tmp_path)

    def power_cut(path, state):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:  # the batch is written, the state is not
        m.setattr(outbox, "commit_state", power_cut)
        with pytest.raises(KeyboardInterrupt):
            run(x.seizures, tmp_path)
    assert len(list(tmp_path.glob("batch-*"))) == 2
    r = run(x.seizures, tmp_path)
    assert r.batch_dir is None and r.counts["unchanged"] == len(x.seizures)
    sent = sent_rows(tmp_path)
    assert sent["seizure_id"].is_unique and set(sent["seizure_id"]) == set(x.seizures["seizure_id"])
    state = json.loads((tmp_path / "state.json").read_text())
    assert len(state["batches"]) == 2 and len(state["sent"]) == len(x.seizures)


def test_interrupted_then_changed_extract_still_sends_each_version_once(
    extract, tmp_path, monkeypatch
):
    x = copy(extract)
    monkeypatch.setattr(outbox, "commit_state", lambda path, state: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run(x.seizures.iloc[:200], tmp_path)
    with pytest.raises(ZeroDivisionError):  # interrupted again, now with more records
        run(x.seizures.iloc[:300], tmp_path)
    monkeypatch.undo()
    x.seizures.loc[0, "quantity"] += 1
    r = run(x.seizures, tmp_path)
    sent = sent_rows(tmp_path)
    per_batch = sent.groupby("batch")["seizure_id"].size().tolist()
    assert per_batch == [200, 100, len(x.seizures) - 300 + 1]
    assert sent["seizure_id"].value_counts().max() == 2  # C...-1: first version, then its update
    first = sent["seizure_id"] == x.seizures.loc[0, "seizure_id"]
    assert sent.loc[first, "record_status"].tolist() == ["new", "update"]
    assert r.counts["updates"] == 1


def test_batch_ids_derive_from_the_records_not_their_order(extract):
    a = transfer.build_submission(extract, as_of=AS_OF)

    def with_seizures(s):
        return NCENExtract(s, extract.persons, extract.companies, None)

    shuffled = with_seizures(extract.seizures.sample(frac=1, random_state=1))
    b = transfer.build_submission(shuffled, as_of=AS_OF)
    c = transfer.build_submission(with_seizures(extract.seizures.iloc[1:]), as_of=AS_OF)
    assert a.batch_id == b.batch_id != c.batch_id
    assert len(a.batch_id) == 64 and a.sequence == 1


def test_the_same_extract_from_memory_or_from_its_csv_files_is_the_same_records(extract, tmp_path):
    write_tables(extract.tables(), tmp_path / "extract")
    run(extract, tmp_path / "outbox")
    r = run(tmp_path / "extract", tmp_path / "outbox")
    assert r.batch_dir is None and r.counts["unchanged"] == len(extract.seizures)


def test_a_new_schema_version_sends_every_record_again_as_an_update(extract, tmp_path, monkeypatch):
    run(extract, tmp_path)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + "-next")
    r = run(extract, tmp_path)
    assert r.counts["updates"] == len(extract.seizures) and r.counts["new"] == 0


# --- the batch -------------------------------------------------------------------------------


def test_manifest_counts_checksums_period_and_schema_version(extract, tmp_path):
    r = run(extract, tmp_path)
    m = json.loads((r.batch_dir / "manifest.json").read_text())
    n = len(extract.seizures)
    assert m["counts"] == {
        "in_extract": n,
        "new": n,
        "updates": 0,
        "unchanged": 0,
        "rejected": 0,
        "warnings": r.counts["warnings"],
    }
    assert m["records"] == n and m["schema_version"] == schema.SCHEMA_VERSION
    assert m["created"] == "2026-01-02T03:04:05+00:00" and m["sequence"] == 1
    assert m["seizure_date"] == {
        "min": f"{extract.seizures['seizure_date'].min():%Y-%m-%d}",
        "max": f"{extract.seizures['seizure_date'].max():%Y-%m-%d}",
    }
    assert r.batch_dir.name == f"batch-000001-{m['batch_id'][:12]}"
    for name, f in m["files"].items():
        data = (r.batch_dir / name).read_bytes()
        assert f == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def test_csv_and_json_hold_the_same_records_as_the_batch_in_memory(extract, tmp_path):
    x = copy(extract)
    x.seizures["commodity_detail"] = x.seizures["commodity_detail"].cat.rename_categories(
        lambda c: c + ' "quoted", back\\slash'
    )
    sub = transfer.build_submission(x, as_of=AS_OF)
    r = run(x, tmp_path)
    want = sub.batch.astype({"seizure_date": "str"}).astype(object)
    want = want.where(sub.batch.notna(), None)
    js = pd.read_json(
        r.batch_dir / "seizures.json", orient="split", dtype=False, precise_float=True
    )
    assert list(js.columns) == list(sub.batch.columns)
    assert js.astype(object).where(js.notna(), None).values.tolist() == want.values.tolist()
    # CSV writes empty text and missing alike: "" is "no persons" here, as the JSON says.
    csv = pd.read_csv(r.batch_dir / "seizures.csv", dtype=str, keep_default_na=False)
    for name in ["quantity", "value_usd", "persons_involved"]:
        csv[name] = pd.to_numeric(csv[name])
    for name in ["ecommerce", "company_involved"]:
        csv[name] = csv[name].map({"true": True, "false": False})
    assert list(csv.columns) == list(sub.batch.columns)
    assert csv.astype(object).values.tolist() == want.fillna("").values.tolist()
    assert set(csv["record_status"]) == {"new"}


def test_bad_input_raises_one_clear_error_and_writes_nothing(extract, tmp_path):
    out = tmp_path / "outbox"
    cases = [
        (tmp_path / "nowhere", f"extract folder {str(tmp_path / 'nowhere')!r} does not exist"),
        (
            extract.seizures.drop(columns=["unit", "quantity"]),
            "the seizures table is missing columns: quantity, unit",
        ),
        (
            NCENExtract(
                extract.seizures, extract.persons.drop(columns="date_of_birth"), None, None
            ),
            "the persons table is missing columns: date_of_birth",
        ),
    ]
    for source, message in cases:
        with pytest.raises(ValueError) as err:
            run(source, out)
        assert str(err.value) == message
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(ValueError, match="cannot read state file .*: not valid JSON"):
        run(extract, out, state_path=tmp_path / "state.json")
    (tmp_path / "state.json").write_text('{"sent": []}')
    with pytest.raises(ValueError, match="is not a cenlab transfer state"):
        run(extract, out, state_path=tmp_path / "state.json")
    assert not out.exists()
