"""Test cases of the layers in ``keras_losses.layers.LAYERS`` (the layer conformance suite runs over them).

Every layer has a :class:`LayerCase`: options other than the defaults (for the
config round trip) and options for training a small model quickly. The models
are built here once, for ``test_layers.py``, ``test_cross_backend.py`` and
``tests/distributed/fit_heads.py``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

FEATURES, EMBED, CLASSES = 4, 6, 3


@dataclasses.dataclass(frozen=True)
class LayerCase:
    options: dict  # not the defaults: the config round trip sees every option
    fit_options: dict  # a small model trains with these
    head: bool = True  # returns logits (else: passes the embeddings through)


LAYER_CASES = {
    "ArcFace": LayerCase({"scale": 30.0, "margin": 0.3}, {"scale": 8.0, "margin": 0.3}),
    "CosFace": LayerCase({"scale": 30.0, "margin": 0.2}, {"scale": 8.0, "margin": 0.2}),
    "SphereFace": LayerCase({"scale": 2.0, "margin": 3}, {"scale": 1.0, "margin": 2}),
    "LargeMarginSoftmax": LayerCase({"margin": 2, "scale": 0.5}, {"margin": 2, "scale": 1.0}),
    "CenterLoss": LayerCase({"alpha": 0.3, "weight": 0.01}, {"alpha": 0.5, "weight": 0.1}, head=False),
}


def layer_data(n: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(n, FEATURES)`` float32 and labels ``(n,)`` int32 (every class present)."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % CLASSES).astype("int32")
    centers = rng.normal(0, 2, (CLASSES, FEATURES))
    return (centers[labels] + rng.normal(0, 1, (n, FEATURES))).astype("float32"), labels


def build_layer_model(classes: tuple | None = None):
    """``[features, labels] -> logits``: a Dense embedding, then each layer (every layer by default).

    Pass-through layers (``CenterLoss``) are chained on the embeddings; the heads' logits are
    summed (a plain ``Dense`` gives the logits when there is no head).
    """
    import keras

    from keras_losses.layers import LAYERS

    features = keras.Input((FEATURES,), name="features")
    labels = keras.Input((), dtype="int32", name="labels")
    x = keras.layers.Dense(EMBED, name="embed")(features)
    heads = []
    classes = classes or LAYERS
    for cls in sorted(classes, key=lambda c: LAYER_CASES[c.__name__].head):  # pass-through layers first
        case = LAYER_CASES[cls.__name__]
        layer = cls(CLASSES, **case.fit_options, name=cls.__name__.lower())
        if case.head:
            heads.append(layer([x, labels]))
        else:
            x = layer([x, labels])
    if not heads:
        heads.append(keras.layers.Dense(CLASSES, name="logits", dtype="float32")(x))
    logits = heads[0] if len(heads) == 1 else keras.layers.Add(name="logits_sum", dtype="float32")(heads)
    return keras.Model([features, labels], logits)
