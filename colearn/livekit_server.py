"""livekit-server as Co~Learn runs it: built once into .bin/, configured from the environment.

On one machine (``make run``, most tests) everything stays on loopback. A node of a cluster
(``python -m colearn.livekit_server`` on a machine of its own, see docs/deployment.md)
advertises its own address (``COLEARN_LIVEKIT_NODE_IP``) and shares rooms with the other
nodes through Redis (``COLEARN_LIVEKIT_REDIS``): livekit-server's own multi-node mode.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

from colearn.processes import Service, ServiceError

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / ".bin" / "livekit-server"
BASE_CONFIG = ROOT / "livekit.yaml"


LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class LiveKitPorts:
    signal: int
    rtc_tcp: int
    rtc_udp: int


@dataclass(frozen=True)
class LiveKitSettings:
    ports: LiveKitPorts
    api_key: str
    api_secret: str = field(repr=False)
    webhook_url: str | None = None
    # The address this node binds to and advertises to clients (its ICE host candidate).
    node_ip: str = LOOPBACK
    # host:port of Redis: set, the node is one of a cluster sharing rooms through it.
    redis_address: str | None = None
    redis_password: str | None = field(default=None, repr=False)
    # More webhook receivers (every API node, so webhooks survive losing one).
    more_webhook_urls: tuple[str, ...] = ()

    @property
    def ws_url(self) -> str:
        return f"ws://{self.node_ip}:{self.ports.signal}"

    @property
    def http_url(self) -> str:
        return f"http://{self.node_ip}:{self.ports.signal}"


def render_config(settings: LiveKitSettings, base: Path = BASE_CONFIG) -> str:
    """livekit.yaml with the keys, ports and webhook of this run filled in."""
    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    config["port"] = settings.ports.signal
    config["rtc"]["tcp_port"] = settings.ports.rtc_tcp
    config["rtc"]["udp_port"] = settings.ports.rtc_udp
    config["keys"] = {settings.api_key: settings.api_secret}
    urls = [url for url in (settings.webhook_url, *settings.more_webhook_urls) if url]
    if urls:
        config["webhook"] = {"api_key": settings.api_key, "urls": urls}
    if settings.node_ip != LOOPBACK:
        # Clients on other machines reach this node's own address; a loopback candidate
        # would only send them to themselves.
        config["bind_addresses"] = [settings.node_ip]
        config["rtc"]["node_ip"] = settings.node_ip
        config["rtc"]["ips"] = {"includes": [f"{settings.node_ip}/32"]}
        config["rtc"]["enable_loopback_candidate"] = False
    if settings.redis_address:
        config["redis"] = {"address": settings.redis_address}
        if settings.redis_password:
            config["redis"]["password"] = settings.redis_password
    return yaml.safe_dump(config, sort_keys=False)


def is_ready(http_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(http_url + "/", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"OK"
    except (OSError, urllib.error.URLError):
        return False


def service(settings: LiveKitSettings, *, log_path: Path, echo: IO[str] | None = None) -> Service:
    if not BINARY.exists():
        raise ServiceError(f"{BINARY} is missing: run `make setup` to build livekit-server")
    argv = [str(BINARY), "--config-body", render_config(settings)]
    return Service("livekit", argv, log_path=log_path, echo=echo)


def wait_ready(svc: Service, settings: LiveKitSettings, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not svc.running():
            raise ServiceError(f"livekit-server exited before it was ready; see {svc.log_path}")
        if is_ready(settings.http_url):
            return
        time.sleep(0.1)
    raise ServiceError(f"livekit-server did not answer within {timeout:.0f} s; see {svc.log_path}")


def settings_from_env(environ: dict[str, str] | None = None) -> LiveKitSettings:
    """One node's settings from the environment alone (colearn/config.py lists the names)."""
    from colearn.config import LiveKitConfig, env, env_int

    livekit = LiveKitConfig.from_env(environ)
    api_url = f"http://{env('COLEARN_API_HOST', environ)}:{env_int('COLEARN_API_PORT', environ)}"
    listed = env("COLEARN_LIVEKIT_WEBHOOK_URLS", environ)
    urls = [u.strip() for u in listed.split(",") if u.strip()] or [f"{api_url}/livekit/webhook"]
    return LiveKitSettings(
        ports=LiveKitPorts(
            signal=env_int("COLEARN_LIVEKIT_PORT", environ),
            rtc_tcp=env_int("COLEARN_LIVEKIT_RTC_TCP_PORT", environ),
            rtc_udp=env_int("COLEARN_LIVEKIT_RTC_UDP_PORT", environ),
        ),
        api_key=livekit.api_key,
        api_secret=livekit.api_secret,
        webhook_url=urls[0],
        more_webhook_urls=tuple(urls[1:]),
        node_ip=env("COLEARN_LIVEKIT_NODE_IP", environ),
        redis_address=env("COLEARN_LIVEKIT_REDIS", environ) or None,
        redis_password=env("COLEARN_LIVEKIT_REDIS_PASSWORD", environ) or None,
    )


def main() -> int:
    """``python -m colearn.livekit_server``: become this machine's livekit-server node.

    The configuration goes to the server in its environment (``LIVEKIT_CONFIG``), not on
    its command line, where any user of the machine could read the API secret.
    """
    from colearn.config import ConfigError

    try:
        settings = settings_from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not BINARY.exists():
        print(f"error: {BINARY} is missing: run `make setup` to build it", file=sys.stderr)
        return 2
    os.environ["LIVEKIT_CONFIG"] = render_config(settings)
    os.execv(BINARY, [str(BINARY)])  # the node is this process: signals reach it directly


if __name__ == "__main__":
    sys.exit(main())
