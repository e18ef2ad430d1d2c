"""Why focal loss: a strongly imbalanced 3-class problem, trained with ``loss="focal"`` and with cross-entropy.

    KERAS_BACKEND=jax python examples/imbalanced_focal.py   # or tensorflow, torch

The data are generated: three overlapping Gaussian classes in 2-D with 95%,
4% and 1% of the samples. The models have the same architecture, seed,
optimizer and epochs; only the loss differs:

- plain cross-entropy, dominated by the easy majority class;
- ``loss="focal"`` (gamma 2, one alpha for all classes): it scales down the
  examples the model already gets right (Lin et al. 2017);
- focal with a per-class ``alpha`` proportional to 1 / class frequency, the
  paper's other half: the weight that actually moves the rare classes.

The script prints per-class recall on a balanced test set and saves a PNG
comparing them (``examples/output/imbalanced_focal.png``).
"""

from __future__ import annotations

import argparse
import pathlib

import keras
import numpy as np

import keras_losses  # registers "focal" for compile

CLASS_SHARE = (0.95, 0.04, 0.01)
CENTERS = np.array([[0.0, 0.0], [1.6, 0.6], [0.4, 1.7]])


def make_data(n: int, share: tuple[float, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.choice(len(share), size=n, p=share)
    x = CENTERS[labels] + rng.normal(0, 0.6, (n, 2))
    return x.astype("float32"), np.eye(len(share), dtype="float32")[labels]


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def recall_per_class(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    predicted = np.argmax(model.predict(x, verbose=0), -1)
    truth = np.argmax(y, -1)
    return np.array([np.mean(predicted[truth == c] == c) for c in range(y.shape[1])])


def train(loss: str | keras.losses.Loss, x: np.ndarray, y: np.ndarray, epochs: int) -> keras.Model:
    keras.utils.set_random_seed(0)  # same initial weights and batches for both losses
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    model.fit(x, y, batch_size=256, epochs=epochs, verbose=0)
    return model


def save_plot(recalls: dict[str, np.ndarray], path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    classes = np.arange(len(CLASS_SHARE))
    width = 0.8 / len(recalls)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for i, (name, recall) in enumerate(recalls.items()):
        ax.bar(classes + (i - (len(recalls) - 1) / 2) * width, recall, width=width, label=name)
    ax.set_xticks(classes, [f"class {c}\n{share:.0%} of training" for c, share in enumerate(CLASS_SHARE)])
    ax.set_ylabel("recall on a balanced test set")
    ax.set_ylim(0, 1)
    ax.set_title(f"Imbalanced classes, backend {keras.backend.backend()}")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--samples", type=int, default=20_000, help="training samples")
    parser.add_argument("--output", default=str(pathlib.Path(__file__).parent / "output" / "imbalanced_focal.png"))
    args = parser.parse_args()
    x, y = make_data(args.samples, CLASS_SHARE, seed=1)
    x_test, y_test = make_data(min(3_000, args.samples), (1 / 3, 1 / 3, 1 / 3), seed=2)
    inverse_frequency = 1.0 / np.asarray(CLASS_SHARE)
    alpha = (inverse_frequency / inverse_frequency.sum()).round(3).tolist()
    losses = {
        "categorical_crossentropy": "categorical_crossentropy",
        'loss="focal"': "focal",
        f"focal, alpha={alpha}": keras_losses.CategoricalFocalCrossentropy(alpha=alpha),
    }
    recalls = {name: recall_per_class(train(loss, x, y, args.epochs), x_test, y_test) for name, loss in losses.items()}
    print(f"backend: {keras.backend.backend()}")
    print("per-class recall (balanced test set):")
    for loss, recall in recalls.items():
        print(f"  {loss:>38}: " + "  ".join(f"class {c} {r:.3f}" for c, r in enumerate(recall)))
    save_plot(recalls, pathlib.Path(args.output))
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
