"""The URL rule shared by the scenario schema and the control API."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from sandbox.urls import (
    RedirectUri,
    WebhookUrl,
    http_url,
    link_local_host,
    registration_context,
    web_origin,
)

SCHEMES = st.from_regex(r"[a-z][a-z0-9+.-]{0,10}", fullmatch=True).filter(
    lambda scheme: scheme not in ("http", "https")
)


@given(scheme=SCHEMES)
def test_no_scheme_but_http_and_https_is_a_url_to_register(scheme):
    with pytest.raises(ValueError, match="give an http:// or https:// URL"):
        http_url(f"{scheme}://app.example/callback")


@given(scheme=st.sampled_from(["http", "https"]), port=st.integers(1, 65535))
def test_http_and_https_urls_with_a_host_are_kept_as_given(scheme, port):
    url = f"{scheme}://app.example:{port}/callback?x=1"
    assert http_url(url) == url


@pytest.mark.parametrize("url", ["http://", "http:///path", "https://:443/x", "http://[zz]/"])
def test_a_url_needs_a_host(url):
    with pytest.raises(ValueError):
        http_url(url)


@given(address=st.ip_addresses())
def test_link_local_means_169_254_and_fe80(address):
    expected = address in ipaddress.ip_network("169.254.0.0/16") or (
        address.version == 6 and address in ipaddress.ip_network("fe80::/10")
    )
    assert link_local_host(str(address)) == expected


def test_an_ipv4_mapped_metadata_address_is_link_local_too():
    assert link_local_host("::ffff:169.254.169.254")
    assert not link_local_host("metadata.google.internal")  # names are checked at delivery


REFUSING, ALLOWING = registration_context(False), registration_context(True)


def test_webhooks_to_link_local_addresses_need_the_setting():
    webhook = TypeAdapter(WebhookUrl)
    metadata = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(ValidationError, match="SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL=1"):
        webhook.validate_python(metadata, context=REFUSING)
    with pytest.raises(ValidationError):
        webhook.validate_python("http://[fe80::1%25eth0]:8080/hook", context=REFUSING)
    assert webhook.validate_python(metadata, context=ALLOWING) == metadata
    with pytest.raises(ValidationError, match="give an http:// or https:// URL"):
        webhook.validate_python("file:///etc/passwd", context=ALLOWING)


def test_redirect_uris_may_name_any_host():
    metadata = "http://169.254.169.254/callback"  # where a browser goes is the browser's business
    assert TypeAdapter(RedirectUri).validate_python(metadata, context=REFUSING) == metadata


def test_what_the_sandbox_stored_is_not_judged_again():
    """A tenant registered under older rules still loads: without the registration context
    (data read back from the database) the rule is not applied."""
    assert TypeAdapter(RedirectUri).validate_python("myapp://callback") == "myapp://callback"
    assert TypeAdapter(WebhookUrl).validate_python("http://169.254.169.254/") is not None


@pytest.mark.parametrize(
    "origin", ["https://shop.example", "http://127.0.0.1:5000", "http://localhost:8000"]
)
def test_an_origin_is_a_scheme_a_host_and_a_port(origin):
    assert web_origin(origin) == origin


@pytest.mark.parametrize(
    "value",
    [
        "https://shop.example/",
        "https://shop.example/path",
        "*",
        "null",
        "javascript:alert(1)",
        "https://shop.example 'self'",
        "https://shop.example;script-src *",
        "https://a.example\r\nX-Frame-Options: ALLOW",
        "ftp://shop.example",
        "https://user@shop.example",
    ],
)
def test_anything_else_is_no_origin(value):
    with pytest.raises(ValueError):
        web_origin(value)


@given(value=st.text(max_size=80))
def test_an_accepted_origin_cannot_widen_a_policy_or_split_a_header(value):
    """What a page may name as its framer goes into a header as it is: an origin accepted has
    no space, quote, semicolon, comma or line break in it."""
    try:
        accepted = web_origin(value)
    except ValueError:
        return
    assert not set(accepted) & set(" \t\r\n;,'\"*")
