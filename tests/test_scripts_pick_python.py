"""`scripts/pick-python`: the interpreter `make` builds .venv with."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pick-python"
VERSION = f"python{sys.version_info.major}.{sys.version_info.minor}"


def _wrapper(folder: Path, body: str) -> Path:
    """An executable named like this Python that runs `body` (a shell script) first."""
    folder.mkdir()
    path = folder / VERSION
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def _pick(path_folders: list[Path]) -> tuple[str, str]:
    environment = {**os.environ, "PATH": os.pathsep.join(map(str, path_folders))}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--explain"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=True,
    )
    return done.stdout.strip(), done.stderr


def test_a_slower_build_of_the_same_version_is_timed_and_never_chosen(tmp_path: Path) -> None:
    sleep = shutil.which("sleep")
    slow = _wrapper(tmp_path / "slow", f'{sleep} 0.5; exec "{sys.executable}" "$@"')
    chosen, explained = _pick([slow.parent])
    timed = re.search(rf"^{re.escape(str(slow))}: (\d+\.\d{{3}}) s$", explained, re.MULTILINE)
    assert timed and float(timed[1]) >= 0.5, explained
    assert chosen != str(slow)
    # What it chose is this version's Python, able to make a virtual environment.
    version = subprocess.run(
        [chosen, "-c", "import sys, venv, ensurepip; print(*sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.split() == [str(part) for part in sys.version_info[:2]]


def test_a_python_that_cannot_run_the_check_is_left_out(tmp_path: Path) -> None:
    broken = _wrapper(tmp_path / "broken", "exit 1")
    chosen, explained = _pick([broken.parent])
    assert f"{broken}: cannot make a virtual environment" in explained
    assert chosen != str(broken)
    assert Path(chosen).exists()


def test_a_build_slow_for_its_first_runs_is_timed_when_it_runs_as_usual(tmp_path: Path) -> None:
    # A fresh machine reads a build's files from disk on its first run, and may still be busy
    # starting its services for a few more: the choice compares the builds as they run later.
    sleep, count = shutil.which("sleep"), shutil.which("wc")
    runs = tmp_path / "runs"
    slow_start = _wrapper(
        tmp_path / "slow-start",
        f'echo run >> "{runs}"\n'
        f'[ "$({count} -l < "{runs}")" -gt 3 ] || {sleep} 0.5\n'
        f'exec "{sys.executable}" "$@"',
    )
    _, explained = _pick([slow_start.parent])
    timed = re.search(rf"^{re.escape(str(slow_start))}: (\d+\.\d{{3}}) s$", explained, re.MULTILINE)
    assert len(runs.read_text().split()) > 3
    assert timed and float(timed[1]) < 0.5, explained
