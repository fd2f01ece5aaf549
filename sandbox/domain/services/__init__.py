"""The platform's API: one service per domain noun, each owning its database transactions.

Faces hold a `Platform` (sandbox/domain/platform.py) and call these services; they never see the
database, the store or the scenario's models. A service method reads like the sentence a face
would say ("the accounts of this user", "approve this challenge") and returns domain records.
"""
