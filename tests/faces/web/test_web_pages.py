"""Every page template renders with its sample context into a page a person and a screen reader
can use: labelled inputs, CSRF tokens in every POST form, user-supplied names shown as text,
nothing loaded from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from jinja2 import UndefinedError

from sandbox.faces.web.pages import (
    STATIC_DIR,
    STATIC_URL,
    colour,
    initials,
    ink,
    on_white,
    render,
    templates,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
URL = re.compile(r"\b(?:https?:)?//[^\s\"'<>)]+", re.IGNORECASE)


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.forms: list[dict[str, Any]] = []
        self.labels_for: set[str] = set()
        self.ids: list[str] = []
        self.scripts: list[dict[str, str]] = []
        self.script_text = ""
        self._in_script = False
        self._in_h1 = False
        self.h1_text: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "form":
            self.forms.append({"attrs": attributes, "fields": []})
        elif tag in {"input", "select", "textarea", "button"} and self.forms:
            self.forms[-1]["fields"].append((tag, attributes))
        elif tag == "label" and "for" in attributes:
            self.labels_for.add(attributes["for"])
        elif tag == "script":
            self.scripts.append(attributes)
            self._in_script = True
        elif tag == "h1":
            self._in_h1 = True
            self.h1_text.append("")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        elif tag == "h1":
            self._in_h1 = False
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text += data
        if self._in_h1:
            self.h1_text[-1] += data
        if self._in_title:
            self.title += data

    def controls(self) -> list[tuple[str, dict[str, str]]]:
        """Inputs a person fills in or picks (not hidden fields, not buttons)."""
        return [
            (tag, attrs)
            for tag, attrs in self.tags
            if tag in {"select", "textarea"}
            or (tag == "input" and attrs.get("type", "text") not in {"hidden", "submit", "button"})
        ]


def rendered(sample) -> str:
    return render(sample.template, **sample.context)


# Script URLs a face's code writes (never a name from a scenario), kept as they are.
SCRIPT_URLS = {"src", "widget_url", "demo_url"}
# Where a page's scripts come from: the web face's static files, the Kontomatik face's.
SCRIPT_PLACES = (STATIC_URL + "/", "/kontomatik/assets/")


def poisoned(value: Any) -> Any:
    """The same context with every string replaced by a script tag."""
    if isinstance(value, str):
        return SCRIPT
    if isinstance(value, dict):
        return {key: item if key in SCRIPT_URLS else poisoned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [poisoned(item) for item in value]
    return value


def page_templates() -> set[str]:
    """Every template a route renders: not base.html, nor partials (names starting with _)."""
    return {
        name
        for name in templates.list_templates(extensions=["html"])
        if name != "base.html" and not name.rsplit("/", 1)[-1].startswith("_")
    }


def test_every_page_template_has_a_sample(all_samples):
    assert page_templates() == {sample.template for sample in all_samples}
    assert len(page_templates()) == 17


def test_the_page_renders_a_whole_document(sample):
    html = rendered(sample)
    page = Page(html)
    html_tag = dict(page.tags)["html"]
    assert html_tag["lang"] == "en"
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in (
        page.tags
    )
    assert page.title.strip()
    assert len(page.h1_text) == 1 and page.h1_text[0].strip()
    assert "bank-sandbox · test environment, no real bank" in html
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"


def test_every_input_has_a_label(sample):
    page = Page(rendered(sample))
    unlabelled = [
        attrs.get("name") for _, attrs in page.controls() if attrs.get("id") not in page.labels_for
    ]
    assert unlabelled == []


def test_every_post_form_carries_the_csrf_token_and_no_get_form_does(sample):
    page = Page(rendered(sample))
    for form in page.forms:
        method = form["attrs"].get("method", "get").lower()
        tokens = [
            attrs.get("value")
            for tag, attrs in form["fields"]
            if tag == "input" and attrs.get("name") == "csrf_token"
        ]
        if method == "post":
            assert tokens == [sample.context["csrf_token"]], form["attrs"]
            assert form["attrs"]["action"], "a POST form without a target"
        else:
            assert tokens == [], "a GET form would put the CSRF token into the URL"


def test_no_link_ends_a_session(sample):
    """Leaving uses the session up: a link there would let a prefetcher end it."""
    page = Page(rendered(sample))
    links = [attrs.get("href", "") for tag, attrs in page.tags if tag == "a"]
    assert [href for href in links if href.rstrip("/").endswith("/leave")] == []


def test_the_way_back_to_the_client_is_a_posted_button(all_samples):
    leaving = [s for s in all_samples if s.context.get("leave_url")]
    assert {s.template for s in leaving} == {"manage/list.html", "error.html"}
    for sample in leaving:
        forms = [
            f
            for f in Page(rendered(sample)).forms
            if f["attrs"]["action"] == sample.context["leave_url"]
        ]
        assert len(forms) == 1 and forms[0]["attrs"]["method"] == "post", sample.name
        labels = {"manage/list.html": "Done", "error.html": "Return to Demo Finance"}
        assert labels[sample.template] in rendered(sample), sample.name


def test_names_from_scenarios_render_as_text(sample):
    html = render(sample.template, **poisoned(sample.context))
    assert SCRIPT not in html
    assert ESCAPED_SCRIPT in html
    page = Page(html)
    assert page.script_text.strip() == "", "a page has inline script"
    assert all(script.get("src", "").startswith(SCRIPT_PLACES) for script in page.scripts)


def test_a_colour_that_is_not_hex_never_reaches_a_style_attribute(sample):
    html = render(sample.template, **poisoned(sample.context))
    for tag, attrs in Page(html).tags:
        assert "<" not in attrs.get("style", ""), tag


def test_no_page_links_or_loads_anything_from_another_host(sample):
    html = rendered(sample)
    foreign = [url for url in URL.findall(html) if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert foreign == []


def test_every_static_file_a_page_names_exists(sample):
    page = Page(rendered(sample))
    for tag, attrs in page.tags:
        reference = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if reference and reference.startswith(STATIC_URL + "/"):
            assert (STATIC_DIR / urlsplit(reference).path.removeprefix(STATIC_URL + "/")).is_file()


@pytest.mark.parametrize("path", sorted(p.name for p in STATIC_DIR.iterdir()))
def test_no_static_file_loads_anything_from_another_host(path):
    text = (STATIC_DIR / path).read_text()
    foreign = [url for url in URL.findall(text) if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert foreign == []
    assert "@import" not in text and "@font-face" not in text


def test_bank_pages_wear_the_bank_colours_not_the_platform_chrome(all_samples):
    for sample in all_samples:
        if sample.template.startswith("bank/"):
            html = rendered(sample)
            assert 'class="topbar"' not in html and "Universal Bank Access" not in html
            assert f"--bank: {sample.context['bank']['colour']};" in html
            assert sample.context["bank"]["name"] in Page(html).title


def test_connect_pages_show_where_the_user_is(all_samples):
    steps = {
        "connect/banks.html": "Bank",
        "connect/account_type.html": "Bank",
        "connect/credentials.html": "Login",
        "connect/already_connected.html": "Login",
        "connect/sca_method.html": "Verify",
        "connect/sca_otp.html": "Verify",
        "connect/sca_wait.html": "Verify",
        "connect/consent.html": "Consent",
        "connect/history.html": "Consent",
    }
    for sample in all_samples:
        if sample.template in steps:
            current = re.search(r'aria-current="step">.*?</li>', rendered(sample), re.DOTALL)
            assert current and steps[sample.template] in current.group(0), sample.name


def test_a_missing_context_variable_is_an_error_not_a_blank():
    with pytest.raises(UndefinedError):
        render("error.html", brand={"name": "x", "colour": "#000000"}, csrf_token="t", lang="en")


def test_bank_logo_initials():
    assert initials("Nordlicht Sparbank") == "NS"
    assert initials("Bank Wiślany") == "BW"
    assert initials("Cigale") == "CI"
    assert initials("ING-DiBa Direkt") == "ID"
    assert initials("") == "?"


def test_colours_are_sanitised_and_stay_readable():
    assert colour("#5b3cc4") == "#5b3cc4"
    assert colour("red; background: url(x)") == "#1f6feb"
    assert ink("#0f4c81") == "#ffffff"
    assert ink("#f5c451") == "#111827"
    assert on_white("#0f4c81") == "#0f4c81"
    assert on_white("#ffe082") != "#ffe082"  # a pale yellow is darkened before it is text
