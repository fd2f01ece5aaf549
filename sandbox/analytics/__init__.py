"""Analytics modules: what a user's bank and manual data says about them (categories, income,
recurring payments, cash flow, a risk score).

A pure layer like `sandbox/bankdata` and `sandbox/statements`: each module is a function of a
`Ledger` (`ledger.py`: the accounts and entries a statement shows, nothing the generator knows
besides) and the tenant's today, deterministic, computing nothing it does not report. The
domain reads the ledger from the store and decides which modules a tenant has enabled.
"""
