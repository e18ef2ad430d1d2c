"""Test set-up: one backend per process (``KERAS_BACKEND``), torch imported first.

torch must be imported before TensorFlow when both live in one process (Keras's
own conftest does the same); the oracles need torch on every backend.
"""

import os

import torch  # noqa: F401  (import order: torch before tensorflow)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pytest_report_header(config):
    return f"keras backend: {keras.backend.backend()}, keras {keras.__version__}"


@pytest.fixture
def rng():
    return np.random.default_rng(20261123)


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    import keras_losses

    doctest_namespace["keras_losses"] = keras_losses
    doctest_namespace["np"] = np


def pytest_sessionfinish(session):
    """With KL_ERROR_REPORT=<folder>, write the largest oracle errors seen (one file per process)."""
    folder = os.environ.get("KL_ERROR_REPORT")
    if not folder:
        return
    import json

    from tests.helpers import MAX_ERRORS

    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{keras.backend.backend()}-{os.getpid()}.json")
    with open(path, "w") as f:
        json.dump({f"{loss}|{what}": error for (loss, what), error in MAX_ERRORS.items()}, f)


#: Modules whose tests run longest (subprocesses, compilation, fuzzing), longest first: run first,
#: so that pytest-xdist overlaps them with the many short tests instead of ending on them.
LONG_FIRST = (
    "test_distribution.py",
    "test_cross_backend.py",
    "test_fuzz.py",
    "test_compiled.py",
    "test_mixed_precision.py",
    "test_label_policy.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.path.name
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)  # stable: the order within a module is kept
