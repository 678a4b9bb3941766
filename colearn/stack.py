"""``make run``: livekit-server, the API and the agent worker on localhost, stopped by Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType

from colearn import livekit_server
from colearn.config import ConfigError, LiveKitConfig, db_url, env, env_int
from colearn.database_check import database_problem
from colearn.livekit_server import LiveKitPorts, LiveKitSettings
from colearn.processes import Service, ServiceError

ROOT = livekit_server.ROOT
LOG_DIR = ROOT / "var" / "log"


def _settings() -> tuple[LiveKitSettings, str, int]:
    livekit = LiveKitConfig.from_env()
    api_host, api_port = env("COLEARN_API_HOST"), env_int("COLEARN_API_PORT")
    settings = LiveKitSettings(
        ports=LiveKitPorts(
            signal=env_int("COLEARN_LIVEKIT_PORT"),
            rtc_tcp=env_int("COLEARN_LIVEKIT_RTC_TCP_PORT"),
            rtc_udp=env_int("COLEARN_LIVEKIT_RTC_UDP_PORT"),
        ),
        api_key=livekit.api_key,
        api_secret=livekit.api_secret,
        webhook_url=f"http://{api_host}:{api_port}/livekit/webhook",
    )
    return settings, api_host, api_port


def run() -> int:
    try:
        settings, api_host, api_port = _settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    child_env = dict(os.environ, LIVEKIT_URL=settings.ws_url)
    child_env.pop("LIVEKIT_AGENT_NAME", None)  # it would silently turn off automatic dispatch
    python = sys.executable
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    started: list[Service] = []
    try:
        lk = livekit_server.service(settings, log_path=LOG_DIR / "livekit.log", echo=None)
        started.append(lk.start())
        livekit_server.wait_ready(lk, settings)
        print(f"livekit-server  {settings.ws_url}  (log: {lk.log_path.relative_to(ROOT)})")

        api = Service(
            "api",
            [python, "-m", "api"],
            log_path=LOG_DIR / "api.log",
            env=child_env,
            cwd=ROOT,
            echo=sys.stdout,
        )
        started.append(api.start())
        api.wait_for_line(lambda line: "Co~Learn API listening" in line, timeout=30)

        agent = Service(
            "agent",
            [python, "-m", "agents"],
            log_path=LOG_DIR / "agent.log",
            env=child_env,
            cwd=ROOT,
            echo=sys.stdout,
        )
        started.append(agent.start())
        agent.wait_for_line(lambda line: "colearn agent worker registered" in line, timeout=60)

        print(
            "\nCo~Learn is running:\n"
            f"  API            http://{api_host}:{api_port}  (health: /healthz)\n"
            f"  livekit-server {settings.ws_url}  (UDP {settings.ports.rtc_udp}, "
            f"TCP {settings.ports.rtc_tcp}, loopback only)\n"
            f"  agent worker   registered with livekit-server, joins every room\n"
            f"  database       {db_url()}\n"
            f"  logs           {LOG_DIR.relative_to(ROOT)}/\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while not stop.wait(0.5):
            for svc in started:
                if not svc.running():
                    print(
                        f"error: {svc.name} stopped unexpectedly; see {svc.log_path}",
                        file=sys.stderr,
                    )
                    return 1
        return 0
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping...", flush=True)
        for svc in reversed(started):
            code = svc.stop()
            print(f"  {svc.name} stopped (exit {code})", flush=True)


def main() -> int:
    os.chdir(ROOT)
    try:
        problem = database_problem(db_url())
    except ConfigError as exc:
        problem = str(exc)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return run()


if __name__ == "__main__":
    sys.exit(main())
