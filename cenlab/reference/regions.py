"""WCO regions and RILO sub-regions, by ISO 3166-1 alpha-2 country code.

Source: WCO regional structure (six regions as used in the WCO Illicit Trade Report 2025) and the
WCO RILO network (Regional Intelligence Liaison Offices). Membership lists are cenlab's reading of
the public WCO member list, for training use; a country absent here is not assigned to a region.
Data only: no logic here.
"""

REGIONS = {
    "EUR": "Europe",
    "AMS": "Americas and the Caribbean",
    "MENA": "North of Africa, Near and Middle East",
    "A/P": "Asia/Pacific",
    "ESA": "East and Southern Africa",
    "WCA": "West and Central Africa",
}

# RILO sub-region -> member countries.
# fmt: off
RILO_MEMBERS = {
    "RILO Western Europe": [
        "AT", "BE", "CH", "CY", "DE", "DK", "ES", "FI", "FR", "GB", "GR", "IE", "IS", "IT", "LU",
        "MT", "NL", "NO", "PT", "SE",
    ],
    "RILO Eastern and Central Europe": [
        "AL", "BA", "BG", "CZ", "EE", "HR", "HU", "IL", "LT", "LV", "ME", "MK", "MD", "PL", "RO",
        "RS", "SI", "SK", "TR", "UA",
    ],
    "RILO CIS": ["AM", "AZ", "BY", "GE", "KG", "KZ", "RU", "TJ", "TM", "UZ"],
    "RILO Middle East": ["AE", "BH", "IQ", "JO", "KW", "LB", "OM", "QA", "SA", "SY", "YE", "PS"],
    "RILO North Africa": ["DZ", "EG", "LY", "MA", "TN", "MR", "SD"],
    "RILO Asia/Pacific": [
        "AF", "AU", "BD", "BN", "BT", "CN", "FJ", "HK", "ID", "IN", "IR", "JP", "KH", "KR", "LA",
        "LK", "MM", "MN", "MO", "MV", "MY", "NP", "NZ", "PG", "PH", "PK", "SG", "TH", "TL", "VN",
    ],
    "RILO Eastern and Southern Africa": [
        "AO", "BI", "BW", "CD", "DJ", "ER", "ET", "KE", "KM", "LS", "MG", "MU", "MW", "MZ", "NA",
        "RW", "SC", "SO", "SS", "SZ", "TZ", "UG", "ZA", "ZM", "ZW",
    ],
    "RILO West Africa": [
        "BF", "BJ", "CI", "CV", "GH", "GM", "GN", "GW", "LR", "ML", "NE", "NG", "SL", "SN", "TG",
    ],
    "RILO Central Africa": ["CF", "CG", "CM", "GA", "GQ", "ST", "TD"],
    "RILO South America": ["AR", "BO", "BR", "CL", "CO", "EC", "PE", "PY", "UY", "VE"],
    "RILO Caribbean": [
        "AG", "AW", "BB", "BS", "BZ", "CU", "CW", "DM", "DO", "GD", "GY", "HT", "JM", "KN", "LC",
        "SR", "TT", "VC", "MQ",
    ],
    "RILO North and Central America": ["CA", "CR", "GT", "HN", "MX", "NI", "PA", "SV", "US"],
}
# fmt: on

# RILO sub-region -> WCO region.
RILO_REGION = {
    "RILO Western Europe": "EUR",
    "RILO Eastern and Central Europe": "EUR",
    "RILO CIS": "EUR",
    "RILO Middle East": "MENA",
    "RILO North Africa": "MENA",
    "RILO Asia/Pacific": "A/P",
    "RILO Eastern and Southern Africa": "ESA",
    "RILO West Africa": "WCA",
    "RILO Central Africa": "WCA",
    "RILO South America": "AMS",
    "RILO Caribbean": "AMS",
    "RILO North and Central America": "AMS",
}

# Derived lookups (plain dict comprehensions over the tables above).
COUNTRY_RILO = {c: rilo for rilo, members in RILO_MEMBERS.items() for c in members}
COUNTRY_REGION = {c: RILO_REGION[rilo] for c, rilo in COUNTRY_RILO.items()}

# Seizures by WCO region in the ITR 2025, for weighting reporting countries outside the named
# top reporters of each flow. Source: WCO Illicit Trade Report 2025.
REGION_SEIZURES = {"EUR": 95859, "AMS": 93853, "MENA": 26965, "A/P": 4880, "ESA": 2575, "WCA": 2334}

# Countries without a sea coast: their customs make no Seaport or High seas seizures.
# Source: UN-OHRLLS list of landlocked developing countries, plus Europe's landlocked states.
# fmt: off
LANDLOCKED = [
    "AD", "AF", "AM", "AT", "AZ", "BF", "BI", "BO", "BT", "BW", "BY", "CF", "CH", "CZ", "ET",
    "HU", "KG", "KZ", "LA", "LI", "LS", "LU", "MD", "MK", "ML", "MN", "MW", "NE", "NP", "PY",
    "RS", "RW", "SK", "SM", "SS", "SZ", "TD", "TJ", "TM", "UG", "UZ", "VA", "ZM", "ZW",
]
# fmt: on
