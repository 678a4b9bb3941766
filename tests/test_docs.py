"""The README stays true: every configuration variable the code reads is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from colearn.config import VARIABLES, ConfigError, LiveKitConfig

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_every_variable_is_in_the_readme_configuration_table(name: str) -> None:
    assert re.search(rf"^\| `{name}` \|", README, re.MULTILINE), f"{name} missing from README"


def test_a_short_livekit_secret_is_refused_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="LIVEKIT_API_SECRET"):
        LiveKitConfig.from_env({"LIVEKIT_API_SECRET": "too-short"})


def test_a_livekit_url_without_websocket_scheme_is_refused() -> None:
    with pytest.raises(ConfigError, match="LIVEKIT_URL"):
        LiveKitConfig.from_env({"LIVEKIT_URL": "http://127.0.0.1:7880"})


def test_the_secret_is_not_in_the_config_repr() -> None:
    config = LiveKitConfig.from_env({})
    assert config.api_secret not in repr(config)
