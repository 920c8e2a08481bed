"""The figures the model answers, examples, captions and mark schemes of the graded courses state
in words hold on the assignment's data.

Each source notebook runs in a scratch copy of its folder; a last cell, appended here, checks
every figure its text quotes ("about one in eight", "below 2 every month", "about two thirds")
against the notebook's own variables, with the tolerance the wording allows. Some claims
are about the data itself: that it holds the cases which tell a right method from a plausible
wrong one (a share of cases against a share of seizures). A few claims need a helper, defined
first by ``SETUP``. What a trainee reads holds on their own data too (two trainees' data are
checked); a figure quoted only to instructors is named ``reference data: ...``.
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
        "matches about 6% of the traffic": "0.055 <= profile.matches(passengers).mean() <= 0.07",
        "a little more than the examinations 5% allows": (
            "profile.matches(passengers).sum() > round(0.05 * len(passengers))"
        ),
        "detection rate about a fifth at 5%": "0.14 <= share_found <= 0.32",
        "detection rate about three in ten at 10%, up from 5%": (
            "max(0.21, share_found) < risk.detection_rate(risk.select(profile.matches(passengers), "
            "0.10), passengers['illicit']) <= 0.40"
        ),
        "hit rate about 8% at 5%": "0.045 <= profile_hit_rate <= 0.12",
        "hit rate about 6% at 10%, down from 5%": (
            "0.04 <= risk.hit_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < min(0.08, profile_hit_rate)"
        ),
        "base rate of 2%": "0.015 <= base_rate < 0.025",
        "about seven couriers in ten get through at 10%": (
            "0.60 <= 1 - risk.detection_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) <= 0.80"
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
        # The data tell a right method from a plausible wrong one (question 2).
        "the best hit rate is not the indicator with the most hits": (
            "table['hit_rate'].idxmax() != table['hits'].idxmax()"
        ),
    },
    "risk-profiling/03-cargo-targeting": {
        "about one inspection in three at 5%": "0.28 <= rate_table.loc[0.05, 'hit_rate'] <= 0.45",
        "lift about 7 at 5%": "5.5 <= rate_table.loc[0.05, 'lift'] <= 9",
        "about a third of all offending at 5%": (
            "0.27 <= rate_table.loc[0.05, 'detection_rate'] <= 0.45"
        ),
        "at 1% about two inspections in three find something": (
            "0.55 <= rate_table.loc[0.01, 'hit_rate'] <= 0.90"
        ),
        "at 1% more than eight offences in ten pass unseen": (
            "1 - rate_table.loc[0.01, 'detection_rate'] > 0.80"
        ),
        "the extra inspections find less and less": (
            "rate_table['hit_rate'].is_monotonic_decreasing"
        ),
        "reference data: the net benefit is highest at 5%": "best_rate == 0.05",
        "reference data: at 5% about two thirds of the revenue at risk": (
            "0.60 <= revenue_share <= 0.73"
        ),
        "more than the scorecard": (
            "comparison.loc['baseline', 'captured_share'] "
            "> comparison.loc['scorecard', 'captured_share']"
        ),
        "we still miss about two offences in three": (
            "0.55 <= 1 - rate_table.loc[0.05, 'detection_rate'] <= 0.75"
        ),
        "sample answer: at 10% most inspections find nothing": (
            "rate_table.loc[0.10, 'hit_rate'] < 0.5"
        ),
    },
    "risk-profiling/02-evaluating-and-adapting": {
        "about half or more came from Latin America and the Caribbean before": (
            "lac_share_past >= 0.40"
        ),
        "only a few after": "lac_share_future <= 0.20",
        "roughly one examination in five to ten in the first half": (
            "0.075 <= past_hit_rate <= 0.25"
        ),
        "fewer than one in forty after the shift": "future_hit_rate < 1 / 40",
        "random checks find about one in thirty": "1 / 45 <= future['illicit'].mean() <= 1 / 25",
        "worse than random checks": "future_hit_rate < future['illicit'].mean()",
        "chart: after the shift every month below a lift of 2": (
            "(monthly.loc[monthly.index >= monthly.index[6], 'lift'] < 2).all()"
        ),
        "chart: after the shift most months below a lift of 1": (
            "(monthly.loc[monthly.index >= monthly.index[6], 'lift'] < 1).sum() >= 4"
        ),
        "chart: before the shift most months well above a lift of 2": (
            "(monthly['lift'].iloc[:6] > 2.5).sum() >= 4"
        ),
        "context: several times as often as random checks last spring": (
            "(monthly['lift'].iloc[2:5] > 2.5).any()"
        ),
        "context: worse than random checks by the autumn": (
            "(monthly['lift'].iloc[8:11] < 1).any()"
        ),
        "the scorecard: roughly one in ten from July, better than random": (
            "max(0.04, future['illicit'].mean()) < card_future_hit_rate <= 0.17"
        ),
        "the baseline about as well or better from July, roughly one in seven": (
            "baseline_future_hit_rate >= 0.8 * card_future_hit_rate "
            "and 0.08 <= baseline_future_hit_rate <= 0.25"
        ),
        "adapted roughly one in five on September to December": "0.10 <= adapted_hit_rate <= 0.32",
        "adapted clearly more often than the old card": (
            "adapted_hit_rate >= 1.15 * old_card_hit_rate"
        ),
        "adapted close to the baseline on September to December": (
            "adapted_hit_rate >= 0.65 * risk.hit_rate("
            "risk.select(baseline.risk_score(later), CAPACITY), later['illicit'])"
        ),
        "none finds more than about a third of the couriers": (
            "max(risk.detection_rate(s, future['illicit']) "
            "for s in [card_selected, baseline_selected]) <= 0.40"
        ),
        "alert: the day's highest score, alone at the top, carried cocaine through a hub": (
            "(lambda s: (s == s.max()).sum() == 1 "
            "and day_traffic.loc[s.idxmax(), 'true_commodity'] == 'Cocaine' "
            "and pd.notna(day_traffic.loc[s.idxmax(), 'transit_country']))"
            "(adapted.risk_score(day_traffic))"
        ),
        # The data tell a right method from a plausible wrong one (questions 4 and 8).
        "a month with a lift between 1 and 2": "monthly['lift'].between(1, 2, 'neither').any()",
        "the day's first passenger carried nothing": "not day_traffic['illicit'].iloc[0]",
    },
}


CLAIMS.update(
    {
        "seizure-analysis/01-exploring-seizures": {
            "the manager: risk profiling finds about two thirds of seizures": (
                "0.6 <= (seizures['detection_method'] == 'Risk profiling').mean() <= 0.73"
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
            "model answer: the top 8 hold well under half of the seizures with known routes": (
                "covered < 0.5"
            ),
            "the journalist's question: Revenue seizures rose between 2024 and 2025": (
                "analysis.year_on_year(seizures, 'section').loc['Revenue', 'change'] > 0"
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
            "reference data: 983 records": "len(received) == 983",
            "reference data: 15 seizures entered twice": "int(repeated_id.sum()) == 15",
            "reference data: 30 dates in other formats": "int(bad_date.sum()) == 30",
            "reference data: country codes in 10 records": (
                "int(received[COUNTRIES].astype('string').isin(list(COUNTRY_FIXES))"
                ".any(axis=1).sum()) == 10"
            ),
            "codes typed as three letters or in lower case": (
                "all(len(k) == 3 or k.islower() for k in COUNTRY_FIXES)"
            ),
            "reference data: 29 commodity names": (
                "int(received['commodity'].astype('string').isin(list(COMMODITY_FIXES)).sum()) == 29"
            ),
            "reference data: C0000020-01 has no commodity": (
                "_has('mandatory_missing', 'C0000020-01') "
                "and (left.loc[left['seizure_id'] == 'C0000020-01', 'field'] == 'commodity').any()"
            ),
            "reference data: cash in kg C0000056-01": "_has('unit_for_commodity', 'C0000056-01', 'kg')",
            "reference data: 00 on C0000028-01": "_has('country_code', 'C0000028-01', '00')",
            "reference data: EU on C0000080-01": "_has('country_code', 'C0000080-01', 'EU')",
            "reference data: 11 dates in the future": (
                "int(in_future.sum()) == 11 "
                "and left.loc[left['rule'] == 'future_date', 'row'].nunique() == 11"
            ),
            "reference data: 2045-04-01 on C0000022-01": "_has('future_date', 'C0000022-01', '2045-04-01')",
            "reference data: 2026-07-14 on C0000089-01": "_has('future_date', 'C0000089-01', '2026-07-14')",
            "reference data: negative quantity C0000238-01": "_has('quantity_positive', 'C0000238-01')",
            "reference data: 16 dated January to March 2026, for the next period": (
                "int(next_period.sum()) == 16 and dates[next_period].dt.year.eq(2026).all() "
                "and dates[next_period].dt.month.le(3).all()"
            ),
            "reference data: 08/11/2025 is in the file and read as 8 November": (
                "(received['seizure_date'] == '08/11/2025').any() "
                "and files.parse_dates(pd.Series(['08/11/2025'])).iloc[0] "
                "== pd.Timestamp('2025-11-08')"
            ),
            "context: 04/03/2025 is read day first": (
                "files.parse_dates(pd.Series(['04/03/2025'])).iloc[0] == pd.Timestamp('2025-03-04')"
            ),
            "context: the canonical unit of Cash is USD": "schema.canonical_unit('Cash') == 'USD'",
            "context: the file holds each kind of mistake it names": (
                "incomplete.any() and bad_country.any() and bad_date.any() and wrong_unit.any() "
                "and repeated_id.any() and next_period.any()"
            ),
            "context: the file has no reported_date yet": "received['reported_date'].isna().all()",
            "after question 6: almost every seizure of the period reaches CEN late": (
                "share_reported_late >= 95"
            ),
            "before question 9: the codes left after COUNTRY_FIXES are XK, EU, 00 or ZZ": (
                "set(left.loc[left['rule'] == 'country_code', 'value']) <= {'XK', 'EU', '00', 'ZZ'}"
            ),
            "reference data: 99% reach CEN more than 90 days late": (
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
            "a month with a handful of seizures, a month with a few hundred": (
                "(monthly['true_seizures'] <= 5).any() and monthly['true_seizures'].max() >= 200"
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
            "model answer: nearly all the top ten report within a week, automated": (
                "((league.head(10)['median_delay_days'] <= 7) & league.index[:10]"
                ".map(countries.set_index('country')['automated_from']).notna()).sum() >= 8"
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
            "note: part of the reports came more than 90 days after the seizure": (
                "quarter['late'].any()"
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
            "several countries switched during 2020": (
                "(countries['automated_from'].dt.year == 2020).sum() >= 3"
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


# A claim named "reference data: ..." is about the course's committed data only: a figure an
# instructor-facing model answer or mark scheme quotes. Every other claim is read by trainees
# before grading, so it holds on every trainee's own data too (checked on TRAINEES).
REFERENCE_ONLY = "reference data: "
TRAINEES = ["trainee-001", "trainee-002"]


def _claims_hold(assignment: str, folder: Path, claims: dict[str, str]) -> list[str]:
    """The claims that fail when the source notebook runs in ``folder``."""
    (path,) = folder.glob("*.ipynb")
    nb = nbformat.read(str(path), as_version=4)
    cell = check_cell(claims, SETUP.get(assignment, ""))
    nb.cells.append(nbformat.v4.new_code_cell(cell))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(printed)


@pytest.mark.parametrize("assignment", sorted(CLAIMS))
def test_every_figure_the_model_answer_quotes_holds_on_the_data(assignment, tmp_path):
    course, name = assignment.split("/")
    folder = tmp_path / name
    shutil.copytree(COURSES / course / "source" / name, folder)
    assert _claims_hold(assignment, folder, CLAIMS[assignment]) == []


@pytest.mark.parametrize("trainee", TRAINEES)
@pytest.mark.parametrize("assignment", sorted(CLAIMS))
def test_what_a_trainee_reads_holds_on_their_own_data(assignment, trainee, tmp_path):
    """Every figure a trainee reads before grading holds on a trainee's own data, not only on
    the course's committed data."""
    from cenlab.course import personal
    from cenlab.course.variants import CHECK_SECRET

    course, name = assignment.split("/")
    folder = tmp_path / name
    shutil.copytree(COURSES / course / "source" / name, folder)
    personal.build_for(COURSES / course, name, trainee, folder, secret=CHECK_SECRET)
    claims = {k: v for k, v in CLAIMS[assignment].items() if not k.startswith(REFERENCE_ONLY)}
    assert _claims_hold(assignment, folder, claims) == []


def test_a_false_claim_is_caught():
    """The check cell is not blind: a claim that does not hold is reported by name."""
    ns: dict = {"x": 0.5}
    exec(check_cell({"x is small": "x < 0.1", "x is a half": "x == 0.5"}), ns)  # noqa: S102
    assert ns["_failed"] == ["x is small"]
