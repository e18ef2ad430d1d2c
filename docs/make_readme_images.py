"""The README's pictures (docs/readme/*.png), drawn by keras_losses.plot: `python docs/make_readme_images.py`."""

import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras_losses as kl  # noqa: E402

OUT = pathlib.Path(__file__).parent / "readme"
kl.plot(
    "mse",
    "huber",
    "smooth_l1",
    "log_cosh",
    "adaptive_robust",
    compare_options=[{}, {"beta": 0.5}, {}, {"alpha": 0.0}],
    title="Robust regression losses",
    dpi=72,
).savefig(OUT / "robust_regression.png")
kl.plot(
    kl.CategoricalCrossentropy(from_logits=True),
    *[kl.CategoricalFocalCrossentropy(alpha=None, gamma=g, from_logits=True) for g in (0.5, 1.0, 2.0, 5.0)],
    kl.PolyCrossentropy(from_logits=True),
    title="Cross-entropy, focal (gamma 0.5 to 5) and poly-1",
    dpi=72,
).savefig(OUT / "focal.png")
kl.plot("dice", "jaccard", "focal_tversky", title="Region losses", dpi=72).savefig(OUT / "region.png")
