"""`python -m keras_losses` through subprocesses: every subcommand, its errors and --help."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import keras
import pytest

import keras_losses as kl
from keras_losses import cli

ROOT = pathlib.Path(__file__).parents[1]


def run(*args, timeout=300):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, "-m", "keras_losses", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# In-process (each subprocess costs a Keras import): the same main() that `python -m` runs; `plot` and
# `doctor` below go through `python -m keras_losses` itself.


def main(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_has_every_registered_loss_and_name(capsys):
    code, out, _ = main(capsys, "list", "--json")
    assert code == 0
    listed = {row["class"]: row for row in json.loads(out)}
    assert sorted(listed) == sorted(e.cls.__name__ for e in kl.entries())
    for entry in kl.entries():
        assert [n["name"] for n in listed[entry.cls.__name__]["names"]] == list(entry.names)
    assert next(n for n in listed["Huber"]["names"] if n["name"] == "huber")["keras_owned"] is True
    assert next(n for n in listed["SmoothL1"]["names"] if n["name"] == "smooth_l1")["keras_owned"] is False


def test_list_family_filter_and_unknown_family(capsys):
    code, out, _ = main(capsys, "list", "--family", "segmentation")
    assert code == 0 and "Dice" in out and "Huber" not in out
    code, _, err = main(capsys, "list", "--family", "nope")
    assert code == 2 and "Unknown family 'nope'" in err


def test_show_prints_names_options_formula_and_example(capsys):
    code, out, _ = main(capsys, "show", "smooth_l1")
    assert code == 0
    for text in ("SmoothL1", "beta = 1.0", "allowed: a number >= 0", "Formula:", "References:", "model.compile"):
        assert text in out


def test_unknown_name_suggests_close_names_and_exits_2(capsys):
    code, _, err = main(capsys, "show", "hubr")
    assert code == 2
    assert "Unknown loss 'hubr'" in err and "huber" in err.split("Did you mean:")[1]


def test_plot_writes_png_with_options_and_comparison(tmp_path):
    output = tmp_path / "huber.png"
    result = run(
        "plot", "huber", "--option", "delta=0.5", "--compare", "mse", "--compare", "smooth_l1:beta=2", "-o", str(output)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and output.stat().st_size > 5_000


@pytest.mark.parametrize(
    "args, message",
    [
        (["plot", "huber", "--option", "delta=-1"], "Invalid value for argument `delta`: -1. Expected a number > 0."),
        (["plot", "huber", "--option", "alpha=1"], "Unknown option(s) alpha for Huber; its options: delta."),
        (["plot", "huber", "--option", "delta"], "Options are written key=value"),
        (["plot", "huber", "--compare", "smooth_l1:beta=-2"], "`beta`"),
    ],
)
def test_plot_bad_options_say_which_and_what_is_allowed(capsys, args, message):
    code, _, err = main(capsys, *args)
    assert code == 2 and message in err, err


@pytest.mark.parametrize("command", [["list"], ["show"], ["plot"], ["doctor"]])
def test_help_on_every_subcommand(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*command, "--help"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith(f"usage: python -m keras_losses {command[0]}")


def test_doctor_checks_this_backend():
    backend = keras.backend.backend()
    result = run("doctor", "--backend", backend)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert f"keras            {keras.__version__}" in result.stdout
    assert f"{backend:10s} imports; self-check huber=" in result.stdout
