"""Kontomatik's XML replies: a `<reply>` root whose `status` repeats the HTTP status, the
client's name as `user`, the owner's id where the reply is about one, the time of the reply,
and the schema of the reply's kind (reference/kontomatik.md §1). Optional elements with no
value are left out, as Kontomatik does; amounts have two decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from http import HTTPStatus
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from starlette.responses import Response

SCHEMA = "https://developer.kontomatik.com/schema/v1/{}.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MEDIA_TYPE = "application/xml"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def root(
    status: int,
    moment: datetime,
    *,
    schema: str | None = None,
    user: str | None = None,
    owner: str | None = None,
) -> Element:
    attributes: dict[str, str] = {}
    if schema is not None:
        attributes["xmlns:xsi"] = XSI
        attributes["xsi:noNamespaceSchemaLocation"] = SCHEMA.format(schema)
    attributes["status"] = f"{status} {HTTPStatus(status).phrase}"
    if user is not None:
        attributes["user"] = user
    if owner is not None:
        attributes["ownerExternalId"] = owner
    attributes["responseTimestamp"] = stamp(moment)
    return Element("reply", attributes)


def child(parent: Element, tag: str, text: object = None, **attributes: object) -> Element:
    """A child element; attributes whose value is None are left out."""
    shown = {name: _text(value) for name, value in attributes.items() if value is not None}
    element = SubElement(parent, tag, shown)
    if text is not None:
        element.text = _text(text)
    return element


def value(parent: Element, tag: str, text: object) -> Element:
    """`<tag><value>text</value></tag>`, as scores are written."""
    element = SubElement(parent, tag)
    SubElement(element, "value").text = _text(text)
    return element


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class XMLResponse(Response):
    media_type = MEDIA_TYPE

    def __init__(
        self, reply: Element, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        status = int(reply.get("status", "200").split()[0])
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(reply, encoding="utf-8")
        super().__init__(body, status_code=status, headers=dict(headers or {}), **kwargs)
