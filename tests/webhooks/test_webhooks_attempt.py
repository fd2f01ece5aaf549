"""One attempt against a bare HTTP/1.1 server that counts connections and requests: short
answers share one connection, a long one is cut off, a connection the receiver closed is
replaced, redirects are not followed, URLs that cannot be posted to fail for good, and a
stopping sender cuts off a receiver that never answers, as does an attempt past its deadline."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox.webhooks.delivery import KEPT_ANSWER_BYTES, Outcome, Sender, attempt


@dataclass
class Answer:
    status: str = "200 OK"
    body: bytes = b""
    headers: str = ""
    close: bool = False  # close the connection after answering, without saying so
    hang: bool = False  # never answer
    trickle: bool = False  # start answering, then send one byte of a header every 0.1 s
    raw: bytes | None = None  # send these bytes as they are, then close the connection


@dataclass
class Receiver:
    """Answers the n-th request with `answers[n]`."""

    answers: list[Answer]
    connections: int = 0
    requests: int = 0
    url: str = ""
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                answer = self.answers[self.requests]
                self.requests += 1
                if answer.hang:
                    await asyncio.sleep(3600)
                if answer.raw is not None:
                    writer.write(answer.raw)
                    await writer.drain()
                    writer.close()
                    return
                if answer.trickle:
                    writer.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    while True:
                        await writer.drain()
                        await asyncio.sleep(0.1)
                        writer.write(b"a")
                writer.write(
                    f"HTTP/1.1 {answer.status}\r\nContent-Length: {len(answer.body)}\r\n"
                    f"{answer.headers}\r\n".encode()
                    + answer.body
                )
                await writer.drain()
                if answer.close:
                    writer.close()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def deliver(url: str, sender: Sender, timeout: float = 5) -> Coroutine[Any, Any, Outcome]:
    return attempt(
        sender, url=url, headers={"Content-Type": "application/json"}, body=b'{"id": "evt_1"}',
        timeout=timeout,
    )  # fmt: skip


def run(
    answers: list[Answer],
    steps: Callable[[Receiver, Sender], Coroutine[Any, Any, list[Outcome]]] | None = None,
) -> tuple[list[Outcome], Receiver]:
    """Deliver once per answer (or run `steps`) against a receiver giving those answers."""

    async def main() -> tuple[list[Outcome], Receiver]:
        receiver = Receiver(answers)
        server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0)
        receiver.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook?to=me"
        sender = Sender()
        try:
            async with server:
                if steps is not None:
                    return await steps(receiver, sender), receiver
                return [await deliver(receiver.url, sender) for _ in answers], receiver
        finally:
            sender.close()
            for writer in receiver.writers:
                writer.close()

    found: list = []
    # A thread of its own: browser tests may leave an event loop running in this one.
    runner = threading.Thread(target=lambda: found.append(asyncio.run(main())))
    runner.start()
    runner.join(timeout=30)
    return found[0]


def test_short_answers_keep_one_connection_for_every_delivery():
    outcomes, receiver = run([Answer(), Answer(body=b"ok"), Answer(body=b"x" * 1000)])
    assert [o.status_code for o in outcomes] == [200, 200, 200]
    assert all(o.delivered and o.error is None for o in outcomes)
    assert receiver.connections == 1


def test_a_long_answer_is_cut_off_and_the_next_delivery_reconnects():
    long = Answer(body=b"x" * (KEPT_ANSWER_BYTES * 4))
    outcomes, receiver = run([long, Answer(), Answer()])
    assert [o.status_code for o in outcomes] == [200, 200, 200]
    assert receiver.connections == 2


def test_a_connection_the_receiver_closed_is_replaced_without_a_failed_attempt():
    outcomes, receiver = run([Answer(close=True), Answer(close=True), Answer()])
    assert [o.status_code for o in outcomes] == [200, 200, 200]
    assert (receiver.requests, receiver.connections) == (3, 3)


def test_a_redirect_is_not_followed():
    moved = Answer("302 Found", headers="Location: http://127.0.0.1:9/elsewhere\r\n")
    [outcome], receiver = run([moved])
    assert (outcome.status_code, outcome.error) == (302, "redirects are not followed")
    assert not outcome.delivered and not outcome.permanent
    assert receiver.requests == 1


def test_an_answer_that_ends_with_its_connection_is_read_and_the_next_opens_another():
    until_closed = Answer(raw=b"HTTP/1.0 202 Accepted\r\nContent-Type: text/plain\r\n\r\nqueued")
    outcomes, receiver = run([until_closed, Answer()])
    assert [(o.status_code, o.delivered) for o in outcomes] == [(202, True), (200, True)]
    assert receiver.connections == 2


def test_an_answer_that_is_not_http_is_a_failed_attempt_saying_so():
    [outcome], _ = run([Answer(raw=b"SSH-2.0-OpenSSH_9.6\r\n")])
    assert outcome.status_code is None and not outcome.permanent
    assert outcome.error.startswith("BadAnswer: the answer is not HTTP/1.1")


def test_an_error_status_is_a_failed_attempt_with_its_code():
    [outcome], _ = run([Answer("503 Service Unavailable", body=b"busy")])
    assert (outcome.status_code, outcome.error, outcome.delivered) == (503, None, False)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://127.0.0.1/hook", "only http:// and https:// webhook URLs are delivered to"),
        ("http:///hook", "InvalidURL: the URL has no host"),
        ("http://127.0.0.1:port/hook", "InvalidURL: Port could not be cast to integer value"),
        ("http://127.0.0.1/a hook", "InvalidURL: the URL's path has a space or a control"),
        ("http://127.0.0.1/hook\r\nX-Injected: 1", "InvalidURL: the URL's path has a space"),
    ],
)
def test_a_url_that_cannot_be_posted_to_fails_for_good(url, why):
    async def steps(receiver: Receiver, sender: Sender) -> list[Outcome]:
        return [await deliver(url, sender)]

    [outcome], receiver = run([], steps)
    assert outcome.permanent and outcome.status_code is None
    assert outcome.error.startswith(why)
    assert receiver.requests == 0


def test_closing_the_sender_cuts_off_a_receiver_that_never_answers():
    async def steps(receiver: Receiver, sender: Sender) -> list[Outcome]:
        pending = asyncio.ensure_future(deliver(receiver.url, sender, timeout=60))
        while receiver.requests == 0:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        sender.close()
        outcome = await pending
        assert time.monotonic() - started < 2
        return [outcome]

    [outcome], receiver = run([Answer(hang=True)], steps)
    assert outcome.status_code is None and outcome.error and not outcome.permanent
    assert receiver.requests == 1


def test_an_attempt_past_its_deadline_is_cut_off_and_the_next_goes_out_at_once():
    """The receiver keeps the first answer coming a byte at a time, so no socket timeout ever
    fires: only the attempt's own deadline ends it, its connection is cut off, and the next
    delivery goes out at once on a new one."""

    async def steps(receiver: Receiver, sender: Sender) -> list[Outcome]:
        slow = await deliver(receiver.url, sender, timeout=0.5)
        started = time.monotonic()
        fast = await deliver(receiver.url, sender, timeout=5)
        assert time.monotonic() - started < 1
        return [slow, fast]

    outcomes, receiver = run([Answer(trickle=True), Answer()], steps)
    assert [(o.status_code, o.error) for o in outcomes] == [
        (None, "no answer within 0.5 s"),
        (200, None),
    ]
    assert (receiver.requests, receiver.connections) == (2, 2)


def test_a_kept_connection_closed_while_it_waited_is_not_used_again():
    """The receiver closes the connection between two deliveries, and the sender has seen it
    close: the next delivery opens a new one at once, with no failed attempt."""

    async def steps(receiver: Receiver, sender: Sender) -> list[Outcome]:
        first = await deliver(receiver.url, sender)
        for writer in receiver.writers:
            writer.close()
        await asyncio.sleep(0.1)  # the sender's side reads the end of the connection
        return [first, await deliver(receiver.url, sender)]

    outcomes, receiver = run([Answer(), Answer()], steps)
    assert [(o.status_code, o.error) for o in outcomes] == [(200, None), (200, None)]
    assert (receiver.requests, receiver.connections) == (2, 2)
