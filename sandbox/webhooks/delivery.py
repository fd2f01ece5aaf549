"""One delivery attempt: a signed POST of the event's body to the tenant's webhook URL.

Any 2xx answer delivers it; anything else (another status, a refused connection, no answer
within the timeout) is a failed attempt the worker retries. Redirects are not followed, so
nothing is ever sent to a URL the tenant did not configure. A short answer's body is read and
dropped, so its connection carries the next delivery; a longer one is cut off, connection and all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sandbox.clock import monotonic, system_now
from sandbox.webhooks.signing import sign

if TYPE_CHECKING:  # httpx itself is imported by the first attempt: it costs startup 0.1 s
    import httpx

USER_AGENT = "bank-sandbox-webhooks/0.1"
MAX_ERROR_LENGTH = 300
# An answer body up to this size is read to its end to keep the connection alive.
KEPT_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int
    # True when retrying cannot help (a URL that is not http or https).
    permanent: bool = False

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _error(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text[:MAX_ERROR_LENGTH]


async def attempt(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    event_id: str,
    event_type: str,
    body: bytes,
    timeout: float,
) -> Outcome:
    """POST `body` once, with at most `timeout` seconds for the whole exchange."""
    import httpx  # here, not at the top: see TYPE_CHECKING above

    if urlsplit(url).scheme not in ("http", "https"):
        return Outcome(None, "only http:// and https:// webhook URLs are delivered to", 0, True)
    headers = {
        **sign(secret, event_id, event_type, body, int(system_now().timestamp())),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    started = monotonic()

    def took() -> int:
        return round((monotonic() - started) * 1000)

    try:
        # A total deadline: httpx's own timeouts are per phase, which a slow answer can stretch.
        async with (
            asyncio.timeout(timeout),
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            status = response.status_code
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > KEPT_ANSWER_BYTES:
                    break
    except TimeoutError:
        return Outcome(None, f"no answer within {timeout:g} s", took())
    except httpx.InvalidURL as error:
        return Outcome(None, _error(error), took(), True)
    except httpx.HTTPError as error:
        return Outcome(None, _error(error), took())
    if 300 <= status < 400:
        return Outcome(status, "redirects are not followed", took())
    return Outcome(status, None, took())
