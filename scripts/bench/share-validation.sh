#!/bin/sh
# rg-gate's share-validation path on one core, in release (ARCHITECTURE §5: ≥ 1,000,000 shares/s;
# SHA-256d of a header runs at ≈ 3 M/s here). Also prints the path with SV2 decode/encode, raw
# SHA-256d for comparison, the core-side cost of a new tip fanned out to 10,000 channels, and
# the core's memory per channel. Prints "BENCH ..." lines; asserts nothing.
#
#   scripts/bench/share-validation.sh [shares]      # default 3,000,000
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --build-path .build --product gateway-bench >/dev/null 2>&1 || { echo "release build of gateway-bench failed" >&2; exit 1; }
# One core: the figure is per core, whatever else the machine runs.
exec taskset -c 0 .build/release/gateway-bench "${1:-3000000}"
