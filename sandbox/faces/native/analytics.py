"""`/api/v1/users/{user_id}/analytics/{module}`: what the enabled analytics modules say of a
user (README "Analytics"). Amounts are decimal strings with the currency's places, as
everywhere in the native API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.analytics import CategorisedEntries
from sandbox.domain.platform import Platform
from sandbox.faces.json import JSONResponse
from sandbox.faces.native.auth import tenant_of
from sandbox.faces.native.params import Query
from sandbox.faces.paths import path_text
from sandbox.iso import iso
from sandbox.money import from_minor

# Features of the score that are amounts in its currency's minor units.
SCORE_AMOUNTS = ("monthly_income", "monthly_outflow", "liquid_balance")


def _money(minor: int, currency: str) -> str:
    return format(from_minor(minor, currency), "f")


def _categories(found: CategorisedEntries) -> dict[str, Any]:
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for entry, category in found.entries:
        total = totals[(category.value, entry.currency)]
        total[0 if entry.amount_minor > 0 else 1] += abs(entry.amount_minor)
        total[2] += 1
    return {
        "transactions": [
            {
                "id": entry.id,
                "account_id": entry.account_id,
                "booked_on": iso(entry.booked_on),
                "amount": _money(entry.amount_minor, entry.currency),
                "currency": entry.currency,
                "category": category.value,
            }
            for entry, category in found.entries
        ],
        "totals": [
            {
                "category": category,
                "currency": currency,
                "inflow": _money(inflow, currency),
                "outflow": _money(outflow, currency),
                "count": count,
            }
            for (category, currency), (inflow, outflow, count) in sorted(totals.items())
        ],
    }


def _months(months: Any, currency: str) -> list[dict[str, Any]]:
    return [
        {
            "label": f"M-{index}",
            "month": month.month,
            **{
                name: _money(getattr(month, name), currency)
                for name in (
                    "salary",
                    "pension",
                    "welfare_and_alimony",
                    "invoice_payments",
                    "other",
                    "total",
                )
            },
        }
        for index, month in enumerate(months)
    ]


def _income(report: Any) -> dict[str, Any]:
    return {
        "as_of": iso(report.as_of),
        "currencies": [
            {
                "currency": found.currency,
                "months": _months(found.months, found.currency),
                "average_monthly": _money(found.average_monthly, found.currency),
                "accounts": [
                    {
                        "account_id": account.account_id,
                        "months": _months(account.months, found.currency),
                        "average_monthly": _money(account.average_monthly, found.currency),
                    }
                    for account in found.accounts
                ],
            }
            for found in report.currencies
        ],
    }


def _recurring(series: Any) -> dict[str, Any]:
    return {
        "series": [
            {
                "account_id": one.account_id,
                "direction": one.direction,
                "counterparty": one.counterparty,
                "category": one.category.value,
                "currency": one.currency,
                "typical_amount": _money(one.typical_amount, one.currency),
                "period": one.period,
                "period_days": one.period_days,
                "occurrences": one.occurrences,
                "first_date": iso(one.first_date),
                "last_date": iso(one.last_date),
                "next_expected": iso(one.next_expected),
                "still_active": one.still_active,
            }
            for one in series
        ]
    }


def _cashflow(months: Any) -> dict[str, Any]:
    return {
        "months": [
            {
                "month": row.month,
                "currency": row.currency,
                "inflow": _money(row.inflow, row.currency),
                "outflow": _money(row.outflow, row.currency),
                "closing_balance": _money(row.closing_balance, row.currency),
                "overdrawn_days": row.overdrawn_days,
            }
            for row in months
        ]
    }


def _score(found: Any) -> dict[str, Any]:
    features = found.features
    return {
        "score": found.score,
        "percentile": found.percentile,
        "tier": found.tier,
        "currency": found.currency,
        "features": {
            field.name: _money(getattr(features, field.name), found.currency)
            if field.name in SCORE_AMOUNTS
            else getattr(features, field.name)
            for field in fields(features)
        },
    }


RENDER: dict[str, Callable[[Any], dict[str, Any]]] = {
    "categories": _categories,
    "income": _income,
    "recurring": _recurring,
    "cashflow": _cashflow,
    "score": _score,
}


def _platform(request: Request) -> Platform:
    return request.app.state.platform


async def get_analytics(request: Request) -> Response:
    tenant = tenant_of(request)
    query = Query(request, "from", "to")
    module = request.path_params["module"]
    found = await run_in_threadpool(
        _platform(request).analytics.run,
        tenant,
        path_text(request, "user_id", "user"),
        module,
        start=query.date("from"),
        end=query.date("to"),
    )
    return JSONResponse(
        {"module": module, "user_id": request.path_params["user_id"], **RENDER[module](found)}
    )
