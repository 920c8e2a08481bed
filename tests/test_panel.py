"""The reporting panel (`make_reporting_panel`) and the impact estimators (`quality.impact`):
does the panel hold what it says, and does a sound estimate recover the true effect of the
automated nCEN transfer where the naive ones miss it?"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cenlab.quality import impact
from cenlab.reference.regions import COUNTRY_REGION, COUNTRY_RILO
from cenlab.reference.reporting import LATE_AFTER_DAYS
from cenlab.synth import make_reporting_panel

# On the default panel (180 countries, 10 years) the event-study estimate falls within these of the
# truth: over seeds 0-11 its error stayed under 0.8 points of share and 0.7 days of delay, while
# the naive before/after missed by 8 to 10 points and 10 to 15 days.
SHARE_TOLERANCE_PP = 1.5
DELAY_TOLERANCE_DAYS = 3.0


@pytest.fixture(scope="module")
def world():
    """The default panel with its truth (about 2 million seizures, under a second)."""
    return make_reporting_panel(seed=0, return_truth=True)


@pytest.fixture(scope="module")
def small():
    return make_reporting_panel(30, years=3, seed=4)


def quietly(func, *args, **kwargs):
    """Call ``func`` turning any warning into an error: in a graded notebook a warning costs
    the trainee the cell's points."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def test_same_seed_gives_the_same_bytes(small):
    again = make_reporting_panel(30, years=3, seed=4)
    for name, table in small.tables().items():
        assert table.to_csv().encode() == again.tables()[name].to_csv().encode(), name


def test_different_seeds_give_different_worlds(small):
    other = make_reporting_panel(30, years=3, seed=5)
    assert not small.monthly.equals(other.monthly)
    assert not small.seizures.equals(other.seizures)


def test_default_size_180_countries_120_months_about_two_million_seizures(world):
    panel, _ = world
    assert len(panel.countries) == 180 and panel.countries["country"].is_unique
    assert len(panel.monthly) == 180 * 120
    assert panel.monthly["month"].nunique() == 120
    assert panel.monthly["month"].min() == pd.Timestamp("2016-01-01")
    assert 1_800_000 <= len(panel.seizures) <= 2_200_000
    assert list(panel.seizures.columns) == ["country", "seizure_date", "reported", "reported_date"]


def test_countries_are_real_codes_with_their_region_and_rilo(world):
    c = world[0].countries
    assert set(c["country"]) <= set(COUNTRY_REGION)
    assert (c["region"].astype(str) == c["country"].astype(str).map(COUNTRY_REGION)).all()
    assert (c["rilo"].astype(str) == c["country"].astype(str).map(COUNTRY_RILO)).all()
    assert set(c["mode"]) == {"by hand", "spreadsheet upload"}


def test_monthly_counts_add_up_to_the_seizure_rows(world):
    panel, _ = world
    m, s = panel.monthly, panel.seizures
    assert m["true_seizures"].sum() == len(s)
    assert m["reported_seizures"].sum() == s["reported"].sum()
    delay = (s["reported_date"] - s["seizure_date"]).dt.days
    assert m["late_seizures"].sum() == (s["reported"] & (delay > LATE_AFTER_DAYS)).sum()
    assert (s["reported_date"].isna() == ~s["reported"]).all()
    assert (delay.dropna() >= 0).all()
    # The median delay of one country's months, recomputed from its seizure rows.
    one = s[(s["country"] == "FR") & s["reported"]]
    medians = delay[one.index].groupby(one["seizure_date"].dt.to_period("M")).median()
    fr = m[m["country"] == "FR"].set_index(m.loc[m["country"] == "FR", "month"].dt.to_period("M"))
    assert np.allclose(fr["median_delay_days"].reindex(medians.index), medians)


def test_about_50_adopters_staggered_over_the_years(world):
    c = world[0].countries
    adopted = c["adopted"].dropna()
    assert len(adopted) == 50
    assert adopted.dt.year.nunique() >= 6 and adopted.nunique() >= 30
    on = c.dropna(subset=["automated_from"])
    assert (on["automated_from"] >= on["adopted"]).all()
    assert (c["automated_from"].notna() <= c["adopted"].notna()).all()
    m = world[0].monthly
    first = impact.switch_months(m).dropna()
    assert (first == on.set_index("country")["automated_from"].reindex(first.index)).all()


def test_early_adopters_already_reported_better_before_anyone_adopted(world):
    """Share reported in the months before the first adoption: early adopters (first half)
    above late adopters, both above the countries that never adopt."""
    c, m = world[0].countries, world[0].monthly
    before = m[m["month"] < c["adopted"].min()]
    sums = before.groupby("country", observed=True)[["true_seizures", "reported_seizures"]].sum()
    share = (sums["reported_seizures"] / sums["true_seizures"]).reindex(c["country"]).to_numpy()
    median = c["adopted"].dropna().median()
    early = share[(c["adopted"] <= median).to_numpy()].mean()
    late = share[(c["adopted"] > median).to_numpy()].mean()
    never = share[c["adopted"].isna().to_numpy()].mean()
    assert early > late + 0.02, (early, late)  # 0.781 vs 0.755 for seed 0
    assert late > never + 0.10, (late, never)  # 0.755 vs 0.617


def test_reporting_improves_everywhere_without_automation(world):
    """The common trend that a before/after comparison mistakes for the effect."""
    m = world[0].monthly
    never = m[~m["country"].isin(impact.switch_months(m).dropna().index)]
    yearly = never.groupby(never["month"].dt.year)[["true_seizures", "reported_seizures"]].sum()
    share = yearly["reported_seizures"] / yearly["true_seizures"]
    assert share.iloc[-1] - share.iloc[0] > 0.10, share.round(3).to_dict()


def test_the_truth_ramps_up_then_holds(world):
    _, truth = world
    e = truth.by_event_time.set_index("months_since_switch")
    assert truth.full_from == 2
    # A third of the full effect in the switch month (a little more where the full effect is
    # capped at the highest share a country can reach).
    ratio = e.loc[0, "share_reported_pp"] / e.loc[2, "share_reported_pp"]
    assert 0.3 < ratio < 0.45, ratio  # 0.385 for seed 0
    assert 5 < truth.share_reported_pp < 20 and -30 < truth.median_delay_days < -5
    assert truth.average()["share_reported_pp"] == pytest.approx(truth.share_reported_pp)
    assert len(truth.by_country) == 50
    assert truth.by_country["share_reported_pp"].std() > 1  # the effect differs by country


def test_event_study_recovers_the_truth_where_naive_comparisons_miss(world):
    panel, truth = world
    m = panel.monthly
    did_share = 100 * quietly(impact.did, m, "share_reported", first=truth.full_from)
    did_delay = quietly(impact.did, m, "median_delay_days", first=truth.full_from)
    naive_share = 100 * quietly(impact.before_after, m, "share_reported")
    naive_delay = quietly(impact.before_after, m, "median_delay_days")
    versus_share = 100 * quietly(impact.adopters_vs_others, m, "share_reported")
    # Seed 0: truth 9.55 pp and -16.8 days; event study 9.69 pp and -16.8 days;
    # before/after 17.6 pp and -27.3 days; adopters vs others 22.6 pp.
    assert abs(did_share - truth.share_reported_pp) < SHARE_TOLERANCE_PP, (did_share, truth)
    assert abs(did_delay - truth.median_delay_days) < DELAY_TOLERANCE_DAYS, (did_delay, truth)
    assert naive_share - truth.share_reported_pp > SHARE_TOLERANCE_PP, naive_share
    assert naive_delay - truth.median_delay_days < -DELAY_TOLERANCE_DAYS, naive_delay
    assert versus_share - truth.share_reported_pp > SHARE_TOLERANCE_PP, versus_share
    within = truth.average(2, 24)["share_reported_pp"]
    assert abs(100 * impact.did(m, first=2, last=24) - within) < SHARE_TOLERANCE_PP


def test_event_study_is_flat_before_the_switch_and_follows_the_truth_after(world):
    panel, truth = world
    es = quietly(impact.event_study, panel.monthly, window=(-24, 24)).set_index(
        "months_since_switch"
    )
    assert list(es.columns) == ["estimate", "cohorts", "countries"]
    assert es.index.min() == -24 and es.index.max() == 24
    pre = es.loc[-24:-1, "estimate"].abs()
    assert pre.mean() < 0.01 and pre.max() < 0.05, pre.round(3).to_dict()  # 0.008 and 0.033
    true = truth.by_event_time.set_index("months_since_switch")["share_reported_pp"] / 100
    gap = (es.loc[0:24, "estimate"] - true.loc[0:24]).abs()
    assert gap.mean() < 0.015, gap.round(3).to_dict()


def test_in_a_placebo_world_the_event_study_finds_nothing_and_before_after_still_does():
    panel, truth = make_reporting_panel(seed=0, effect_scale=0, return_truth=True)
    assert truth.share_reported_pp == 0 and truth.median_delay_days == 0
    assert abs(100 * impact.did(panel.monthly, first=2)) < SHARE_TOLERANCE_PP
    assert 100 * impact.before_after(panel.monthly) > SHARE_TOLERANCE_PP


def test_twfe_lands_near_the_truth_here(world):
    panel, truth = world
    estimate = 100 * quietly(impact.twfe, panel.monthly)
    assert abs(estimate - truth.share_reported_pp) < 3 * SHARE_TOLERANCE_PP


def test_coverage_adds_up_by_region_and_period(small):
    m = small.monthly
    world = quietly(impact.coverage, m, None).iloc[0]
    assert world["share_reported"] == pytest.approx(
        m["reported_seizures"].sum() / m["true_seizures"].sum()
    )
    regions = quietly(impact.coverage, m, "region")
    assert regions["true_seizures"].sum() == m["true_seizures"].sum()
    assert regions["countries"].sum() == m["country"].nunique()
    quarters = quietly(impact.coverage, m, "rilo", freq="Q")
    assert quarters["period"].astype(str).str.match(r"^\d{4}Q[1-4]$").all()
    assert {"share_reported", "late_share", "median_delay_days", "automated_share"} <= set(
        quarters.columns
    )
    with pytest.raises(ValueError, match="cannot group by 'office'; accepted: country"):
        impact.coverage(m, "office")


def test_as_of_counts_only_what_reached_cen_by_that_day():
    late = make_reporting_panel(20, years=2, seed=1, as_of="2017-12-31")
    ever = make_reporting_panel(20, years=2, seed=1)
    assert (late.seizures["reported_date"].dropna() <= pd.Timestamp("2017-12-31")).all()
    last = late.monthly["month"] == late.monthly["month"].max()
    assert (
        late.monthly.loc[last, "reported_seizures"].sum()
        < ever.monthly.loc[last, "reported_seizures"].sum()
    )


def test_no_adopters_gives_no_estimate_rather_than_an_error():
    m = make_reporting_panel(10, years=2, adopters=0).monthly
    assert np.isnan(quietly(impact.did, m)) and np.isnan(quietly(impact.before_after, m))
    assert np.isnan(quietly(impact.twfe, m))


def test_unknown_option_is_named_with_the_accepted_ones():
    with pytest.raises(ValueError, match="no option 'adoptors'; accepted: n_countries, years"):
        make_reporting_panel(10, adoptors=5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_countries": 500}, "n_countries must be a whole number from 1 to 184"),
        ({"years": 1}, "years must be a whole number, 2 or more"),
        ({"adopters": 40, "n_countries": 20}, "adopters must be between 0 and n_countries"),
        ({"start": "soon"}, "start must be a date"),
        ({"seed": -1}, "seed must be zero or positive"),
    ],
)
def test_bad_values_fail_with_a_plain_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_reporting_panel(**kwargs)
