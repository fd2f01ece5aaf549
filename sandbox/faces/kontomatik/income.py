"""Income Confirmation (`GET /v1/owner-income-confirmation?ownerExternalId=`), as JSON, from the
income analytics module (sandbox/analytics/income.py).

Kontomatik describes the report (reference/kontomatik.md §10) but not its field names: per
currency and per IBAN, the months M-0 (this month so far), M-1 and M-2, each split into
Salary, Pension, Welfare and Alimony, Invoice payments and Other income, and the 90-day
monthly average (the income of the last 90 days ÷ 3). The names here are the sandbox's,
camelCase after that prose (README, "Kontomatik face"); amounts are strings with two decimals,
as Kontomatik writes every amount.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.analytics.income import IncomeReport, MonthIncome
from sandbox.domain.accounts import HeldAccount
from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant
from sandbox.faces.json import JSONResponse
from sandbox.faces.kontomatik.caller import tenant_of
from sandbox.faces.kontomatik.data import amount
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.kontomatik.json_errors import json_errors
from sandbox.money import from_minor

# The module's kinds of income → the report's names for them (Kontomatik's categories).
CATEGORIES = {
    "salary": "salary",
    "pension": "pension",
    "welfare_and_alimony": "welfareAndAlimony",
    "invoice_payments": "invoicePayments",
    "other": "otherIncome",
}


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _money(minor: int, currency: str) -> str:
    return amount(from_minor(minor, currency))


def _months(months: tuple[MonthIncome, ...], currency: str) -> list[dict[str, Any]]:
    return [
        {
            "month": f"M-{index}",
            "period": month.month,
            **{name: _money(getattr(month, kind), currency) for kind, name in CATEGORIES.items()},
            "total": _money(month.total, currency),
        }
        for index, month in enumerate(months)
    ]


def confirmation(platform: Platform, tenant: Tenant, external_id: str) -> dict[str, Any]:
    """The report for the owner: ModuleNotEnabled while the tenant has income off, NotFound for
    an owner it does not have."""
    report: IncomeReport = platform.analytics.run(tenant, external_id, "income")
    user = platform.users.get(tenant, external_id)
    held: dict[int, HeldAccount] = {
        one.account.id: one
        for one in platform.accounts.of_user(
            tenant, user.id, include_disabled=True, include_deleted=True
        )
    }
    return {
        "ownerExternalId": external_id,
        "asOf": report.as_of.isoformat(),
        "currencies": [
            {
                "currencyName": found.currency,
                "months": _months(found.months, found.currency),
                "monthlyAverage90Days": _money(found.average_monthly, found.currency),
                "accounts": [
                    {
                        "iban": _account_field(held, account.account_id, "iban"),
                        "name": _account_field(held, account.account_id, "name"),
                        "months": _months(account.months, found.currency),
                        "monthlyAverage90Days": _money(account.average_monthly, found.currency),
                    }
                    for account in found.accounts
                ],
            }
            for found in report.currencies
        ],
    }


def _account_field(held: dict[int, HeldAccount], account_id: int, name: str) -> str | None:
    one = held.get(account_id)
    return None if one is None else getattr(one.account, name)


@json_errors
async def income_confirmation(request: Request) -> Response:
    tenant = tenant_of(request)
    owner = Params(request, "ownerExternalId").required("ownerExternalId")
    found = await run_in_threadpool(confirmation, _platform(request), tenant, owner)
    return JSONResponse(found)
