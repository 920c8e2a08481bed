"""The wording of officer reports for ``cenlab.narrative``: cities and demonyms, country names,
and the phrase variants from which each report field is picked.

Source: cenlab assumption, written for data-entry drills: each phrase must let a trainee tell
which CEN code to enter. Data only: no logic here.
"""

# Source: cenlab assumption (main international gateway city and demonym of the countries that
# occur most in the generated data; English names as used in WCO documents). A country missing
# here is named by its ISO name, with "a national of" for the person.
# fmt: off
PLACES = {
    "AE": ("Dubai", "Emirati"), "AR": ("Buenos Aires", "Argentine"), "AT": ("Vienna", "Austrian"),
    "AU": ("Sydney", "Australian"), "AZ": ("Baku", "Azerbaijani"), "BD": ("Dhaka", "Bangladeshi"),
    "BE": ("Antwerp", "Belgian"), "BG": ("Sofia", "Bulgarian"), "BO": ("La Paz", "Bolivian"),
    "BR": ("São Paulo", "Brazilian"), "CA": ("Toronto", "Canadian"), "CH": ("Zurich", "Swiss"),
    "CL": ("Santiago", "Chilean"), "CN": ("Shanghai", "Chinese"), "CO": ("Bogotá", "Colombian"),
    "CR": ("San José", "Costa Rican"), "CZ": ("Prague", "Czech"), "DE": ("Hamburg", "German"),
    "DK": ("Copenhagen", "Danish"), "DO": ("Santo Domingo", "Dominican"), "DZ": ("Algiers", "Algerian"),
    "EC": ("Guayaquil", "Ecuadorian"), "EG": ("Cairo", "Egyptian"), "ES": ("Madrid", "Spanish"),
    "ET": ("Addis Ababa", "Ethiopian"), "FI": ("Helsinki", "Finnish"), "FR": ("Paris", "French"),
    "GB": ("London", "British"), "GH": ("Accra", "Ghanaian"), "GR": ("Athens", "Greek"),
    "GT": ("Guatemala City", "Guatemalan"), "HK": ("Hong Kong", "Hong Kong"), "HN": ("Tegucigalpa", "Honduran"),
    "HU": ("Budapest", "Hungarian"), "ID": ("Jakarta", "Indonesian"), "IE": ("Dublin", "Irish"),
    "IL": ("Tel Aviv", "Israeli"), "IN": ("Mumbai", "Indian"), "IQ": ("Baghdad", "Iraqi"),
    "IR": ("Tehran", "Iranian"), "IT": ("Rome", "Italian"), "JM": ("Kingston", "Jamaican"),
    "JO": ("Amman", "Jordanian"), "JP": ("Tokyo", "Japanese"), "KE": ("Nairobi", "Kenyan"),
    "KR": ("Seoul", "South Korean"), "KW": ("Kuwait City", "Kuwaiti"), "KZ": ("Almaty", "Kazakh"),
    "LB": ("Beirut", "Lebanese"), "LT": ("Vilnius", "Lithuanian"), "MA": ("Casablanca", "Moroccan"),
    "MX": ("Mexico City", "Mexican"), "MY": ("Kuala Lumpur", "Malaysian"), "NA": ("Windhoek", "Namibian"),
    "NG": ("Lagos", "Nigerian"), "NL": ("Amsterdam", "Dutch"), "NO": ("Oslo", "Norwegian"),
    "OM": ("Muscat", "Omani"), "PA": ("Panama City", "Panamanian"), "PE": ("Lima", "Peruvian"),
    "PH": ("Manila", "Filipino"), "PK": ("Karachi", "Pakistani"), "PL": ("Warsaw", "Polish"),
    "PT": ("Lisbon", "Portuguese"), "PY": ("Asunción", "Paraguayan"), "QA": ("Doha", "Qatari"),
    "RO": ("Bucharest", "Romanian"), "RS": ("Belgrade", "Serbian"), "RU": ("Moscow", "Russian"),
    "SA": ("Jeddah", "Saudi"), "SE": ("Stockholm", "Swedish"), "SG": ("Singapore", "Singaporean"),
    "SN": ("Dakar", "Senegalese"), "SR": ("Paramaribo", "Surinamese"), "TH": ("Bangkok", "Thai"),
    "TN": ("Tunis", "Tunisian"), "TR": ("Istanbul", "Turkish"), "UA": ("Kyiv", "Ukrainian"),
    "US": ("Miami", "American"), "UY": ("Montevideo", "Uruguayan"), "VE": ("Caracas", "Venezuelan"),
    "VN": ("Ho Chi Minh City", "Vietnamese"), "ZA": ("Cape Town", "South African"),
}
NAMES = {  # country names that read better in a sentence than the ISO name
    "US": "the United States", "GB": "the United Kingdom", "AE": "the United Arab Emirates",
    "NL": "the Netherlands", "DO": "the Dominican Republic", "PH": "the Philippines",
    "RU": "Russia", "CD": "the Democratic Republic of the Congo", "PS": "Palestine",
    "BS": "the Bahamas", "GM": "the Gambia", "CF": "the Central African Republic",
    "MV": "the Maldives", "KM": "the Comoros", "FM": "Micronesia", "VA": "the Holy See",
    "BN": "Brunei", "MO": "Macao", "CZ": "Czechia",
}
# fmt: on
PLACE_AT = {  # location type -> phrases with {city} / without a known city, with {country}
    "Airport": (
        ["at {city} airport", "at {city} International Airport"],
        ["at an airport in {country}"],
    ),
    "Mail Centre": (
        ["at the international mail centre in {city}"],
        ["at the international mail centre of {country}"],
    ),
    "Express Courier": (
        ["at the express courier hub in {city}"],
        ["at an express courier hub in {country}"],
    ),
    "Seaport": (["in the port of {city}", "at {city} seaport"], ["in a seaport of {country}"]),
    "Land boundary": (
        ["at a land border crossing of {country}", "at the land border of {country}"],
    )
    * 2,
    "Rail": (["at {city} railway station"], ["at a railway station in {country}"]),
    "Inland": (["during an inland control near {city}"], ["during an inland control in {country}"]),
    "High seas": (["on the high seas, by a patrol boat of {country}"],) * 2,
    "River": (["on the river near {city}"], ["on a river in {country}"]),
    "Border of free trade zone": (
        ["at the border of the free trade zone of {city}"],
        ["at the border of a free trade zone in {country}"],
    ),
    "Unknown": (["in {country}, at a place not recorded"],) * 2,
}  # fmt: skip
DETECTED = {
    "Risk profiling": ["after risk profiling", "after the risk profiling system flagged it"],
    "Routine control": ["during a routine control", "in a routine check"],
    "Intelligence": ["acting on intelligence", "following an intelligence tip-off"],
    "Investigation": ["as part of an ongoing investigation", "in the course of an investigation"],
    "Random selection": ["in a check picked at random", "during a random check"],
}
CONCEALED = {  # "" when the report does not say: the trainee enters Unknown
    "In mail": [" in a postal parcel", " inside a letter sent by post"],
    "In baggage": [" hidden in a suitcase", " in the false bottom of a travel bag"],
    "In transport": [" in a hidden compartment of the conveyance", " hidden in the structure of the conveyance"],
    "In express courier": [" in an express courier parcel", " in a courier consignment"],
    "In freight": [" in a container of declared furniture", " among a cargo shipment of spare parts"],
    "On the person": [" strapped to the body", " in the clothes worn"],
    "Not concealed": [" (not concealed in any way)", " (carried openly, without concealment)"],
    "In premises": [" stored in a warehouse", " in a shop's storeroom"],
    "Recovered from sea/beach": [" washed up on a beach", " floating at sea"],
    "On market places": [" on sale at a market", " offered at a street market"],
    "Unknown": [""],
}  # fmt: skip
CONVEYED = {  # how the goods travelled; "" when not recorded (Unknown)
    "Air": [" on a flight"], "Vehicle": [" by car", " in a truck"], "Pedestrian": [" on foot"],
    "Rail": [" by train"], "Regular mail": [" by post"], "Vessel": [" on a ship", " aboard a vessel"],
    "Express courier": [" by express courier"], "Unknown": [""],
}  # fmt: skip
GOODS = {  # sub-commodities whose name alone would not say what they are
    "Herbal": "herbal cannabis", "Resin": "cannabis resin", "Liquid/oil": "cannabis oil",
    "Plants": "cannabis plants", "Drone": "drones", "Alcohol": "alcohol", "Other": "other goods",
}  # fmt: skip
WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen twenty").split()  # fmt: skip
REPORTS = [
    "On {date}, customs officers of {country} {place} checked {carrier} {detected}. They found "
    "{qty} of {goods}{concealed}. {value}{ecom}",
    "{Qty} of {goods} were seized by the customs of {country} {place} on {date}{concealed}, "
    "{detected}. It concerned {carrier}. {value}{ecom}",
    "Seizure report, customs of {country}, {date}. Goods: {qty} of {goods}{concealed}, seized "
    "{place} {detected}. Carrier: {carrier}. {value}{ecom}",
]
MOTION = {  # direction -> how the carrier moved; {conveyed} is the conveyance phrase
    "Import": "arriving{conveyed} from {dep}", "Export": "leaving{conveyed} for {dest}",
    "Transit": "in transit{conveyed} from {dep} to {dest}", "Internal": "travelling{conveyed} within {country}",
}  # fmt: skip
VALUES = ["Estimated value: USD {v}.", "The goods are worth about USD {v}.", "Value: USD {v}."]
ONLINE = [" The goods had been bought online.", " They had been ordered from an online shop."]
PERSON_CONCEALMENTS = ("On the person", "In baggage")
