"""keras_losses.plot: a figure whose curves are the loss's own values and gradients on this backend."""

from __future__ import annotations

import numpy as np
import pytest
from keras import ops

import keras_losses as kl
from keras_losses import _migration, plotting
from tests.helpers import to_numpy, value_and_grads


@pytest.mark.parametrize(
    "loss, options",
    [("huber", {"delta": 0.5}), ("bce", {}), ("focal", {"from_logits": True}), ("sparse_categorical_crossentropy", {})],
)
def test_curves_are_the_loss_value_and_autodiff_gradient(loss, options):
    (first, *_) = plotting.curves(loss, **options)
    setup, instance, _ = plotting.inputs(loss, **options)
    _, y_true, y_pred, d = setup.curves[0]
    expected_values = to_numpy(instance(y_true, y_pred)).reshape(len(y_pred), -1).sum(-1)
    np.testing.assert_allclose(first.value, expected_values, rtol=1e-5, atol=1e-6)
    _, (grad,) = value_and_grads(lambda t, p: ops.sum(instance(t, p)), [y_true, y_pred], [1])
    np.testing.assert_allclose(first.gradient, (grad * d).reshape(len(y_pred), -1).sum(-1), rtol=1e-4, atol=1e-6)
    # Central differences of the plotted value: the gradient curve is its derivative where smooth.
    numeric = np.gradient(first.value, first.x)
    smooth = slice(5, -5)
    assert np.max(np.abs(numeric[smooth] - first.gradient[smooth])) < 0.05 * max(1.0, np.abs(first.gradient).max())


def test_huber_values_by_formula():
    (curve,) = plotting.curves("huber", delta=1.0)
    e = np.abs(curve.x)
    np.testing.assert_allclose(curve.value, np.where(e <= 1, 0.5 * e**2, e - 0.5), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(curve.gradient, np.clip(curve.x, -1, 1), rtol=1e-5, atol=1e-6)


def test_plot_returns_a_figure_with_value_and_gradient_axes():
    figure = kl.plot("mse", "huber", kl.LogCosh(), compare_options=[{"delta": 0.5}, {}])
    value, grad = figure.axes
    assert [value.get_title(), grad.get_title()] == ["value", "gradient"]
    assert len(value.lines) == len(grad.lines) == 3 + 1  # three curves and the zero line
    assert "huber(delta=0.5)" in [t.get_text() for t in figure.legends[0].get_texts()]


def test_binary_losses_draw_both_targets_and_region_losses_the_overlap():
    labels = [c.label for c in plotting.curves("bce")]
    assert labels == ["y = 1", "y = 0"]
    (dice,) = plotting.curves("dice")
    assert dice.axis == "overlap p" and dice.value[0] == pytest.approx(1.0) and dice.value[-1] == pytest.approx(0.0)


def test_every_registered_loss_has_a_kind_or_a_reason():
    for entry in kl.entries():
        if plotting.unavailable_reason(entry) is None:
            assert plotting.plot_kind(entry.cls.__name__) in plotting.KINDS


def test_unavailable_and_unknown_losses_raise_clearly():
    with pytest.raises(ValueError, match="Did you mean"):
        kl.plot("hubr")


def test_migration_tables_name_every_loss_checked_against_that_library():
    """A loss whose README oracle is one of the migration libraries appears in that library's table."""
    import pathlib
    import re

    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    registered = {e.cls.__name__ for e in kl.entries()}
    for line in readme.splitlines():
        match = re.match(r"\| `(\w+)` \|.*\| (.*?) \|$", line)
        if not match or match.group(1) not in registered:
            continue
        name, oracle = match.groups()
        for title, (key, table) in _migration.TABLES.items():
            # "torch" as a word: "pytorch-metric-learning" is a library of its own.
            if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", oracle) and key in (
                "torch",
                "optax",
                "TF-Addons",
                "pytorch-metric-learning",
                "keras-rs",
            ):
                targets = {_migration.target_class(row[1]) for row in table}
                assert name in targets, f"{name} is checked against {key} but missing from the {title} migration table"
