"""The training videos: every scene builds (dry run) on short runs, a run that diverges in its first steps is
drawn as diverged, the plotted curves and numbers are the run's, the boundary image is the network's prediction
(for the article's network and a deep one), and one low-quality render runs. Bad settings are one line and exit 2.
TrainingRun draws a run file of any depth, and trains its default run without MLP_RUN, so `manim -a` renders
every scene. WhyHiddenLayers' outcomes are checked against the runs it draws. The scenes need no LaTeX;
scenes.requirements.require_latex, for those that do, is one line and exit 2 without it.

Independent values: the article's recreated frame of figure 21 at step 10 (FIGURES.md, fig21_step10_recreated.png)
shows "Batch #: 10999  Accuracy: 0.55  Loss value: 0.25"; the predicted class and the accuracies are recomputed
here with NumPy, and the best accuracy any straight boundary can have on the XOR points by enumeration.
"""
import inspect
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from manim import Scene, Text, tempconfig

from mlp_core.config import Config
from mlp_core.run_io import save_run
from mlp_core.train import TrainOptions, network_words, preset, train
from scenes import training
from scenes.training_mobjects import CLASS_FILL, CLASS_POINT, CURVE_POINTS, TrainingDashboard, decimate

ROOT = Path(__file__).resolve().parents[1]
SHORT = {"MLP_ITERATIONS": "60", "MLP_EVERY": "10"}


def short_run(name="fig21", iterations=300, every=10, **settings):
    config, options = preset(name)
    return train(replace(config, **settings), replace(options, iterations=iterations, every=every, grid=40))


def deep_run(iterations=400, every=20):
    """Two hidden layers (4, 3) of ReLU units with biases, softmax and cross-entropy, on the spiral, all points."""
    config = Config(hidden=[4, 3], activation="relu", loss="cross-entropy", data="spiral", bias=True, batch=300,
                    lr=0.2, convention="exact")
    return train(config, TrainOptions(iterations=iterations, every=every, grid=40))


def predict(params, points, activation):
    """The network's class at each point, by hand: each layer z = h W (+ b), the activation on hidden layers, the
    largest output (softmax and sigmoid keep the order of z)."""
    functions = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}
    h, L = points, sum(1 for name in params if name[0] == "W")
    for k in range(1, L + 1):
        z = h @ params[f"W{k}"] + params.get(f"b{k}", 0)
        h = functions[activation](z) if k < L else z
    return np.argmax(z, axis=1)


def texts(mobject):
    """The strings of every Text in a mobject's family (or a scene's mobjects), as written."""
    family = [m for top in (mobject.mobjects if isinstance(mobject, Scene) else [mobject])
              for m in top.get_family()]
    return [m.original_text for m in family if isinstance(m, Text)]


@pytest.fixture(scope="module")
def diverging_run():
    """Figure 21's network with α = 1000: the loss is 0.257, then 24, 5.5e8, ... and not finite at iteration 8."""
    run = short_run(iterations=50, every=2, lr=1000.0)
    assert run.diverged_at is not None and run.diverged_at <= 10
    return run


def build(scene_class, monkeypatch, env=SHORT):
    """Run the scene's construct without writing any file."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with tempconfig({"dry_run": True, "disable_caching": True, "quality": "low_quality", "frame_rate": 2}):
        scene = scene_class()
        scene.render()
    return scene


@pytest.mark.parametrize("scene_class", [training.Fig20, training.Fig21, training.Fig22, training.Fig21Longer,
                                         training.WhyFig21Exploded, training.Fig21Remedies,
                                         training.WhyHiddenLayers, training.TrainingRun])
def test_scene_builds(scene_class, monkeypatch):
    monkeypatch.delenv("MLP_RUN", raising=False)  # TrainingRun: its default run
    scene = build(scene_class, monkeypatch)
    assert scene.renderer.num_plays >= 2  # the training sweep and the outcome


def test_training_run_draws_a_deep_run_file(tmp_path, monkeypatch):
    run = deep_run()
    path = tmp_path / "deep.npz"
    save_run(run, path)
    scene = build(training.TrainingRun, monkeypatch, {"MLP_RUN": str(path), "MLP_STEP": "19"})
    shown = texts(scene)
    title = "4, 3 hidden units (relu), softmax output, cross-entropy, biases, spiral data, α = 0.2, λ = 0"
    assert title in shown and not any(re.search(r"\[4, 3\]", text) for text in shown)  # in words, not a list
    dashboard, = [m for m in scene.mobjects if isinstance(m, TrainingDashboard)]
    last = run.snapshots[19]
    assert dashboard.header.step.text == "19"
    four = [f"{v:.4f}".rstrip("0").rstrip(".") for v in (last.accuracy, last.loss)]  # 4 decimals, as the article
    assert [v.text for v in dashboard.header.values] == [str(last.iteration - 1), *four]
    # the accuracy on screen is the network's, recomputed by hand from the snapshot's weights and biases
    assert last.accuracy == np.mean(predict(last.params, run.X, "relu") == run.y.argmax(axis=1))


def test_training_run_without_a_run_file_trains_its_default(monkeypatch):
    monkeypatch.delenv("MLP_RUN", raising=False)
    scene = build(training.TrainingRun, monkeypatch)
    config, options = training.DEFAULT_RUN
    assert config.hidden == [8, 8] and config.data == "spiral"  # any depth and data set, as the README says
    dashboard, = [m for m in scene.mobjects if isinstance(m, TrainingDashboard)]
    assert dashboard.run.config == config
    assert len(dashboard.run.loss) == int(SHORT["MLP_ITERATIONS"])  # MLP_ITERATIONS shortens it like the others
    assert any(text.startswith(network_words(config)) for text in texts(scene))


def test_manim_a_renders_every_scene_without_mlp_run(tmp_path):
    """`manim -a` (every scene of the file) succeeds without MLP_RUN: TrainingRun trains its default run. -s
    (the last frame of each) and short runs keep it quick."""
    env = {name: value for name, value in os.environ.items() if name not in ("MLP_RUN", "MLP_STEP")}
    result = subprocess.run([sys.executable, "-m", "manim", "-a", "-s", "-ql", "--media_dir", str(tmp_path),
                             "scenes/training.py"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**env, **SHORT})
    assert result.returncode == 0, result.stderr[-2000:]
    scenes = sorted(name for name, c in inspect.getmembers(training, inspect.isclass)
                    if issubclass(c, Scene) and c.__module__ == training.__name__)
    assert "TrainingRun" in scenes and "WhyHiddenLayers" in scenes
    rendered = sorted(path.name.split("_ManimCE")[0] for path in tmp_path.glob("images/training/*.png"))
    assert rendered == scenes


def test_run_file_that_diverges_in_its_first_steps_builds(diverging_run, tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    save_run(diverging_run, path)
    build(training.TrainingRun, monkeypatch, {"MLP_RUN": str(path)})


def test_divergence_is_marked_and_the_boundary_says_so(diverging_run):
    dashboard = TrainingDashboard(diverging_run)
    before = diverging_run.diverged_at - 1
    dashboard.show_iteration(before)
    assert len(dashboard.boundary.message) == 0 and len(dashboard.marks) == 0
    assert len(diverging_run.loss) == diverging_run.diverged_at  # the run stopped there
    dashboard.show_iteration(diverging_run.diverged_at)
    message = dashboard.boundary.message[0][1]
    # the first non-finite loss is loss[diverged_at - 1]: batch # diverged_at - 1, counted from 0 as on screen
    assert not np.isfinite(diverging_run.loss[diverging_run.diverged_at - 1])
    assert message.original_text == f"Diverged:\nloss not finite\nat batch # {diverging_run.diverged_at - 1}"
    assert len(dashboard.marks) == 2  # a dashed line on both curves
    fill = dashboard.boundary.image.pixel_array[..., :3].reshape(-1, 3)
    assert not any((fill == rgb(color)).all(axis=1).any() for color in CLASS_FILL)  # no boundary from NaN weights
    # the header shows the last snapshot taken before the loss left the finite numbers
    last_good = max(s.iteration for s in diverging_run.snapshots if s.iteration < diverging_run.diverged_at)
    assert dashboard.header.values[0].text == str(last_good - 1)


def test_plotted_curves_are_the_runs_series():
    run = short_run(iterations=300, every=10)
    dashboard = TrainingDashboard(run).show_iteration(300)
    for panel, series in ((dashboard.accuracy, run.accuracy), (dashboard.loss, run.loss)):
        x, y = panel.plotted_series()
        np.testing.assert_allclose(x, np.arange(0, 300), atol=1e-6)  # against batch # 0 .. 299, as the article
        np.testing.assert_allclose(y, series, rtol=1e-9, atol=1e-12)
    dashboard.show_iteration(150)  # mid-run, after 150 iterations, the curves stop at batch # 149
    x, y = dashboard.loss.plotted_series()
    np.testing.assert_allclose(x, np.arange(0, 150), atol=1e-6)


def test_long_series_keep_each_buckets_extremes():
    rng = np.random.RandomState(0)
    y = rng.randn(100_000)
    keep = decimate(np.arange(100_000), y)
    assert len(keep) <= CURVE_POINTS and np.all(np.diff(keep) > 0)
    assert y.argmax() in keep and y.argmin() in keep
    assert keep[0] == 0 and keep[-1] == len(y) - 1  # the curve spans the run, even where the end is flat


def test_header_matches_the_articles_frame_at_step_10():
    run = short_run(iterations=11_000, every=1000)
    dashboard = TrainingDashboard(run).show_iteration(11_000)
    header = dashboard.header
    assert header.step.text == "10"
    batch, accuracy, loss = (value.text for value in header.values)
    assert batch == "10999"
    assert round(float(accuracy), 2) == 0.55 and round(float(loss), 2) == 0.25


def rgb(color):
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])


@pytest.mark.parametrize("network", ["article", "deep"])
def test_boundary_pixels_are_the_networks_prediction_and_the_points_their_labels(network):
    run = short_run(iterations=2000, every=1000) if network == "article" else deep_run(iterations=2000, every=1000)
    dashboard = TrainingDashboard(run).show_iteration(2000)
    snapshot, boundary = run.snapshots[-1], dashboard.boundary
    pixels = boundary.image.pixel_array
    height, width = pixels.shape[:2]
    n_y, n_x = len(run.grid_y), len(run.grid_x)
    grid = np.array([[x, y] for y in run.grid_y for x in run.grid_x])
    predicted = predict(snapshot.params, grid, run.config.activation).reshape(n_y, n_x)  # by hand
    assert len(set(predicted.ravel())) == 2  # a boundary to check
    checked = 0
    for i in range(1, n_y - 1, 3):
        for j in range(1, n_x - 1, 3):
            x, y = run.grid_x[j], run.grid_y[i]
            if len(set(predicted[i - 1:i + 2, j - 1:j + 2].ravel())) > 1 or \
                    np.min(np.hypot(run.X[:, 0] - x, run.X[:, 1] - y)) < 0.3:
                continue  # at the boundary or under a data point
            row = int((n_y - 1 - i + 0.5) * height / n_y)  # image rows run top down
            column = int((j + 0.5) * width / n_x)
            np.testing.assert_array_equal(pixels[row, column, :3], rgb(CLASS_FILL[predicted[i, j]]))
            checked += 1
    assert checked > 20
    rows = ((boundary.y_range[1] - run.X[:, 1]) / np.ptp(boundary.y_range) * height).astype(int)
    columns = ((run.X[:, 0] - boundary.x_range[0]) / np.ptp(boundary.x_range) * width).astype(int)
    colours = pixels[rows, columns, :3].astype(int)
    expected = np.array([rgb(CLASS_POINT[label]) for label in run.y.argmax(axis=1)])
    assert np.mean(np.abs(colours - expected).max(axis=1) <= 8) > 0.95  # a few points hide under others


def run_manim(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "manim", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def test_low_quality_render(tmp_path):
    result = run_manim("-ql", "--media_dir", str(tmp_path), "scenes/training.py", "Fig20",
                       env={"MLP_ITERATIONS": "200", "MLP_EVERY": "10"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pip install -U manim" not in result.stdout + result.stderr  # manim.cfg: no notice against the pin
    video, = tmp_path.glob("videos/training/480p15/Fig20.mp4")
    with av.open(str(video)) as container:
        seconds = container.duration / av.time_base
    assert 3 < seconds < 10  # a 3 s sweep (20 steps), the outcome fading in, 2 s on the last frame


@pytest.mark.parametrize("env, message", [
    ({"MLP_ITERATIONS": "0"}, "MLP_ITERATIONS must be an integer >= 1"),
    ({"MLP_STEP": "7", "MLP_ITERATIONS": "20", "MLP_EVERY": "10"}, "MLP_STEP must be below 2"),
])
def test_bad_settings_are_one_line_and_exit_2(env, message, tmp_path):
    result = run_manim("-s", "-ql", "--media_dir", str(tmp_path), "scenes/training.py", "Fig20", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and message in result.stderr
    assert not list(tmp_path.rglob("*.png"))


def test_outcome_is_measured_from_the_run():
    """Batch numbers counted from 0, as the header's: loss[i] is batch # i (lowest_loss_at and diverged_at count
    iterations from 1, as mlp_core.train does)."""
    from types import SimpleNamespace
    from scenes.training_mobjects import outcome_text
    rising = SimpleNamespace(loss=np.array([0.3, 0.2, 0.25]), accuracy=np.array([0.5, 0.6, 0.55]),
                             diverged_at=None, lowest_loss_at=2, last_finite_loss=0.25)
    assert outcome_text(rising) == "lowest loss 0.2 at batch # 1, then 0.25 at batch # 2 (+25%); accuracy 0.55"
    assert outcome_text(rising, short=True) == "lowest 0.2 at batch # 1\nthen 0.25 at batch # 2 (+25%)"
    falling = SimpleNamespace(loss=np.array([0.3, 0.2]), accuracy=np.array([0.5, 0.6]), diverged_at=None,
                              lowest_loss_at=2, last_finite_loss=0.2)
    assert outcome_text(falling, short=True) == "falls to 0.2 at batch # 1,\nits lowest"
    exploded = SimpleNamespace(loss=np.array([0.3, 5.7e246, np.inf]), accuracy=np.array([0.5, 0.3, 0.24]),
                               diverged_at=3, lowest_loss_at=1, last_finite_loss=5.7e246)
    assert outcome_text(exploded) == "diverged: loss not finite at batch # 2 (last finite loss 5.7e+246)"


def test_one_counting_on_screen_step_5_of_an_every_100_run():
    """Step 5 is the sixth snapshot, taken after 600 iterations: batches 0 .. 599, so "Batch #: 599", and the
    curves end at batch # 599 too."""
    run = short_run(iterations=1000, every=100)
    dashboard = TrainingDashboard(run).show_iteration(run.snapshots[5].iteration)
    assert dashboard.header.step.text == "5" and dashboard.header.values[0].text == "599"
    assert round(dashboard.loss.plotted_series()[0][-1]) == 599


def best_line_accuracy(X, labels):
    """The highest accuracy of any straight boundary (one class on each side of a line) on these points, exactly:
    the points' order along a direction changes only where the direction is perpendicular to two points'
    difference, so one direction between each two consecutive such angles sees every order, and for each order a
    cumulative count finds the best cut."""
    i, j = np.triu_indices(len(X), 1)
    d = X[j] - X[i]
    critical = np.mod(np.arctan2(d[:, 1], d[:, 0]) + np.pi / 2, np.pi)
    critical = np.unique(np.concatenate([critical, critical + np.pi]))
    middles = (critical + np.append(critical[1:], critical[0] + 2 * np.pi)) / 2
    n, ones, best = len(X), labels.sum(), 0
    for chunk in np.array_split(middles, len(middles) // 2000 + 1):
        along = np.column_stack([np.cos(chunk), np.sin(chunk)]) @ X.T
        ordered = labels[np.argsort(along, axis=1)]
        ones_below = np.concatenate([np.zeros((len(chunk), 1)), np.cumsum(ordered, axis=1)], axis=1)
        below = np.arange(n + 1)
        best = max(best, ((below - ones_below) + (ones - ones_below)).max())  # class 0 below the cut, 1 above
    return best / n


@pytest.fixture(scope="module")
def why_hidden_layers():
    """WhyHiddenLayers built (dry run) with its own runs, as it renders them."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("MLP_ITERATIONS", "MLP_EVERY", "MLP_STEP"):
            monkeypatch.delenv(name, raising=False)
        return build(training.WhyHiddenLayers, monkeypatch, env={})


def test_why_hidden_layers_outcomes_are_the_runs(why_hidden_layers):
    """What the scene draws and writes is its runs' (the accuracies recomputed here from the final weights),
    and the runs differ only in their hidden layers."""
    scene = why_hidden_layers
    assert [data for data, _ in scene.runs] == ["xor", "spiral"]
    for (data, runs), board in zip(scene.runs, scene.boards):
        assert [row.run for row in board.rows] == runs
        assert [run.config.hidden for run in runs] == [[], [24], [8, 8]]
        for run, caption, outcome, row in zip(runs, board.captions, board.outcomes, board.rows):
            assert run.config == replace(runs[0].config, hidden=run.config.hidden)
            assert run.config.batch == len(run.X) == 300 and run.config.data == data  # every point, every batch
            labels = run.y.argmax(axis=1)
            assert run.accuracy[-1] == np.mean(predict(run.params, run.X, "relu") == labels)
            sizes = [2, *run.config.hidden, 2]
            parameters = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))  # weights and biases of each layer
            assert f"\n{parameters} weights and biases" in caption.original_text
            final, highest = map(float, re.findall(r"accuracy (\d\.?\d*)", outcome.original_text))
            assert final == round(run.accuracy[-1], 4) and highest == round(run.accuracy.max(), 4)
            assert outcome.get_fill_opacity() == 1  # shown at the end
            x, y = row.accuracy.plotted_series()  # the whole curve drawn by the end
            assert round(x[-1]) == len(run.loss) - 1 and y[-1] == pytest.approx(run.accuracy[-1])


def test_why_hidden_layers_claims_hold_in_its_runs(why_hidden_layers):
    """Figure 2's argument, measured: on XOR a network without a hidden layer never passes 0.75 (it draws a
    straight boundary, and no line does better on these points), one hidden layer passes it; on the spiral, two
    hidden layers fit what one (with more weights) does not."""
    (_, (xor_none, xor_one, xor_two)), (_, (spiral_none, spiral_one, spiral_two)) = why_hidden_layers.runs
    line = best_line_accuracy(xor_none.X, xor_none.y.argmax(axis=1))
    assert line <= 0.75
    assert xor_none.accuracy.max() <= line  # every iteration: a straight boundary can do no better
    assert xor_one.accuracy[-1] > 0.95 and xor_two.accuracy[-1] > 0.95
    assert spiral_none.accuracy.max() <= best_line_accuracy(spiral_none.X, spiral_none.y.argmax(axis=1)) < 0.75
    assert spiral_two.accuracy[-1] > 0.95 > 0.75 > spiral_one.accuracy[-1]
    assert parameter_count(spiral_one) > parameter_count(spiral_two)  # depth, not size


def parameter_count(run):
    return sum(p.size for p in run.params.values())


def fake_tools(folder, *names):
    """A folder holding executables of these names (that do nothing), to stand for a PATH."""
    folder.mkdir()
    for name in names:
        tool = folder / name
        tool.write_text("#!/bin/sh\nexit 0\n")
        tool.chmod(0o755)
    return str(folder)


@pytest.mark.parametrize("tools, missing", [((), "latex and dvisvgm"), (("latex",), "dvisvgm"),
                                            (("dvisvgm",), "latex")])
def test_without_latex_the_check_is_one_line_and_exit_2(tools, missing, tmp_path):
    check = "from scenes.requirements import require_latex; require_latex(); print('rendering')"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PATH": fake_tools(tmp_path / "bin", *tools)})
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr
    assert line.count("\n") == 1 and line.startswith(f"error: {missing} not found on PATH")
    assert "texlive-latex-base texlive-latex-extra dvisvgm" in line and "bash scripts/setup.sh" in line


def test_with_latex_the_check_passes(tmp_path):
    check = "from scenes.requirements import require_latex; require_latex(); print('rendering')"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PATH": fake_tools(tmp_path / "bin", "latex", "dvisvgm")})
    assert result.returncode == 0 and result.stdout == "rendering\n" and result.stderr == ""


def test_training_scenes_need_no_latex(tmp_path):
    """They draw Pango text only, so they render where LaTeX is missing (and do not call require_latex)."""
    result = run_manim("-s", "-ql", "--media_dir", str(tmp_path / "media"), "scenes/training.py", "WhyHiddenLayers",
                       env={**SHORT, "PATH": fake_tools(tmp_path / "bin")})
    assert result.returncode == 0, result.stderr[-2000:]
    assert list(tmp_path.glob("media/images/training/WhyHiddenLayers*.png"))


@pytest.mark.parametrize("scene", ["scenes/backprop.py", "scenes/slides.py"])
def test_the_explainer_and_the_slides_refuse_to_render_without_latex(scene, tmp_path):
    """They write formulas: without latex on the PATH, one line naming the packages and exit 2 before any frame,
    instead of manim's traceback (the slides deck is the explainer's subclass, so it checks the same way)."""
    result = run_manim("-ql", "--dry_run", "--media_dir", str(tmp_path / "media"), scene,
                       env={"PATH": fake_tools(tmp_path / "bin")})
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and result.stderr.count("error:") == 1
    assert "texlive-latex-base texlive-latex-extra dvisvgm" in result.stderr
