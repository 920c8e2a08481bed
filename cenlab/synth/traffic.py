"""Passenger and cargo traffic with ground truth, for risk profiling.

Customs inspects a few percent of traffic, so officers learn to select with risk profiles. Seizure
data cannot teach that: these generators give the whole stream, mostly legitimate, with the truth
in columns ``illicit``, ``true_commodity``, ``true_quantity``, ``true_unit``, ``true_value_usd``
and ``true_concealment``. Every figure comes from `cenlab.reference.traffic`.

Planted indicators (the truth a trainer may reveal; no single one is enough on its own):

Passengers (`make_passengers`). Legitimate travellers come in six kinds that each share some
courier traits: holiday makers (early booking, card, long stays, normal baggage), business
travellers (late booking, short stays, no checked bag, but corporate payment, older, frequent
trips), family visits (cash common, many bags, long stays, mostly from West Africa, the
Caribbean, Morocco, Turkey, South Asia), students and young travellers (late booking, cash or a
parent's card, light bags, short stays), short family trips (cash, booked days ahead, short
stays, from the family-visit countries) and small traders (heavy bags, many trips, cash, from
Istanbul, Casablanca, Dubai, Bangkok, Lagos). A share of couriers (``cover`` in
``PASSENGER_SMUGGLING``, 45%) travels exactly like one of these legitimate kinds: no column
reveals them. The records are imperfect: booking dates and baggage weights are missing for a
share of passengers (NaN) and weights carry a scale error (``PASSENGER_RECORD_NOISE``). A strong
model finds about half of the couriers at 5% inspection, a good rule profile about a fifth
(``PASSENGER_DIFFICULTY`` states the targets and why). The other couriers combine traits:

- cocaine (half of the illicit): cash or a third party's card, booked about 3 days ahead, stays of
  about 4 days, one light bag or none, aged about 29; before the route shift they come from
  Bogota, Lima, Sao Paulo, Paramaribo, Curacao, Punta Cana, Panama, mostly direct; after it from
  Accra, Lagos, Dakar, Abidjan, Addis Ababa, often connecting in Addis Ababa, Casablanca, Istanbul;
- cannabis: suitcases from Bangkok, New York, Toronto, Miami: two or more heavy bags, short stay,
  young, cash more common;
- tobacco products: Istanbul, Casablanca, Cairo, Dubai, Warsaw; heavy bags, many trips a year;
- khat: Addis Ababa and Nairobi; heavy bags.

Consignments (`make_consignments`): cargo, express and postal streams. Smuggling combines a new
front company (few or no previous declarations, registered weeks ago), goods outside the
importer's registered trade, an origin that does not usually export the declared goods, a
declared value per kg far below the norm (counterfeits, drugs in postal items), transhipment and
a watch-listed declarant (BRK017, BRK042). Drugs and medicines by express and post go to private
consignees, like most legitimate parcels, so that alone says little. Cocaine hides in cargo
cover loads (fruit, coffee, fish, wood, furniture) from Ecuador, Colombia, Costa Rica, Panama,
Brazil before the route shift, and from Peru, Chile, Argentina, South Africa via Morocco, Togo,
Portugal after it. Counterfeits (IPR products) move from China and Hong Kong to Viet Nam, Turkey
and the United Arab Emirates at the shift. Legitimate traffic carries each indicator too (new
importers, off-trade goods, cheap gifts by post, fruit from Ecuador, discount traders who
declare low unit values year after year), so only combinations select well, and a profile built
before the shift decays after it. Most offending consignments are revenue fraud (``offence``):
undervaluation (declared value below the true customs value, more often on high-duty goods,
shown by a low ``value_ratio``) and misdeclaration of the HS code (goods declared under a code
with a lower duty rate, such as apparel as festive articles or cosmetics as medicaments: an
unusual origin, goods outside the importer's trade or a value per kg off the declared code's
norm). A share of every offence looks exactly like legitimate trade (``HIDDEN_OFFENCES``), and
some registration dates and transits are missing, so a strong model finds a minority of the
offences at 5% inspection (targets: ``CONSIGNMENT_DIFFICULTY``).
Exact figures: ``PASSENGER_SEGMENTS``, ``PASSENGER_SMUGGLING``, ``PASSENGER_RECORD_NOISE``,
``STREAMS`` and ``CONSIGNMENT_SMUGGLING`` in `cenlab.reference.traffic`.

Passenger columns: ``arrival_date``, ``arrival_airport``, ``flight`` (last leg), ``origin_airport``
and ``departure_country`` (where the journey began), ``transit_airport`` / ``transit_country``
(missing when direct), ``route`` (e.g. "LOS-ADD-AMS"), ``passenger_name``, ``nationality``,
``age``, ``payment`` (card, corporate, cash, third_party), ``booking_lead_days`` (whole days as
floats, missing when the record has no booking date), ``trip_days``, ``bags`` (checked),
``baggage_kg`` (0 without checked bags, missing when not transmitted), ``trips_12m`` (travel
history).

Consignment columns: ``declaration_date``, ``stream`` (Cargo, Express, Postal),
``transport_mode``, ``office`` (UN/LOCODE), ``conveyance_ref`` (vessel IMO number or flight),
``importer_id`` / ``importer_name`` / ``importer_type`` (company or private),
``importer_main_chapter`` (registered trade), ``importer_age_days``,
``importer_prior_declarations`` (last 12 months), ``declarant`` (broker code or operator),
``hs_code`` / ``hs_chapter`` (text), ``goods_description``, ``origin_country``,
``transit_country``, ``route``, ``gross_weight_kg``, ``declared_value_usd``, ``value_per_kg``,
``value_ratio`` (value per kg over the norm for the declared HS code), ``duty_rate`` (percent,
of the declared code's chapter), ``declared_duty_usd``, ``trade_mismatch``, ``unusual_origin``.
Consignment truth (``CONSIGNMENT_TRUTH_COLUMNS``): ``illicit`` (any offence), ``offence`` (none,
smuggling, undervaluation, misdeclaration), the smuggled ``true_commodity``, ``true_quantity``,
``true_unit``, ``true_contraband_value_usd`` and ``true_concealment``, the ``true_hs_code`` and
``true_value_usd`` (equal to the declared ones unless misdeclared or undervalued), and
``revenue_at_risk_usd`` (duty owed on the truth minus duty declared; zero unless revenue fraud).

Categorical columns keep memory low on a million rows; country codes are ISO alpha-2 text, so
write CSV freely and read it back with `read_traffic_csv` ("NA" is Namibia, not a missing value).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from cenlab.files.dates import day
from cenlab.reference import traffic as ref
from cenlab.seeding import check_seed, make_rng
from cenlab.synth import sampling
from cenlab.synth.consignments import (
    CONSIGNMENT_COLUMNS,
    CONSIGNMENT_STEPS,
    CONSIGNMENT_TRUTH_COLUMNS,
)
from cenlab.synth.options import keyword_options
from cenlab.synth.passengers import PASSENGER_COLUMNS, PASSENGER_STEPS, TRUTH_COLUMNS

# Columns read back from CSV as text: codes with leading zeros, and country codes ("NA" = Namibia).
TEXT_COLUMNS = [
    "hs_code", "hs_chapter", "true_hs_code", "importer_main_chapter", "nationality",
    "departure_country", "transit_country", "origin_country", "arrival_airport", "origin_airport",
    "transit_airport",
]  # fmt: skip
DATE_COLUMNS = ["arrival_date", "declaration_date"]
__all__ = ["make_passengers", "make_consignments", "read_traffic_csv", "TRUTH_COLUMNS"]


def setup(n, *, seed, illicit_rate, start, end, route_shift_date, route_shift, reporting_country,
          commodity_shares, table) -> dict:  # fmt: skip
    """Check the options shared by both generators and return the state the steps fill in."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a whole number of rows, zero or more, got {n!r}")
    if not isinstance(illicit_rate, numbers.Real) or not 0 <= illicit_rate <= 0.5:
        raise ValueError(f"illicit_rate must be between 0 and 0.5, got {illicit_rate!r}")
    if reporting_country not in ref.ENTRY_POINTS:
        raise ValueError(
            f"unknown reporting_country {reporting_country!r}; "
            f"accepted: {', '.join(ref.ENTRY_POINTS)}"
        )
    start, end = day(start, "start"), day(end, "end")
    if end < start:
        raise ValueError(f"end ({end.date()}) is before start ({start.date()})")
    shift = (
        start + (end - start) / 2
        if route_shift_date is None
        else day(route_shift_date, "route_shift_date")
    )
    if route_shift_date is None and start == end:
        route_shift = False  # a one-day period has no "before" and "after"
    if route_shift and not start < shift <= end:
        raise ValueError(
            f"route_shift_date {shift.date()} is not inside {start.date()}..{end.date()}"
        )
    shares = {k: v["share"] for k, v in table.items()}
    if commodity_shares is not None:
        unknown = [k for k in commodity_shares if k not in table]
        if unknown:
            raise ValueError(f"unknown commodity {unknown[0]!r}; accepted: {', '.join(table)}")
        shares = {k: float(commodity_shares.get(k, 0.0)) for k in table}
        if min(shares.values()) < 0 or sum(shares.values()) <= 0:
            raise ValueError("commodity_shares must be zero or positive, with a positive total")
    return dict(
        n=int(n), seed=check_seed(seed), rate=float(illicit_rate), start=start, end=end,
        shift=shift.normalize() if route_shift else None, country=reporting_country,
        commodities=list(table), commodity_p=sampling.normalise(list(shares.values())),
    )  # fmt: skip


def finish(state: dict, columns: list[str], return_truth: bool, truth=TRUTH_COLUMNS):
    """Assemble the output frame in column order; split off the ``truth`` columns when asked."""
    df = pd.DataFrame({c: state[c] for c in columns})
    if not return_truth:
        return df
    return df.drop(columns=truth), df[truth]


def run_steps(steps, state: dict, prefix: str) -> dict:
    """Run the ordered steps, each with its own random stream so steps never shift each other."""
    for step in steps:
        step(state, make_rng(state["seed"], stream=f"{prefix}.{step.__name__}"))
    return state


@keyword_options
def make_passengers(
    n: int, *, seed: int = 0, illicit_rate: float = 0.02, start="2025-01-01", end="2025-12-31",
    route_shift_date=None, route_shift: bool = True, reporting_country: str = "NL",
    commodity_shares: dict | None = None, return_truth: bool = False,
):  # fmt: skip
    """Air passengers arriving in ``reporting_country``, one row each, with the ground truth.

    ``illicit_rate`` is the share of couriers; ``commodity_shares`` overrides their mix (keys from
    ``PASSENGER_SMUGGLING``). Cocaine couriers change routes at ``route_shift_date`` (default: the
    middle of the period; ``route_shift=False`` keeps the old routes). With ``return_truth=True``
    returns ``(passengers, truth)``; otherwise the truth columns sit at the end of one frame.
    """
    state = setup(n, seed=seed, illicit_rate=illicit_rate, start=start, end=end,
                  route_shift_date=route_shift_date, route_shift=route_shift,
                  reporting_country=reporting_country, commodity_shares=commodity_shares,
                  table=ref.PASSENGER_SMUGGLING)  # fmt: skip
    return finish(run_steps(PASSENGER_STEPS, state, "passengers"), PASSENGER_COLUMNS, return_truth)


@keyword_options
def make_consignments(
    n: int, *, seed: int = 0, illicit_rate: float = 0.02, start="2025-01-01", end="2025-12-31",
    route_shift_date=None, route_shift: bool = True, reporting_country: str = "NL",
    commodity_shares: dict | None = None, return_truth: bool = False,
):  # fmt: skip
    """Cargo, express and postal consignments declared in ``reporting_country``, with the truth.

    Options as in `make_passengers`; ``commodity_shares`` keys come from ``CONSIGNMENT_SMUGGLING``.
    Cocaine and counterfeit (IPR) routes change at ``route_shift_date``.
    """
    state = setup(n, seed=seed, illicit_rate=illicit_rate, start=start, end=end,
                  route_shift_date=route_shift_date, route_shift=route_shift,
                  reporting_country=reporting_country, commodity_shares=commodity_shares,
                  table=ref.CONSIGNMENT_SMUGGLING)  # fmt: skip
    state = run_steps(CONSIGNMENT_STEPS, state, "consignments")
    return finish(state, CONSIGNMENT_COLUMNS, return_truth, CONSIGNMENT_TRUTH_COLUMNS)


def read_traffic_csv(path, **kwargs) -> pd.DataFrame:
    """Read a traffic CSV back without pandas' NA pitfalls: "NA" stays Namibia, "08" stays text.

    Only empty fields become missing; code columns are read as text, date columns as dates.
    """
    df = pd.read_csv(
        path,
        keep_default_na=False,
        na_values=[""],
        dtype={c: "str" for c in TEXT_COLUMNS},
        **kwargs,
    )
    for c in DATE_COLUMNS:
        if c in df.columns:
            df[c] = pd.to_datetime(df[c])
    return df
