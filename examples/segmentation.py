"""Why Dice + cross-entropy: segmenting a rare, small class, trained with cross-entropy alone and with Dice + CE.

    KERAS_BACKEND=jax python examples/segmentation.py   # or tensorflow, torch

The images are generated (no downloads): 32×32 noise with squares (class 1),
discs (class 2) and, in a few images, small crosses (class 3: about 0.3% of
the pixels). Both models have the same architecture, seed, optimizer and
epochs; only the loss differs:

- ``SparseCategoricalCrossentropy(from_logits=True)``: every pixel counts the
  same, so the rare class barely moves the loss;
- ``Dice(mode="multiclass", from_logits=True) + SparseCategoricalCrossentropy(from_logits=True)``:
  the Dice term averages the overlap over classes, so the rare class weighs as
  much as the background (loss arithmetic gives one ``CompositeLoss``).

The script prints per-class IoU on held-out images and saves a PNG of images,
true masks and both predictions (``examples/output/segmentation.png``).
"""

from __future__ import annotations

import argparse
import pathlib

import keras
import numpy as np

import keras_losses

SIZE, CLASSES = 32, 4
NAMES = ("background", "square", "disc", "cross (rare)")


def make_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(n, 32, 32, 1)`` and integer masks ``(n, 32, 32)``."""
    rng = np.random.default_rng(seed)
    images = rng.normal(0, 0.35, (n, SIZE, SIZE, 1)).astype("float32")
    masks = np.zeros((n, SIZE, SIZE), "int32")
    yy, xx = np.mgrid[:SIZE, :SIZE]
    for i in range(n):
        for _ in range(rng.integers(1, 3)):  # squares
            s, r, c = rng.integers(5, 10), *rng.integers(0, SIZE - 10, 2)
            masks[i, r : r + s, c : c + s] = 1
        for _ in range(rng.integers(1, 3)):  # discs
            radius, r, c = rng.integers(3, 6), *rng.integers(6, SIZE - 6, 2)
            masks[i][(yy - r) ** 2 + (xx - c) ** 2 <= radius**2] = 2
        if rng.random() < 0.3:  # a small cross in 30% of the images
            r, c = rng.integers(2, SIZE - 2, 2)
            masks[i, r - 1 : r + 2, c] = 3
            masks[i, r, c - 1 : c + 2] = 3
    brightness = np.array([0.0, 1.0, -1.0, 0.6], "float32")  # the cross is dimmer than a square
    images[..., 0] += brightness[masks]
    return images, masks


def build_model() -> keras.Model:
    inputs = keras.Input((SIZE, SIZE, 1))
    x = inputs
    for dilation in (1, 2, 4, 1):
        x = keras.layers.Conv2D(24, 3, padding="same", dilation_rate=dilation, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Conv2D(CLASSES, 1)(x))  # logits


def iou_per_class(model: keras.Model, images: np.ndarray, masks: np.ndarray) -> np.ndarray:
    predicted = np.argmax(model.predict(images, verbose=0), -1)
    return np.array(
        [
            np.sum((predicted == c) & (masks == c)) / max(np.sum((predicted == c) | (masks == c)), 1)
            for c in range(CLASSES)
        ]
    )


def train(loss: keras.losses.Loss, images: np.ndarray, masks: np.ndarray, epochs: int) -> keras.Model:
    keras.utils.set_random_seed(0)  # same initial weights and batches for both losses
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss=loss)
    model.fit(images, masks, batch_size=32, epochs=epochs, verbose=0)
    return model


def save_plot(images: np.ndarray, masks: np.ndarray, predictions: dict[str, np.ndarray], path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [("image", images[..., 0], "gray"), ("true mask", masks, "viridis")]
    rows += [(name, np.argmax(p, -1), "viridis") for name, p in predictions.items()]
    fig, axes = plt.subplots(len(rows), len(images), figsize=(1.6 * len(images), 1.7 * len(rows)), squeeze=False)
    for r, (title, data, cmap) in enumerate(rows):
        for c in range(len(images)):
            axes[r, c].imshow(
                data[c], cmap=cmap, vmin=None if cmap == "gray" else 0, vmax=None if cmap == "gray" else 3
            )
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(title, fontsize=8)
    fig.suptitle(f"Segmentation with a rare class (yellow crosses), backend {keras.backend.backend()}", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--images", type=int, default=800)
    parser.add_argument("--output", default=str(pathlib.Path(__file__).parent / "output" / "segmentation.png"))
    args = parser.parse_args()
    images, masks = make_data(args.images, seed=1)
    test_images, test_masks = make_data(200, seed=2)
    cross_entropy = keras_losses.SparseCategoricalCrossentropy(from_logits=True)
    losses = {
        "cross-entropy": cross_entropy,
        "Dice + cross-entropy": keras_losses.Dice(mode="multiclass", from_logits=True) + cross_entropy,
    }
    models = {name: train(loss, images, masks, args.epochs) for name, loss in losses.items()}
    print(f"backend: {keras.backend.backend()}")
    print("per-class IoU on held-out images:")
    for name, model in models.items():
        iou = iou_per_class(model, test_images, test_masks)
        print(f"  {name:>21}: " + "  ".join(f"{n} {v:.3f}" for n, v in zip(NAMES, iou, strict=True)))
    shown = np.flatnonzero(np.any(test_masks == 3, axis=(1, 2)))[:6]
    predictions = {name: model.predict(test_images[shown], verbose=0) for name, model in models.items()}
    save_plot(test_images[shown], test_masks[shown], predictions, pathlib.Path(args.output))
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
