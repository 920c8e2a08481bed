"""The nCEN nominal layer: who is named in a case, in which role, and how conveyances are numbered.

Every figure here is a cenlab assumption for training, chosen to be plausible, not drawn from any
real nCEN database (no real person or case enters this project). The mean number of persons per
case and the concealments that name a company live in `cenlab.reference.commodities`. Data only:
no logic here.
"""

# Source: cenlab assumption. Concealments that put a person with the goods (a courier carrying
# them, a driver hiding them in the vehicle): such cases name more persons than mail or freight.
PERSON_CONCEALMENTS = ("In baggage", "On the person", "In transport")

# Source: cenlab assumption. Relative number of persons named in a case: ``with_goods`` when the
# concealment is one of PERSON_CONCEALMENTS, ``other`` otherwise; ``mean`` is their average over
# the ITR concealment mix, divided out so that the mean stays PERSONS_PER_CASE.
PERSONS_FACTOR = {"with_goods": 1.4, "other": 0.6, "mean": 0.9}

# Source: cenlab assumption. Where a person's nationality comes from: the departure country of
# the goods, the reporting country, or any country (relative weights).
NATIONALITY_SOURCE = {"departure": 0.5, "reporting": 0.4, "elsewhere": 0.1}

# Source: cenlab assumption (most couriers recorded in seizure cases are men). Share of persons
# recorded as male; the rest are recorded as female.
MALE_SHARE = 0.72

# Source: cenlab assumption. Age of a person on the day of the seizure, in whole years: at
# least ``min``, below ``max``.
PERSON_AGE_YEARS = {"min": 18, "max": 70}

# Source: cenlab assumption; the roles are the schema's code list. Role of a person in the case
# -> relative weight.
PERSON_ROLES = {"Courier": 45, "Owner": 20, "Organiser": 5, "Recipient": 25, "Driver": 5}

# Source: cenlab assumption; the roles are the schema's code list. Role of a company in the case
# -> relative weight.
COMPANY_ROLES = {"Importer": 50, "Exporter": 25, "Carrier": 15, "Consignee": 10}

# Source: cenlab assumption, illustrative placeholders (an IMO number is "IMO" and seven digits,
# here always starting with 9). Conveyance kind recorded in nCEN -> identifier format: a prefix,
# random capitals, random digits. Kinds not listed (Pedestrian, Regular mail, ...) record no
# conveyance. The order is the order of the draws.
CONVEYANCE_IDENTIFIERS = {
    "Air": {"prefix": "FL", "letters": 0, "digits": 4},
    "Vessel": {"prefix": "IMO 9", "letters": 0, "digits": 6},
    "Rail": {"prefix": "TR", "letters": 0, "digits": 5},
    "Vehicle": {"prefix": "PL-", "letters": 3, "digits": 4},
}

# Source: cenlab assumption, illustrative: not any country's real format. Document numbers of
# persons and companies -> random capitals then random digits.
DOCUMENT_NUMBERS = {
    "passport_number": {"letters": 2, "digits": 7},
    "registration_number": {"letters": 3, "digits": 8},
}
