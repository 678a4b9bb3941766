"""Child processes of the local stack: started together, watched, stopped in order.

Used by ``make run`` (colearn.stack) and by the test fixtures, so both start the real
components the same way.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1
# Looked up here, in the parent: the child calls it between fork and exec, where loading a
# library can hang for good on a lock another thread of the parent held at the fork (seen:
# a test process full of LiveKit's threads starting an agent worker never got past Popen).
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    # A child outlives a parent killed with SIGKILL unless the kernel is asked to end it.
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ServiceError(Exception):
    pass


class Service:
    """One child process whose output lines go to a log file (and optionally the terminal)."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        echo: IO[str] | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self._env = dict(os.environ if env is None else env)
        self._cwd = cwd
        self._echo = echo
        self._lines: list[str] = []
        self._cond = threading.Condition()
        self._proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def start(self) -> Service:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            self.argv,
            env=self._env,
            cwd=self._cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches the launcher only; it stops us in order
            preexec_fn=_die_with_parent,
        )
        self._reader = threading.Thread(target=self._pump, name=f"{self.name}-log", daemon=True)
        self._reader.start()
        return self

    def _pump(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            for line in self._proc.stdout:
                log.write(line)
                log.flush()
                if self._echo is not None:
                    self._echo.write(f"[{self.name}] {line}")
                    self._echo.flush()
                with self._cond:
                    self._lines.append(line)
                    self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def output(self) -> str:
        with self._cond:
            return "".join(self._lines)

    def wait_for_line(self, predicate: Callable[[str], bool], timeout: float) -> str:
        """Wait until the process prints a line matching ``predicate``; returns it."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self._lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self._lines)
                if not self.running() and (self._reader is None or not self._reader.is_alive()):
                    raise ServiceError(
                        f"{self.name} exited (code {self._proc and self._proc.poll()}) before it "
                        f"was ready; its output is in {self.log_path}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServiceError(
                        f"{self.name} was not ready within {timeout:.0f} s; see {self.log_path}"
                    )
                self._cond.wait(min(remaining, 0.5))

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout``; returns the exit code."""
        if self._proc is None:
            return None
        if self._proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._proc.wait(5)
        # the process group may hold helpers the child started (e.g. forkserver)
        self._signal(signal.SIGKILL)
        self._release()
        return self._proc.returncode

    def _release(self) -> None:
        """Wait for the last output line, then close the pipe."""
        assert self._proc is not None
        if self._reader is not None:
            self._reader.join(5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def send_signal(self, sig: signal.Signals) -> None:
        """Signal the process itself (not its group), as a terminal's Ctrl-C would."""
        assert self._proc is not None
        self._proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        assert self._proc is not None
        return self._proc.wait(timeout)

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crash would."""
        if self._proc is not None:
            self._signal(signal.SIGKILL)
            self._proc.wait(5)
            self._release()

    def _signal(self, sig: signal.Signals) -> None:
        assert self._proc is not None
        try:
            os.killpg(self._proc.pid, sig)
        except ProcessLookupError:
            pass
