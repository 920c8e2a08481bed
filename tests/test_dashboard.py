"""The CEN dashboard builds, and each filter changes its figures exactly as the analysis says."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import pytest

from cenlab import analysis as an
from cenlab.reference.regions import COUNTRY_REGION
from cenlab.synth import make_seizures
from cenlab.ui.dashboard import CHARTS, FILTERS, CENDashboard


@pytest.fixture(scope="module")
def seizures() -> pd.DataFrame:
    return make_seizures(2_000, seed=3)


@pytest.fixture(scope="module")
def dash(seizures) -> CENDashboard:
    """One dashboard for the module (drawing takes time); each test sets every filter it needs
    through ``show``, which clears the others in the same redraw."""
    return CENDashboard(seizures)


def show(dash: CENDashboard, **filters) -> None:
    dash.set_filters(**{**dict.fromkeys(FILTERS), "measure": "seizures", **filters})


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["seizure_id"].astype(str))


def assert_views_match(dash: CENDashboard, expected: pd.DataFrame, measure: str = "seizures"):
    """Every chart's numbers are what the analysis functions give for the expected seizures."""
    f = dash.filters
    pd.testing.assert_frame_equal(
        dash.views["trend"],
        an.monthly_trend(expected, by="section", measure=measure, start=f["start"], end=f["end"]),
    )
    sections = an.shares(expected, "section", measure=measure)
    pd.testing.assert_frame_equal(dash.views["sections"], sections)
    pd.testing.assert_frame_equal(
        dash.views["commodities"],
        an.top_n(expected, "commodity", 10, measure=measure, other="Other"),
    )
    pd.testing.assert_frame_equal(
        dash.views["routes"], an.top_routes(expected, 10, measure=measure)
    )
    for name, column in [
        ("detection", "detection_method"),
        ("concealment", "concealment"),
        ("locations", "location_type"),
    ]:
        pd.testing.assert_frame_equal(
            dash.views[name], an.shares(expected, column, measure=measure)
        )


def test_dashboard_builds_with_every_chart_drawn(seizures):
    dash = CENDashboard(seizures)
    assert isinstance(dash.widget, widgets.VBox)
    assert set(dash.images) == set(CHARTS)
    assert all(b"<svg" in bytes(img.value) for img in dash.images.values())
    assert dash.redraws == dict.fromkeys(CHARTS, 1)
    assert dash.headline == an.headline(seizures)
    assert f"{len(seizures):,}" in dash.cards["seizures"].value
    assert "application/vnd.jupyter.widget-view+json" in dash._repr_mimebundle_()


def test_unfiltered_views_match_analysis(dash, seizures):
    show(dash)
    assert len(dash.frame) == len(seizures)
    assert_views_match(dash, an.prepare_seizures(seizures))


def test_filters_change_figures_as_analysis_says(dash, seizures):
    chosen = dict(sections=["Drugs"], regions=["EUR", "AMS"], directions=["Import", "Transit"])
    show(dash, start="2024-04-15", end="2025-03-02", **chosen)
    # the period snaps to whole months: April 2024 to March 2025
    expected = an.filter_seizures(seizures, start="2024-04-01", end="2025-03-31", **chosen)
    assert 0 < len(expected) < len(seizures)
    assert ids(dash.frame) == ids(expected)
    assert dash.headline == an.headline(expected)
    assert len(dash.views["trend"]) == 12
    assert_views_match(dash, an.prepare_seizures(seizures).loc[expected.index])
    assert f"{len(expected):,}" in dash.status.value


def test_counting_cases_changes_every_chart(dash, seizures):
    chosen = ["IPR, Health and Safety", "Revenue"]
    show(dash, measure="cases", sections=chosen)
    expected = an.filter_seizures(an.prepare_seizures(seizures), sections=chosen)
    assert_views_match(dash, expected, measure="cases")
    cases = expected.groupby("section", observed=True)["case_id"].nunique()
    assert dash.views["sections"]["cases"].to_dict() == cases.to_dict()


def test_a_click_in_a_list_refreshes_like_set_filters(dash, seizures):
    show(dash, regions=["ESA"])
    dash.lists["sections"].value = ("Drugs",)  # what the browser does when a user clicks
    expected = an.filter_seizures(seizures, regions=["ESA"], sections=["Drugs"])
    assert dash.headline == an.headline(expected)
    assert ids(dash.frame) == ids(expected)


def test_choosing_a_region_shortens_the_country_list_and_drops_others(dash):
    show(dash, countries=["US", "DE"])
    dash.set_filters(regions=["EUR"])
    offered = [code for _, code in dash.lists["countries"].options]
    assert offered and all(COUNTRY_REGION[c] == "EUR" for c in offered)
    assert dash.lists["countries"].value == ("DE",)  # the United States is not in Europe
    assert dash.filters["countries"] == ["DE"]


def test_choosing_a_section_shortens_the_commodity_list(dash, seizures):
    show(dash, sections=["Drugs"])
    offered = {code for _, code in dash.lists["commodities"].options}
    drugs = set(seizures.loc[seizures["section"] == "Drugs", "commodity"].astype(str))
    assert offered == drugs


def test_only_charts_whose_numbers_changed_are_redrawn(dash):
    show(dash, sections=["Revenue"])
    before, images = dict(dash.redraws), {k: v.value for k, v in dash.images.items()}
    all_directions = [code for _, code in dash.lists["directions"].options]
    dash.set_filters(directions=all_directions)  # the same seizures as no filter at all
    assert dash.redraws == before
    dash.set_filters(directions=["Export"])
    assert all(dash.redraws[k] == before[k] + 1 for k in CHARTS)
    assert dash.images["sections"].value != images["sections"]


def test_clear_button_removes_every_filter(dash, seizures):
    show(dash, sections=["Drugs"], start="2025-01-01", countries=["US"])
    dash.clear.click()
    assert dash.filters["sections"] is None and dash.filters["countries"] is None
    assert dash.filters["start"] == pd.Timestamp("2024-01-01")
    assert dash.headline == an.headline(seizures)


def test_filters_matching_nothing_show_zero_and_a_message(dash, seizures):
    pairs = pd.crosstab(seizures["reporting_country"], seizures["commodity"])
    country, commodity = pairs.stack().loc[lambda s: s == 0].index[0]
    show(dash, countries=[country], commodities=[commodity])
    assert dash.headline == {"cases": 0, "seizures": 0, "value_usd": 0.0, "quantity": {}}
    assert all(view.empty for view in dash.views.values())
    assert "Showing 0 of" in dash.status.value


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, r"unknown filter \['colour'\]"),
        ({"sections": ["Drug"]}, r"sections: \['Drug'\] not on offer"),
        ({"start": "2019-05-01"}, r"May 2019 is outside the data"),
    ],
)
def test_bad_filters_are_named(dash, filters, message):
    with pytest.raises(ValueError, match=message):
        dash.set_filters(**filters)
