"""A `.keras` file saved under this backend loads and evaluates equally under another (losses and layers).

The backends form a ring (TensorFlow's files load on JAX, JAX's on torch, torch's on
TensorFlow): every backend saves once and loads once, at half the loaders' time of
every pair.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_losses as kl
from keras_losses.core.registry import KERAS_OWNED_NAMES
from tests.cases import CASES, build_model
from tests.helpers import BACKEND
from tests.layer_cases import build_layer_model, layer_data

RING = ("tensorflow", "jax", "torch")
#: The backend that loads this backend's files: the next one in the ring.
OTHER_BACKENDS = [RING[(RING.index(BACKEND) + 1) % len(RING)]]
#: The sum of each weight of each saved model, as saved (``.keras`` files hold every weight exactly).
WEIGHT_SUMS: dict[str, list[float]] = {}

# Runs in a fresh process under another backend: load every model, evaluate on the saved data.
LOADER = textwrap.dedent(
    """
    import json, pathlib, sys
    import torch  # before tensorflow
    import keras, numpy as np
    import keras_losses
    folder = pathlib.Path(sys.argv[1])
    results = {}
    for path in sorted(folder.glob("*.keras")):
        data = np.load(path.with_suffix(".npz"))
        model = keras.saving.load_model(path)
        x = [data["x"], data["labels"]] if "labels" in data else data["x"]  # the layers' model
        if isinstance(model.loss, dict):  # one head per loss string: its loss class and value
            y = {name: data[name] for name in data.files if name.startswith("head_")}
            values = model.evaluate(x, y, verbose=0, return_dict=True)
            results[path.stem] = {
                name: {"loss": type(keras.losses.get(string)).__name__, "value": float(values[name + "_loss"])}
                for name, string in model.loss.items()
            }
        else:
            loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
            results[path.stem] = {"loss": type(loss).__name__, "value": float(model.evaluate(x, data["y"], verbose=0))}
        results[path.stem]["weights"] = [float(np.sum(w, dtype="float64")) for w in model.get_weights()]
        if "labels" in data:  # the margins (training=True) agree too
            trained = keras.ops.convert_to_numpy(model(x, training=True))
            results[path.stem]["train_error"] = float(np.max(np.abs(trained - data["trained"])))
    print("RESULTS" + json.dumps(results))
    """
)


def _save(model, folder, stem):
    model.save(folder / f"{stem}.keras")
    WEIGHT_SUMS[stem] = [float(np.sum(w, dtype="float64")) for w in model.get_weights()]


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"saved_under_{BACKEND}")
    expected = {}
    rng = np.random.default_rng(5)
    # Every string we own (function names, aliases) and each loss without one: one head each of one
    # model, trained by string, saved once (a model per string took minutes to fit, save and load).
    # Not XLA-compiled (saved so in its compile config): XLA takes many minutes over 78 losses in one
    # graph, and compiled training is test_conformance's and test_compiled's.
    inputs = keras.Input((4,))
    heads, targets, losses, classes = {}, {}, {}, {}
    for entry in kl.entries():
        name = entry.cls.__name__
        strings = [n for n in entry.names[1:] if n not in KERAS_OWNED_NAMES]
        for string in strings or [name]:
            head = f"head_{len(heads)}"
            case_inputs, activation = CASES[name].preset_inputs.get(string, (CASES[name].inputs, None))
            y_true, y_pred = case_inputs(rng, (16,), 3)
            heads[head] = build_model(name, y_pred.shape[1:], activation=activation, name=head)(inputs)
            targets[head] = y_true.astype("float32")
            losses[head] = string if strings else entry.cls()
            classes[head] = name  # the registered class each string must load as
    x = rng.normal(size=(16, 4)).astype("float32")
    keras.utils.set_random_seed(1)
    model = keras.Model(inputs, heads)
    model.compile(optimizer="adam", loss=losses, jit_compile=False)
    # One step: evaluate() reuses its shapes (JAX's eager ops compile once per shape).
    model.fit(x, targets, epochs=1, batch_size=16, verbose=0)
    _save(model, folder, "heads")
    np.savez(folder / "heads.npz", x=x, **targets)
    values = model.evaluate(x, targets, verbose=0, return_dict=True)
    expected["heads"] = {head: (classes[head], float(values[head + "_loss"])) for head in heads}
    # Loss arithmetic: a composite of ours and Keras's, one registered class whose config holds its terms.
    y_true, y_pred = CASES["Dice"].sample(rng, 16)
    x = rng.normal(size=(16, 4)).astype("float32")
    model = build_model("Dice", y_pred.shape[1:])
    model.compile(optimizer="adam", loss=kl.Dice(smooth=1.0) + 0.5 * kl.Tversky(gamma=0.75) + keras.losses.Dice())
    model.fit(x, y_true.astype("float32"), epochs=1, batch_size=8, verbose=0)
    _save(model, folder, "composite")
    np.savez(folder / "composite.npz", x=x, y=y_true.astype("float32"))
    expected["composite"] = ("CompositeLoss", float(model.evaluate(x, y_true.astype("float32"), verbose=0)))
    # Every layer of keras_losses.layers in one model, trained (the centers moved), then saved.
    x, labels = layer_data()
    keras.utils.set_random_seed(1)
    model = build_layer_model()
    model.compile(optimizer="adam", loss=kl.SparseCategoricalCrossentropy(from_logits=True))
    model.fit([x, labels], labels, epochs=1, batch_size=16, verbose=0)
    _save(model, folder, "layers")
    trained = keras.ops.convert_to_numpy(model([x, labels], training=True))
    np.savez(folder / "layers.npz", x=x, labels=labels, y=labels, trained=trained)
    expected["layers"] = ("SparseCategoricalCrossentropy", float(model.evaluate([x, labels], labels, verbose=0)))
    return folder, expected


@pytest.fixture(scope="module")
def loaded_elsewhere(saved_models):
    """Start the loader of the other backend; collect its results."""
    folder, _ = saved_models
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    runs = {}
    for other in OTHER_BACKENDS:
        env = dict(os.environ, KERAS_BACKEND=other, TF_CPP_MIN_LOG_LEVEL="3")
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        runs[other] = subprocess.Popen(
            [sys.executable, "-c", LOADER, str(folder)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    return {other: run.communicate(timeout=900) + (run.returncode,) for other, run in runs.items()}


@pytest.mark.parametrize("other", OTHER_BACKENDS)
def test_keras_files_load_and_evaluate_equally_on_other_backends(saved_models, loaded_elsewhere, other):
    _, expected = saved_models
    stdout, stderr, returncode = loaded_elsewhere[other]
    assert returncode == 0, stderr[-3000:]
    line = next(line for line in stdout.splitlines() if line.startswith("RESULTS"))
    results = json.loads(line[len("RESULTS") :])
    assert sorted(results) == sorted(expected)
    for stem, want in expected.items():
        got = results[stem]
        heads = want if stem == "heads" else {None: want}
        for head, (name, value) in heads.items():
            result = got if head is None else got[head]
            assert result["loss"] == name, (stem, head, result)
            # atol: a mean of O(1) float32 terms that nearly cancel (cosine_proximity ~0.002) differs by
            # a few ulp of its terms between backends, far above rtol of the small result.
            np.testing.assert_allclose(
                result["value"], value, rtol=1e-5, atol=1e-6, err_msg=f"{stem} {head} saved on {BACKEND}"
            )
        np.testing.assert_allclose(got["weights"], WEIGHT_SUMS[stem], rtol=1e-6, atol=1e-6, err_msg=stem)
    assert results["layers"]["train_error"] <= 1e-4, results["layers"]
