"""A money transaction's `kind` as the bank's own text, in its country's language, as
Kontomatik passes it on (`PRZELEW PRZYCHODZĄCY` in the captured default import)."""

from __future__ import annotations

# The kind's neutral name, from the fake bank's category of the transaction and its sign.
OF_CATEGORY = {
    "card": "card",
    "groceries": "card",
    "cash": "cash",
    "fees": "fee",
    "interest": "interest",
    "loan": "loan",
}

WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "card": "PŁATNOŚĆ KARTĄ",
        "cash": "WYPŁATA Z BANKOMATU",
        "fee": "OPŁATA",
        "interest": "KAPITALIZACJA ODSETEK",
        "loan": "SPŁATA KREDYTU",
        "in": "PRZELEW PRZYCHODZĄCY",
        "out": "PRZELEW WYCHODZĄCY",
    },
    "de": {
        "card": "KARTENZAHLUNG",
        "cash": "BARGELDAUSZAHLUNG",
        "fee": "ENTGELT",
        "interest": "ZINSEN",
        "loan": "DARLEHENSTILGUNG",
        "in": "GUTSCHRIFT",
        "out": "ÜBERWEISUNG",
    },
    "fr": {
        "card": "PAIEMENT CARTE",
        "cash": "RETRAIT DAB",
        "fee": "FRAIS BANCAIRES",
        "interest": "INTÉRÊTS",
        "loan": "ÉCHÉANCE PRÊT",
        "in": "VIREMENT REÇU",
        "out": "VIREMENT ÉMIS",
    },
    "es": {
        "card": "PAGO CON TARJETA",
        "cash": "RETIRADA DE EFECTIVO",
        "fee": "COMISIÓN",
        "interest": "INTERESES",
        "loan": "CUOTA PRÉSTAMO",
        "in": "TRANSFERENCIA RECIBIDA",
        "out": "TRANSFERENCIA EMITIDA",
    },
    "it": {
        "card": "PAGAMENTO CARTA",
        "cash": "PRELIEVO BANCOMAT",
        "fee": "COMMISSIONI",
        "interest": "INTERESSI",
        "loan": "RATA MUTUO",
        "in": "BONIFICO IN ENTRATA",
        "out": "BONIFICO IN USCITA",
    },
    "nl": {
        "card": "BETAALAUTOMAAT",
        "cash": "GELDAUTOMAAT",
        "fee": "KOSTEN",
        "interest": "RENTE",
        "loan": "AFLOSSING LENING",
        "in": "BIJSCHRIJVING",
        "out": "OVERBOEKING",
    },
    "en": {
        "card": "CARD PAYMENT",
        "cash": "CASH WITHDRAWAL",
        "fee": "BANK FEE",
        "interest": "INTEREST",
        "loan": "LOAN REPAYMENT",
        "in": "INCOMING TRANSFER",
        "out": "TRANSFER",
    },
}


def kind(category: str | None, incoming: bool, country: str) -> str:
    """The bank's text for a transaction; English for a country without words here."""
    words = WORDS.get(country.lower(), WORDS["en"])
    return words[OF_CATEGORY.get(category or "", "in" if incoming else "out")]
