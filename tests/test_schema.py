"""The schema is the one source of truth: its tables must be complete and consistent."""

from pathlib import Path

import pycountry
import pytest

from cenlab import schema
from cenlab.reference import operations as ops
from cenlab.reference.commodities import FLOW_UNITS
from cenlab.reference.flows import FLOWS

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = (
    "case_id seizure_id seizure_date reporting_country office location_type direction section "
    "commodity commodity_detail hs_code quantity unit value_usd detection_method concealment "
    "conveyance departure_country destination_country ecommerce reported_date"
).split()


def test_seizure_fields_are_the_design_contract_in_order():
    assert schema.columns("seizures") == CONTRACT


def test_the_report_date_is_an_optional_non_personal_date():
    """Files written before it existed still read and validate; it goes to CEN."""
    f = schema.field("reported_date")
    assert (f.dtype, f.mandatory, f.personal) == ("datetime64[ns]", False, False)
    assert "reported_date" not in schema.mandatory()


def test_field_names_unique_within_each_table():
    for table, fields in schema.TABLES.items():
        names = [f.name for f in fields]
        assert len(names) == len(set(names)), table


def test_code_lists_have_unique_codes():
    for fields in schema.TABLES.values():
        for f in fields:
            if isinstance(f.codes, list):
                assert len(f.codes) == len(set(f.codes)), f.name


def test_every_nominal_field_is_personal_and_no_seizure_field_is():
    personal = schema.personal_fields()
    assert personal["seizures"] == []
    for table in ("persons", "companies", "conveyances"):
        assert personal[table] == schema.columns(table)


def test_country_codes_come_from_pycountry_plus_unknown():
    codes = schema.country_codes()
    assert "NA" in codes  # Namibia, not a missing value
    assert "XX" in codes
    assert len(codes) == len(pycountry.countries) + 1


def test_unknown_table_and_field_fail_loudly():
    with pytest.raises(ValueError, match="unknown table 'cases'; accepted: seizures, persons"):
        schema.fields("cases")
    with pytest.raises(ValueError, match="unknown field 'qty'"):
        schema.field("qty")
    with pytest.raises(ValueError, match="unknown commodity 'Heroin'"):
        schema.canonical_unit("Heroin")


def test_commodity_code_list_matches_flows_and_units():
    assert set(schema.field("commodity").codes) == set(FLOWS) == set(FLOW_UNITS)
    assert {u for u, *_ in FLOW_UNITS.values()} <= set(ops.UNITS)


def test_data_dictionary_file_matches_schema():
    committed = (ROOT / "datasets" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert committed == schema.data_dictionary(), "run `make datasets` to regenerate it"


def test_country_names_are_plain_and_unknown_codes_are_kept():
    assert schema.country_name("BO") == "Bolivia"  # pycountry's common name, not the formal one
    assert schema.country_name("NA") == "Namibia"
    assert schema.country_name("XX") == "XX"
    assert schema.country_name("XX", unknown="an unknown country") == "an unknown country"
