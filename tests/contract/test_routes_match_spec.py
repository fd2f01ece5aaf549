"""The app's routes and openapi.yaml's operations are the same list."""

from pathlib import Path

import yaml
from starlette.routing import Mount, Route

from sandbox.app import UPLOAD_PATHS, create_app
from sandbox.faces.kontomatik.json_errors import PATHS as KONTOMATIK_JSON

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def app_operations(routes, prefix: str = "") -> set[tuple[str, str]]:
    found = set()
    for route in routes:
        if isinstance(route, Mount):
            found |= app_operations(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            found |= {
                (method, prefix + route.path) for method in route.methods - {"HEAD", "OPTIONS"}
            }
    return found


def spec_operations() -> set[tuple[str, str]]:
    paths = yaml.safe_load(SPEC.read_text())["paths"]
    return {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in HTTP_METHODS
    }


def test_every_route_is_in_the_spec_and_every_operation_is_served(platform):
    served = app_operations(create_app(platform).routes)
    documented = spec_operations()
    assert sorted(served - documented) == [], "routes missing from openapi.yaml"
    assert sorted(documented - served) == [], "operations in openapi.yaml that the app lacks"


def test_every_operation_has_an_id_and_documented_responses():
    paths = yaml.safe_load(SPEC.read_text())["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                assert operation.get("operationId"), f"{method} {path} has no operationId"
                assert operation.get("responses"), f"{method} {path} has no responses"


# Served without the database, so never too busy to answer.
WITHOUT_DATABASE = {
    "/healthz",
    "/openapi.yaml",
    "/connect/",
    "/kontomatik/signin/done",
    "/kontomatik/assets/{name}",
}
# The Kontomatik face's pages (HTML) and its JSON endpoints, beside its XML API.
KONTOMATIK_PAGES = ("/kontomatik/signin", "/kontomatik/demo")
KONTOMATIK_SIGNIN = ("/kontomatik/v1/signin/",)  # SignIn Redirection: JSON


def test_every_operation_that_uses_the_database_documents_the_busy_answer():
    """A sandbox whose connections all stay busy answers 503 (tests/faces/test_faces_busy.py):
    the spec says so for each operation, in the face's own format."""
    paths = yaml.safe_load(SPEC.read_text())["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in HTTP_METHODS or path in WITHOUT_DATABASE:
                continue
            busy = operation["responses"].get("503", {}).get("$ref", "")
            expected = "WebUnavailable" if path.startswith(("/connect", "/bank")) else "Unavailable"
            if path.startswith("/powens/"):  # Powens' webview is pages, its API Powens' JSON
                expected = "WebUnavailable" if "/webview/" in path else "PowensUnavailable"
            if path.startswith("/kontomatik/"):  # Kontomatik's XML, or JSON for its JSON products
                json_product = KONTOMATIK_JSON.fullmatch(path) or path.startswith(KONTOMATIK_SIGNIN)
                expected = "KontomatikJsonUnavailable" if json_product else "KontomatikUnavailable"
            if path.startswith(KONTOMATIK_PAGES):
                expected = "WebUnavailable"
            assert busy == f"#/components/responses/{expected}", f"{method} {path}: 503 is {busy!r}"


def test_every_operation_documents_the_edge_refusals():
    """Any request may carry a Host the sandbox does not answer to (403), and any body sent to
    a JSON API that is not labelled JSON is a 415 (tests/middleware), but for the statement
    uploads, which take files of any media type."""
    paths = yaml.safe_load(SPEC.read_text())["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation["responses"]
            assert "403" in responses, f"{method} {path} does not document 403"
            takes_json = not UPLOAD_PATHS.fullmatch(path.replace("{user_id}", "u1"))
            if path.startswith(("/api/", "/_sandbox/")) and method != "get" and takes_json:
                assert responses.get("415", {}).get("$ref", "").endswith("/UnsupportedMediaType"), (
                    f"{method} {path} does not document 415"
                )
