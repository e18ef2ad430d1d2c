"""Quick start: train with a keras_losses string, save to .keras, reload in a fresh process.

A small regression model learns y = sin(3x) + x/2 from noisy data in which 10%
of the training targets are wild outliers. It is compiled with
``loss="smooth_l1"`` -- a string Keras alone does not know -- trained, saved
to ``examples/output/quickstart.keras``, then reloaded and evaluated in a new
Python process, which prints the same metrics. The same model trained with
plain ``"mse"`` is printed beside it: the outliers pull it away from the curve.

Run it on any backend:  KERAS_BACKEND=jax python examples/quickstart.py
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_losses  # noqa: E402,F401  (registers "smooth_l1" and friends with Keras)

OUTPUT = pathlib.Path(__file__).parent / "output"
MODEL_PATH = OUTPUT / "quickstart.keras"


def make_data(seed: int = 0):
    """Generated data: a smooth curve, Gaussian noise, and 10% outliers in the training targets."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (4000, 1)).astype("float32")
    clean = np.sin(3 * x) + 0.5 * x
    y = clean + rng.normal(0, 0.1, x.shape)
    outliers = rng.uniform(size=x.shape) < 0.10
    y = np.where(outliers, y + rng.normal(0, 8, x.shape), y).astype("float32")
    x_test = np.linspace(-2, 2, 500, dtype="float32")[:, None]
    y_test = (np.sin(3 * x_test) + 0.5 * x_test).astype("float32")
    return (x, y), (x_test, y_test)


def metrics(model: keras.Model) -> dict[str, float]:
    _, (x_test, y_test) = make_data()
    prediction = model.predict(x_test, verbose=0)
    return {
        "smooth_l1_on_clean_test": float(model.evaluate(x_test, y_test, verbose=0)),
        "mae_on_clean_test": float(np.mean(np.abs(prediction - y_test))),
    }


def train(loss: str) -> keras.Model:
    keras.utils.set_random_seed(0)
    (x, y), _ = make_data()
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(64, activation="tanh"),
            keras.layers.Dense(64, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    model.fit(x, y, epochs=40, batch_size=128, verbose=0)
    return model


def main() -> None:
    if sys.argv[1:] == ["--evaluate"]:  # the fresh process: load and evaluate only
        print(json.dumps(metrics(keras.saving.load_model(MODEL_PATH))))
        return
    print(f"backend: {keras.backend.backend()}, loss: 'smooth_l1' (keras_losses.SmoothL1)")
    model = train("smooth_l1")
    OUTPUT.mkdir(exist_ok=True)
    model.save(MODEL_PATH)
    trained = metrics(model)
    print(f"trained and saved {MODEL_PATH}")
    fresh = subprocess.run([sys.executable, __file__, "--evaluate"], capture_output=True, text=True, check=True)
    reloaded = json.loads(fresh.stdout.strip().splitlines()[-1])
    for name, value in trained.items():
        print(f"{name}: trained {value:.5f}, reloaded in a fresh process {reloaded[name]:.5f}")
        if not np.isclose(value, reloaded[name], rtol=1e-5):
            sys.exit(f"reloaded model differs on {name}")
    _, (x_test, y_test) = make_data()
    mse_error = float(np.mean(np.abs(train("mse").predict(x_test, verbose=0) - y_test)))
    print(f"for comparison, the same model trained with loss='mse': mae_on_clean_test {mse_error:.5f}")
    if trained["mae_on_clean_test"] > 0.15:
        sys.exit("the model did not learn the curve")
    print("ok: the .keras file reloads with its keras_losses loss and gives the same metrics")


if __name__ == "__main__":
    main()
