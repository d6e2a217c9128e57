#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for coupongen, build it, and then either run a sample
# campaign (demo) or the test suite (test). Installs packages with apt-get, as root or via sudo.
#   bash scripts/bootstrap.sh demo    # install, build, generate samples/vip-per-recipient.yaml to stdout
#   bash scripts/bootstrap.sh test    # install, build, run every test (ctest)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-demo}
build_dir=${BUILD_DIR:-build}
packages=(
  build-essential cmake pkg-config            # compiler and build system
  libboost-program-options-dev                # command line
  libyaml-cpp-dev                             # campaign specs
  libssl-dev                                  # OpenSSL: CSPRNG, AES for keyed mode
  nlohmann-json3-dev                          # JSON reading and metadata
  zlib1g-dev                                  # gzip-compressed coupon files
  libsqlite3-dev                              # the ledger of issued codes
  libcurl4-openssl-dev                        # upload/pull: HTTPS to the Commerce Layer API (TLS verified)
  libgtest-dev                                # tests
  python3                                     # independent output check in the tests
  groff-base man-db                           # man page rendering tests
  bash-completion                             # completion test
  dpkg-dev file                               # cpack -G DEB: dpkg-shlibdeps for Depends (and file, which CPack runs)
  python3-yaml systemd                        # deploy/ check: parse the Kubernetes manifest, systemd-analyze verify
  postgresql libpq-dev                        # libpq: the PostgreSQL ledger (--ledger postgresql://); the test server (initdb, pg_ctl)
  libhowardhinnant-date-dev tzdata            # spec time zones: IANA names from the system tz database
  libxlsxwriter-dev                           # xlsx output for spreadsheets
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "bootstrap: run as root or install sudo to install: ${packages[*]}" >&2; exit 1
  fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
case "$mode" in
  demo)
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCOUPONGEN_BUILD_TESTS=OFF
    cmake --build "$build_dir" -j "$jobs"
    "$build_dir/coupongen" validate samples/vip-per-recipient.yaml
    "$build_dir/coupongen" generate samples/vip-per-recipient.yaml -o -
    ;;
  test)
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOUPONGEN_BUILD_TESTS=ON ${COUPONGEN_CMAKE_ARGS:-}
    cmake --build "$build_dir" -j "$jobs"
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: bash scripts/bootstrap.sh demo|test" >&2
    exit 2
    ;;
esac
