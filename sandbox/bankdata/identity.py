"""Who and where: account owners (Faker), IBANs and BICs (schwifty), masked card numbers.

Faker and schwifty are imported inside the functions: importing them costs a few hundred
milliseconds and the server must start without them. Everything here is cached, so they run
once per owner, bank or account, never per transaction.
"""

from __future__ import annotations

import threading
import unicodedata
import warnings
from datetime import date, timedelta
from functools import lru_cache
from random import Random
from typing import TYPE_CHECKING, Any

from sandbox.bankdata.dates import REFERENCE_DAY
from sandbox.bankdata.records import BankOwner
from sandbox.bankdata.rng import derive, random_for
from sandbox.bankdata.wording import locale
from sandbox.scenario.model import Owner, Profile

if TYPE_CHECKING:
    from faker import Faker

_FAKER_LOCK = threading.RLock()
_FAKERS: dict[str, Faker] = {}


def seeded_faker(locale_name: str, seed: int) -> Faker:
    """The locale's shared Faker, re-seeded; hold `faker_lock()` for the whole call sequence,
    because a Faker is stateful and one seed must give one sequence of values."""
    from faker import Faker

    fake = _FAKERS.get(locale_name)
    if fake is None:
        fake = _FAKERS[locale_name] = Faker(locale_name)
        _fix_set_orders(fake)
    fake.seed_instance(seed)
    return fake


def _fix_set_orders(fake: Faker) -> None:
    """Faker's Italian cities are a list made from a set, in an order that changes with each
    process's hash seed (PYTHONHASHSEED), so the same seed drew another city in every
    process: sorted, the draw is the same everywhere."""
    for provider in fake.providers:
        cities = getattr(provider, "cities", None)
        if type(provider).__module__.endswith(".address.it_IT") and isinstance(cities, list):
            provider.cities = sorted(cities)


def faker_lock() -> threading.RLock:
    return _FAKER_LOCK


# --- IBAN and BIC ------------------------------------------------------------------------


def has_iban(country: str) -> bool:
    """Whether the country uses IBANs at all (schwifty knows its format)."""
    return _iban_spec(country) is not None


@lru_cache(maxsize=256)
def _iban_spec(country: str) -> Any:
    from schwifty import exceptions, registry

    try:
        return registry.get_iban_spec(country)
    except exceptions.SchwiftyException:
        return None


@lru_cache(maxsize=1024)
def bank_code(
    seed: int, bank_id: str, country: str, declared: str | None, bic: str | None
) -> str | None:
    """The bank code this bank's IBANs carry: the declared one, else the code schwifty's
    registry gives the declared BIC, else a registry bank of the country picked by the seed
    (so IBAN and BIC are valid together), else a random code in the country's format; None
    where the country has no IBANs."""
    if declared or not has_iban(country):
        return declared
    from schwifty import IBAN, registry

    if bic:
        found = (
            registry.get_banks_by_bic(bic)
            or registry.get_banks_by_bic(bic[:8] + "XXX")
            or registry.get_banks_by_bic(bic[:8])
        )
        if found:
            return min(found, key=lambda b: (not b.primary, b.bank_code)).bank_code
    candidates = sorted(
        {b.bank_code for b in registry.get_banks_by_country(country) if b.bic and b.primary}
        or {b.bank_code for b in registry.get_banks_by_country(country) if b.bic}
    )
    if candidates:
        return candidates[derive(seed, bank_id, "bank code") % len(candidates)]
    sample = IBAN.random(country, random=random_for(seed, bank_id, "bank code"), use_registry=False)
    return sample.bank_code + sample.branch_code


@lru_cache(maxsize=65536)
def iban(country: str, code: str | None, *parts: object) -> str | None:
    """A valid IBAN (national check digits included) at the bank with `code`, chosen by `parts`;
    None where the country has no IBANs. Without a code, any registry bank of the country."""
    if not has_iban(country):
        return None
    from schwifty import IBAN, exceptions

    rng = random_for("iban", country, code, *parts)
    try:
        if code:
            return str(IBAN.random(country, random=rng, bank_code=code))
        return str(IBAN.random(country, random=rng))
    except exceptions.SchwiftyException as error:
        raise ValueError(
            f"bank code {code!r} does not fit the IBAN format of {country}: {error}"
        ) from error


@lru_cache(maxsize=1024)
def bic_of(country: str, code: str | None) -> str | None:
    """The BIC schwifty's registry gives a bank code, None when it has none."""
    from schwifty import BIC, exceptions

    if not code:
        return None
    try:
        return str(BIC.from_bank_code(country, code))
    except (exceptions.SchwiftyException, ValueError):
        return None


@lru_cache(maxsize=65536)
def bic_of_iban(value: str) -> str | None:
    from schwifty import IBAN

    found = IBAN(value, allow_invalid=True).bic
    return None if found is None else str(found)


def masked_pan(*parts: object) -> str:
    """A card number as statements show it: network prefix and last four (Luhn-valid whole)."""
    rng = random_for("pan", *parts)
    prefix = rng.choice(("4", "51", "52", "53", "54", "55"))
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
    check = _luhn_digit(digits)
    full = digits + str(check)
    return f"{full[:4]} **** **** {full[-4:]}"


def _luhn_digit(body: str) -> int:
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def opened_on(seed: int, key: str) -> date:
    """An undeclared opening date: two to eight years before the reference day, from the seed."""
    return REFERENCE_DAY - timedelta(days=730 + derive(seed, key, "opened") % 2190)


# --- owner -------------------------------------------------------------------------------

_AGES = {Profile.STUDENT: (19, 27), Profile.RETIRED: (66, 88)}


@lru_cache(maxsize=4096)
def owner(
    seed: int, bank_id: str, country: str, login: str, declared: Owner, profile: Profile
) -> BankOwner:
    """The account holder: declared values win, the rest comes from the bank country's Faker.
    Every value is always generated, so declaring one does not change the others."""
    with faker_lock():
        fake = seeded_faker(locale(country), derive(seed, bank_id, login, "owner"))
        name = f"{fake.first_name()} {fake.last_name()}"
        street = " ".join(fake.street_address().replace("\n", ", ").split())
        postcode = fake.postcode()
        city = fake.city()
        phone = fake.phone_number()
        domain = fake.free_email_domain()
        try:
            national_id = str(fake.ssn())
        except AttributeError:
            national_id = f"{derive(seed, login, 'id') % 10**10:010d}"
    low, high = _AGES.get(profile, (24, 62))
    rng = random_for(seed, bank_id, login, "birth")
    birth = date(REFERENCE_DAY.year - rng.randint(low, high), 1, 1) + timedelta(
        days=rng.randrange(365)
    )
    name = declared.name or name
    address = declared.address
    return BankOwner(
        name=name,
        street=address.street if address else street,
        postcode=address.postcode if address else postcode,
        city=address.city if address else city,
        country=(address.country if address and address.country else country),
        birth_date=declared.birth_date or birth,
        email=declared.email or f"{_mailbox(name, rng)}@{domain}",
        phone=declared.phone or phone,
        national_id=declared.national_id or national_id,
    )


def _mailbox(name: str, rng: Random) -> str:
    """ "Zoë Müller-Lüdenscheidt" -> "zoe.muller-ludenscheidt" (plus digits now and then)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = ["".join(c for c in w if c.isalnum() or c == "-") for w in plain.split()]
    box = ".".join(w for w in words if w) or "owner"
    return box + (str(rng.randrange(10, 99)) if rng.random() < 0.3 else "")


def valid_iban(value: str) -> bool:
    """schwifty's full check, national check digits included (used by tests and callers)."""
    from schwifty import IBAN, exceptions

    with warnings.catch_warnings():
        # Countries without a registered national algorithm warn that they were not checked.
        warnings.simplefilter("ignore", exceptions.NationalChecksumNotVerified)
        try:
            IBAN(value, validate_bban=True)
        except exceptions.SchwiftyException:
            return False
    return True
