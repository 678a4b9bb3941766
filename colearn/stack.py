"""``make run``: livekit-server, the API and the agent worker on localhost, stopped by Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
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


class _Stopping(BaseException):
    """SIGINT or SIGTERM arrived (not an Exception: no ``except Exception`` swallows it)."""


def _stop_all(services: list[Service]) -> None:
    """SIGTERM to every child at once (each exits in about a second), then each is
    waited for in turn and killed if it has not ended within 3 s."""
    for svc in services:
        if svc.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(svc.pid, signal.SIGTERM)
    for svc in services:
        code = svc.stop(timeout=3.0)
        print(f"  {svc.name} stopped (exit {code})", flush=True)


def _ready(svc: Service, text: str, timeout: float, stop: threading.Event) -> None:
    """Wait for ``svc`` to print ``text``, looking at ``stop`` twice a second: a signal's
    ``_Stopping`` can be lost (raised where Python ignores it, e.g. in a fork handler)."""
    deadline = time.monotonic() + timeout
    while True:
        if stop.is_set():
            raise _Stopping
        try:
            svc.wait_for_line(lambda line: text in line, timeout=0.5)
            return
        except ServiceError:
            if not svc.running():
                raise ServiceError(
                    f"{svc.name} exited before it was ready; its output is in {svc.log_path}"
                ) from None
            if time.monotonic() >= deadline:
                raise ServiceError(
                    f"{svc.name} was not ready within {timeout:.0f} s; see {svc.log_path}"
                ) from None


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
        # Stop whatever is under way, starting included (a wait for a child to be ready
        # would otherwise run to its timeout); the second signal changes nothing.
        if not stop.is_set():
            stop.set()
            raise _Stopping

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    started: list[Service] = []
    try:
        lk = livekit_server.service(settings, log_path=LOG_DIR / "livekit.log", echo=None)
        started.append(lk)
        lk.start()
        livekit_server.wait_ready(lk, settings)
        if stop.is_set():
            raise _Stopping
        print(f"livekit-server  {settings.ws_url}  (log: {lk.log_path.relative_to(ROOT)})")

        def start(name: str, module: str, ready_line: str, timeout: float) -> None:
            service = Service(
                name,
                [python, "-m", module],
                log_path=LOG_DIR / f"{name}.log",
                env=child_env,
                cwd=ROOT,
                echo=sys.stdout,
            )
            started.append(service)
            service.start()
            _ready(service, ready_line, timeout, stop)

        start("api", "api", "Co~Learn API listening", 30)
        start("agent", "agents", "colearn agent worker registered", 60)
        if env("COLEARN_CAPTION_AGENT").lower() == "separate" and env("COLEARN_CAPTIONS") == "on":
            # captions apart from the agent (docs/captions.md): one caption worker here
            start("captions", "agents.captions", "colearn caption worker registered", 60)

        print(
            "\nCo~Learn is running:\n"
            f"  API            http://{api_host}:{api_port}"
            "  (health: /healthz, /readyz; metrics: /metrics)\n"
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
    except _Stopping:
        return 0
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        stop.set()  # a signal from here on only repeats what is being done
        print("\nStopping...", flush=True)
        _stop_all(list(reversed(started)))


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
