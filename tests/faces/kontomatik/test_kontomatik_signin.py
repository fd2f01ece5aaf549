"""The SignIn Widget's iframe over HTTP: the entry `/kontomatik/signin` opens a flow on the
hosted pages for the embedding origin, the pages are framed by that origin only, and the flow
ends on `/kontomatik/signin/done`, whose script posts the session (or the exception) to that
origin."""

from __future__ import annotations

import html
import json
import re
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from sandbox.domain.outcome import Outcome
from sandbox.domain.progress import FlowError
from sandbox.faces.callbacks import callback_url
from sandbox.faces.kontomatik.callback import EXCEPTIONS, OTHER, exception_of
from sandbox.testing.hosted import CSRF, HostedPages

ORIGIN = "https://shop.example"
CLIENT = "demo-test"


def entry(http, **params: str):
    given = {"client": CLIENT, "origin": ORIGIN, **params}
    return http.get(f"/kontomatik/signin?{urlencode(given)}", follow_redirects=False)


def frame_policy(answer) -> tuple[str, str | None]:
    """The page's frame-ancestors and its X-Frame-Options."""
    policy = answer.headers["content-security-policy"]
    found = re.search(r"frame-ancestors ([^;]+)", policy)
    assert found, policy
    return found.group(1), answer.headers.get("x-frame-options")


def script_data(answer, name: str) -> dict[str, str]:
    """The data-* attributes of the page's <script src=".../name">."""
    tag = re.search(rf'<script src="/kontomatik/assets/{name}\?v=[0-9a-f]+"([^>]*)>', answer.text)
    assert tag, answer.text[:2000]
    return {
        key: html.unescape(value)
        for key, value in re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(1))
    }


def posted(answer) -> dict:
    """What the done page posts to the embedding page, and where to."""
    data = script_data(answer, "signin-done.js")
    return {"origin": data["origin"], **json.loads(data["message"])}


class Widget(HostedPages):
    """The hosted pages inside the widget's iframe."""

    def sign_in(self, bank: str | None = "rheinwert-bank", login: str = "good"):
        """Through to the consent; the answer that leaves the flow (to the done page)."""
        if bank is not None:
            assert self.get(f"/banks/{bank}").status_code == 303
        self.choose_checking()
        assert self.post("/login", login=login, password="pass").status_code == 303
        app = re.search(r'href="(/bank/[^/"]+/app/[^"]+)"', self.page().text)
        if app:  # a decoupled bank: approve in its app
            token = CSRF.search(self.client.get(app[1]).text)
            assert token, "no form in the bank's app"
            approved = self.client.post(
                f"{app[1]}/approve", data={"csrf_token": token[1]}, follow_redirects=False
            )
            assert approved.status_code in (200, 303), approved.text[:300]
        else:
            if "sca/method" in self.page().text:
                assert self.post("/sca/method", method="sms").status_code == 303
            assert self.post("/sca/otp", otp="123456").status_code == 303
        return self.post("/consent", accounts=self.offered_accounts())

    def choose_checking(self) -> None:
        if "/account-type" in self.page().text:
            assert self.post("/account-type", account_type="checking").status_code == 303

    def done(self, answer):
        assert answer.status_code == 303, answer.text[:300]
        location = answer.headers["location"]
        assert location.startswith("/kontomatik/signin/done?"), location
        page = self.client.get(location)
        assert page.status_code == 200, page.text[:300]
        return page


def test_the_entry_opens_the_bank_list_framed_by_the_embedding_origin_only(client):
    widget = Widget(client, entry(client, country="all"))
    page = widget.page()
    assert "Choose your bank" in page.text
    assert frame_policy(page) == (ORIGIN, None)
    events = script_data(page, "signin-events.js")
    assert events["origin"] == ORIGIN and events["events"] == "initialized started"


def test_every_other_page_stays_unframeable(client):
    for path in ("/connect/", "/kontomatik/demo", "/connect/not-a-session"):
        answer = client.get(path)
        assert frame_policy(answer) == ("'none'", "DENY"), path


def test_a_flow_opened_by_another_face_is_not_framed_and_has_no_widget_script(client, platform):
    tenant = platform.tenants.get("demo")
    made = platform.flows.open_connect(
        tenant, face="native", external_user_id="u1",
        redirect_uri="http://127.0.0.1:3000/callback", state=None, options={},
    )  # fmt: skip
    page = client.get(f"/connect/{made.id}")
    assert frame_policy(page) == ("'none'", "DENY")
    assert "signin-events.js" not in page.text


def test_a_sign_in_ends_on_the_done_page_with_a_session_for_a_new_owner(client, platform):
    widget = Widget(client, entry(client))
    page = widget.done(widget.sign_in())
    assert frame_policy(page) == (ORIGIN, None)
    message = posted(page)
    assert message["origin"] == ORIGIN
    success = message["kontomatik"]
    assert success["target"] == "RheinwertBankApi_de"
    assert re.fullmatch(r"\d{10}", success["sessionId"])
    assert re.fullmatch(r"[0-9a-f]{64}", success["sessionIdSignature"])
    owner = success["options"]["ownerExternalId"]
    assert owner.startswith("kontomatik-") and uuid.UUID(owner.removeprefix("kontomatik-"))
    assert success["options"]["officialName"] == "Rheinwert Bank"
    assert "multipleAccessId" not in success["options"]
    tenant = platform.tenants.get("demo")
    held = platform.bank_sessions.resolve(
        tenant, success["sessionId"], success["sessionIdSignature"]
    )
    assert held.external_user_id == owner and held.access_id is None


def test_the_owner_given_is_the_sessions_owner(client):
    widget = Widget(client, entry(client, ownerExternalId="owner-42"))
    success = posted(widget.done(widget.sign_in()))["kontomatik"]
    assert success["options"]["ownerExternalId"] == "owner-42"


def test_the_hosted_pages_tell_the_widget_as_the_user_moves_on(client):
    widget = Widget(client, entry(client, target="BankWislany"))
    page = widget.page()  # straight to the bank's choice of account
    assert "Which account do you want to connect?" in page.text
    events = script_data(page, "signin-events.js")
    assert events["events"] == "initialized started targetSelected"
    assert events["target"] == "BankWislany" and events["official-name"] == "Bank Wiślany"
    widget.choose_checking()
    assert widget.post("/login", login="good", password="pass").status_code == 303
    assert "credentialEntered" in script_data(widget.page(), "signin-events.js")["events"]


def test_a_web_target_signs_in_through_the_web_source(client):
    widget = Widget(client, entry(client, target="BankWislany"))
    success = posted(widget.done(widget.sign_in(bank=None, login="good")))["kontomatik"]
    assert success["target"] == "BankWislany"


def test_multiple_access_offers_psd2_banks_and_hands_over_the_access(client, platform):
    widget = Widget(client, entry(client, accessMode="MULTIPLE", country="pl"))
    listed = widget.page().text
    assert "Bank Wiślany" in listed and "Bursztyn Bank" not in listed  # web only
    success = posted(widget.done(widget.sign_in(bank="bank-wislany")))["kontomatik"]
    assert success["target"] == "BankWislanyApi"
    assert re.fullmatch(r"[0-9a-f]{32}", success["options"]["multipleAccessId"])


def test_mixed_access_stands_only_for_a_psd2_target(client):
    web = Widget(client, entry(client, accessMode="MIXED", target="BankWislany"))
    assert (
        "multipleAccessId" not in posted(web.done(web.sign_in(bank=None)))["kontomatik"]["options"]
    )
    api = Widget(
        client, entry(client, accessMode="mixed", target="BankWislanyApi", ownerExternalId="o2")
    )
    assert "multipleAccessId" in posted(api.done(api.sign_in(bank=None)))["kontomatik"]["options"]


def test_the_country_narrows_the_bank_list(client):
    listed = Widget(client, entry(client, country="pl")).page().text
    assert "Bank Wiślany" in listed and "Rheinwert Bank" not in listed


def test_an_unknown_target_is_posted_as_unsupported_and_opens_no_flow(client):
    answer = entry(client, target="PkoApi", country="pl")
    assert answer.status_code == 200
    assert frame_policy(answer) == (ORIGIN, None)
    assert posted(answer) == {
        "origin": ORIGIN,
        "kontomatik": {"unsupportedTarget": {"target": "PkoApi", "country": "pl", "address": None}},
    }


def test_a_web_target_in_multiple_access_is_unsupported(client):
    answer = entry(client, target="BankWislany", accessMode="MULTIPLE")
    assert "unsupportedTarget" in posted(answer)["kontomatik"]


def test_a_failed_sign_in_posts_the_kontomatik_exception(client):
    widget = Widget(client, entry(client, ownerExternalId="owner-down"))
    assert widget.get("/banks/rheinwert-bank").status_code == 303
    assert widget.post("/login", login="bank-down", password="pass").status_code == 303
    page = widget.done(widget.post("/leave"))
    assert posted(page)["kontomatik"] == {
        "error": {
            "exception": "ServiceTemporarilyUnavailable",
            "options": {"ownerExternalId": "owner-down"},
        }
    }


def test_cancelling_posts_cancelled(client):
    widget = Widget(client, entry(client))
    error = posted(widget.done(widget.post("/cancel")))["kontomatik"]["error"]
    assert error["exception"] == "Cancelled"


def test_the_way_back_spelt_twice_names_the_same_session(client, platform):
    widget = Widget(client, entry(client))
    first = parse_qs(urlsplit(widget.sign_in().headers["location"]).query)
    flow_id = widget.url.rsplit("/", 1)[1]
    trace = platform.flows.trace(flow_id)  # a used session's way back (an error page's link)
    assert trace.exit is not None
    tenant = platform.tenants.get("demo")
    assert platform.bank_sessions.sign_in_after(tenant, flow_id).secret == first["sessionId"][0]
    again = parse_qs(urlsplit(callback_url(platform, trace.exit)).query)
    assert again["origin"] == first["origin"]


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"client": "nobody-test"}, 404, "Kontomatik client"),
        ({"origin": "https://shop.example/path"}, 400, "origin"),
        ({"origin": "javascript:alert(1)"}, 400, "origin"),
        ({"accessMode": "SOMETIMES"}, 400, "accessMode"),
        ({"country": "Poland"}, 400, "country"),
        ({"locale": "<b>"}, 400, "locale"),
        ({"showFavicons": "maybe"}, 400, "showFavicons"),
        ({"colour": "red"}, 400, "unknown parameter"),
        ({"country": "jp"}, 400, "no bank"),
    ],
)
def test_a_bad_entry_is_an_error_page(client, params, says, status):
    answer = entry(client, **params)
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert says in html.unescape(answer.text)


def test_an_entry_error_shows_in_the_frame_only_for_a_real_origin(client):
    assert frame_policy(entry(client, accessMode="X")) == (ORIGIN, None)
    assert frame_policy(entry(client, origin="https://a.example/x")) == ("'none'", "DENY")


def test_the_done_page_needs_an_origin_and_is_framed_by_it_only(client):
    bad = client.get("/kontomatik/signin/done?origin=*&exception=Cancelled")
    assert bad.status_code == 400 and frame_policy(bad) == ("'none'", "DENY")
    good = client.get(f"/kontomatik/signin/done?{urlencode({'origin': ORIGIN, 'exception': 'X'})}")
    assert good.status_code == 200 and frame_policy(good) == (ORIGIN, None)


def test_each_neutral_failure_has_a_kontomatik_exception_and_the_rest_one_name():
    assert exception_of(Outcome.cancelled()) == "Cancelled"
    for code, name in EXCEPTIONS.items():
        assert exception_of(Outcome.failure(FlowError(code, "…"))) == name
    assert exception_of(Outcome.failure(FlowError("something_new", "…"))) == OTHER
    assert EXCEPTIONS["wrong_credentials"] == "InvalidCredentials"
    assert EXCEPTIONS["action_needed"] == "ManualActionRequired"
    assert EXCEPTIONS["rate_limited"] == "AccessTemporarilyBlocked"
    assert EXCEPTIONS["error"] == "AccessBlocked"
