"""`python -m mlp_core` (also `mlp-core`): trace, check, errata, export and train, with the options they share.

Bad input is one line on stderr and exit status 2; nothing is written to -o unless the command succeeded. No
option is ignored: one that cannot take effect (a setting that explicit values decide, a remedy's parameter
without the remedy) is refused with a line that says why.
"""
import argparse
import glob
import json
import os
import shutil
import sys
import time
from dataclasses import replace

from mlp_core.activations import HIDDEN_ACTIVATIONS
from mlp_core.config import (CONVENTIONS, OUTPUT_ACTIVATIONS, PENALTIES, Config, ConfigError, load_config_file,
                             parse_hidden, read_json)
from mlp_core.data import DATA_SETS
from mlp_core.export import FORMATS, export_files, export_text
from mlp_core.files import write_atomically
from mlp_core.formatting import format_array
from mlp_core.network import LOSSES
from mlp_core.run_io import load_run, run_from_dict, run_json, save_run
from mlp_core.trace import compute_trace
from mlp_core.trace_json import dumps, load_trace
from mlp_core.train import (CLIPS, DECAYS, ON_DIVERGENCE, PRESETS, REG_GRADIENTS, TrainOptions, describe, preset,
                            train)

EXAMPLES = """commands (python -m mlp_core COMMAND --help for each one's options):
  trace      every value of one iteration      python -m mlp_core trace --hidden 4,3 --activation relu
  check      your hand calculation, checked    python -m mlp_core check my_numbers.json
  errata     the article's misprints           python -m mlp_core errata
  export     LaTeX, Beamer, Markdown, JSON     python -m mlp_core export --format beamer -o renders/deck.tex
  train      many iterations, a run file       python -m mlp_core train --preset fig21 -o renders/run.npz
  worksheet  a worksheet per student           python -m mlp_core worksheet --roster roster.csv -o class/
  grade      the class's answers, graded       python -m mlp_core grade class/ submissions/ -o grades.csv
"""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr, exit 2."""

    def error(self, message):
        raise ConfigError(f"{self.prog}: {message}")


def hidden_sizes(text):
    try:
        return parse_hidden(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e))


NETWORK_OPTIONS = ("hidden", "sample", "batch", "seed", "data", "points", "data_seed", "lr", "reg", "penalty",
                   "activation", "output_activation", "loss", "bias", "convention")
DEFAULTS = Config()  # the article's worked example
DEFAULT_PRECISION = 8  # decimals, as the article prints its numbers


def add_config_options(parser, defaults=DEFAULTS, bias=True):
    """The options that pick the network and the iteration; all default to None so that only what is given
    overrides --config (or a preset). `defaults` is what the command starts from, for the help."""
    d = defaults
    group = parser.add_argument_group("network and iteration")
    group.add_argument("--config", metavar="FILE", help="settings and/or values X, y, W1, W2, ..., b1, ... (JSON); "
                                                       "a trace or run file (.json, .npz) works too")
    group.add_argument("--hidden", type=hidden_sizes, metavar="N[,N...]",
                       help=f"hidden layer sizes, e.g. 3 or 4,3, or none (default {','.join(map(str, d.hidden))})")
    group.add_argument("--sample", type=int, metavar="I", help=f"first data row of the batch (default {d.sample})")
    group.add_argument("--batch", type=int, metavar="N", help=f"rows in the batch: I .. I+N-1 (default {d.batch})")
    group.add_argument("--seed", type=int, metavar="S", help=f"RandomState seed of the weights (default {d.seed})")
    group.add_argument("--data", choices=DATA_SETS, help=f"data set (default {d.data})")
    group.add_argument("--points", type=int, metavar="N", help=f"points in the data set (default {d.points})")
    group.add_argument("--data-seed", type=int, metavar="S",
                       help=f"RandomState seed of the data (default {d.data_seed})")
    group.add_argument("--lr", type=float, metavar="A", help=f"learning rate alpha (default {d.lr})")
    group.add_argument("--reg", type=float, metavar="L", help=f"regularization lambda (default {d.reg})")
    group.add_argument("--penalty", choices=PENALTIES, help=f"l2 or l1 (default {d.penalty})")
    group.add_argument("--activation", choices=HIDDEN_ACTIVATIONS,
                       help=f"of the hidden layers, and of the output unless --output-activation (default "
                            f"{d.activation})")
    group.add_argument("--output-activation", choices=OUTPUT_ACTIVATIONS,
                       help="of the output layer (default: --activation; softmax with cross-entropy)")
    group.add_argument("--loss", choices=LOSSES,
                       help=f"mse or cross-entropy (with a softmax output) (default {d.loss})")
    if bias:
        group.add_argument("--bias", action="store_const", const=True,
                           help=f"add biases b1 .. bL (default {'on' if d.bias else 'off'})")
    group.add_argument("--convention", choices=CONVENTIONS,
                       help=f"exact: the true gradient of the stated loss; seed: the article's code (default "
                            f"{d.convention})")


def decided_by_values(config):
    """{option: the explicit values that decide it}: such an option given on the command line cannot take effect."""
    values = set(config.values)
    decided = {}
    if any(name[0] in "Wb" for name in values):
        decided["hidden"] = "W/b"
    if "X" in values:
        for option in ("sample", "batch", "data", "points", "data_seed"):
            decided[option] = "X"
    weights = sorted(name for name in values if name[0] == "W")
    if weights and len(weights) >= len(config.hidden) + 1:
        decided["seed"] = "all the weights"
    return decided


def given_options(args, names):
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def config_from_args(args, base=None):
    """The config `base`, else --config FILE's, else the article's, with the network options given on the command
    line over it."""
    config = base if base is not None else load_config_file(args.config) if args.config else Config()
    given = given_options(args, NETWORK_OPTIONS)
    decided = decided_by_values(config)
    for name in given:
        if name in decided:
            raise ConfigError(f"--{name.replace('_', '-')} cannot take effect: the explicit {decided[name]} in "
                              f"{args.config or 'the config'} decide it; drop one of them")
    return replace(config, **given)


def add_output_options(parser, precision=True, json_help="write JSON instead of text"):
    parser.add_argument("--json", action="store_true", help=json_help)
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output "
                                                               "(missing folders are created)")
    parser.add_argument("--precision", type=int, metavar="N",
                        help=f"decimals shown (default {DEFAULT_PRECISION})" if precision else argparse.SUPPRESS)


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
    from mlp_core.check import check, load_hand_file, report  # here: the other commands do without them

    trace = compute_trace(config_from_args(args))
    results = check(trace, load_hand_file(args.hand, trace))
    text, status = report(trace, results)
    if args.json:
        text = json.dumps({"match": status == 0, "values": {r.name: r.ok for r in results}}, indent=1)
    write_output(text + "\n", args.output)
    return status


def run_errata(args):
    from mlp_core.article import errata

    rows = errata(compute_trace(Config()), args.precision)
    if args.json:
        text = json.dumps([vars(r) for r in rows], indent=1)
    else:
        lines = [f"{'fig':>3}  {'name':<8} {'status':<9} where / printed / correct"]
        for r in rows:
            lines.append(f"{r.figure:>3}  {r.name:<8} {'ok' if r.ok else 'MISPRINT':<9} {r.where}: {r.printed}"
                         + ("" if r.ok else f"  ->  correct: {r.correct}"))
        lines.append(f"{len(rows)} printed values checked, {sum(not r.ok for r in rows)} misprinted")
        text = "\n".join(lines)
    write_output(text + "\n", args.output)
    return 0


def run_export(args):
    """LaTeX, Beamer, Markdown or JSON of a trace; `latex` to a folder unless -o names a .tex file; `all` to a
    folder with every format and the PNG stills of each --stills folder. Inputs are checked before writing."""
    if args.trace and (args.config or given_options(args, NETWORK_OPTIONS)):
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
    if args.trace and str(args.trace).lower().endswith(".npz"):
        raise ConfigError(f"{args.trace}: a run file, not a trace; a trace is the JSON of `trace --json` "
                          f"(or pick the network with --config {args.trace})")
    trace = load_trace(args.trace) if args.trace else compute_trace(config_from_args(args))
    if not folder:
        write_output(export_text(trace, args.format, args.precision), args.output)
        return 0
    files = export_files(trace, args.format, args.precision, [os.path.basename(name) for name in stills])
    try:
        for name, text in files.items():
            write_output(text, os.path.join(args.output, name))
        for name, png in stills.items():
            os.makedirs(os.path.dirname(os.path.join(args.output, name)), exist_ok=True)
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


def training_options(args, options):
    """options with the training options given on the command line; ConfigError for one that cannot take effect."""
    given = given_options(args, TRAIN_OPTIONS)
    for option, needs, allowed in (("clip_at", "clip", None), ("decay_rate", "decay", None),
                                   ("decay_every", "decay", ("step",))):
        kind = given.get(needs, getattr(options, needs))
        if option in given and (kind == "none" or (allowed and kind not in allowed)):
            flag = f"--{needs}" + (f" {allowed[0]}" if allowed else "")
            raise ConfigError(f"--{option.replace('_', '-')} takes effect only with {flag}, which is not set")
    if "bounds" in given:
        given["bounds"] = tuple(given["bounds"])
    changed = sorted(given)
    if "iterations" in given and "every" not in given and options.every > given["iterations"]:
        given["every"] = given["iterations"]  # the spacing is longer than the run: one snapshot, at its end
        changed.append(f"every (lowered to {given['every']})")
    return replace(options, **given), changed


def run_train(args):
    """Train a run: settings from --preset (default fig20) or --config FILE (a run file brings its training
    options too), then the options given on the command line."""
    if args.config and args.preset:
        raise ConfigError("train: give either --preset or --config, not both")
    base, options = preset(args.preset or "fig20")
    run_file = _run_file(args.config) if args.config else None
    if run_file is not None:  # read once: its config and its training options
        base, options = run_file.config, run_file.options
    elif args.config:
        base = load_config_file(args.config)
    config = config_from_args(args, base=base)
    options, overridden = training_options(args, options)
    for option in ("penalty", "reg_gradient"):
        if getattr(args, option) is not None and config.reg == 0:
            raise ConfigError(f"--{option.replace('_', '-')} takes effect only with a penalty: --reg is 0")
    if args.output:
        extension = os.path.splitext(args.output)[1].lower()
        if extension not in (".json", ".npz"):
            raise ConfigError(f"train: -o {args.output}: a run file's name must end in .json or .npz")
        if args.json and extension != ".json":
            raise ConfigError(f"train: --json writes JSON: name the file .json, or drop --json for {extension}")
    progress = ProgressBar() if sys.stderr.isatty() else None
    try:
        run = train(config, options, progress)
    finally:
        if progress:
            progress.close()
    if args.output:
        save_run(run, args.output)
    if args.json and not args.output:
        sys.stdout.write(run_json(run).decode() + "\n")
        return 0
    changed = sorted([*given_options(args, NETWORK_OPTIONS), *overridden])
    source = f"re-run of {args.config}" if run_file is not None else f"the settings of {args.config}"
    notes = (f"{source} with {', '.join('--' + n.replace('_', '-') for n in changed)} changed\n"
             if args.config and changed else "")
    sys.stdout.write(notes + describe(run, args.precision) + (f"run written to {args.output}\n" if args.output else ""))
    return 0


def _run_file(path):
    """The Run in `path` if it is a run file (not a settings or trace file), else None; the file is read once."""
    if str(path).lower().endswith(".npz"):
        return load_run(path)
    data = read_json(path, "config file")
    return run_from_dict(data, str(path)) if isinstance(data, dict) and "snapshots" in data else None


def build_parser():
    parser = Parser(prog="mlp_core", description="Exact numbers of one backpropagation iteration of a small MLP.",
                    epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")

    trace = commands.add_parser("trace", help="print every value of one iteration")
    add_config_options(trace)
    add_output_options(trace)
    trace.set_defaults(run=run_trace)

    hand = commands.add_parser(
        "check", help="check your hand-calculated values (JSON {name: value})",
        description="Each value matches when it has the trace's shape and every entry is within one unit of its "
                    "own last written decimal; the precision is yours, so there is no --precision.")
    hand.add_argument("hand", metavar="HAND.json")
    add_config_options(hand)
    add_output_options(hand, precision=False, json_help="write the result as JSON ({match, values})")
    hand.set_defaults(run=run_check)

    table = commands.add_parser("errata", help="the article's printed numbers against the trace")
    add_output_options(table)
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
    export.add_argument("--precision", type=int, metavar="N", help=f"decimals shown (default {DEFAULT_PRECISION})")
    export.add_argument("-o", "--output", metavar="PATH", help="file, or folder for latex/all (default: stdout; "
                                                               "missing folders are created)")
    export.add_argument("--stills", metavar="DIR", action="append",
                        help="with --format all: copy DIR/*.png into the folder (repeatable)")
    add_config_options(export)
    export.set_defaults(run=run_export)

    fig20, fig20_options = preset("fig20")
    learn = commands.add_parser(
        "train", help="train the network for many iterations: the article's runs (figures 20-22) and remedies",
        description="Settings start from --preset (default fig20) or --config FILE (a run file brings its training "
                    "options too); the options given override them. Prints a summary; -o FILE.json or FILE.npz "
                    "writes the whole run.")
    learn.add_argument("--preset", choices=tuple(PRESETS),
                       help="; ".join(f"{name}: {value['text']}" for name, value in PRESETS.items()))
    add_config_options(learn, defaults=fig20)
    o = fig20_options
    group = learn.add_argument_group("training")
    group.add_argument("--iterations", type=int, metavar="K", help=f"iterations to run (default {o.iterations})")
    group.add_argument("--every", type=int, metavar="K",
                       help=f"a snapshot of the weights every K iterations (default {o.every})")
    group.add_argument("--on-divergence", choices=ON_DIVERGENCE,
                       help=f"at the first loss that is not a finite number: stop or continue (default "
                            f"{o.on_divergence})")
    group.add_argument("--reg-gradient", choices=REG_GRADIENTS,
                       help="seed convention: code (lambda sum W^2 on every entry, default) or correct (lambda W)")
    group.add_argument("--decay", choices=DECAYS, help="learning-rate decay at iteration k: inverse a/(1+r(k-1)), "
                       "exponential a exp(-r(k-1)), step a r^floor((k-1)/K) (default none)")
    group.add_argument("--decay-rate", type=float, metavar="R", help="r of --decay (needed with --decay)")
    group.add_argument("--decay-every", type=int, metavar="K", help=f"K of --decay step (default {o.decay_every})")
    group.add_argument("--clip", choices=CLIPS, help="gradient clipping: norm (all gradients scaled to norm <= C) "
                       "or value (each entry into [-C, C]) (default none)")
    group.add_argument("--clip-at", type=float, metavar="C", help=f"C of --clip (default {o.clip_at})")
    group.add_argument("--grid", type=int, metavar="N", help=f"N x N grid of predicted classes (default {o.grid})")
    group.add_argument("--bounds", type=float, nargs=4, metavar=("XMIN", "XMAX", "YMIN", "YMAX"),
                       help="the grid's extent (default: the data's, plus 5%% each side)")
    add_output_options(learn, json_help="the whole run as JSON (to stdout without -o)")
    learn.set_defaults(run=run_train)

    from mlp_core.classroom import add_commands  # worksheet and grade (mlp_core/classroom/)
    add_commands(commands)
    return parser


def unknown_option_message(parser, args, extra):
    """'mlp_core train: unknown option --hiden; did you mean --hidden?'"""
    import difflib  # here: only a mistyped option needs it

    command = parser
    if args.command:
        command = parser._subparsers._group_actions[0].choices[args.command]
    options = [s for action in command._actions for s in action.option_strings]
    word = extra[0]
    close = difflib.get_close_matches(word.split("=")[0], options, n=1)
    hint = f"; did you mean {close[0]}?" if close else f"; see {command.prog} --help"
    return f"{command.prog}: unknown option {word}{hint}" if word.startswith("-") else \
        f"{command.prog}: unexpected argument {word!r}{hint}"


def main(argv=None):
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if not args.command:
            sys.stderr.write(parser.format_usage() + "\n" + EXAMPLES)
            return 2
        if extra:
            raise ConfigError(unknown_option_message(parser, args, extra))
        precision = getattr(args, "precision", None)
        if precision is not None and not 0 <= precision <= 17:
            raise ConfigError(f"--precision must be between 0 and 17, got {precision}")
        if precision is not None and getattr(args, "json", False):
            raise ConfigError(f"{args.command}: --precision sets the decimals of the text output; --json writes every "
                              f"number in full: drop one of them")
        if args.command == "check" and args.precision is not None:
            raise ConfigError("check: no --precision: each of your numbers is compared at the decimals you wrote")
        if hasattr(args, "precision") and precision is None:
            args.precision = DEFAULT_PRECISION
        return args.run(args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
