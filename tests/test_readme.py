"""The README's curl examples run as printed against a live sandbox: every one is answered,
none with a 415 (a body not sent as JSON), a 422 (an example the API refuses) or a 5xx. Ids an
example names that this fresh sandbox does not have (an SCA challenge, an import job) may be a
404 or 409: what matters is that the example itself is well-formed."""

from __future__ import annotations

import base64
import re
import shlex
from pathlib import Path

import httpx
import pytest

from sandbox.testing.server import SandboxServer

README = Path(__file__).resolve().parents[1] / "README.md"
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# What an example may be answered with besides success, given ids a fresh sandbox lacks.
TOLERATED = {404, 409}


def curl_commands(text: str) -> list[list[str]]:
    """Each `curl` command of the README's shell blocks, continuation lines joined and shell
    variables (`$T=…`) expanded, split into words."""
    commands = []
    for block in SHELL_BLOCK.findall(text):
        variables: dict[str, str] = {}
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" # ")[0].strip()
            if match := re.fullmatch(r"(\w+)=(\S+)", line):
                variables[match.group(1)] = match.group(2)
            elif line.startswith("curl "):
                for name, value in variables.items():
                    line = line.replace(f"${name}", value)
                commands.append(shlex.split(line))
    return commands


def as_request(words: list[str], base: str) -> httpx.Request:
    method, headers, data, url = "GET", {}, None, None
    words = iter(words[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-d":
            data, method = next(words), "POST" if method == "GET" else method
        elif word == "-u":
            token = base64.b64encode(next(words).encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif not word.startswith("-"):
            url = word.replace("http://127.0.0.1:8000", base)
    assert url is not None, words
    return httpx.Request(method, url, headers=headers, content=data)


def test_the_readme_shows_curl_examples():
    assert len(curl_commands(README.read_text())) >= 20


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    with SandboxServer(f"sqlite:///{folder}/readme.db") as server:
        yield server


def test_every_curl_example_is_answered_as_printed(sandbox):
    with httpx.Client() as client:
        for words in curl_commands(README.read_text()):
            response = client.send(as_request(words, sandbox.url))
            shown = (" ".join(words), response.text)
            assert response.status_code < 400 or response.status_code in TOLERATED, shown
            # A 404 for an id this sandbox lacks, never for a route the README misspells.
            assert "no route" not in response.text, shown
