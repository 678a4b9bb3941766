"""Free loopback ports for one test run (the suite usually runs in its own network namespace)."""

from __future__ import annotations

import socket


def free_ports(count: int) -> list[int]:
    """Ports free for both TCP and UDP on 127.0.0.1, distinct from each other."""
    ports: list[int] = []
    held: list[socket.socket] = []
    try:
        while len(ports) < count:
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                tcp.close()
                udp.close()
                continue
            held.extend([tcp, udp])
            ports.append(port)
        return ports
    finally:
        for sock in held:
            sock.close()
