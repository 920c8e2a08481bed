"""Does anything that identifies a person, a company or a conveyance reach the CEN outbox?

The property, checked on 1,000 generated nCEN extracts: after a transfer, no identifying value of
the input appears anywhere in the bytes of the outbox (batch CSV, JSON and manifest, rejects file,
state file), whether written raw, JSON-escaped or CSV-quoted, and no personal column exists there.

Identifying values are the values of these fields, each of which names or points at one person,
company or vehicle:

- persons: ``person_id``, ``family_name``, ``given_names``, ``passport_number`` and
  ``date_of_birth`` as written (YYYY-MM-DD);
- companies: ``company_id``, ``name``, ``address``, ``registration_number``;
- conveyances: ``conveyance_id``, ``identifier`` (flight, IMO number, plate), ``name``;
- a national free-text column of the seizures (``remarks``: officers' notes name couriers);
- free text typed into a coded personal field (a name in ``nationality``, ``gender`` or a
  company's ``country``): such text identifies, the code it replaced would not.

Left out, on purpose: ``case_id`` (the link between nCEN tables, and itself a non-personal CEN
seizure field) and the coded values of ``gender``, ``nationality``, ``role``, ``country`` and
``kind``: "DE" or "M" also occur as CEN codes, and nationality and gender legitimately reach CEN
as counts per case. Those are checked by column name and by the aggregates' tests instead.

So that the test can neither pass by accident nor fail by coincidence, every identifying text
starts with the marker "Ψ", which no CEN code, message or number contains, followed by arbitrary
Unicode (quotes, commas, newlines, other scripts: the characters that CSV and JSON escape).
Dates of birth lie in 1930-2006, seizure dates in 2024-2025 and the run is dated 2026, so a birth
date written out would be no other date of the outbox.
"""

import csv
import json
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cenlab import schema, transfer
from cenlab.synth import NCENExtract, make_seizures

MARK = "Ψ"
NOW = datetime(2026, 1, 2, tzinfo=timezone.utc)
POOL = make_seizures(40, seed=3, start="2024-01-01", end="2025-12-31")
CODES = sorted(schema.country_codes())
PERSONAL_COLUMNS = {name for names in schema.personal_fields().values() for name in names}
PERSONAL_COLUMNS -= set(schema.columns("seizures"))  # case_id is also a seizure field

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)
ident = text.map(lambda t: MARK + t)
born = st.dates(date(1930, 1, 1), date(2006, 12, 31))


@st.composite
def extracts(draw):
    """A small extract (1-3 cases) built directly as DataFrames, with its identifying values."""
    secret = []

    def pii(strategy=ident):
        value = draw(strategy)
        if isinstance(value, str) and value.startswith(MARK):
            secret.append(value)
        return value

    cases = [f"C{c:04d}" for c in range(draw(st.integers(1, 3)))]
    case_of = [case for case in cases for _ in range(draw(st.integers(1, 2)))]
    rows = draw(
        st.lists(st.integers(0, len(POOL) - 1), min_size=len(case_of), max_size=len(case_of))
    )
    seizures = (
        POOL.iloc[rows]
        .reset_index(drop=True)
        .assign(
            case_id=case_of,
            seizure_id=[f"{c}-{i}" for i, c in enumerate(case_of)],
            remarks=[pii() for _ in case_of],
            location_type=[
                draw(st.sampled_from([loc, "Flughafen", "Nowhere"]))
                for loc in POOL["location_type"].iloc[rows]
            ],
        )
    )
    linked = st.sampled_from([*cases, "C9999"])  # C9999: a case outside this extract
    persons, companies, conveyances = [], [], []
    for _ in range(draw(st.integers(0, 4))):
        dob = draw(born)
        secret.append(f"{dob:%Y-%m-%d}")
        persons.append(
            {
                "person_id": pii(),
                "case_id": draw(linked),
                "family_name": pii(),
                "given_names": pii(),
                "date_of_birth": draw(st.sampled_from([dob, f"{dob:%Y-%m-%d}"])),
                "gender": pii(st.sampled_from(["F", "M", "X"]) | ident),
                "nationality": pii(st.sampled_from(CODES) | ident),
                "passport_number": pii(),
                "role": "Courier",
            }
        )
    for _ in range(draw(st.integers(0, 2))):
        companies.append(
            {
                "company_id": pii(),
                "case_id": draw(linked),
                "name": pii(),
                "country": pii(st.sampled_from(CODES) | ident),
                "address": pii(),
                "registration_number": pii(),
                "role": "Importer",
            }
        )
    for _ in range(draw(st.integers(0, 2))):
        conveyances.append(
            {
                "conveyance_id": pii(),
                "case_id": draw(linked),
                "kind": "Air",
                "identifier": pii(),
                "name": pii(),
            }
        )

    def frame(records, table):
        return pd.DataFrame(records, columns=schema.columns(table), dtype=object)

    nominal = [frame(persons, "persons"), frame(companies, "companies")]
    return NCENExtract(seizures, *nominal, frame(conveyances, "conveyances")), secret


def outbox_bytes(outbox: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(outbox.rglob("*")) if p.is_file())


def leaks(data: bytes, secret: list[str]) -> list[str]:
    """The identifying values found in ``data``, raw, JSON-escaped or CSV-quoted."""
    found = [] if MARK.encode() not in data and b"\\u03a8" not in data.lower() else [MARK]
    for value in secret:
        forms = {
            value,
            json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1],
            value.replace('"', '""'),
        }
        found += [value for form in forms if form and form.encode() in data]
    return found


def header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def columns(outbox: Path) -> set[str]:
    """The column names of every table in the outbox."""
    names = set(header(outbox / "rejects.csv"))
    for batch in outbox.glob("batch-*"):
        names |= set(header(batch / "seizures.csv"))
        names |= set(json.loads((batch / "seizures.json").read_bytes())["columns"])
    return names


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extracts())
def test_no_identifying_value_and_no_personal_column_reaches_the_outbox(case):
    extract, secret = case
    with tempfile.TemporaryDirectory() as tmp:
        outbox = Path(tmp) / "outbox"
        result = transfer.transfer(extract, outbox, as_of="2026-01-01", now=NOW)
        data = outbox_bytes(outbox)
        assert leaks(data, secret) == []
        assert not columns(outbox) & PERSONAL_COLUMNS
        # The run did its work: every seizure was sent or held back, and the nominal layer was
        # read (persons linked to the extract's cases are counted in the batch).
        c = result.counts
        assert c["new"] + c["rejected"] == len(extract.seizures)
        if result.batch_dir is not None:
            with open(result.batch_dir / "seizures.csv", encoding="utf-8", newline="") as f:
                sent = {r["case_id"]: int(r["persons_involved"]) for r in csv.DictReader(f)}
            linked = extract.persons["case_id"].value_counts()
            assert sent == {case: int(linked.get(case, 0)) for case in sent}


def test_the_scan_finds_a_leak_when_there_is_one(tmp_path):
    """The check above is not blind: a name that does not leak through the transfer is found
    as soon as a copy of the persons table lands in the outbox."""
    x = make_seizures(30, seed=2, nominal=True)
    name = MARK + 'Müller "Jr", né\nX'
    persons = x.persons.assign(family_name=name)
    transfer.transfer(
        NCENExtract(x.seizures, persons, x.companies, x.conveyances),
        tmp_path,
        as_of="2026-01-01",
        now=NOW,
    )
    assert leaks(outbox_bytes(tmp_path), [name]) == []
    persons.to_json(tmp_path / "leak.json", orient="records", date_format="iso")
    assert leaks(outbox_bytes(tmp_path), [name]) == [MARK, name]
    persons.to_csv(tmp_path / "leak.json", index=False)
    assert leaks(outbox_bytes(tmp_path), [name]) == [MARK, name]
    assert "family_name" in PERSONAL_COLUMNS and "case_id" not in PERSONAL_COLUMNS
