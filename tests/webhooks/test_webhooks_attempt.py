"""One attempt against a bare HTTP/1.1 server that counts connections: a short answer leaves
the connection open for the next delivery; a long one is cut off and the next one reconnects."""

from __future__ import annotations

import asyncio
import threading

import httpx

from sandbox.webhooks.delivery import KEPT_ANSWER_BYTES, attempt


async def deliver_over(answers: list[bytes]) -> tuple[list[int | None], int]:
    """Deliver once per answer, the server giving that body each time; the status codes seen
    and how many connections the server accepted."""
    bodies = iter(answers)
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                body = next(bodies)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    async with server, httpx.AsyncClient(trust_env=False) as client:
        statuses = []
        for number in range(len(answers)):
            outcome = await attempt(
                client, url=url, secret="whsec-keep", event_id=f"evt_{number}",
                event_type="user.created", body=b"{}", timeout=5,
            )  # fmt: skip
            statuses.append(outcome.status_code)
    return statuses, connections


def run(answers: list[bytes]) -> tuple[list[int | None], int]:
    found: list = []
    # A thread of its own: browser tests may leave an event loop running in this one.
    runner = threading.Thread(target=lambda: found.append(asyncio.run(deliver_over(answers))))
    runner.start()
    runner.join(timeout=30)
    return found[0]


def test_short_answers_keep_one_connection_for_every_delivery():
    assert run([b"", b"ok", b"x" * 1000]) == ([200, 200, 200], 1)


def test_a_long_answer_is_cut_off_and_the_next_delivery_reconnects():
    long = b"x" * (KEPT_ANSWER_BYTES * 4)
    assert run([long, b"ok", b"ok"]) == ([200, 200, 200], 2)
