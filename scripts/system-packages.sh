#!/usr/bin/env bash
# Operating-system tools the tests use: installed from Debian's packages when missing.
#   espeak-ng, sox   speech for the caption tests
#   ip (iproute2)    the test run's own network namespace (scripts/loopback-netns.sh)
#   chromium         the browser the web page's tests drive (Playwright, never its own download)
#   libusb-1.0       loaded by tflite-support, which prepares background blur's model (make web)
#   postgresql       the tests run the whole suite on PostgreSQL too, on a server they start
#                    themselves (initdb, pg_ctl); the package also creates the unprivileged
#                    `postgres` user a server started by root runs as
#   redis-server     livekit-server's multi-node mode keeps rooms and node loads in Redis;
#                    the cluster test (tests/test_cluster.py) starts its own
set -euo pipefail

declare -A package_of=([espeak-ng]=espeak-ng [sox]=sox [ip]=iproute2 [unshare]=util-linux
  [chromium]=chromium [redis-server]=redis-server)
missing=()
declare -A library_package=([libusb-1.0.so.0]=libusb-1.0-0)
# PostgreSQL's programs live outside PATH (/usr/lib/postgresql/VERSION/bin)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
for library in "${!library_package[@]}"; do
  PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q "$library" || missing+=("${library_package[$library]}")
done
ensure_postgres_user() {
  # initdb refuses to run as root: the test harness runs PostgreSQL as this user
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "==> Creating the unprivileged system user 'postgres' (runs the tests' PostgreSQL)"
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
}
if [ ${#missing[@]} -eq 0 ]; then
  ensure_postgres_user
  exit 0
fi

echo "==> Installing system packages: ${missing[*]}"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: these packages are missing: ${missing[*]}" >&2
  echo "       install them with your package manager (as root: apt-get install ${missing[*]})," >&2
  echo "       then run make again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
ensure_postgres_user
