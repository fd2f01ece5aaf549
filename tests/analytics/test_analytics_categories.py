"""The categoriser reads what a statement shows, in German, French, Polish, English and more,
and gives every entry exactly one category."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.analytics.categories import categorise
from sandbox.analytics.ledger import Ledger, LedgerAccount, LedgerEntry
from sandbox.categories import Category

TODAY = date(2026, 6, 30)
CHECKING = LedgerAccount(1, "EUR", "checking", 150_000, iban="DE89370400440532013000")
SAVINGS = LedgerAccount(2, "EUR", "savings", 900_000, iban="DE02120300000000202051")
LOAN = LedgerAccount(3, "EUR", "loan", -1_200_000, iban="DE12500105170648489890")
CARD = LedgerAccount(4, "EUR", "credit_card", -40_000)


def ledger(
    *rows: tuple[int, str, str | None, str | None] | tuple[int, str, str | None, str | None, int],
    owner: str | None = "Anna Keller",
    accounts: tuple[LedgerAccount, ...] = (CHECKING,),
) -> Ledger:
    """Entries from (amount in cents, description, counterparty name, counterparty IBAN[,
    account id]), one a day from 1 June."""
    entries = tuple(
        LedgerEntry(
            id=n,
            account_id=row[4] if len(row) > 4 else 1,
            booked_on=date(2026, 6, 1) + timedelta(days=n % 28),
            amount_minor=row[0],
            currency="EUR",
            description=row[1],
            counterparty_name=row[2],
            counterparty_iban=row[3],
        )
        for n, row in enumerate(rows)
    )
    return Ledger(accounts, entries, TODAY, owner)


def categories_of(book: Ledger) -> list[Category]:
    found = categorise(book)
    return [found[e.id] for e in book.entries]


def test_a_german_statement_is_sorted_into_its_categories():
    book = ledger(
        (320_000, "Gehalt 05/2026", "Hansen Logistik GmbH", "DE44500105175407324931"),
        (-95_000, "Miete 06/2026", "Wohnbau Nord eG", "DE75512108001245126199"),
        (-4_312, "Kartenzahlung REWE Hamburg", "REWE", None),
        (-2_150, "Kartenzahlung Aral Tankstelle", "Aral", None),
        (-6_990, "Lastschrift Telekom Deutschland", "Telekom Deutschland", "DE11"),
        (-20_000, "Geldautomat Hamburg Altona", None, None),
        (-890, "Kontoführungsgebühr 06/2026", "Sparkasse", None),
        (-45_000, "Einkommensteuer-Vorauszahlung", "Finanzamt Hamburg", "DE22"),
        (25_000, "Kindergeld", "Familienkasse Nord", "DE33"),
        (-3_500, "Lastschrift Tipico", "Tipico", None),
    )
    assert categories_of(book) == [
        Category.SALARY,
        Category.RENT,
        Category.GROCERIES,
        Category.FUEL,
        Category.UTILITIES,
        Category.CASH_WITHDRAWAL,
        Category.FEES,
        Category.TAXES,
        Category.WELFARE,
        Category.GAMBLING,
    ]


def test_a_french_statement_is_sorted_into_its_categories():
    book = ledger(
        (210_000, "Salaire juin", "Société Lyonnaise SA", "FR7630006000011234567890189"),
        (-78_000, "Loyer juin", "Cabinet Martin", "FR7630004000031234567890143"),
        (-2_340, "Paiement par carte Carrefour Lyon", "Carrefour", None),
        (-6_000, "Retrait DAB Lyon Part-Dieu", None, None),
        (-1_999, "Prélèvement EDF", "EDF", "FR14"),
        (-12_000, "Prélèvement DGFiP impôt sur le revenu", "DGFIP", "FR15"),
        (18_000, "Pension alimentaire", "Julien Bernard", "FR16"),
        (132_000, "Virement CAF allocations familiales", "CAF du Rhône", "FR17"),
        (-900, "Frais de tenue de compte", "Banque Lumière", None),
        (95_000, "Retraite complémentaire", "CNAV Assurance retraite", "FR18"),
    )
    assert categories_of(book) == [
        Category.SALARY,
        Category.RENT,
        Category.GROCERIES,
        Category.CASH_WITHDRAWAL,
        Category.UTILITIES,
        Category.TAXES,
        Category.ALIMONY,
        Category.WELFARE,
        Category.FEES,
        Category.PENSION,
    ]


def test_a_polish_statement_is_sorted_into_its_categories():
    book = ledger(
        (650_000, "Wynagrodzenie za maj", "Kowalski Sp. z o.o.", "PL61109010140000071219812874"),
        (
            -180_000,
            "Czynsz za czerwiec",
            "Spółdzielnia Mieszkaniowa",
            "PL27114020040000300201355387",
        ),
        (-4_599, "Płatność kartą Biedronka Warszawa", "Biedronka", None),
        (-20_000, "Wypłata z bankomatu", "Bankomat Warszawa", None),
        (80_000, "Świadczenie wychowawcze 800+", "ZUS", "PL10"),
        (-35_000, "Spłata zadłużenia", "KRUK S.A.", "PL11"),
        (-1_500, "Opłata za kartę", "Bank Wiślany", None),
        (-60_000, "Zaliczka PIT-5", "Urząd Skarbowy Warszawa", "PL12"),
        (-5_000, "Płatność kartą STS zakłady", "STS", None),
        (-12_000, "Faktura FV/2026/06/11", "Hurtownia Nowak", "PL13"),
    )
    assert categories_of(book) == [
        Category.SALARY,
        Category.RENT,
        Category.GROCERIES,
        Category.CASH_WITHDRAWAL,
        Category.WELFARE,
        Category.DEBT_COLLECTION,
        Category.FEES,
        Category.TAXES,
        Category.GAMBLING,
        Category.SUPPLIERS,
    ]


def test_an_english_statement_is_sorted_into_its_categories():
    book = ledger(
        (280_000, "Salary June", "Acme Widgets Ltd", "GB29NWBK60161331926819"),
        (-1_099, "Direct debit Netflix", "Netflix", "GB30"),
        (-2_450, "Card payment Tesco Leeds", "Tesco", None),
        (-4_200, "Card payment The Crown Kitchen", "The Crown Kitchen", None),
        (-9_800, "Card payment Trainline", "Trainline", None),
        (-15_000, "Repayment to Lowell", "Lowell", "GB31"),
        (-3_100, "Direct debit Aviva", "Aviva", "GB32"),
        (150_000, "Invoice 2026-014", "Bright Ideas Ltd", "GB33"),
        (-2_000, "Donation", "Oxfam", "GB34"),
        (-8_000, "Card payment Boots Pharmacy", "Boots Pharmacy", None),
    )
    assert categories_of(book) == [
        Category.SALARY,
        Category.SUBSCRIPTIONS,
        Category.GROCERIES,
        Category.RESTAURANTS,
        Category.TRANSPORT,
        Category.DEBT_COLLECTION,
        Category.INSURANCE,
        Category.INVOICE_PAYMENT,
        Category.DONATIONS,
        Category.HEALTH,
    ]


def test_words_are_matched_without_their_accents_and_case():
    book = ledger(
        (-2_000, "KARTENZAHLUNG BAECKEREI", "BACKEREI SCHMIDT", None),
        (-2_000, "paiement par carte PHARMACIE du centre", None, None),
        (-2_000, "PLATNOSC KARTA ZABKA", "ZABKA", None),
    )
    assert categories_of(book) == [Category.RESTAURANTS, Category.HEALTH, Category.GROCERIES]


def test_a_card_payment_at_a_shop_no_rule_knows_is_shopping_and_a_transfer_to_a_person_is_a_transfer():
    book = ledger(
        (-5_999, "Kartenzahlung Weber & Söhne Bremen", "Weber & Söhne", None),
        (-10_000, "Geburtstag", "Jonas Brandt", "DE55"),
        (7_500, "Danke für gestern", "Lea Vogt", "DE56"),
        (-1_000, "Sonstiges", None, None),
    )
    assert categories_of(book) == [
        Category.SHOPPING,
        Category.TRANSFER,
        Category.TRANSFER,
        Category.OTHER,
    ]


def test_transfers_to_own_accounts_are_own_transfers_and_into_a_loan_repayments():
    book = ledger(
        (-50_000, "Umbuchung auf Tagesgeld", "Anna Keller", SAVINGS.iban, 1),
        (50_000, "Umbuchung vom Girokonto", "Anna Keller", CHECKING.iban, 2),
        (-45_000, "Darlehensrate 06/2026", "Anna Keller", LOAN.iban, 1),
        (45_000, "Darlehensrate 06/2026", "Anna Keller", CHECKING.iban, 3),
        (-3_200, "Darlehenszinsen 06/2026", "Nordlicht Sparbank", None, 3),
        (-30_000, "Kreditkartenabrechnung 05/2026", "Anna Keller", None, 1),
        (30_000, "Ausgleich Kreditkartenabrechnung", "Anna Keller", None, 4),
        (-10_000, "An mich selbst", "ANNA  KELLER", "DE99999999999999999999", 1),
        (420, "Zinsgutschrift", "Nordlicht Sparbank", None, 2),
    )
    book = Ledger((CHECKING, SAVINGS, LOAN, CARD), book.entries, TODAY, "Anna Keller")
    assert categories_of(book) == [
        Category.OWN_TRANSFER,
        Category.OWN_TRANSFER,
        Category.LOAN_REPAYMENT,
        Category.LOAN_REPAYMENT,
        Category.FEES,
        Category.OWN_TRANSFER,
        Category.OWN_TRANSFER,
        Category.OWN_TRANSFER,
        Category.INTEREST,
    ]


def test_a_relative_sending_unterhalt_is_a_transfer_but_an_ex_partner_s_is_alimony():
    book = ledger(
        (40_000, "Unterhalt 06/2026", "Peter Keller", "DE60"),
        (40_000, "Unterhalt 06/2026", "Markus Brandt", "DE61"),
    )
    assert categories_of(book) == [Category.TRANSFER, Category.ALIMONY]


def _monthly(amounts: list[int], days: list[int], name: str, text: str) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            id=100 + n,
            account_id=1,
            booked_on=date(2026, 1 + n, day),
            amount_minor=amount,
            currency="EUR",
            description=text,
            counterparty_name=name,
            counterparty_iban="DE70",
        )
        for n, (amount, day) in enumerate(zip(amounts, days, strict=True))
    ]


def test_a_payer_paying_each_month_around_the_same_day_similar_amounts_is_a_salary():
    monthly = _monthly(
        [241_000, 241_000, 243_500, 241_000, 239_900],
        [28, 27, 30, 28, 29],
        "Nordwind Handels KG",
        "Überweisung",
    )
    book = Ledger((CHECKING,), tuple(monthly), TODAY, "Anna Keller")
    assert set(categories_of(book)) == {Category.SALARY}


def test_payments_of_varying_size_or_day_from_one_payer_are_no_salary():
    sizes = _monthly([50_000, 210_000, 80_000, 150_000], [3, 4, 3, 5], "Kunde AG", "Zahlung")
    days = _monthly([80_000, 80_000, 80_000, 80_000], [2, 20, 11, 27], "Kunde AG", "Zahlung")
    for entries in (sizes, days):
        book = Ledger((CHECKING,), tuple(entries), TODAY, "Anna Keller")
        assert set(categories_of(book)) == {Category.TRANSFER}


def test_a_pension_paid_monthly_stays_a_pension():
    monthly = _monthly([140_000] * 4, [30, 27, 31, 30], "Deutsche Rentenversicherung", "Rente 2026")
    book = Ledger((CHECKING,), tuple(monthly), TODAY, "Anna Keller")
    assert set(categories_of(book)) == {Category.PENSION}


TEXTS = [
    "Gehalt",
    "Miete",
    "Kartenzahlung REWE",
    "Paiement par carte Carrefour",
    "Płatność kartą Żabka",
    "Card payment Tesco",
    "Überweisung",
    "Geldautomat",
    "Zinsgutschrift",
    "",
]
NAMES = [None, "Anna Keller", "Peter Keller", "Finanzamt Köln", "REWE", "Lowell", "Jan Nowak"]
IBANS = [None, CHECKING.iban, SAVINGS.iban, LOAN.iban, "DE70"]

entries = st.lists(
    st.builds(
        lambda amount, day, text, name, iban, account: (amount, day, text, name, iban, account),
        st.integers(-500_000, 500_000).filter(bool),
        st.integers(0, 364),
        st.sampled_from(TEXTS) | st.text(max_size=30),
        st.sampled_from(NAMES) | st.text(max_size=20),
        st.sampled_from(IBANS),
        st.sampled_from([1, 2, 3, 4]),
    ),
    max_size=60,
)


def _ledger(rows: list[tuple]) -> Ledger:
    made = tuple(
        LedgerEntry(
            id=n,
            account_id=account,
            booked_on=date(2025, 7, 1) + timedelta(days=day),
            amount_minor=amount,
            currency="EUR",
            description=text,
            counterparty_name=name,
            counterparty_iban=iban,
        )
        for n, (amount, day, text, name, iban, account) in enumerate(rows)
    )
    return Ledger((CHECKING, SAVINGS, LOAN, CARD), made, TODAY, "Anna Keller")


@settings(max_examples=150, deadline=None)
@given(rows=entries)
def test_every_entry_gets_exactly_one_category(rows):
    book = _ledger(rows)
    found = categorise(book)
    assert sorted(found) == sorted(e.id for e in book.entries)
    assert all(isinstance(c, Category) for c in found.values())


@settings(max_examples=150, deadline=None)
@given(rows=entries, data=st.data())
def test_the_categories_do_not_depend_on_the_entries_order(rows, data):
    book = _ledger(rows)
    shuffled = data.draw(st.permutations(book.entries))
    again = Ledger(book.accounts, tuple(shuffled), book.today, book.owner_name)
    assert categorise(again) == categorise(book)


def test_spanish_italian_and_dutch_statements_are_sorted_too():
    book = ledger(
        (190_000, "Nómina junio", "Talleres Ruiz S.L.", "ES9121000418450200051332"),
        (-3_120, "Pago con tarjeta Mercadona Valencia", "Mercadona", None),
        (-1_800, "Pagamento con carta Trattoria da Gino", "Trattoria da Gino", None),
        (-25_000, "F24 IRPEF", "Agenzia delle Entrate", "IT60X0542811101000000123456"),
        (-9_500, "Huur juni", "Woonstichting Delft", "NL91ABNA0417164300"),
        (-4_000, "Geldopname Delft", None, None),
    )
    assert categories_of(book) == [
        Category.SALARY,
        Category.GROCERIES,
        Category.RESTAURANTS,
        Category.TAXES,
        Category.RENT,
        Category.CASH_WITHDRAWAL,
    ]


def test_a_payment_provider_s_payout_is_takings_and_paying_through_it_is_shopping():
    book = ledger(
        (84_000, "Auszahlung SumUp", "SumUp", "DE80"),
        (12_000, "Auszahlung PayPal", "PayPal", "DE81"),
        (-2_999, "Lastschrift PayPal", "PayPal", "DE81"),
    )
    assert categories_of(book) == [
        Category.INVOICE_PAYMENT,
        Category.INVOICE_PAYMENT,
        Category.SHOPPING,
    ]


def test_a_salary_over_years_with_raises_and_a_yearly_bonus_stays_a_salary():
    pay = []
    for n in range(36):
        year, month = 2023 + n // 12, 1 + n % 12
        amount = 250_000 + 7_500 * (n // 12)
        pay.append((date(year, month, 27), amount))
        if month == 12:
            pay.append((date(year, month, 15), 300_000))
    monthly = tuple(
        LedgerEntry(n, 1, day, amount, "EUR", "Überweisung", "Nordwind Handels KG", "DE70")
        for n, (day, amount) in enumerate(pay)
    )
    book = Ledger((CHECKING,), monthly, date(2025, 12, 31), "Anna Keller")
    assert set(categories_of(book)) == {Category.SALARY}
