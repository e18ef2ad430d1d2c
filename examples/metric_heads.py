"""Why margin heads and center loss: embeddings that verify pairs, trained three ways on handwritten digits.

    KERAS_BACKEND=jax python examples/metric_heads.py   # or tensorflow, torch

Face verification asks whether two images show the same person by comparing
their embeddings (cosine similarity against a threshold). Here the "faces"
are scikit-learn's bundled 8×8 digits (``load_digits``, no downloads). One
embedding network (64 → 64 → 16) is trained three ways, with the same seed,
optimizer, batches and epochs:

- plain softmax: a ``Dense`` classifier on the embeddings;
- ``ArcFace``: an additive angular margin on the cosine logits (the labels
  are a model input; at inference the head gives plain cosine logits);
- softmax + ``CenterLoss``: the softmax classifier, and each embedding pulled
  toward its class's center (Wen et al. 2016).

The script prints the verification accuracy on pairs of held-out digits (the
threshold on cosine similarity is chosen on training pairs; accuracy is the
mean of the same-class and different-class rates), the held-out classification
accuracy, and saves a PNG of the held-out embeddings projected to 2-D
(``examples/output/metric_heads.png``).
"""

from __future__ import annotations

import argparse
import pathlib

import keras
import numpy as np

import keras_losses

CLASSES, EMBED = 10, 16


def load_data(seed: int = 0) -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, y = (digits.data / 16.0).astype("float32"), digits.target.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    train, test = order[: int(0.7 * len(x))], order[int(0.7 * len(x)) :]
    return x[train], y[train], x[test], y[test]


def build(kind: str) -> tuple[keras.Model, keras.Model]:
    """The training model ``[features, labels] -> logits`` and the embedding model ``features -> embeddings``."""
    features = keras.Input((64,), name="features")
    labels = keras.Input((), dtype="int32", name="labels")
    hidden = keras.layers.Dense(64, activation="relu")(features)
    embeddings = keras.layers.Dense(EMBED, name="embeddings")(hidden)
    if kind == "ArcFace":
        logits = keras_losses.ArcFace(CLASSES, scale=16.0, margin=0.3)([embeddings, labels])
    else:
        x = embeddings
        if kind == "softmax + CenterLoss":
            x = keras_losses.CenterLoss(CLASSES, alpha=0.5, weight=0.05)([embeddings, labels])
        logits = keras.layers.Dense(CLASSES)(x)
    return keras.Model([features, labels], logits), keras.Model(features, embeddings)


def train(kind: str, x: np.ndarray, y: np.ndarray, epochs: int) -> tuple[keras.Model, keras.Model]:
    keras.utils.set_random_seed(0)  # same initial weights and batches for every model
    model, embedder = build(kind)
    model.compile(
        optimizer=keras.optimizers.Adam(0.003),
        loss=keras_losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit([x, y], y, batch_size=64, epochs=epochs, verbose=0)
    return model, embedder


def pair_similarities(embeddings: np.ndarray, labels: np.ndarray, limit: int = 100_000) -> tuple[np.ndarray, ...]:
    """Cosine similarity and same-class flag of every pair ``i < j`` (a fixed sample of ``limit`` pairs)."""
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    i, j = np.triu_indices(len(unit), k=1)
    if len(i) > limit:
        keep = np.random.default_rng(0).choice(len(i), limit, replace=False)
        i, j = i[keep], j[keep]
    return np.sum(unit[i] * unit[j], axis=1), labels[i] == labels[j]


def balanced_accuracy(similarity: np.ndarray, same: np.ndarray, threshold: float) -> float:
    accept = similarity >= threshold
    return 0.5 * (np.mean(accept[same]) + np.mean(~accept[~same]))


def verification_accuracy(embedder: keras.Model, x_train, y_train, x_test, y_test) -> tuple[float, float]:
    """Held-out balanced pair accuracy at the threshold that is best on training pairs."""
    sim, same = pair_similarities(embedder.predict(x_train, batch_size=1024, verbose=0), y_train)
    candidates = np.quantile(sim, np.linspace(0.01, 0.99, 99))
    threshold = max(candidates, key=lambda t: balanced_accuracy(sim, same, t))
    sim, same = pair_similarities(embedder.predict(x_test, batch_size=1024, verbose=0), y_test, limit=10**9)
    return balanced_accuracy(sim, same, threshold), float(threshold)


def save_plot(embeddings: dict[str, np.ndarray], labels: np.ndarray, scores: dict, path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(embeddings), figsize=(4.2 * len(embeddings), 4.2), squeeze=False)
    for ax, (name, e) in zip(axes[0], embeddings.items(), strict=True):
        unit = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
        centered = unit - unit.mean(0)
        _, _, vt = np.linalg.svd(centered, full_matrices=False)  # PCA to 2-D
        xy = centered @ vt[:2].T
        scatter = ax.scatter(xy[:, 0], xy[:, 1], c=labels, cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
        ax.set_title(f"{name}\nverification accuracy {scores[name]:.3f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(scatter, ax=axes[0].tolist(), ticks=range(CLASSES), shrink=0.8)
    fig.suptitle(f"Held-out digit embeddings (unit length, PCA), backend {keras.backend.backend()}", fontsize=9, y=1.04)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--output", default=str(pathlib.Path(__file__).parent / "output" / "metric_heads.png"))
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = load_data()
    print(f"backend: {keras.backend.backend()}")
    scores, embeddings = {}, {}
    for kind in ("softmax", "ArcFace", "softmax + CenterLoss"):
        model, embedder = train(kind, x_train, y_train, args.epochs)
        scores[kind], threshold = verification_accuracy(embedder, x_train, y_train, x_test, y_test)
        # Inference: the labels input is ignored by the heads (plain logits) and by CenterLoss.
        predicted = np.argmax(model.predict([x_test, np.zeros_like(y_test)], batch_size=1024, verbose=0), -1)
        embeddings[kind] = embedder.predict(x_test, batch_size=1024, verbose=0)
        print(
            f"  {kind:>20}: verification accuracy {scores[kind]:.3f} (cosine threshold {threshold:.2f}), "
            f"classification accuracy {np.mean(predicted == y_test):.3f}"
        )
    save_plot(embeddings, y_test, scores, pathlib.Path(args.output))
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
