"""Bank statements as files: one neutral model (`model.py`) and one module per file format,
each with `parse(data: bytes) -> Statement` (raising `StatementError` with every problem
found) and `render(statement: Statement) -> bytes`.

A pure layer like `sandbox/bankdata`: it knows nothing of tenants, users or the database. The
domain turns an uploaded file into manual accounts and transactions through it, and renders
any account's statement with it.
"""
