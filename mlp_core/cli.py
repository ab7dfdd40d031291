"""`python -m mlp_core` (also `mlp-core`): trace, check and errata, with the config options they share.

Bad input is one line on stderr and exit status 2; nothing is written to -o unless the command succeeded.
"""
import argparse
import os
import sys
import tempfile

from mlp_core.activations import ACTIVATIONS
from mlp_core.article import errata
from mlp_core.check import check, load_hand_file
from mlp_core.config import CONVENTIONS, PENALTIES, ConfigError, load_config_file
from mlp_core.config import Config
from mlp_core.formatting import format_array
from mlp_core.trace import compute_trace
from mlp_core.trace_json import dumps


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
    directory = os.path.dirname(os.path.abspath(path))
    try:
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as f:
            f.write(text)
        os.replace(f.name, path)
    except OSError as e:
        raise ConfigError(f"{path}: cannot write ({e.strerror})")


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
