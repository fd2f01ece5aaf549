"""What statements say, per bank country: Faker locale, language, and the bank's own phrases.

A German account reads "Kartenzahlung" and "Gehalt 01/2026", a Polish one "Płatność kartą":
the phrases are data here so profiles stay language-free.
"""

from __future__ import annotations

from sandbox.scenario.model import AccountType

# fmt: off
LOCALES = {
    "DE": "de_DE", "FR": "fr_FR", "PL": "pl_PL", "ES": "es_ES", "IT": "it_IT", "NL": "nl_NL",
    "GB": "en_GB", "AT": "de_AT", "BE": "nl_BE", "CH": "de_CH",
}
# fmt: on
FALLBACK_LOCALE = "en_GB"


def locale(country: str) -> str:
    """The Faker locale of a bank country (en_GB when the sandbox has none for it)."""
    return LOCALES.get(country, FALLBACK_LOCALE)


def language(country: str) -> str:
    """The statement language: the locale's language when phrases exist for it, else English."""
    lang = locale(country)[:2]
    return lang if lang in PHRASES else "en"


# {period} is "MM/YYYY"; {ref} an invoice number; {name} a party; {city} a city.
# fmt: off
PHRASES: dict[str, dict[str, str]] = {
    "de": {
        "card": "Kartenzahlung", "salary": "Gehalt {period}", "pension": "Rente {period}",
        "rent": "Miete {period}", "debit": "Lastschrift {name}", "cash": "Bargeldauszahlung",
        "atm": "Geldautomat {city}", "to_savings": "Umbuchung auf Sparkonto",
        "from_savings": "Umbuchung vom Sparkonto", "from_checking": "Sparrate",
        "to_checking": "Umbuchung auf Girokonto", "to_own": "Übertrag auf eigenes Konto",
        "from_own": "Übertrag von eigenem Konto", "interest": "Zinsgutschrift",
        "card_repayment": "Ausgleich Kreditkartenabrechnung",
        "card_statement": "Kreditkartenabrechnung {period}",
        "card_fee": "Jahresgebühr Kreditkarte", "account_fee": "Kontoführungsgebühr {period}",
        "instalment": "Darlehensrate {period}", "loan_interest": "Darlehenszinsen {period}",
        "payout": "Darlehensauszahlung", "invoice": "Rechnung {ref}",
        "tax": "Einkommensteuer-Vorauszahlung {period}", "vat": "Umsatzsteuer {period}",
        "wages": "Lohn {period}", "settlement": "Auszahlung {name}",
        "allowance": "Unterhalt {period}", "job": "Lohn Minijob {period}",
        "tuition": "Semesterbeitrag", "donation": "Spende", "premium": "Beitrag {period}",
        "supplier": "Rechnung {ref}",
        "overdraft_interest": "Überziehungszinsen {period}",
        "overdraft_fee": "Entgelt Kontoüberziehung {period}",
        "debt": "Ratenzahlung Forderung {ref}",
    },
    "fr": {
        "card": "Paiement par carte", "salary": "Salaire {period}",
        "pension": "Pension retraite {period}", "rent": "Loyer {period}",
        "debit": "Prélèvement {name}", "cash": "Retrait DAB", "atm": "DAB {city}",
        "to_savings": "Virement vers livret", "from_savings": "Virement depuis livret",
        "from_checking": "Virement permanent épargne",
        "to_checking": "Virement vers compte courant",
        "to_own": "Virement vers compte personnel", "from_own": "Virement de compte personnel",
        "interest": "Intérêts créditeurs", "card_repayment": "Remboursement carte",
        "card_statement": "Relevé carte {period}", "card_fee": "Cotisation annuelle carte",
        "account_fee": "Frais de tenue de compte {period}", "instalment": "Échéance prêt {period}",
        "loan_interest": "Intérêts du prêt {period}", "payout": "Déblocage du prêt",
        "invoice": "Facture {ref}", "tax": "Acompte impôt {period}", "vat": "TVA {period}",
        "wages": "Salaire {period}", "settlement": "Versement {name}",
        "allowance": "Virement mensuel {period}", "job": "Salaire job étudiant {period}",
        "tuition": "Frais d'inscription", "donation": "Don", "premium": "Cotisation {period}",
        "supplier": "Facture {ref}",
        "overdraft_interest": "Intérêts débiteurs {period}",
        "overdraft_fee": "Commission d'intervention {period}",
        "debt": "Règlement dossier {ref}",
    },
    "pl": {
        "card": "Płatność kartą", "salary": "Wynagrodzenie {period}",
        "pension": "Emerytura {period}", "rent": "Czynsz {period}",
        "debit": "Polecenie zapłaty {name}", "cash": "Wypłata z bankomatu",
        "atm": "Bankomat {city}", "to_savings": "Przelew na konto oszczędnościowe",
        "from_savings": "Przelew z konta oszczędnościowego",
        "from_checking": "Przelew oszczędności",
        "to_checking": "Przelew na konto osobiste", "to_own": "Przelew własny",
        "from_own": "Przelew własny", "interest": "Kapitalizacja odsetek",
        "card_repayment": "Spłata karty kredytowej", "card_statement": "Spłata karty {period}",
        "card_fee": "Opłata roczna za kartę",
        "account_fee": "Opłata za prowadzenie rachunku {period}",
        "instalment": "Rata kredytu {period}", "loan_interest": "Odsetki od kredytu {period}",
        "payout": "Wypłata kredytu", "invoice": "Faktura {ref}",
        "tax": "Zaliczka PIT {period}", "vat": "VAT {period}",
        "wages": "Wynagrodzenie {period}", "settlement": "Wypłata {name}",
        "allowance": "Kieszonkowe {period}", "job": "Umowa zlecenie {period}",
        "tuition": "Opłata za studia", "donation": "Darowizna", "premium": "Składka {period}",
        "supplier": "Faktura {ref}",
        "overdraft_interest": "Odsetki od debetu {period}",
        "overdraft_fee": "Opłata za przekroczenie salda {period}",
        "debt": "Spłata zadłużenia {ref}",
    },
    "es": {
        "card": "Pago con tarjeta", "salary": "Nómina {period}", "pension": "Pensión {period}",
        "rent": "Alquiler {period}", "debit": "Recibo {name}", "cash": "Reintegro cajero",
        "atm": "Cajero {city}", "to_savings": "Traspaso a cuenta ahorro",
        "from_savings": "Traspaso desde cuenta ahorro", "from_checking": "Aportación ahorro",
        "to_checking": "Traspaso a cuenta corriente", "to_own": "Traspaso a cuenta propia",
        "from_own": "Traspaso de cuenta propia", "interest": "Liquidación intereses",
        "card_repayment": "Pago tarjeta de crédito",
        "card_statement": "Liquidación tarjeta {period}",
        "card_fee": "Cuota anual tarjeta", "account_fee": "Comisión mantenimiento {period}",
        "instalment": "Cuota préstamo {period}", "loan_interest": "Intereses préstamo {period}",
        "payout": "Disposición préstamo", "invoice": "Factura {ref}",
        "tax": "Modelo 130 {period}", "vat": "Modelo 303 IVA {period}",
        "wages": "Nómina {period}", "settlement": "Abono {name}",
        "allowance": "Transferencia mensual {period}", "job": "Nómina {period}",
        "tuition": "Matrícula", "donation": "Donativo", "premium": "Prima {period}",
        "supplier": "Factura {ref}",
        "overdraft_interest": "Intereses descubierto {period}",
        "overdraft_fee": "Comisión descubierto {period}",
        "debt": "Pago deuda expediente {ref}",
    },
    "it": {
        "card": "Pagamento con carta", "salary": "Stipendio {period}",
        "pension": "Pensione {period}", "rent": "Affitto {period}", "debit": "Addebito SDD {name}",
        "cash": "Prelievo bancomat", "atm": "Bancomat {city}",
        "to_savings": "Giroconto a conto deposito", "from_savings": "Giroconto da conto deposito",
        "from_checking": "Accantonamento", "to_checking": "Giroconto a conto corrente",
        "to_own": "Giroconto", "from_own": "Giroconto", "interest": "Interessi creditori",
        "card_repayment": "Addebito estratto conto carta",
        "card_statement": "Carta di credito {period}",
        "card_fee": "Canone annuo carta", "account_fee": "Canone conto {period}",
        "instalment": "Rata mutuo {period}", "loan_interest": "Interessi mutuo {period}",
        "payout": "Erogazione mutuo", "invoice": "Fattura {ref}", "tax": "F24 IRPEF {period}",
        "vat": "F24 IVA {period}", "wages": "Stipendio {period}", "settlement": "Accredito {name}",
        "allowance": "Bonifico mensile {period}", "job": "Compenso {period}",
        "tuition": "Tasse universitarie", "donation": "Donazione", "premium": "Premio {period}",
        "supplier": "Fattura {ref}",
        "overdraft_interest": "Interessi debitori {period}",
        "overdraft_fee": "Commissione sconfinamento {period}",
        "debt": "Rata piano di rientro {ref}",
    },
    "nl": {
        "card": "Betaalpas", "salary": "Salaris {period}", "pension": "AOW {period}",
        "rent": "Huur {period}", "debit": "Incasso {name}", "cash": "Geldopname",
        "atm": "Geldautomaat {city}", "to_savings": "Naar spaarrekening",
        "from_savings": "Van spaarrekening", "from_checking": "Van betaalrekening",
        "to_checking": "Naar betaalrekening", "to_own": "Naar eigen rekening",
        "from_own": "Van eigen rekening",
        "interest": "Rente", "card_repayment": "Aflossing creditcard",
        "card_statement": "Creditcard {period}", "card_fee": "Jaarlijkse bijdrage creditcard",
        "account_fee": "Kosten betaalpakket {period}", "instalment": "Aflossing lening {period}",
        "loan_interest": "Rente lening {period}", "payout": "Uitbetaling lening",
        "invoice": "Factuur {ref}", "tax": "Voorlopige aanslag {period}", "vat": "Btw {period}",
        "wages": "Salaris {period}", "settlement": "Uitbetaling {name}",
        "allowance": "Maandelijkse bijdrage {period}", "job": "Loon bijbaan {period}",
        "tuition": "Collegegeld", "donation": "Gift", "premium": "Premie {period}",
        "supplier": "Factuur {ref}",
        "overdraft_interest": "Debetrente {period}",
        "overdraft_fee": "Kosten roodstand {period}",
        "debt": "Betaling dossier {ref}",
    },
    "en": {
        "card": "Card payment", "salary": "Salary {period}", "pension": "Pension {period}",
        "rent": "Rent {period}", "debit": "Direct debit {name}", "cash": "Cash withdrawal",
        "atm": "ATM {city}",
        "to_savings": "Transfer to savings", "from_savings": "Transfer from savings",
        "from_checking": "Transfer from current account",
        "to_checking": "Transfer to current account",
        "to_own": "Transfer to own account", "from_own": "Transfer from own account",
        "interest": "Interest paid", "card_repayment": "Payment received, thank you",
        "card_statement": "Credit card statement {period}", "card_fee": "Annual card fee",
        "account_fee": "Account fee {period}", "instalment": "Loan repayment {period}",
        "loan_interest": "Loan interest {period}", "payout": "Loan drawdown",
        "invoice": "Invoice {ref}", "tax": "Self Assessment {period}", "vat": "VAT return {period}",
        "wages": "Wages {period}", "settlement": "{name} payout",
        "allowance": "Monthly allowance {period}", "job": "Wages {period}",
        "tuition": "Tuition fee", "donation": "Donation", "premium": "Premium {period}",
        "supplier": "Invoice {ref}",
        "overdraft_interest": "Overdraft interest {period}",
        "overdraft_fee": "Unarranged overdraft fee {period}",
        "debt": "Repayment account {ref}",
    },
}
# fmt: on

# fmt: off
ACCOUNT_NAMES: dict[str, dict[AccountType, str]] = {
    "de": {AccountType.CHECKING: "Girokonto", AccountType.SAVINGS: "Tagesgeld",
           AccountType.CREDIT_CARD: "Kreditkarte", AccountType.LOAN: "Ratenkredit",
           AccountType.DEPOSIT: "Festgeld", AccountType.INVESTMENT: "Depot"},
    "fr": {AccountType.CHECKING: "Compte courant", AccountType.SAVINGS: "Livret A",
           AccountType.CREDIT_CARD: "Carte de crédit", AccountType.LOAN: "Prêt personnel",
           AccountType.DEPOSIT: "Compte à terme", AccountType.INVESTMENT: "Compte-titres"},
    "pl": {AccountType.CHECKING: "Konto osobiste", AccountType.SAVINGS: "Konto oszczędnościowe",
           AccountType.CREDIT_CARD: "Karta kredytowa", AccountType.LOAN: "Kredyt gotówkowy",
           AccountType.DEPOSIT: "Lokata", AccountType.INVESTMENT: "Rachunek inwestycyjny"},
    "es": {AccountType.CHECKING: "Cuenta corriente", AccountType.SAVINGS: "Cuenta de ahorro",
           AccountType.CREDIT_CARD: "Tarjeta de crédito", AccountType.LOAN: "Préstamo personal",
           AccountType.DEPOSIT: "Depósito a plazo", AccountType.INVESTMENT: "Cuenta de valores"},
    "it": {AccountType.CHECKING: "Conto corrente", AccountType.SAVINGS: "Conto deposito",
           AccountType.CREDIT_CARD: "Carta di credito", AccountType.LOAN: "Prestito personale",
           AccountType.DEPOSIT: "Deposito vincolato", AccountType.INVESTMENT: "Conto titoli"},
    "nl": {AccountType.CHECKING: "Betaalrekening", AccountType.SAVINGS: "Spaarrekening",
           AccountType.CREDIT_CARD: "Creditcard", AccountType.LOAN: "Persoonlijke lening",
           AccountType.DEPOSIT: "Deposito", AccountType.INVESTMENT: "Beleggingsrekening"},
    "en": {AccountType.CHECKING: "Current account", AccountType.SAVINGS: "Savings account",
           AccountType.CREDIT_CARD: "Credit card", AccountType.LOAN: "Personal loan",
           AccountType.DEPOSIT: "Fixed deposit", AccountType.INVESTMENT: "Investment account"},
}
# fmt: on


def phrases(country: str) -> dict[str, str]:
    return PHRASES[language(country)]


def account_name(country: str, account_type: AccountType) -> str:
    return ACCOUNT_NAMES[language(country)][account_type]
