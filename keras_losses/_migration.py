"""Migration tables, kept in one place: other libraries' losses and their keras_losses equivalents.

Each row is ``(theirs, ours, arguments)``: ``ours`` is a registered name (class, function or
alias, optionally with options ``"Dice(mode=...)"``) or ``None`` where keras_losses has no
equivalent; ``arguments`` maps every argument. Rows whose class is not registered (a family
not merged yet) are left out of the docs by :func:`rows`, so a table grows as families land.
The docs site renders these tables; ``tests/test_docs_site.py`` checks that every loss whose
README row names a torch, optax or TF-Addons oracle appears in that library's table.
"""

from __future__ import annotations

import re

_W = "`weight` → `sample_weight` in the call"

PYTORCH = [
    ("torch.nn.L1Loss()", "MeanAbsoluteError()", "—"),
    ("torch.nn.MSELoss()", "MeanSquaredError()", "—"),
    ("torch.nn.HuberLoss(delta)", "Huber(delta)", "`delta` → `delta`"),
    ("torch.nn.SmoothL1Loss(beta)", "SmoothL1(beta)", "`beta` → `beta` (0 is L1)"),
    ("torch.nn.PoissonNLLLoss(log_input, full, eps)", "PoissonNLL(log_input, full, eps)", "same names and defaults"),
    ("torch.nn.GaussianNLLLoss(full, eps)", "GaussianNLL(full, eps)", "`input, target, var` → `y_true, (mean, var)`"),
    ("torch.nn.BCELoss(weight)", "BinaryCrossentropy()", _W),
    (
        "torch.nn.BCEWithLogitsLoss(weight, pos_weight)",
        "BinaryCrossentropy(from_logits=True, pos_weight)",
        f"`pos_weight` → `pos_weight` (scalar or per class); {_W}",
    ),
    (
        "torch.nn.CrossEntropyLoss(weight, ignore_index, label_smoothing) (class indices)",
        "SparseCategoricalCrossentropy(from_logits=True, class_weight, ignore_index, label_smoothing, "
        'reduction="weighted_mean")',
        '`weight` → `class_weight`; `ignore_index`, `label_smoothing` same; `reduction="mean"` → `"weighted_mean"`',
    ),
    (
        "torch.nn.CrossEntropyLoss(weight, label_smoothing) (probability targets)",
        "CategoricalCrossentropy(from_logits=True, class_weight, label_smoothing)",
        "`weight` → `class_weight`; classes on the last axis (torch: axis 1)",
    ),
    (
        "torch.nn.NLLLoss(weight, ignore_index)",
        'NegativeLogLikelihood(class_weight, ignore_index, reduction="weighted_mean")',
        '`weight` → `class_weight`; `reduction="mean"` → `"weighted_mean"`',
    ),
    ("torch.nn.KLDivLoss(log_target)", "KLDivergence(log_input=True, log_target)", '`reduction="batchmean"` → default'),
    (
        "torch.nn.MultiMarginLoss(p, margin, weight)",
        "MultiMargin(p, margin, class_weight)",
        "`weight` → `class_weight`",
    ),
    ("torch.nn.MultiLabelMarginLoss()", "MultiLabelMargin()", "—"),
    ("torch.nn.SoftMarginLoss()", "SoftMargin()", "—"),
    ("torch.nn.MultiLabelSoftMarginLoss(weight)", "MultiLabelSoftMargin(class_weight)", "`weight` → `class_weight`"),
    ("torch.nn.HingeEmbeddingLoss(margin)", "HingeEmbedding(margin)", "`margin` same"),
    ("torch.nn.MarginRankingLoss(margin)", "MarginRanking(margin)", "`input1, input2` → `y_pred` stacked on axis 1"),
    ("torch.nn.CosineEmbeddingLoss(margin)", "CosineEmbedding(margin)", "`input1, input2` → `y_pred` (N, 2, D)"),
    ("torch.nn.TripletMarginLoss(margin, p, eps, swap)", "TripletMargin(margin, p, eps, swap)", "`y_pred` (N, 3, D)"),
    (
        "torch.nn.TripletMarginWithDistanceLoss(distance_function, margin, swap)",
        "TripletMarginWithDistance(distance, margin, swap)",
        '`distance_function` → `distance` ("euclidean", "squared_euclidean", "cosine" or registered)',
    ),
    (
        "torch.nn.CTCLoss(blank, zero_infinity)",
        "CTC(blank, zero_infinity)",
        '`reduction="mean"` → `length_normalized=True`',
    ),
    (
        "torchvision.ops.sigmoid_focal_loss(alpha, gamma)",
        "BinaryFocalCrossentropy(apply_class_balancing=True, alpha, gamma, from_logits=True)",
        "`alpha=-1` → `apply_class_balancing=False`",
    ),
]

#: How PyTorch's ``reduction`` maps (every loss).
PYTORCH_REDUCTION = [
    ('reduction="mean"', 'default `"sum_over_batch_size"`; `"weighted_mean"` with class weights or `ignore_index`'),
    (
        'reduction="sum"',
        '`"sum"` (ours sums per-sample values: torch\'s divided by the size of the averaged last axis)',
    ),
    ('reduction="none"', '`"none"` (one value per sample, the last axis averaged; torch keeps every element)'),
    ("`weight=` per class", "`class_weight=`; per-sample weights go to `sample_weight` in the call"),
]

TFA = [
    (
        "tfa.losses.SigmoidFocalCrossEntropy(from_logits, alpha, gamma)",
        "BinaryFocalCrossentropy(apply_class_balancing=True, alpha, gamma, from_logits)",
        "TFA always balances by `alpha`",
    ),
    ("tfa.losses.PinballLoss(tau)", "Pinball(tau)", "`tau` same (scalar or per output)"),
    ("tfa.losses.SparsemaxLoss()", "Sparsemax()", "one-hot targets; integer labels: `sparse=True`"),
    ("tfa.losses.ContrastiveLoss(margin)", "Contrastive(margin)", "`margin` same"),
    (
        "tfa.losses.TripletSemiHardLoss(margin, distance_metric)",
        "TripletSemiHard(margin, distance)",
        "metric → `distance`",
    ),
    (
        "tfa.losses.TripletHardLoss(margin, soft, distance_metric)",
        "TripletHard(margin, soft, distance)",
        "metric → `distance`",
    ),
    ("tfa.losses.GIoULoss()", None, "not in keras_losses (box regression)"),
    ("tfa.losses.NpairsLoss()", None, "not in keras_losses"),
    ("tfa.losses.NpairsMultilabelLoss()", None, "not in keras_losses"),
    ("tfa.losses.LiftedStructLoss()", None, "not in keras_losses"),
    ("tfa.losses.WeightedKappaLoss()", None, "not in keras_losses"),
]

OPTAX = [
    ("optax.losses.squared_error", "MeanSquaredError()", "optax keeps every element; ours averages the last axis"),
    ("optax.losses.huber_loss(delta)", "Huber(delta)", "`delta` same"),
    ("optax.losses.log_cosh", "LogCosh()", "—"),
    (
        "optax.losses.sigmoid_binary_cross_entropy",
        "BinaryCrossentropy(from_logits=True)",
        "`logits, labels` → `y_true, y_pred`",
    ),
    ("optax.losses.softmax_cross_entropy", "CategoricalCrossentropy(from_logits=True)", "—"),
    ("optax.losses.softmax_cross_entropy_with_integer_labels", "SparseCategoricalCrossentropy(from_logits=True)", "—"),
    (
        "optax.losses.sigmoid_focal_loss(alpha, gamma)",
        "BinaryFocalCrossentropy(from_logits=True, gamma, alpha)",
        "`alpha=None`: no balancing",
    ),
    ("optax.losses.poly_loss_cross_entropy(epsilon)", "PolyCrossentropy(epsilon, from_logits=True)", "`epsilon` same"),
    ("optax.losses.multiclass_sparsemax_loss", "Sparsemax(sparse=True)", "integer labels"),
    ("optax.losses.sparsemax_loss", "Sparsemax()", "one score per sample is the binary loss"),
    ("optax.losses.kl_divergence(log_predictions, targets)", "KLDivergence(log_input=True)", "—"),
    ("optax.losses.kl_divergence_with_log_targets", "KLDivergence(log_input=True, log_target=True)", "—"),
    ("optax.losses.dice_loss", "Dice(per_image=True)", "per image"),
    ("optax.losses.multiclass_generalized_dice_loss", "GeneralizedDice()", "—"),
    ("optax.losses.ctc_loss", "CTC()", "paddings → `-1`-padded labels and Keras masks"),
    ("optax.losses.ntxent(temperature)", "NTXent(temperature)", "0 instead of NaN with no positive pair"),
    ("optax.losses.ranking_softmax_loss", "RankingSoftmax()", "—"),
]

SMP = [
    (
        "smp.losses.DiceLoss(mode, classes, log_loss, from_logits, smooth, ignore_index, eps)",
        "Dice(mode=..., from_logits, smooth, ignore_index, eps, log_loss)",
        "`classes` → `class_weight` (0 drops a class); channels last",
    ),
    ("smp.losses.JaccardLoss(mode, ...)", "Jaccard(mode=..., ...)", "as Dice"),
    (
        "smp.losses.TverskyLoss(mode, ..., alpha, beta, gamma)",
        "Tversky(alpha, beta, gamma=..., mode=...)",
        "same meanings",
    ),
    (
        "smp.losses.LovaszLoss(mode, per_image, ignore_index, from_logits)",
        "Lovasz(mode, from_logits, ignore_index, per_image)",
        "same",
    ),
    (
        "smp.losses.SoftBCEWithLogitsLoss(smooth_factor, pos_weight, ignore_index)",
        "BinaryCrossentropy(from_logits=True, label_smoothing, pos_weight)",
        "`smooth_factor` → `label_smoothing`",
    ),
    (
        "smp.losses.SoftCrossEntropyLoss(smooth_factor, ignore_index)",
        "SparseCategoricalCrossentropy(from_logits=True, label_smoothing, ignore_index)",
        "`smooth_factor` → `label_smoothing`",
    ),
    (
        "smp.losses.FocalLoss(mode, alpha, gamma)",
        "BinaryFocalCrossentropy(gamma=..., alpha=...)",
        "binary; multiclass: SparseCategoricalFocalCrossentropy",
    ),
    ("smp.losses.MCCLoss()", None, "not in keras_losses"),
]

PML = [
    (
        "pml.losses.ContrastiveLoss(pos_margin=0, neg_margin=1)",
        "Contrastive(margin=1.0)",
        "ours takes one distance per pair in `y_pred` (TF-Addons' form); PML pairs the batch from labels",
    ),
    (
        "pml.losses.TripletMarginLoss(margin) + miners.TripletMarginMiner(type_of_triplets='semihard')",
        "TripletSemiHard(margin)",
        "labels in `y_true`, embeddings in `y_pred`; mining is TF-Addons' (per positive pair), not PML's miner",
    ),
    ("pml.losses.NTXentLoss(temperature)", "NTXent(temperature)", "—"),
    ("pml.losses.SupConLoss(temperature)", "SupervisedContrastive(temperature)", "—"),
    ("pml.losses.CircleLoss", "Circle()", "—"),
    (
        "pml.losses.ArcFaceLoss(num_classes, embedding_size, margin=28.6, scale=64)",
        "ArcFace(num_classes, scale=64.0, margin=0.5)",
        "a layer: `ArcFace(...)([embeddings, labels])` + `SparseCategoricalCrossentropy(from_logits=True)`; "
        "`margin` in radians (PML: degrees); `kernel` is PML's `W`",
    ),
    (
        "pml.losses.CosFaceLoss(num_classes, embedding_size, margin=0.35, scale=64)",
        "CosFace(num_classes, scale=64.0, margin=0.35)",
        "a layer, as ArcFace",
    ),
    (
        "pml.losses.SphereFaceLoss(num_classes, embedding_size, margin=4, scale=1)",
        "SphereFace(num_classes, scale=1.0, margin=4)",
        "a layer, as ArcFace; integer `margin`",
    ),
    (
        "pml.losses.LargeMarginSoftmaxLoss(num_classes, embedding_size, margin=4, scale=1)",
        "LargeMarginSoftmax(num_classes, margin=4, scale=1.0)",
        "a layer, as ArcFace; integer `margin`",
    ),
]

KERAS_RS = [
    ("keras_rs.losses.PairwiseHingeLoss", "PairwiseHinge()", "—"),
    ("keras_rs.losses.PairwiseLogisticLoss", "PairwiseLogistic()", "—"),
    ("keras_rs.losses.PairwiseMeanSquaredError", "PairwiseMeanSquaredError()", "—"),
    ("keras_rs.losses.PairwiseSoftZeroOneLoss", "PairwiseSoftZeroOne()", "—"),
    ("keras_rs.losses.ListMLELoss", "ListMLE()", "—"),
]

#: ``{page title: (library key, rows)}``: the library key is the word the README's oracle column uses.
TABLES = {
    "PyTorch": ("torch", PYTORCH),
    "TF-Addons": ("TF-Addons", TFA),
    "optax": ("optax", OPTAX),
    "segmentation_models_pytorch": ("smp", SMP),
    "pytorch-metric-learning": ("pytorch-metric-learning", PML),
    "keras-rs": ("keras-rs", KERAS_RS),
}


def target_class(ours: str | None) -> str | None:
    """The class (or name) a row's ``ours`` starts with."""
    return None if ours is None else re.match(r"\w+", ours).group(0)


def rows(table: list, registered: set[str]) -> list:
    """The rows whose loss is registered (or that say keras_losses has none)."""
    return [row for row in table if row[1] is None or target_class(row[1]) in registered]
