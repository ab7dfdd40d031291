"""The article's training animations (figures 20-22) and what made figure 21 explode, drawn from mlp_core runs.

Each scene trains its runs first (mlp_core.train), then draws them; every number on screen comes from a run.
From the repository root (manim.cfg sends the output to renders/):

    manim -ql scenes/training.py Fig21               # also Fig20, Fig22; -qh for 1080p60
    manim -ql scenes/training.py Fig21Longer         # figure 21 trained 10% longer: the loss stops being finite
    manim -ql scenes/training.py WhyFig21Exploded    # the code's regularization gradient against the correct one
    manim -ql scenes/training.py Fig21Remedies       # the article's remedies, side by side
    manim -ql scenes/training.py WhyHiddenLayers     # figure 2's argument: no hidden layer, one, two, trained
    MLP_RUN=run.npz manim -ql scenes/training.py TrainingRun    # a run `python -m mlp_core train -o run.npz` wrote
    manim -ql scenes/training.py TrainingRun         # without MLP_RUN: a deep network on the spiral (DEFAULT_RUN)

Numbers on screen count as the article does, from 0: "Step = k" is snapshot k, and batch # i (header, curves'
x axes, outcome, divergence) is iteration i + 1 of mlp_core.train's count, so step k ends with batch #
(k + 1) * every - 1 (step 99 of figure 21: batch # 99999).
Stills for slides: MLP_STEP=k with -s renders the frame of step k (counted from 0, as the article's "Step = k"),
e.g. `MLP_STEP=99 manim -s -ql scenes/training.py Fig21`; scripts/training_stills.sh renders a set of them from
one training. For the two comparison scenes, -s alone gives their last frame, outcomes shown.
Shorter runs (drafts, tests): MLP_ITERATIONS=2000 MLP_EVERY=100 shorten every run a scene trains.
A bad setting or run file is one line on stderr and exit status 2, before anything is rendered.
`manim -a scenes/training.py` renders every scene (TrainingRun its default run). They draw no formulas and need no
LaTeX (scenes/requirements.py).
"""
import os
import sys
from dataclasses import replace

from manim import DOWN, LEFT, ORIGIN, UP, FadeIn, FadeOut, Group, Scene, config, logger

from mlp_core.config import Config, ConfigError, output_activation
from mlp_core.formatting import format_number
from mlp_core.run_io import load_run
from mlp_core.train import TrainOptions, network_words, preset, train
from scenes.mobjects import fit
from scenes.style import PAPER, SMALL
from scenes.training_mobjects import (ComparisonBoard, RemedyGrid, TrainingDashboard, label, number_text,
                                      outcome_text, run_length, settings_text)

SECONDS_PER_STEP = 0.1  # 100 steps in 10 s: at -ql (15 fps) every step still gets a frame and a half


def fail(message):
    """A user error: one line on stderr, exit status 2, nothing rendered."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def env_int(name, minimum):
    """An integer environment setting, or None when unset."""
    text = os.environ.get(name)
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        fail(f"{name} must be an integer >= {minimum}, got {text!r}")
    return value


def scene_options(options):
    """Training options with MLP_ITERATIONS / MLP_EVERY applied."""
    iterations, every = env_int("MLP_ITERATIONS", 1), env_int("MLP_EVERY", 1)
    return replace(options, iterations=iterations or options.iterations, every=every or options.every)


def run_or_fail(config, options):
    """Train, turning a bad setting into a one-line error."""
    try:
        return train(config, scene_options(options))
    except ConfigError as e:
        fail(str(e))


def full_batch(data, hidden, iterations, steps=100):
    """(Config, TrainOptions) of a network trained on all of a data set's points at once, as TensorFlow Playground
    trains: ReLU hidden layers, softmax output and cross-entropy, biases, the exact gradient, α = 0.2; a snapshot
    every iterations / steps. Measured: with two hidden layers of 8 this fits the spiral (accuracy 0.9967 after
    5,000 iterations) where one hidden layer, of 8 or 24 units, stays below 0.7."""
    config = Config(hidden=list(hidden), data=data, batch=Config().points, activation="relu", loss="cross-entropy",
                    bias=True, lr=0.2, convention="exact")
    return config, TrainOptions(iterations=iterations, every=max(1, iterations // steps))


DEFAULT_RUN = full_batch("spiral", [8, 8], 5000)  # TrainingRun without MLP_RUN: any depth, any data set


def centred(mobject):
    """Scaled down to the frame's safe area if needed (never up), in the middle of the frame."""
    return fit(mobject).move_to(ORIGIN)


def use_paper(scene):
    """The article's white paper, and no hashing of play calls: hashing the thousands of points of these scenes
    costs more than rendering them, and their runs are trained anew anyway."""
    scene.camera.background_color = PAPER
    config.disable_caching = True


class TrainingRun(Scene):
    """One run as the article's animation: settings on top, the dashboard sweeping the run, the outcome below.

    The run is a file, MLP_RUN=run.npz (or .json), as `python -m mlp_core train -o run.npz` writes it, of any
    network and data set. Without MLP_RUN it trains DEFAULT_RUN (two hidden layers of 8 ReLU units on the spiral,
    5,000 iterations, a few seconds), so that `manim -a` renders every scene; the scenes below train theirs.
    """

    title = ""

    def setup(self):
        use_paper(self)

    def get_run(self):
        path = os.environ.get("MLP_RUN")
        if not path:
            logger.info(f"MLP_RUN is not set: TrainingRun trains its default run ({network_words(DEFAULT_RUN[0])})")
            return run_or_fail(*DEFAULT_RUN)
        try:
            return load_run(path)
        except ConfigError as e:
            fail(str(e))

    def construct(self):
        run = self.get_run()
        dashboard = TrainingDashboard(run)
        title = label(f"{self.title}{settings_text(run)}", font_size=SMALL + 4)
        outcome = label(outcome_text(run), font_size=SMALL)
        centred(Group(title, dashboard, outcome).arrange(DOWN, buff=0.35))
        step = env_int("MLP_STEP", 0)
        if step is not None:  # a still: the frame of that step, with the outcome once it is the last one
            if step >= len(run.snapshots):
                fail(f"MLP_STEP must be below {len(run.snapshots)} (the run's snapshots, counted from 0), got {step}")
            last = step == len(run.snapshots) - 1
            dashboard.show_iteration(run_length(run) if last else run.snapshots[step].iteration)
            self.add(title, dashboard, *([outcome] if last else []))
            return
        self.add(title, dashboard)
        self.play(dashboard.make_training_animation(run_time=max(3.0, SECONDS_PER_STEP * len(run.snapshots))))
        self.next_section("outcome")
        self.play(FadeIn(outcome, shift=0.2 * UP))
        self.wait(2)


class Fig20(TrainingRun):
    """Figure 20: 3 hidden units; a straight boundary that bends, the loss going down."""
    title = "Figure 20: "

    def get_run(self):
        return run_or_fail(*preset("fig20"))


class Fig21(TrainingRun):
    """Figure 21: 50 hidden units, λ 0.0001; the loss turns upward in the last tenth."""
    title = "Figure 21: "

    def get_run(self):
        return run_or_fail(*preset("fig21"))


class Fig21Longer(TrainingRun):
    """Figure 21's run trained 10% past the article's iterations: where its loss stops being a finite number."""
    title = "Figure 21, trained longer: "
    EXTRA = 1.1

    def get_run(self):
        config_, options = preset("fig21")
        return run_or_fail(config_, replace(options, iterations=int(options.iterations * self.EXTRA)))


class Fig22(TrainingRun):
    """Figure 22: 50 hidden units, λ 0.000001."""
    title = "Figure 22: "

    def get_run(self):
        return run_or_fail(*preset("fig22"))


class WhyFig21Exploded(Scene):
    """Figure 21's run twice, over the article's iterations: with the code's regularization gradient (the scalar
    λ·ΣW² added to every weight) and with the correct λ·W. Same network, data and α, the same axes."""

    def setup(self):
        use_paper(self)

    def get_runs(self):
        config_, options = preset("fig21")
        return [run_or_fail(config_, replace(options, reg_gradient=gradient)) for gradient in ("code", "correct")]

    def construct(self):
        runs = self.get_runs()
        captions = [f"The article's code: λ·ΣW² added to every gradient entry ({settings_text(runs[0])})",
                    "The same with the correct gradient of the penalty: λ·W"]
        board = centred(ComparisonBoard(runs, captions))
        self.add(board)
        self.play(board.make_training_animation(run_time=SECONDS_PER_STEP * len(board.longest.run.snapshots)))
        self.play(board.make_outcome_animation())
        self.wait(3)


class Fig21Remedies(Scene):
    """The article's remedies for figure 21's explosion, each trained on figure 21's settings, beside the run as
    published and the run with the correct penalty gradient: loss curves and measured outcomes.

    The runs go 3.2 times the article's iterations: long enough to see whether a remedy prevents the explosion
    or only delays it (with α / 3 the run as published is the same path, three times slower). Training the six
    runs takes a few minutes.
    """

    HORIZON = 3.2  # times the article's iterations (and snapshot spacing)

    def setup(self):
        use_paper(self)

    def get_runs(self):
        """(caption, run) pairs; the remedies' strengths are this scene's choices, their captions read the runs."""
        config_, options = preset("fig21")
        options = replace(options, iterations=int(options.iterations * self.HORIZON),
                          every=int(options.every * self.HORIZON))
        variants = [
            (config_, options),
            (config_, replace(options, reg_gradient="correct")),
            (replace(config_, lr=config_.lr / 3), options),
            (config_, replace(options, decay="inverse", decay_rate=1e-5)),
            (config_, replace(options, clip="norm", clip_at=1.0)),
            (replace(config_, penalty="l1"), options),
        ]
        runs = [run_or_fail(c, o) for c, o in variants]
        base, correct, smaller, decaying, clipped, l1 = runs
        return [("As published: λ·ΣW² added to every entry", base),
                ("Correct penalty gradient: λ·W", correct),
                (f"Smaller α: {format_number(smaller.config.lr)}", smaller),
                (f"Decaying α: α/(1 + {format_number(decaying.options.decay_rate)}·batch #)", decaying),
                (f"Clipping: gradient norm ≤ {format_number(clipped.options.clip_at)}", clipped),
                ("L1: λ·Σ|W| added to every entry", l1)]

    def construct(self):
        captions, runs = zip(*self.get_runs())
        title = label(f"Figure 21's run ({settings_text(runs[0])}) and the remedies, "
                      f"{runs[0].options.iterations} iterations", font_size=SMALL + 2)
        grid = RemedyGrid(runs, captions)
        self.add(centred(Group(title, grid).arrange(DOWN, buff=0.35)))
        self.play(grid.make_training_animation(run_time=10))
        self.play(grid.make_outcome_animation())
        self.wait(3)


LAYER_COUNTS = ("No hidden layer", "One hidden layer", "Two hidden layers", "Three hidden layers")
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "leaky ReLU"}  # others as mlp_core names them
DATA_NAMES = {"xor": "XOR", "circle": "Circle", "gauss": "Two Gaussians", "spiral": "Spiral"}


def parameter_count(run):
    """Weights and biases of the run's network, counted from its parameters."""
    return sum(p.size for p in run.params.values())


def layer_count(run):
    """'No hidden layer', 'One hidden layer', 'Two hidden layers', ... of the run's network."""
    n = len(run.config.hidden)
    return LAYER_COUNTS[n] if n < len(LAYER_COUNTS) else f"{n} hidden layers"


def network_caption(run):
    """'Two hidden layers: 8, 8' over '114 weights and biases', from the run."""
    hidden = run.config.hidden
    sizes = f": {', '.join(map(str, hidden))}" if hidden else ""
    return f"{layer_count(run)}{sizes}\n{parameter_count(run)} weights and biases"


def accuracy_outcome(run, precision=4):
    """What the run reached, measured: its final accuracy and its highest (two short lines)."""
    return (f"final accuracy {number_text(run.accuracy[-1], precision)}\n"
            f"highest accuracy {number_text(run.accuracy.max(), precision)}")


def shared_settings(runs):
    """The settings the runs share, in words, on two lines (the runs must differ in their hidden layers only)."""
    first = runs[0].config
    if any(replace(run.config, hidden=first.hidden) != first for run in runs):
        raise ValueError("the runs differ in more than their hidden layers")
    parts = [f"{ACTIVATION_NAMES.get(first.activation, first.activation)} units",
             f"{output_activation(first)} output, {first.loss}", *(["biases"] if first.bias else []),
             f"all {first.points} points in every batch" if first.batch == first.points
             else f"batches of {first.batch} points", f"α = {format_number(first.lr)}", f"{first.convention} gradient"]
    half = (len(parts) + 1) // 2
    return ",\n".join([", ".join(parts[:half]), ", ".join(parts[half:])])


class WhyHiddenLayers(Scene):
    """The article's figure 2 argued with training runs: the same data learnt by a network without a hidden layer,
    with one and with two, side by side, XOR first, then the spiral. Every number is measured from the runs.

    The networks (NETWORKS) are the scene's choice, trained as full_batch says; one hidden layer of 24 units has
    about as many weights and biases as two of 8 (122 against 114), so that depth, not size, is what differs.
    Measured with these settings: on XOR, without a hidden layer the accuracy never passes 0.68 (a straight
    boundary; no line separates XOR), with one hidden layer it reaches 1 within a few hundred iterations; on the
    spiral, one hidden layer stays below 0.7 and two reach 0.9967. Training the six runs takes about 10 s.
    Stills: -s gives the last frame (the spiral's outcomes), `-s -n 0,2` the XOR part's."""

    NETWORKS = ([], [24], [8, 8])
    DATA = (("xor", 2000), ("spiral", 5000))  # data set, iterations (the runs level off well before the end)

    def setup(self):
        use_paper(self)

    def get_runs(self):
        """[(data, [run of each network])], trained per full_batch (MLP_ITERATIONS / MLP_EVERY shorten them)."""
        return [(data, [run_or_fail(*full_batch(data, hidden, iterations)) for hidden in self.NETWORKS])
                for data, iterations in self.DATA]

    def part(self, runs):
        """The board of one data set: its title and the shared settings beside the step counter, the runs below."""
        counts, data = [str(len(run.config.hidden)) for run in runs], runs[0].config.data
        title = label(f"{DATA_NAMES.get(data, data)} data: {', '.join(counts[:-1])} and {counts[-1]} hidden layers",
                      font_size=SMALL + 6)
        settings = label(shared_settings(runs), font_size=SMALL, line_spacing=0.8)
        heading = Group(title, settings).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        board = ComparisonBoard(runs, [network_caption(run) for run in runs],
                                outcomes=[accuracy_outcome(run) for run in runs], side_by_side=True,
                                panels=("boundary", "accuracy"), panel_height=1.6, curve_height=1.1,
                                curve_width=2.4, title=heading)
        return centred(board)

    def construct(self):
        self.runs = self.get_runs()
        self.boards = []
        for data, runs in self.runs:
            self.next_section(data)
            board = self.part(runs)
            if self.boards:
                self.play(FadeOut(self.boards[-1]), FadeIn(board))
            else:
                self.add(board)
            self.boards.append(board)
            self.play(board.make_training_animation(run_time=SECONDS_PER_STEP * len(board.longest.run.snapshots)))
            self.play(board.make_outcome_animation())
            self.wait(3)
