"""The README's curl examples run as printed against a live sandbox: every one is answered,
none with a 415 (a body not sent as JSON), a 422 (an example the API refuses) or a 5xx. Ids an
example names that this fresh sandbox does not have (an SCA challenge, an import job) may be a
404 or 409: what matters is that the example itself is well-formed."""

from __future__ import annotations

import base64
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from defusedxml import ElementTree

from sandbox.testing.server import SandboxServer

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# What an example may be answered with besides success, given ids a fresh sandbox lacks.
TOLERATED = {404, 409}


@dataclass(frozen=True)
class Step:
    """One `curl` command of an example, its shell variables still to expand; `capture` names
    the variable a `NAME=$(curl … | jq -r .path)` line sets, and the path it reads."""

    words: list[str]
    capture: tuple[str, str] | None = None


CAPTURE = re.compile(r"(\w+)=\$\((curl .*?)\s*\|\s*jq -r '?([.\w\[\]]+)'?\)")
RAW_CAPTURE = re.compile(r"(\w+)=\$\((curl [^|]*)\)")
ECHO_XPATH = re.compile(
    r"(\w+)=\$\(echo \"\$(\w+)\" \| xmllint --xpath '(string\(//[\w/@]+\))' -\)"
)
# An XML answer's value, as xmllint prints it: `| xmllint --xpath 'string(//session/@id)' -`.
XML_CAPTURE = re.compile(r"(\w+)=\$\((curl .*?)\s*\|\s*xmllint --xpath '(string\(//[\w/@]+\))' -\)")


def curl_blocks(text: str) -> list[list[Step]]:
    """Each shell block's `curl` commands in order, continuation lines joined."""
    blocks = []
    for block in SHELL_BLOCK.findall(text):
        steps = []
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" # ")[0].strip()
            if match := CAPTURE.fullmatch(line) or XML_CAPTURE.fullmatch(line):
                name, command, path = match.groups()
                steps.append(Step(shlex.split(command), (name, path)))
            elif match := ECHO_XPATH.fullmatch(line):  # a value of an answer kept before
                name, kept, path = match.groups()
                steps.append(Step(["echo", kept], (name, path)))
            elif match := RAW_CAPTURE.fullmatch(line):  # a whole answer, kept for later
                name, command = match.groups()
                steps.append(Step(shlex.split(command), (name, "")))
            elif match := re.fullmatch(r"(\w+)=(\S+)", line):
                steps.append(Step(["="], (match.group(1), match.group(2))))
            elif line.startswith("curl "):
                steps.append(Step(shlex.split(line)))
        blocks.append(steps)
    return blocks


def curl_commands(text: str) -> list[list[str]]:
    return [step.words for block in curl_blocks(text) for step in block if step.words[0] == "curl"]


def jq(value: object, path: str) -> str:
    """What `jq -r PATH` prints for the simple paths the README uses (`.a.b`, `.a[0].b`)."""
    for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        value = value[key] if key else value[int(index)]  # type: ignore[index]
    return str(value)


def xpath(text: str, path: str) -> str:
    """What `xmllint --xpath 'string(//a/b/@c)'` prints (the first match), read with
    defusedxml."""
    steps = path.removeprefix("string(//").removesuffix(")").split("/")
    attribute = steps.pop()[1:] if steps[-1].startswith("@") else None
    found = ElementTree.fromstring(text.encode()).find(".//" + "/".join(steps))
    assert found is not None, (path, text)
    return (found.get(attribute) if attribute else found.text) or ""


def expanded(words: list[str], variables: dict[str, str]) -> list[str]:
    out = []
    for word in words:
        for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
            word = word.replace(f"${name}", value)
        out.append(word)
    return out


def as_request(words: list[str], base: str) -> httpx.Request:
    """The request curl would send: `--data-binary @file` and `-F field=@file` read files
    relative to the checkout, as the README's examples are run from there."""
    method, headers, data, url = "GET", {}, None, None
    files = None
    words = iter(words[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            headers[name.strip().title()] = value.strip()
        elif word in ("-d", "--data-binary"):
            value = next(words)
            data = (ROOT / value[1:]).read_bytes() if value.startswith("@") else value.encode()
            method = "POST" if method == "GET" else method
            if word == "-d":  # as curl sends it unless told otherwise
                form = "application/x-www-form-urlencoded"
                headers.setdefault("Content-Type", form)
        elif word == "-F":
            field, _, value = next(words).partition("=@")
            files = {field: (Path(value).name, (ROOT / value).read_bytes())}
            method = "POST" if method == "GET" else method
        elif word == "-o":
            next(words)  # where curl would save the answer
        elif word == "-u":
            token = base64.b64encode(next(words).encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif not word.startswith("-"):
            url = word.replace("http://127.0.0.1:8000", base)
    assert url is not None, words
    if files is not None:
        return httpx.Client().build_request(method, url, headers=headers, files=files)
    return httpx.Request(method, url, headers=headers, content=data)


def _json_path(text: str, path: str) -> str:
    return jq(json.loads(text), path)


def test_the_readme_shows_curl_examples():
    assert len(curl_commands(README.read_text())) >= 20


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    with SandboxServer(f"sqlite:///{folder}/readme.db") as server:
        yield server


def test_every_curl_example_is_answered_as_printed(sandbox):
    with httpx.Client() as client:
        for block in curl_blocks(README.read_text()):
            variables: dict[str, str] = {}
            for step in block:
                if step.words == ["="]:
                    assert step.capture is not None
                    variables[step.capture[0]] = step.capture[1]
                    continue
                if step.words[0] == "echo":
                    assert step.capture is not None
                    name, path = step.capture
                    variables[name] = xpath(variables[step.words[1]], path)
                    continue
                words = expanded(step.words, variables)
                response = client.send(as_request(words, sandbox.url))
                shown = (" ".join(words), response.text)
                assert response.status_code < 400 or response.status_code in TOLERATED, shown
                # A 404 for an id this sandbox lacks, never for a route the README misspells.
                assert "no route" not in response.text, shown
                if step.capture is not None:
                    name, path = step.capture
                    if not path:
                        variables[name] = response.text
                    else:
                        read = xpath if path.startswith("string(") else _json_path
                        variables[name] = read(response.text, path)
