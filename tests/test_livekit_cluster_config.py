"""A livekit-server node's configuration comes from its environment alone; a node of a
cluster advertises its own address and shares rooms through Redis."""

from __future__ import annotations

import yaml

from colearn.livekit_server import render_config, settings_from_env

SECRET = "s" * 40


def _config(**environ: str) -> dict:
    return yaml.safe_load(
        render_config(settings_from_env({"LIVEKIT_API_SECRET": SECRET, **environ}))
    )


def test_alone_everything_stays_on_loopback_and_there_is_no_redis() -> None:
    config = _config()
    assert config["bind_addresses"] == ["127.0.0.1"]
    assert config["rtc"]["node_ip"] == "127.0.0.1"
    assert "redis" not in config
    assert config["webhook"]["urls"] == ["http://127.0.0.1:8080/livekit/webhook"]


def test_a_cluster_node_advertises_its_own_address_and_uses_redis() -> None:
    config = _config(
        COLEARN_LIVEKIT_NODE_IP="10.0.0.7",
        COLEARN_LIVEKIT_REDIS="10.0.0.2:6379",
        COLEARN_LIVEKIT_REDIS_PASSWORD="pw",
        COLEARN_LIVEKIT_WEBHOOK_URLS="http://10.0.0.3:8080/livekit/webhook, http://10.0.0.4:8080/livekit/webhook",
    )
    assert config["bind_addresses"] == ["10.0.0.7"]
    assert config["rtc"]["node_ip"] == "10.0.0.7"
    assert config["rtc"]["ips"] == {"includes": ["10.0.0.7/32"]}
    assert config["rtc"]["enable_loopback_candidate"] is False
    assert config["redis"] == {"address": "10.0.0.2:6379", "password": "pw"}
    assert config["webhook"]["urls"] == [
        "http://10.0.0.3:8080/livekit/webhook",
        "http://10.0.0.4:8080/livekit/webhook",
    ]
    assert config["keys"] == {"colearn-dev": SECRET}
