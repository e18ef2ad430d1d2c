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
