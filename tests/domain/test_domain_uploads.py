"""Uploads in the domain, on SQLite and PostgreSQL: the same statement sent by several
requests at once, for a user none of them has seen yet, makes one user (announced once) and
one upload, and each request gets that upload."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sandbox.domain.platform import Platform

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statement.json"


def test_the_same_statement_sent_at_once_is_stored_once(platform: Platform):
    tenant = platform.tenants.get("demo")
    data = EXAMPLE.read_bytes()
    assert json.loads(data)["accounts"]
    start = threading.Barrier(4)
    answers: list[tuple[int, bool]] = []

    def send() -> None:
        start.wait()
        upload, created = platform.uploads.upload(tenant, "racer", "json", None, data)
        answers.append((upload.id, created))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == 4
    assert len({upload_id for upload_id, _ in answers}) == 1
    assert sorted(created for _, created in answers) == [False, False, False, True]
    page = platform.uploads.of_user(tenant, "racer", before=None, limit=10)
    assert [upload.id for upload in page.uploads] == [answers[0][0]]
    accounts = platform.accounts.list(tenant, external_user_id="racer")
    assert len(accounts) == 1
    events = platform.events.deliveries(tenant, None, 100).deliveries
    made = [d.event for d in events if d.event.type == "user.created"]
    assert [event.subjects.user_id for event in made].count("racer") == 1
