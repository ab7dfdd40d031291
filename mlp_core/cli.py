"""`python -m mlp_core` (also `mlp-core`): trace, check, errata, export and train, with the config options they share.

Bad input is one line on stderr and exit status 2; nothing is written to -o unless the command succeeded.
"""
import argparse
import glob
import json
import os
import shutil
import sys
import time

from mlp_core.activations import ACTIVATIONS
from mlp_core.article import errata
from mlp_core.check import check, load_hand_file
from mlp_core.config import CONVENTIONS, PENALTIES, ConfigError, load_config_file
from mlp_core.config import Config
from mlp_core.export import FORMATS, export_files, export_text
from mlp_core.files import write_atomically
from mlp_core.formatting import format_array
from mlp_core.trace import compute_trace
from mlp_core.trace_json import dumps, load_trace
from mlp_core.run_io import run_to_dict, save_run
from mlp_core.train import CLIPS, DECAYS, ON_DIVERGENCE, PRESETS, REG_GRADIENTS, describe, preset, train


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr, exit 2."""

    def error(self, message):
        raise ConfigError(f"{self.prog}: {message}")


def add_config_options(parser):
    """The options that pick a trace; all default to None so that only what is given overrides --config."""
    group = parser.add_argument_group("network and iteration (defaults: the article's worked example)")
    group.add_argument("--config", metavar="FILE", help="JSON with settings and/or values X, y, W1, W2, b1, b2 "
                                                       "(a trace file works too)")
    group.add_argument("--hidden", type=int, metavar="N", help="hidden units (default 3)")
    group.add_argument("--sample", type=int, metavar="I", help="first data row of the batch (default 0)")
    group.add_argument("--batch", type=int, metavar="N", help="rows in the batch: I .. I+N-1 (default 1)")
    group.add_argument("--seed", type=int, metavar="S", help="RandomState seed of the weights (default 2017)")
    group.add_argument("--lr", type=float, metavar="A", help="learning rate alpha (default 0.001)")
    group.add_argument("--reg", type=float, metavar="L", help="regularization lambda (default 0)")
    group.add_argument("--penalty", choices=PENALTIES, help="l2 (default) or l1")
    group.add_argument("--activation", choices=tuple(ACTIVATIONS), help="sigmoid (default) or tanh")
    group.add_argument("--bias", action="store_const", const=True, help="add biases b1, b2 (default off)")
    group.add_argument("--convention", choices=CONVENTIONS,
                       help="exact: the true gradient of the stated loss (default); seed: the article's code")


def config_from_args(args):
    config = load_config_file(args.config) if args.config else Config()
    for name in ("hidden", "sample", "batch", "seed", "lr", "reg", "penalty", "activation", "bias", "convention"):
        if getattr(args, name) is not None:
            setattr(config, name, getattr(args, name))
    return config


def add_output_options(parser):
    parser.add_argument("--json", action="store_true", help="write JSON instead of text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--precision", type=int, default=8, metavar="N", help="decimals shown (default 8)")


def write_output(text, path):
    """Print, or write FILE whole: a temporary file renamed into place, so no half-written output remains."""
    if not path:
        sys.stdout.write(text)
        return
    write_atomically(path, lambda f: f.write(text))


def listing(trace, precision):
    """The trace step by step, 'z1 = X W1 = [-1.40982136 0.91005018 -0.04529517]'."""
    lines = []
    for step in trace.steps:
        prefix = f"{step.text} ="
        lines.append(f"{prefix} " + format_array(trace.values[step.name], precision,
                                                  "\n " + " " * (len(prefix) + 1)))
    return "\n".join(lines) + "\n"


def run_trace(args):
    trace = compute_trace(config_from_args(args))
    write_output(dumps(trace) + "\n" if args.json else listing(trace, args.precision), args.output)
    return 0


def run_check(args):
    trace = compute_trace(config_from_args(args))
    results = check(trace, load_hand_file(args.hand, trace))
    lines, first_mismatch = [], None
    for r in results:
        if r.ok:
            lines.append(f"{r.name}: match ({r.decimals} decimals): {r.given}")
        else:
            lines.append(f"{r.name}: MISMATCH: you have {r.given}, the trace has {r.expected}")
            first_mismatch = first_mismatch or r
    if first_mismatch:
        step = trace.step(first_mismatch.name)
        status = {r.name: ("matches" if r.ok else "mismatch") for r in results}
        inputs = ", ".join(f"{name} ({status.get(name, 'not in your file')})" for name in step.inputs)
        lines.append(f"first mismatch: {step.text}; it depends on {inputs or 'nothing'}")
    print("\n".join(lines))
    return 0 if first_mismatch is None else 1


def run_errata(args):
    rows = errata(compute_trace(Config()), args.precision)
    lines = [f"{'fig':>3}  {'name':<8} {'status':<9} where / printed / correct"]
    for r in rows:
        lines.append(f"{r.figure:>3}  {r.name:<8} {'ok' if r.ok else 'MISPRINT':<9} {r.where}: {r.printed}"
                     + ("" if r.ok else f"  ->  correct: {r.correct}"))
    bad = sum(not r.ok for r in rows)
    lines.append(f"{len(rows)} printed values checked, {bad} misprinted")
    write_output("\n".join(lines) + "\n", args.output)
    return 0


CONFIG_OPTIONS = ("config", "hidden", "sample", "batch", "seed", "lr", "reg", "penalty", "activation", "bias",
                  "convention")


def run_export(args):
    """LaTeX, Beamer, Markdown or JSON of a trace; `latex` to a folder unless -o names a .tex file; `all` to a
    folder with every format and the PNG stills of each --stills folder. Inputs are checked before writing."""
    if args.trace and any(getattr(args, name) is not None for name in CONFIG_OPTIONS):
        raise ConfigError("export: give either --trace FILE or the network options (--config, --hidden, ...), not both")
    if args.stills and args.format != "all":
        raise ConfigError("export: --stills goes with --format all")
    folder = args.format == "all" or (args.format == "latex" and args.output and not args.output.endswith(".tex"))
    if folder and not args.output:
        raise ConfigError(f"export: --format {args.format} writes a folder: name it with -o DIR")
    stills = {}  # path in the output folder: PNG to copy there
    for source in args.stills or []:
        if not os.path.isdir(source):
            raise ConfigError(f"{source}: no such folder of stills (expected a folder of PNG files)")
        for png in sorted(glob.glob(os.path.join(source, "*.png"))):
            name = os.path.join("stills", os.path.basename(png))
            if name in stills:
                raise ConfigError(f"--stills: two folders hold {os.path.basename(png)}; their PNG names must differ")
            stills[name] = png
    trace = load_trace(args.trace) if args.trace else compute_trace(config_from_args(args))
    if not folder:
        write_output(export_text(trace, args.format, args.precision), args.output)
        return 0
    files = export_files(trace, args.format, args.precision)
    try:
        for subfolder in {os.path.dirname(name) for name in [*files, *stills]}:
            os.makedirs(os.path.join(args.output, subfolder), exist_ok=True)
        for name, text in files.items():
            write_output(text, os.path.join(args.output, name))
        for name, png in stills.items():
            shutil.copyfile(png, os.path.join(args.output, name))
    except OSError as e:
        raise ConfigError(f"{args.output}: cannot write ({e.strerror})")
    print(f"wrote {len(files) + len(stills)} files to {args.output}", file=sys.stderr)
    return 0


TRAIN_OPTIONS = ("iterations", "every", "on_divergence", "reg_gradient", "decay", "decay_rate", "decay_every",
                 "clip", "clip_at", "grid", "bounds")


class ProgressBar:
    """A rich progress bar on stderr, shown once a run has taken more than a second or so."""

    def __init__(self, delay=1.5):
        self.start, self.delay, self.bar = time.monotonic(), delay, None

    def __call__(self, done, total):
        if self.bar is None:
            if time.monotonic() - self.start < self.delay:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
            self.bar = Progress("training", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("training", total=total)
        self.bar.update(self.task, completed=done)

    def close(self):
        if self.bar is not None:
            self.bar.stop()


def run_train(args):
    """Train a run: settings from --preset (default fig20) or --config FILE, then the options given."""
    if args.config and args.preset:
        raise ConfigError("train: give either --preset or --config, not both")
    config, options = preset(args.preset or "fig20")
    if not args.config:  # the preset's settings, where the command line gives none
        for name in CONFIG_OPTIONS[1:]:
            if getattr(args, name) is None:
                setattr(args, name, getattr(config, name))
    config = config_from_args(args)
    for name in TRAIN_OPTIONS:
        if getattr(args, name) is not None:
            setattr(options, name, tuple(args.bounds) if name == "bounds" else getattr(args, name))
    if args.output:
        extension = os.path.splitext(args.output)[1].lower()
        if extension not in (".json", ".npz"):
            raise ConfigError(f"train: -o {args.output}: a run file's name must end in .json or .npz")
        if args.json and extension != ".json":
            raise ConfigError(f"train: --json writes JSON: name the file .json, or drop --json for {extension}")
        if not os.path.isdir(os.path.dirname(os.path.abspath(args.output))):
            raise ConfigError(f"train: -o {args.output}: no such folder")
    progress = ProgressBar() if sys.stderr.isatty() else None
    try:
        run = train(config, options, progress)
    finally:
        if progress:
            progress.close()
    if args.output:
        save_run(run, args.output)
    if args.json and not args.output:
        sys.stdout.write(json.dumps(run_to_dict(run), allow_nan=False) + "\n")
    else:
        sys.stdout.write(describe(run) + (f"run written to {args.output}\n" if args.output else ""))
    return 0


def build_parser():
    parser = Parser(prog="mlp_core", description="Exact numbers of one backpropagation iteration of a tiny MLP.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    trace = commands.add_parser("trace", help="print every value of one iteration")
    add_config_options(trace)
    add_output_options(trace)
    trace.set_defaults(run=run_trace)

    hand = commands.add_parser("check", help="check your hand-calculated values (JSON {name: value})")
    hand.add_argument("hand", metavar="HAND.json")
    add_config_options(hand)
    hand.set_defaults(run=run_check)

    table = commands.add_parser("errata", help="the article's printed numbers against the trace")
    table.add_argument("-o", "--output", metavar="FILE")
    table.add_argument("--precision", type=int, default=8, metavar="N")
    table.set_defaults(run=run_errata)

    export = commands.add_parser(
        "export", help="the worked iteration as LaTeX fragments, a Beamer deck, Markdown or JSON",
        description="latex: -o DIR writes one fragment per figure (05-z1.tex, ...) and document.tex, which "
                    "\\inputs them; -o FILE.tex or no -o gives all fragments in one file. Fragments need "
                    "\\usepackage{amsmath,xcolor,adjustbox}. all: -o DIR gets latex/, deck.tex, backprop.md, "
                    "trace.json and the PNG files of each --stills SRC in stills/.")
    export.add_argument("--format", required=True, choices=FORMATS, help="latex, beamer, markdown, json or all")
    export.add_argument("--trace", metavar="FILE.json", help="a trace written by `trace --json` (instead of the "
                                                             "network options)")
    export.add_argument("--precision", type=int, default=8, metavar="N", help="decimals shown (default 8)")
    export.add_argument("-o", "--output", metavar="PATH", help="file, or folder for latex/all (default: stdout)")
    export.add_argument("--stills", metavar="DIR", action="append",
                        help="with --format all: copy DIR/*.png into the folder (repeatable)")
    add_config_options(export)
    export.set_defaults(run=run_export)

    learn = commands.add_parser(
        "train", help="train the network for many iterations: the article's runs (figures 20-22) and remedies",
        description="Settings start from --preset (default fig20) or --config FILE (a run file works too); the "
                    "network options override them. Prints a summary; -o FILE.json or FILE.npz writes the whole run.")
    learn.add_argument("--preset", choices=tuple(PRESETS),
                       help="; ".join(f"{name}: {value['text']}" for name, value in PRESETS.items()))
    add_config_options(learn)
    group = learn.add_argument_group("training (defaults: 100000 iterations, a snapshot every 1000)")
    group.add_argument("--iterations", type=int, metavar="K", help="iterations to run")
    group.add_argument("--every", type=int, metavar="K", help="a snapshot of the weights every K iterations")
    group.add_argument("--on-divergence", choices=ON_DIVERGENCE,
                       help="at the first loss that is not a finite number: stop (default) or continue")
    group.add_argument("--reg-gradient", choices=REG_GRADIENTS,
                       help="seed convention: code (lambda sum W^2 on every entry, default) or correct (lambda W)")
    group.add_argument("--decay", choices=DECAYS, help="learning-rate decay at iteration k: inverse a/(1+r(k-1)), "
                       "exponential a exp(-r(k-1)), step a r^floor((k-1)/K) (default none)")
    group.add_argument("--decay-rate", type=float, metavar="R", help="r of --decay (default 0)")
    group.add_argument("--decay-every", type=int, metavar="K", help="K of --decay step (default 1000)")
    group.add_argument("--clip", choices=CLIPS, help="gradient clipping: norm (both gradients scaled to norm <= C) "
                       "or value (each entry into [-C, C]) (default none)")
    group.add_argument("--clip-at", type=float, metavar="C", help="C of --clip (default 1)")
    group.add_argument("--grid", type=int, metavar="N", help="N x N grid of predicted classes (default 100)")
    group.add_argument("--bounds", type=float, nargs=4, metavar=("XMIN", "XMAX", "YMIN", "YMAX"),
                       help="the grid's extent (default: the data's, plus 5%% each side)")
    learn.add_argument("--json", action="store_true", help="the whole run as JSON (to stdout without -o)")
    learn.add_argument("-o", "--output", metavar="FILE", help="write the run to FILE.json or FILE.npz")
    learn.set_defaults(run=run_train)
    return parser


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "precision", 0) is not None and not 0 <= getattr(args, "precision", 0) <= 17:
            raise ConfigError(f"--precision must be between 0 and 17, got {args.precision}")
        return args.run(args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
