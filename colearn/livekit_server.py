"""livekit-server as Co~Learn runs it: built once into .bin/, configured for loopback."""

from __future__ import annotations

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

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ports.signal}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.signal}"


def render_config(settings: LiveKitSettings, base: Path = BASE_CONFIG) -> str:
    """livekit.yaml with the keys, ports and webhook of this run filled in."""
    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    config["port"] = settings.ports.signal
    config["rtc"]["tcp_port"] = settings.ports.rtc_tcp
    config["rtc"]["udp_port"] = settings.ports.rtc_udp
    config["keys"] = {settings.api_key: settings.api_secret}
    if settings.webhook_url:
        config["webhook"] = {"api_key": settings.api_key, "urls": [settings.webhook_url]}
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
