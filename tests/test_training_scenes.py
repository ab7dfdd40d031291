"""The training videos: every scene builds (dry run) on short runs, a run that diverges in its first steps is
drawn as diverged, the plotted curves and numbers are the run's, the boundary image is the network's prediction,
and one low-quality render runs. Bad settings are one line and exit 2.

Independent values: the article's recreated frame of figure 21 at step 10 (FIGURES.md, fig21_step10_recreated.png)
shows "Batch #: 10999  Accuracy: 0.55  Loss value: 0.25"; the predicted class is recomputed here with NumPy.
"""
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from manim import tempconfig

from mlp_core.run_io import save_run
from mlp_core.train import preset, train
from scenes import training
from scenes.training_mobjects import CLASS_FILL, CLASS_POINT, CURVE_POINTS, TrainingDashboard, decimate

ROOT = Path(__file__).resolve().parents[1]
SHORT = {"MLP_ITERATIONS": "60", "MLP_EVERY": "10"}


def short_run(name="fig21", iterations=300, every=10, **settings):
    config, options = preset(name)
    return train(replace(config, **settings), replace(options, iterations=iterations, every=every, grid=40))


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
                                         training.WhyFig21Exploded, training.Fig21Remedies])
def test_scene_builds(scene_class, monkeypatch):
    scene = build(scene_class, monkeypatch)
    assert scene.renderer.num_plays >= 2  # the training sweep and the outcome


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
    assert "Diverged" in message.text and str(diverging_run.diverged_at) in message.text
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
        np.testing.assert_allclose(x, np.arange(1, 301), atol=1e-6)
        np.testing.assert_allclose(y, series, rtol=1e-9, atol=1e-12)
    dashboard.show_iteration(150)  # mid-run the curves stop at iteration 150
    x, y = dashboard.loss.plotted_series()
    np.testing.assert_allclose(x, np.arange(1, 151), atol=1e-6)


def test_long_series_keep_each_buckets_extremes():
    rng = np.random.RandomState(0)
    y = rng.randn(100_000)
    keep = decimate(np.arange(100_000), y)
    assert len(keep) <= CURVE_POINTS and np.all(np.diff(keep) > 0)
    assert y.argmax() in keep and y.argmin() in keep


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


def test_boundary_pixels_are_the_networks_prediction_and_the_points_their_labels():
    run = short_run(iterations=2000, every=1000)
    dashboard = TrainingDashboard(run).show_iteration(2000)
    snapshot, boundary = run.snapshots[-1], dashboard.boundary
    pixels = boundary.image.pixel_array
    height, width = pixels.shape[:2]
    n_y, n_x = len(run.grid_y), len(run.grid_x)
    h1 = 1 / (1 + np.exp(-np.array([[x, y] for y in run.grid_y for x in run.grid_x]) @ snapshot.W1))
    predicted = np.argmax(h1 @ snapshot.W2, axis=1).reshape(n_y, n_x)  # the network's class, by hand
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
    from types import SimpleNamespace
    from scenes.training_mobjects import outcome_text
    rising = SimpleNamespace(loss=np.array([0.3, 0.2, 0.25]), accuracy=np.array([0.5, 0.6, 0.55]),
                             diverged_at=None, lowest_loss_at=2, last_finite_loss=0.25)
    assert outcome_text(rising) == "lowest loss 0.2 at iteration 2, then 0.25 at 3 (+25%); accuracy 0.55"
    falling = SimpleNamespace(loss=np.array([0.3, 0.2]), accuracy=np.array([0.5, 0.6]), diverged_at=None,
                              lowest_loss_at=2, last_finite_loss=0.2)
    assert outcome_text(falling, short=True) == "falls to 0.2 at 2,\nits lowest"
    exploded = SimpleNamespace(loss=np.array([0.3, 5.7e246, np.inf]), accuracy=np.array([0.5, 0.3, 0.24]),
                               diverged_at=3, lowest_loss_at=1, last_finite_loss=5.7e246)
    assert outcome_text(exploded) == "diverged: loss not finite at iteration 3 (last finite loss 5.7e+246)"
