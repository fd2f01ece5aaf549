"""Counterparties of a bank country: shops, employers, landlords, utilities, public payers.

One pool per (scenario seed, bank country), built once with the country's seeded Faker and
schwifty, then cached: month generation only indexes into these tuples, so no Faker call is
ever made per transaction. Brand names come from `brands.py`; Faker adds cities and invents
the local businesses and people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sandbox.bankdata import brands
from sandbox.bankdata.identity import faker_lock, iban, seeded_faker
from sandbox.bankdata.rng import derive, random_for
from sandbox.bankdata.wording import language, locale, phrases
from sandbox.categories import Category


@dataclass(frozen=True, slots=True)
class Party:
    """Someone money goes to or comes from, with what the statement says about them."""

    name: str
    iban: str | None
    label: str  # the statement text for a card payment or direct debit to this party
    # What it sells, when its pool mixes kinds (fuel stations and railways): the truth label
    # of payments to it, whatever its basket's label says.
    kind: Category | None = None


@dataclass(frozen=True, slots=True)
class Pool:
    country: str
    cities: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    groceries: tuple[Party, ...]
    eateries: tuple[Party, ...]
    food_chains: tuple[Party, ...]
    shops: tuple[Party, ...]
    online: tuple[Party, ...]
    transport: tuple[Party, ...]
    pharmacies: tuple[Party, ...]
    travel: tuple[Party, ...]
    atms: tuple[Party, ...]
    employers: tuple[Party, ...]
    landlords: tuple[Party, ...]
    clients: tuple[Party, ...]
    suppliers: tuple[Party, ...]
    energy: tuple[Party, ...]
    telecom: tuple[Party, ...]
    water: Party
    insurers: tuple[Party, ...]
    subscriptions: tuple[tuple[Party, int], ...]  # with the price in euro cents
    software: tuple[tuple[Party, int], ...]
    gym: tuple[Party, int]
    acquirers: tuple[Party, ...]
    charities: tuple[Party, ...]
    tax_office: Party
    pension_payer: Party
    university: Party
    betting: tuple[Party, ...]  # bookmakers, lotteries, casinos
    collectors: tuple[Party, ...]  # debt collection agencies


@lru_cache(maxsize=64)
def pool(seed: int, country: str) -> Pool:
    """The counterparties every account of this seed and country draws from."""
    lang = language(country)
    words = phrases(country)
    card = words["card"]
    with faker_lock():
        fake = seeded_faker(locale(country), derive(seed, country, "pool"))
        cities = _unique(fake.city() for _ in range(12))[:6]
        first_names = tuple(fake.first_name() for _ in range(40))
        last_names = _unique(fake.last_name() for _ in range(60))[:40]
        companies = _unique(fake.company() for _ in range(60))[:40]
    rng = random_for(seed, country, "pool order")

    def city() -> str:
        return cities[rng.randrange(len(cities))]

    def shop(name: str, where: str | None = None) -> Party:
        return Party(name, None, f"{card} {name} {where}" if where else f"{card} {name}")

    def payee(name: str, *, debit: bool = True) -> Party:
        label = words["debit"].format(name=name) if debit else name
        return Party(name, iban(country, None, seed, "party", name), label)

    def surname() -> str:
        return last_names[rng.randrange(len(last_names))]

    local = lambda table, default: table.get(country, default)  # noqa: E731
    grocery_brands = local(brands.GROCERIES, tuple(f"{n} Market" for n in last_names[:5]))
    groceries = tuple(shop(b, c) for b in grocery_brands for c in cities[:2])
    eateries = tuple(
        shop(fmt.format(n=surname(), city=c), c)
        for fmt in brands.EATERIES[lang]
        for c in cities[:3]
    )
    pharmacy = brands.PHARMACIES[lang]
    pharmacies = tuple(shop(pharmacy.format(n=surname(), city=c), c) for c in cities[:3])
    own_gym = brands.GYMS.get(country, f"Fitness {cities[0]}")
    return Pool(
        country=country,
        cities=cities,
        first_names=first_names,
        last_names=last_names,
        groceries=groceries,
        eateries=eateries,
        food_chains=tuple(shop(b, city()) for b in brands.GLOBAL_FOOD),
        shops=tuple(shop(c, city()) for c in companies[:12]),
        online=tuple(shop(b) for b in local(brands.ONLINE, ("Amazon", "eBay", "IKEA"))),
        transport=tuple(
            _kind(shop(b, city()), Category.FUEL if b in brands.FUEL else Category.TRANSPORT)
            for b in local(brands.TRANSPORT, ("Shell", "BP"))
        ),
        pharmacies=pharmacies,
        travel=tuple(shop(b) for b in brands.TRAVEL),
        atms=tuple(Party(name, None, f"{words['cash']} {name}") for name in _atms(words, cities)),
        employers=tuple(payee(c, debit=False) for c in companies[12:20]),
        landlords=tuple(
            payee(n, debit=False)
            for n in (*companies[20:23], *(f"{first_names[i]} {last_names[i]}" for i in range(3)))
        ),
        clients=tuple(payee(c, debit=False) for c in companies[23:31]),
        suppliers=tuple(payee(c, debit=False) for c in companies[31:39]),
        energy=tuple(
            payee(b.format(city=cities[0]))
            for b in local(brands.ENERGY, (f"{companies[39]} Energy",))
        ),
        telecom=tuple(payee(b) for b in local(brands.TELECOM, ("Vodafone", "Orange"))),
        water=payee(local(brands.WATER, "Water {city}").format(city=cities[0])),
        insurers=tuple(payee(b) for b in local(brands.INSURERS, ("Allianz", "AXA", "Generali"))),
        subscriptions=tuple((payee(n), p) for n, p in brands.SUBSCRIPTIONS),
        software=tuple((payee(n), p) for n, p in brands.SOFTWARE),
        gym=(payee(own_gym), 2490),
        acquirers=tuple(payee(n, debit=False) for n in brands.ACQUIRERS),
        charities=tuple(payee(n, debit=False) for n in brands.CHARITIES),
        tax_office=payee(
            local(brands.TAX_OFFICE, "Tax Office").format(city=cities[0]), debit=False
        ),
        pension_payer=payee(local(brands.PENSION_PAYER, "Pension Fund"), debit=False),
        university=payee(brands.UNIVERSITY[lang].format(city=cities[0]), debit=False),
        betting=tuple(shop(b) for b in local(brands.GAMBLING, ("bet365", "bwin", "PokerStars"))),
        collectors=tuple(
            payee(b, debit=False)
            for b in local(brands.DEBT_COLLECTORS, ("Intrum", "Lowell", "EOS", "KRUK"))
        ),
    )


def _kind(party: Party, kind: Category) -> Party:
    return Party(party.name, party.iban, party.label, kind)


def _atms(words: dict[str, str], cities: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(words["atm"].format(city=c) for c in cities)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Distinct values in first-seen order (a pool with two equal shops looks like a bug)."""
    return tuple(dict.fromkeys(v.strip() for v in values))
