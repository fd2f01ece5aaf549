"""Owner scores: the score module's answer for the owner, in the shape of the reply captured
from Kontomatik; `NoDataToCalculateScore` without enough history."""

from __future__ import annotations

from kontomatik_replies import captured, root_of, shape


def test_an_owners_score_has_the_shape_kontomatik_replies_with(integrator):
    integrator.connect("lena", "nordlicht-sparbank", "lena.hoffmann")
    answer = integrator.get("/owner-scores.xml", ownerExternalId="lena")
    assert answer.status_code == 200, answer.text
    assert shape(answer.content) == captured("v1.owner-scores-reply.xml")
    reply = root_of(answer.content)
    assert reply.get("ownerExternalId") == "lena"
    native = integrator.client.get(
        "/api/v1/users/lena/analytics/score",
        headers={"Authorization": f"Bearer {_api_key(integrator)}"},
    ).json()
    assert float(reply.find("models/model/scores/score/value").text) == native["score"]
    assert (
        float(reply.find("models/model/scores/scorePercentile/value").text)
        == (native["percentile"])
    )
    assert reply.find("models/model/scores/scoreTier/value").text == native["tier"] == "A"


def test_without_enough_history_there_is_no_data_to_calculate_a_score(integrator, platform):
    tenant = platform.tenants.get(integrator.tenant_id)
    statement = (
        b'{"accounts": [{"currency": "EUR", "transactions": [{"booked_on": "2026-01-10",'
        b' "amount": "10.00", "description": "Gift"}]}]}'
    )
    platform.uploads.upload(tenant, "newcomer", "json", None, statement)
    answer = integrator.get("/owner-scores.xml", ownerExternalId="newcomer")
    assert answer.status_code == 400
    assert root_of(answer.content).find("exception").get("name") == "NoDataToCalculateScore"


def test_an_unknown_owner_and_a_missing_parameter(integrator):
    unknown = integrator.get("/owner-scores.xml", ownerExternalId="nobody")
    assert unknown.status_code == 404
    assert root_of(unknown.content).find("exception").get("name") == "InvalidOwnerExternalId"
    missing = integrator.get("/owner-scores.xml")
    assert missing.status_code == 400
    assert root_of(missing.content).find("exception").get("name") == "InvalidParameter"


def test_a_tenant_without_the_score_module_has_no_score_command(integrator):
    integrator.connect("lena", "nordlicht-sparbank", "lena.hoffmann")
    switched = integrator.client.put(
        f"/_sandbox/tenants/{integrator.tenant_id}/analytics", json={"modules": ["income"]}
    )
    assert switched.status_code == 200
    answer = integrator.get("/owner-scores.xml", ownerExternalId="lena")
    assert answer.status_code == 400
    assert root_of(answer.content).find("exception").get("name") == "CommandNotAvailable"


def _api_key(integrator) -> str:
    return integrator.client.get(f"/_sandbox/tenants/{integrator.tenant_id}").json()["api_key"]
