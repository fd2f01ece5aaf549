"""What each profile's month looks like: its regular payments, its spending, its balance terms.

A profile is data, drawn once per account from the account's own seed: who pays the salary and
how much, the rent and the landlord, which subscriptions, how often the owner buys groceries and
where. `months.py` turns that into one month of transactions. Amounts are written in euro cents
and converted with `currency.factor`, so they stay plausible in every currency.

Each profile also has a balance model (`habits.MODELS`): how its month-end balance moves over
the years (see `balances.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import TypeVar

from sandbox.bankdata import currency as money
from sandbox.bankdata.habits import LAST_DAY, Basket, Habits, Recurring, Setting, Terms
from sandbox.bankdata.merchants import Party
from sandbox.categories import Category
from sandbox.scenario.model import Profile

T = TypeVar("T")


class _Draw:
    """Amount helpers bound to one account's generator and currency."""

    def __init__(self, rng: Random, currency: str) -> None:
        self.rng = rng
        self.currency = currency
        self.factor = money.factor(currency)

    def cents(self, low: int, high: int) -> int:
        """A uniform amount between two euro-cent bounds, in the account's minor units."""
        return int((low + (high - low) * self.rng.random()) * self.factor)

    def round(self, low: int, high: int, step: float) -> int:
        return money.nice(self.cents(low, high), self.currency, step)

    def price(self, euro_cents: int) -> int:
        return money.price(int(euro_cents * self.factor), self.currency)

    def step(self, euros: float) -> int:
        return money.nice(0, self.currency, euros)

    def pick(self, items: tuple[T, ...]) -> T:
        return items[self.rng.randrange(len(items))]

    def some(self, items: tuple[T, ...], low: int, high: int) -> list[T]:
        return self.rng.sample(items, min(len(items), self.rng.randint(low, high)))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def build(profile: Profile, setting: Setting, rng: Random) -> tuple[Habits, Terms]:
    """The habits and balance terms of an account with this profile."""
    return _BUILDERS[profile](setting, _Draw(rng, setting.currency))


# --- everyday spending, shared by the private profiles ------------------------------------


def _everyday(s: Setting, d: _Draw, scale: float = 1.0, busy: int = 0) -> list[Basket]:
    """Groceries, eating out, shops, online, transport, pharmacy, cash: a household's month."""
    p = s.pool

    def c(euro_cents: int) -> int:
        return int(euro_cents * scale * d.factor)

    favourites = tuple(d.some(p.groceries, 2, 3))
    groceries = favourites * 4 + p.groceries  # most shopping happens in two or three stores
    return [
        Basket(
            groceries, 6 + busy, 12 + busy, c(700), c(9000), "groceries", Category.GROCERIES, lag=2
        ),
        Basket(p.eateries, 1, 7, c(350), c(4500), "card", Category.RESTAURANTS, lag=2),
        Basket(p.food_chains, -1, 3, c(450), c(1600), "card", Category.RESTAURANTS, lag=1),
        Basket(p.shops, 0, 3, c(1500), c(12000), "card", Category.SHOPPING, lag=2),
        Basket(p.online, 0, 4, c(1200), c(11000), "card", Category.SHOPPING, lag=2),
        Basket(p.transport, 0, 4, c(1500), c(7500), "card", Category.TRANSPORT, lag=1),
        Basket(p.pharmacies, -1, 2, c(400), c(3500), "card", Category.HEALTH, lag=1),
        Basket(
            p.atms,
            -1,
            2 + busy,
            c(5000),
            c(20000),
            "cash",
            Category.CASH_WITHDRAWAL,
            step=d.step(10),
        ),
    ]


def _utilities(
    s: Setting, d: _Draw, energy: tuple[int, int], telecom: tuple[int, int]
) -> list[Recurring]:
    """Energy (rising with prices) and phone/internet bills, in minor units before scaling."""
    return [
        Recurring(
            d.rng.randint(2, 20),
            -d.round(*energy, 1),
            d.pick(s.pool.energy),
            "",
            "utilities",
            Category.UTILITIES,
            growth_bp=400,
        ),
        Recurring(
            d.rng.randint(2, 28),
            -d.price(d.rng.randint(*telecom)),
            d.pick(s.pool.telecom),
            "",
            "utilities",
            Category.UTILITIES,
        ),
    ]


def _household(s: Setting, d: _Draw, rent_low: int, rent_high: int) -> list[Recurring]:
    """Rent, energy, water, phone and internet, insurance: the fixed costs of a home."""
    p, w = s.pool, s.words
    landlord = d.pick(p.landlords)
    out = [
        Recurring(
            1,
            -d.round(rent_low, rent_high, 10),
            landlord,
            w["rent"],
            "rent",
            Category.RENT,
            growth_bp=200,
        ),
        *_utilities(s, d, energy=(5500, 14000), telecom=(2500, 5500)),
    ]
    if d.chance(0.5):
        water = -d.round(3000, 9000, 1)
        out.append(
            Recurring(
                15,
                water,
                p.water,
                "",
                "utilities",
                Category.UTILITIES,
                every=3,
                phase=d.rng.randrange(3),
            )
        )
    for insurer in d.some(p.insurers, 1, 3):
        amount = -d.round(800, 6000, 0.01)
        out.append(Recurring(1, amount, insurer, w["premium"], "insurance", Category.INSURANCE))
    return out


def _subscriptions(s: Setting, d: _Draw, low: int, high: int) -> list[Recurring]:
    chosen = d.some(s.pool.subscriptions, low, high)
    if d.chance(0.35):
        chosen.append(s.pool.gym)
    return [
        Recurring(
            d.rng.randint(1, 28),
            -d.price(cents),
            party,
            "",
            "subscriptions",
            Category.SUBSCRIPTIONS,
        )
        for party, cents in chosen
    ]


def _level(d: _Draw, income: int, low: float, high: float) -> tuple[int, int]:
    level = int(income * (low + (high - low) * d.rng.random()))
    return level, level // 4


# --- the profiles --------------------------------------------------------------------------


def _salaried(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    salary = d.cents(220000, 480000)
    pay_day = d.pick((25, 27, 28, LAST_DAY))
    recurring = [
        Recurring(
            pay_day,
            salary,
            d.pick(s.pool.employers),
            s.words["salary"],
            "salary",
            Category.SALARY,
            growth_bp=d.rng.randint(100, 400),
            early=True,
        ),
        *_household(s, d, 55000, 140000),
        *_subscriptions(s, d, 1, 4),
    ]
    if d.chance(0.2):
        recurring.append(_donation(s, d))
    level, amplitude = _level(d, salary, 0.8, 1.6)
    habits = Habits(tuple(recurring), tuple(_everyday(s, d)))
    return habits, Terms(level=level, amplitude=amplitude)


def _student(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    p, w = s.pool, s.words
    parent_name = f"{d.pick(p.first_names)} {s.owner_name.split()[-1]}"
    parent = Party(parent_name, s.family_iban(parent_name), parent_name)
    allowance = d.round(25000, 70000, 10)
    recurring = [
        Recurring(1, allowance, parent, w["allowance"], "transfer", Category.TRANSFER),
        Recurring(
            1, -d.round(28000, 55000, 10), d.pick(p.landlords), w["rent"], "rent", Category.RENT
        ),
        Recurring(
            d.rng.randint(2, 28),
            -d.price(d.rng.randint(800, 2000)),
            d.pick(p.telecom),
            "",
            "utilities",
            Category.UTILITIES,
        ),
        Recurring(
            15,
            -d.round(15000, 35000, 1),
            p.university,
            w["tuition"],
            "education",
            Category.EDUCATION,
            every=6,
            phase=3,
        ),
    ]
    spotify = p.subscriptions[1][0]
    recurring.append(
        Recurring(
            d.rng.randint(1, 28),
            -d.price(599),
            spotify,
            "",
            "subscriptions",
            Category.SUBSCRIPTIONS,
        )
    )
    if d.chance(0.6):
        wage = d.cents(30000, 60000)
        recurring.append(
            Recurring(
                15,
                wage,
                d.pick(p.employers),
                w["job"],
                "salary",
                Category.SALARY,
                vary=30,
                chance=0.85,
            )
        )
    baskets = [
        Basket(p.groceries, 6, 12, _c(d, 500), _c(d, 4500), "groceries", Category.GROCERIES, lag=2),
        Basket(p.eateries, 2, 9, _c(d, 300), _c(d, 2500), "card", Category.RESTAURANTS, lag=2),
        Basket(p.food_chains, 1, 5, _c(d, 400), _c(d, 1400), "card", Category.RESTAURANTS, lag=1),
        Basket(p.online, -1, 3, _c(d, 900), _c(d, 6000), "card", Category.SHOPPING, lag=2),
        Basket(p.transport, 0, 4, _c(d, 250), _c(d, 3000), "card", Category.TRANSPORT, lag=1),
        Basket(
            p.atms,
            -1,
            2,
            _c(d, 2000),
            _c(d, 5000),
            "cash",
            Category.CASH_WITHDRAWAL,
            step=d.step(10),
        ),
    ]
    level = d.cents(20000, 90000)
    return Habits(tuple(recurring), tuple(baskets)), Terms(level=level, amplitude=level // 3)


def _freelancer(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    p, w = s.pool, s.words
    clients = tuple(d.some(p.clients, 3, 6))
    insurer = d.pick(p.insurers)
    recurring = [
        Recurring(
            10,
            -d.round(50000, 250000, 10),
            p.tax_office,
            w["tax"],
            "tax",
            Category.TAXES,
            every=3,
            phase=2,
            vary=20,
        ),
        Recurring(
            1,
            -d.round(30000, 75000, 1),
            insurer,
            w["premium"],
            "insurance",
            Category.INSURANCE,
            growth_bp=300,
        ),
        *_household(s, d, 60000, 150000),
        *_subscriptions(s, d, 1, 3),
        *(
            Recurring(
                d.rng.randint(1, 28),
                -d.price(cents),
                party,
                "",
                "subscriptions",
                Category.SUBSCRIPTIONS,
            )
            for party, cents in d.some(p.software, 1, 3)
        ),
    ]
    invoices = Basket(
        clients,
        1,
        4,
        _c(d, 80000),
        _c(d, 450000),
        "income",
        Category.INVOICE_PAYMENT,
        sign=1,
        business=True,
        numbered=w["invoice"],
    )
    level = d.cents(300000, 900000)
    habits = Habits(tuple(recurring), (invoices, *_everyday(s, d)))
    return habits, Terms(level=level, amplitude=level // 3)


def _retired(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    p, w = s.pool, s.words
    pension = d.cents(90000, 240000)
    recurring = [
        Recurring(
            LAST_DAY,
            pension,
            p.pension_payer,
            w["pension"],
            "pension",
            Category.PENSION,
            growth_bp=200,
            early=True,
        ),
        *_household(s, d, 45000, 110000),
        *_subscriptions(s, d, 0, 1),
    ]
    if d.chance(0.5):
        recurring.append(_donation(s, d))
    baskets = [
        *_everyday(s, d, scale=0.8, busy=4),
        Basket(p.pharmacies, 1, 4, _c(d, 500), _c(d, 4000), "card", Category.HEALTH, lag=1),
    ]
    level, amplitude = _level(d, pension, 1.5, 4.0)
    return Habits(tuple(recurring), tuple(baskets)), Terms(level=level, amplitude=amplitude)


def _small_business(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    p, w = s.pool, s.words
    staff = []
    for _ in range(d.rng.randint(1, 6)):
        name = f"{d.pick(p.first_names)} {d.pick(p.last_names)}"
        staff.append(Party(name, s.family_iban(name), name))
    bank = Party(s.bank_name, None, s.bank_name)
    acquirer = d.pick(p.acquirers)
    recurring = [
        *(
            Recurring(
                LAST_DAY,
                -d.cents(180000, 350000),
                person,
                w["wages"],
                "payroll",
                Category.PAYROLL,
                growth_bp=300,
                early=True,
            )
            for person in staff
        ),
        Recurring(
            1,
            -d.round(150000, 500000, 50),
            d.pick(p.landlords),
            w["rent"],
            "rent",
            Category.RENT,
            growth_bp=250,
        ),
        Recurring(
            10, -d.round(100000, 500000, 1), p.tax_office, w["vat"], "tax", Category.TAXES, vary=40
        ),
        Recurring(
            LAST_DAY, -d.round(900, 3500, 0.5), bank, w["account_fee"], "fees", Category.FEES
        ),
        *_utilities(s, d, energy=(15000, 60000), telecom=(4000, 12000)),
        *(
            Recurring(
                1,
                -d.round(3000, 20000, 0.01),
                insurer,
                w["premium"],
                "insurance",
                Category.INSURANCE,
            )
            for insurer in d.some(p.insurers, 1, 2)
        ),
        *(
            Recurring(
                d.rng.randint(1, 28),
                -d.price(cents),
                party,
                "",
                "subscriptions",
                Category.SUBSCRIPTIONS,
            )
            for party, cents in d.some(p.software, 2, 4)
        ),
    ]
    settlement = Party(acquirer.name, acquirer.iban, w["settlement"].format(name=acquirer.name))
    baskets = [
        Basket(
            (settlement,),
            8,
            20,
            _c(d, 20000),
            _c(d, 150000),
            "income",
            Category.INVOICE_PAYMENT,  # card takings paid out: the customers' payments
            sign=1,
            business=True,
        ),
        Basket(
            tuple(d.some(p.clients, 3, 8)),
            2,
            8,
            _c(d, 50000),
            _c(d, 600000),
            "income",
            Category.INVOICE_PAYMENT,
            sign=1,
            business=True,
            numbered=w["invoice"],
        ),
        Basket(
            tuple(d.some(p.suppliers, 3, 8)),
            3,
            10,
            _c(d, 20000),
            _c(d, 400000),
            "suppliers",
            Category.SUPPLIERS,
            business=True,
            numbered=w["supplier"],
        ),
        Basket(p.transport, 3, 8, _c(d, 3000), _c(d, 9000), "card", Category.TRANSPORT, lag=1),
        Basket(p.online, 1, 5, _c(d, 1500), _c(d, 25000), "card", Category.SHOPPING, lag=2),
        Basket(p.eateries, 2, 6, _c(d, 1500), _c(d, 12000), "card", Category.RESTAURANTS, lag=2),
    ]
    level = d.cents(1500000, 6000000)
    return Habits(tuple(recurring), tuple(baskets)), Terms(level=level, amplitude=level // 3)


def _card_spender(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    p = s.pool
    subscriptions = [
        Recurring(
            d.rng.randint(1, 28),
            -d.price(cents),
            Party(party.name, None, party.name),
            party.name,
            "subscriptions",
            Category.SUBSCRIPTIONS,
        )
        for party, cents in d.some(p.subscriptions, 1, 3)
    ]
    baskets = [
        Basket(p.groceries, 1, 5, _c(d, 800), _c(d, 9000), "groceries", Category.GROCERIES, lag=2),
        Basket(p.eateries, 3, 10, _c(d, 500), _c(d, 6000), "card", Category.RESTAURANTS, lag=2),
        Basket(p.food_chains, 0, 4, _c(d, 450), _c(d, 1600), "card", Category.RESTAURANTS, lag=1),
        Basket(p.shops, 1, 6, _c(d, 1500), _c(d, 15000), "card", Category.SHOPPING, lag=2),
        Basket(p.online, 2, 8, _c(d, 1200), _c(d, 14000), "card", Category.SHOPPING, lag=2),
        Basket(p.transport, 1, 5, _c(d, 1500), _c(d, 8000), "card", Category.TRANSPORT, lag=1),
        Basket(p.travel, -3, 1, _c(d, 8000), _c(d, 60000), "card", Category.TRAVEL, lag=3),
    ]
    fee = 0 if d.chance(0.5) else d.round(2900, 12000, 1)
    terms = Terms(spend=d.cents(40000, 150000), fee=fee, transfer_day=d.pick((3, 5, 8, 10, 15)))
    return Habits(tuple(subscriptions), tuple(baskets)), terms


def _saver(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    terms = Terms(
        deposit=d.round(5000, 60000, 10),
        rate_bp=d.rng.randint(50, 300),
        transfer_day=d.pick((1, 2, 3, 28)),
    )
    return Habits(), terms


def _borrower(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    principal = -s.opening if s.opening < 0 else d.round(500000, 4000000, 100)
    mortgage = principal >= 5000000 * d.factor  # 50,000 euros or more is a home, not a car
    terms = Terms(
        principal=principal,
        term=d.pick((180, 240, 300, 360) if mortgage else (24, 36, 48, 60, 72, 84, 96, 120)),
        rate_bp=d.rng.randint(290, 890),
        transfer_day=d.pick((1, 5, 15, 28)),
    )
    return Habits(), terms


# --- risky profiles: data that shows risk on purpose --------------------------------------


def _gambler(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    """A salaried household that bets several times a week, more each year, and now and then
    wins something back."""
    habits, terms = _salaried(s, d)
    betting, w = s.pool.betting, s.words
    baskets = (
        Basket(
            betting,
            6,
            12,
            _c(d, 500),
            _c(d, 15000),
            "card",
            Category.GAMBLING,
            lag=1,
            growth_bp=d.rng.randint(5000, 8000),
        ),
        Basket(
            tuple(Party(p.name, None, w["settlement"].format(name=p.name)) for p in betting),
            -2,
            1,
            _c(d, 2000),
            _c(d, 40000),
            "income",
            Category.GAMBLING,
            sign=1,
            business=True,
        ),
    )
    return Habits(habits.recurring, habits.baskets + baskets), terms


def _overdrawn(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    """A salary late in the month that barely covers the month's spending, so the account is
    overdrawn for days before each pay day, and the bank charges for it."""
    p, w = s.pool, s.words
    salary = d.cents(185000, 215000)
    bank = Party(s.bank_name, None, s.bank_name)
    recurring = [
        Recurring(
            d.pick((27, 28, LAST_DAY)),
            salary,
            d.pick(p.employers),
            w["salary"],
            "salary",
            Category.SALARY,
            growth_bp=d.rng.randint(50, 200),
            early=True,
        ),
        *_household(s, d, 55000, 75000),
        *_subscriptions(s, d, 2, 4),
        Recurring(
            LAST_DAY,
            -d.cents(800, 1500),
            bank,
            w["overdraft_interest"],
            "fees",
            Category.FEES,
            vary=50,
        ),
        Recurring(
            LAST_DAY, -d.price(950), bank, w["overdraft_fee"], "fees", Category.FEES, chance=0.6
        ),
    ]
    terms = Terms(level=d.cents(0, 15000), amplitude=d.cents(5000, 10000))
    return Habits(tuple(recurring), tuple(_everyday(s, d, scale=1.1))), terms


def _irregular(s: Setting, d: _Draw) -> tuple[Habits, Terms]:
    """No salary: money from a few people and the odd customer invoice, some months none at
    all, and old debts paid off to collection agencies now and then."""
    p, w = s.pool, s.words
    people = []
    for _ in range(d.rng.randint(2, 4)):
        name = f"{d.pick(p.first_names)} {d.pick(p.last_names)}"
        people.append(Party(name, s.family_iban(name), name))
    recurring = [
        Recurring(
            1, -d.round(35000, 60000, 10), d.pick(p.landlords), w["rent"], "rent", Category.RENT
        ),
        *_utilities(s, d, energy=(4000, 9000), telecom=(1500, 3500)),
    ]
    baskets = [
        Basket(
            tuple(people),
            -1,
            3,
            _c(d, 10000),
            _c(d, 150000),
            "transfer",
            Category.TRANSFER,
            sign=1,
            business=True,
        ),
        Basket(
            tuple(d.some(p.clients, 2, 4)),
            -2,
            1,
            _c(d, 30000),
            _c(d, 250000),
            "income",
            Category.INVOICE_PAYMENT,
            sign=1,
            business=True,
            numbered=w["invoice"],
        ),
        Basket(
            tuple(d.some(p.collectors, 1, 2)),
            -2,
            1,
            _c(d, 2000),
            _c(d, 15000),
            "transfer",
            Category.DEBT_COLLECTION,
            step=d.step(5),
            business=True,
            numbered=w["debt"],
        ),
        *_everyday(s, d, scale=0.6),
    ]
    level = d.cents(5000, 40000)
    return Habits(tuple(recurring), tuple(baskets)), Terms(level=level, amplitude=level // 2)


def _donation(s: Setting, d: _Draw) -> Recurring:
    charity = d.pick(s.pool.charities)
    return Recurring(
        d.rng.randint(1, 28),
        -d.round(1000, 5000, 1),
        charity,
        s.words["donation"],
        "donation",
        Category.DONATIONS,
    )


def _c(d: _Draw, euro_cents: int) -> int:
    return int(euro_cents * d.factor)


_BUILDERS: dict[Profile, Callable[[Setting, _Draw], tuple[Habits, Terms]]] = {
    Profile.SALARIED: _salaried,
    Profile.STUDENT: _student,
    Profile.FREELANCER: _freelancer,
    Profile.RETIRED: _retired,
    Profile.SMALL_BUSINESS: _small_business,
    Profile.CARD_SPENDER: _card_spender,
    Profile.SAVER: _saver,
    Profile.BORROWER: _borrower,
    Profile.GAMBLER: _gambler,
    Profile.OVERDRAWN: _overdrawn,
    Profile.IRREGULAR: _irregular,
}
