#!/usr/bin/env bash
# The whole test suite: unit tests for every RGKit layer, end-to-end tests that run the real
# binaries on 127.0.0.1, the seeded fuzz sets, and a check that man pages and completions
# match the argument parsers. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
scripts/generate-docs.sh --check
echo "all tests passed"
