"""A Co~Learn cluster on one machine: one network namespace per "machine", on a bridge.

Each machine is a namespace of its own with one address on 10.77.1.0/24 and a host name of
its own (a UTS namespace), so worker ids and every address a process gives out are that
machine's. The bridge lives in the namespace of the test run (``make test`` runs it in
scripts/loopback-netns.sh's namespace), which also has an address on it (10.77.1.1): the
test talks to every machine as a client on another machine would. Nothing routes off the
bridge, so every packet stays on this machine. Namespaces are named after the test
process's pid and removed when the cluster stops, whatever happened; ones left by a run
that was killed are removed by the next.

Every process is started the way docs/deployment.md starts it on a machine of its own: one
role per process, its configuration in its environment and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from colearn.processes import Service, ServiceError
from db import migrate
from tests.support.postgres import _bin
from tests.support.stack import API_KEY, API_SECRET, REGISTERED

ROOT = Path(__file__).resolve().parent.parent.parent
SUBNET = "10.77.1"
HOST_IP = f"{SUBNET}.1"  # the test process's own address on the bridge
PREFIX = "colearn-"
LIVEKIT_PORT = 7880
API_PORT = 8080
PG_PORT = 5432
REDIS_PORT = 6379
# What each role runs, here and in docs/deploy/systemd/ (tests/test_deployment_docs.py checks).
COMMANDS = {
    "livekit": ["-m", "colearn.livekit_server"],
    "api": ["-m", "api"],
    "agent": ["-m", "agents"],
    "mail": ["-m", "mail", "send"],
}


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def remove_stale_namespaces() -> None:
    """Namespaces a killed run of this test left behind (their pid is gone)."""
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for line in listed.splitlines():
        name = line.split()[0] if line.split() else ""
        pid = name[len(PREFIX) :].split("-")[0]
        if name.startswith(PREFIX) and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            inside = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
            for left in inside.stdout.split():  # that run's processes, still running there
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(left), signal.SIGKILL)
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-pg-*"):
        pid = folder.name[len(PREFIX) :].split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Machine:
    name: str
    netns: str
    ip: str
    services: list[Service] = field(default_factory=list)


@dataclass
class Network:
    """The bridge and the machines on it."""

    tag: str = field(default_factory=lambda: str(os.getpid()))
    machines: dict[str, Machine] = field(default_factory=dict)
    folders: list[Path] = field(default_factory=list)

    @property
    def bridge(self) -> str:
        return f"clbr{self.tag}"[:15]

    def create(self) -> None:
        remove_stale_namespaces()
        ip("link", "add", self.bridge, "type", "bridge")
        ip("addr", "add", f"{HOST_IP}/24", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")

    def machine(self, name: str, octet: int) -> Machine:
        netns = f"{PREFIX}{self.tag}-{name}"
        outside = f"cl{self.tag}v{octet}"[-15:]
        ip("netns", "add", netns)
        ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", netns)
        ip("link", "set", outside, "master", self.bridge, "up")
        ip("-n", netns, "link", "set", "lo", "up")
        ip("-n", netns, "addr", "add", f"{SUBNET}.{octet}/24", "dev", "eth0")
        ip("-n", netns, "link", "set", "eth0", "up")
        found = Machine(name, netns, f"{SUBNET}.{octet}")
        self.machines[name] = found
        return found

    def destroy(self) -> None:
        for found in reversed(list(self.machines.values())):
            for svc in reversed(found.services):
                with contextlib.suppress(Exception):
                    svc.stop(timeout=5)
            subprocess.run(["ip", "netns", "del", found.netns], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def on(machine: Machine, argv: list[str]) -> list[str]:
    """``argv`` run on ``machine``: in its network namespace, under its own host name."""
    script = 'hostname "$0" && exec "$@"'
    return [
        "ip", "netns", "exec", machine.netns, "unshare", "--uts", "--",
        "sh", "-c", script, machine.name, *argv,
    ]  # fmt: skip


def base_env() -> dict[str, str]:
    """What every machine's processes share: a clean environment and the LiveKit keys."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "COLEARN_"))}
    environ.update(LIVEKIT_API_KEY=API_KEY, LIVEKIT_API_SECRET=API_SECRET)
    return environ


@dataclass
class Cluster:
    """PostgreSQL, Redis, 2 livekit-server nodes, 2 API nodes, 2 agent workers, mail."""

    net: Network
    log_dir: Path
    smtp_port: int
    db_url: str = ""
    node_ids: dict[str, str] = field(default_factory=dict)  # livekit node id -> machine

    def start(self, machine: Machine, role: str, argv: list[str], env: dict[str, str]) -> Service:
        svc = Service(
            f"{machine.name}-{role}",
            on(machine, argv),
            log_path=self.log_dir / f"{machine.name}.log",
            env=env,
            cwd=ROOT,
        )
        machine.services.append(svc.start())
        return svc

    # -- the data tier ---------------------------------------------------------------
    def start_postgres(self, machine: Machine) -> None:
        # its own folder outside the test's (pytest's is closed to other users)
        directory = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{self.net.tag}-pg-"))
        self.net.folders.append(directory)
        data = directory / "data"
        shutil.chown(directory, user="postgres", group="postgres")
        subprocess.run(
            ["runuser", "-u", "postgres", "--", _bin("initdb"), "-D", str(data), "-A", "trust",
             "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 trust\n")
        argv = [
            "runuser", "-u", "postgres", "--", _bin("postgres"), "-D", str(data),
            "-p", str(PG_PORT), "-k", str(directory), "-c", f"listen_addresses={machine.ip}",
            "-c", "max_connections=400", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]  # fmt: skip
        self.start(machine, "postgres", argv, base_env())
        admin = f"postgresql://postgres@{machine.ip}:{PG_PORT}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    conn.execute("CREATE DATABASE colearn")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.db_url = f"postgresql://postgres@{machine.ip}:{PG_PORT}/colearn"
        migrate(self.db_url)

    def start_redis(self, machine: Machine) -> None:
        argv = [
            "redis-server", "--port", str(REDIS_PORT), "--bind", machine.ip, "--save", "",
            "--appendonly", "no", "--protected-mode", "no",
        ]  # fmt: skip
        svc = self.start(machine, "redis", argv, base_env())
        svc.wait_for_line(lambda line: "Ready to accept connections" in line, timeout=20)

    # -- the media tier --------------------------------------------------------------
    def start_livekit(self, machine: Machine, redis: Machine, apis: list[Machine]) -> Service:
        env = base_env()
        env.update(
            COLEARN_LIVEKIT_NODE_IP=machine.ip,
            COLEARN_LIVEKIT_REDIS=f"{redis.ip}:{REDIS_PORT}",
            COLEARN_LIVEKIT_WEBHOOK_URLS=",".join(
                f"http://{api.ip}:{API_PORT}/livekit/webhook" for api in apis
            ),
        )
        svc = self.start(machine, "livekit", [sys.executable, *COMMANDS["livekit"]], env)
        line = svc.wait_for_line(lambda line: '"nodeID"' in line, timeout=30)
        node_id = line.split('"nodeID":"', 1)[1].split('"', 1)[0]
        self.node_ids[node_id] = machine.name
        svc.wait_for_line(lambda line: "starting LiveKit server" in line, timeout=30)
        return svc

    # -- Co~Learn's own processes ------------------------------------------------------
    def app_env(self, livekit: Machine) -> dict[str, str]:
        env = base_env()
        env.update(
            COLEARN_DB=self.db_url,
            LIVEKIT_URL=f"ws://{livekit.ip}:{LIVEKIT_PORT}",
            COLEARN_LOG_LEVEL="INFO",
        )
        return env

    def start_api(self, machine: Machine, livekit: Machine) -> Service:
        env = self.app_env(livekit)
        env.update(COLEARN_API_HOST=machine.ip, COLEARN_API_PORT=str(API_PORT))
        svc = self.start(machine, "api", [sys.executable, *COMMANDS["api"]], env)
        svc.wait_for_line(lambda line: "Co~Learn API listening" in line, timeout=60)
        return svc

    def start_agent(self, machine: Machine, livekit: Machine) -> Service:
        env = self.app_env(livekit)
        env.update(
            COLEARN_CAPTIONS="off",  # captions are not what this test is about (and cost CPU)
            COLEARN_DICTIONARY_DB=str(ROOT / "var" / "dictionary.sqlite"),
        )
        svc = self.start(machine, "agent", [sys.executable, *COMMANDS["agent"]], env)
        svc.wait_for_line(lambda line: REGISTERED in line, timeout=90)
        return svc

    def start_mail(self, machine: Machine, livekit: Machine) -> Service:
        env = self.app_env(livekit)
        env.update(
            COLEARN_SMTP_HOST=HOST_IP,
            COLEARN_SMTP_PORT=str(self.smtp_port),
            COLEARN_SMTP_STARTTLS="false",
            COLEARN_MAIL_POLL_MS="200",
        )
        svc = self.start(machine, "mail", [sys.executable, *COMMANDS["mail"]], env)
        svc.wait_for_line(lambda line: "sending through" in line, timeout=60)
        return svc

    def services(self) -> list[Service]:
        return [svc for found in self.net.machines.values() for svc in found.services]

    def redis_get(self, redis: Machine, *command: str) -> str:
        found = subprocess.run(
            ["redis-cli", "-h", redis.ip, "-p", str(REDIS_PORT), "--raw", *command],
            capture_output=True, text=True, check=True, timeout=10,
        )  # fmt: skip
        return found.stdout.strip()

    def node_of(self, redis: Machine, room: str) -> str | None:
        """The machine whose livekit-server holds ``room`` (as Redis records it)."""
        node_id = self.redis_get(redis, "HGET", "room_node_map", room)
        return self.node_ids.get(node_id)


@contextlib.contextmanager
def network() -> Iterator[Network]:
    """A bridge with machines to add; everything is removed afterwards, even on failure."""
    if os.geteuid() != 0:
        raise ServiceError("the cluster test makes network namespaces: run it as root")
    net = Network()
    try:
        net.create()
        yield net
    finally:
        net.destroy()
