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
from xml.etree.ElementTree import Element, SubElement

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


# A carriage return is written as a reference so that a reader gets it back, not a newline.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#09;",
    }
)


class Raw(Element):
    """Elements already written as XML text (see `raw`)."""


def raw(parent: Element, written: str) -> None:
    """Put XML already written (and escaped, with `escape`) inside `parent`: for the long
    lists of a reply, written as text because building them element by element is slow."""
    if written:
        node = Raw("raw")
        node.text = written
        parent.append(node)


def escape(text: str) -> str:
    return text.translate(_TEXT)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def serialize(reply: Element) -> bytes:
    """The reply as UTF-8 bytes, with its declaration. Our own writer rather than
    ElementTree's: a reply has no namespaces to resolve (its one prefixed attribute is written
    as named), and ElementTree's general writer took most of a large poll's time."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + written(reply)).encode()


def written(element: Element) -> str:
    """The element as XML text (to keep, and put into a reply with `raw`)."""
    out: list[str] = []
    _write(element, out)
    return "".join(out)


def _write(element: Element, out: list[str]) -> None:
    if type(element) is Raw:
        out.append(element.text or "")
        return
    out.append("<" + element.tag)
    for name, value in element.items():
        out.append(f' {name}="{value.translate(_ATTRIBUTE)}"')
    text = element.text
    if text is None and not len(element):
        out.append("/>")
        return
    out.append(">")
    if text is not None:
        out.append(text.translate(_TEXT))
    for child in element:
        _write(child, out)
    out.append(f"</{element.tag}>")


class XMLResponse(Response):
    media_type = MEDIA_TYPE

    def __init__(
        self, reply: Element, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        status = int(reply.get("status", "200").split()[0])
        super().__init__(
            serialize(reply), status_code=status, headers=dict(headers or {}), **kwargs
        )
