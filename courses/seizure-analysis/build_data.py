"""Data files of the seizure-analysis assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/seizure-analysis/source/<assignment>``.
Both assignments use the same synthetic extract: two years of seizures from about 3,000 cases.

The generator's cases hold one to six seizures. Real extracts also hold a few large cross-border
cases with many seizures (a container of counterfeits, one seizure per brand; a postal operation,
one seizure per parcel of drugs), and these are what tell a share of cases from a share of
seizures: in this extract the section with the highest share of e-commerce *cases* is not the one
with the highest share of e-commerce *seizures*. ``add_large_cases`` adds them.

Each trainee gets an extract of their own (``build(..., variant=k)``, ``personal_extract``): the
same generator from another seed, with the same teaching cases built in, sized from that seed's
own counts rather than hoped for (``TEACHING`` lists them; ``teaching_problems`` checks each one).
"""

import numpy as np
import pandas as pd

from cenlab.files import write_tables
from cenlab.seeding import make_rng
from cenlab.synth import make_seizures

EXTRACT = {"n_cases": 3_000, "seed": 2025, "start": "2024-01-01", "end": "2025-12-31"}
ASSIGNMENTS = {
    "01-exploring-seizures": EXTRACT,
    "02-visualising-and-dashboards": EXTRACT,
}
# Large cross-border cases: section, e-commerce?, kind of place, route (None: any cross-border
# route), what their extra seizures hold (commodities; None: any of the section), number of cases,
# extra seizures per case. Assumption: sizes chosen so that counting cases and counting seizures
# give different leaders (e-commerce share by section, busiest Cannabis route, busiest Drugs route).
LARGE_CASES = [
    ("IPR, Health and Safety", False, "Seaport", None, None, 15, 10),  # containers of counterfeits
    ("Drugs", True, "Mail Centre", ("US", "NL"), ["Cannabis"], 6, 12),  # online cannabis orders
    (
        "Drugs",
        True,
        "Mail Centre",
        ("CZ", "DK"),
        ["Psychotropic substances", "New Psychoactive Substances"],
        11,
        20,
    ),
]
# What differs between the seizures of one case; the rest (date, place, route, ...) is the case's.
SEIZURE_FIELDS = ["commodity", "commodity_detail", "hs_code", "quantity", "unit", "value_usd"]


def add_large_cases(seizures: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``seizures`` with extra seizures in a few cross-border cases of ``LARGE_CASES``.

    Each extra seizure repeats its case's fields and takes what was seized from another seizure
    of the same section and e-commerce kind; ``seizure_id`` numbers continue the case's own.
    """
    rng = make_rng(seed, stream="large_cases")
    route = seizures[["departure_country", "destination_country"]].astype(str)
    cross_border = route["departure_country"] != route["destination_country"]
    sizes = seizures.groupby("case_id", observed=True).size()
    firsts = ~seizures["case_id"].duplicated()
    parts = [seizures]
    for section, online, place, on_route, holding, n_cases, extra in LARGE_CASES:
        kind = (seizures["section"] == section) & (seizures["ecommerce"] == online)
        where = firsts & kind & cross_border & (seizures["location_type"] == place)
        if on_route is not None:
            where &= (route["departure_country"] == on_route[0]) & (
                route["destination_country"] == on_route[1]
            )
        candidates = seizures.index[where].to_numpy()
        chosen = np.sort(rng.choice(candidates, size=n_cases, replace=False))
        held = kind if holding is None else kind & seizures["commodity"].isin(holding)
        donors = seizures.loc[held, SEIZURE_FIELDS].reset_index(drop=True)
        picks = np.concatenate([rng.choice(len(donors), size=extra, replace=False) for _ in chosen])
        new = seizures.loc[np.repeat(chosen, extra)].reset_index(drop=True)
        for col in SEIZURE_FIELDS:
            new[col] = donors[col].to_numpy()[picks]
        number = sizes.loc[new["case_id"]].to_numpy() + np.tile(np.arange(1, extra + 1), n_cases)
        new["seizure_id"] = [f"{c}-{k:02d}" for c, k in zip(new["case_id"], number)]
        parts.append(new)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["case_id", "seizure_id"], ignore_index=True)


# --- one trainee's extract ----------------------------------------------------------------------

IPR, DRUGS, REVENUE = "IPR, Health and Safety", "Drugs", "Revenue"
POSTAL = ["Mail Centre", "Express Courier"]  # where online orders are found
PSYCHOTROPICS = ["Psychotropic substances", "New Psychoactive Substances"]
# What every trainee's extract holds, each with the wrong method it catches (the committed wrong
# submissions use these methods, and lose their points on every trainee's data):
TEACHING = {
    "ecommerce": "IPR leads the share of e-commerce cases; Drugs leads the share and the number of "
    "e-commerce seizures, the number of e-commerce cases and the number of seizures",
    "cannabis route": "the busiest Cannabis route by seizures (a postal operation) is not the "
    "busiest by cases, nor the busiest Drugs route or the busiest route of all or of the rest",
    "growth": "seizures, and Revenue seizures, rose from 2024 to 2025 (the chart's caption and the "
    "journalist's question)",
    "leaders": "one clear leader wherever a question asks for one (top drug, busiest routes, "
    "fastest-growing section, Revenue's detection method is not risk profiling)",
}
MAX_ATTEMPTS = 20


def personal_extract(variant: int) -> pd.DataFrame:
    """One trainee's extract: ``EXTRACT``'s design from seed ``variant``, with every teaching
    case built in. The cases are sized from the seed's own counts, so they hold on the first
    draw; a draw on which a check still fails (a tie, say) is replaced by the next seed of the
    same variant, so the result stays a pure function of ``variant`` (one in a thousand draws or
    fewer, see ``teaching_problems``)."""
    for attempt in range(MAX_ATTEMPTS):
        seed = (
            variant
            if attempt == 0
            else int(make_rng(variant, stream=f"retry{attempt}").integers(2**32))
        )
        try:
            seizures = _teaching_extract(seed)
        except (IndexError, ValueError):  # a seed without a case to build on: the next one
            continue
        if not teaching_problems(seizures):
            return seizures
    raise RuntimeError(f"no extract with every teaching case for variant {variant}")


def _teaching_extract(seed: int) -> pd.DataFrame:
    """``make_seizures`` for ``seed``, then the teaching cases, sized from its own counts: IPR's
    lead in the share of e-commerce cases, containers of counterfeits, a postal operation on a
    Cannabis route that is not the busiest by cases, online psychotropics by post on the busiest
    route of all, and rising seizures."""
    rng = make_rng(seed, stream="teaching")
    spec = {k: v for k, v in EXTRACT.items() if k not in ("n_cases", "seed")}
    s = make_seizures(EXTRACT["n_cases"], seed=seed, **spec)
    s = s.astype({"departure_country": str, "destination_country": str})
    # Case numbers (0, 1, ...) and seizure numbers within the case, for fast work on cases; the
    # ids are written from them at the end (``_renumber``).
    case = pd.factorize(s["case_id"])[0]
    firsts = np.r_[True, case[1:] != case[:-1]]
    s = s.assign(
        _case=case,
        _seq=np.arange(len(s)) - np.maximum.accumulate(np.where(firsts, np.arange(len(s)), 0)) + 1,
    )
    s = _ecommerce_case_lead(s)
    known = (s["departure_country"] != "XX") & (s["destination_country"] != "XX")
    route = s["departure_country"].astype(str) + ">" + s["destination_country"].astype(str)
    firsts = pd.Series(firsts, index=s.index)
    online, postal = s["ecommerce"].to_numpy(bool), s["location_type"].isin(POSTAL)
    grown = []  # (first-row index of the case, extra seizures, donor rows)

    # Containers of counterfeits: offline IPR cases at a seaport (or anywhere across a border).
    ipr = (
        firsts
        & (s["section"] == IPR)
        & ~online
        & (s["departure_country"] != s["destination_country"])
    )
    pool = s.index[ipr & (s["location_type"] == "Seaport")]
    if len(pool) < 12:
        pool = s.index[ipr]
    chosen = rng.choice(pool, size=min(len(pool), int(rng.integers(12, 17))), replace=False)
    donors = s.index[(s["section"] == IPR) & ~online]
    grown += [(i, int(k), donors) for i, k in zip(chosen, rng.integers(7, 13, len(chosen)))]

    # A postal operation on a Cannabis route that is not the busiest by cases.
    cannabis = (s["commodity"] == "Cannabis") & known
    by_cases = route[cannabis & firsts].value_counts()
    eligible = route[cannabis & firsts & online & postal].value_counts()
    options = [r for r in by_cases.index[1:5] if eligible.get(r, 0) >= 3]
    options = options or [r for r in by_cases.index[1:] if eligible.get(r, 0) >= 1]
    target = options[int(rng.integers(len(options)))]
    pool = s.index[cannabis & firsts & online & postal & (route == target)]
    chosen = rng.choice(pool, size=min(len(pool), int(rng.integers(5, 8))), replace=False)
    by_seizures = route[cannabis].value_counts()
    need = int(by_seizures.drop(target).max() - by_seizures[target] + rng.integers(10, 25))
    donors = s.index[(s["commodity"] == "Cannabis") & online]
    grown += list(zip(chosen, _split(need, len(chosen)), [donors] * len(chosen)))

    # Online orders of psychotropics by post, on one of their busiest routes: the busiest Drugs
    # route, sized so that Drugs leads every count of e-commerce seizures.
    psy = s["commodity"].isin(PSYCHOTROPICS) & known & firsts & online & postal
    counts = route[psy].value_counts()
    options = list(counts.index[counts >= 5][:4]) or list(counts.index[:1])
    target = options[int(rng.integers(len(options)))]
    pool = s.index[psy & (route == target)]
    chosen = rng.choice(pool, size=min(len(pool), int(rng.integers(8, 13))), replace=False)
    need = max(
        int(rng.integers(150, 250)), _drugs_need(s, grown), _route_need(s, route, grown, target)
    )
    donors = s.index[s["commodity"].isin(PSYCHOTROPICS) & online]
    grown += list(zip(chosen, _split(need, len(chosen)), [donors] * len(chosen)))

    s = _grow(s, grown, rng)
    s = _rising(s, rng)
    return _renumber(s, rng)


def _split(total: int, parts: int) -> list[int]:
    """``total`` extra seizures shared as evenly as possible between ``parts`` cases."""
    return [total // parts + (k < total % parts) for k in range(parts)]


def _ecommerce_case_lead(s: pd.DataFrame) -> pd.DataFrame:
    """IPR leads the share of e-commerce cases by at least 4 points: if not, some of its offline
    cases found where online orders are (mail, courier, airport) become online orders."""
    first = s[s["_seq"] == 1]
    share = first.groupby("section", observed=True)["ecommerce"].mean()
    ipr = first[first["section"] == IPR]
    want = share.drop(IPR).max() + 0.04
    missing = int(np.ceil(want * len(ipr) - ipr["ecommerce"].sum()))
    if missing <= 0:
        return s
    flip = ipr[~ipr["ecommerce"] & ipr["location_type"].isin(POSTAL + ["Airport"])]["_case"]
    s = s.copy()
    s.loc[s["_case"].isin(flip.iloc[:missing]), "ecommerce"] = True
    return s


def _drugs_need(s: pd.DataFrame, grown) -> int:
    """Extra online Drugs seizures so that Drugs leads IPR in seizures, e-commerce seizures and
    their share (with margins), counting the extra seizures already planned."""
    section, online = s["section"].to_numpy(object), s["ecommerce"].to_numpy(bool)
    rows = np.array([i for i, _, _ in grown])
    extra = np.array([k for _, k, _ in grown])
    n = {
        sec: int((section == sec).sum() + extra[section[rows] == sec].sum()) for sec in (IPR, DRUGS)
    }
    e = {
        sec: int(
            (online & (section == sec)).sum() + extra[online[rows] & (section[rows] == sec)].sum()
        )
        for sec in (IPR, DRUGS)
    }
    ratio = e[IPR] / n[IPR] + 0.03
    by_share = (ratio * n[DRUGS] - e[DRUGS]) / (1 - ratio)
    return int(np.ceil(max(0, n[IPR] - n[DRUGS] + 60, e[IPR] - e[DRUGS] + 60, by_share)))


def _route_need(s: pd.DataFrame, route: pd.Series, grown, target: str) -> int:
    """Extra seizures that make ``target`` the busiest known route of all by a clear margin."""
    known = (s["departure_country"] != "XX") & (s["destination_country"] != "XX")
    counts = route[known].value_counts().to_dict()
    for i, k, _ in grown:
        counts[route.iat[i]] = counts.get(route.iat[i], 0) + k
    target_count = counts.pop(target, 0)
    return int(max(counts.values()) - target_count + 40)


def _grow(s: pd.DataFrame, grown, rng) -> pd.DataFrame:
    """Add the extra seizures: each repeats its case's fields and takes what was seized from a
    donor seizure; seizure numbers continue the case's own."""
    size = np.bincount(s["_case"].to_numpy())
    rows = np.concatenate([np.full(k, i) for i, k, _ in grown])
    picks = np.concatenate([rng.choice(d, size=k, replace=len(d) < k) for _, k, d in grown])
    new = s.iloc[rows].reset_index(drop=True)
    for col in SEIZURE_FIELDS:
        new[col] = s[col].to_numpy()[picks]
    new["_seq"] = size[new["_case"].to_numpy()] + np.concatenate(
        [np.arange(1, k + 1) for _, k, _ in grown]
    )
    out = pd.concat([s, new], ignore_index=True)
    order = np.lexsort((out["_seq"].to_numpy(), out["_case"].to_numpy()))
    return out.take(order).reset_index(drop=True)


def _rising(s: pd.DataFrame, rng) -> pd.DataFrame:
    """Revenue seizures rise from 2024 to 2025 by 12% or more, and all seizures by 3% or more: if
    not, a few 2024 cases (Revenue ones first) happen a year later, on the same day of the year
    (28 February for a 29th), their report date moved as much."""
    case = s["_case"].to_numpy()
    year = s["seizure_date"].dt.year.to_numpy()
    revenue = (s["section"] == REVENUE).to_numpy()
    later = np.zeros(case.max() + 1, dtype=bool)
    for mine, least in [(revenue, 0.12), (np.ones(len(s), dtype=bool), 0.03)]:
        moving = later[case]
        a = int((mine & (year == 2024) & ~moving).sum())
        b = int((mine & ((year == 2025) | moving)).sum())
        size = np.bincount(case[mine & (year == 2024) & ~moving], minlength=len(later))
        for k in rng.permutation(np.flatnonzero(size)):
            if b >= (1 + least) * a:
                break
            later[k] = True
            a, b = a - int(size[k]), b + int(size[k])
    moved = later[case]
    if not moved.any():
        return s
    dates = s["seizure_date"].to_numpy()
    shift = np.where(dates < np.datetime64("2024-02-29"), 366, 365).astype("timedelta64[D]")
    shift = np.where(moved, shift, np.timedelta64(0, "D"))
    return s.assign(seizure_date=dates + shift, reported_date=s["reported_date"].to_numpy() + shift)


def _renumber(s: pd.DataFrame, rng) -> pd.DataFrame:
    """The ids, written from the case and seizure numbers: case numbers start at a number of the
    seed's own, so ids differ between trainees."""
    offset = int(rng.integers(1, 9_000_000))
    case_id = [f"C{c + offset:07d}" for c in s["_case"].tolist()]
    seizure_id = [f"{c}-{k:02d}" for c, k in zip(case_id, s["_seq"].tolist())]
    out = s.drop(columns=["_case", "_seq"])
    out["case_id"], out["seizure_id"] = case_id, seizure_id
    return out


def teaching_problems(s: pd.DataFrame) -> list[str]:
    """The teaching cases (``TEACHING``) that ``s`` lacks: each check is what a question's
    hidden test, a committed wrong submission or the notebook's text relies on."""
    out = []
    if s["seizure_id"].str[9:].astype(int).max() > 99:
        out.append("a case has more than 99 seizures: its ids no longer sort as text")
    first = s.drop_duplicates("case_id")
    sections = s["section"].value_counts()
    online = s[s["ecommerce"].astype(bool)]
    case_share = first.groupby("section", observed=True)["ecommerce"].mean()
    leader = _only_max(case_share)
    if leader != IPR:
        out.append(f"the e-commerce leader by cases is {leader}, not IPR")
    rivals = {
        "share of e-commerce seizures": s.groupby("section", observed=True)["ecommerce"].mean(),
        "e-commerce seizures": online["section"].value_counts(),
        "e-commerce cases": online.drop_duplicates("case_id")["section"].value_counts(),
        "seizures": sections,
    }
    for name, values in rivals.items():
        if _only_max(values) != DRUGS:
            out.append(f"Drugs does not lead the {name}")
    known = s[(s["departure_country"] != "XX") & (s["destination_country"] != "XX")]
    route = known["departure_country"].astype(str) + ">" + known["destination_country"].astype(str)
    cannabis = known["commodity"] == "Cannabis"
    top = _only_max(route[cannabis].value_counts())
    second = route[cannabis].value_counts().iloc[1]
    if top is None or route[cannabis].value_counts().iloc[0] - second < 5:
        out.append("no clear busiest Cannabis route by seizures")
    by_cases = route[cannabis & ~known["case_id"].duplicated()].value_counts()
    if _only_max(by_cases) in (None, top):
        out.append("the busiest Cannabis route by cases is not another clear one")
    for name, rows in [
        ("Drugs", known["section"] == DRUGS),
        ("all", None),
        ("the rest", ~cannabis),
    ]:
        counts = route.value_counts() if rows is None else route[rows].value_counts()
        if _only_max(counts) in (None, top):
            out.append(f"the busiest route of {name} is the busiest Cannabis route")
    drugs = s.loc[s["section"] == DRUGS, "commodity"].value_counts()
    if _only_max(drugs) is None:
        out.append("no single top drug")
    year = s["seizure_date"].dt.year
    table = s.groupby(["section", year], observed=True).size().unstack(fill_value=0)
    growth = (table[2025] - table[2024]) / table[2024]
    if _only_max(growth) is None:
        out.append("no single fastest-growing section")
    if not (year == 2025).sum() > (year == 2024).sum() or not growth[REVENUE] > 0.1:
        out.append("seizures or Revenue seizures did not rise")
    cases_year = first["seizure_date"].dt.year
    case_growth = (cases_year == 2025).sum() / (cases_year == 2024).sum()
    if abs(case_growth - (year == 2025).sum() / (year == 2024).sum()) < 1e-6:
        out.append("cases and seizures grew alike")
    revenue = s[s["section"] == REVENUE]
    methods = revenue["detection_method"].value_counts()
    if methods.index[0] == "Risk profiling":
        out.append("Risk profiling leads Revenue")
    risk = (s["detection_method"] == "Risk profiling").mean()
    if not 0.6 <= risk <= 0.73:
        out.append("risk profiling does not find about two thirds of the seizures")
    by_case = revenue.drop_duplicates("case_id")["detection_method"].eq("Risk profiling").mean()
    if abs(by_case - revenue["detection_method"].eq("Risk profiling").mean()) < 1e-6:
        out.append("Revenue's detection shares are alike by cases and by seizures")
    # The dashboard's headline for the first section (AML/CTF) must not also show Security's and
    # Revenue's counts, or a dropdown that never updates would pass.
    cases = s.groupby("section", observed=True)["case_id"].nunique()
    first_section = sorted(sections.index)[0]
    shown = f"<b>{first_section}</b>: {sections[first_section]} seizures in {cases[first_section]} cases"
    if all(str(v) in shown for sec in ["Security", REVENUE] for v in (sections[sec], cases[sec])):
        out.append("the first section's headline shows Security's and Revenue's counts")
    return out


def _only_max(values: pd.Series):
    """The label of the largest value, or None when two share it."""
    values = values.dropna()
    if len(values) == 0 or (values == values.max()).sum() > 1:
        return None
    return values.idxmax()


def build(assignment: str, out, *, variant=None) -> list:
    """Write ``seizures.csv`` for ``assignment`` into ``out``: the committed extract, or with
    ``variant`` (a seed) one trainee's own."""
    if variant is not None:
        return write_tables({"seizures": personal_extract(variant)}, out)
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    seizures = add_large_cases(seizures, seed=spec["seed"])
    return write_tables({"seizures": seizures}, out)
