"""Instant checks for the self-paced exercises: ``check("q1")`` says right or not yet, and why.

Nothing here is graded. Each check looks at the variables of your notebook, compares them with
the answer worked out from the same synthetic data, and prints one line starting with "Right" or
"Not yet". It never raises: an answer still missing (``...``) is simply "not yet".
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings

import pandas as pd

from cenlab import risk
from cenlab.reference.regions import COUNTRY_REGION, COUNTRY_RILO, RILO_MEMBERS, RILO_REGION
from cenlab.reference.traffic import COURIER_PROFILE
from cenlab.synth import inject_defects, make_seizures
from cenlab.synth.traffic import make_passengers

__all__ = [
    "check", "load_seizures", "load_passengers", "courier_profile", "load_countries",
    "load_damaged", "typed_dates", "OKABE_ITO", "WESTERN_EUROPE",
]  # fmt: skip

# The Okabe-Ito palette: eight colours that people with the common forms of colour blindness
# still tell apart (Okabe and Ito, "Color Universal Design", 2008). Charts in the exercises use
# it, and tell series apart by marker and line style as well, never by colour alone.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]

WESTERN_EUROPE = RILO_MEMBERS["RILO Western Europe"]


@functools.cache
def _seizures() -> pd.DataFrame:
    return make_seizures(500, seed=2025, start="2025-01-01", end="2025-12-31")


@functools.cache
def _passengers() -> pd.DataFrame:
    return make_passengers(8_000, seed=3, start="2025-01-01", end="2025-06-30", route_shift=False)


def load_seizures() -> pd.DataFrame:
    """A year of synthetic seizures (the same for every trainee), as a fresh copy."""
    return _seizures().copy()


def load_passengers() -> pd.DataFrame:
    """Six months of synthetic arriving passengers with the truth (column ``illicit``)."""
    return _passengers().copy()


@functools.cache
def _damaged() -> pd.DataFrame:
    damaged, _answer_key = inject_defects(_seizures(), seed=7)
    return damaged


def load_damaged() -> pd.DataFrame:
    """The same seizures as received from a busy office: some fields left empty, some slips."""
    return _damaged().copy()


def load_countries() -> pd.DataFrame:
    """One row per country: its code, its RILO and its WCO region (``cenlab.reference.regions``)."""
    return pd.DataFrame(
        {
            "country": list(COUNTRY_RILO),
            "rilo": list(COUNTRY_RILO.values()),
            "region": [RILO_REGION[r] for r in COUNTRY_RILO.values()],
        }
    )


def typed_dates() -> list[str]:
    """Twelve seizure dates as typed at a border office: most year-month-day, every third one
    day/month/year (the first one among them)."""
    days = _seizures()["seizure_date"].drop_duplicates().head(12)
    return [f"{d:%d/%m/%Y}" if i % 3 == 0 else f"{d:%Y-%m-%d}" for i, d in enumerate(days)]


def courier_profile() -> risk.Profile:
    """The profile whose results exercise 02 reads."""
    return risk.Profile("courier", **COURIER_PROFILE)


class NotYet(Exception):
    """Raised inside a check to say what is still wrong."""


def _need(ns: dict, name: str):
    if name not in ns or ns[name] is ...:
        raise NotYet(f"set `{name}` first (replace the ... with your answer)")
    return ns[name]


def _number(ns: dict, name: str) -> float:
    value = _need(ns, name)
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise NotYet(f"`{name}` should be a number, not {type(value).__name__}") from None
    if math.isnan(value):
        raise NotYet(f"`{name}` is NaN (not a number): check for an empty selection")
    return value


def _close(got: float, want: float, why: str) -> None:
    if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9):
        raise NotYet(why)


# --- 00 Python for CEN data ------------------------------------------------------------------


def _as_str_index(series: pd.Series) -> pd.Series:
    out = series.copy()
    out.index = out.index.astype(str)
    return out


def _same_numbers(got: pd.Series, want: pd.Series) -> bool:
    """Same labels and the same values (to rounding), whatever the order."""
    got, want = _as_str_index(got), _as_str_index(want)
    if set(got.index) != set(want.index):
        return False
    got = pd.to_numeric(got, errors="coerce").reindex(want.index)
    return bool(((got - want).abs() <= 1e-6 * (1 + want.abs())).all())


def _frame(ns: dict, name: str) -> pd.DataFrame:
    value = _need(ns, name)
    if not isinstance(value, pd.DataFrame):
        raise NotYet(f"`{name}` should be a table (a DataFrame), not {type(value).__name__}")
    return value


def _series(ns: dict, name: str) -> pd.Series:
    value = _need(ns, name)
    if not isinstance(value, pd.Series):
        raise NotYet(
            f"`{name}` should be a column of values (a Series), not {type(value).__name__}"
        )
    return value


def _y1(ns):
    got = _need(ns, "country_columns")
    want = [c for c in _seizures().columns if c.endswith("_country")]
    if not isinstance(got, list):
        raise NotYet("`country_columns` should be a list: write the comprehension in [ ]")
    if sorted(got) == sorted(want):
        if got != want:
            raise NotYet("the names are right; keep them in the table's order (loop over columns)")
    elif not set(got) <= set(want):
        raise NotYet("`country_columns` holds a name that does not end with _country")
    else:
        raise NotYet("`country_columns` misses a column whose name ends with _country")
    return f"{len(got)} columns hold a country code."


def _y2(ns):
    got = _need(ns, "headline")
    s = _seizures()
    n, k, v = len(s), s["case_id"].nunique(), s["value_usd"].sum()
    if not isinstance(got, str):
        raise NotYet('`headline` should be text: an f-string, f"..."')
    if got == f"{n} seizures in {k} cases worth {v:,.0f} USD":
        return "an f-string puts numbers into a sentence, formatted as you choose."
    if not got.startswith(f"{n} seizures in {k} cases worth "):
        raise NotYet(
            "`headline` should start with the number of seizures, then of cases, "
            "as in the sentence asked for"
        )
    raise NotYet(
        "the counts are right; write the value with thousands separators and no "
        "decimals: {value:,.0f}"
    )


def _y3(ns):
    got = _frame(ns, "we_drugs")
    s = _seizures()
    in_we, drugs = s["reporting_country"].isin(WESTERN_EUROPE), s["section"] == "Drugs"
    if "seizure_id" not in got.columns:
        raise NotYet("`we_drugs` should keep the rows of `seizures` with all their columns")
    ids = set(got["seizure_id"])
    if ids == set(s.loc[in_we & drugs, "seizure_id"]):
        return f"{len(got)} drug seizures were made in Western Europe."
    if ids == set(s.loc[drugs, "seizure_id"]):
        raise NotYet(
            "`we_drugs` holds drug seizures of every country: add the isin condition with &"
        )
    if ids == set(s.loc[in_we, "seizure_id"]):
        raise NotYet("`we_drugs` holds every section: add the condition on the section with &")
    raise NotYet(
        "`we_drugs` should keep the rows reported from WESTERN_EUROPE and of section Drugs"
    )


def _y4(ns):
    got = _number(ns, "other_methods_share")
    found = _seizures()["detection_method"].isin(["Risk profiling", "Routine control"])
    if math.isclose(got, found.mean()):
        raise NotYet(
            "that is the share found by those two methods; put ~ in front of the mask "
            "to turn it around"
        )
    if math.isclose(got, (~found).sum()):
        raise NotYet("that is a number of seizures; .mean() of a True/False mask gives the share")
    _close(
        got,
        (~found).mean(),
        "`other_methods_share` is the share of seizures found by any "
        "method other than risk profiling and routine control",
    )
    return "about one seizure in fifteen comes from intelligence, investigation or random checks."


def _y5(ns):
    got = int(_number(ns, "airport_or_mail"))
    where = _seizures()["location_type"]
    if got == 0:
        raise NotYet("no seizure is at an airport and at a mail centre at once: use | (or), not &")
    if got in ((where == "Airport").sum(), (where == "Mail Centre").sum()):
        raise NotYet("that counts one place only: join both conditions with |")
    if got != ((where == "Airport") | (where == "Mail Centre")).sum():
        raise NotYet("`airport_or_mail` counts the seizures at an airport or at a mail centre")
    return f"{got} of {len(where)} seizures were made at an airport or a mail centre."


DRUGS = ["Cannabis", "Cocaine", "Psychotropic substances"]


def _y6(ns):
    got = _need(ns, "value_by_drug")
    if not isinstance(got, dict):
        raise NotYet("`value_by_drug` should be a dict: write the comprehension in { }")
    if sorted(got) != sorted(DRUGS):
        raise NotYet("the keys of `value_by_drug` should be the three commodities of DRUGS")
    s = _seizures()
    for drug in DRUGS:
        want = s.loc[s["commodity"] == drug, "value_usd"].sum()
        try:
            value = float(got[drug])
        except (TypeError, ValueError):
            raise NotYet(f"value_by_drug[{drug!r}] should be a number") from None
        if not math.isclose(value, want, rel_tol=1e-9):
            raise NotYet(f"value_by_drug[{drug!r}] should add up value_usd of the {drug} rows")
    return "a dict comprehension makes one entry per item of a list."


def _y7(ns):
    share_of = _need(ns, "share_of")
    if not callable(share_of):
        raise NotYet("`share_of` should be a function: define it with def")
    s = _seizures()
    try:
        default = share_of(s)
    except TypeError:
        raise NotYet(
            "share_of(seizures) should work on its own: give section the default "
            '"Drugs" (section="Drugs")'
        ) from None
    if default is None:
        raise NotYet("share_of gives nothing back: end it with return")
    if default is ...:
        raise NotYet("share_of still returns ...: write the share after return")
    _close(
        float(default),
        (s["section"] == "Drugs").mean(),
        "share_of(seizures) should be the share of rows whose section is Drugs",
    )
    _close(
        float(share_of(s, "Revenue")),
        (s["section"] == "Revenue").mean(),
        'share_of(seizures, "Revenue") should be the share of Revenue rows: use the '
        "argument section, not a fixed name",
    )
    part = s[s["direction"] == "Export"]
    _close(
        float(share_of(part, "Drugs")),
        (part["section"] == "Drugs").mean(),
        "share_of uses the whole `seizures` table instead of its argument df",
    )
    return "one function, any table, any section."


def _y8(ns):
    got = _series(ns, "section_shares")
    want = _seizures()["section"].value_counts(normalize=True)
    want = want[want > 0]
    got = got[got > 0]
    if _same_numbers(got, _seizures()["section"].value_counts()[lambda c: c > 0]):
        raise NotYet("these are counts; value_counts(normalize=True) gives shares")
    if not _same_numbers(got, want):
        raise NotYet("`section_shares` should give each section's share of the seizures")
    if list(got.index.astype(str)) != list(want.index.astype(str)):
        raise NotYet("the shares are right; sort them from largest to smallest")
    return "the shares add up to 1: every seizure has one section."


def _y9(ns):
    value = _seizures().set_index("seizure_id")["value_usd"]
    got = _need(ns, "largest_id")
    if got == value.idxmin():
        raise NotYet("that is the seizure of smallest value: idxmax gives the largest")
    if got != value.idxmax():
        raise NotYet("`largest_id` should be the seizure_id of the largest value (idxmax)")
    top3 = _need(ns, "top3_ids")
    try:
        top3 = list(top3)
    except TypeError:
        raise NotYet("`top3_ids` should be a list of three seizure ids") from None
    if top3 == list(value.sort_values().index[:3]):
        raise NotYet("those are the three smallest: sort with ascending=False")
    if len(top3) == 3 and all(isinstance(x, float) for x in top3):
        raise NotYet("`top3_ids` should hold seizure ids (the index), not values")
    if top3 != list(value.sort_values(ascending=False).index[:3]):
        raise NotYet("`top3_ids` should be the ids of the three largest values, largest first")
    return f"{got} is the most valuable seizure of the year."


def _y10(ns):
    got = _series(ns, "value_by_section")
    s = _seizures()
    want = s.groupby("section")["value_usd"].sum()
    if _same_numbers(got[got > 0], s.groupby("section").size()[lambda c: c > 0]):
        raise NotYet("these are numbers of seizures; add up value_usd with .sum()")
    if not _same_numbers(got[got > 0], want[want > 0]):
        raise NotYet("`value_by_section` should add up value_usd for each section")
    return "groupby splits the table by section and sums each part."


def _y11(ns):
    got = _frame(ns, "by_country")
    s = _seizures()
    want = s.groupby("reporting_country").agg(
        seizures=("seizure_id", "size"),
        cases=("case_id", "nunique"),
        value_usd=("value_usd", "sum"),
    )
    missing = [c for c in want.columns if c not in got.columns]
    if missing:
        raise NotYet(f"`by_country` needs a column named {missing[0]!r}: name it in .agg(...)")
    got = got[got["seizures"] > 0]
    if _same_numbers(got["cases"], want["seizures"]):
        raise NotYet(
            "`cases` counts rows; a case can hold several seizures, so count distinct "
            "case_id values (nunique)"
        )
    for column in want.columns:
        if not _same_numbers(got[column], want[column]):
            raise NotYet(f"the column {column!r} of `by_country` is not right for every country")
    return "named aggregation gives each column of the summary its own name and sum."


def _y12(ns):
    got = _series(ns, "region")
    want = _seizures()["reporting_country"].map(COUNTRY_REGION)
    if len(got) != len(want):
        raise NotYet("`region` should have one value per seizure, in the same order")
    if list(got.astype(str)) != list(want.astype(str)):
        raise NotYet("`region` should be the reporting country's region, from COUNTRY_REGION")
    return "map looks each code up in the dict, row by row."


WORDS = ["phone", "watch"]


def _y13(ns):
    got = int(_number(ns, "n_mentions"))
    detail = _seizures()["commodity_detail"].astype(str)
    if got == detail.apply(lambda text: any(w in text for w in WORDS)).sum():
        raise NotYet("some details start with a capital letter: compare text.lower()")
    if got != detail.apply(lambda text: any(w in text.lower() for w in WORDS)).sum():
        raise NotYet("`n_mentions` counts the seizures whose detail contains one of WORDS")
    return "apply runs your own function on every value of a column."


def _y14(ns):
    got = int(_number(ns, "n_not_iso"))
    typed = typed_dates()
    want = int(pd.to_datetime(typed, format="%Y-%m-%d", errors="coerce").isna().sum())
    with warnings.catch_warnings():  # pandas warns that it guesses: that is the mistake here
        warnings.simplefilter("ignore")
        guessed = int(pd.to_datetime(typed, errors="coerce").isna().sum())
    if got == guessed and got != want:
        raise NotYet('pandas guessed the format from the first date; say format="%Y-%m-%d"')
    if got == len(typed) - want:
        raise NotYet("that counts the dates read; count the ones that could not be read (NaT)")
    if got != want:
        raise NotYet("`n_not_iso` counts the dates that are not written year-month-day")
    return f"{want} of {len(typed)} dates need re-entering as year-month-day."


def _y15(ns):
    got = _series(ns, "delay_days")
    s = _seizures()
    want = (s["reported_date"] - s["seizure_date"]).dt.days
    if len(got) == len(want) and (pd.to_numeric(got, errors="coerce") == -want).all():
        raise NotYet("the delays are negative: subtract the seizure date from the report date")
    if len(got) != len(want) or not (pd.to_numeric(got, errors="coerce") == want).all():
        raise NotYet("`delay_days` should be report date minus seizure date, in days (.dt.days)")
    share = _number(ns, "within_30_share")
    if math.isclose(share, (want < 30).mean()) and not math.isclose(share, (want <= 30).mean()):
        raise NotYet("a report on day 30 is within 30 days: use <= 30, not < 30")
    _close(
        share,
        (want <= 30).mean(),
        "`within_30_share` is the share of seizures reported within 30 days (.mean() of a mask)",
    )
    return "a timely report reaches CEN within days, not months."


def _y16(ns):
    got = int(_number(ns, "second_half"))
    month = _seizures()["seizure_date"].dt.month
    if got == (month > 7).sum():
        raise NotYet("July belongs to the second half: use >= 7")
    if got == (month < 7).sum():
        raise NotYet("that is the first half of the year (January to June)")
    if got != (month >= 7).sum():
        raise NotYet("`second_half` counts the seizures made from July to December (.dt.month)")
    return f"{got} seizures were made from July to December."


def _y17(ns):
    got = _number(ns, "complete_share")
    d = _damaged()
    want = d.notna().all(axis=1).mean()
    if math.isclose(got, d.notna().all().mean()):
        raise NotYet("that is a share of columns; .all(axis=1) looks along each row")
    _close(got, want, "`complete_share` is the share of rows with no empty field")
    return "complete records first: the Charter's completeness."


def _y18(ns):
    got = int(_number(ns, "later_seizures"))
    case = _seizures()["case_id"]
    if got == case.duplicated(keep=False).sum():
        raise NotYet(
            "that counts every seizure of a shared case; .duplicated() marks only the "
            "second and later ones"
        )
    if got != case.duplicated().sum():
        raise NotYet("`later_seizures` counts the rows whose case_id appeared on an earlier row")
    return "seizures minus cases: the same number, two ways."


def _y19(ns):
    got = _number(ns, "airport_import_share")
    s = _seizures()
    rows, cols = s["location_type"], s["direction"]
    if math.isclose(got, pd.crosstab(rows, cols).loc["Airport", "Import"]):
        raise NotYet('that is a count; normalize="index" turns each row into shares')
    if math.isclose(got, pd.crosstab(rows, cols, normalize="columns").loc["Airport", "Import"]):
        raise NotYet(
            'that is the airports\' share of all imports; normalize="index" gives the '
            "imports' share of airport seizures"
        )
    _close(
        got,
        pd.crosstab(rows, cols, normalize="index").loc["Airport", "Import"],
        "`airport_import_share` is the share of airport seizures that are imports",
    )
    return "most airport seizures are imports, found on arrival."


def _y20(ns):
    got = _number(ns, "drugs_transit_value")
    s = _seizures()
    cell = s[(s["section"] == "Drugs") & (s["direction"] == "Transit")]["value_usd"]
    if math.isclose(got, cell.mean()):
        raise NotYet('that is an average; aggfunc="sum" adds the values up')
    if math.isclose(got, len(cell)):
        raise NotYet('that is a number of seizures; use values="value_usd" and aggfunc="sum"')
    _close(
        got, cell.sum(), "`drugs_transit_value` is the total value of the Drugs seizures in transit"
    )
    return "pivot_table is crosstab's cousin: any column, any sum."


def _y21(ns):
    got = _frame(ns, "with_rilo")
    s = _seizures()
    if len(got) != len(s):
        raise NotYet(f'`with_rilo` should keep one row per seizure ({len(s)}); use how="left"')
    if "rilo" not in got.columns:
        raise NotYet("`with_rilo` should have the column rilo from `countries`")
    want = s["reporting_country"].astype(str).map(COUNTRY_RILO)
    if list(got["rilo"].astype(str)) != list(want.astype(str)):
        raise NotYet(
            'join on the reporting country: left_on="reporting_country", right_on="country"'
        )
    busiest = _need(ns, "busiest_rilo")
    if busiest != want.value_counts().idxmax():
        raise NotYet("`busiest_rilo` should be the RILO of the most seizures in `with_rilo`")
    return f"{busiest} covers the most seizures."


def _y22(ns):
    got = int(_number(ns, "n_routes"))
    s = _seizures()
    routes = list(zip(s["departure_country"], s["destination_country"]))
    if got == len(routes):
        raise NotYet("that counts seizures; set(...) keeps each route once")
    if got != len(set(routes)):
        raise NotYet("`n_routes` counts the distinct (departure, destination) pairs")
    both = _need(ns, "both_ways")
    if not isinstance(both, set):
        raise NotYet("`both_ways` should be a set: set(...) & set(...)")
    if both != set(s["departure_country"]) & set(s["destination_country"]):
        raise NotYet("`both_ways` holds the countries seen as departure and also as destination")
    return f"{got} routes; {len(both)} countries appear at both ends."


def _y23(ns):
    got = _need(ns, "top_chapter")
    chapter = _seizures()["hs_code"].astype(str).str[:2]
    want = chapter.value_counts().index[0]
    if not isinstance(got, str):
        raise NotYet("`top_chapter` should be text of two digits, as in the HS code")
    if got != want:
        raise NotYet("`top_chapter` should be the most frequent first two digits of hs_code")
    return f"HS chapter {want} leads."


SECTIONS = ["Drugs", "Revenue", "Security"]


def _y24(ns):
    got = _frame(ns, "section_table")
    s = _seizures()
    if set(SECTIONS) <= set(got.columns.astype(str)):
        raise NotYet("each section should be a row, not a column: turn the table with .T")
    if list(got.index.astype(str)) != SECTIONS:
        raise NotYet("`section_table` should have one row per section of SECTIONS, in order")
    for column in ("seizures", "cases"):
        if column not in got.columns:
            raise NotYet(f"`section_table` needs a column {column!r}")
    for section in SECTIONS:
        part = s[s["section"] == section]
        if int(got.loc[section, "seizures"]) != len(part):
            raise NotYet(f"the number of seizures of {section} is not right")
        if int(got.loc[section, "cases"]) != part["case_id"].nunique():
            raise NotYet(f"the number of cases of {section} is not right (distinct case_id)")
    return "a loop fills a dict, the dict becomes a table."


def _y25(ns):
    import matplotlib.axes

    ax = _need(ns, "ax_sections")
    if not isinstance(ax, matplotlib.axes.Axes):
        raise NotYet("`ax_sections` should be the chart's axes: fig, ax_sections = plt.subplots()")
    if not ax.patches:
        raise NotYet("the chart has no bars: draw them with ax_sections.barh(...) or .bar(...)")
    if not ax.get_title():
        raise NotYet("give the chart a title: ax_sections.set_title(...)")
    counts = _seizures()["section"].value_counts()
    counts = sorted(int(c) for c in counts[counts > 0])
    sizes = sorted(round(max(abs(p.get_width()), abs(p.get_height()))) for p in ax.patches)
    if sizes != counts:
        raise NotYet("each bar should be the number of seizures of one section")
    return "a chart a reader can take in at a glance; now check its alt text."


def _y26(ns):
    import ipywidgets as widgets

    picker, headline = _need(ns, "picker"), _need(ns, "headline_box")
    if not isinstance(picker, widgets.Dropdown):
        raise NotYet("`picker` should be a widgets.Dropdown of the sections")
    if not hasattr(headline, "value"):
        raise NotYet("`headline_box` should be a widget with a value, such as widgets.HTML()")
    s, before = _seizures(), picker.value
    options = [str(o) for o in picker.options]
    if sorted(options) != sorted(s["section"].astype(str).unique()):
        raise NotYet("the picker's options should be the sections found in `seizures`")
    try:
        for section in (options[-1], options[0]):
            picker.value = section
            n = int((s["section"] == section).sum())
            if section not in str(headline.value) or f"{n} seizures" not in str(headline.value):
                raise NotYet(
                    "choosing a section did not update `headline_box`: connect show with "
                    'picker.observe(show, names="value") and say "<n> seizures"'
                )
    finally:
        picker.value = before
    return "the picker calls show, show rewrites the headline: a dashboard in miniature."


# --- 01 pandas basics ------------------------------------------------------------------------


def _p1(ns):
    s = _seizures()
    if int(_number(ns, "n_seizures")) != len(s):
        raise NotYet("`n_seizures` should count every row of the table (len)")
    if int(_number(ns, "n_cases")) != s["case_id"].nunique():
        raise NotYet("`n_cases`: a case can hold several seizures; count distinct case_id values")
    return "a case holds one or more seizures, so there are fewer cases than seizures."


def _p2(ns):
    drugs = _need(ns, "drugs")
    if not isinstance(drugs, pd.DataFrame):
        raise NotYet("`drugs` should be a DataFrame: the rows of seizures whose section is Drugs")
    want = _seizures()["section"] == "Drugs"
    if len(drugs) != int(want.sum()) or set(drugs["section"].astype(str)) != {"Drugs"}:
        raise NotYet("`drugs` should keep exactly the rows whose section is 'Drugs'")
    return f"{len(drugs)} drug seizures."


def _p3(ns):
    top = _need(ns, "top_drug")
    s = _seizures()
    counts = s.loc[s["section"] == "Drugs", "commodity"].astype(str).value_counts()
    if top == s["commodity"].astype(str).value_counts().index[0]:
        raise NotYet("`top_drug` is the most frequent commodity of all sections; use `drugs`")
    if top != counts.index[0]:
        raise NotYet("`top_drug` should be the commodity with most rows in `drugs`")
    return f"{top} leads the drug seizures."


def _p4(ns):
    per_section = _need(ns, "per_section")
    if not isinstance(per_section, pd.Series):
        raise NotYet("`per_section` should be a Series: section -> number of seizures")
    want = _seizures()["section"].astype(str).value_counts()
    got = per_section.copy()
    got.index = got.index.astype(str)
    got = got[got > 0]
    if not got.sort_index().equals(want.sort_index()):
        raise NotYet("`per_section` should count the seizures of each section (value_counts)")
    if list(got.index) != list(want.index):
        raise NotYet("`per_section` has the right counts; sort it from most to fewest")
    return "value_counts() counts and sorts in one step."


def _p5(ns):
    got = _number(ns, "cocaine_kg")
    s = _seizures()
    cocaine = s[s["commodity"] == "Cocaine"]
    _close(
        got,
        float(cocaine["quantity"].sum()),
        "`cocaine_kg` should add up the quantity of the Cocaine rows only",
    )
    return "one canonical unit per commodity makes quantities add up."


def _p6(ns):
    month = _need(ns, "busiest_month")
    if not isinstance(month, str) or len(month) != 7:
        raise NotYet("write `busiest_month` as text like '2025-03' (str(period))")
    counts = _seizures()["seizure_date"].dt.to_period("M").value_counts()
    if month != str(counts.idxmax()):
        raise NotYet("`busiest_month` should be the month with most seizures")
    return f"{month} had the most seizures."


# --- 02 reading a targeting result -----------------------------------------------------------


@functools.cache
def targeting() -> dict:
    p = _passengers()
    selected = risk.select(courier_profile().matches(p), 0.05)
    y = p["illicit"].to_numpy()
    sel = selected.to_numpy()
    return {
        "examined": int(sel.sum()), "hits": int((sel & y).sum()), "couriers": int(y.sum()),
        "missed": int((~sel & y).sum()), "hit_rate": risk.hit_rate(sel, y),
        "detection_rate": risk.detection_rate(sel, y), "lift": risk.lift(sel, y),
        "traffic": len(p),
    }  # fmt: skip


def _t1(ns):
    t = targeting()
    if int(_number(ns, "examined")) != t["examined"]:
        raise NotYet("`examined` counts the passengers selected: the 'selected' column, both rows")
    if int(_number(ns, "hits")) != t["hits"]:
        raise NotYet("`hits` are the passengers both selected and illicit")
    return f"{t['hits']} of {t['examined']} examinations found something."


def _t2(ns):
    t = targeting()
    got = _number(ns, "hit_rate")
    if math.isclose(got, t["detection_rate"]):
        raise NotYet(
            "that is the detection rate (hits / couriers); the hit rate is per examination"
        )
    _close(got, t["hit_rate"], "`hit_rate` is hits divided by the passengers examined")
    return "the hit rate is what officers find per examination."


def _t3(ns):
    t = targeting()
    got = _number(ns, "detection_rate")
    if math.isclose(got, t["hit_rate"]):
        raise NotYet("that is the hit rate; the detection rate divides by all couriers")
    _close(got, t["detection_rate"], "`detection_rate` is hits divided by all couriers")
    return "the detection rate says how many couriers the selection finds."


def _t4(ns):
    t = targeting()
    if int(_number(ns, "missed")) != t["missed"]:
        raise NotYet("`missed` are the couriers who were not selected")
    return f"{t['missed']} couriers got through unexamined."


def _t5(ns):
    t = targeting()
    got = _number(ns, "lift")
    _close(got, t["lift"], "`lift` is the hit rate divided by the base rate (couriers / traffic)")
    return f"the profile finds {got:.1f} times more than random checks would on average."


CHECKS = {
    "python-q1": _y1, "python-q2": _y2, "python-q3": _y3, "python-q4": _y4, "python-q5": _y5,
    "python-q6": _y6, "python-q7": _y7, "python-q8": _y8, "python-q9": _y9, "python-q10": _y10,
    "python-q11": _y11, "python-q12": _y12, "python-q13": _y13, "python-q14": _y14,
    "python-q15": _y15, "python-q16": _y16, "python-q17": _y17, "python-q18": _y18,
    "python-q19": _y19, "python-q20": _y20, "python-q21": _y21, "python-q22": _y22,
    "python-q23": _y23, "python-q24": _y24, "python-q25": _y25, "python-q26": _y26,
    "pandas-q1": _p1, "pandas-q2": _p2, "pandas-q3": _p3, "pandas-q4": _p4, "pandas-q5": _p5,
    "pandas-q6": _p6, "targeting-q1": _t1, "targeting-q2": _t2, "targeting-q3": _t3,
    "targeting-q4": _t4, "targeting-q5": _t5,
}  # fmt: skip


def check(question: str, namespace: dict | None = None) -> bool:
    """Print "Right: ..." or "Not yet: ..." for ``question``; return True when right.

    The answer is read from ``namespace``, by default the notebook's own variables.
    """
    if question not in CHECKS:
        print(f"Not yet: there is no question {question!r}; known: {', '.join(CHECKS)}")
        return False
    ns = namespace if namespace is not None else inspect.currentframe().f_back.f_globals
    try:
        why = CHECKS[question](ns)
    except NotYet as wrong:
        print(f"Not yet ({question}): {wrong}")
        return False
    except Exception as err:  # an answer of an unexpected kind: say so, never crash
        print(
            f"Not yet ({question}): your answer could not be checked ({type(err).__name__}: {err})"
        )
        return False
    print(f"Right ({question}): {why}")
    return True
