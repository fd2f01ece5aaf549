"""Month-end balances in closed form: why any month can be generated without the ones before.

Each account has a target balance B(m) for the end of month m, a cheap function of the plan and
m alone (a drift plus bounded hash noise, suited to the model). A month's transactions are
generated freely, then one realistic balancing transfer makes them add up to exactly
B(m) - B(m-1). So the opening balance of any month is B(m-1), O(1), and
closing = opening + sum(amounts) holds by construction.

For savings, cards and loans every transaction besides the balancing one is itself closed form
(interest, the annual fee, card spending scaled to its target, the payout), so their balancing
transfer is too: the current account mirrors it to the cent without generating their months.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.bankdata.dates import MonthDays
from sandbox.bankdata.habits import Model
from sandbox.bankdata.rng import spread

if TYPE_CHECKING:
    from sandbox.bankdata.plans import Plan


def target(plan: Plan, month: int) -> int:
    """B(month): the balance at the end of `month`, in minor units."""
    k = month - plan.first + 1
    if k <= 0:
        return plan.opening
    t = plan.terms
    model = plan.model
    if model is Model.CURRENT:
        # From its first month on; the first sweep moves any surplus of the opening balance
        # to savings, or tops a small one up.
        return t.level + spread(t.amplitude, plan.seed, plan.key, "level", month)
    if model is Model.SAVINGS:
        return plan.opening + k * t.deposit + spread(t.deposit // 3, plan.seed, plan.key, month)
    if model is Model.CARD:
        return -(card_spending(plan, month) + card_fee(plan, month))
    return -loan_remaining(plan, k)


def card_spending(plan: Plan, month: int) -> int:
    """What the card is used for in `month`, fee aside (its purchases are scaled to this)."""
    spend = plan.terms.spend
    return spend + spread(spend * 3 // 10, plan.seed, plan.key, "spend", month)


def card_fee(plan: Plan, month: int) -> int:
    """The annual fee, charged in the month the card was opened and every twelve after."""
    if month < plan.first or (month - plan.first) % 12:
        return 0
    return plan.terms.fee


def savings_interest(plan: Plan, month: int) -> int:
    """A month's interest on the previous month-end balance."""
    if month < plan.first:
        return 0
    return max(0, target(plan, month - 1)) * plan.terms.rate_bp // 120000


def loan_remaining(plan: Plan, k: int) -> int:
    """Principal still owed after the k-th month (linear amortisation, exact integers)."""
    t = plan.terms
    if k <= 0:
        return t.principal
    if k >= t.term:
        return 0
    return t.principal * (t.term - k) // t.term


def loan_interest(plan: Plan, month: int) -> int:
    k = month - plan.first + 1
    if k <= 0 or k > plan.terms.term:
        return 0
    return loan_remaining(plan, k - 1) * plan.terms.rate_bp // 120000


def loan_payout(plan: Plan, month: int) -> int:
    """The amount paid out to the borrower when the loan opens (from an opening balance of
    zero or more to minus the principal)."""
    if month != plan.first:
        return 0
    return plan.terms.principal + plan.opening


def closed_free_sum(plan: Plan, month: int) -> int:
    """The sum of a savings, card or loan month's transactions other than the balancing one."""
    model = plan.model
    if model is Model.SAVINGS:
        return savings_interest(plan, month)
    if model is Model.CARD:
        return -(card_spending(plan, month) + card_fee(plan, month))
    if model is Model.LOAN:
        return -loan_interest(plan, month) - loan_payout(plan, month)
    raise ValueError("a current account's month has to be generated to know its sum")


def closed_transfer(plan: Plan, month: int) -> int:
    """The balancing transfer of a savings, card or loan account in `month` (0 before opening):
    the savings deposit, the card repayment, the loan instalment."""
    if month < plan.first:
        return 0
    return target(plan, month) - target(plan, month - 1) - closed_free_sum(plan, month)


def transfer_day(plan: Plan, md: MonthDays) -> int:
    """The day of the month's own-account transfer: a business day, never before opening."""
    day = md.business_on_or_after(min(plan.terms.transfer_day, md.length))
    if md.month == plan.first and day < plan.first_day:
        return plan.first_day
    return day
