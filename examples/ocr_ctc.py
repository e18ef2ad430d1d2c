"""Read strings of handwritten digits with CTC: a small CNN + bidirectional RNN, on any backend.

Images of 1 to 4 digits side by side are built from scikit-learn's bundled
``load_digits`` (8x8 images, no download). The labels have different lengths
(padded with -1) and nothing says where each digit is: CTC sums over every
alignment of the label to the 8 columns the network reads, so the model
learns to read without segmentation. The character error rate (the edit
distance of the greedy CTC decoding, divided by the label length) is the
metric watched during ``fit``; at the end a few test strings are decoded and
the model is saved and reloaded.

    KERAS_BACKEND=jax python examples/ocr_ctc.py --epochs 20

``loss="ctc_loss"`` is keras_losses' CTC (labels padded with -1, a blank of
your choice); ``loss="ctc"`` stays Keras's own (labels padded with its blank 0).
"""

from __future__ import annotations

import argparse
import pathlib
import tempfile

import keras
import numpy as np
from sklearn.datasets import load_digits

import keras_losses
from keras_losses.metrics import EditDistance

MAX_DIGITS = 4
BLANK = 0  # class 0 is the blank; digit d is class d + 1


def make_strings(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` images ``(8, 32, 1)`` of 1 to 4 digits, and their labels ``(count, 4)`` padded with -1."""
    digits = load_digits()
    images = digits.images.astype("float32") / 16.0
    rng = np.random.default_rng(seed)
    x = np.zeros((count, 8, 8 * MAX_DIGITS, 1), "float32")
    y = np.full((count, MAX_DIGITS), -1.0, "float32")
    for i in range(count):
        length = rng.integers(1, MAX_DIGITS + 1)
        picks = rng.integers(0, len(images), length)
        offset = 8 * rng.integers(0, MAX_DIGITS - length + 1)  # any free place in the strip
        for k, pick in enumerate(picks):
            x[i, :, offset + 8 * k : offset + 8 * k + 8, 0] = images[pick]
            y[i, k] = digits.target[pick] + 1
    return x, y


def build_model() -> keras.Model:
    inputs = keras.Input((8, 8 * MAX_DIGITS, 1))
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D((2, 4))(x)  # (4, 8, 32): 8 columns, two per digit
    x = keras.layers.Permute((2, 1, 3))(x)  # columns first: (8, 4, 32)
    x = keras.layers.Reshape((8, 4 * 32))(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    x = keras.layers.Bidirectional(keras.layers.SimpleRNN(64, return_sequences=True))(x)
    outputs = keras.layers.Dense(11)(x)  # logits: blank + 10 digits per column
    return keras.Model(inputs, outputs)


def as_text(labels: np.ndarray) -> str:
    return "".join(str(int(v) - 1) for v in labels if v > 0)


class ReportCER(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}: loss {logs['loss']:.3f}, character error rate: {logs['val_edit_distance']:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--output", default=str(pathlib.Path(tempfile.gettempdir()) / "ocr_ctc.keras"))
    args = parser.parse_args()
    print(f"backend: {keras.backend.backend()}")
    keras.utils.set_random_seed(0)
    x_train, y_train = make_strings(args.samples, seed=0)
    x_test, y_test = make_strings(256, seed=1)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="ctc_loss",  # keras_losses' CTC: blank 0, labels padded with -1
        metrics=[EditDistance(decode="ctc_greedy", blank=BLANK)],
    )
    model.fit(
        x_train,
        y_train,
        batch_size=32,
        epochs=args.epochs,
        validation_data=(x_test, y_test),
        callbacks=[ReportCER()],
        verbose=0,
    )
    logits = model.predict(x_test[:6], verbose=0)
    decoded = keras.ops.convert_to_numpy(keras_losses.collapse_repeats(np.argmax(logits, -1), blank=BLANK))
    for truth, guess in zip(y_test[:6], decoded, strict=True):
        print(f"  true {as_text(truth):>4}  read {as_text(guess):>4}")
    model.save(args.output)
    reloaded = keras.saving.load_model(args.output)
    same = np.allclose(reloaded.predict(x_test[:6], verbose=0), logits, atol=1e-5)
    print(f"reloaded: {'same predictions' if same else 'DIFFERENT predictions'} ({args.output})")


if __name__ == "__main__":
    main()
