# Source this file (". .ci/env.sh") to get the project's pinned environment in
# .venv, created and installed on first use: torch's CPU build first (so that
# nothing later resolves a CUDA build), then the pinned test requirements, then
# the oracles installed without their dependencies, then keras_losses itself in
# editable mode. Later calls reuse it while the requirements and pyproject.toml
# are unchanged.
set -euo pipefail
KL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KL_VENV="${KL_VENV:-$KL_ROOT/.venv}"
KL_PYTHON="${KL_PYTHON:-python3}"
stamp="$(cat "$KL_ROOT/tests/requirements.txt" "$KL_ROOT/tests/requirements-nodeps.txt" "$KL_ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -x "$KL_VENV/bin/python" ] || [ "$(cat "$KL_VENV/.installed" 2>/dev/null)" != "$stamp" ]; then
  echo "==> setting up $KL_VENV (first run takes a few minutes)" >&2
  "$KL_PYTHON" -m venv "$KL_VENV"
  torch_pin="$(grep -E '^torch==' "$KL_ROOT/tests/requirements.txt")"
  "$KL_VENV/bin/python" -m pip install -q "$torch_pin" >&2
  "$KL_VENV/bin/python" -m pip install -q -r "$KL_ROOT/tests/requirements.txt" >&2
  # Oracles whose declared dependencies the tests do not use (smp's timm, Pillow, ...).
  "$KL_VENV/bin/python" -m pip install -q --no-deps -r "$KL_ROOT/tests/requirements-nodeps.txt" >&2
  "$KL_VENV/bin/python" -m pip install -q --no-deps -e "$KL_ROOT" >&2
  echo "$stamp" > "$KL_VENV/.installed"
fi
export PATH="$KL_VENV/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
