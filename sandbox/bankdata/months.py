"""One month of one account: its transactions, generated from (seed, account, month) alone.

The month's generator is seeded from a hash of (seed, account key, month), the month's opening
balance is the closed-form target of the month before (balances.py), and nothing here reads
another month: month 120 costs what month 1 costs. The inner loops work on integers and tuples
and call no Faker; this is the hot path of the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Context, Decimal
from operator import itemgetter

from sandbox.bankdata import balances
from sandbox.bankdata.dates import MonthDays, month_days
from sandbox.bankdata.habits import Model
from sandbox.bankdata.plans import Plan
from sandbox.bankdata.records import BankTransaction
from sandbox.bankdata.rng import random_for
from sandbox.categories import Category

# An event is a transaction before it has a reference and a balance:
# (day, amount in minor units, counterparty name, counterparty IBAN, description, category, lag,
# label: the generator's truth of its Category, which `transactions_minor` leaves out)
Event = tuple[int, int, str, str | None, str, str, int, Category]
# A BankTransaction's fields in its order but the label (an import never stores the truth),
# the amount and the balance after in minor units.
MinorTransaction = tuple[str, date, date, int, str, str, str | None, str, str, int]
_DAY = itemgetter(0)
_SUFFIXES = tuple(f"-{n:04d}" for n in range(10000))
_EXACT = Context(prec=40)  # wide enough for any balance in minor units: nothing rounds


def transactions(plan: Plan, month: int) -> list[BankTransaction]:
    """Every transaction of `month` (none before the account opened), sorted by day and ref."""
    if month < plan.first:
        return []
    md = month_days(month)
    opening, events = events_of(plan, md)
    places = -plan.places
    # An explicit context: the caller's thread context may have a lower precision.
    add = _EXACT.add
    balance = Decimal(opening).scaleb(places, _EXACT)
    currency = plan.currency
    days = md.days
    first_day = plan.first_day if month == plan.first else 1
    label = md.label
    out: list[BankTransaction] = []
    append = out.append
    made_as = BankTransaction
    for index, (day, amount, name, iban, text, category, lag, truth) in enumerate(events, 1):
        value = Decimal(amount).scaleb(places, _EXACT)
        balance = add(balance, value)
        value_day = day - lag
        append(
            made_as(
                label + _SUFFIXES[index] if index < 10000 else f"{label}-{index}",
                days[day],
                days[value_day if value_day >= first_day else first_day],
                value,
                currency,
                name,
                iban,
                text,
                category,
                balance,
                truth,
            )
        )
    return out


def transactions_minor(plan: Plan, month: int) -> list[MinorTransaction]:
    """`transactions` with amounts and balances in minor units, as plain tuples: what a sync
    stores, without a Decimal built for each amount and balance only to be converted back."""
    if month < plan.first:
        return []
    md = month_days(month)
    balance, events = events_of(plan, md)
    currency = plan.currency
    days = md.days
    first_day = plan.first_day if month == plan.first else 1
    label = md.label
    out: list[MinorTransaction] = []
    append = out.append
    for index, (day, amount, name, iban, text, category, lag, _) in enumerate(events, 1):
        balance += amount
        value_day = day - lag
        append(
            (
                label + _SUFFIXES[index] if index < 10000 else f"{label}-{index}",
                days[day],
                days[value_day if value_day >= first_day else first_day],
                amount,
                currency,
                name,
                iban,
                text,
                category,
                balance,
            )
        )
    return out


def month_events(plan: Plan, month: int) -> tuple[int, list[Event]]:
    """`events_of` by month index."""
    return events_of(plan, month_days(month))


def events_of(plan: Plan, md: MonthDays) -> tuple[int, list[Event]]:
    """The month's opening balance and its events in booking order, the balancing transfer
    included."""
    month = md.month
    events: list[Event] = []
    rng = random_for(plan.seed, plan.key, md.label)
    period = f"{md.label[4:]}/{md.label[:4]}"
    model = plan.model
    _recurring(plan, md, rng.random, period, events)
    scaled_from = len(events)
    _baskets(plan, md, rng.random, events)
    if month == plan.first and plan.first_day > 1:
        first_day = plan.first_day
        kept = [e for e in events[:scaled_from] if e[0] >= first_day]
        scaled_from = len(kept)
        kept.extend(e for e in events[scaled_from:] if e[0] >= first_day)
        events = kept
    if model is Model.CARD:
        _scale_card_spending(plan, md, events, scaled_from)
    elif model is not Model.CURRENT:
        _closed_events(plan, md, period, events)
    else:
        _mirror_links(plan, md, period, events)
    opening = balances.target(plan, month - 1)
    total = balances.target(plan, month) - opening - sum_amounts(events)
    if total:
        early = model is Model.CURRENT and total > 0
        if early:
            # Money fetched from savings arrives first thing, when the month's bills need it;
            # on the opening day itself when the account opens after the month's last
            # business day.
            first_day = plan.first_day if month == plan.first else 1
            day = max(md.business_on_or_after(first_day), first_day)
        else:
            day = balances.transfer_day(plan, md)
        text = plan.sweep_in if total > 0 else plan.sweep_out
        if "{" in text:
            text = text.format(period=period)
        partner = plan.partner
        if model is Model.LOAN:
            category, truth = "loan", Category.LOAN_REPAYMENT
        else:
            category, truth = "transfer", Category.OWN_TRANSFER
        sweep = (day, total, partner.name, partner.iban, text, category, 0, truth)
        if early:
            events.insert(0, sweep)  # the sort is stable: first of its day
        else:
            events.append(sweep)
    events.sort(key=_DAY)
    return opening, events


def sum_amounts(events: list[Event]) -> int:
    return sum(e[1] for e in events)


def _recurring(
    plan: Plan, md: MonthDays, random: Callable[[], float], period: str, events: list[Event]
) -> None:
    month = md.month
    length = md.length
    years = (month - plan.first) // 12
    for item in plan.habits.recurring:
        if item.every > 1 and month % item.every != item.phase:
            continue
        if item.chance < 1.0 and random() >= item.chance:
            continue
        amount = item.amount
        if item.growth_bp and years:
            amount += amount * item.growth_bp * years // 10000
        if item.vary:
            amount += amount * (int(random() * (2 * item.vary + 1)) - item.vary) // 100
        nominal = item.day if item.day < length else length
        day = md.business_on_or_before(nominal) if item.early else md.business_on_or_after(nominal)
        party = item.party
        text = item.description or party.label
        if "{" in text:
            text = text.format(period=period)
        events.append(
            (day, amount, party.name, party.iban, text, item.category, item.lag, item.label)
        )


def _baskets(plan: Plan, md: MonthDays, random: Callable[[], float], events: list[Event]) -> None:
    length = md.length
    append = events.append
    for basket in plan.habits.baskets:
        count = basket.low + int(random() * (basket.high - basket.low + 1))
        if count <= 0:
            continue
        parties = basket.parties
        choices = len(parties)
        small = basket.small
        span = basket.large - small
        if basket.growth_bp:
            grown = 10000 + basket.growth_bp * ((md.month - plan.first) // 12)
            small, span = small * grown // 10000, span * grown // 10000
        sign = basket.sign
        step = basket.step
        lag = basket.lag + 1
        category = basket.category
        truths = basket.labels
        for n in range(count):
            u = random()
            amount = small + int(span * u * u)  # squared: small purchases are the common ones
            if step:
                amount = (amount + step // 2) // step * step or step
            # One draw gives day, party and booking lag: each uses the fraction the last left.
            v = random() * length
            day = int(v)
            v = (v - day) * choices
            which = int(v)
            party = parties[which]
            delay = int((v - int(v)) * lag)
            day += 1
            if basket.business:
                day = md.business_on_or_after(day)
            text = party.label
            if basket.numbered:
                text = basket.numbered.format(ref=f"{md.label}-{n + 1:02d}")
            append(
                (day, sign * amount, party.name, party.iban, text, category, delay, truths[which])
            )


def _scale_card_spending(plan: Plan, md: MonthDays, events: list[Event], scaled_from: int) -> None:
    """Make the card's month add up to its closed-form spending: purchases are scaled so that
    they and the subscriptions total exactly `card_spending`, then the annual fee is added."""
    month = md.month
    need = -balances.card_spending(plan, month) - sum_amounts(events[:scaled_from])
    purchases = events[scaled_from:]
    drawn = sum_amounts(purchases)
    if not purchases or drawn >= 0 or need >= 0:
        # Nothing to scale (an account opened on the month's last day): one purchase carries it.
        basket = plan.habits.baskets[0]
        shop, truth = basket.parties[0], basket.labels[0]
        del events[scaled_from:]
        if need:
            events.append((md.length, need, shop.name, shop.iban, shop.label, "card", 0, truth))
    else:
        # Both sums are negative: each purchase keeps its share, rounded away from zero.
        scaled = [(e[0], e[1] * need // drawn, *e[2:]) for e in purchases]
        biggest = min(range(len(scaled)), key=lambda i: scaled[i][1])
        e = scaled[biggest]
        scaled[biggest] = (e[0], e[1] + need - sum_amounts(scaled), *e[2:])
        events[scaled_from:] = scaled
    fee = balances.card_fee(plan, month)
    if fee:
        day = min(plan.first_day, md.length)
        text = plan.words["card_fee"]
        events.append((day, -fee, plan.bank_name, None, text, "fees", 0, Category.FEES))


def _closed_events(plan: Plan, md: MonthDays, period: str, events: list[Event]) -> None:
    """Interest and payouts of savings and loans: closed form, so the current account can
    mirror the balancing transfer that follows them."""
    month = md.month
    words = plan.words
    if plan.model is Model.SAVINGS:
        interest = balances.savings_interest(plan, month)
        if interest:
            text = words["interest"]
            events.append(
                (md.length, interest, plan.bank_name, None, text, "interest", 0, Category.INTEREST)
            )
        return
    payout = balances.loan_payout(plan, month)
    if payout:
        partner = plan.partner
        text = words["payout"]
        events.append(
            (
                plan.first_day,
                -payout,
                partner.name,
                partner.iban,
                text,
                "loan",
                0,
                Category.OWN_TRANSFER,
            )
        )
    interest = balances.loan_interest(plan, month)
    if interest:
        day = balances.transfer_day(plan, md)
        text = words["loan_interest"].format(period=period)
        # Interest charged is the bank's charge, not a repayment of what was borrowed.
        events.append((day, -interest, plan.bank_name, None, text, "loan", 0, Category.FEES))


def _mirror_links(plan: Plan, md: MonthDays, period: str, events: list[Event]) -> None:
    """The current account's side of its savings deposits, card repayments and loan
    instalments: the same amounts on the same days as the linked accounts show."""
    month = md.month
    first_day = plan.first_day if month == plan.first else 1
    words = plan.words
    for link in plan.links:
        if month < link.first:
            continue
        own = link.own
        if link.model is Model.LOAN:
            payout = balances.loan_payout(link, month)
            if payout and link.first_day >= first_day:
                text = words["payout"]
                truth = Category.OWN_TRANSFER
                events.append((link.first_day, payout, own.name, own.iban, text, "loan", 0, truth))
        amount = balances.closed_transfer(link, month)
        day = balances.transfer_day(link, md)
        if not amount or day < first_day:
            continue
        if link.model is Model.SAVINGS:
            text = words["to_savings"] if amount > 0 else words["from_savings"]
            category, truth = "transfer", Category.OWN_TRANSFER
        elif link.model is Model.CARD:
            text = (
                words["card_statement"].format(period=period) if amount > 0 else words["from_own"]
            )
            category, truth = "transfer", Category.OWN_TRANSFER
        else:
            text = words["instalment"].format(period=period)
            category, truth = "loan", Category.LOAN_REPAYMENT
        events.append((day, -amount, own.name, own.iban, text, category, 0, truth))
