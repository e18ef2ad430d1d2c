"""Classification losses: cross-entropies, focal, poly, generalized CE, sparsemax, hinge and margin losses.

Dense losses take ``y_true`` and ``y_pred`` of one shape ``(N, ..., C)`` and
reduce the class axis (``axis``, last by default): one value per sample (and
per position). Sparse losses take integer labels of shape ``(N, ..., )`` (a
trailing axis of size 1 is fine) against ``(N, ..., C)`` predictions and never
build a one-hot of the labels, so they stay cheap for large vocabularies.

``from_logits=False`` means probabilities; they are clipped to
``[epsilon, 1 - epsilon]`` the same way on every backend (see
:mod:`keras_losses.core.probabilities`). ``ignore_index`` drops labels: their
values are 0 and the default reduction averages over the other positions;
``reduction="weighted_mean"`` divides by the sum of the class weights of the
kept labels, which is PyTorch's ``reduction="mean"``."""

from keras_losses.classification.crossentropy import (
    BalancedBinaryCrossentropy,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    NegativeLogLikelihood,
    SparseCategoricalCrossentropy,
    balanced_binary_crossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    negative_log_likelihood,
    sparse_categorical_crossentropy,
)
from keras_losses.classification.focal import (
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    PolyCrossentropy,
    SparseCategoricalFocalCrossentropy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    poly_crossentropy,
    sparse_categorical_focal_crossentropy,
)
from keras_losses.classification.margin import (
    CategoricalHinge,
    Hinge,
    MultiLabelMargin,
    MultiLabelSoftMargin,
    MultiMargin,
    SoftMargin,
    SquaredHinge,
    categorical_hinge,
    hinge,
    multi_margin,
    multilabel_margin,
    multilabel_soft_margin,
    soft_margin,
    squared_hinge,
)
from keras_losses.classification.sparse_outputs import (
    CategoricalGeneralizedCrossEntropy,
    Sparsemax,
    categorical_generalized_cross_entropy,
    sparsemax_loss,
)

__all__ = [
    "CategoricalGeneralizedCrossEntropy",
    "Sparsemax",
    "categorical_generalized_cross_entropy",
    "sparsemax_loss",
    "BalancedBinaryCrossentropy",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "Hinge",
    "KLDivergence",
    "MultiLabelMargin",
    "MultiLabelSoftMargin",
    "MultiMargin",
    "NegativeLogLikelihood",
    "PolyCrossentropy",
    "SoftMargin",
    "SparseCategoricalCrossentropy",
    "SparseCategoricalFocalCrossentropy",
    "SquaredHinge",
    "balanced_binary_crossentropy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "hinge",
    "kl_divergence",
    "multi_margin",
    "multilabel_margin",
    "multilabel_soft_margin",
    "negative_log_likelihood",
    "poly_crossentropy",
    "soft_margin",
    "sparse_categorical_crossentropy",
    "sparse_categorical_focal_crossentropy",
    "squared_hinge",
]
