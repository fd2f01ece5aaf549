"""The face's XML writer: whatever text and attribute values a reply carries (a bank's
counterparty names, a user's wording), what it writes parses back to the same tree."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement

from defusedxml import ElementTree
from hypothesis import given
from hypothesis import strategies as st

from sandbox.faces.kontomatik import xml

# Characters XML 1.0 may carry (no controls but tab, newline, carriage return; no surrogates).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n&<>\"'"),
    max_size=20,
)
TAGS = st.sampled_from(["reply", "owner", "name", "moneyTransaction", "title"])


@st.composite
def trees(draw, depth: int = 3) -> Element:
    element = Element(draw(TAGS), draw(st.dictionaries(st.sampled_from(["id", "name", "x"]), TEXT)))
    element.text = draw(st.none() | TEXT.filter(bool))
    if depth:
        for _ in range(draw(st.integers(0, 3))):
            element.append(draw(trees(depth - 1)))
    return element


def same(ours, theirs) -> bool:
    return (
        ours.tag == theirs.tag
        and dict(ours.attrib) == dict(theirs.attrib)
        and (ours.text or None) == (theirs.text or None)
        and len(ours) == len(theirs)
        and all(same(a, b) for a, b in zip(ours, theirs, strict=True))
    )


@given(trees())
def test_what_is_written_parses_back_the_same(tree):
    written = xml.serialize(tree)
    assert written.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    assert same(ElementTree.fromstring(written), tree)


@given(TEXT.filter(bool))
def test_text_written_ahead_is_kept_as_written(text):
    parent = Element("moneyTransactions")
    xml.raw(parent, f"<moneyTransaction><title>{xml.escape(text)}</title></moneyTransaction>")
    SubElement(parent, "after")
    parsed = ElementTree.fromstring(xml.serialize(parent))
    assert [child.tag for child in parsed] == ["moneyTransaction", "after"]
    assert parsed.find("moneyTransaction/title").text == text


def test_an_empty_element_closes_itself_as_kontomatiks_do():
    element = Element("directDebit", {"available": "true"})
    assert xml.serialize(element).endswith(b'<directDebit available="true"/>')
