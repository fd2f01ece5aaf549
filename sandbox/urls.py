"""The one rule for URLs a tenant registers (redirect URIs, webhook URLs), used by the scenario
schema and the control API alike so both refuse the same things with the same words.

Only `http://` and `https://` with a host: any other scheme (`javascript:`, `file:`, a custom
app scheme) is no place to send a browser or an event. A webhook may not name a link-local
address (169.254.0.0/16, where clouds serve instance metadata and credentials, or fe80::/10)
unless `SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL=1`: otherwise anyone able to create a tenant could
make the sandbox post to, and report on, the metadata service. Names that *resolve* to such an
address are refused again at delivery (`sandbox/webhooks/delivery.py`).

The rule is applied where URLs come in from outside: the scenario loader and the control API
validate with `registration_context(...)`, which also carries the setting. A model validated
without it (a tenant the domain builds from checked options, a scenario read back from the
database) is not judged again, so a tenant stored under older rules still loads.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, ValidationInfo

REGISTERING = "registering_urls"
ALLOW_LINK_LOCAL = "allow_link_local"
LINK_LOCAL_HINT = "set SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL=1 to allow it"


def registration_context(allow_link_local: bool) -> dict[str, Any]:
    """The validation context under which `RedirectUri` and `WebhookUrl` apply the rule."""
    return {REGISTERING: True, ALLOW_LINK_LOCAL: allow_link_local}


def http_url(value: str) -> str:
    """`value` if it is an absolute http(s) URL with a host; raises ValueError otherwise."""
    scheme, _, rest = value.partition("://")
    if scheme not in ("http", "https") or not rest:
        raise ValueError("give an http:// or https:// URL")
    try:
        host = urlsplit(value).hostname
    except ValueError as error:  # a bracketed host that is no IPv6 address, a bad port
        raise ValueError(f"not a valid URL: {error}") from None
    if not host:
        raise ValueError("the URL has no host")
    return value


def web_origin(value: str) -> str:
    """`value` if it is a web origin as a browser spells it (`https://shop.example`,
    `http://127.0.0.1:5000`: scheme, host, an optional port, nothing else); ValueError
    otherwise. What a page may name as the one that frames it, put into a header as it is."""
    if len(value) > 255 or not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?", value):
        raise ValueError("give an origin: http(s)://host[:port], no path")
    http_url(value)
    return value


def is_link_local(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """169.254.0.0/16 or fe80::/10, also when written as an IPv4-mapped IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_link_local


def link_local_host(host: str) -> bool:
    """True when `host` (as `urlsplit` gives it, without brackets) is a literal link-local
    address; names are checked where they are resolved, at delivery."""
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    return is_link_local(address)


def _redirect_uri(value: str, info: ValidationInfo) -> str:
    return http_url(value) if (info.context or {}).get(REGISTERING) else value


def _webhook_url(value: str, info: ValidationInfo) -> str:
    context = info.context or {}
    if not context.get(REGISTERING):
        return value
    http_url(value)
    if not context[ALLOW_LINK_LOCAL] and link_local_host(urlsplit(value).hostname or ""):
        raise ValueError(f"a link-local address is no webhook target; {LINK_LOCAL_HINT}")
    return value


RedirectUri = Annotated[str, AfterValidator(_redirect_uri)]
WebhookUrl = Annotated[str, AfterValidator(_webhook_url)]
