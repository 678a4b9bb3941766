"""A learner on a network of their own: the stack on a bridge, a Chromium in a namespace.

The bridge and the learner's namespace are tests/support/cluster.py's (``Network``): the
test process has 10.77.1.1 on the bridge, and livekit-server, the agent and the API run
there, on that address (livekit-server advertises it as its ICE candidate, and the API hands
out ``ws://10.77.1.1:...``). The learner's Chromium runs in a namespace whose one interface
(10.77.1.2) is a veth pair's end; the other end is on the bridge, so taking that end down
cuts the learner off as a pulled cable or a lost Wi-Fi does, and nobody else.

Playwright drives Chromium over a pipe on its standard descriptors, which ``ip netns exec``
passes on, so a two-line wrapper script is its executable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from colearn.livekit_server import LiveKitPorts, LiveKitSettings
from tests.support.browser import CHROMIUM
from tests.support.cluster import HOST_IP, Machine, Network, ip
from tests.support.stack import API_KEY, API_SECRET, RunningStack


@contextmanager
def bridged_network(tag: str) -> Iterator[tuple[Network, Machine]]:
    """The bridge (with the test's own address on it) and the learner's namespace."""
    net = Network(tag=tag)
    try:
        net.create()
        yield net, net.machine("learner", 2)
    finally:
        net.destroy()


def outside_end(net: Network, machine: Machine) -> str:
    """The bridge's end of ``machine``'s veth pair (named as Network.machine names it)."""
    octet = machine.ip.rsplit(".", 1)[1]
    return f"cl{net.tag}v{octet}"[-15:]


def set_link(device: str, up: bool) -> None:
    ip("link", "set", device, "up" if up else "down")


def bridged_stack(ports: list[int], tmp: Path, db_url: str) -> RunningStack:
    """livekit-server and the API on the bridge's address (the agent reaches it there too)."""
    signal_port, tcp_port, udp_port, api_port = ports
    settings = LiveKitSettings(
        ports=LiveKitPorts(signal=signal_port, rtc_tcp=tcp_port, rtc_udp=udp_port),
        api_key=API_KEY,
        api_secret=API_SECRET,
        webhook_url=f"http://{HOST_IP}:{api_port}/livekit/webhook",
        node_ip=HOST_IP,
    )
    return RunningStack(settings=settings, api_port=api_port, db_url=db_url, log_dir=tmp / "logs")


def chromium_in(machine: Machine, folder: Path) -> Path:
    """An executable that starts the system Chromium inside ``machine``'s namespace."""
    wrapper = folder / f"chromium-in-{machine.name}"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {machine.netns} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper
