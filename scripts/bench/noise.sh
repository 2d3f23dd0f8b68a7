#!/bin/sh
# Noise NX benchmarks (release build, one core per figure): responder handshakes per second,
# the pieces of a handshake, and encrypt+decrypt round trips for 64-byte and 1 KiB payloads.
# Prints "BENCH ..." lines; asserts no times. RG_BENCH_SCALE=0.1 for a quick run.
#
#   scripts/bench/noise.sh            # from the repository root
set -eu
cd "$(dirname "$0")/../.."
RG_BENCH=1 swift test -c release --filter NoiseBenchmarks 2>&1 | grep -E '^BENCH|error|failed' || true
