"""The Powens contract: every response of the Powens face checked against Powens' own OpenAPI files.

The files are `tests/reference/powens-openapi/*.yml` (powenscompany/powens-sdks `lib/specs`, kept
unchanged; `powens-api.yml` is the root, the others are reached by cross-file `$ref`s). They are
loaded once, validated with `openapi-schema-validator`'s OAS 3.0 read validator (`nullable`,
`format`, `required`, `additionalProperties`) over a `referencing` registry of all the files.

What this module adds to the files, each for a stated reason:

- Dialect. The files say `openapi: 3.0.1` but spell some schemas the 3.1 way: `type: null`, a
  `type` list such as `[string, null]`, `oneOf: [X, {type: null}]`. They are read as the 3.0
  they mean: "X or null". As in OAS 3.0.1 ("nullable: allows sending a null value"), a nullable
  `enum` admits null (ConnectionState: "the `null` value indicates a successful sync").
- Errata (`ERRATA`): two places where the files contradict themselves or Powens' own docs.
- Formats the spec names but no library checks (`sql-date-time`, `iban`, `iso-4217`, ...), in
  `FORMATS`; `UNCHECKED_FORMATS` lists the ones left to `type`/`pattern`, with why.
- Paths: `/powens/{domain}/2.0` is stripped, and `/users/{id}/...` is matched as `/users/me/...`
  (Powens accepts `me` or the numeric id wherever the spec writes `me`).
- A status the operation does not list: an error (>= 400) must still be a ServiceError, "the
  common response format for API errors" (its `code` any string: the docs use codes, such as
  `notFound`, that no list in the spec has); any other unlisted status is a violation.

`validating(client)` checks every `/powens/{domain}/2.0/...` response an httpx client (Starlette's
`TestClient` included) receives, the moment it arrives. Operations the spec lacks are recorded
in `Contract.unspecified`, validated pairs in `Contract.validated`.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import yaml
from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import extend
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

SPEC_DIR = Path(__file__).resolve().parents[2] / "reference" / "powens-openapi"
ROOT_FILE = "powens-api.yml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# `/powens/{domain}/2.0` stands for `https://{domain}.biapi.pro/2.0`.
PREFIX = re.compile(r"^/powens/[^/]+/2\.0(?=/|$)")
NUMERIC_USER = re.compile(r"^/users/\d+(?=/|$)")


class NoBody:
    """The response carried no JSON: empty, a redirect, HTML."""

    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = NoBody()


# ---- errata -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erratum:
    file: str
    pointer: str  # JSON pointer, inside `file`, of the schema replaced
    schema: Mapping[str, Any]
    why: str


ERRATA = (
    Erratum(
        "bank-account-types.yml",
        "/components/schemas/BankAccountType/properties/id",
        {"$ref": "core.yml#/components/schemas/Id", "description": "ID of the bank account type."},
        "The file points it at CalendarBound (a date string), yet BankAccount.id_type, the "
        "account's 'Bank account type', is an Id: account type ids are integers.",
    ),
    Erratum(
        "core.yml",
        "/components/schemas/ServiceErrorCode/enum",
        [
            # the file's list, as it stands
            *["noAccount", "wrongpass", "websiteUnavailable", "tooManySync", "connectionLocked"],
            *["bankMessage", "actionNeeded", "bug", "notSupported", "config", "keymanager"],
            *["dataError", "forbidden"],
            # the common codes of Powens' errors page
            *["missingParameter", "invalidValue", "methodNotAllowed"],
        ],
        "Powens' errors page lists missingParameter, invalidValue and methodNotAllowed among the "
        "common codes of this same error object; the file's list has only sync codes.",
    ),
)


# ---- formats --------------------------------------------------------------------------------

FORMATS = FormatChecker(formats=())
for _name in ("int32", "int64", "float", "double", "regex"):
    FORMATS.checkers[_name] = oas30_format_checker.checkers[_name]
FORMATS.checkers["date"] = FormatChecker().checkers["date"]
FORMATS.checkers["uuid"] = FormatChecker().checkers["uuid"]

# Left to `type` and `pattern`, which say all the files say.
UNCHECKED_FORMATS = {
    "monetary": "a JSON number (`type: number`); the files give no precision",
    "year-month": "only in CalendarBound, whose `pattern` is ^\\d{4}-\\d{2}$",
    "year": "only in CalendarBound, whose `pattern` is ^\\d{4}$",
}

_Check = TypeVar("_Check", bound=Callable[[Any], bool])


def _strings(name: str) -> Callable[[_Check], _Check]:
    """Register a format check that only looks at strings, as JSON Schema formats do."""

    def register(check: _Check) -> _Check:
        FORMATS.checks(name)(lambda value: not isinstance(value, str) or check(value))
        return check

    return register


@_strings("sql-date-time")
def is_sql_date_time(value: str) -> bool:
    """`2024-03-01 08:12:44`, a real date and time (the pattern alone takes `2024-02-30`)."""
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return value.isascii()


@_strings("iban")
def is_iban(value: str) -> bool:
    """An IBAN in its electronic format: upper case, no spaces, a valid checksum."""
    try:
        return IBAN(value).compact == value
    except SchwiftyException:
        return False


@_strings("iso-4217")
def is_currency_code(value: str) -> bool:
    return re.fullmatch(r"[A-Z]{3}", value) is not None


@_strings("iso-3166-1-alpha-2")
def is_country_code(value: str) -> bool:
    return re.fullmatch(r"[A-Z]{2}", value) is not None


@_strings("hex-color")
def is_hex_color(value: str) -> bool:
    """Six hex digits without `#`, as Powens writes a connector's colour (`"0d72be"`)."""
    return re.fullmatch(r"[0-9a-fA-F]{6}", value) is not None


@_strings("url")
def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# JSON's integers only: an id written `17.0` is not an id on the wire. `null` is a type here
# only so that the files' `type: null` reads as itself.
_TYPES = OAS30ReadValidator.TYPE_CHECKER.redefine_many(
    {
        "integer": lambda _, value: isinstance(value, int) and not isinstance(value, bool),
        "null": lambda _, value: value is None,
    }
)
Validator = extend(OAS30ReadValidator, type_checker=_TYPES)


# ---- the files, read as OAS 3.0 ---------------------------------------------------------------


def to_oas30(node: Any) -> Any:
    """The 3.1 spellings in the files, written as the OAS 3.0 they mean (see the docstring)."""
    if isinstance(node, list):
        return [to_oas30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: value if key in ("example", "examples") else to_oas30(value)
        for key, value in node.items()
    }
    kinds = node.get("type", "")
    if kinds is None:
        node.update(type="null", nullable=True)
    elif isinstance(kinds, list):
        named = [kind for kind in kinds if kind not in (None, "null")]
        if len(named) != 1:
            raise NotImplementedError(f"a type list OAS 3.0 cannot say: {kinds}")
        node["type"] = named[0]
        if len(named) < len(kinds):
            node["nullable"] = True
    if node.get("nullable") is True and "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    if "oneOf" in node and any(_is_null(branch) for branch in node["oneOf"]):
        # "X or null": with a nullable X, oneOf would refuse the very null it means to allow.
        node["anyOf"] = node.pop("oneOf")
    return node


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _pointer_parts(pointer: str) -> list[str]:
    return [unquote(part).replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def _apply(document: dict, erratum: Erratum) -> None:
    *parents, last = _pointer_parts(erratum.pointer)
    node = document
    for part in parents:
        node = node[part]
    if last not in node:
        raise LookupError(f"erratum for a place the file does not have: {erratum.pointer}")
    node[last] = copy.deepcopy(erratum.schema)


@dataclass(frozen=True)
class Expected:
    """What the spec lists for one status of one operation."""

    status: str  # "200", "default"
    schema: str | None  # absolute $ref of the application/json schema, None when no body
    name: str  # for messages: the schema's name, e.g. "connections.yml Connection"


@dataclass(frozen=True)
class Operation:
    id: str  # the spec's operationId
    method: str  # upper case
    template: str  # as the root file writes it, e.g. /users/me/connections/{connectionId}
    responses: Mapping[str, Expected]
    path_params: Mapping[str, str]  # name -> absolute $ref of its schema
    pattern: re.Pattern[str] = field(compare=False)

    def expected(self, status: int) -> Expected | None:
        return self.responses.get(str(status)) or self.responses.get("default")

    @property
    def statuses(self) -> list[str]:
        return list(self.responses)


class Spec:
    """Powens' OpenAPI files, loaded once: operations, and a validator per schema."""

    def __init__(self, directory: Path = SPEC_DIR) -> None:
        self.directory = directory
        self.documents: dict[str, dict] = {}
        for path in sorted(directory.glob("*.yml")):
            document = to_oas30(yaml.safe_load(path.read_text(encoding="utf-8")))
            for erratum in ERRATA:
                if erratum.file == path.name:
                    _apply(document, erratum)
            self.documents[path.resolve().as_uri()] = document
        self.registry: Registry = Registry().with_resources(
            (uri, Resource(contents=document, specification=DRAFT4))
            for uri, document in self.documents.items()
        )
        self.root = (directory / ROOT_FILE).resolve().as_uri()
        self.operations = list(self._operations())
        self.service_error_any_code = self._service_error_any_code()

    def component(self, file: str, name: str) -> str:
        """The absolute $ref of a component schema, e.g. `component("connections.yml",
        "Connection")`, to check a body that is not a whole response (a webhook's parts)."""
        ref = urljoin(self.root, f"{file}#/components/schemas/{name}")
        self.resolve(ref, ref)  # LookupError when there is no such schema
        return ref

    def resolve(self, base: str, ref: str) -> tuple[str, Any]:
        """The absolute `uri#pointer` of `ref` seen from `base`, and what it points at."""
        absolute = urljoin(base, ref)
        uri, _, pointer = absolute.partition("#")
        node: Any = self.documents[uri]
        for part in _pointer_parts(pointer):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return absolute, node

    def _follow(self, base: str, node: Any) -> tuple[str, Any]:
        while isinstance(node, dict) and "$ref" in node:
            base, node = self.resolve(base, node["$ref"])
        return base, node

    def _operations(self) -> Iterator[Operation]:
        for template, item_ref in self.documents[self.root]["paths"].items():
            item_uri, item = self._follow(self.root, item_ref)
            shared = item.get("parameters", [])
            for method in METHODS:
                if method not in item:
                    continue
                op_uri = f"{item_uri}/{method}"
                operation = item[method]
                params = {}
                listed = [
                    *(f"{item_uri}/parameters/{i}" for i in range(len(shared))),
                    *(
                        f"{op_uri}/parameters/{i}"
                        for i in range(len(operation.get("parameters", [])))
                    ),
                ]
                for listed_uri in listed:
                    param_uri, param = self._follow(*self.resolve(listed_uri, listed_uri))
                    if param["in"] == "path":
                        params[param["name"]] = f"{param_uri}/schema"
                responses = {
                    status: self._expected(f"{op_uri}/responses/{status}", status, response)
                    for status, response in operation["responses"].items()
                }
                yield Operation(
                    id=operation["operationId"],
                    method=method.upper(),
                    template=template,
                    responses=responses,
                    path_params=params,
                    pattern=_template_pattern(template),
                )

    def _expected(self, uri: str, status: str, response: Any) -> Expected:
        uri, response = self._follow(uri, response)
        media = response.get("content", {}).get("application/json")
        if media is None:
            return Expected(status, None, "no body")
        schema_uri = f"{uri}/content/application~1json/schema"
        target, _ = self._follow(schema_uri, media["schema"])
        file = target.split("#")[0].rsplit("/", 1)[-1]
        return Expected(status, schema_uri, f"{file} {target.rsplit('/', 1)[-1]}")

    def _service_error_any_code(self) -> str:
        """core.yml's ServiceError with a free `code`, registered as its own resource."""
        core = urljoin(self.root, "core.yml")
        schema = copy.deepcopy(self.documents[core]["components"]["schemas"]["ServiceError"])
        schema["properties"]["code"] = {"type": "string", "description": "An error code."}
        uri = urljoin(self.root, "unlisted-error.json")
        self.registry = self.registry.with_resource(
            uri, Resource(contents=schema, specification=DRAFT4)
        )
        return uri

    def find(self, method: str, path: str) -> Operation | None:
        """The spec's operation for a request, or None when the spec does not have one."""
        path = api_path(path)
        method = method.upper()
        shaped = [op for op in self.operations if op.method == method and op.pattern.match(path)]
        # A literal path before a templated one (OpenAPI's rule), then one whose path
        # parameters fit their schemas (/connectors/40 is by id, /connectors/<uuid> by uuid).
        shaped.sort(key=lambda op: "{" in op.template)
        for op in shaped:
            if self._params_fit(op, op.pattern.match(path)):
                return op
        return shaped[0] if shaped else None

    def _params_fit(self, op: Operation, found: re.Match[str] | None) -> bool:
        assert found is not None
        for name, text in found.groupdict().items():
            _, schema = self._follow(op.path_params[name], {"$ref": op.path_params[name]})
            value: Any = text
            if schema.get("type") == "integer":
                if not text.isdigit():
                    return False
                value = int(text)
            elif schema.get("type") == "array":
                if not all(part.isdigit() for part in text.split(",")):
                    return False
                value = [int(part) for part in text.split(",")]
            if self.problems(op.path_params[name], value):
                return False
        return True

    @functools.cache  # noqa: B019 - one Spec per session, kept alive by load_spec
    def validator(self, ref: str) -> Any:
        return Validator({"$ref": ref}, registry=self.registry, format_checker=FORMATS)

    def problems(self, ref: str, document: Any) -> list[str]:
        """What is wrong with `document` as an instance of the schema at `ref`, one line each:
        `at <JSON path>: <validator's message>`; empty when it is valid."""
        errors = sorted(self.validator(ref).iter_errors(document), key=lambda e: list(e.path))
        lines = [_describe(best_match([error])) for error in errors]
        return list(dict.fromkeys(lines))


def _describe(error: ValidationError) -> str:
    if error.validator == "type" and error.instance is None:
        message = f"null where the schema is not nullable (type {error.validator_value!r})"
    else:
        message = _shorten(error.message)
    if error.context:  # every branch of an anyOf/oneOf failed alike: say how each did
        branches = "; ".join(dict.fromkeys(_shorten(branch.message) for branch in error.context))
        message = f"{message} ({branches})"
    return f"at {error.json_path}: {message}"


def _shorten(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}]+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def api_path(path: str) -> str:
    """A request path as the spec writes it: no `/powens/{domain}/2.0`, no query, `me` for a
    numeric user id."""
    path = urlsplit(path).path
    path = PREFIX.sub("", path) or "/"
    return NUMERIC_USER.sub("/users/me", path)


@functools.cache
def load_spec(directory: Path = SPEC_DIR) -> Spec:
    return Spec(directory)


# ---- checking exchanges -------------------------------------------------------------------------


class ContractViolation(AssertionError):
    """A Powens response the spec refuses."""


@dataclass
class Contract:
    """Checks exchanges against the spec and remembers what was checked."""

    spec: Spec
    # (operationId, status) -> how many responses were validated
    validated: Counter[tuple[str, int]] = field(default_factory=Counter)
    # (method, path as api_path writes it, status) -> how many, for operations the spec lacks
    unspecified: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    def check(self, method: str, path: str, status: int, body: Any = NO_BODY) -> Operation | None:
        """Check one exchange: `path` with or without `/powens/{domain}/2.0`, `body` the parsed
        JSON or NO_BODY. Raises ContractViolation; returns the operation, None if unspecified."""
        op = self.spec.find(method, path)
        if op is None:
            self.unspecified[(method.upper(), api_path(path), status)] += 1
            return None
        where = f"{method.upper()} {urlsplit(path).path} → {status} ({op.id})"
        expected = op.expected(status)
        if expected is None and status >= 400:
            expected = Expected(str(status), self.spec.service_error_any_code, "ServiceError")
        if expected is None:
            listed = ", ".join(op.statuses)
            raise ContractViolation(f"{where}: the spec lists only {listed} for {op.id}")
        if expected.schema is None and body is not NO_BODY:
            raise ContractViolation(f"{where}: the spec lists no body for {status}, got JSON")
        if expected.schema is not None:
            if body is NO_BODY:
                raise ContractViolation(f"{where}: the spec lists a JSON {expected.name}, got none")
            problems = self.spec.problems(expected.schema, body)
            if problems:
                lines = "\n  ".join(problems)
                raise ContractViolation(f"{where}, as {expected.name}:\n  {lines}")
        self.validated[(op.id, status)] += 1
        return op

    def covered(self, operation_id: str, status: int | None = None) -> bool:
        """Whether a response of this operation (with this status) was validated."""
        return any(op == operation_id and status in (None, code) for op, code in self.validated)

    def check_response(self, response: httpx.Response) -> Operation | None:
        """Check a response the client has just received (its body is read here)."""
        response.read()
        return self.check(
            response.request.method,
            response.request.url.path,
            response.status_code,
            body_of(response),
        )


def body_of(response: httpx.Response) -> Any:
    """The response's JSON, NO_BODY when it is not JSON; invalid JSON is a violation."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (media == "application/json" or media.endswith("+json")):
        return NO_BODY
    try:
        return json.loads(response.content, parse_constant=_refuse_constant)
    except ValueError as error:
        raise ContractViolation(
            f"{response.request.method} {response.request.url.path} → {response.status_code}: "
            f"the body is not JSON ({error})"
        ) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def is_powens(url: httpx.URL) -> bool:
    return url.path.startswith("/powens/") and "/2.0/" in url.path


@functools.cache
def session_contract() -> Contract:
    """The one contract of a test session, so its record spans every test."""
    return Contract(load_spec())


_C = TypeVar("_C", httpx.Client, httpx.AsyncClient)


def validating(client: _C, contract: Contract | None = None) -> _C:
    """Make `client` check every Powens response it receives, as it arrives; returns it."""
    checker = contract or session_contract()
    hooks = client.event_hooks
    if any(getattr(hook, "contract", None) is checker for hook in hooks["response"]):
        return client
    if isinstance(client, httpx.AsyncClient):

        async def check_async(response: httpx.Response) -> None:
            if is_powens(response.request.url):
                await response.aread()
                checker.check_response(response)

        check_async.contract = checker  # type: ignore[attr-defined]
        hooks["response"] = [*hooks["response"], check_async]
    else:

        def check(response: httpx.Response) -> None:
            if is_powens(response.request.url):
                checker.check_response(response)

        check.contract = checker  # type: ignore[attr-defined]
        hooks["response"] = [*hooks["response"], check]
    client.event_hooks = hooks
    return client
