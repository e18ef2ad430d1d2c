#!/usr/bin/env bash
# The quick start in one command: set up .venv if needed, then run examples/quickstart.py.
# Pick the backend with KERAS_BACKEND (default tensorflow).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/env.sh
python examples/quickstart.py "$@"
