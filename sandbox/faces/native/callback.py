"""How a connect flow opened through `/api/v1` returns to the client: the query it adds to the
client's redirect URI (documented with `POST /api/v1/connect-sessions` in `openapi.yaml`).

`status=success&session_id=…&bank_login_id=…` after a connection (the last one connected, with
`bank_login_ids=…` listing all of them when the user ends at the management list),
`status=cancelled&session_id=…`, or `status=error&error=…&error_description=…`; then the
client's `state`, when it gave one.
"""

from __future__ import annotations

from sandbox.domain.outcome import Exit, OutcomeKind

FACE = "native"  # the name a flow opened here remembers


def query(exit: Exit) -> list[tuple[str, str]]:
    outcome = exit.outcome
    if outcome.kind is OutcomeKind.ERROR:
        assert outcome.error is not None
        params = [
            ("status", "error"),
            ("error", outcome.error.code),
            ("error_description", outcome.error.message),
        ]
    else:
        params = [("status", outcome.kind.value), ("session_id", exit.session_id)]
    ids = [str(bank_login_id) for bank_login_id in outcome.bank_login_ids]
    if outcome.kind is OutcomeKind.SUCCESS and ids:
        params.append(("bank_login_id", ids[-1]))
        if outcome.listed:
            params.append(("bank_login_ids", ",".join(ids)))
    if exit.state is not None:
        params.append(("state", exit.state))
    return params
