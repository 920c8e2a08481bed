"""Passenger steps of `cenlab.synth.traffic.make_passengers`: an ordered list of vectorised draws.

Each step reads and extends the shared ``state`` dict and draws from its own random stream.
``kind`` is who the passenger is (a legitimate segment or a courier's commodity); ``look`` is who
the passenger appears to be: the same, except for couriers under cover, who travel like a
legitimate segment. Every observable column is drawn from ``look``, the truth from ``kind``.
"""

from __future__ import annotations

import numpy as np

from cenlab.reference import traffic as ref
from cenlab.synth import pools, sampling

TRUTH_COLUMNS = [
    "illicit", "true_commodity", "true_quantity", "true_unit", "true_value_usd", "true_concealment",
]  # fmt: skip

# --- passengers ----------------------------------------------------------------------------------
_SEGMENTS = {**ref.PASSENGER_SEGMENTS, **ref.PASSENGER_SMUGGLING}
_AIRPORTS = list(ref.ORIGIN_AIRPORTS)
_AIRPORT_COUNTRY = np.array([ref.ORIGIN_AIRPORTS[a][0] for a in _AIRPORTS])
NAME_POOL_SIZE = 60  # first and last names per locale: a pool of 60 x 60 full names


def _segment_origins(seg) -> list[float]:
    """Origin weights of a legitimate segment: a column of ORIGIN_AIRPORTS or its own table."""
    o = seg["origins"]
    if isinstance(o, dict):
        return [o.get(a, 0.0) for a in _AIRPORTS]
    return [ref.ORIGIN_AIRPORTS[a][o] for a in _AIRPORTS]


def _p_dates(s, rng):
    """Arrival days, sorted, following the monthly traffic; the route shift splits them."""
    s["arrival_date"] = sampling.draw_dates(
        rng, s["n"], s["start"], s["end"], ref.MONTHLY_TRAFFIC["passengers"]
    )
    s["after"] = (
        (s["arrival_date"] >= s["shift"]) if s["shift"] is not None else np.zeros(s["n"], bool)
    )


def _p_who(s, rng):
    """Illicit or not, then the kind of traveller: a legitimate segment or a courier's commodity."""
    n, legit = s["n"], list(ref.PASSENGER_SEGMENTS)
    s["illicit"] = rng.random(n) < s["rate"]
    seg = sampling.draw(rng, [v["share"] for v in ref.PASSENGER_SEGMENTS.values()], n)
    com = sampling.draw(rng, s["commodity_p"], n)
    s["kind"] = np.where(s["illicit"], len(legit) + com, seg)


def _p_cover(s, rng):
    """Couriers under cover (a share per commodity) look like a legitimate segment, wholly."""
    legit, table = list(ref.PASSENGER_SEGMENTS), list(ref.PASSENGER_SMUGGLING.values())
    n, kinds = s["n"], len(_SEGMENTS)
    cover = np.zeros(kinds)
    cover[len(legit) :] = [c["cover"] for c in table]
    as_w = np.zeros((kinds, len(legit)))
    as_w[: len(legit)] = np.eye(len(legit))
    as_w[len(legit) :] = [[c["cover_as"].get(g, 0.0) for g in legit] for c in table]
    hidden = s["illicit"] & (rng.random(n) < cover[s["kind"]])
    s["look"] = np.where(hidden, sampling.draw_by_group(rng, s["kind"], as_w), s["kind"])


def _p_route(s, rng):
    """Origin airport (couriers change routes at the shift), connection, arrival and flight."""
    n, kinds = s["n"], list(_SEGMENTS)
    home = _AIRPORT_COUNTRY == s["country"]
    w = np.zeros((len(kinds), 2, len(_AIRPORTS)))
    hub_w = np.zeros((len(kinds), 2, len(_AIRPORTS)))
    hubs = np.array([ref.TRANSIT_HUBS.get(a, 0.0) for a in _AIRPORTS])
    for k, (name, seg) in enumerate(_SEGMENTS.items()):
        if name in ref.PASSENGER_SEGMENTS:
            w[k] = _segment_origins(seg)
            hub_w[k] = hubs
            continue
        w[k, 0] = [seg["origins_before"].get(a, 0.0) for a in _AIRPORTS]
        w[k, 1] = [seg["origins_after"].get(a, 0.0) for a in _AIRPORTS]
        after_hubs = seg["hubs_after"] or ref.TRANSIT_HUBS
        hub_w[k] = [hubs, [after_hubs.get(a, 0.0) for a in _AIRPORTS]]
    w[:, :, home], hub_w[:, :, home] = 0.0, 0.0
    look, courier = s["look"], s["look"] >= len(ref.PASSENGER_SEGMENTS)
    group = look * 2 + s["after"]
    origin = sampling.draw_by_group(rng, group, w.reshape(-1, len(_AIRPORTS)))
    transit_p = np.array([v[4] for v in ref.ORIGIN_AIRPORTS.values()])[origin]
    courier_p = np.array([v.get("transit", (0.0, 0.0)) for v in _SEGMENTS.values()])
    transit_p = np.where(courier, courier_p[look, s["after"].astype(int)], transit_p)
    hub = sampling.draw_by_group(rng, group, hub_w.reshape(-1, len(_AIRPORTS)))
    hub = np.where(
        (rng.random(n) < transit_p) & (_AIRPORT_COUNTRY[hub] != _AIRPORT_COUNTRY[origin]), hub, -1
    )
    arrivals = list(ref.ENTRY_POINTS[s["country"]]["airports"])
    arr = rng.integers(0, len(arrivals), size=n)
    last = np.where(hub >= 0, hub, origin)
    na, nb = len(_AIRPORTS), len(arrivals)
    flights = [
        f"{ref.AIRLINE_DESIGNATORS[_AIRPORT_COUNTRY[i]]}{100 + (37 * i + 101 * j) % 900:04d}"
        for i in range(na) for j in range(nb)
    ]  # fmt: skip
    routes = [
        "-".join([_AIRPORTS[o], *([_AIRPORTS[t]] if t < na else []), arrivals[j]])
        for o in range(na) for t in range(na + 1) for j in range(nb)
    ]  # fmt: skip
    s["origin"], s["arrival_airport"] = origin, sampling.categorical(arr, arrivals)
    s["flight"] = sampling.categorical(last * nb + arr, flights)
    s["origin_airport"] = sampling.categorical(origin, _AIRPORTS)
    s["departure_country"] = sampling.categorical(origin, _AIRPORT_COUNTRY)
    s["transit_airport"] = sampling.categorical(hub, _AIRPORTS)
    s["transit_country"] = sampling.categorical(hub, _AIRPORT_COUNTRY)
    s["route"] = sampling.categorical(
        (origin * (na + 1) + np.where(hub >= 0, hub, na)) * nb + arr, routes
    )


def _p_traveller(s, rng):
    """Nationality (home, departure country or other), a name in its locale, and age.

    With ``s["names"] = False`` no name is made (Faker is the slow part): the draws stay the
    same, so every other column is the one the seed gives with names."""
    n, par = s["n"], list(_SEGMENTS.values())
    others = list(ref.OTHER_NATIONALITIES)
    countries = sorted(set(_AIRPORT_COUNTRY) | set(others) | {s["country"]})
    nat_p = np.array([p["nationality"] for p in par])[s["look"]]
    u = rng.random(n)
    other = sampling.index_of(others, countries)[
        sampling.draw(rng, list(ref.OTHER_NATIONALITIES.values()), n)
    ]
    origin_c = sampling.index_of(_AIRPORT_COUNTRY, countries)[s["origin"]]
    home = countries.index(s["country"])
    nat = np.where(u < nat_p[:, 0], home, np.where(u < nat_p.sum(axis=1), origin_c, other))
    s["nationality"] = sampling.categorical(nat, countries)
    which = rng.integers(0, NAME_POOL_SIZE**2, size=n)  # a name in the locale's pool
    if s.get("names", True):
        default = ref.DEFAULT_NAME_LOCALE
        locales = tuple(sorted(set(ref.NAME_LOCALES.values()) | {default}))
        names, pool = pools.person_name_pool(s["seed"], locales, NAME_POOL_SIZE)
        loc = sampling.index_of([ref.NAME_LOCALES.get(c, default) for c in countries], locales)
        s["passenger_name"] = sampling.categorical(pool[loc[nat], which], names)
    age = np.array([p["age"] for p in par])[s["look"]]
    s["age"] = np.clip(rng.normal(age[:, 0], age[:, 1]), age[:, 2], 85).astype(np.int64)


def _p_ticket(s, rng):
    """How the ticket was paid, how long before departure it was booked, and the trip length."""
    par = list(_SEGMENTS.values())
    pay = sampling.draw_by_group(rng, s["look"], np.array([p["payment"] for p in par]))
    s["payment"] = sampling.categorical(pay, ref.PAYMENTS)
    lead, trip = (np.array([p[key] for p in par])[s["look"]] for key in ("lead_days", "trip_days"))
    s["booking_lead_days"] = np.floor(sampling.lognormal(rng, lead[:, 0], lead[:, 1]))
    s["trip_days"] = np.ceil(sampling.lognormal(rng, trip[:, 0], trip[:, 1])).astype(np.int64)


def _p_baggage(s, rng):
    """Checked bags and their weight, and the number of trips in the last 12 months."""
    par = list(_SEGMENTS.values())
    bags = sampling.draw_by_group(rng, s["look"], np.array([p["bags"] for p in par]))
    kg = np.array([p["bag_kg"] for p in par], dtype=float)[s["look"]]
    s["bags"] = bags
    s["baggage_kg"] = rng.gamma(4.0 * bags, kg / 4.0)
    s["trips_12m"] = rng.poisson(np.array([p["trips_12m"] for p in par])[s["look"]])


def _p_record(s, rng):
    """What the records show: baggage weighed with an error, booking dates and weights missing.

    Missing values are NaN, so both columns are floats (days stay whole numbers).
    """
    n, noise = s["n"], ref.PASSENGER_RECORD_NOISE
    has_bags = s["bags"] > 0
    kg = s["baggage_kg"] + rng.normal(0.0, noise["baggage_kg_sd"], n)
    kg = np.where(has_bags, np.round(np.maximum(kg, 0.5), 1), 0.0)
    s["baggage_kg"] = np.where(has_bags & (rng.random(n) < noise["baggage_kg_missing"]), np.nan, kg)
    lead = s["booking_lead_days"].astype(float)
    s["booking_lead_days"] = np.where(rng.random(n) < noise["lead_days_missing"], np.nan, lead)


def _p_truth(s, rng):
    """What a courier carries: commodity, quantity, unit, value and concealment; zero otherwise."""
    table = ref.PASSENGER_SMUGGLING
    com = np.where(s["illicit"], s["kind"] - len(ref.PASSENGER_SEGMENTS), -1)
    q = np.array([table[c]["quantity"][1:] for c in s["commodities"]] + [(0.0, 0.0)])[com]
    qty = np.where(s["illicit"], sampling.lognormal(rng, q[:, 0], q[:, 1]), 0.0)
    units = [table[c]["quantity"][0] for c in s["commodities"]]
    value = np.array([ref.COMMODITIES[c][2] for c in s["commodities"]] + [0.0])[com]
    places = sorted({p for c in table.values() for p in c["concealment"]})
    conceal_p = np.array(
        [[table[c]["concealment"].get(p, 0.0) for p in places] for c in s["commodities"]]
    )
    conceal = sampling.draw_by_group(rng, np.maximum(com, 0), conceal_p)
    s["true_commodity"] = sampling.categorical(com, s["commodities"])
    s["true_quantity"] = np.round(qty, 3)
    s["true_unit"] = sampling.categorical(com, units)
    s["true_value_usd"] = np.round(qty * value, 2)
    s["true_concealment"] = sampling.categorical(np.where(s["illicit"], conceal, -1), places)
    s["passenger_id"] = np.arange(1, s["n"] + 1, dtype=np.int64)


# Order matters: dates first (the route shift depends on them), then who travels and who they look
# like (everything else depends on it), then the route (nationality depends on the departure
# country); the record's noise and gaps come after the values they blur.
PASSENGER_STEPS = [
    _p_dates, _p_who, _p_cover, _p_route, _p_traveller, _p_ticket, _p_baggage, _p_record, _p_truth,
]  # fmt: skip
PASSENGER_COLUMNS = [
    "passenger_id", "arrival_date", "arrival_airport", "flight", "origin_airport",
    "departure_country", "transit_airport", "transit_country", "route", "passenger_name",
    "nationality", "age", "payment", "booking_lead_days", "trip_days", "bags", "baggage_kg",
    "trips_12m", *TRUTH_COLUMNS,
]  # fmt: skip
