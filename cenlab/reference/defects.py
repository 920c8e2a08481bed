"""The data-entry mistakes ``cenlab.synth.defects`` injects, and the tables the quality rules use to
explain them (suggested corrections, date formats).

Source: cenlab assumption, written from the kinds of mistakes the WCO Charter of Data Quantity and
Quality asks administrations to avoid (incomplete, invalid, inconsistent, late or duplicated
records). Rates and factors are chosen for training, not measured. Data only: no logic here.
"""

# Each defect type: what the officer did, and the quality rules that must catch it (the first is
# the one it is meant for; a second catches the same mistake when it shows another way).
# Source: cenlab assumption, after the error kinds named in the WCO Charter of Data Quantity and
# Quality (complete, valid, consistent, timely, unique records).
DEFECT_TYPES = {
    "namibia_as_missing": ("Namibia's code NA read as 'missing'", ("country_missing",)),
    "missing_mandatory": ("a mandatory field left empty", ("mandatory_missing", "country_missing")),
    "invalid_country": ("a country code that is not ISO alpha-2 (UK, GER, DEU)", ("country_code",)),
    "unit_mixup": (
        "a unit mix-up: grams entered as kg, cartons counted as pieces, litres as kg",
        ("unit_for_commodity", "value_per_unit"),
    ),
    "quantity_slip": (
        "a quantity off by a power of ten (an extra zero, a slipped decimal point) or negative",
        ("value_per_unit", "quantity_positive"),
    ),
    "future_date": ("a slip on the year that puts the date in the future", ("future_date",)),
    "after_cutoff": (
        "a seizure dated after the reporting cut-off, sent with this period's data",
        ("after_cutoff", "future_date"),
    ),
    "mixed_date_format": ("a date typed in another format (04/03/2025)", ("date_format",)),
    "commodity_variant": ("a commodity typed as free text (Cocain, COKE)", ("code_list",)),
    "conveyance_location": ("a conveyance that contradicts the location", ("conveyance_location",)),
    "same_departure_destination": (
        "the same country entered as departure and destination",
        ("route_loop",),
    ),
    "cash_in_kg": ("cash weighed in kg instead of counted in USD", ("unit_for_commodity",)),
    "section_mismatch": ("a section that does not match the commodity", ("section_commodity",)),
    "duplicate_seizure": ("the same seizure entered twice", ("seizure_id_unique",)),
    "double_counted_case": (
        "a whole case entered again under a new case id",
        ("duplicate_record",),
    ),
}

# Share of the rows where a mistake is possible that receive it. A defect type that needs a
# particular record (a Namibian code, a cash seizure, a location that rules out some conveyance)
# counts its share among those records only; ``double_counted_case`` counts cases.
# Source: cenlab assumption (rates chosen for training, not measured).
DEFAULT_RATES = {
    "missing_mandatory": 0.02,
    "namibia_as_missing": 1.0,  # software that reads "NA" as missing loses every Namibian code
    "invalid_country": 0.01,
    "unit_mixup": 0.01,
    "quantity_slip": 0.01,
    "future_date": 0.005,
    "after_cutoff": 0.005,
    "mixed_date_format": 0.02,
    "commodity_variant": 0.02,
    "duplicate_seizure": 0.005,
    "double_counted_case": 0.005,
    "conveyance_location": 0.005,
    "same_departure_destination": 0.005,
    "cash_in_kg": 0.05,
    "section_mismatch": 0.005,
}

# Which mandatory field is left empty, relative weights: fields the officer types are forgotten
# more often than those the system fills, such as the ids. Source: cenlab assumption.
# fmt: off
MISSING_FIELD_WEIGHTS = {
    "case_id": 1, "seizure_id": 1, "seizure_date": 3, "reporting_country": 2, "office": 2,
    "location_type": 4, "direction": 4, "section": 2, "commodity": 3, "quantity": 4, "unit": 5,
    "detection_method": 6, "concealment": 6, "conveyance": 5, "departure_country": 6,
    "destination_country": 5, "ecommerce": 3,
}
# fmt: on

# Codes typed for a country that are not ISO 3166-1 alpha-2 -> the code meant, or None when
# nothing can be inferred. Source: cenlab assumption; the right-hand codes are ISO 3166-1 and the
# withdrawn codes are from ISO 3166-3.
COUNTRY_CONFUSIONS = {
    "UK": "GB",  # United Kingdom: ISO uses GB
    "EL": "GR",  # Greece: the EU's own code, not ISO
    "GER": "DE",
    "USA": "US",
    "SP": "ES",
    "HOL": "NL",
    "SWI": "CH",
    "RSA": "ZA",
    "UAE": "AE",
    "KSA": "SA",
    "XK": None,  # Kosovo: a user-assigned code, not in ISO 3166-1
    "EU": None,  # the European Union is not a country
    "AN": None,  # Netherlands Antilles, withdrawn from ISO 3166-1 in 2010
    "YU": None,  # Yugoslavia, withdrawn in 2003
    "ZZ": None,
    "00": None,
}

# Country -> the wrong codes an officer types for it; other countries get their alpha-3 code, lower
# case, or one of MADE_UP_CODES. Source: cenlab assumption.
WRONG_CODES_FOR = {
    "GB": ["UK"],
    "GR": ["EL"],
    "DE": ["GER"],
    "US": ["USA"],
    "ES": ["SP"],
    "NL": ["HOL"],
    "CH": ["SWI"],
    "ZA": ["RSA"],
    "AE": ["UAE"],
    "SA": ["KSA"],
    "RS": ["YU"],
    "CW": ["AN"],
}
MADE_UP_CODES = ["XK", "EU", "ZZ", "00"]

# Date formats met in entries and officer reports instead of YYYY-MM-DD, read in this order when a
# date is parsed leniently: day first, as most CEN members write it. Source: cenlab assumption.
DATE_FORMATS = [
    "%d/%m/%Y",  # 04/03/2025
    "%m/%d/%Y",  # 03/04/2025, the United States order
    "%d.%m.%Y",  # 04.03.2025
    "%d-%m-%Y",  # 04-03-2025
    "%d %B %Y",  # 4 March 2025
    "%B %d, %Y",  # March 4, 2025
    "%d-%b-%y",  # 04-Mar-25
    "%Y/%m/%d",  # 2025/03/04
    "%Y%m%d",  # 20250304
]

# Years added by a slip of the finger on the year (2024 -> 2034, 2044, 2124), which puts the date
# in the future. Source: cenlab assumption.
FUTURE_YEAR_SLIPS = [10, 20, 100]
# Days after the reporting cut-off at which a late record is dated. Source: cenlab assumption.
AFTER_CUTOFF_DAYS = (1, 90)

# Free-text variants and typos of commodity names; any other commodity gets its name in lower or
# upper case. Source: cenlab assumption, from common misspellings and street names.
COMMODITY_VARIANTS = {
    "Cocaine": ["cocaine HCL", "Cocain", "COKE", "cocaine", "Kokain", "Cocaine hydrochloride"],
    "Cannabis": ["Marijuana", "Marihuana", "cannabis", "Canabis", "Hashish", "weed"],
    "Tobacco products": ["Cigarettes", "Tabacco", "tobacco", "Cigs", "Tobacco product"],
    "IPR products": ["Counterfeit goods", "IPR", "ipr products", "Fake goods"],
    "Psychotropic substances": ["Methamphetamine", "Psychotropics", "Psycotropic substances"],
    "Medical products": ["Medicines", "Pharmaceuticals", "medical product", "Tramadol"],
    "Opioids and Opiates": ["Heroin", "Opioids", "Opiates", "opioids and opiates"],
    "New Psychoactive Substances": ["NPS", "Synthetic drugs", "New psycoactive substances"],
    "Cash": ["Currency", "cash", "Banknotes", "Money"],
    "Alcohol products": ["Alcohol", "Vodka", "Alcoholic beverages", "alcohol products"],
    "Weapons and ammunition": ["Weapons", "Firearms", "Ammunition", "Weapon and ammunitions"],
    "Khat": ["Qat", "Catha edulis", "khat"],
    "Fauna": ["Wildlife", "Animals", "fauna"],
    "Gold": ["gold", "GOLD", "Gold bars"],
}

# Unit mix-ups: (canonical unit, unit entered, factor applied to the quantity, what happened).
# Source: cenlab assumption (carton sizes and the 75 cl bottle are common trade packings).
UNIT_MIXUPS = [
    ("kg", "kg", 1000.0, "grams entered as kilograms"),
    ("kg", "kg", 0.001, "tonnes entered as kilograms"),
    ("kg", "g", 1.0, "kilograms entered with the unit g"),
    ("kg", "litres", 1.0, "kilograms entered as litres"),
    ("pieces", "pieces", 1 / 50, "cartons counted as pieces (50 pieces a carton)"),
    ("pieces", "pieces", 1 / 200, "cartons counted as pieces (200 pieces a carton)"),
    ("pieces", "kg", 1.0, "pieces entered as kilograms"),
    ("litres", "kg", 1.0, "litres entered as kilograms"),
    ("litres", "pieces", 1 / 0.75, "bottles of 75 cl counted instead of litres"),
]

# Order-of-magnitude slips on the quantity: factor -> what happened. Source: cenlab assumption.
QUANTITY_SLIPS = {
    10.0: "an extra zero",
    100.0: "two extra zeros",
    1000.0: "the decimal point three places to the right",
    0.1: "a lost zero",
    0.01: "the decimal point two places to the left",
    -1.0: "a minus sign",
}

# Cash weighed instead of counted: USD per kilogram of mixed banknotes (a banknote weighs about
# 1 g). Source: cenlab assumption.
CASH_USD_PER_KG = 20_000.0
