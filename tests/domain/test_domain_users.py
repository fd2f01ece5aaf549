"""Users are found by the tenant's own id for them and by the platform's numeric id, and never
across tenants."""

import pytest

from sandbox.domain import tenants, users
from sandbox.domain.errors import NotFound
from sandbox.scenario import load_scenario_text

OTHER = "extends: default\nname: other\n"


def test_a_user_is_the_same_by_either_id(platform, world):
    with world.db.begin() as conn:
        made = users.user_for(conn, world.tenant, "customer-42")
    assert platform.users.get(world.tenant, "customer-42") == made
    assert platform.users.by_id(world.tenant, made.id) == made


def test_another_tenants_user_is_not_found_by_its_numeric_id(platform, world):
    with world.db.begin() as conn:
        made = users.user_for(conn, world.tenant, "customer-42")
    other = tenants.create_tenant(platform.db, load_scenario_text(OTHER), "other")
    with pytest.raises(NotFound) as missing:
        platform.users.by_id(other, made.id)
    assert missing.value.details == {"user_id": made.id}
    with pytest.raises(NotFound):
        platform.users.by_id(world.tenant, made.id + 1)
