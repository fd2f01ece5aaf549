"""Kept pages (`sandbox/faces/web/stencils.py`): a page copied for another flow is the page that
flow's own render would give, byte for byte, and it carries that flow's secrets only."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hosted_ui import h1
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from sandbox.faces.web.stencils import Stencils

# Secrets as a face makes them (token_urlsafe), and text that may hold them, bits of them, or
# characters that escaping or URL quoting change.
ALPHABET = string.ascii_letters + string.digits + "-_"
secrets = st.text(ALPHABET, min_size=16, max_size=48)
texts = st.text(string.ascii_letters + "<>&\"'/ %é-_", max_size=12)

# Every way a template shows a value: escaped text, an attribute, a URL, a loop, a test.
TEMPLATE = """<a href="/x/{{ url|urlencode }}" title="{{ text }}">{{ text }}</a>
{% for item in items %}<li data-n="{{ item.n }}">{{ item.label }}{% if item.flag %}!{% endif %}</li>{% endfor %}
{{ markup }} {{ when }} {{ number }} {{ token }}"""
ENVIRONMENT = Environment(loader=DictLoader({"page.html": TEMPLATE}), autoescape=True)


def render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    page = ENVIRONMENT.get_template(name).render(**context)
    return page, f"policy of {len(page)} characters"


def items(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    number = st.one_of(st.integers(0, 3), st.booleans())
    return st.fixed_dictionaries({"n": number, "label": text, "flag": st.booleans()})


@st.composite
def contexts(draw: st.DrawFn, held: list[str]) -> dict[str, Any]:
    """A context whose text may hold the secrets anywhere."""
    pieces = st.one_of(texts, st.sampled_from(held))
    text = st.lists(pieces, max_size=4).map("".join)
    return {
        "url": draw(text),
        "text": draw(text),
        "token": draw(st.sampled_from(held)),
        "items": draw(st.lists(items(text), max_size=3)),
        "markup": Markup(draw(st.sampled_from(["<b>bold</b>", "&amp;"]))),
        "when": draw(
            st.sampled_from(
                [
                    datetime(2026, 1, 1, 12, tzinfo=UTC),
                    datetime(2026, 1, 1, 13, tzinfo=timezone(timedelta(hours=1))),
                    date(2026, 1, 1),
                ]
            )
        ),
        "number": draw(st.sampled_from([1, 1.0, True])),
    }


@settings(max_examples=300, deadline=None)
@given(data=st.data(), first=st.lists(secrets, min_size=1, max_size=2, unique=True))
def test_a_kept_page_is_what_rendering_its_context_gives(data: st.DataObject, first: list[str]):
    stencils = Stencils(render, size=4)
    # Another flow's secrets: the same lengths, as a face's always are.
    second = [data.draw(st.text(ALPHABET, min_size=len(s), max_size=len(s))) for s in first]
    for held in (first, second, first):
        context = data.draw(contexts(held))
        assert stencils("page.html", context, held) == render("page.html", context)


def test_a_page_is_rendered_once_for_every_flow_at_the_same_step():
    made = []

    def counted(name: str, context: dict[str, Any]) -> tuple[str, str]:
        made.append(name)
        return render(name, context)

    stencils = Stencils(counted)
    for flow in range(5):
        session, token = f"session{flow:02d}" + "s" * 22, f"token{flow:02d}" + "t" * 30
        context = {"url": f"/connect/{session}/login", "text": "Log in", "token": token,
                   "items": [{"n": 1, "label": f"/connect/{session}", "flag": True}],
                   "markup": "", "when": date(2026, 1, 1), "number": 1}  # fmt: skip
        page = stencils("page.html", context, [session, token])
        assert page == render("page.html", context)
    assert made == ["page.html"]


def test_values_that_only_compare_equal_do_not_share_a_page():
    stencils = Stencils(render)
    held = ["a" * 20]
    for number in (1, True, 1.0):
        context = {"url": "", "text": "", "token": "", "items": [], "markup": "",
                   "when": date(2026, 1, 1), "number": number}  # fmt: skip
        assert stencils("page.html", context, held) == render("page.html", context)
    for markup in (Markup("<b>"), "<b>"):
        context["markup"] = markup
        assert stencils("page.html", context, held) == render("page.html", context)
    noon = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for when in (noon, noon.astimezone(timezone(timedelta(hours=1)))):  # one instant
        context["when"] = when
        assert stencils("page.html", context, held) == render("page.html", context)


def test_a_secret_escaping_would_change_or_too_short_to_be_unique_is_rendered_afresh():
    made = []

    def counted(name: str, context: dict[str, Any]) -> tuple[str, str]:
        made.append(context["token"])
        return render(name, context)

    stencils = Stencils(counted)
    for held in (["a&b" * 8], ["short"]):
        context = {"url": held[0], "text": held[0], "token": held[0], "items": [],
                   "markup": "", "when": date(2026, 1, 1), "number": 1}  # fmt: skip
        for _ in range(2):
            assert stencils("page.html", context, held) == render("page.html", context)
    assert made == ["a&b" * 8] * 2 + ["short"] * 2  # each look rendered, with the real secret


def test_two_flows_at_the_same_step_each_see_only_their_own_session(hosted):
    first, second = hosted(user="u1"), hosted(user="u2")
    for session in (first, second, first):
        session.to_sca()
    pages = {session.id: session.get().text for session in (first, second)}
    for session, other in ((first, second), (second, first)):
        page = pages[session.id]
        assert f'value="{session.csrf}"' in page and session.id in page
        assert other.id not in page and other.csrf not in page
    # The same page but for the secrets: one swapped for the other reads the same.
    swapped = pages[first.id].replace(first.id, second.id).replace(first.csrf, second.csrf)
    assert swapped == pages[second.id]


def test_a_kept_page_still_follows_what_the_user_typed(hosted):
    session = hosted()
    session.to_sca()
    session.post("/sca/method", method="sms")
    wrong = session.post("/sca/otp", otp="000000")
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    assert re.search(r"\b2 attempts? left\b", wrong.text), wrong.text
    again = session.post("/sca/otp", otp="000001")
    assert re.search(r"\b1 attempt left\b", again.text), again.text
    assert h1(session.follow(session.post("/sca/otp", otp="123456"))).startswith("Allow ")
