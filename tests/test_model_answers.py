"""The figures the model answers, examples, captions and mark schemes of the graded courses state
in words hold on the assignment's data.

Each source notebook runs in a scratch copy of its folder; a last cell, appended here, checks
every figure its text quotes ("about one in eight", "below 2 every month", "1626 seizures in 1237
cases") against the notebook's own variables, with the tolerance the wording allows. Some claims
are about the data itself: that it holds the cases which tell a right method from a plausible
wrong one (a share of cases against a share of seizures). A few claims need a helper, defined
first by ``SETUP``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

COURSES = Path(__file__).resolve().parents[1] / "courses"

# What each model answer says, as Python over the notebook's variables: claim -> expression.
CLAIMS = {
    "risk-profiling/01-indicators-and-profiles": {
        "matches about 730 passengers": "680 <= profile.matches(passengers).sum() <= 780",
        "6% of the traffic": "0.055 <= profile.matches(passengers).mean() < 0.065",
        "the 600 examinations 5% allows": "round(0.05 * len(passengers)) == 600",
        "detection rate 20% at 5%": "0.18 <= share_found < 0.22",
        "detection rate about 25% at 10%": (
            "0.22 <= risk.detection_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < 0.28"
        ),
        "hit rate 8% at 5%": "0.07 <= profile_hit_rate < 0.09",
        "hit rate about 5% at 10%": (
            "0.04 <= risk.hit_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < 0.06"
        ),
        "base rate of 2%": "0.015 <= base_rate < 0.025",
        "three couriers in four get through at 10%": (
            "0.70 <= 1 - risk.detection_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < 0.80"
        ),
        "chart: four of five indicators do better than random, light baggage worse": (
            "(rates < passengers['illicit'].mean()).sum() == 1 "
            "and rates['light baggage'] < passengers['illicit'].mean()"
        ),
        "chart: none finds something in more than one flagged passenger in twenty": (
            "rates.max() < 1 / 20"
        ),
        "confusion table: the big cell is legitimate, not examined": (
            "confusion.loc['legitimate', 'not examined'] "
            "== confusion.drop(index='total', columns='total').to_numpy().max()"
        ),
    },
    "risk-profiling/03-cargo-targeting": {
        "about one inspection in three at 5%": "0.28 <= rate_table.loc[0.05, 'hit_rate'] <= 0.40",
        "lift about 7 at 5%": "6 <= rate_table.loc[0.05, 'lift'] <= 8",
        "about a third of all offending at 5%": (
            "0.28 <= rate_table.loc[0.05, 'detection_rate'] <= 0.40"
        ),
        "at 1% two inspections in three find something": (
            "0.60 <= rate_table.loc[0.01, 'hit_rate'] <= 0.73"
        ),
        "at 1% more than eight offences in ten pass unseen": (
            "1 - rate_table.loc[0.01, 'detection_rate'] > 0.80"
        ),
        "the net benefit is highest at 5%": "best_rate == 0.05",
        "at 5% about two thirds of the revenue at risk": "0.60 <= revenue_share <= 0.73",
        "far more than the scorecard": (
            "comparison.loc['baseline', 'captured_share'] "
            ">= 1.5 * comparison.loc['scorecard', 'captured_share']"
        ),
        "we still miss about two offences in three": (
            "0.60 <= 1 - rate_table.loc[0.05, 'detection_rate'] <= 0.72"
        ),
        "sample answer: at 10% most inspections find nothing": (
            "rate_table.loc[0.10, 'hit_rate'] < 0.5"
        ),
    },
    "risk-profiling/02-evaluating-and-adapting": {
        "about half came from Latin America and the Caribbean before": "0.40 <= lac_share_past <= 0.60",
        "about one in sixteen after": "1 / 25 <= lac_share_future <= 1 / 10",
        "about one examination in eight in the first half": "0.09 <= past_hit_rate <= 0.17",
        "fewer than one in fifty after the shift": "future_hit_rate < 1 / 50",
        "random checks find one in thirty": "1 / 40 <= future['illicit'].mean() <= 1 / 25",
        "worse than random checks": "future_hit_rate < future['illicit'].mean()",
        "lift below 2 every month from July": (
            "(monthly.loc[monthly.index >= monthly.index[6], 'lift'] < 2).all()"
        ),
        "below 1 in five months of six": (
            "(monthly.loc[monthly.index >= monthly.index[6], 'lift'] < 1).sum() == 5"
        ),
        "the scorecard: about one in ten from July": "0.07 <= card_future_hit_rate <= 0.13",
        "adapted about one in five on September to December": "0.15 <= adapted_hit_rate <= 0.25",
        "the old card about one in nine": "0.08 <= old_card_hit_rate <= 0.14",
        "the baseline about one in five from July": "0.15 <= baseline_future_hit_rate <= 0.25",
        "on the same months the baseline does better than the scorecard": (
            "baseline_future_hit_rate > card_future_hit_rate"
        ),
        "the baseline about one in five on September to December": (
            "0.15 <= risk.hit_rate(risk.select(baseline.risk_score(later), CAPACITY), "
            "later['illicit']) <= 0.25"
        ),
        "the adapted scorecard as good as the baseline on September to December": (
            "adapted_hit_rate >= risk.hit_rate(risk.select(baseline.risk_score(later), CAPACITY), "
            "later['illicit'])"
        ),
        "context: one time in five last spring": (
            "0.15 <= monthly['hit_rate'].iloc[2:5].max() <= 0.25"
        ),
        "chart: before the shift most months well above a lift of 2": (
            "(monthly['lift'].iloc[:6] > 2.5).sum() >= 4"
        ),
        "none finds more than about three couriers in ten": (
            "max(risk.detection_rate(s, future['illicit']) "
            "for s in [card_selected, baseline_selected]) <= 0.35"
        ),
    },
}


CLAIMS.update(
    {
        "seizure-analysis/01-exploring-seizures": {
            "the manager: risk profiling finds more than two thirds of seizures": (
                "2 / 3 < (seizures['detection_method'] == 'Risk profiling').mean() < 0.75"
            ),
            "chart: higher in 2025 than in 2024": "growth > 0",
            # The data tell a right method from a plausible wrong one.
            "the e-commerce leader by seizures is not the leader by cases": (
                "seizures.groupby('section')['ecommerce'].mean().idxmax() != ecommerce_leader"
            ),
            "the section with most e-commerce seizures is not the leader by cases": (
                "seizures.groupby('section')['ecommerce'].sum().idxmax() != ecommerce_leader"
            ),
            "the section with most seizures is not the e-commerce leader": (
                "itr.index[0] != ecommerce_leader"
            ),
            "the busiest Cannabis route by cases is not the busiest by seizures": (
                "analysis.top_routes(cannabis.drop_duplicates('case_id'), 1).iloc[0][:2].tolist() "
                "!= list(top_cannabis_route)"
            ),
            "the busiest Drugs route is not the busiest Cannabis route": (
                "analysis.top_routes(drugs, 1).iloc[0][:2].tolist() != list(top_cannabis_route)"
            ),
            "Drugs is not the second row of the section table": (
                "section_table.index[1] != 'Drugs'"
            ),
        },
        "seizure-analysis/02-visualising-and-dashboards": {
            "example: Drugs: 1626 seizures in 1237 cases": (
                "(seizures['section'] == 'Drugs').sum() == 1626 "
                "and seizures.loc[seizures['section'] == 'Drugs', 'case_id'].nunique() == 1237"
            ),
            "the top 8 hold about a quarter of the seizures with known routes": (
                "0.22 <= covered <= 0.30"
            ),
            "Revenue seizures rose by about a quarter, from 333 to 415": (
                "analysis.year_on_year(seizures, 'section').loc['Revenue', [2024, 2025]].tolist() "
                "== [333, 415]"
            ),
            "the matrix has a handful of destinations": "matrix.shape == (8, 8)",
        },
    }
)


CLAIMS.update(
    {
        "data-quality/01-the-cen-record": {
            "a plain read turns Namibia into blanks": "naive_missing > 0 and namibia_involved > 0",
            "the data tell cells from seizures (Namibia counted once per seizure)": (
                "naive_missing != namibia_involved"
            ),
            "model answer: UK is not an ISO code, Great Britain is GB": (
                "'UK' not in schema.country_codes() and 'GB' in schema.country_codes()"
            ),
            "mark scheme: Holland is not a code, NL is": (
                "'Holland' not in schema.country_codes() and 'NL' in schema.country_codes()"
            ),
            "model answer: Sea port and Port split the seaports, Seaport is the code": (
                "'Seaport' in schema.field('location_type').accepted() "
                "and not {'Sea port', 'Port'} & set(schema.field('location_type').accepted())"
            ),
            "example: Cocaine is recorded in kg": "schema.canonical_unit('Cocaine') == 'kg'",
            "some commodities are not recorded in kilograms": "set(units.values()) != {'kg'}",
            "an empty optional field does not make a record incomplete (the data tell it)": (
                "complete_share != entered.notna().all(axis=1).mean()"
            ),
        },
        "data-quality/02-finding-and-fixing-errors": {
            "983 records": "len(received) == 983",
            "15 seizures entered twice": "int(repeated_id.sum()) == 15",
            "30 dates in other formats": "int(bad_date.sum()) == 30",
            "country codes in 10 records": (
                "int(received[COUNTRIES].astype('string').isin(list(COUNTRY_FIXES))"
                ".any(axis=1).sum()) == 10"
            ),
            "codes typed as three letters or in lower case": (
                "all(len(k) == 3 or k.islower() for k in COUNTRY_FIXES)"
            ),
            "29 commodity names": (
                "int(received['commodity'].astype('string').isin(list(COMMODITY_FIXES)).sum()) == 29"
            ),
            "C0000020-01 has no commodity": (
                "_has('mandatory_missing', 'C0000020-01') "
                "and (left.loc[left['seizure_id'] == 'C0000020-01', 'field'] == 'commodity').any()"
            ),
            "cash in kg C0000056-01": "_has('unit_for_commodity', 'C0000056-01', 'kg')",
            "00 on C0000028-01": "_has('country_code', 'C0000028-01', '00')",
            "EU on C0000080-01": "_has('country_code', 'C0000080-01', 'EU')",
            "11 dates in the future": (
                "int(in_future.sum()) == 11 "
                "and left.loc[left['rule'] == 'future_date', 'row'].nunique() == 11"
            ),
            "2045-04-01 on C0000022-01": "_has('future_date', 'C0000022-01', '2045-04-01')",
            "2026-07-14 on C0000089-01": "_has('future_date', 'C0000089-01', '2026-07-14')",
            "negative quantity C0000238-01": "_has('quantity_positive', 'C0000238-01')",
            "16 dated January to March 2026, for the next period": (
                "int(next_period.sum()) == 16 and dates[next_period].dt.year.eq(2026).all() "
                "and dates[next_period].dt.month.le(3).all()"
            ),
            "08/11/2025 is in the file and read as 8 November": (
                "(received['seizure_date'] == '08/11/2025').any() "
                "and files.parse_dates(pd.Series(['08/11/2025'])).iloc[0] "
                "== pd.Timestamp('2025-11-08')"
            ),
            "context: 04/03/2025 is read day first": (
                "files.parse_dates(pd.Series(['04/03/2025'])).iloc[0] == pd.Timestamp('2025-03-04')"
            ),
            "context: the canonical unit of Cash is USD": "schema.canonical_unit('Cash') == 'USD'",
            "99% reach CEN more than 90 days late": (
                "LATE_AFTER == 90 and round(share_reported_late) == 99"
            ),
        },
        "data-quality/03-sharing-with-cen": {
            "a quarter's extract": (
                "pd.to_datetime(ncen['seizures']['seizure_date'], errors='coerce')"
                ".between('2025-10-01', '2025-12-31').mean() > 0.9"
            ),
            "two national columns: a national reference and the remarks": (
                "national_only == ['national_ref', 'remarks']"
            ),
            "no personal field is marked in the seizure table": (
                "schema.personal_fields()['seizures'] == [] and tables_to_cen == ['seizures']"
            ),
            "dropping the national columns does not give the record order (the data tell it)": (
                "list(ncen['seizures'].drop(columns=national_only).columns) != schema.columns()"
            ),
            "the remarks carry passport numbers": "leaking_records > 0",
            "written in many ways: not every leak says 'passport'": (
                "leaking_records != int(ncen['seizures']['remarks'].fillna('')"
                ".str.contains('passport').sum())"
            ),
            "some counts describe exactly one person": "(cells == 1).any() and MIN_CELL == 3",
            "a seizure with one courier sends counts of 1": (
                "submission.batch['persons_by_nationality'].astype(str)"
                ".str.fullmatch(r'[A-Z]{2}:1').any()"
            ),
            "a record can be held back for two reasons": (
                "submission.rejects.groupby('row').size().max() >= 2 "
                "and n_held_back < len(submission.rejects)"
            ),
            "the second run sends nothing, one batch in the outbox": (
                "sent_second == 0 and batches == 1"
            ),
        },
        "cen-coordination/01-how-much-reaches-cen": {
            "about 50 administrations on nCEN": "45 <= countries['adopted'].notna().sum() <= 55",
            "country-months of 2023-2025": (
                "monthly['month'].min() == pd.Timestamp('2023-01-01') "
                "and monthly['month'].max() == pd.Timestamp('2025-12-01')"
            ),
            "a month with 3 seizures, a month with nearly 300": (
                "(monthly['true_seizures'] == 3).any() and 250 <= monthly['true_seizures'].max() < 300"
            ),
            "the average of the shares is not the ratio of totals": (
                "abs(mean_of_shares - world_share) > 0.005"
            ),
            "six WCO regions": "len(by_region) == 6",
            "alt text: bars of five days": "delay_days.min() == 0 and 365 / 73 == 5",
            "alt text: delays of a year or more piled up at 365": "(delay_days >= 365).any()",
            "alt text: most reports arrive in the first weeks": "median_delay <= 28",
            "alt text: a tail far past the line at 90 days": (
                "LATE_AFTER_DAYS == 90 and delay_days.max() > 2 * LATE_AFTER_DAYS"
            ),
            "the mean is larger than the median": "delay_days.mean() > median_delay",
            "most missing is not the lowest share": "most_missing != lowest_share",
            "the top of the league held a few dozen seizures": (
                "20 <= league['true_seizures'].iloc[0] < MIN_SEIZURES"
            ),
            "model answer: small countries in the top ten": "small_in_top10 >= 1",
            "model answer: the top ten's median delay is 3 days": (
                "(league.head(10)['median_delay_days'] == 3).all()"
            ),
            "model answer: the top ten send through the automated transfer": (
                "league.index[:10].map(countries.set_index('country')['automated_from'])"
                ".notna().all()"
            ),
            "a late report looks like a missing one on the report day": (
                "share_by_report_day < share_eventually"
            ),
            "note: those reporting nearly all within days mostly automated": (
                "report.loc[(report['share_reported'] >= 0.95) & (report['median_delay_days'] <= 7)]"
                ".index.map(countries.set_index('country')['automated_from']).notna().mean() > 0.5"
            ),
            "note: several members made only a handful of seizures": (
                "(report['true_seizures'] <= 10).sum() >= 3"
            ),
            "note: at the end of January some were not yet in CEN": (
                "(quarter['reported_date'] > REPORT_DAY).any()"
            ),
        },
        "cen-coordination/02-did-automation-help": {
            "ten years, 2016-2025": (
                "monthly['month'].min() == pd.Timestamp('2016-01-01') "
                "and monthly['month'].max() == pd.Timestamp('2025-12-01')"
            ),
            "about 50 administrations use nCEN": "45 <= countries['adopted'].notna().sum() <= 55",
            "every adopter switched: never adopted is never automated": (
                "(countries['adopted'].notna() == countries['automated_from'].notna()).all()"
            ),
            "many countries never switched": "countries['automated_from'].isna().sum() >= 50",
            "in 2016 nobody had switched yet": "switched.min() > pd.Timestamp('2016-12-31')",
            "seven countries switched during 2020": (
                "(countries['automated_from'].dt.year == 2020).sum() == 7"
            ),
            "the never-automated countries gained points": "never_trend_pp > 0",
            "in 2016 early above late above never": (
                "share_2016['early'] > share_2016['late'] > share_2016['never']"
            ),
            "both naive comparisons overstate the effect": (
                "naive_pp > truth_pp and versus_pp > truth_pp"
            ),
            "alt text: before the switch the line wanders around zero": (
                "abs(pre_mean_pp) < 1 "
                "and (100 * es.loc[es['months_since_switch'] < 0, 'estimate']).abs().max() < 5"
            ),
            "alt text: it climbs over the first months": (
                "es.set_index('months_since_switch')['estimate'].loc[0] "
                "< es.set_index('months_since_switch')['estimate'].loc[2]"
            ),
            "alt text: then well above zero to the end": (
                "(100 * es.loc[es['months_since_switch'] >= 2, 'estimate']).min() > 5"
            ),
            "model answer: the transfer cut the median delay": "did_delay < 0 and did_pp > 0",
            "model answer: the before/after is about twice as large": (
                "1.5 <= naive_pp / did_pp <= 2.5"
            ),
            "model answer: within about a point of the truth": "abs(did_error_pp) <= 1.5",
            "model answer: the naive figures miss by several points": (
                "min(naive_error_pp, versus_pp - truth_pp) >= 3"
            ),
            "model answer: the effect builds up over the first months": (
                "truth.set_index('months_since_switch')['share_reported_pp'].loc[0] "
                "< truth.set_index('months_since_switch')['share_reported_pp'].loc[2]"
            ),
        },
    }
)

# Helpers some claims use, run in the notebook's kernel before the claims.
SETUP = {
    "data-quality/02-finding-and-fixing-errors": """
def _has(rule, sid, value=None):
    found = left[(left["rule"] == rule) & (left["seizure_id"] == sid)]
    return len(found) > 0 and (value is None or (found["value"].astype(str) == value).any())
""",
}


def check_cell(claims: dict[str, str], setup: str = "") -> str:
    lines = [setup, "import json", "_failed = []"]
    for claim, expression in claims.items():
        lines.append(f"if not ({expression}): _failed.append({claim!r})")
    lines.append("print(json.dumps(_failed))")
    return "\n".join(lines)


@pytest.mark.parametrize("assignment", sorted(CLAIMS))
def test_every_figure_the_model_answer_quotes_holds_on_the_data(assignment, tmp_path):
    course, name = assignment.split("/")
    folder = tmp_path / name
    shutil.copytree(COURSES / course / "source" / name, folder)
    (path,) = folder.glob("*.ipynb")
    nb = nbformat.read(str(path), as_version=4)
    cell = check_cell(CLAIMS[assignment], SETUP.get(assignment, ""))
    nb.cells.append(nbformat.v4.new_code_cell(cell))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert json.loads(printed) == []


def test_a_false_claim_is_caught():
    """The check cell is not blind: a claim that does not hold is reported by name."""
    ns: dict = {"x": 0.5}
    exec(check_cell({"x is small": "x < 0.1", "x is a half": "x == 0.5"}), ns)  # noqa: S102
    assert ns["_failed"] == ["x is small"]
