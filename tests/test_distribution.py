"""Multi-replica training gives one device's losses and weights: every registered loss, every reduction.

TensorFlow: ``tf.distribute.MirroredStrategy`` on 2 and 4 logical CPU devices, every loss with the
default reduction and one more (every reduction in turn).
JAX: Keras's ``DataParallel`` on 4 host devices, where the loss is one global
computation (so the reduction code is the same for every loss): every loss with
the default reduction and one more, every reduction in turn, and the
data-dependent option sets with every mean. Each run is a fresh process
(devices are configured before the backend starts) training one model whose
heads carry every loss (``tests/distributed/fit_heads.py``). Means whose
denominator depends on the data (ignored labels, class weights, Keras masks,
``mean_with_sample_weight``, ``weighted_mean``, ``sum_by_nonzero_weights``) are
per replica under ``tf.distribute``, averaged over the replicas, as Keras's own
masked losses are; under JAX's ``DataParallel`` they are global. Both are tested.
The same processes also train a model of every layer of ``keras_losses.layers``
(CenterLoss updates its centers from the whole batch, every replica's share).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import numpy as np

from tests.helpers import BACKEND

ROOT = pathlib.Path(__file__).parents[1]
RTOL = 1e-5


def _start(strategy, heads, out, *extra, env=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, "-m", "tests.distributed.fit_heads", strategy, heads, str(out), *extra]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _results(runs):
    outputs = {}
    for name, (process, out) in runs.items():
        _, stderr = process.communicate(timeout=1200)
        assert process.returncode == 0, f"{name}:\n{stderr[-3000:]}"
        outputs[name] = json.loads(out.read_text())
    return outputs


def _assert_same_training(one, other, what, heads=None, rtol=RTOL):
    np.testing.assert_allclose(other["loss"], one["loss"], rtol=RTOL, err_msg=f"reported loss, {what}")
    assert sorted(other["weights"]) == sorted(one["weights"])
    for head, (kernel, bias) in one["weights"].items():
        if heads is not None and not heads(head):
            continue
        for got, want in zip(other["weights"][head], (kernel, bias), strict=True):
            got, want = np.asarray(got), np.asarray(want)
            scale = max(1.0, float(np.max(np.abs(want))))
            assert np.max(np.abs(got - want)) <= rtol * scale, f"{head}: weights after fit differ, {what}"


def _assert_same_layers(one, other, what):
    """The model of every keras_losses layer: same losses, kernels and centers (CenterLoss: global update)."""
    np.testing.assert_allclose(other["layers"]["loss"], one["layers"]["loss"], rtol=RTOL, err_msg=f"layers, {what}")
    for (path, want), (other_path, got) in zip(one["layers"]["weights"], other["layers"]["weights"], strict=True):
        got, want = np.asarray(got), np.asarray(want)
        assert path == other_path and np.max(np.abs(want)) > 0, path
        assert np.max(np.abs(got - want)) <= RTOL * max(1.0, float(np.max(np.abs(want)))), f"{path}, {what}"


def _per_replica_mean(result):
    """What the README says: each head's value on each replica's share, averaged over the replicas."""
    return sum(float(np.mean([half[i] for half in result["halves"]])) for i in range(len(result["names"])))


if BACKEND == "tensorflow":

    def test_mirrored_strategy_trains_as_one_device(tmp_path):
        runs = {s: (_start(s, "turns", tmp_path / f"{s}.json"), tmp_path / f"{s}.json") for s in ("one", "mirrored2")}
        results = _results(runs)
        runs = {"mirrored4": (_start("mirrored4", "turns", tmp_path / "m4.json"), tmp_path / "m4.json")}
        out = tmp_path / "per_replica.json"
        runs["per_replica"] = (_start("mirrored2", "data_dependent", out, "--no-fit"), out)
        results.update(_results(runs))
        for strategy in ("mirrored2", "mirrored4"):
            _assert_same_training(results["one"], results[strategy], strategy)
            _assert_same_layers(results["one"], results[strategy], strategy)
        # Data-dependent means: per replica, then averaged over the 2 replicas -- not the global mean.
        per_replica = results["per_replica"]
        expected, global_value = _per_replica_mean(per_replica), sum(per_replica["whole"])
        np.testing.assert_allclose(per_replica["evaluate"], expected, rtol=1e-6)
        assert abs(global_value - expected) > 100 * 1e-6 * abs(expected), "the data do not tell the two apart"


if BACKEND == "jax":

    def test_data_parallel_trains_as_one_device(tmp_path):
        env = {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"}
        runs = {
            s: (_start(s, "sharded", tmp_path / f"{s}.json", env=env), tmp_path / f"{s}.json")
            for s in ("one", "data_parallel4")
        }
        results = _results(runs)
        one, dp = results["one"], results["data_parallel4"]
        _assert_same_training(one, dp, "DataParallel on 4 devices", heads=lambda h: not h.startswith("Circle-"))
        _assert_same_layers(results["one"], results["data_parallel4"], "DataParallel on 4 devices")
        # Data-dependent means are global under DataParallel: evaluate() is one device's.
        np.testing.assert_allclose(results["data_parallel4"]["evaluate"], results["one"]["evaluate"], rtol=1e-6)
        # Circle's gamma = 80 multiplies the float32 rounding of the 4 devices' sums (added in another
        # order) in its gradients; its heads grow to |w| ~ 12 in two epochs and agree to 1.1e-5 of that
        # (measured): compared at 1e-4, every other head at 1e-5.
        _assert_same_training(one, dp, "DataParallel, Circle", heads=lambda h: h.startswith("Circle-"), rtol=1e-4)
