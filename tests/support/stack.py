"""The real components a test run starts: livekit-server, the agent worker, the API."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from colearn import livekit_server
from colearn.config import LiveKitConfig
from colearn.livekit_server import LiveKitPorts, LiveKitSettings
from colearn.processes import Service
from tests.support.api_client import VERIFICATION

ROOT = livekit_server.ROOT
API_KEY = "colearn-test"
API_SECRET = "colearn-test-secret-0123456789-abcdefghij"
REGISTERED = "colearn agent worker registered"


@dataclass
class RunningStack:
    """What tests need to know to talk to the components of this run."""

    settings: LiveKitSettings
    api_port: int
    db_url: str
    log_dir: Path
    livekit: Service | None = None
    agent: Service | None = None
    _agent_starts: int = field(default=0, repr=False)

    @property
    def livekit_config(self) -> LiveKitConfig:
        return LiveKitConfig(
            url=self.settings.ws_url,
            api_key=self.settings.api_key,
            api_secret=self.settings.api_secret,
        )

    def env(self) -> dict[str, str]:
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "COLEARN_"))
        }
        environ.update(
            LIVEKIT_URL=self.settings.ws_url,
            LIVEKIT_API_KEY=self.settings.api_key,
            LIVEKIT_API_SECRET=self.settings.api_secret,
            COLEARN_DB=str(self.db_url),
            COLEARN_API_PORT=str(self.api_port),
            COLEARN_LOG_LEVEL="DEBUG",
            # off, as in every shared test stack: see api_client.VERIFICATION
            COLEARN_REQUIRE_EMAIL_VERIFICATION="true" if VERIFICATION else "false",
        )
        return environ

    def start_livekit(self) -> Service:
        self.livekit = livekit_server.service(self.settings, log_path=self.log_dir / "livekit.log")
        self.livekit.start()
        livekit_server.wait_ready(self.livekit, self.settings)
        return self.livekit

    def start_agent(
        self, timeout: float = 60.0, extra_env: dict[str, str] | None = None
    ) -> Service:
        """Start a worker and wait until livekit-server has registered it.

        The server dispatches the agent once, when a room is created, and only to a worker
        registered at that moment, so no test may create a room before this returns.
        """
        self._agent_starts += 1
        agent = Service(
            f"agent-{self._agent_starts}",
            [sys.executable, "-m", "agents"],
            log_path=self.log_dir / f"agent-{self._agent_starts}.log",
            env={**self.env(), **(extra_env or {})},
            cwd=ROOT,
        )
        agent.start()
        agent.wait_for_line(lambda line: REGISTERED in line, timeout=timeout)
        self.agent = agent
        return agent

    def stop(self) -> None:
        for svc in (self.agent, self.livekit):
            if svc is not None:
                svc.stop()


def new_stack(ports: list[int], tmp: Path, db_url: str | None = None) -> RunningStack:
    signal_port, tcp_port, udp_port, api_port = ports
    settings = LiveKitSettings(
        ports=LiveKitPorts(signal=signal_port, rtc_tcp=tcp_port, rtc_udp=udp_port),
        api_key=API_KEY,
        api_secret=API_SECRET,
        webhook_url=f"http://127.0.0.1:{api_port}/livekit/webhook",
    )
    return RunningStack(
        settings=settings,
        api_port=api_port,
        db_url=db_url or str(tmp / "colearn.db"),
        log_dir=tmp / "logs",
    )
