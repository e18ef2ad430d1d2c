"""Embedding losses: pairs and triplets (PyTorch, TF-Addons), triplet mining (TF-Addons), NT-Xent
(optax), supervised contrastive (pytorch-metric-learning) and circle (Keras) losses.

Multi-input losses take ``y_pred`` as a tuple/list or stacked on axis 1; labelled
losses take one integer label per embedding, ``(N,)`` or ``(N, 1)``. Distances
come from :mod:`keras_losses.core.distances`: ``"euclidean"``,
``"squared_euclidean"``, ``"cosine"`` and ``"dot"``.
"""

from keras_losses.embedding.batch import (
    Circle,
    NTXent,
    SupervisedContrastive,
    TripletHard,
    TripletSemiHard,
    circle,
    ntxent,
    supervised_contrastive,
    triplet_hard,
    triplet_semihard,
)
from keras_losses.embedding.pairs import (
    Contrastive,
    CosineEmbedding,
    HingeEmbedding,
    MarginRanking,
    TripletMargin,
    TripletMarginWithDistance,
    contrastive,
    cosine_embedding,
    hinge_embedding,
    margin_ranking,
    triplet_margin,
    triplet_margin_with_distance,
)

__all__ = [
    "Circle",
    "Contrastive",
    "CosineEmbedding",
    "HingeEmbedding",
    "MarginRanking",
    "NTXent",
    "SupervisedContrastive",
    "TripletHard",
    "TripletMargin",
    "TripletMarginWithDistance",
    "TripletSemiHard",
    "circle",
    "contrastive",
    "cosine_embedding",
    "hinge_embedding",
    "margin_ranking",
    "ntxent",
    "supervised_contrastive",
    "triplet_hard",
    "triplet_margin",
    "triplet_margin_with_distance",
    "triplet_semihard",
]
