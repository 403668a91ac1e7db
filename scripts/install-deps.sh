#!/usr/bin/env bash
# Installs every build, test and runtime dependency of sessionrec from Debian 12's
# packages. Idempotent and non-interactive; run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  clang clang-format libclang-rt-14-dev
  libboost-dev libboost-system-dev
  libsimdjson-dev rapidjson-dev nlohmann-json3-dev
  libxgboost-dev libfasttext-dev libhnswlib-dev
  libabsl-dev libtbb-dev libzstd-dev
  libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk ccache
  libhiredis-dev prometheus-cpp-dev redis-server nginx
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
