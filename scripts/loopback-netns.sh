#!/usr/bin/env bash
# Run a command in a fresh network namespace that reaches nothing outside this machine.
#
# The namespace has loopback plus one veth pair whose two ends both stay inside it:
# WebRTC stacks (libwebrtc in the Python SDK, Chromium) gather no candidates on a
# loopback-only host, so they need one non-loopback address to start ICE from. There is
# no route out of the namespace, so every packet of the run stays on this machine, and no
# port clashes with anything else running here.
#
#   scripts/loopback-netns.sh COMMAND [ARGS...]
set -euo pipefail

if [ "${COLEARN_IN_NETNS:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
    exec env COLEARN_IN_NETNS=1 unshare --net "$0" "$@"
  elif unshare -rn true 2>/dev/null; then
    exec env COLEARN_IN_NETNS=1 unshare -rn "$0" "$@"
  fi
  echo "note: cannot create a network namespace here; running on the host's loopback" >&2
  exec "$@"
fi

ip link set lo up
if ! ip link add colearn0 type veth peer name colearn1 2>/dev/null; then
  echo "error: could not create a veth pair in the test namespace (is iproute2 installed" \
       "and the veth kernel module available?)" >&2
  exit 1
fi
ip addr add 10.77.0.1/24 dev colearn0
ip link set colearn0 up
ip link set colearn1 up
exec "$@"
