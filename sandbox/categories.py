"""The category taxonomy transactions are sorted into (README "Analytics").

A leaf module, like `sandbox/subscriptions.py`: the bank-data generator labels what it makes
with these codes (its own truth, which no face ever shows), the analytics categoriser infers
them from what a statement carries (counterparty, description, amount, recurrence), the
benchmark compares the two, and the native API and a manual transaction's `category` accept
only these.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    # Money in
    SALARY = "salary"
    PENSION = "pension"
    WELFARE = "welfare"  # child benefit, unemployment benefit, housing allowance
    ALIMONY = "alimony"
    INVOICE_PAYMENT = "invoice_payment"  # a customer paying a freelancer's or firm's invoice
    INTEREST = "interest"
    REFUND = "refund"
    OTHER_INCOME = "other_income"
    # Money out: living
    RENT = "rent"
    UTILITIES = "utilities"  # energy, water, telecoms, internet
    GROCERIES = "groceries"
    RESTAURANTS = "restaurants"  # restaurants, cafés, fast food, delivery
    SHOPPING = "shopping"  # shops, online retail
    HEALTH = "health"  # pharmacies, doctors
    TRANSPORT = "transport"  # public transport, taxis, rail
    FUEL = "fuel"
    TRAVEL = "travel"  # flights, hotels
    SUBSCRIPTIONS = "subscriptions"  # streaming, software, gyms
    INSURANCE = "insurance"
    EDUCATION = "education"
    DONATIONS = "donations"
    # Money out: obligations
    LOAN_REPAYMENT = "loan_repayment"
    TAXES = "taxes"
    FEES = "fees"  # the bank's own fees and charges
    DEBT_COLLECTION = "debt_collection"
    GAMBLING = "gambling"
    SUPPLIERS = "suppliers"  # a business paying its suppliers
    PAYROLL = "payroll"  # a business paying its staff
    # Either way
    CASH_WITHDRAWAL = "cash_withdrawal"
    CASH_DEPOSIT = "cash_deposit"
    OWN_TRANSFER = "own_transfer"  # between accounts of the same owner (savings, card repayment)
    TRANSFER = "transfer"  # to or from another person
    OTHER = "other"


INCOME = frozenset(
    {
        Category.SALARY,
        Category.PENSION,
        Category.WELFARE,
        Category.ALIMONY,
        Category.INVOICE_PAYMENT,
        Category.INTEREST,
        Category.REFUND,
        Category.OTHER_INCOME,
    }
)
