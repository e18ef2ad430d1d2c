"""Record the measured oracle agreement shown on the docs' home page (docs/data/agreement.json).

    KL_ERROR_REPORT=/tmp/kl KERAS_BACKEND=jax python -m pytest tests/test_regression.py \
        tests/test_classification.py tests/test_segmentation.py
    python docs/measure_agreement.py /tmp/kl jax

The tests record the largest relative error against the oracle per loss (tests/conftest.py).
"""

import json
import pathlib
import sys

folder, backend = pathlib.Path(sys.argv[1]), sys.argv[2]
errors: dict = {}
for path in folder.glob(f"{backend}-*.json"):
    for key, value in json.loads(path.read_text()).items():
        loss, what = key.split("|")
        errors.setdefault(loss, {})[what] = max(errors.get(loss, {}).get(what, 0.0), value)
out = pathlib.Path(__file__).parent / "data" / "agreement.json"
out.parent.mkdir(exist_ok=True)
how = (
    f"Largest relative error against the oracle over every oracle test of the family files "
    f"(tests/test_regression.py, test_classification.py, test_segmentation.py), {backend} backend, float32, "
    "recorded with KL_ERROR_REPORT; the tests fail above their tolerance."
)
out.write_text(json.dumps({"how": how, "errors": errors}, indent=1, sort_keys=True) + "\n")
print(f"wrote {out}: {len(errors)} losses")
