"""docs/deployment.md's unit and environment files are what the cluster test runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from colearn.config import VARIABLES
from tests.support.cluster import COMMANDS

DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("colearn-*.service"))
ENV_FILES = sorted((DEPLOY / "env").glob("*.env"))


def _unit(role: str) -> str:
    return (DEPLOY / "systemd" / f"colearn-{role}.service").read_text(encoding="utf-8")


@pytest.mark.parametrize("role", sorted(COMMANDS))
def test_each_role_has_a_unit_running_the_command_the_cluster_test_runs(role: str) -> None:
    unit = _unit(role)
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.MULTILINE)
    assert exec_start is not None
    assert exec_start.group(1).split()[1:] == COMMANDS[role]
    env_file = re.search(r"^EnvironmentFile=/etc/colearn/(\S+)$", unit, re.MULTILINE)
    assert env_file is not None and (DEPLOY / "env" / env_file.group(1)).exists()


def test_there_is_no_unit_for_a_role_the_cluster_test_does_not_run() -> None:
    assert [p.name for p in UNITS] == sorted(f"colearn-{role}.service" for role in COMMANDS)


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_every_variable_of_an_environment_file_is_a_documented_one(path: Path) -> None:
    names = [
        line.split("=", 1)[0].lstrip("# ")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^#? ?[A-Z_]+=", line)
    ]
    assert names
    assert [name for name in names if name not in VARIABLES] == []
