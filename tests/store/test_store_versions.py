"""The data version: unchanged by reads, changed by every committed write, whoever wrote."""

from __future__ import annotations

from sandbox.store import tenants as rows
from sandbox.store.database import open_database


def test_reads_keep_the_version_and_a_commit_changes_it(database, make_tenant):
    version = database.data_version()
    with database.connect() as conn:
        rows.get_tenant(conn, "demo")
    with database.begin() as conn:
        rows.get_tenant(conn, "demo")
    assert database.data_version() == version
    with database.begin() as conn:
        rows.insert_tenant(conn, make_tenant())
    assert database.data_version() != version


def test_a_write_through_another_connection_changes_the_version(durable_url, make_tenant):
    reader, writer = open_database(durable_url), open_database(durable_url)
    try:
        version = reader.data_version()
        with writer.begin() as conn:
            rows.insert_tenant(conn, make_tenant())
        assert reader.data_version() != version
        settled = reader.data_version()
        assert reader.data_version() == settled
    finally:
        reader.close()
        writer.close()
