"""Why metric learning: nearest-neighbour retrieval of handwritten digits, with and without a metric loss.

    KERAS_BACKEND=jax python examples/metric_learning.py   # or tensorflow, torch

The data is scikit-learn's bundled ``load_digits`` (1,797 8×8 images, no
downloads), split into a training set and held-out digits. One small network
maps an image to a unit-norm embedding; three copies of it, built with the same
seed (the same initial weights):

- untrained: the embedding of a randomly initialised network;
- ``TripletSemiHard``: TF-Addons' semi-hard triplet loss, mined inside each batch
  (each positive pair against the closest negative that is farther away);
- ``SupervisedContrastive``: every same-digit pair of the batch pulled together
  against all the other pairs (pytorch-metric-learning's ``SupConLoss``).

Neither loss sees a class index as a target to predict: the labels only say
which embeddings belong together. The script prints recall@1 on the held-out
digits (for each one, whether its nearest neighbour among the other held-out
digits shows the same digit) and saves a PNG of a 2-D projection (PCA) of the
held-out embeddings (``examples/output/metric_learning.png``).
"""

from __future__ import annotations

import argparse
import pathlib

import keras
import numpy as np

import keras_losses

INPUTS = 64


def load_data(held_out: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)``: pixels scaled to [0, 1], labels 0-9."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, y = (digits.data / 16.0).astype("float32"), digits.target.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    test = int(round(held_out * len(x)))
    return x[order[test:]], y[order[test:]], x[order[:test]], y[order[:test]]


def build_model(embedding_size: int) -> keras.Model:
    keras.utils.set_random_seed(0)  # the same initial weights for every copy
    return keras.Sequential(
        [
            keras.Input((INPUTS,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(embedding_size),
            keras.layers.UnitNormalization(),
        ]
    )


def train(loss: keras.losses.Loss, x: np.ndarray, y: np.ndarray, epochs: int, embedding_size: int) -> keras.Model:
    model = build_model(embedding_size)
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss=loss)
    # Shuffled batches of 128 hold every digit several times: positive and negative pairs in each.
    model.fit(x, y, batch_size=128, epochs=epochs, shuffle=True, verbose=0)
    return model


def recall_at_1(embeddings: np.ndarray, labels: np.ndarray) -> float:
    """Share of the embeddings whose nearest other embedding (euclidean) has the same label."""
    squared = np.sum(embeddings**2, 1)
    distances = squared[:, None] + squared[None, :] - 2.0 * embeddings @ embeddings.T
    np.fill_diagonal(distances, np.inf)
    return float(np.mean(labels[np.argmin(distances, 1)] == labels))


def pca_2d(x: np.ndarray) -> np.ndarray:
    """The projection of the rows of ``x`` on their first two principal axes."""
    centred = x - x.mean(0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return centred @ axes[:2].T


def save_plot(embeddings: dict[str, np.ndarray], labels: np.ndarray, recalls: dict[str, float], path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, len(embeddings), figsize=(3.6 * len(embeddings) + 0.8, 4.0), squeeze=False, layout="constrained"
    )
    for ax, (name, values) in zip(axes[0], embeddings.items(), strict=True):
        points = pca_2d(values)
        scatter = ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=9)
        ax.set_title(f"{name}\nrecall@1 {recalls[name]:.3f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(scatter, ax=axes[0].tolist(), ticks=range(10), label="digit", shrink=0.85)
    fig.suptitle(f"Held-out digits' embeddings, PCA to 2-D (backend {keras.backend.backend()})", fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--embedding-size", type=int, default=8)
    parser.add_argument("--held-out", type=float, default=0.3, help="share of the digits held out")
    parser.add_argument("--output", default=str(pathlib.Path(__file__).parent / "output" / "metric_learning.png"))
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = load_data(args.held_out, seed=0)
    losses = {
        "TripletSemiHard": keras_losses.TripletSemiHard(),
        "SupervisedContrastive": keras_losses.SupervisedContrastive(),
    }
    models = {"untrained": build_model(args.embedding_size)}
    models.update(
        {name: train(loss, x_train, y_train, args.epochs, args.embedding_size) for name, loss in losses.items()}
    )
    embeddings = {name: np.asarray(model.predict(x_test, verbose=0)) for name, model in models.items()}
    recalls = {name: recall_at_1(values, y_test) for name, values in embeddings.items()}
    print(f"backend: {keras.backend.backend()}")
    print(f"recall@1 on {len(y_test)} held-out digits (nearest neighbour among the others):")
    for name, recall in recalls.items():
        print(f"  {name:>21}: {recall:.3f}")
    save_plot(embeddings, y_test, recalls, pathlib.Path(args.output))
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
