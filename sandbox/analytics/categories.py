"""The categoriser: one Category for every entry of a ledger, inferred only from what a
statement carries (counterparty name and IBAN, description, amount and sign, dates, and
recurrence across the user's entries), so it works on uploaded statements as on synced ones.

Rules, first that applies wins:
1. Own transfers: the counterparty IBAN is one of the ledger's accounts, or the counterparty is
   the owner. Money going into an own loan account is a loan repayment, any other an own
   transfer.
2. The account's type: money coming into a loan account repays it, other money leaving it is
   the bank's charge (interest); money coming into a savings, deposit or investment account
   from anyone else is interest.
3. Relatives: a transfer (an IBAN on the other side) to or from a person whose name ends in
   the owner's surname is a transfer, whatever its words say (a parent's "Unterhalt" to a
   student).
4. Keywords (`category_rules.RULES`): brands, institutions and statement words, by sign.
5. A card payment at a shop no rule knows is shopping.
6. Recurrence: a credit from the same payer in three or more months, around the same day,
   with similar amounts, is a salary.
7. Sign: other money with an IBAN on the other side is a transfer; other credits are other
   income, other debits other.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import pairwise

from sandbox.analytics.category_rules import COMPANY_WORDS, RULES
from sandbox.analytics.ledger import Categories, Ledger, LedgerAccount, LedgerEntry
from sandbox.categories import Category

_LOAN = "loan"
_SAVINGS = frozenset(("savings", "deposit", "investment"))
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})
_NUMBERS = re.compile(r"[0-9]{2,}")

# Recurrence: what makes a payer's credits a salary.
_MIN_MONTHS = 3
_MONTH = (20, 45)  # days from one credit to the next that make "the next month"
_DAY_SPREAD = 5  # days of the month between one credit and the next
_AMOUNT_SPREAD = 25  # percent one amount may differ from the next
_STEADY = 80  # percent of the steps that must be all three

_UNSEEN = object()  # a cache's "not decided yet", as None means "no rule applies"


def words(text: str) -> tuple[str, ...]:
    """Lower-case, accent-free words of `text`, every number of two digits or more a 0
    ("Bäckerei Müller-Lüdenscheid 11/2026" gives ("backerei", "muller", "ludenscheid", "0",
    "0")): how both rules and statements are compared. Such numbers (a month, an invoice) say
    nothing about a category, and without them a statement's texts repeat, so each is
    matched once; single digits stay ("1&1", "O2")."""
    folded = _zeroed(text.casefold())
    if not folded.isascii():
        # Decomposed, accents are separate marks that the ASCII encoding drops.
        decomposed = unicodedata.normalize("NFKD", folded.translate(_LETTERS))
        folded = decomposed.encode("ascii", "ignore").decode("ascii")
    return tuple(_NON_WORD.sub(" ", folded).split())


def _zeroed(text: str) -> str:
    return _NUMBERS.sub("0", text)


class _Keywords:
    """The rules that say something about credits (or debits), compiled once: exact words and
    phrases by their first word, and the words that may run on into longer ones, each to the
    index of its rule."""

    def __init__(self, credit: bool) -> None:
        self.exact: dict[str, int] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        prefixes: dict[str, int] = {}
        suffixes: dict[str, int] = {}
        for index, rule in enumerate(RULES):
            if (rule.credit if credit else rule.debit) is None:
                continue
            for keyword in rule.keywords:
                key = words(keyword.strip("*"))
                if all(w == "0" for w in key):
                    raise ValueError(f"a keyword needs a letter: {keyword!r}")
                if keyword.endswith("*") or keyword.startswith("*"):
                    if len(key) != 1:
                        raise ValueError(f"a keyword with * is one word: {keyword!r}")
                    table = prefixes if keyword.endswith("*") else suffixes
                    table.setdefault(key[0], index)
                elif len(key) == 1:
                    self.exact.setdefault(key[0], index)
                else:
                    self.phrases[key[0]].append((key[1:], index))
        self.prefixes = tuple(prefixes.items())
        self.suffixes = tuple(suffixes.items())
        self.prefix_starts = tuple(prefixes)
        self.suffix_ends = tuple(suffixes)

    def rule(self, tokens: tuple[str, ...]) -> int | None:
        """The index of the first rule any of `tokens` matches, None when none does."""
        best = len(RULES)
        exact, phrases = self.exact, self.phrases
        for i, token in enumerate(tokens):
            found = exact.get(token)
            if found is not None and found < best:
                best = found
            for rest, index in phrases.get(token, ()):
                if index < best and tokens[i + 1 : i + 1 + len(rest)] == rest:
                    best = index
            if token.startswith(self.prefix_starts):
                for start, index in self.prefixes:
                    if index < best and token.startswith(start):
                        best = index
            if token.endswith(self.suffix_ends):
                for end, index in self.suffixes:
                    if index < best and token.endswith(end):
                        best = index
        return best if best < len(RULES) else None


_CREDITS, _DEBITS = _Keywords(credit=True), _Keywords(credit=False)


def categorise(ledger: Ledger) -> Categories:
    """The category of every entry of the ledger, by entry id."""
    out: Categories = {}
    undecided: list[LedgerEntry] = []
    rules = _Rules(ledger)
    # Statements repeat themselves (the same shop, the same bill): each is decided once.
    seen: dict[tuple[int, str | None, str | None, str, bool], Category | None] = {}
    for entry in ledger.entries:
        key = (
            entry.account_id,
            entry.counterparty_name,
            entry.counterparty_iban,
            entry.description,
            entry.amount_minor > 0,
        )
        found = seen.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = seen[key] = rules.decide(entry)
        if found is None:
            undecided.append(entry)
        else:
            out[entry.id] = found
    salaried = _recurring_payers(e for e in undecided if e.amount_minor > 0)
    for entry in undecided:
        if entry.amount_minor > 0 and _payer(entry) in salaried:
            out[entry.id] = Category.SALARY
        elif entry.counterparty_iban:
            out[entry.id] = Category.TRANSFER
        else:
            out[entry.id] = Category.OTHER_INCOME if entry.amount_minor > 0 else Category.OTHER
    return out


class _Rules:
    """Rules 1 to 5 for one ledger; `decide` gives None when they leave an entry to
    recurrence and sign."""

    def __init__(self, ledger: Ledger) -> None:
        self.accounts = {a.id: a for a in ledger.accounts}
        self.own_ibans = {_iban(a.iban): a for a in ledger.accounts if a.iban}
        self.owner = words(ledger.owner_name or "") or None  # None: no entry is by name own
        # Texts that differ only in their numbers (an invoice's, a month's) are matched once.
        self.matched: dict[tuple[str, str, bool, bool], Category | None] = {}
        self.names: dict[str, tuple[str, ...]] = {}

    def decide(self, entry: LedgerEntry) -> Category | None:
        raw = entry.counterparty_name or ""
        name = self.names.get(raw)
        if name is None:
            name = self.names[raw] = words(raw)
        found = _own_or_account(
            entry, self.accounts.get(entry.account_id), self.own_ibans, name == self.owner
        )
        if found is not None:
            return found
        text = _zeroed(entry.description)
        key = (raw, text, entry.amount_minor > 0, bool(entry.counterparty_iban))
        found = self.matched.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self.matched[key] = _by_words(name, text, key[2], key[3], self.owner)
        return found


def _own_or_account(
    entry: LedgerEntry,
    account: LedgerAccount | None,
    own_ibans: dict[str, LedgerAccount],
    owner_named: bool,
) -> Category | None:
    """Rules 1 and 2: own transfers and what the account's type says."""
    credit = entry.amount_minor > 0
    kind = account.type if account else None
    other = own_ibans.get(_iban(entry.counterparty_iban)) if entry.counterparty_iban else None
    if other is not None or owner_named:
        into_loan = (kind == _LOAN and credit) or (
            other is not None and other.type == _LOAN and not credit
        )
        return Category.LOAN_REPAYMENT if into_loan else Category.OWN_TRANSFER
    if kind == _LOAN:
        return Category.LOAN_REPAYMENT if credit else Category.FEES
    if kind in _SAVINGS and credit:
        return Category.INTEREST
    return None


def _by_words(
    name: tuple[str, ...],
    description: str,
    credit: bool,
    has_iban: bool,
    owner: tuple[str, ...] | None,
) -> Category | None:
    """Rules 3 to 5: relatives, then keywords (card payments are the last rule)."""
    if has_iban and owner and len(owner) > 1 and _relative(name, owner[-1]):
        return Category.TRANSFER
    tokens = name + words(description)
    index = (_CREDITS if credit else _DEBITS).rule(tokens)
    if index is None:
        return None
    return RULES[index].credit if credit else RULES[index].debit


def _relative(name: tuple[str, ...], surname: str) -> bool:
    """A person's name (two to four words, no legal form) ending in the owner's surname."""
    return 2 <= len(name) <= 4 and name[-1] == surname and not COMPANY_WORDS.intersection(name)


def _payer(entry: LedgerEntry) -> tuple[int, tuple[str, ...] | str]:
    return entry.account_id, words(entry.counterparty_name or "") or entry.description


def _recurring_payers(credits: Iterable[LedgerEntry]) -> set[tuple[int, tuple[str, ...] | str]]:
    """Rule 6: the payers whose credits come every month around the same day with similar
    amounts."""
    by_payer: dict[tuple[int, tuple[str, ...] | str], list[LedgerEntry]] = defaultdict(list)
    for entry in credits:
        by_payer[_payer(entry)].append(entry)
    return {payer for payer, found in by_payer.items() if _like_a_salary(found)}


def _like_a_salary(found: list[LedgerEntry]) -> bool:
    """Most steps from one credit to the next are a month, land around the same day and keep
    the amount: a yearly bonus or raise breaks a step or two, not the pattern."""
    months = {(e.booked_on.year, e.booked_on.month) for e in found}
    if len(months) < _MIN_MONTHS or len(found) > len(months) * 5 // 4 + 1:
        return False
    ordered = sorted(found, key=lambda e: (e.booked_on, e.amount_minor, e.id))
    steps = list(pairwise(ordered))
    steady = sum(1 for before, after in steps if _a_month_apart_alike(before, after))
    return steady * 100 >= len(steps) * _STEADY


def _a_month_apart_alike(before: LedgerEntry, after: LedgerEntry) -> bool:
    if not _MONTH[0] <= (after.booked_on - before.booked_on).days <= _MONTH[1]:
        return False
    larger = max(before.amount_minor, after.amount_minor)
    if abs(after.amount_minor - before.amount_minor) * 100 > larger * _AMOUNT_SPREAD:
        return False
    day, day_after = before.booked_on.day, after.booked_on.day
    from_end = day - _month_length(before.booked_on)
    from_end_after = day_after - _month_length(after.booked_on)
    return min(abs(day - day_after), abs(from_end - from_end_after)) <= _DAY_SPREAD


def _month_length(day: date) -> int:
    return monthrange(day.year, day.month)[1]


def _iban(iban: str | None) -> str:
    return "".join((iban or "").split()).upper()
