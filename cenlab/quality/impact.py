"""Data quantity and the nCEN impact assessment: how much reaches CEN, and did automation help?

Pure functions over a monthly reporting panel (one row per country and month, as
``make_reporting_panel(...).monthly`` gives): columns ``country``, ``month`` (first day),
``automated`` (the automated nCEN transfer was on that month) and the outcomes, such as
``share_reported`` (a fraction: 0.25 is 25%) or ``median_delay_days``. None changes its input.

Four ways to ask "did the automated transfer help?", from the most naive to the soundest:

- ``before_after``: each automated country after its switch against itself before. Biased when
  reporting improves everywhere over time: the trend is counted as the effect.
- ``adopters_vs_others``: automated countries against the others, same months. Biased when the
  countries that automate were already the better reporters.
- ``twfe``: a two-way fixed-effects regression (country and month effects plus the switch).
  Removes both biases if every country would have followed the same trend, but mixes early and
  late adopters awkwardly when the effect grows or differs between them.
- ``event_study`` and ``did``: a small difference-in-differences for each cohort (the countries
  that switched in the same month) against the countries not yet automated at that time,
  month by month since the switch, then averaged over cohorts (Callaway and Sant'Anna, 2021).

Estimates come in the outcome's units: multiply a share by 100 for percentage points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GROUPS = ("country", "region", "rilo")


def switch_months(monthly: pd.DataFrame) -> pd.Series:
    """Per country, the first month with the automated transfer on (NaT if never)."""
    on = monthly[monthly["automated"]]
    first = on.groupby("country", observed=True)["month"].min()
    countries = pd.Index(monthly["country"].unique(), name="country")
    return first.reindex(countries).sort_index().rename("automated_from")


def coverage(monthly: pd.DataFrame, by="region", *, freq: str | None = None) -> pd.DataFrame:
    """How much reaches CEN and how fast, per group (``by``: "country", "region", "rilo", a list
    of them, or None for the whole world) and per period (``freq``: None for the whole panel,
    "M", "Q" or "Y").

    Columns: ``countries``, ``true_seizures``, ``reported_seizures``, ``share_reported``
    (reported over true), ``late_share`` (share of the reported ones that came late),
    ``median_delay_days`` (the monthly median delays averaged with the reported seizures as
    weights) and ``automated_share`` (share of country-months with the automated transfer on).
    """
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [k for k in keys if k not in GROUPS]
    if unknown:
        raise ValueError(f"cannot group by {unknown[0]!r}; accepted: {', '.join(GROUPS)}")
    df = monthly.assign(
        delay_x_reported=monthly["median_delay_days"].fillna(0) * monthly["reported_seizures"]
    )
    if freq is not None:
        if freq not in ("M", "Q", "Y"):
            raise ValueError(f"unknown freq {freq!r}; accepted: M, Q, Y (or None)")
        df["period"] = df["month"].dt.to_period(freq)
        keys = keys + ["period"]
    agg = {
        "countries": ("country", "nunique"),
        "true_seizures": ("true_seizures", "sum"),
        "reported_seizures": ("reported_seizures", "sum"),
        "late_seizures": ("late_seizures", "sum"),
        "delay_x_reported": ("delay_x_reported", "sum"),
        "automated_share": ("automated", "mean"),
    }
    by_keys = keys or np.zeros(len(df), dtype=int)  # no keys: the whole panel is one group
    out = df.groupby(by_keys, observed=True).agg(**agg).reset_index(drop=not keys)
    reported = out["reported_seizures"].where(out["reported_seizures"] > 0)
    out["share_reported"] = out["reported_seizures"] / out["true_seizures"].where(
        out["true_seizures"] > 0
    )
    out["late_share"] = out["late_seizures"] / reported
    out["median_delay_days"] = out["delay_x_reported"] / reported
    columns = ["countries", "true_seizures", "reported_seizures", "share_reported", "late_share"]
    return out[keys + columns + ["median_delay_days", "automated_share"]]


def before_after(monthly: pd.DataFrame, outcome: str = "share_reported", *, months=None) -> float:
    """The naive estimate: for each automated country, its mean ``outcome`` after the switch minus
    its mean before (over ``months`` on each side, or the whole panel), averaged over countries."""
    df = _with_event_time(monthly).dropna(subset=["months_since_switch", outcome])
    if months is not None:
        df = df[df["months_since_switch"].between(-months, months - 1)]
    after = df["months_since_switch"] >= 0
    means = df.groupby(["country", after], observed=True)[outcome].mean().unstack()
    if True not in means or False not in means:
        return float("nan")  # no country has months on both sides of a switch
    return float((means[True] - means[False]).mean())


def adopters_vs_others(monthly: pd.DataFrame, outcome: str = "share_reported", *, last_months=12):
    """The other naive estimate: over the panel's last ``last_months`` months, the mean
    ``outcome`` of the automated countries minus that of the others (each country counts once)."""
    months = np.sort(monthly["month"].unique())[-last_months:]
    df = monthly[monthly["month"].isin(months)]
    per_country = df.groupby("country", observed=True).agg(
        value=(outcome, "mean"), automated=("automated", "any")
    )
    means = per_country.groupby("automated")["value"].mean()
    return float(means.get(True, np.nan) - means.get(False, np.nan))


def twfe(monthly: pd.DataFrame, outcome: str = "share_reported", *, tol: float = 1e-10) -> float:
    """Two-way fixed effects: the least-squares coefficient of the ``automated`` flag in a
    regression of ``outcome`` on it, with one effect per country and one per month.

    Computed the short way (Frisch-Waugh): take the country averages and then the month averages
    out of both the outcome and the flag, again until nothing changes; the coefficient is then the
    slope of one residual on the other.
    """
    df = monthly.dropna(subset=[outcome])
    country = df["country"].astype(str).factorize()[0]
    month = df["month"].factorize()[0]
    y = df[outcome].to_numpy(float)
    d = df["automated"].to_numpy(float)
    for _ in range(1000):
        y_before, d_before = y, d
        y, d = _demean(_demean(y, country), month), _demean(_demean(d, country), month)
        if max(np.abs(y - y_before).max(), np.abs(d - d_before).max()) < tol:
            break
    if not (d * d).sum() > 1e-12:
        return float("nan")  # no switch inside the panel, or every country switched together
    return float((d * y).sum() / (d * d).sum())


def event_study(
    monthly: pd.DataFrame,
    outcome: str = "share_reported",
    *,
    window=(-24, 36),
    base_months: int = 12,
    weights: str | None = None,
) -> pd.DataFrame:
    """The effect of the switch, month by month since it, for an event-study chart.

    For each cohort (the countries that switched in the same month) and each month: the cohort's
    change in ``outcome`` since its baseline (the mean over the ``base_months`` months before its
    switch, or as many as the panel has), minus the same change among the countries not yet
    automated that month (never-adopters included). The cohorts are then averaged, each counting
    as many times as it has countries. Months before the switch should stay near zero (the
    baseline year averages to zero by construction): a slope there means the comparison
    countries were on a different trend, and the estimates after the switch are suspect.

    ``window`` is the first and last month since the switch shown (0 is the switch month).
    ``weights`` (a column such as "true_seizures") weighs each country by its mean of that
    column; by default every country counts the same. Returns ``months_since_switch``,
    ``estimate``, ``cohorts`` and ``countries`` (how many treated countries the estimate rests on).
    """
    y, switch, weight = _wide(monthly, outcome, weights)
    months = np.arange(y.shape[1])
    pieces = []
    for g in np.unique(switch[switch < len(months)]):
        if g == 0:
            continue  # switched in the first month: nothing before to compare with
        base = _nanmean(y[:, max(g - base_months, 0) : g], axis=1)
        change = y - base[:, None]
        treated = np.where(switch == g, weight, 0.0)[:, None] * np.ones((1, len(months)))
        control = np.where(switch[:, None] > np.maximum(months, g - 1)[None, :], weight[:, None], 0)
        pieces.append(
            pd.DataFrame(
                {
                    "months_since_switch": months - g,
                    "att": _wmean(change, treated) - _wmean(change, control),
                    "countries": (~np.isnan(change) & (treated > 0)).sum(axis=0),
                }
            )
        )
    if not pieces:
        return pd.DataFrame(columns=["months_since_switch", "estimate", "cohorts", "countries"])
    stacked = pd.concat(pieces).dropna()
    stacked = stacked[stacked["months_since_switch"].between(*window) & (stacked["countries"] > 0)]
    stacked = stacked.assign(att_x_n=stacked["att"] * stacked["countries"])
    out = stacked.groupby("months_since_switch").agg(
        att_x_n=("att_x_n", "sum"), cohorts=("att", "size"), countries=("countries", "sum")
    )
    out["estimate"] = out["att_x_n"] / out["countries"]
    return out.reset_index()[["months_since_switch", "estimate", "cohorts", "countries"]]


def did(
    monthly: pd.DataFrame,
    outcome: str = "share_reported",
    *,
    first: int = 0,
    last: int | None = None,
    **options,
) -> float:
    """One number: the event-study estimates from month ``first`` to ``last`` (default: the last
    one the panel has) since the switch, averaged with the number of countries behind each as
    weights. ``options`` go to ``event_study`` (``base_months``, ``weights``)."""
    last = monthly["month"].nunique() if last is None else last
    es = event_study(monthly, outcome, window=(first, last), **options)
    if es.empty:
        return float("nan")  # no country switched inside the panel
    return float((es["estimate"] * es["countries"]).sum() / es["countries"].sum())


# --- helpers ------------------------------------------------------------------------------------


def _with_event_time(monthly: pd.DataFrame) -> pd.DataFrame:
    """``monthly`` with ``months_since_switch`` (NaN for countries never automated)."""
    switch = monthly["country"].map(switch_months(monthly)).astype("datetime64[ns]")
    month = monthly["month"].astype("datetime64[ns]")
    since = (month.dt.year - switch.dt.year) * 12 + (month.dt.month - switch.dt.month)
    return monthly.assign(months_since_switch=since)


def _wide(monthly: pd.DataFrame, outcome: str, weights: str | None):
    """Outcome as a countries x months array, each country's switch month index (the number of
    months if never) and each country's weight."""
    for column in [outcome, weights]:
        if column is not None and column not in monthly.columns:
            raise ValueError(f"no column {column!r} in the panel; columns: {list(monthly.columns)}")
    y = monthly.pivot_table(index="country", columns="month", values=outcome, observed=True,
                            dropna=False, aggfunc="first")  # fmt: skip
    on = monthly.pivot_table(index="country", columns="month", values="automated", observed=True,
                             aggfunc="first").reindex_like(y).fillna(False).to_numpy(bool)  # fmt: skip
    switch = np.where(on.any(axis=1), on.argmax(axis=1), on.shape[1])
    if weights is None:
        weight = np.ones(len(y))
    else:
        weight = monthly.groupby("country", observed=True)[weights].mean().reindex(y.index)
        weight = weight.to_numpy(float)
    return y.to_numpy(float), switch, weight


def _demean(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``values`` minus the mean of their group."""
    means = np.bincount(groups, values) / np.bincount(groups)
    return values - means[groups]


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    """Mean ignoring NaN, NaN where there is nothing (without numpy's warning)."""
    n = (~np.isnan(a)).sum(axis=axis)
    return np.where(n > 0, np.nansum(a, axis=axis) / np.maximum(n, 1), np.nan)


def _wmean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean down the columns, leaving out NaN values (NaN where nothing is left)."""
    w = np.where(np.isnan(values), 0.0, weights)
    total = w.sum(axis=0)
    return np.where(
        total > 0, np.nansum(values * w, axis=0) / np.where(total > 0, total, 1), np.nan
    )
