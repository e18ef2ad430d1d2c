"""keras_losses: every loss you know, as Keras 3 losses that agree on every backend.

Import it once, then use a class, a function or a string::

    import keras_losses
    model.compile(optimizer="adam", loss="smooth_l1")
    model.compile(optimizer="adam", loss=keras_losses.Pinball(tau=0.9))

Strings work in ``model.compile`` for every name Keras does not already own;
``keras_losses.get(name)`` resolves every name, Keras's too, to our losses.
"""

from keras_losses import classification, compat, embedding, layers, metrics, ranking, regression, segmentation, sequence
from keras_losses.classification import *  # noqa: F403 - the public classification API
from keras_losses.core.base import Loss
from keras_losses.core.composite import CompositeLoss
from keras_losses.core.reduction import REDUCTIONS
from keras_losses.core.registry import entries, get, names, register_loss
from keras_losses.embedding import *  # noqa: F403 - the public embedding API
from keras_losses.layers import LAYERS, ArcFace, CenterLoss, CosFace, LargeMarginSoftmax, SphereFace
from keras_losses.plotting import plot
from keras_losses.ranking import *  # noqa: F403 - the public ranking API
from keras_losses.regression import *  # noqa: F403 - the public regression API
from keras_losses.segmentation import *  # noqa: F403 - the public segmentation API
from keras_losses.sequence import *  # noqa: F403 - the public sequence API

__version__ = "0.1.0"

__all__ = [
    "CompositeLoss",
    "REDUCTIONS",
    "Loss",
    "compat",
    "layers",
    "LAYERS",
    "ArcFace",
    "CenterLoss",
    "CosFace",
    "LargeMarginSoftmax",
    "SphereFace",
    "metrics",
    "entries",
    "get",
    "names",
    "plot",
    "register_loss",
    *classification.__all__,
    *embedding.__all__,
    *ranking.__all__,
    *regression.__all__,
    *segmentation.__all__,
    *sequence.__all__,
]
