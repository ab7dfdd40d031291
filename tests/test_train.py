"""Training runs (mlp_core.train, mlp_core.run_io, `python -m mlp_core train`).

The seed convention is checked bit for bit against a plain transcription of the article's loop (figure 19),
mlp_core.article.training_loop; the exact convention's gradients against finite differences of the stated loss;
divergence against the iteration where the transcription's loss stops being finite.
"""
import inspect
import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlp_core.cli import main
from mlp_core.config import Config, ConfigError
from mlp_core.data import xor_data
from mlp_core.run_io import load_run, save_run
from mlp_core.trace import compute_trace
from mlp_core.accuracy import AccuracyMeter, grid_classes, predict
from mlp_core.article import training_loop as transcription
from mlp_core.train import PRESETS, TrainOptions, learning_rates, preset, train
from mlp_core.activations import ACTIVATIONS


def seed_run(hidden, reg, lr, iterations, every=500, **options):
    config = Config(hidden=hidden, batch=50, lr=lr, reg=reg, convention="seed")
    return train(config, TrainOptions(iterations=iterations, every=every, grid=20, **options))


@pytest.mark.parametrize("hidden, reg, lr, iterations", [
    (3, 0.0, 0.003, 3000),  # figure 20's settings
    (50, 0.0001, 0.003, 2000),  # figure 21's
    (50, 0.000001, 0.003, 1500),  # figure 22's
    (7, 0.001, 0.05, 2000),  # a faster learner: the accuracy changes often
])
def test_seed_convention_is_the_articles_code_bit_for_bit(hidden, reg, lr, iterations):
    w1, w2, loss, accuracy = transcription(hidden, reg, lr, iterations)
    run = seed_run(hidden, reg, lr, iterations)
    assert np.array_equal(run.W1, w1) and np.array_equal(run.W2, w2)
    assert np.array_equal(run.loss, loss)
    assert np.array_equal(run.accuracy, accuracy)
    assert run.accuracy.min() < run.accuracy.max() or hidden == 50  # the accuracy did move


def test_first_iteration_is_the_traces():
    config = Config(hidden=5, batch=50, lr=0.003, reg=0.001, convention="seed")
    trace = compute_trace(config)
    run = train(config, TrainOptions(iterations=1, every=1, grid=4))
    assert np.array_equal(run.W1, trace.values["W1_new"]) and np.array_equal(run.W2, trace.values["W2_new"])
    assert run.loss[0] == trace.values["loss"]


def stated_loss(W1, W2, X, y, reg, penalty):
    """The article's loss: sum((y - h2)^2)/(2N) + lambda (sum W^2 or sum |W|)/(2N)."""
    sig = ACTIVATIONS["sigmoid"].function
    h2 = sig(sig(X @ W1) @ W2)
    size = (lambda W: np.abs(W).sum()) if penalty == "l1" else (lambda W: np.square(W).sum())
    return np.square(y - h2).sum() / (2 * len(X)) + reg * (size(W1) + size(W2)) / (2 * len(X))


def finite_differences(W1, W2, X, y, reg, penalty, eps=1e-6):
    grads = []
    for W in (W1, W2):
        grad = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            saved = W[index]
            W[index] = saved + eps
            up = stated_loss(W1, W2, X, y, reg, penalty)
            W[index] = saved - eps
            down = stated_loss(W1, W2, X, y, reg, penalty)
            W[index] = saved
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def one_step_gradients(config, **options):
    """(dL_dW1, dL_dW2) the run used in its first iteration, read from the update with lr = 1."""
    from mlp_core.config import resolve_inputs
    start = resolve_inputs(config)
    run = train(config, TrainOptions(iterations=1, every=1, grid=4, **options))
    return start, start["W1"] - run.W1, start["W2"] - run.W2


@pytest.mark.parametrize("penalty, reg", [("l2", 0.0), ("l2", 0.05), ("l1", 0.05)])
def test_exact_convention_gradients_match_finite_differences(penalty, reg):
    config = Config(hidden=4, batch=50, lr=1.0, reg=reg, penalty=penalty, convention="exact")
    start, g1, g2 = one_step_gradients(config)
    f1, f2 = finite_differences(start["W1"].copy(), start["W2"].copy(), start["X"], start["y"], reg, penalty)
    assert np.allclose(g1, f1, rtol=1e-6, atol=1e-9) and np.allclose(g2, f2, rtol=1e-6, atol=1e-9)


def test_correct_reg_gradient_is_n_times_the_stated_losss_gradient():
    config = Config(hidden=4, batch=50, lr=1.0, reg=0.05, convention="seed")
    start, g1, g2 = one_step_gradients(config, reg_gradient="correct")
    f1, f2 = finite_differences(start["W1"].copy(), start["W2"].copy(), start["X"], start["y"], 0.05, "l2")
    assert np.allclose(g1, 50 * f1, rtol=1e-6, atol=1e-8) and np.allclose(g2, 50 * f2, rtol=1e-6, atol=1e-8)
    # the code's own: the scalar lambda sum W^2 on every entry instead of lambda W
    _, c1, _ = one_step_gradients(config)
    assert np.allclose(c1 - g1, 0.05 * np.square(start["W1"]).sum() - 0.05 * start["W1"])


def test_clipping_by_norm_and_value():
    config = Config(hidden=4, batch=50, lr=1.0, reg=0.0, convention="seed")
    _, g1, g2 = one_step_gradients(config)
    norm = np.sqrt(np.square(g1).sum() + np.square(g2).sum())
    _, c1, c2 = one_step_gradients(config, clip="norm", clip_at=norm / 4)
    assert np.allclose(c1, g1 / 4) and np.allclose(c2, g2 / 4)
    limit = np.abs(g2).max() / 2
    _, v1, v2 = one_step_gradients(config, clip="value", clip_at=limit)
    assert np.allclose(v2, np.clip(g2, -limit, limit)) and np.abs(v2).max() == pytest.approx(limit)


def test_learning_rate_schedules():
    config = Config(lr=0.1)
    k = np.array([1, 2, 11])
    inverse = learning_rates(config, TrainOptions(decay="inverse", decay_rate=0.5), 1, 11)
    assert np.allclose(inverse[k - 1], [0.1, 0.1 / 1.5, 0.1 / 6])
    exponential = learning_rates(config, TrainOptions(decay="exponential", decay_rate=0.1), 1, 11)
    assert np.allclose(exponential[k - 1], [0.1, 0.1 * np.exp(-0.1), 0.1 * np.exp(-1.0)])
    step = learning_rates(config, TrainOptions(decay="step", decay_rate=0.5, decay_every=5), 1, 11)
    assert np.allclose(step[[0, 4, 5, 9, 10]], [0.1, 0.1, 0.05, 0.05, 0.025])


def test_divergence_is_found_where_the_loss_stops_being_finite():
    w1, w2, loss, accuracy = transcription(10, 0.1, 0.01, 300)
    first = int(np.flatnonzero(~np.isfinite(loss))[0]) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warning reaches the user
        stopped = seed_run(10, 0.1, 0.01, 300, every=50)
        continued = seed_run(10, 0.1, 0.01, 300, every=50, on_divergence="continue")
    assert stopped.diverged_at == first and len(stopped.loss) == first and not np.isfinite(stopped.loss[-1])
    assert stopped.last_finite_loss == loss[first - 2]
    assert stopped.lowest_loss_at == int(np.argmin(loss[:first - 1])) + 1
    assert len(stopped.snapshots) == first // 50
    assert continued.diverged_at == first and len(continued.loss) == 300
    assert np.array_equal(continued.loss[:first], stopped.loss, equal_nan=True)
    # past the divergence too, the numbers are the code's: NaN weights, and the accuracy of NaN scores
    assert np.array_equal(continued.loss, loss, equal_nan=True) and np.array_equal(continued.accuracy, accuracy)
    assert np.array_equal(continued.W1, w1, equal_nan=True)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_snapshots_grid_and_accuracy_are_predicts(activation):
    config = Config(hidden=6, batch=50, lr=0.05, activation=activation, convention="exact")
    run = train(config, TrainOptions(iterations=600, every=200, grid=20))
    X, y = xor_data(300, 0)
    assert [s.iteration for s in run.snapshots] == [200, 400, 600]
    act = ACTIVATIONS[activation]
    for s in run.snapshots:
        assert s.accuracy == np.mean(predict(X, s.W1, s.W2, act.function) == y.argmax(axis=1))
        assert s.loss == run.loss[s.iteration - 1] and s.accuracy == run.accuracy[s.iteration - 1]
        assert np.array_equal(s.classes, grid_classes(run.grid_x, run.grid_y, s.W1, s.W2, act, rows=10_000))
    # classes[i, j] is at (grid_x[j], grid_y[i]); both axes ascending, covering the data
    s = run.snapshots[-1]
    i, j = 3, 17
    assert s.classes[i, j] == predict(np.array([[run.grid_x[j], run.grid_y[i]]]), s.W1, s.W2, act.function)[0]
    assert np.all(np.diff(run.grid_x) > 0) and np.all(np.diff(run.grid_y) > 0)
    assert run.grid_x[0] < X[:, 0].min() and run.grid_y[-1] > X[:, 1].max()


def test_grid_classes_match_predict_near_the_boundary():
    rng = np.random.RandomState(1)
    act = ACTIVATIONS["sigmoid"]
    for _ in range(5):
        W1, W2 = rng.randn(2, 30) * 3, rng.randn(30, 2)
        xs = np.linspace(-3, 3, 120)
        points = np.column_stack([a.ravel() for a in np.meshgrid(xs, xs)])
        assert np.array_equal(grid_classes(xs, xs, W1, W2, act), predict(points, W1, W2).reshape(120, 120))


def test_presets_are_the_articles_runs():
    expected = {"fig20": (3, 0.0), "fig21": (50, 0.0001), "fig22": (50, 0.000001)}
    assert set(PRESETS) == set(expected)
    for name, (hidden, reg) in expected.items():
        config, options = preset(name)
        assert (config.hidden, config.reg, config.lr, config.batch, config.sample) == ([hidden], reg, 0.003, 50, 0)
        assert config.convention == "seed" and (options.iterations, options.every) == (100_000, 1000)


def test_the_loop_is_marked_for_figure_19():
    source = inspect.getsource(train)
    marks = [source.index(f"# {mark}\n") for mark in ("Forward", "Loss", "Backward", "Weight updates")]
    assert marks == sorted(marks)


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_run_files_round_trip_with_nan_and_inf(tmp_path, suffix):
    run = seed_run(10, 0.1, 0.01, 300, every=50, on_divergence="continue")
    run.snapshots[0].W1[0, 0] = -np.inf
    path = tmp_path / f"run{suffix}"
    save_run(run, path)
    back = load_run(path)
    assert back.config == run.config and back.options == run.options
    assert np.array_equal(back.loss, run.loss, equal_nan=True) and np.array_equal(back.accuracy, run.accuracy)
    assert np.array_equal(back.W1, run.W1, equal_nan=True) and np.array_equal(back.X, run.X)
    assert (back.diverged_at, back.lowest_loss_at, back.last_finite_loss) == \
        (run.diverged_at, run.lowest_loss_at, run.last_finite_loss)
    for a, b in zip(back.snapshots, run.snapshots, strict=True):
        assert a.iteration == b.iteration and np.array_equal(a.W1, b.W1, equal_nan=True)
        assert np.array_equal(a.classes, b.classes) and a.loss == b.loss or (np.isnan(a.loss) and np.isnan(b.loss))
    if suffix == ".json":  # strict JSON: no bare NaN or Infinity tokens
        json.loads(path.read_text(), parse_constant=lambda token: pytest.fail(f"bare {token} in the JSON"))


def test_load_run_refuses_what_is_not_a_run(tmp_path):
    (tmp_path / "trace.json").write_text(json.dumps({"schema": 1, "config": {}, "values": {}, "steps": []}))
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "bad.npz").write_text("not a zip")
    (tmp_path / "new.json").write_text(json.dumps({"schema": 99, "snapshots": []}))
    for name, words in [("missing.json", "cannot read"), ("trace.json", "not a run file"),
                        ("bad.json", "not valid JSON"), ("bad.npz", "not a .npz run file"),
                        ("new.json", "schema 99"), ("run.txt", ".json or .npz")]:
        with pytest.raises(ConfigError, match=words) as error:
            load_run(tmp_path / name)
        assert "\n" not in str(error.value)


def test_cli_train_summary_and_run_file(tmp_path, capsys):
    path = tmp_path / "run.json"
    assert main(["train", "--preset", "fig21", "--iterations", "400", "--every", "200", "--grid", "8",
                 "--json", "-o", str(path)]) == 0
    out = capsys.readouterr().out
    assert "400 iterations, 50 hidden units" in out and "run written to" in out
    data = json.loads(path.read_text())
    assert len(data["loss"]) == 400 and [s["iteration"] for s in data["snapshots"]] == [200, 400]
    assert data["diverged_at"] is None and np.array(data["W1"]).shape == (2, 50)
    assert np.array(data["snapshots"][0]["classes"]).shape == (8, 8)
    # the run file is a config: the same settings again
    assert main(["train", "--config", str(path), "--iterations", "400", "--every", "200", "--grid", "8"]) == 0
    assert "final loss" in capsys.readouterr().out


def test_cli_reports_divergence_in_its_own_words(capsys):
    assert main(["train", "--hidden", "10", "--reg", "0.1", "--lr", "0.01", "--iterations", "300",
                 "--every", "100", "--grid", "4"]) == 0
    captured = capsys.readouterr()
    assert "diverged: the loss stopped being a finite number at iteration" in captured.out
    assert "RuntimeWarning" not in captured.err


@pytest.mark.parametrize("args, words", [
    (["--iterations", "0"], "iterations"),
    (["--preset", "fig99"], "fig99"),
    (["--clip", "norm", "--clip-at", "-1"], "clip_at"),
    (["--decay", "step"], "--decay-rate"),
    (["--bounds", "1", "0", "0", "1"], "bounds"),
    (["--decay", "inverse"], "--decay-rate"),
    (["--lr", "nan"], "learning rate"),
    (["--preset", "fig20", "--config", "x.json"], "either --preset or --config"),
    (["-o", "run.txt"], ".json or .npz"),
    (["--json", "-o", "run.npz"], "--json"),
])
def test_cli_refuses_bad_settings_in_one_line(tmp_path, capsys, args, words):
    out = tmp_path / "run.json"
    assert main(["train", "--iterations", "5", *args] if "--iterations" not in args else ["train", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("activation, lr", [("sigmoid", 0.05), ("tanh", 0.02)])
def test_accuracy_of_every_iteration_is_predicts(activation, lr):
    """The cheap accuracy (window bounds, Taylor estimates, float64 where they cannot tell) against the full
    computation, iteration by iteration."""
    config = Config(hidden=8, batch=50, lr=lr, reg=0.001, activation=activation, convention="seed")
    run = train(config, TrainOptions(iterations=400, every=1, grid=2))
    X, y = xor_data(300, 0)
    act = ACTIVATIONS[activation].function
    expected = [np.mean(predict(X, s.W1, s.W2, act) == y.argmax(axis=1)) for s in run.snapshots]
    assert np.array_equal(run.accuracy, expected) and len(set(expected)) > 3


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), hidden=st.integers(1, 40), activation=st.sampled_from(["sigmoid", "tanh"]),
       scale=st.floats(0.3, 30), drift=st.floats(0, 0.03), shift=st.floats(0, 0.02), jumps=st.floats(0, 0.05),
       ties=st.floats(0, 0.05))
def test_accuracy_meter_is_predict_along_random_weight_walks(seed, hidden, activation, scale, drift, shift, jumps,
                                                             ties):
    """The meter against `predict`, step by step, on weights that walk: a steady drift with noise, a uniform
    shift of W1 that speeds up (what the code's penalty gradient does before figure 21's explosion), jumps, and
    steps where both logits are equal (exact ties, which softmax's argmax settles as class 0)."""
    rng = np.random.default_rng(seed)
    X, y = xor_data(300, 0)
    act = ACTIVATIONS[activation]
    W1, W2 = rng.normal(size=(2, hidden)) * scale, rng.normal(size=(hidden, 2)) * scale / np.sqrt(hidden)
    step1, step2 = rng.normal(size=W1.shape) * drift, rng.normal(size=W2.shape) * drift / np.sqrt(hidden)
    steps = 700
    out, expected = np.empty(steps), np.empty(steps)
    meter = AccuracyMeter(X, y, act, W1, W2, out)
    for k in range(steps):
        W1 = W1 + step1 + rng.normal(size=W1.shape) * drift / 4 - shift * (k / steps) ** 2
        W2 = W2 + step2 + rng.normal(size=W2.shape) * drift / 4
        if rng.random() < jumps:
            W1 = W1 + rng.normal(size=W1.shape)
        W2_k = W2[:, [0, 0]] if rng.random() < ties else W2
        meter.record(k, W1, W2_k)
        expected[k] = np.mean(predict(X, W1, W2_k, act.function) == y.argmax(axis=1))
    meter.flush()
    assert np.array_equal(out, expected)
