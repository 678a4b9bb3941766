#!/usr/bin/env bash
# Operating-system tools the tests use: installed from Debian's packages when missing.
#   espeak-ng, sox   speech for the caption tests
#   ip (iproute2)    the test run's own network namespace (scripts/loopback-netns.sh)
#   chromium         the browser the web page's tests drive (Playwright, never its own download)
#   libusb-1.0       loaded by tflite-support, which prepares background blur's model (make web)
set -euo pipefail

declare -A package_of=([espeak-ng]=espeak-ng [sox]=sox [ip]=iproute2 [unshare]=util-linux
  [chromium]=chromium)
declare -A library_package=([libusb-1.0.so.0]=libusb-1.0-0)
missing=()
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
for library in "${!library_package[@]}"; do
  PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q "$library" || missing+=("${library_package[$library]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
