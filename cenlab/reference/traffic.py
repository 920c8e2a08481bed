"""Reference tables for passenger and cargo traffic: data only, no logic.

`cenlab.synth.traffic` picks and combines these tables; `cenlab.risk` reads the indicator tables.
Countries are ISO 3166-1 alpha-2 codes ("NA" is Namibia, never a missing value). Airports are
IATA codes, ports UN/LOCODEs, goods HS 2022 six-digit codes kept as text ("080390", not 80390).
Every figure below that is not cited is invented for training and says so.
"""

# --- where the traffic arrives ----------------------------------------------------------------

# Source: IATA airport codes and UN/LOCODE; choice of offices is a cenlab assumption, illustrative.
# reporting country -> passenger airports, seaport (LOCODE), air cargo and mail airport (LOCODE)
ENTRY_POINTS = {
    "NL": {"airports": ("AMS",), "seaport": "NLRTM", "airport": "NLAMS"},
    "BE": {"airports": ("BRU",), "seaport": "BEANR", "airport": "BEBRU"},
    "FR": {"airports": ("CDG", "ORY"), "seaport": "FRLEH", "airport": "FRCDG"},
    "DE": {"airports": ("FRA", "MUC"), "seaport": "DEHAM", "airport": "DEFRA"},
    "ES": {"airports": ("MAD", "BCN"), "seaport": "ESALG", "airport": "ESMAD"},
    "GB": {"airports": ("LHR", "LGW"), "seaport": "GBFXT", "airport": "GBLHR"},
}

# Source: cenlab assumption, illustrative (relative traffic by month: summer peak for passengers,
# pre-Christmas peak for parcels).
MONTHLY_TRAFFIC = {
    "passengers": (0.8, 0.75, 0.85, 0.95, 1.0, 1.1, 1.3, 1.35, 1.05, 0.95, 0.85, 0.95),
    "consignments": (0.9, 0.85, 0.95, 0.95, 0.95, 0.95, 0.9, 0.9, 1.0, 1.1, 1.3, 1.35),
}

# --- air passengers ---------------------------------------------------------------------------

# Source: IATA airport codes; traffic weights and connection shares are a cenlab assumption,
# illustrative. code -> (country, holiday, business, family visit, share of passengers connecting)
ORIGIN_AIRPORTS = {
    "LHR": ("GB", 6, 10, 2, 0.05), "CDG": ("FR", 5, 8, 2, 0.05), "FRA": ("DE", 4, 8, 1, 0.05),
    "MAD": ("ES", 6, 5, 2, 0.05), "BCN": ("ES", 6, 3, 1, 0.05), "FCO": ("IT", 6, 5, 2, 0.05),
    "LIS": ("PT", 5, 3, 2, 0.05), "ATH": ("GR", 5, 2, 1, 0.1), "IST": ("TR", 6, 5, 5, 0.05),
    "WAW": ("PL", 3, 3, 4, 0.05), "ZRH": ("CH", 3, 5, 1, 0.05), "CPH": ("DK", 3, 3, 1, 0.05),
    "DUB": ("IE", 3, 3, 1, 0.05), "VIE": ("AT", 3, 3, 1, 0.05), "AMS": ("NL", 5, 8, 2, 0.05),
    "BRU": ("BE", 3, 4, 1, 0.05), "JFK": ("US", 5, 7, 2, 0.1), "MIA": ("US", 3, 2, 1, 0.2),
    "YYZ": ("CA", 2, 3, 2, 0.2), "MEX": ("MX", 2, 2, 1, 0.3), "BOG": ("CO", 2, 1, 3.5, 0.4),
    "LIM": ("PE", 1.5, 1, 2.5, 0.4), "GRU": ("BR", 3, 2, 3, 0.3), "PBM": ("SR", 0.5, 0.3, 4, 0.2),
    "PUJ": ("DO", 3, 0.2, 1, 0.3), "CUR": ("CW", 1.5, 0.3, 3, 0.2), "PTY": ("PA", 0.5, 1, 0.5, 0.4),
    "CMN": ("MA", 3, 1, 5, 0.1), "ACC": ("GH", 0.5, 0.8, 3, 0.5), "LOS": ("NG", 0.5, 1.5, 4, 0.5),
    "DSS": ("SN", 0.5, 0.5, 2.5, 0.4), "ABJ": ("CI", 0.5, 0.5, 2, 0.4),
    "ADD": ("ET", 0.3, 0.5, 1.5, 0.2),
    "NBO": ("KE", 1, 1, 1.5, 0.4), "JNB": ("ZA", 2, 2, 1, 0.3), "WDH": ("NA", 0.5, 0.3, 0.3, 0.8),
    "CAI": ("EG", 2, 1, 2, 0.3), "DXB": ("AE", 3, 6, 2, 0.05), "DOH": ("QA", 1, 3, 1, 0.05),
    "BKK": ("TH", 4, 2, 1.5, 0.4), "DEL": ("IN", 2, 4, 4, 0.4), "PEK": ("CN", 1.5, 4, 2, 0.4),
    "HKG": ("HK", 1.5, 4, 1, 0.3), "SIN": ("SG", 1.5, 4, 0.5, 0.2), "NRT": ("JP", 1.5, 3, 0.3, 0.3),
    "KHI": ("PK", 0.3, 0.8, 3, 0.7),
}  # fmt: skip

# Source: IATA airport codes; weights are a cenlab assumption, illustrative.
# Hubs where a connecting passenger changes planes (dropped when in the reporting country).
TRANSIT_HUBS = {
    "IST": 5, "DXB": 4, "DOH": 3, "ADD": 2, "CMN": 1.5, "LIS": 2, "MAD": 3, "CDG": 3, "FRA": 3,
    "LHR": 3,
}  # fmt: skip

# Source: cenlab assumption, illustrative: placeholder two-character designators, not the
# schedules of any real airline. Country of the last departure airport -> designator.
AIRLINE_DESIGNATORS = {
    "GB": "XB", "FR": "XF", "DE": "XD", "ES": "XE", "IT": "XI", "PT": "XP", "GR": "XG",
    "TR": "XT", "PL": "XL", "CH": "XS", "DK": "XK", "IE": "XR", "AT": "XA", "NL": "XN",
    "BE": "XJ", "US": "XU", "CA": "XC", "MX": "XM", "CO": "YC", "PE": "YP", "BR": "YB",
    "SR": "YS", "DO": "YD", "CW": "YW", "PA": "YA", "MA": "YM", "GH": "YG", "NG": "YN",
    "SN": "YE", "CI": "YI", "ET": "YT", "KE": "YK", "ZA": "YZ", "NA": "YX", "EG": "YY",
    "AE": "ZE", "QA": "ZQ", "TH": "ZT", "IN": "ZI", "CN": "ZC", "HK": "ZH", "SG": "ZS",
    "JP": "ZJ", "PK": "ZP", "VN": "ZV", "EC": "YQ", "AR": "YR", "NO": "XO", "CR": "YO",
    "CL": "YL", "LK": "ZL", "AU": "ZU", "ID": "ZD", "KR": "ZK", "CM": "YH", "BD": "ZB",
    "TW": "ZW", "MY": "ZM", "TG": "YJ", "MT": "XQ",
}  # fmt: skip

# Source: cenlab assumption, illustrative. Nationalities of travellers who are neither
# nationals of the reporting country nor of the departure country.
OTHER_NATIONALITIES = {
    "GB": 5, "US": 5, "DE": 4, "FR": 4, "IT": 3, "ES": 3, "NL": 3, "PL": 2, "RO": 2, "PT": 2,
    "IN": 3, "CN": 3, "BR": 2, "NG": 2, "MA": 2, "TR": 2, "CO": 1, "GH": 1, "UA": 2, "CA": 1,
}  # fmt: skip

# Source: Faker locale list; the mapping is a cenlab assumption. Nationalities not listed take
# names from DEFAULT_NAME_LOCALE. Only Latin-script locales, as in a passport's machine-readable
# zone.
NAME_LOCALES = {
    "NL": "nl_NL", "BE": "nl_BE", "FR": "fr_FR", "DE": "de_DE", "ES": "es_ES", "GB": "en_GB",
    "IE": "en_IE", "IT": "it_IT", "PT": "pt_PT", "PL": "pl_PL", "TR": "tr_TR", "US": "en_US",
    "CA": "en_CA", "MX": "es_MX", "CO": "es_CO", "PE": "es_ES", "BR": "pt_BR", "SR": "nl_NL",
    "CW": "nl_NL", "NG": "yo_NG", "GH": "tw_GH", "KE": "en_KE", "IN": "en_IN", "TH": "en_TH",
    "PK": "en_PK", "ZA": "zu_ZA", "RO": "ro_RO", "UA": "uk_UA", "CH": "de_CH", "AT": "de_AT",
    "DK": "da_DK", "GR": "en_US", "VN": "vi_VN", "CL": "es_CL", "AR": "es_AR", "ID": "id_ID",
}  # fmt: skip

# Source: Faker locale list; a cenlab assumption. Names of nationalities NAME_LOCALES leaves out.
DEFAULT_NAME_LOCALE = "en_US"

# Source: cenlab assumption. How a ticket is paid: the ``payment`` shares of PASSENGER_SEGMENTS
# and PASSENGER_SMUGGLING are in this order.
PAYMENTS = ("card", "corporate", "cash", "third_party")

# Source: cenlab assumption, illustrative (the legitimate travellers).
# share: of legitimate passengers; origins: column of ORIGIN_AIRPORTS, or {airport: weight};
# payment: shares in the order of PAYMENTS; lead_days, trip_days: (median, log-sd); bags: shares
# of 0, 1, 2, 3 checked bags; bag_kg: mean kg per bag; trips_12m: mean trips in the last 12
# months; age: (mean, sd, youngest); nationality: shares (reporting country, departure country),
# rest other. The last three segments are there on purpose: each shows courier indicators for
# innocent reasons, as real traffic does, so that indicators overlap with legitimate travel.
# Students and young travellers book late, pay cash or let their parents pay (third party),
# travel light and stay a few days; short family trips (a wedding, a funeral) are paid in cash
# and booked at short notice from the same countries as the couriers; small traders fly often
# with heavy bags from the markets that tobacco and khat couriers use.
PASSENGER_SEGMENTS = {
    "holiday": dict(
        share=0.47, origins=1, payment=(0.85, 0.0, 0.08, 0.07), lead_days=(40, 1.0),
        trip_days=(9, 0.6), bags=(0.05, 0.55, 0.33, 0.07), bag_kg=17, trips_12m=1.5,
        age=(42, 15, 1), nationality=(0.55, 0.35),
    ),
    "business": dict(
        share=0.22, origins=2, payment=(0.37, 0.58, 0.01, 0.04), lead_days=(6, 1.0),
        trip_days=(3, 0.6), bags=(0.6, 0.35, 0.05, 0.0), bag_kg=12, trips_12m=9.0,
        age=(44, 10, 20), nationality=(0.45, 0.35),
    ),
    "family visit": dict(
        share=0.16, origins=3, payment=(0.6, 0.0, 0.28, 0.12), lead_days=(25, 1.1),
        trip_days=(21, 0.7), bags=(0.02, 0.28, 0.45, 0.25), bag_kg=22, trips_12m=2.5,
        age=(40, 15, 1), nationality=(0.35, 0.6),
    ),
    "student": dict(
        share=0.07, origins=1, payment=(0.45, 0.0, 0.3, 0.25), lead_days=(5, 1.0),
        trip_days=(5, 0.6), bags=(0.35, 0.55, 0.1, 0.0), bag_kg=13, trips_12m=3.0,
        age=(23, 4, 17), nationality=(0.45, 0.35),
    ),
    "short family trip": dict(
        share=0.04, origins=3, payment=(0.45, 0.0, 0.4, 0.15), lead_days=(4, 1.0),
        trip_days=(5, 0.5), bags=(0.1, 0.5, 0.3, 0.1), bag_kg=19, trips_12m=2.5,
        age=(36, 13, 1), nationality=(0.35, 0.6),
    ),
    "small trader": dict(
        share=0.04, payment=(0.5, 0.0, 0.45, 0.05), lead_days=(8, 1.0),
        origins={"IST": 4, "CMN": 3, "DXB": 3, "BKK": 2, "CAI": 2, "WAW": 2, "LOS": 2, "ACC": 1,
                 "ADD": 1, "NBO": 1, "DEL": 1, "PEK": 1},
        trip_days=(4, 0.5), bags=(0.0, 0.3, 0.5, 0.2), bag_kg=23, trips_12m=7.0,
        age=(41, 11, 20), nationality=(0.4, 0.5),
    ),
}  # fmt: skip

# Source: cenlab assumption, illustrative (the planted truth: couriers, by commodity).
# Same fields as PASSENGER_SEGMENTS, plus: share of illicit passengers; origins before and after
# the route shift (airport -> weight); transit: share connecting (before, after) and the hubs they
# use after the shift; quantity: (unit, median, log-sd); concealment: shares; cover: share of
# couriers who travel exactly like a legitimate passenger of the segments in cover_as
# ({segment: weight}), so that no column reveals them (recruited "clean" couriers, a genuine
# holiday or family trip used once): only intelligence or a random check finds them.
PASSENGER_SMUGGLING = {
    "Cocaine": dict(
        share=0.5, payment=(0.25, 0.0, 0.45, 0.3), lead_days=(3, 0.8), trip_days=(4, 0.4),
        bags=(0.3, 0.55, 0.15, 0.0), bag_kg=14, trips_12m=2.5, age=(29, 8, 18),
        nationality=(0.35, 0.35),
        origins_before={"BOG": 3, "LIM": 2, "GRU": 3, "PBM": 3, "PUJ": 1, "CUR": 1.5, "PTY": 1},
        origins_after={"ACC": 3, "LOS": 3, "DSS": 2, "ABJ": 2, "ADD": 1, "BOG": 0.5, "GRU": 0.5},
        transit=(0.3, 0.6), hubs_after={"ADD": 3, "CMN": 2, "IST": 2},
        cover=0.45, cover_as={"holiday": 2, "family visit": 2, "student": 1},
        quantity=("kg", 1.2, 0.7), concealment={"In baggage": 0.6, "On the person": 0.4},
    ),
    "Cannabis": dict(
        share=0.25, payment=(0.35, 0.0, 0.4, 0.25), lead_days=(5, 0.9), trip_days=(5, 0.5),
        bags=(0.0, 0.3, 0.55, 0.15), bag_kg=22, trips_12m=2.0, age=(27, 7, 18),
        nationality=(0.7, 0.2),
        origins_before={"BKK": 4, "JFK": 2, "YYZ": 2, "MIA": 1},
        origins_after={"BKK": 4, "JFK": 2, "YYZ": 2, "MIA": 1},
        transit=(0.3, 0.3), hubs_after=None,
        cover=0.45, cover_as={"holiday": 2, "student": 1},
        quantity=("kg", 20, 0.4), concealment={"In baggage": 1.0},
    ),
    "Tobacco products": dict(
        share=0.15, payment=(0.55, 0.0, 0.4, 0.05), lead_days=(10, 0.9), trip_days=(4, 0.5),
        bags=(0.0, 0.25, 0.5, 0.25), bag_kg=21, trips_12m=6.0, age=(45, 12, 18),
        nationality=(0.5, 0.4),
        origins_before={"IST": 2, "CMN": 2, "CAI": 1, "DXB": 2, "WAW": 1},
        origins_after={"IST": 2, "CMN": 2, "CAI": 1, "DXB": 2, "WAW": 1},
        transit=(0.1, 0.1), hubs_after=None,
        cover=0.45, cover_as={"family visit": 1, "small trader": 2},
        quantity=("pieces", 6000, 0.6), concealment={"In baggage": 1.0},
    ),
    "Khat": dict(
        share=0.10, payment=(0.5, 0.0, 0.4, 0.1), lead_days=(12, 0.9), trip_days=(6, 0.5),
        bags=(0.0, 0.3, 0.5, 0.2), bag_kg=20, trips_12m=4.0, age=(38, 10, 18),
        nationality=(0.3, 0.6),
        origins_before={"ADD": 3, "NBO": 3}, origins_after={"ADD": 3, "NBO": 3},
        transit=(0.3, 0.3), hubs_after=None,
        cover=0.45, cover_as={"family visit": 2, "small trader": 1},
        quantity=("kg", 25, 0.4), concealment={"In baggage": 1.0},
    ),
}  # fmt: skip

# Source: cenlab assumption, illustrative (how advance passenger data really arrive). Share of
# passengers whose booking date is missing (tickets issued by a travel agent or a consolidator
# often carry no booking date in the reservation record), share of passengers with checked bags
# whose baggage weight is missing (not every departure system transmits it), and the sd in kg of
# the error of a recorded baggage weight (check-in scales, bags re-weighed and merged). Real
# targeting data are incomplete and noisy; a model trained on clean data over-promises.
PASSENGER_RECORD_NOISE = dict(lead_days_missing=0.08, baggage_kg_missing=0.1, baggage_kg_sd=2.0)

# Source: cenlab assumption, informed by published customs-fraud detection work on real
# declarations (e.g. the DATE model, Kim et al., KDD 2020), which finds a minority of the frauds
# at a few percent inspection, and by the overlap of risk indicators with legitimate travel.
# How hard passenger targeting should be, on make_passengers(200_000) trained on the first 60%
# of the dates and judged on the rest, at 5% inspection: a strong off-the-shelf model (gradient
# boosting on every column) finds 30% to 60% of the couriers (lift 6 to 12), a good rule profile
# (the "three of four" courier profile of risk-profiling 01) reaches a lift of 3 to 6, random
# selection 1. Why: a near-perfect model would teach that targeting is solved; these ranges keep
# the lessons visible in the trainee's own numbers (profiles decay, models help but miss, a
# share of couriers is found only by random checks or intelligence, capacity is a trade-off).
PASSENGER_DIFFICULTY = dict(
    capacity=0.05, train_share=0.6, model_lift=(6.0, 12.0), model_recall=(0.3, 0.6),
    profile_lift=(3.0, 6.0), random_lift=1.0,
)  # fmt: skip

# --- cargo, express and postal consignments ---------------------------------------------------

# Source: HS 2022 nomenclature (WCO) for the codes and descriptions; normal values per kg, typical
# cargo weights and stream mixes are a cenlab assumption, illustrative.
# chapter -> label, codes {code: (description, normal USD per kg)}, median kg of a cargo
# consignment, usual exporters {country: weight}, weight in the (Cargo, Express, Postal) mix.
HS_CHAPTERS = {
    "03": dict(label="Fish and crustaceans", cargo_kg=18000,
               codes={"030617": ("Frozen shrimps and prawns", 8.0),
                      "030389": ("Frozen fish, other", 3.5)},
               origins={"VN": 3, "IN": 3, "EC": 3, "MA": 1, "AR": 1, "NO": 1}, mix=(3, 0, 0)),
    "08": dict(label="Edible fruit and nuts", cargo_kg=20000,
               codes={"080390": ("Bananas, fresh", 0.9), "080510": ("Oranges, fresh", 1.1),
                      "080450": ("Mangoes, fresh", 2.0)},
               origins={"EC": 4, "CO": 3, "CR": 3, "PA": 1, "CI": 1, "DO": 1, "ZA": 2, "PE": 1,
                        "CL": 1, "MA": 1},
               mix=(8, 0, 0)),
    "09": dict(label="Coffee, tea and spices", cargo_kg=18000,
               codes={"090111": ("Coffee, not roasted", 5.0), "090240": ("Black tea", 4.0),
                      "090411": ("Pepper, neither crushed nor ground", 6.0)},
               origins={"BR": 4, "CO": 3, "VN": 3, "ET": 1, "KE": 1, "IN": 2, "LK": 1},
               mix=(4, 0.3, 0.5)),
    "22": dict(label="Beverages and spirits", cargo_kg=15000,
               codes={"220421": ("Wine in containers of 2 l or less", 4.5),
                      "220830": ("Whiskies", 12.0)},
               origins={"CL": 2, "ZA": 2, "AU": 1, "US": 2, "AR": 1}, mix=(3, 0.3, 0.3)),
    "24": dict(label="Tobacco", cargo_kg=8000,
               codes={"240220": ("Cigarettes containing tobacco", 30.0),
                      "240311": ("Water pipe tobacco", 15.0)},
               origins={"AE": 3, "TR": 2, "ID": 1, "IN": 1}, mix=(1, 0.2, 0.3)),
    "30": dict(label="Pharmaceutical products", cargo_kg=2000,
               codes={"300490": ("Medicaments in measured doses, other", 90.0),
                      "300420": ("Medicaments containing antibiotics", 60.0)},
               origins={"IN": 4, "CH": 3, "US": 3, "CN": 2, "IE": 1}, mix=(1.5, 2, 2)),
    "33": dict(label="Cosmetics and perfumes", cargo_kg=4000,
               codes={"330499": ("Beauty or skin-care preparations", 18.0),
                      "330300": ("Perfumes and toilet waters", 40.0)},
               origins={"KR": 3, "CN": 3, "US": 2, "JP": 1}, mix=(1, 3, 4)),
    "39": dict(label="Plastics and articles thereof", cargo_kg=12000,
               codes={"392690": ("Other articles of plastics", 3.5),
                      "392321": ("Sacks and bags of polymers of ethylene", 2.5)},
               origins={"CN": 5, "KR": 1, "US": 1, "TR": 1, "IN": 1}, mix=(6, 1, 1)),
    "40": dict(label="Rubber and tyres", cargo_kg=14000,
               codes={"401110": ("New pneumatic tyres for motor cars", 4.0)},
               origins={"CN": 4, "TH": 2, "JP": 1, "KR": 1, "IN": 1}, mix=(3, 0.2, 0.1)),
    "42": dict(label="Leather goods and handbags", cargo_kg=3000,
               codes={"420221": ("Handbags with outer surface of leather", 45.0),
                      "420292": ("Bags with outer surface of textile", 15.0)},
               origins={"CN": 5, "IT": 1, "VN": 2, "IN": 2, "HK": 1, "TR": 1}, mix=(1, 4, 4)),
    "44": dict(label="Wood and articles of wood", cargo_kg=22000,
               codes={"440710": ("Sawn coniferous wood", 0.5), "441820": ("Wooden doors", 2.5)},
               origins={"BR": 3, "CM": 1, "CA": 2, "US": 1, "CL": 2}, mix=(3, 0, 0)),
    "61": dict(label="Knitted apparel", cargo_kg=6000,
               codes={"610910": ("T-shirts of cotton, knitted", 15.0),
                      "611020": ("Jerseys and pullovers of cotton", 18.0)},
               origins={"BD": 4, "CN": 4, "TR": 2, "IN": 2, "VN": 2, "PK": 1}, mix=(6, 6, 8)),
    "62": dict(label="Woven apparel", cargo_kg=6000,
               codes={"620342": ("Men's trousers of cotton", 20.0),
                      "620462": ("Women's trousers of cotton", 20.0)},
               origins={"BD": 3, "CN": 4, "IN": 2, "PK": 2, "VN": 1, "TR": 1}, mix=(5, 5, 6)),
    "64": dict(label="Footwear", cargo_kg=5000,
               codes={"640399": ("Footwear with leather uppers, other", 25.0),
                      "640411": ("Sports footwear with textile uppers", 18.0)},
               origins={"CN": 5, "VN": 4, "ID": 2, "IN": 1, "TR": 1}, mix=(3, 5, 5)),
    "71": dict(label="Imitation jewellery", cargo_kg=500,
               codes={"711719": ("Imitation jewellery of base metal", 25.0)},
               origins={"CN": 4, "IN": 2, "TH": 1, "HK": 1}, mix=(0.3, 3, 4)),
    "84": dict(label="Machinery and computers", cargo_kg=8000,
               codes={"847130": ("Portable computers", 150.0),
                      "848180": ("Taps, cocks and valves", 20.0)},
               origins={"CN": 5, "US": 2, "JP": 1, "KR": 1, "TW": 2}, mix=(5, 3, 1)),
    "85": dict(label="Electrical equipment and phones", cargo_kg=6000,
               codes={"851713": ("Smartphones", 300.0),
                      "850760": ("Lithium-ion accumulators", 30.0),
                      "854143": ("Photovoltaic modules", 6.0)},
               origins={"CN": 6, "VN": 2, "KR": 1, "TW": 1, "MY": 1, "HK": 2, "AE": 1},
               mix=(6, 6, 6)),
    "87": dict(label="Vehicle parts and bicycles", cargo_kg=10000,
               codes={"870899": ("Parts of motor vehicles, other", 8.0),
                      "871200": ("Bicycles", 12.0)},
               origins={"CN": 3, "JP": 2, "KR": 1, "MX": 1, "US": 1, "TW": 1}, mix=(4, 1, 0.5)),
    "90": dict(label="Optical and medical instruments", cargo_kg=2000,
               codes={"901839": ("Needles, catheters and cannulae", 60.0),
                      "900490": ("Spectacles and goggles", 80.0)},
               origins={"CN": 3, "US": 2, "JP": 1, "CH": 1, "MY": 1}, mix=(1.5, 2, 2)),
    "94": dict(label="Furniture and lamps", cargo_kg=9000,
               codes={"940360": ("Wooden furniture, other", 4.0),
                      "940161": ("Upholstered seats with wooden frames", 5.0)},
               origins={"CN": 4, "VN": 3, "PL": 1, "ID": 2, "MY": 1, "TR": 1}, mix=(5, 1, 1)),
    "95": dict(label="Toys and games", cargo_kg=5000,
               codes={"950300": ("Toys, other", 8.0), "950490": ("Games, other", 10.0)},
               origins={"CN": 6, "VN": 1, "HK": 1}, mix=(4, 3, 5)),
}  # fmt: skip

# Source: cenlab assumption, illustrative. Exporters drawn when a legitimate consignment does not
# come from a usual exporter of its goods.
OTHER_ORIGINS = {
    "CN": 10, "US": 5, "TR": 3, "IN": 3, "VN": 2, "GB": 2, "JP": 1, "KR": 1, "BR": 1, "MY": 1,
    "TH": 1, "AE": 1, "MA": 1, "ZA": 1, "NA": 0.5, "SN": 0.5, "GH": 0.5, "PK": 1, "MX": 1,
}  # fmt: skip

# Source: cenlab assumption, illustrative. Streams: share of legitimate items, conveyance (with
# shares), share of private consignees, share of company consignments from a newly registered
# legitimate importer, share of company importers declaring goods outside their main trade, share
# of legitimate consignments not from a usual exporter, median kg and log-sd of weight for
# non-cargo items, log-sd of declared value around the norm, share transhipped, hubs.
STREAMS = {
    "Cargo": dict(share=0.15, conveyance={"Vessel": 0.8, "Air": 0.2}, private=0.01, new=0.1,
                  off_trade=0.25, off_origin=0.15, kg=None, value_sd=0.3, transit=0.25,
                  hubs={"MA": 2, "ES": 2, "PA": 2, "PT": 1, "MT": 1, "GR": 1, "EG": 1, "AE": 2,
                        "SG": 2, "LK": 1}),
    "Express": dict(share=0.35, conveyance={"Express courier": 1.0}, private=0.55, new=0.08,
                    off_trade=0.3, off_origin=0.2, kg=(2.5, 1.0), value_sd=0.5, transit=0.3,
                    hubs={"AE": 2, "HK": 2, "SG": 1, "TR": 1, "DE": 2}),
    "Postal": dict(share=0.5, conveyance={"Regular mail": 1.0}, private=0.9, new=0.06,
                   off_trade=0.3, off_origin=0.2, kg=(0.4, 0.8), value_sd=0.6, transit=0.2,
                   hubs={"AE": 2, "HK": 1, "SG": 1, "TR": 1}),
}  # fmt: skip

# Source: cenlab assumption, illustrative (the planted truth: smuggling, by commodity).
# share of illicit consignments; streams {stream: share}; cover: declared goods {chapter: weight};
# origins before and after the route shift; transit: share transhipped (before, after) and the
# hubs used after the shift; private: share of private consignees in express and postal; front:
# share of company importers that are new front companies; off_trade: share of front companies
# declaring goods outside their registered trade; value_ratio: (median of declared value per kg
# over the norm, log-sd); watchlist: share declared through a watch-listed declarant;
# quantity: unit and {stream: (median, log-sd)}.
CONSIGNMENT_SMUGGLING = {
    "Cocaine": dict(
        share=0.2, streams={"Cargo": 1.0}, cover={"08": 5, "09": 2, "03": 2, "44": 1, "94": 1},
        origins_before={"EC": 4, "CO": 3, "PA": 1, "CR": 2, "BR": 2},
        origins_after={"PE": 3, "CL": 2, "AR": 2, "ZA": 1, "EC": 0.5, "BR": 0.5},
        transit=(0.3, 0.6), hubs_after={"MA": 2, "TG": 2, "PT": 1}, private=0.0, front=0.45,
        off_trade=0.5, value_ratio=(0.9, 0.35), watchlist=0.3,
        quantity=("kg", {"Cargo": (60, 1.0)}),
    ),
    "Cannabis": dict(
        share=0.15, streams={"Express": 0.4, "Postal": 0.6},
        cover={"33": 1, "95": 1, "09": 1, "61": 1},
        origins_before={"US": 4, "CA": 3, "TH": 2}, origins_after={"US": 4, "CA": 3, "TH": 2},
        transit=(0.2, 0.2), hubs_after=None, private=0.8, front=0.5, off_trade=0.5,
        value_ratio=(0.6, 0.4), watchlist=0.1,
        quantity=("kg", {"Express": (1.5, 0.8), "Postal": (0.6, 0.6)}),
    ),
    "Psychotropic substances": dict(
        share=0.10, streams={"Express": 0.3, "Postal": 0.7},
        cover={"30": 1, "33": 1, "95": 1, "85": 1},
        origins_before={"CN": 4, "IN": 3}, origins_after={"CN": 4, "IN": 3},
        transit=(0.3, 0.3), hubs_after=None, private=0.85, front=0.5, off_trade=0.5,
        value_ratio=(0.55, 0.4), watchlist=0.1,
        quantity=("kg", {"Express": (0.5, 1.0), "Postal": (0.2, 1.0)}),
    ),
    "IPR products": dict(
        share=0.35, streams={"Cargo": 0.3, "Express": 0.35, "Postal": 0.35},
        cover={"42": 3, "64": 3, "61": 2, "62": 1, "71": 1, "85": 2, "33": 1, "95": 1},
        origins_before={"CN": 5, "HK": 3, "TR": 1},
        origins_after={"CN": 1, "HK": 1, "VN": 3, "TR": 3, "AE": 2},
        transit=(0.2, 0.5), hubs_after={"AE": 2, "TR": 1}, private=0.6, front=0.4, off_trade=0.5,
        value_ratio=(0.4, 0.4), watchlist=0.25,
        quantity=("pieces", {"Cargo": (8000, 1.0), "Express": (60, 1.0), "Postal": (5, 0.8)}),
    ),
    "Tobacco products": dict(
        share=0.10, streams={"Cargo": 0.8, "Postal": 0.2},
        cover={"39": 2, "94": 2, "44": 1, "24": 1},
        origins_before={"AE": 4, "TR": 2, "EG": 1, "VN": 1},
        origins_after={"AE": 4, "TR": 2, "EG": 1, "VN": 1},
        transit=(0.3, 0.3), hubs_after=None, private=0.5, front=0.5, off_trade=0.6,
        value_ratio=(0.7, 0.4), watchlist=0.3,
        quantity=("pieces", {"Cargo": (4_000_000, 0.5), "Postal": (2000, 0.6)}),
    ),
    "Medical products": dict(
        share=0.10, streams={"Express": 0.3, "Postal": 0.7}, cover={"30": 3, "33": 1},
        origins_before={"IN": 4, "CN": 3, "PK": 1}, origins_after={"IN": 4, "CN": 3, "PK": 1},
        transit=(0.3, 0.3), hubs_after=None, private=0.9, front=0.5, off_trade=0.5,
        value_ratio=(0.6, 0.4), watchlist=0.1,
        quantity=("pieces", {"Express": (400, 1.0), "Postal": (120, 0.8)}),
    ),
}  # fmt: skip

# Source: cenlab assumption, illustrative. Importer register: one established company per
# ``rows_per_company`` rows (at least 200), registration age in days (median, log-sd) of
# established, newly registered legitimate and front companies, and mean declarations in the last
# 12 months of new companies, fronts and private consignees (parcels received).
IMPORTER_HISTORY = dict(
    rows_per_company=200, established_age=(2500, 0.8), new_age=(150, 0.8), front_age=(90, 0.8),
    new_prior=0.3, front_prior=0.2, private_prior=1.5,
)  # fmt: skip

# Source: cenlab assumption, illustrative. Endings added to Faker company names.
COMPANY_SUFFIXES = (
    "Trading", "Import Export", "Logistics", "International", "Holding", "Group", "Distribution",
    "Supplies", "Global", "& Partners",
)  # fmt: skip

# Source: cenlab assumption, illustrative. Customs brokers are coded BRK001 to BRK060.
N_DECLARANTS = 60
# Source: cenlab assumption, illustrative. Vessels calling with cargo: placeholder IMO numbers
# (valid check digits), drawn per seed.
N_VESSELS = 80
# Source: cenlab assumption, illustrative. Brokers on the administration's watch list (the planted
# declarant indicator).
WATCHLIST_DECLARANTS = ("BRK017", "BRK042")
# Source: cenlab assumption, illustrative. stream -> who declares for a private consignee there;
# streams not listed (Cargo) go through a customs broker, as companies do.
OPERATOR_DECLARANTS = {"Express": "Express operator", "Postal": "Postal operator"}

# --- revenue fraud and how hard cargo targeting should be ----------------------------------------

# Source: cenlab assumption, illustrative: the offences an inspection of a declaration finds, as
# shares of the offending (illicit) consignments. Smuggling: goods that may not enter or that
# hide under cover goods (CONSIGNMENT_SMUGGLING). Undervaluation: a declared value below the true
# customs value. Misdeclaration: a declared HS code with a lower duty rate than the true one.
# Most offences found in cargo are revenue offences; customs fraud studies (e.g. the DATE model
# on real import declarations, 2020) are about undervaluation and misclassification.
OFFENCES = {"smuggling": 0.35, "undervaluation": 0.45, "misdeclaration": 0.20}

# Source: cenlab assumption, illustrative: share of each offence that no feature reveals (a drug
# load put into a legitimate importer's container without its knowledge, "rip-on/rip-off"; an
# established trader shaving 10% off its invoices; a misdeclared code whose goods are valued like
# the declared ones). Only a random or intelligence-led inspection finds these.
HIDDEN_OFFENCES = {"smuggling": 0.35, "undervaluation": 0.45, "misdeclaration": 0.35}

# Source: cenlab assumption, illustrative: MFN-like ad valorem duty rates in percent, one per HS
# chapter, of the order of the EU Common Customs Tariff for these goods, simplified (a real tariff
# sets a rate per 8- or 10-digit line and adds excise on tobacco and spirits). Not a tariff to
# apply.
DUTY_RATES = {
    "03": 12.0, "08": 8.0, "09": 3.0, "22": 10.0, "24": 40.0, "30": 0.0, "33": 4.0, "39": 6.5,
    "40": 4.5, "42": 8.0, "44": 2.0, "61": 12.0, "62": 12.0, "64": 17.0, "71": 4.0, "84": 2.0,
    "85": 2.5, "87": 6.0, "90": 3.0, "94": 2.5, "95": 1.5,
}  # fmt: skip

# Source: cenlab assumption, illustrative (the planted truth: revenue fraud). Per offence: streams
# {stream: share}; front: share of company importers that are newly registered; off_trade: share
# of established companies declaring outside their registered trade; watchlist: share declared
# through a watch-listed declarant; duty_weight: how much more a chapter is chosen per point of
# duty (undervaluation pays more on high-duty goods); value_factor: (median, log-sd) of declared
# over true value, revealed and hidden, never above ``value_cap``.
REVENUE_FRAUD = {
    "undervaluation": dict(
        streams={"Cargo": 0.45, "Express": 0.35, "Postal": 0.20}, front=0.25, off_trade=0.25,
        watchlist=0.08, duty_weight=0.15, value_factor=((0.45, 0.4), (0.85, 0.08)),
        value_cap=(0.85, 0.95),
    ),
    "misdeclaration": dict(
        streams={"Cargo": 0.7, "Express": 0.3}, front=0.2, off_trade=0.25, watchlist=0.1,
    ),
}  # fmt: skip

# Source: cenlab assumption, illustrative, after misclassifications customs audits commonly
# report (apparel as festive articles, cosmetics as medicaments, footwear as rubber or plastic
# articles). true chapter -> (weight among misdeclarations, {declared chapter: weight}); every
# declared chapter has a lower duty rate than the true one.
MISDECLARATION = {
    "61": (3, {"95": 1}), "62": (2, {"95": 1}), "64": (3, {"40": 1, "39": 1}),
    "24": (1, {"09": 1}), "42": (2, {"39": 1, "95": 1}), "33": (2, {"30": 1}),
    "87": (2, {"84": 1}), "03": (1, {"08": 1}),
}  # fmt: skip

# Source: cenlab assumption, illustrative: legitimate traffic that looks like fraud, and gaps in
# the data. company_price_sd: log-sd of an established company's price level (discount traders
# legitimately declare low unit values, year after year); missing: share of rows where the
# register gives no registration date (importer_age_days) or the transit was not recorded.
CONSIGNMENT_NOISE = dict(
    company_price_sd=0.35, missing={"importer_age_days": 0.1, "transit_country": 0.25}
)

# Source: cenlab assumption, the calibration targets of make_consignments, checked by
# tests/test_traffic_difficulty_consignments.py: 200,000 consignments, trained on the first 60% of
# declaration dates, judged on the rest, 5% inspected. A default gradient-boosting model on every
# declared column should reach a lift of 6 to 12 (detection rate 30% to 60%), a good rule profile
# a lift of 3 to 6, random selection 1. Why: published work on real declarations reports
# precision and recall well below a near-perfect model; indicators overlap with legitimate trade;
# some offences leave no trace in a declaration; and smugglers move after a profile is known.
CONSIGNMENT_DIFFICULTY = dict(
    rows=200_000, train_share=0.6, capacity=0.05, model_lift=(6.0, 12.0),
    model_recall=(0.30, 0.60), profile_lift=(3.0, 6.0), random_lift=1.0,
)  # fmt: skip

# --- commodities --------------------------------------------------------------------------------

# Source: WCO Illicit Trade Report 2025 for the sections; values per unit in USD are a cenlab
# assumption, illustrative. commodity -> (section, unit, USD per unit)
COMMODITIES = {
    "Cocaine": ("Drugs", "kg", 35_000.0),
    "Cannabis": ("Drugs", "kg", 6_000.0),
    "Psychotropic substances": ("Drugs", "kg", 20_000.0),
    "Khat": ("Drugs", "kg", 25.0),
    "Tobacco products": ("Revenue", "pieces", 0.35),
    "IPR products": ("IPR, Health and Safety", "pieces", 25.0),
    "Medical products": ("IPR, Health and Safety", "pieces", 1.5),
}

# Source: cenlab CEN record vocabulary (DESIGN notes): concealment of cargo-side seizures by stream.
STREAM_CONCEALMENT = {"Cargo": "In freight", "Express": "In express courier", "Postal": "In mail"}

# --- indicators an officer starts from ---------------------------------------------------------

# Source: cenlab assumption, illustrative: the textbook indicators of a targeting manual written
# before the route shift (its source countries are yesterday's). name -> (column, operator, value)
PASSENGER_INDICATORS = {
    "journey from a cocaine source country": (
        "departure_country", "in", ["CO", "PE", "BR", "SR", "DO", "CW", "PA", "EC", "VE", "BO"]),
    "ticket paid in cash": ("payment", "==", "cash"),
    "ticket paid by a third party": ("payment", "==", "third_party"),
    "booked 3 days or less before": ("booking_lead_days", "<=", 3),
    "short stay (4 days or less)": ("trip_days", "<=", 4),
    "no checked bag": ("bags", "==", 0),
    "heavy baggage (over 40 kg)": ("baggage_kg", ">", 40),
    "young traveller (under 30)": ("age", "<", 30),
    "connecting flight": ("transit_airport", "is not missing", None),
    "frequent traveller (8+ trips a year)": ("trips_12m", ">=", 8),
    "corporate booking": ("payment", "==", "corporate"),
}  # fmt: skip

# Source: cenlab assumption, illustrative: points a manual gives each passenger indicator.
PASSENGER_WEIGHTS = {
    "journey from a cocaine source country": 3.0, "ticket paid in cash": 2.0,
    "ticket paid by a third party": 2.0, "booked 3 days or less before": 2.0,
    "short stay (4 days or less)": 1.0, "no checked bag": 1.0, "heavy baggage (over 40 kg)": 1.0,
    "young traveller (under 30)": 1.0, "connecting flight": 0.5,
    "frequent traveller (8+ trips a year)": -2.0, "corporate booking": -3.0,
}  # fmt: skip

# Source: cenlab assumption, illustrative: consignment indicators from a targeting manual written
# before the route shift. name -> (column, operator, value)
CONSIGNMENT_INDICATORS = {
    "first-time importer": ("importer_prior_declarations", "==", 0),
    "company registered less than 6 months ago": ("importer_age_days", "<", 180),
    "goods outside the importer's trade": ("trade_mismatch", "==", True),
    "origin not a usual exporter of the goods": ("unusual_origin", "==", True),
    "declared value under half the norm": ("value_ratio", "<", 0.5),
    "from a cocaine source country": ("origin_country", "in", ["EC", "CO", "PA", "CR", "BR"]),
    "from a counterfeit hotspot": ("origin_country", "in", ["CN", "HK"]),
    "transhipped": ("transit_country", "is not missing", None),
    "private consignee": ("importer_type", "==", "private"),
    "watch-listed declarant": ("declarant", "in", list(WATCHLIST_DECLARANTS)),
}

# Source: cenlab assumption, illustrative: points a manual gives each consignment indicator.
CONSIGNMENT_WEIGHTS = {
    "first-time importer": 2.0, "company registered less than 6 months ago": 1.0,
    "goods outside the importer's trade": 2.0, "origin not a usual exporter of the goods": 1.0,
    "declared value under half the norm": 2.0, "from a cocaine source country": 2.0,
    "from a counterfeit hotspot": 1.0, "transhipped": 0.5, "private consignee": 0.5,
    "watch-listed declarant": 2.0,
}  # fmt: skip

# Source: cenlab assumption. Plain-English labels used when a profile is read aloud.
COLUMN_LABELS = {
    "departure_country": "country where the journey began",
    "transit_airport": "connecting airport", "transit_country": "transit country",
    "payment": "ticket payment", "booking_lead_days": "days between booking and departure",
    "trip_days": "trip length in days", "bags": "number of checked bags",
    "baggage_kg": "checked baggage weight (kg)", "trips_12m": "trips in the last 12 months",
    "importer_prior_declarations": "importer's declarations in the last 12 months",
    "importer_age_days": "days since the importer registered",
    "trade_mismatch": "goods outside the importer's trade",
    "unusual_origin": "origin not a usual exporter of the goods",
    "value_ratio": "declared value per kg relative to the norm",
    "origin_country": "country of origin", "importer_type": "consignee type",
}  # fmt: skip


# The rule profiles the courses and exercises teach, as data: ``cenlab.risk.Profile(name,
# **PROFILE)`` builds one. Source: the planted indicators above; risk-profiling 01's model answer
# (at least three of four courier indicators) and a front-company profile for cargo.
COURIER_PROFILE = {
    "any_of": [
        ("payment", "in", ["cash", "third_party"]),
        ("booking_lead_days", "<=", 3),
        ("trip_days", "<=", 5),
        ("age", "<", 30),
    ],
    "at_least": 3,
}
# Source: the planted consignment indicators above (new importer, off-trade goods, unusual
# origin, low value per kg, watch-listed declarant, the cocaine routes before and after the shift).
FRONT_COMPANY_PROFILE = {
    "any_of": [
        ("importer_prior_declarations", "<=", 1),
        ("trade_mismatch", "==", True),
        ("unusual_origin", "==", True),
        ("value_ratio", "<", 0.5),
        ("declarant", "in", list(WATCHLIST_DECLARANTS)),
        ("importer_age_days", "<", 365),
        ("origin_country", "in", ["EC", "CO", "PA", "CR", "BR", "PE", "CL", "AR", "ZA"]),
        ("transit_country", "in", ["MA", "TG", "PT", "AE", "TR"]),
    ],
    "at_least": 3,
}
