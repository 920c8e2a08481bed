"""National codes and units as CEN expects them, and the age bands that replace dates of birth.

Source: cenlab assumption, for training. The spellings below are the kind an nCEN extract carries
(abbreviations, national labels, other units); the CEN code lists they map to are those of
``cenlab.reference.operations``. Keys are matched after trimming, collapsing spaces and ignoring
case, and CEN's own codes always map to themselves, so only the differences are listed here.
A country variant adds spellings here; the transfer code does not change. Data only: no logic.
"""

# National unit -> (CEN unit, factor that turns the national quantity into the CEN quantity).
# CEN records each commodity in one canonical unit (kg, litres, pieces or USD), so grams and
# tonnes become kg and millilitres become litres.
UNITS = {
    "kg": ("kg", 1.0), "kgs": ("kg", 1.0), "kilo": ("kg", 1.0), "kilos": ("kg", 1.0),
    "kilogram": ("kg", 1.0), "kilograms": ("kg", 1.0), "kilogramme": ("kg", 1.0),
    "g": ("kg", 0.001), "gr": ("kg", 0.001), "gram": ("kg", 0.001), "grams": ("kg", 0.001),
    "gramme": ("kg", 0.001), "grammes": ("kg", 0.001),
    "mg": ("kg", 0.000001), "milligram": ("kg", 0.000001), "milligrams": ("kg", 0.000001),
    "t": ("kg", 1000.0), "tonne": ("kg", 1000.0), "tonnes": ("kg", 1000.0),
    "metric ton": ("kg", 1000.0), "lb": ("kg", 0.45359237), "lbs": ("kg", 0.45359237),
    "l": ("litres", 1.0), "ltr": ("litres", 1.0), "litre": ("litres", 1.0),
    "liter": ("litres", 1.0), "liters": ("litres", 1.0), "litres": ("litres", 1.0),
    "ml": ("litres", 0.001), "cl": ("litres", 0.01), "hl": ("litres", 100.0),
    "pieces": ("pieces", 1.0), "piece": ("pieces", 1.0), "pcs": ("pieces", 1.0),
    "pc": ("pieces", 1.0), "items": ("pieces", 1.0), "units": ("pieces", 1.0),
    "each": ("pieces", 1.0), "no.": ("pieces", 1.0), "number": ("pieces", 1.0),
    "specimens": ("pieces", 1.0), "heads": ("pieces", 1.0),
    "usd": ("USD", 1.0), "us$": ("USD", 1.0), "us dollars": ("USD", 1.0),
}  # fmt: skip

# Packaging units whose size depends on the goods: (national unit, commodity) -> (CEN unit,
# factor). A carton of cigarettes holds 10 packs of 20 sticks, about 200 g of tobacco product.
PACKAGING = {
    ("cartons", "Tobacco products"): ("kg", 0.2),
    ("carton", "Tobacco products"): ("kg", 0.2),
    ("packs", "Tobacco products"): ("kg", 0.02),
    ("pack", "Tobacco products"): ("kg", 0.02),
    ("sticks", "Tobacco products"): ("kg", 0.001),
    ("cartons", "IPR products"): ("pieces", 1.0),
    ("cartons", "Medical products"): ("pieces", 1.0),
}

LOCATION_TYPES = {
    "air": "Airport", "apt": "Airport", "international airport": "Airport", "aéroport": "Airport",
    "aeroport": "Airport", "flughafen": "Airport", "aeropuerto": "Airport",
    "mail": "Mail Centre", "post office": "Mail Centre", "postal centre": "Mail Centre",
    "mail center": "Mail Centre", "international mail centre": "Mail Centre",
    "imc": "Mail Centre", "centre de tri postal": "Mail Centre",
    "inl": "Inland", "inland control": "Inland", "warehouse": "Inland", "market": "Inland",
    "lnd": "Land boundary", "land border": "Land boundary", "border crossing": "Land boundary",
    "road border": "Land boundary", "border post": "Land boundary",
    "exp": "Express Courier", "courier": "Express Courier", "courier hub": "Express Courier",
    "express": "Express Courier",
    "sea": "Seaport", "port": "Seaport", "sea port": "Seaport", "harbour": "Seaport",
    "harbor": "Seaport", "container terminal": "Seaport", "hafen": "Seaport",
    "railway": "Rail", "railway station": "Rail", "train station": "Rail",
    "hsea": "High seas", "at sea": "High seas",
    "riv": "River", "river port": "River",
    "ftz": "Border of free trade zone", "free trade zone": "Border of free trade zone",
    "free zone": "Border of free trade zone",
    "unk": "Unknown", "not known": "Unknown",
}  # fmt: skip

DIRECTIONS = {
    "imp": "Import", "inbound": "Import", "exp": "Export", "outbound": "Export",
    "tra": "Transit", "trans": "Transit", "int": "Internal", "domestic": "Internal",
}  # fmt: skip

DETECTION_METHODS = {
    "risk profile": "Risk profiling", "profiling": "Risk profiling",
    "risk analysis": "Risk profiling", "routine": "Routine control",
    "routine check": "Routine control", "intel": "Intelligence", "tip-off": "Intelligence",
    "random": "Random selection", "random check": "Random selection",
}  # fmt: skip

CONCEALMENTS = {
    "mail": "In mail", "post": "In mail", "baggage": "In baggage", "luggage": "In baggage",
    "suitcase": "In baggage", "vehicle": "In transport", "in vehicle": "In transport",
    "courier": "In express courier", "freight": "In freight", "cargo": "In freight",
    "container": "In freight", "body": "On the person", "on body": "On the person",
    "on person": "On the person", "none": "Not concealed", "premises": "In premises",
    "beach": "Recovered from sea/beach", "market": "On market places",
}  # fmt: skip

CONVEYANCES = {
    "aircraft": "Air", "plane": "Air", "flight": "Air", "car": "Vehicle", "truck": "Vehicle",
    "lorry": "Vehicle", "bus": "Vehicle", "road": "Vehicle", "foot": "Pedestrian",
    "on foot": "Pedestrian", "train": "Rail", "post": "Regular mail", "mail": "Regular mail",
    "ship": "Vessel", "boat": "Vessel", "sea": "Vessel", "courier": "Express courier",
    "express": "Express courier",
}  # fmt: skip

SECTIONS = {"ipr": "IPR, Health and Safety", "environment": "Environmental Crime"}

COMMODITIES = {
    "marijuana": "Cannabis", "hashish": "Cannabis", "cannabis resin": "Cannabis",
    "heroin": "Opioids and Opiates", "opium": "Opioids and Opiates",
    "cigarettes": "Tobacco products", "tobacco": "Tobacco products",
    "counterfeit goods": "IPR products", "medicines": "Medical products",
    "currency": "Cash", "firearms": "Weapons and ammunition",
}  # fmt: skip

# Countries: ISO alpha-3 codes are recognised from pycountry; these are the other usual spellings.
COUNTRIES = {"uk": "GB", "el": "GR", "zz": "XX", "unk": "XX", "??": "XX"}

# Genders of the nominal layer, counted per case; any other text counts as "unknown".
GENDERS = {"f": "F", "female": "F", "m": "M", "male": "M", "x": "X"}

# True and false as a seizure file writes them. A file is read strictly: only these become
# True/False, anything else stays text for the validator to name.
FILE_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
# As a trainee types an answer in a drill: a single letter too.
TYPED_BOOLEANS = FILE_BOOLEANS | {"y": True, "n": False}
# As national systems write them: numbers exported as decimals too.
BOOLEANS = TYPED_BOOLEANS | {"1.0": True, "0.0": False}

# CEN field -> national spellings of its codes. CEN's own codes, in any case, and ISO alpha-3
# country codes are recognised without being listed.
CODES = {
    "location_type": LOCATION_TYPES,
    "direction": DIRECTIONS,
    "section": SECTIONS,
    "commodity": COMMODITIES,
    "detection_method": DETECTION_METHODS,
    "concealment": CONCEALMENTS,
    "conveyance": CONVEYANCES,
    "reporting_country": COUNTRIES,
    "departure_country": COUNTRIES,
    "destination_country": COUNTRIES,
}

# Dates of birth never leave nCEN: each person's age on the seizure date falls in one band.
# (lowest age in years, label), ascending.
AGE_BANDS = [
    (0, "under 18"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65 and over"),
]
UNKNOWN_AGE = "unknown"
