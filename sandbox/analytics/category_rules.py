"""The categoriser's word tables: real-world brands, institutions and statement words in German,
French, Polish, Spanish, Italian, Dutch and English, each naming what a payment to or from
them is.

A keyword matches whole words of the lower-cased, accent-free text of an entry (counterparty
name and description); a `*` at either end lets it run on into a longer word there
("*gebuhr" matches "kontofuhrungsgebuhr", "lotto*" matches "lottomatica"). A number of two
digits or more reads as 0 (see `categories.words`), so no keyword is such a number alone. A
rule gives the category of a credit and of a debit (None: the rule says nothing about that
direction). Rules are in priority order: when several match one entry, the first rule wins,
so specific phrases come before the words they contain ("pension alimentaire" before
"pension").
"""

from __future__ import annotations

from typing import NamedTuple

from sandbox.categories import Category as C


class Rule(NamedTuple):
    credit: C | None
    debit: C | None
    keywords: tuple[str, ...]


# fmt: off
RULES: tuple[Rule, ...] = (
    Rule(C.DEBT_COLLECTION, C.DEBT_COLLECTION, (
        "kruk", "intrum", "eos", "eos ksi", "lowell", "creditreform", "infoscore", "inkasso*",
        "ksv1870", "iqera", "cabot financial", "recouvrement", "windykac*", "best s.a.",
        "lindorff", "axactor", "dovalue", "hoist finance", "pra group", "flanderijn",
        "fiducre", "contentia", "debt collection", "recupero crediti", "gestoria de cobro",
    )),
    Rule(C.GAMBLING, C.GAMBLING, (
        "tipico", "bet365", "bwin", "lotto*", "westlotto", "lotterie*", "lottery", "loterie*",
        "loteria*", "lotteria", "loterij", "casino*", "kasyno", "spielothek", "spielbank",
        "sportwetten", "win2day", "swisslos", "fdj", "francaise des jeux", "betclic", "winamax",
        "pmu", "unibet", "parions sport", "ladbrokes", "sts", "fortuna online", "superbet",
        "totalizator sportowy", "zaklady bukmacherskie", "bukmacher*", "codere", "sportium",
        "apuestas", "sisal", "snai", "eurobet", "scommesse", "toto", "william hill",
        "paddy power", "sky bet", "pokerstars", "poker*", "betfair", "napoleon sports",
        "admiral sportwetten", "national lottery",
    )),
    Rule(C.ALIMONY, C.ALIMONY, (
        "unterhalt*", "kindesunterhalt", "pension alimentaire", "alimenty", "alimentow",
        "pension alimenticia", "assegno di mantenimento", "alimentatie", "child maintenance",
        "alimony", "maintenance payment",
    )),
    # Benefits paid by a pension institution (Poland's 800+ by ZUS) are welfare.
    Rule(C.WELFARE, None, (
        "familienkasse", "kindergeld", "elterngeld", "wohngeld", "burgergeld", "jobcenter",
        "arbeitslosengeld", "bundesagentur fur arbeit", "caf", "allocations familiales",
        "allocation familiale", "france travail", "pole emploi", "prestations familiales",
        "rodzina 800", "rodzina 500", "swiadczenie*", "zasilek*", "sepe", "prestacion*",
        "assegno unico", "uwv", "kinderbijslag", "zorgtoeslag", "huurtoeslag", "toeslagen",
        "child benefit", "universal credit", "jobseeker",
    )),
    Rule(C.PENSION, C.TAXES, (
        "deutsche rentenversicherung", "rentenversicherung", "drv bund",
        "pensionsversicherungsanstalt", "ahv", "ausgleichskasse", "cnav", "assurance retraite",
        "carsat", "agirc", "arrco", "federale pensioendienst", "zus", "krus", "inss", "inps",
        "svb", "aow", "state pension", "dwp state pension",
    )),
    Rule(C.TAXES, C.TAXES, (
        "finanzamt", "steuerverwaltung", "*steuer", "steuer*", "dgfip", "impots.gouv",
        "impot*", "tresor public", "urzad skarbowy", "zaliczka pit", "pit", "cit", "vat",
        "agencia tributaria", "aeat", "modelo 130", "modelo 303", "agenzia delle entrate",
        "f24", "irpef", "belastingdienst", "voorlopige aanslag", "btw", "hmrc",
        "self assessment", "fod financien", "tva", "iva",
    )),
    Rule(C.PENSION, None, (
        "rente", "altersrente", "retraite", "emerytur*", "renta", "pension", "pensione",
        "pensioen",
    )),
    Rule(C.EDUCATION, C.EDUCATION, (
        "universitat", "universite", "uniwersytet", "universidad", "universita", "universiteit",
        "university", "hochschule", "semesterbeitrag", "studiengebuhr*", "frais d'inscription",
        "frais de scolarite", "oplata za studia", "czesne", "matricula", "tasse universitarie",
        "collegegeld", "tuition", "school fees",
    )),
    # Before wages: a client's name may hold a word for them (Dutch "Loon").
    Rule(C.INVOICE_PAYMENT, C.SUPPLIERS, (
        "rechnung", "re-nr", "facture", "faktura", "fv", "factura", "fattura", "factuur",
        "invoice", "sumup", "stripe", "adyen", "worldline", "zettle", "square payments",
    )),
    Rule(C.SALARY, C.PAYROLL, (
        "gehalt", "lohn", "bezuge", "salaire", "paie", "wynagrodzenie", "pensja",
        "umowa zlecenie", "nomina", "stipendio", "compenso", "salaris", "loon", "wages",
        "salary", "payroll", "minijob",
    )),
    Rule(None, C.RENT, (
        "miete", "kaltmiete", "warmmiete", "loyer", "czynsz", "najem", "alquiler", "affitto",
        "huur", "rent",
    )),
    Rule(C.LOAN_REPAYMENT, C.LOAN_REPAYMENT, (
        "darlehensrate", "kreditrate", "tilgung", "echeance pret", "remboursement pret",
        "rata kredytu", "rata pozyczki", "cuota prestamo", "cuota hipoteca", "rata mutuo",
        "rata prestito", "aflossing lening", "hypotheek", "loan repayment", "mortgage payment",
    )),
    Rule(C.CASH_DEPOSIT, C.CASH_WITHDRAWAL, (
        "geldautomat", "bargeldauszahlung", "bargeld", "retrait dab", "dab", "gab",
        "retrait especes", "bankomat", "wyplata z bankomatu", "cajero", "reintegro",
        "bancomat", "prelievo", "geldautomaat", "geldopname", "atm", "cash withdrawal",
    )),
    Rule(C.CASH_DEPOSIT, None, (
        "bareinzahlung", "versement especes", "wplata gotowki", "wplatomat", "ingreso efectivo",
        "versamento contanti", "storting contant", "cash deposit",
    )),
    Rule(C.INTEREST, C.FEES, (
        "zinsen", "*zinsen", "zinsgutschrift", "sollzins*", "interets", "interets crediteurs",
        "interets debiteurs", "odsetki", "kapitalizacja odsetek", "intereses", "interessi",
        "debetrente", "interest", "overdraft interest",
    )),
    Rule(None, C.FEES, (
        "*gebuhr", "gebuhr*", "entgelt", "kontofuhrung*", "uberziehung*", "frais",
        "commission", "cotisation annuelle", "cotisation carte", "oplata", "prowizja",
        "comision", "cuota anual", "commissione", "canone", "kosten", "jaarlijkse bijdrage",
        "fee", "fees", "charge", "overdraft",
    )),
    # A payment provider's payout is takings; paying through it is shopping.
    Rule(C.INVOICE_PAYMENT, C.SHOPPING, ("paypal", "klarna")),
    Rule(C.REFUND, C.SUBSCRIPTIONS, (
        "netflix", "spotify", "disney+", "amazon prime", "prime video", "apple icloud", "icloud",
        "apple.com/bill", "apple music", "youtube premium", "google one", "audible", "deezer",
        "dazn", "sky deutschland", "canal plus", "canalplus", "hbo max", "adobe", "microsoft",
        "google workspace", "dropbox", "slack", "zoom", "github", "jetbrains", "openai",
        "chatgpt", "mcfit", "fitinn", "migros fitness", "basic-fit", "zdrofit", "puregym",
        "fitness*", "urban sports", "gym", "xbox", "playstation",
    )),
    Rule(C.REFUND, C.INSURANCE, (
        "allianz", "huk-coburg", "huk24", "ergo", "axa", "techniker krankenkasse", "aok",
        "barmer", "dak", "krankenkasse", "*versicherung", "versicherung*",
        "wiener stadtische", "uniqa", "ogk", "css", "helsana", "swica", "mobiliar", "maif",
        "groupama", "macif", "matmut", "harmonie mutuelle", "mutuelle", "assurance*",
        "ag insurance", "ethias", "kbc verzekeringen", "mutualite chretienne", "pzu", "warta",
        "link4", "ubezpiecz*", "mapfre", "mutua madrilena", "axa seguros", "sanitas",
        "seguro*", "generali", "unipolsai", "reale mutua", "assicurazion*",
        "centraal beheer", "zilveren kruis", "cz", "interpolis", "verzekering*", "aviva",
        "direct line", "admiral", "bupa", "insurance",
    )),
    Rule(C.REFUND, C.GROCERIES, (
        "betaalpas plus",  # the Dutch supermarket, not the Polish telecom
    )),
    Rule(C.REFUND, C.UTILITIES, (
        "stadtwerke", "e.on", "vattenfall", "enbw", "wien energie", "evn", "verbund",
        "energie steiermark", "ewz", "bkw", "groupe e", "industrielle werke", "edf", "engie",
        "totalenergies electricite", "electrabel", "luminus", "totalenergies power", "pge",
        "tauron", "enea", "pgnig", "iberdrola", "endesa", "naturgy", "repsol electricidad",
        "enel", "eni plenitude", "a2a", "hera comm", "eneco", "essent", "budget energie",
        "british gas", "octopus energy", "edf energy", "e.on next", "telekom", "vodafone",
        "telefonica", "o2", "1&1", "a1 telekom", "magenta", "drei", "swisscom", "sunrise",
        "salt mobile", "orange", "sfr", "bouygues", "free mobile", "proximus", "telenet",
        "play", "plus", "t-mobile", "movistar", "masmovil", "tim", "windtre", "iliad", "kpn",
        "ziggo", "odido", "bt", "ee", "virgin media", "wasserversorgung", "wiener wasser",
        "veolia", "watergroep", "wodociagi", "canal de isabel", "acea", "vitens",
        "thames water", "strom", "stromversorgung", "gasversorgung", "electricite",
        "energia", "water",
    )),
    Rule(C.REFUND, C.DONATIONS, (
        "unicef", "medecins sans frontieres", "arzte ohne grenzen", "wwf", "red cross",
        "rotes kreuz", "croix-rouge", "czerwony krzyz", "cruz roja", "croce rossa",
        "rode kruis", "amnesty*", "caritas", "oxfam", "spende", "don", "darowizna", "donativo",
        "donazione", "gift", "donation",
    )),
    Rule(C.REFUND, C.TRAVEL, (
        "booking.com", "airbnb", "ryanair", "easyjet", "lufthansa", "hilton", "marriott",
        "expedia", "air france", "klm", "wizz air", "eurowings", "vueling", "iberia", "accor",
        "ibis", "hotel*",
    )),
    Rule(C.REFUND, C.FUEL, (
        "aral", "shell", "omv", "migrol", "totalenergies", "total", "q8", "orlen", "lotos",
        "repsol", "cepsa", "eni station", "tango", "bp", "esso", "jet", "circle k", "agip",
        "tankstelle", "station-service",
    )),
    Rule(C.REFUND, C.TRANSPORT, (
        "db fernverkehr", "deutsche bahn", "db", "obb", "wiener linien", "sbb", "sbb cff ffs",
        "zvv", "sncf*", "ratp", "sncb", "nmbs", "stib", "pkp*", "intercity", "jakdojade",
        "renfe", "trenitalia", "italo", "ns", "tfl*", "trainline", "uber", "bolt", "free now",
        "bvg", "mvv", "hvv", "taxi", "navigo",
    )),
    Rule(C.REFUND, C.HEALTH, (
        "apotheke", "*apotheke", "pharmacie", "apteka", "farmacia", "apotheek", "pharmacy",
        "arzt", "zahnarzt", "medecin", "lekarz", "doctolib", "dentist",
    )),
    Rule(C.REFUND, C.RESTAURANTS, (
        "restaurant", "restauracja", "restaurante", "ristorante", "pizzeria", "pizza",
        "cafe", "kawiarnia", "cafeteria", "bar", "backerei", "boulangerie", "piekarnia",
        "panaderia", "panificio", "bakkerij", "bakery", "gasthaus", "imbiss", "brasserie",
        "trattoria", "eetcafe", "snackbar", "kitchen", "arms", "mcdonald's", "starbucks",
        "burger king", "kfc", "subway", "lieferando", "uber eats", "deliveroo", "just eat",
        "glovo", "pyszne.pl", "wolt", "thuisbezorgd", "domino's", "vapiano", "nordsee",
        "greggs", "pret a manger", "costa coffee", "telepizza",
    )),
    # A Spanish cooperative (S.Coop.) is no Coop supermarket.
    Rule(C.REFUND, C.SHOPPING, ("s coop",)),
    Rule(C.REFUND, C.GROCERIES, (
        "rewe", "edeka", "lidl", "aldi", "aldi sud", "kaufland", "netto", "penny", "billa",
        "spar", "hofer", "mpreis", "migros", "coop", "denner", "volg", "carrefour",
        "e.leclerc", "leclerc", "intermarche", "auchan", "monoprix", "franprix", "super u",
        "delhaize", "colruyt", "albert heijn", "biedronka", "zabka", "dino", "lewiatan",
        "stokrotka", "mercadona", "dia", "alcampo", "eroski", "consum", "esselunga", "conad",
        "eurospin", "pam", "jumbo", "dirk", "tesco", "sainsbury's", "asda", "morrisons",
        "co-op", "waitrose", "supermarkt", "supermarche", "supermercado", "supermercato",
    )),
    Rule(C.REFUND, C.SHOPPING, (
        "amazon*", "zalando", "otto", "ebay", "ikea", "willhaben", "galaxus", "digitec",
        "cdiscount", "fnac", "vinted", "bol.com", "coolblue", "allegro", "el corte ingles",
        "zara", "subito", "asos", "argos", "mediamarkt", "saturn", "h&m", "decathlon",
        "primark", "rossmann", "dm", "douglas", "empik", "temu", "aliexpress", "shein",
    )),
    # Last: a card payment at a shop none of the rules knows is shopping.
    Rule(None, C.SHOPPING, (
        "kartenzahlung", "kartenumsatz", "girocard", "paiement par carte", "paiement cb",
        "carte bancaire", "platnosc karta", "transakcja karta", "pago con tarjeta",
        "compra con tarjeta", "pagamento con carta", "pagamento pos", "betaalpas",
        "pinbetaling", "card payment", "debit card", "pos purchase",
    )),
)

# A company's legal form: a name carrying one is no relative of the owner.
COMPANY_WORDS = frozenset((
    "gmbh", "ag", "kg", "kgaa", "ohg", "gbr", "e.v.", "e.g.", "sa", "s.a.", "sarl",
    "s.a.r.l.", "sas", "sp.", "z", "o.o.", "sp.j.", "s.c.", "s.l.", "s.coop.", "s.a.t.", "spa",
    "s.r.l.", "srl", "nv", "bv", "b.v.", "n.v.", "ltd", "plc", "inc", "llc", "group", "co.",
))
# fmt: on
