"""Instant checks for the self-paced exercises: ``check("q1")`` says right or not yet, and why.

Nothing here is graded. Each check looks at the variables of your notebook, compares them with
the answer worked out from the same synthetic data, and prints one line starting with "Right" or
"Not yet". It never raises: an answer still missing (``...``) is simply "not yet".
"""

from __future__ import annotations

import functools
import inspect
import math

import pandas as pd

from cenlab import risk
from cenlab.reference.traffic import COURIER_PROFILE
from cenlab.synth import make_seizures
from cenlab.synth.traffic import make_passengers

__all__ = ["check", "load_seizures", "load_passengers", "courier_profile"]


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
