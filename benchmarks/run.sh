#!/usr/bin/env bash
# Benchmarks on all three backends in one run; writes benchmarks/RESULTS.md. Sets up .venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/env.sh
python benchmarks/run.py "$@"
