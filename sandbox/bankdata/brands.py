"""Real-world brand names per country: supermarkets, utilities, insurers, public payers.

Faker has no supermarkets or energy companies, and a statement without "REWE" or "Biedronka"
does not look like a German or Polish one. These tables name only the chain; Faker adds the
city and invents the local shops, landlords and employers (see `merchants.py`). A country
missing here gets Faker-made names instead.
"""

from __future__ import annotations

# fmt: off
GROCERIES = {
    "DE": ("REWE", "EDEKA", "Lidl", "ALDI SÜD", "Kaufland", "Netto Marken-Discount", "PENNY"),
    "AT": ("BILLA", "SPAR", "HOFER", "Lidl", "PENNY", "MPREIS"),
    "CH": ("Migros", "Coop", "Denner", "Aldi Suisse", "Lidl", "Volg"),
    "FR": ("Carrefour", "E.Leclerc", "Intermarché", "Auchan", "Monoprix", "Lidl", "Franprix"),
    "BE": ("Delhaize", "Colruyt", "Carrefour", "Aldi", "Lidl", "Albert Heijn"),
    "PL": ("Biedronka", "Lidl", "Żabka", "Kaufland", "Auchan", "Carrefour", "Dino"),
    "ES": ("Mercadona", "Carrefour", "Lidl", "DIA", "Alcampo", "Eroski", "Consum"),
    "IT": ("Esselunga", "Conad", "Coop", "Carrefour", "Lidl", "Eurospin", "Pam"),
    "NL": ("Albert Heijn", "Jumbo", "Lidl", "Aldi", "PLUS", "Dirk"),
    "GB": ("Tesco", "Sainsbury's", "Asda", "Morrisons", "Aldi", "Lidl", "Co-op", "Waitrose"),
}

ENERGY = {
    "DE": ("Stadtwerke {city}", "E.ON Energie Deutschland", "Vattenfall Europe Sales", "EnBW"),
    "AT": ("Wien Energie", "EVN Energievertrieb", "Verbund", "Energie Steiermark"),
    "CH": ("ewz", "BKW Energie", "Groupe E", "Industrielle Werke Basel"),
    "FR": ("EDF", "Engie", "TotalEnergies Électricité et Gaz"),
    "BE": ("Engie Electrabel", "Luminus", "TotalEnergies Power & Gas Belgium"),
    "PL": ("PGE Obrót", "Tauron Sprzedaż", "Enea", "PGNiG Obrót Detaliczny"),
    "ES": ("Iberdrola Clientes", "Endesa Energía", "Naturgy", "Repsol Electricidad y Gas"),
    "IT": ("Enel Energia", "Eni Plenitude", "A2A Energia", "Hera Comm"),
    "NL": ("Eneco", "Vattenfall", "Essent", "Budget Energie"),
    "GB": ("British Gas", "Octopus Energy", "EDF Energy", "E.ON Next"),
}

TELECOM = {
    "DE": ("Telekom Deutschland", "Vodafone", "Telefónica Germany (O2)", "1&1"),
    "AT": ("A1 Telekom Austria", "Magenta Telekom", "Drei"),
    "CH": ("Swisscom", "Sunrise", "Salt Mobile"),
    "FR": ("Orange", "SFR", "Bouygues Telecom", "Free Mobile"),
    "BE": ("Proximus", "Telenet", "Orange Belgium"),
    "PL": ("Orange Polska", "Play", "Plus", "T-Mobile Polska"),
    "ES": ("Movistar", "Vodafone España", "Orange Espagne", "MásMóvil"),
    "IT": ("TIM", "Vodafone Italia", "WindTre", "Iliad Italia"),
    "NL": ("KPN", "Ziggo", "Odido"),
    "GB": ("BT", "Vodafone", "EE", "Virgin Media"),
}

WATER = {
    "DE": "Wasserversorgung {city}", "AT": "Wiener Wasser", "FR": "Veolia Eau",
    "BE": "De Watergroep", "PL": "Wodociągi {city}", "ES": "Canal de Isabel II",
    "IT": "Acea ATO 2", "NL": "Vitens", "GB": "Thames Water", "CH": "Wasserversorgung {city}",
}

INSURERS = {
    "DE": ("Allianz", "HUK-COBURG", "ERGO", "AXA", "Techniker Krankenkasse", "AOK"),
    "AT": ("Wiener Städtische", "UNIQA", "Allianz", "ÖGK"),
    "CH": ("CSS", "Helsana", "SWICA", "AXA", "Mobiliar"),
    "FR": ("AXA", "MAIF", "Groupama", "MACIF", "Harmonie Mutuelle"),
    "BE": ("AG Insurance", "Ethias", "KBC Verzekeringen", "CM Mutualité Chrétienne"),
    "PL": ("PZU", "Warta", "Allianz Polska", "Link4"),
    "ES": ("Mapfre", "Mutua Madrileña", "AXA Seguros", "Sanitas"),
    "IT": ("Generali", "UnipolSai", "Allianz", "Reale Mutua"),
    "NL": ("Centraal Beheer", "Zilveren Kruis", "CZ", "Interpolis"),
    "GB": ("Aviva", "Direct Line", "Admiral", "AXA UK", "Bupa"),
}

TAX_OFFICE = {
    "DE": "Finanzamt {city}", "AT": "Finanzamt Österreich", "CH": "Steuerverwaltung {city}",
    "FR": "DGFIP", "BE": "FOD Financiën", "PL": "Urząd Skarbowy {city}",
    "ES": "Agencia Tributaria", "IT": "Agenzia delle Entrate", "NL": "Belastingdienst",
    "GB": "HMRC",
}

PENSION_PAYER = {
    "DE": "Deutsche Rentenversicherung", "AT": "Pensionsversicherungsanstalt",
    "CH": "AHV Ausgleichskasse", "FR": "CNAV Assurance retraite",
    "BE": "Federale Pensioendienst", "PL": "ZUS", "ES": "INSS Seguridad Social", "IT": "INPS",
    "NL": "SVB", "GB": "DWP State Pension",
}

UNIVERSITY = {
    "de": "Universität {city}", "fr": "Université de {city}", "pl": "Uniwersytet {city}",
    "es": "Universidad de {city}", "it": "Università di {city}", "nl": "Universiteit {city}",
    "en": "University of {city}",
}

TRANSPORT = {
    "DE": ("Aral", "Shell", "DB Fernverkehr", "Deutsche Bahn"),
    "AT": ("OMV", "ÖBB Personenverkehr", "Wiener Linien"),
    "CH": ("SBB CFF FFS", "Migrol", "ZVV"),
    "FR": ("TotalEnergies", "SNCF Voyageurs", "RATP"),
    "BE": ("Q8", "SNCB/NMBS", "STIB-MIVB"),
    "PL": ("Orlen", "PKP Intercity", "Jakdojade"),
    "ES": ("Repsol", "Cepsa", "Renfe"),
    "IT": ("Eni Station", "Trenitalia", "Q8"),
    "NL": ("Shell", "NS", "Tango"),
    "GB": ("Shell", "BP", "TfL Travel", "Trainline"),
}

# The fuel station chains among TRANSPORT's brands (the others are railways and city transit).
FUEL = frozenset(
    ("Aral", "Shell", "OMV", "Migrol", "TotalEnergies", "Q8", "Orlen", "Repsol", "Cepsa",
     "Eni Station", "Tango", "BP")
)

ONLINE = {
    "DE": ("Amazon.de", "Zalando", "Otto", "eBay", "IKEA"),
    "AT": ("Amazon.de", "Zalando", "willhaben", "IKEA"),
    "CH": ("Galaxus", "Digitec", "Zalando", "IKEA"),
    "FR": ("Amazon.fr", "Cdiscount", "Fnac", "Vinted", "IKEA"),
    "BE": ("bol.com", "Zalando", "Coolblue", "IKEA"),
    "PL": ("Allegro", "Amazon.pl", "Zalando", "IKEA"),
    "ES": ("Amazon.es", "El Corte Inglés", "Zara", "IKEA"),
    "IT": ("Amazon.it", "Zalando", "Subito", "IKEA"),
    "NL": ("bol.com", "Coolblue", "Zalando", "IKEA"),
    "GB": ("Amazon.co.uk", "ASOS", "Argos", "eBay", "IKEA"),
}

GYMS = {
    "DE": "McFit", "AT": "FitInn", "CH": "Migros Fitness", "FR": "Basic-Fit", "BE": "Basic-Fit",
    "PL": "Zdrofit", "ES": "Basic-Fit", "IT": "McFit", "NL": "Basic-Fit", "GB": "PureGym",
}

# Prices in euro cents; converted to the account currency and rounded like a price.
SUBSCRIPTIONS = (
    ("Netflix", 1399), ("Spotify", 1099), ("Disney+", 999), ("Amazon Prime", 899),
    ("Apple iCloud", 299), ("YouTube Premium", 1299), ("Google One", 199), ("Audible", 995),
)
SOFTWARE = (
    ("Adobe Creative Cloud", 6645), ("Microsoft 365", 1270), ("Google Workspace", 680),
    ("Dropbox", 1199), ("Slack", 725), ("Zoom", 1399), ("GitHub", 400), ("JetBrains", 2490),
)
ACQUIRERS = ("SumUp", "Stripe", "Adyen", "PayPal", "Worldline")
GLOBAL_FOOD = ("McDonald's", "Starbucks", "Burger King", "KFC", "Subway")
TRAVEL = ("Booking.com", "Airbnb", "Ryanair", "easyJet", "Lufthansa", "Hilton", "Marriott")
CHARITIES = ("UNICEF", "Médecins Sans Frontières", "WWF", "Red Cross", "Amnesty International")

GAMBLING = {
    "DE": ("Tipico", "bet365", "Lotto24", "Westlotto", "bwin", "Merkur Spielothek"),
    "AT": ("Tipico", "bet365", "win2day", "Admiral Sportwetten", "bwin"),
    "CH": ("Swisslos", "Loterie Romande", "Grand Casino Baden", "bet365"),
    "FR": ("FDJ", "Betclic", "Winamax", "PMU", "Unibet", "Parions Sport"),
    "BE": ("Loterie Nationale", "Napoleon Sports & Casino", "Ladbrokes", "Unibet"),
    "PL": ("STS", "Fortuna Online", "Superbet", "Betclic", "Totalizator Sportowy Lotto"),
    "ES": ("bet365", "Codere", "Loterías y Apuestas del Estado", "Sportium", "Bwin"),
    "IT": ("Sisal", "Snai", "Lottomatica", "bet365", "Eurobet"),
    "NL": ("Holland Casino", "Nederlandse Loterij", "TOTO", "Unibet", "bet365"),
    "GB": ("bet365", "William Hill", "Paddy Power", "Sky Bet", "The National Lottery"),
}

DEBT_COLLECTORS = {
    "DE": ("EOS KSI Inkasso", "Intrum Deutschland", "Lowell Inkasso", "Creditreform Inkasso"),
    "AT": ("Intrum Austria", "EOS Österreich", "KSV1870 Inkasso"),
    "CH": ("Intrum AG", "EOS Schweiz", "Lowell Schweiz"),
    "FR": ("Intrum France", "EOS France", "iQera", "Cabot Financial France"),
    "BE": ("Intrum Belgium", "EOS Contentia", "Fiducre"),
    "PL": ("KRUK", "Intrum Polska", "EOS KSI Polska", "Best S.A."),
    "ES": ("Intrum España", "Lindorff", "EOS Spain", "Axactor"),
    "IT": ("Intrum Italy", "doValue", "Kruk Italia", "Hoist Finance"),
    "NL": ("Intrum Nederland", "Lowell Nederland", "EOS Nederland", "Flanderijn"),
    "GB": ("Lowell", "Cabot Financial", "Intrum UK", "PRA Group"),
}

# Local shop formats per statement language; {n} is a Faker surname, {city} a Faker city.
EATERIES = {
    "de": ("Bäckerei {n}", "Gasthaus {n}", "Café {n}", "Pizzeria {n}", "Imbiss {n}"),
    "fr": ("Boulangerie {n}", "Brasserie {n}", "Café {n}", "Restaurant {n}", "Pizzeria {n}"),
    "pl": ("Piekarnia {n}", "Restauracja {n}", "Kawiarnia {n}", "Pizzeria {n}", "Bar {n}"),
    "es": ("Panadería {n}", "Bar {n}", "Restaurante {n}", "Cafetería {n}", "Pizzería {n}"),
    "it": ("Panificio {n}", "Trattoria {n}", "Bar {n}", "Pizzeria {n}", "Ristorante {n}"),
    "nl": ("Bakkerij {n}", "Eetcafé {n}", "Restaurant {n}", "Pizzeria {n}", "Snackbar {n}"),
    "en": ("{n}'s Bakery", "The {n} Arms", "{n} Café", "{n} Kitchen", "Pizza {n}"),
}
PHARMACIES = {
    "de": "{city} Apotheke", "fr": "Pharmacie {n}", "pl": "Apteka {n}", "es": "Farmacia {n}",
    "it": "Farmacia {n}", "nl": "Apotheek {n}", "en": "{n} Pharmacy",
}
# fmt: on
