"""The README's tables list exactly what the registry holds, with every alias."""

from __future__ import annotations

import pathlib
import re

import keras

import keras_losses as kl
from keras_losses.core.registry import KERAS_OWNED_NAMES
from tests.helpers import run_example

README = (pathlib.Path(__file__).parents[1] / "README.md").read_text()


def _table_rows():
    rows = {}
    for line in README.splitlines():
        match = re.match(r"\| `(\w+)` \| (.*?) \|", line)
        if match:
            rows[match.group(1)] = re.findall(r"`(\w+)`( \*\(Keras\)\*)?", match.group(2))
    return rows


def test_readme_lists_every_registered_loss_with_all_its_names():
    rows = _table_rows()
    assert sorted(rows) == sorted(entry.cls.__name__ for entry in kl.entries())
    for entry in kl.entries():
        listed = rows[entry.cls.__name__]
        assert [name for name, _ in listed] == list(entry.names[1:]), entry.cls.__name__  # presets last
        for name, keras_mark in listed:
            assert bool(keras_mark) == (name in KERAS_OWNED_NAMES), f"{name}: mark *(Keras)* iff Keras owns it"


def test_readme_lists_the_documented_differences_from_keras():
    from tests.test_keras_suite import differences_markdown

    listed = README.split("<!-- differences -->\n", 1)[1].split("\n<!-- /differences -->", 1)[0]
    assert listed == differences_markdown()


def test_readme_quick_start_has_exactly_two_commands():
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["bash examples/quickstart.sh", "bash tests/run.sh"]


def test_imbalanced_focal_example_runs_on_this_backend(tmp_path):
    """The example trains, prints per-class recall for each loss and writes its PNG (a short run)."""

    output = tmp_path / "plot.png"
    stdout = run_example("imbalanced_focal.py", "--epochs", "1", "--samples", "2000", "--output", str(output))
    assert f"backend: {keras.backend.backend()}" in stdout
    lines = [line for line in stdout.splitlines() if "class 2" in line]
    assert len(lines) == 3 and output.stat().st_size > 10_000
