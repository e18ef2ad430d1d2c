#!/usr/bin/env bash
# The whole test suite on all three backends, one process each; fails if any fails.
# Sets up its own environment first (.ci/env.sh). Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
. .ci/env.sh
set +e
status=0
summary=()
echo "==> ruff"
if ruff check . && ruff format --check .; then summary+=("ruff: ok"); else summary+=("ruff: FAILED"); status=1; fi
echo "==> mkdocs build --strict (the docs site, pictures on torch)"
start=$SECONDS
if NO_MKDOCS_2_WARNING=1 mkdocs build --strict -q; then summary+=("docs: ok in $((SECONDS - start)) s"); else summary+=("docs: FAILED"); status=1; fi
for backend in tensorflow jax torch; do
  echo "==> pytest, KERAS_BACKEND=$backend"
  start=$SECONDS
  KERAS_BACKEND=$backend python -m pytest -n 2 -q "$@"
  code=$?
  summary+=("$backend: exit $code in $((SECONDS - start)) s")
  [ $code -eq 0 ] || status=1
done
echo "==> summary"
printf '  %s\n' "${summary[@]}"
exit $status
