"""Code lists of the seizure record and the tables that keep its fields coherent.

Source: code lists as used in the WCO Illicit Trade Report 2025 and CEN. The compatibility tables
(which concealment and conveyance fit which location) and ``ASSUMED_MIXES`` are cenlab
assumptions for training, written so that a record never shows a Vessel at a Mail Centre.
Data only: no logic here.
"""

SECTIONS = [
    "AML/CTF",
    "Drugs",
    "Environmental Crime",
    "IPR, Health and Safety",
    "Revenue",
    "Security",
]

LOCATION_TYPES = [
    "Airport",
    "Mail Centre",
    "Inland",
    "Land boundary",
    "Express Courier",
    "Seaport",
    "Rail",
    "High seas",
    "River",
    "Border of free trade zone",
    "Unknown",
]

DIRECTIONS = ["Import", "Export", "Transit", "Internal"]

DETECTION_METHODS = [
    "Risk profiling",
    "Routine control",
    "Intelligence",
    "Investigation",
    "Random selection",
]

CONCEALMENTS = [
    "In mail",
    "In baggage",
    "In transport",
    "In express courier",
    "In freight",
    "On the person",
    "Not concealed",
    "In premises",
    "Recovered from sea/beach",
    "On market places",
    "Unknown",
]

CONVEYANCES = [
    "Air",
    "Vehicle",
    "Pedestrian",
    "Rail",
    "Regular mail",
    "Vessel",
    "Express courier",
    "Unknown",
]

UNITS = ["kg", "g", "litres", "pieces", "USD"]

# Each unit as one of it is named, as in "USD 25 per piece" (quality messages).
UNIT_SINGULAR = {"kg": "kg", "g": "g", "litres": "litre", "pieces": "piece", "USD": "USD"}

# Which concealments can occur at each location (cenlab assumption). Unknown fits everywhere.
# fmt: off
CONCEALMENT_AT = {
    "Airport": ["In mail", "In baggage", "In transport", "In express courier", "In freight",
                "On the person", "Not concealed", "Unknown"],
    "Mail Centre": ["In mail", "Not concealed", "Unknown"],
    "Inland": ["In mail", "In transport", "In premises", "On market places", "Not concealed",
               "On the person", "In freight", "In baggage", "In express courier", "Unknown"],
    "Land boundary": ["In baggage", "In transport", "In freight", "On the person", "Not concealed",
                      "In mail", "Unknown"],
    "Express Courier": ["In express courier", "In mail", "Not concealed", "Unknown"],
    "Seaport": ["In freight", "In transport", "In baggage", "On the person", "Not concealed",
                "Recovered from sea/beach", "Unknown"],
    "Rail": ["In baggage", "In transport", "In freight", "On the person", "Not concealed", "Unknown"],
    "High seas": ["In transport", "Recovered from sea/beach", "Not concealed", "Unknown"],
    "River": ["In transport", "In freight", "Recovered from sea/beach", "Not concealed", "Unknown"],
    "Border of free trade zone": ["In freight", "In transport", "In premises", "Not concealed",
                                  "Unknown"],
    "Unknown": CONCEALMENTS,
}

# Conveyance by concealment first (mail goes by mail, courier items by courier) ...
CONVEYANCE_FOR_CONCEALMENT = {
    "In mail": "Regular mail",
    "In express courier": "Express courier",
}
# ... otherwise by location: conveyance -> relative weight (cenlab assumption).
CONVEYANCE_AT = {
    "Airport": {"Air": 1.0},
    "Mail Centre": {"Regular mail": 1.0},
    "Express Courier": {"Express courier": 1.0},
    "Seaport": {"Vessel": 0.85, "Vehicle": 0.15},
    "High seas": {"Vessel": 1.0},
    "River": {"Vessel": 1.0},
    "Rail": {"Rail": 1.0},
    "Land boundary": {"Vehicle": 0.75, "Pedestrian": 0.2, "Rail": 0.05},
    "Inland": {"Vehicle": 0.7, "Pedestrian": 0.1, "Unknown": 0.2},
    "Border of free trade zone": {"Vehicle": 0.8, "Vessel": 0.2},
    "Unknown": {"Unknown": 0.7, "Vehicle": 0.2, "Air": 0.1},
}

# Conveyances that contradict a location: a record showing one of these is inconsistent.
CONVEYANCE_FORBIDDEN_AT = {
    "Airport": ["Vessel", "Rail", "Pedestrian"],
    "Mail Centre": ["Vessel", "Rail", "Pedestrian", "Vehicle", "Air"],
    "Express Courier": ["Vessel", "Rail", "Pedestrian"],
    "Seaport": ["Air", "Rail"],
    "High seas": ["Air", "Rail", "Vehicle", "Pedestrian", "Regular mail", "Express courier"],
    "River": ["Air", "Rail", "Pedestrian", "Regular mail", "Express courier"],
    "Rail": ["Vessel", "Air"],
}

# Mixes for flows the ITR gives no operational breakdown for (cenlab assumption, shaped on the
# section's other flows and on the AML conveyance figures of the report).
ASSUMED_MIXES = {
    "Cash": {
        "location": {"Airport": 62, "Land boundary": 22, "Inland": 6, "Rail": 2, "Seaport": 2,
                     "Mail Centre": 1, "Unknown": 5},
        "concealment": {"In baggage": 45, "On the person": 30, "In transport": 15,
                        "Not concealed": 5, "In mail": 1, "Unknown": 4},
        "direction": {"Export": 52, "Import": 44, "Transit": 3.5, "Internal": 0.5},
    },
    "Gemstones": {
        "location": {"Airport": 80, "Land boundary": 10, "Express Courier": 5, "Mail Centre": 5},
        "concealment": {"In baggage": 50, "On the person": 30, "In mail": 10,
                        "In express courier": 10},
        "direction": {"Import": 60, "Export": 35, "Transit": 5},
    },
    "Weapons and ammunition": {
        "location": {"Land boundary": 40, "Airport": 15, "Inland": 15, "Seaport": 12,
                     "Mail Centre": 10, "Express Courier": 8},
        "concealment": {"In transport": 35, "In mail": 18, "In baggage": 15, "Not concealed": 12,
                        "In freight": 10, "On the person": 4, "In express courier": 6},
    },
    "Explosives and precursors": {
        "location": {"Mail Centre": 35, "Land boundary": 25, "Seaport": 15, "Inland": 15,
                     "Airport": 10},
        "concealment": {"In mail": 35, "In transport": 30, "In freight": 15, "Not concealed": 12,
                        "In baggage": 8},
    },
    "Drones (UAS)": {
        "location": {"Airport": 55, "Land boundary": 25, "Seaport": 10, "Express Courier": 10},
        "concealment": {"In baggage": 55, "In freight": 20, "In transport": 15,
                        "In express courier": 10},
    },
}
# fmt: on

# Locations only a country with a sea coast can have.
SEA_LOCATIONS = ["Seaport", "High seas"]

# Location types whose seizures are e-commerce candidates first (small consignments).
SMALL_CONSIGNMENT_CONCEALMENTS = ["In mail", "In express courier"]
