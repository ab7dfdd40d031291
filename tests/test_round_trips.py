"""Every file the tool writes reads back, and no option is silently ignored (issue 14).

Round trips: each file `trace`, `export` and `train` write is fed back wherever the README says it is accepted
(`trace --config`, `export --trace`, `check --config`, `train --config`) and gives the same trace or run, bit for
bit. Then each option combination that used to be ignored, both sides: refused in one line, or taking effect. Then
the options the subcommands share.
"""
import json
import re

import numpy as np
import pytest

from mlp_core.run_io import load_run
from mlp_core.trace import compute_trace
from mlp_core.trace_json import load_trace

# ---------------------------------------------------------------------------------------------------------------
# Traces

TRACES = {
    "article": [],
    "deep-relu-cross-entropy": ["--hidden", "4,3", "--activation", "relu", "--loss", "cross-entropy", "--bias",
                                "--batch", "3", "--reg", "0.01", "--data", "spiral", "--lr", "0.1"],
    "tanh-l1-seed": ["--hidden", "5", "--activation", "tanh", "--penalty", "l1", "--reg", "0.1", "--convention",
                     "seed", "--batch", "4", "--sample", "7"],
    "none-gauss": ["--hidden", "none", "--activation", "leaky_relu", "--output-activation", "linear", "--data",
                   "gauss", "--points", "60", "--data-seed", "3", "--sample", "50", "--batch", "10", "--seed", "4"],
}


@pytest.mark.parametrize("options", TRACES.values(), ids=TRACES.keys())
def test_a_trace_file_reads_back_everywhere(mlp, tmp_path, options):
    assert mlp("trace", *options, "--json", "-o", "t.json").returncode == 0
    written = (tmp_path / "t.json").read_text()
    trace = load_trace(tmp_path / "t.json")
    assert trace == compute_trace(trace.config)
    # trace --config: the same trace, as JSON and as text
    assert mlp("trace", "--config", "t.json", "--json").stdout == written
    assert mlp("trace", "--config", "t.json").stdout == mlp("trace", *options).stdout
    # export --trace: what export makes of the same network options, in every format; its JSON is the file itself
    for form in ("json", "latex", "beamer", "markdown"):
        exported = mlp("export", "--format", form, "--trace", "t.json")
        assert exported.returncode == 0, exported.stderr
        assert exported.stdout == mlp("export", "--format", form, *options).stdout, form
        if form == "json":
            assert exported.stdout.strip() == written.strip()
    # check --config: the trace's own values, at full precision, all match
    (tmp_path / "hand.json").write_text(json.dumps(json.loads(written)["values"]))
    checked = mlp("check", "hand.json", "--config", "t.json", "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    result = json.loads(checked.stdout)
    assert result["match"] is True and set(result["values"]) == set(trace.values)


@pytest.mark.parametrize("options", [TRACES["article"], TRACES["deep-relu-cross-entropy"]], ids=["article", "deep"])
def test_exports_json_is_a_trace_file(mlp, tmp_path, options):
    assert mlp("export", "--format", "json", *options, "-o", "e.json").returncode == 0
    assert mlp("export", "--format", "all", *options, "-o", "all").returncode == 0
    direct = mlp("trace", *options, "--json").stdout
    for path in ("e.json", "all/trace.json"):
        assert (tmp_path / path).read_text().strip() == direct.strip()
        assert mlp("trace", "--config", path, "--json").stdout == direct
        assert mlp("export", "--format", "beamer", "--trace", path).stdout == \
            mlp("export", "--format", "beamer", *options).stdout


# ---------------------------------------------------------------------------------------------------------------
# Runs: every training option, re-run from the file bit for bit

SHORT = ["--grid", "6"]
RUNS = {
    "seed-correct-norm-inverse": ["--hidden", "6", "--reg", "0.001", "--reg-gradient", "correct", "--clip", "norm",
                                  "--clip-at", "0.05", "--decay", "inverse", "--decay-rate", "0.01",
                                  "--iterations", "400", "--every", "100", *SHORT],
    "exact-l1-value-exponential-bounds": [
        "--hidden", "5", "--activation", "tanh", "--convention", "exact", "--penalty", "l1", "--reg", "0.01",
        "--clip", "value", "--clip-at", "0.01", "--decay", "exponential", "--decay-rate", "0.0005", "--lr", "0.5",
        "--iterations", "300", "--every", "100", "--grid", "9", "--bounds", "-3", "3", "-2", "2"],
    "seed-l1-code-step": ["--penalty", "l1", "--reg", "0.001", "--decay", "step", "--decay-rate", "0.5",
                          "--decay-every", "100", "--lr", "0.05", "--iterations", "350", "--every", "50",
                          "--batch", "20", "--sample", "30", *SHORT],
    "diverging-continue": ["--hidden", "7", "--lr", "0.5", "--reg", "0.5", "--on-divergence", "continue",
                           "--iterations", "200", "--every", "50", *SHORT],
    "diverging-stop": ["--hidden", "7", "--lr", "0.5", "--reg", "0.5", "--iterations", "200", "--every", "50",
                       *SHORT],  # stops at iteration 11, before any snapshot
    "deep-circle-bias": ["--hidden", "4,3", "--activation", "relu", "--loss", "cross-entropy", "--data", "circle",
                         "--bias", "--convention", "exact", "--lr", "0.05", "--points", "120", "--data-seed", "2",
                         "--seed", "9", "--iterations", "300", "--every", "100", "--grid", "10"],
}


def summary(result):
    """The summary `train` prints, without the line naming the file it wrote."""
    return [line for line in result.stdout.splitlines() if not line.startswith("run written to")]


@pytest.mark.parametrize("first, second", [("json", "npz"), ("npz", "json")])
@pytest.mark.parametrize("options", RUNS.values(), ids=RUNS.keys())
def test_a_run_file_re_runs_bit_for_bit(mlp, tmp_path, same_run, options, first, second):
    made = mlp("train", *options, "-o", f"run.{first}")
    assert made.returncode == 0, made.stderr
    run = load_run(tmp_path / f"run.{first}")
    again = mlp("train", "--config", f"run.{first}", "-o", f"again.{second}")
    assert again.returncode == 0, again.stderr
    assert "changed" not in again.stdout and summary(again) == summary(made)
    same_run(load_run(tmp_path / f"again.{second}"), run)
    # and once more from the other format
    third = mlp("train", "--config", f"again.{second}", "-o", f"third.{first}")
    assert third.returncode == 0, third.stderr
    same_run(load_run(tmp_path / f"third.{first}"), run)
    # a run file picks the network for a trace
    trace = mlp("trace", "--config", f"run.{first}", "--json")
    assert trace.returncode == 0, trace.stderr
    assert load_trace_text(tmp_path, trace.stdout) == compute_trace(run.config)


def load_trace_text(tmp_path, text):
    path = tmp_path / "from_stdout.json"
    path.write_text(text)
    return load_trace(path)


def test_a_run_file_is_a_config_for_trace_check_and_export(mlp, tmp_path):
    assert mlp("train", *RUNS["deep-circle-bias"], "-o", "run.npz").returncode == 0
    direct = mlp("trace", "--config", "run.npz", "--json").stdout
    assert mlp("export", "--format", "json", "--config", "run.npz").stdout == direct
    (tmp_path / "hand.json").write_text(json.dumps({"W3": json.loads(direct)["values"]["W3"]}))
    assert mlp("check", "hand.json", "--config", "run.npz").returncode == 0


def test_a_run_written_to_stdout_re_runs_bit_for_bit(mlp, tmp_path, same_run):
    made = mlp("train", *RUNS["diverging-continue"], "--json")
    assert made.returncode == 0, made.stderr
    (tmp_path / "stdout.json").write_text(made.stdout)
    assert mlp("train", "--config", "stdout.json", "-o", "again.npz").returncode == 0
    same_run(load_run(tmp_path / "again.npz"), load_run(tmp_path / "stdout.json"))


def test_a_trace_file_is_a_config_for_train(mlp, tmp_path):
    assert mlp("trace", *TRACES["deep-relu-cross-entropy"], "--json", "-o", "t.json").returncode == 0
    result = mlp("train", "--config", "t.json", "--iterations", "20", "--grid", "2", "-o", "run.json")
    assert result.returncode == 0, result.stderr
    run = load_run(tmp_path / "run.json")
    assert run.config == load_trace(tmp_path / "t.json").config
    assert run.snapshots[0].params.keys() == {"W1", "W2", "W3", "b1", "b2", "b3"}


MAZUR = {"lr": 0.5, "X": [[0.05, 0.1]], "y": [[0.01, 0.99]], "W1": [[0.15, 0.25], [0.2, 0.3]],
         "W2": [[0.4, 0.5], [0.45, 0.55]], "b1": [0.35, 0.35], "b2": [0.6, 0.6]}


def test_a_run_of_explicit_values_re_runs_bit_for_bit(mlp, tmp_path, same_run):
    (tmp_path / "mazur.json").write_text(json.dumps(MAZUR))
    assert mlp("train", "--config", "mazur.json", "--iterations", "100", "--every", "50", "--grid", "3",
               "-o", "run.json").returncode == 0
    run = load_run(tmp_path / "run.json")
    assert np.array_equal(run.X, MAZUR["X"]) and run.params["b1"].shape == (2,)
    assert mlp("train", "--config", "run.json", "-o", "again.npz").returncode == 0
    same_run(load_run(tmp_path / "again.npz"), run)


def test_the_summary_describes_the_network_the_values_decide(mlp, tmp_path):
    """Mazur's network has 2 hidden units and biases, whatever the config's default `hidden` says."""
    (tmp_path / "mazur.json").write_text(json.dumps(MAZUR))
    result = mlp("train", "--config", "mazur.json", "--iterations", "10", "--grid", "2")
    assert result.returncode == 0, result.stderr
    assert "2 hidden units" in result.stdout and "biases" in result.stdout, result.stdout


def test_the_run_options_took_effect(tmp_path, mlp):
    """The runs above do what their options say (so that the round trips test something)."""
    for name, options in RUNS.items():
        assert mlp("train", *options, "-o", f"{name}.npz").returncode == 0
    diverged = load_run(tmp_path / "diverging-continue.npz")
    assert diverged.diverged_at and len(diverged.loss) == 200 and np.isnan(diverged.loss[-1])
    assert diverged.options.on_divergence == "continue"
    stopped = load_run(tmp_path / "diverging-stop.npz")
    assert stopped.diverged_at == len(stopped.loss) < 50 and stopped.snapshots == []
    bounded = load_run(tmp_path / "exact-l1-value-exponential-bounds.npz")
    assert (bounded.grid_x[0], bounded.grid_x[-1], bounded.grid_y[0], bounded.grid_y[-1]) == (-3, 3, -2, 2)
    assert bounded.snapshots[0].classes.shape == (9, 9)
    deep = load_run(tmp_path / "deep-circle-bias.npz")
    assert sorted(deep.params) == ["W1", "W2", "W3", "b1", "b2", "b3"] and len(deep.X) == 120
    for name, options in RUNS.items():  # the remedies change the run
        if strip_remedies(options) != options:
            assert mlp("train", *strip_remedies(options), "-o", "plain.npz").returncode == 0
            plain = load_run(tmp_path / "plain.npz").loss
            assert not np.array_equal(plain, load_run(tmp_path / f"{name}.npz").loss, equal_nan=True), name


REMEDIES = {"--clip": 1, "--clip-at": 1, "--decay": 1, "--decay-rate": 1, "--decay-every": 1, "--reg-gradient": 1}


def strip_remedies(options):
    """The options without clipping, decay and the correct penalty gradient."""
    kept, skip = [], 0
    for option in options:
        if skip:
            skip -= 1
        elif option in REMEDIES:
            skip = REMEDIES[option]
        else:
            kept.append(option)
    return kept


def test_an_option_on_the_command_line_overrides_the_run_file_and_the_summary_says_so(mlp, tmp_path, same_run):
    options = RUNS["seed-correct-norm-inverse"]
    assert mlp("train", *options, "-o", "run.json").returncode == 0
    over = mlp("train", "--config", "run.json", "--iterations", "200", "--lr", "0.01", "--clip-at", "0.2",
               "-o", "over.json")
    assert over.returncode == 0, over.stderr
    assert over.stdout.splitlines()[0] == "re-run of run.json with --clip-at, --iterations, --lr changed"
    changed = load_run(tmp_path / "over.json")
    assert (len(changed.loss), changed.config.lr, changed.options.clip_at) == (200, 0.01, 0.2)
    assert (changed.options.clip, changed.options.decay, changed.options.reg_gradient) == ("norm", "inverse",
                                                                                          "correct")
    fresh = mlp("train", *options, "--iterations", "200", "--lr", "0.01", "--clip-at", "0.2", "-o", "fresh.json")
    assert fresh.returncode == 0, fresh.stderr
    same_run(changed, load_run(tmp_path / "fresh.json"))


# ---------------------------------------------------------------------------------------------------------------
# Options that used to be ignored: refused in one line, or taking effect

EXPLICIT = {"W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "X": [[0.5, -1.0], [1.5, 2.0]], "y": [[1, 0], [0, 1]]}


@pytest.mark.parametrize("option, value, decided_by", [
    ("--hidden", "4", "W1"), ("--batch", "3", "X"), ("--sample", "5", "X"), ("--data", "spiral", "X"),
    ("--points", "50", "X"),
])
@pytest.mark.parametrize("command", ["trace", "train"])
def test_an_option_that_explicit_values_decide_is_refused(mlp, tmp_path, refused, option, value, decided_by,
                                                          command):
    (tmp_path / "values.json").write_text(json.dumps(EXPLICIT))
    refused(mlp(command, "--config", "values.json", option, value, "-o", "out.json"), option, output=tmp_path /
            "out.json")


@pytest.mark.parametrize("option, value, name, shape", [
    ("--hidden", "4", "W1", [2, 4]), ("--batch", "3", "X", [3, 2]), ("--hidden", "4,2", "W3", [2, 2]),
])
def test_the_same_option_beside_a_config_of_settings_takes_effect(mlp, tmp_path, option, value, name, shape):
    (tmp_path / "settings.json").write_text(json.dumps({"lr": 0.5, "activation": "tanh"}))
    result = mlp("trace", "--config", "settings.json", option, value, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert np.shape(data["values"][name]) == tuple(shape) and data["config"]["lr"] == 0.5


def test_sample_beside_a_config_of_settings_takes_effect(mlp, tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"lr": 0.5}))
    data = json.loads(mlp("trace", "--config", "settings.json", "--sample", "5", "--json").stdout)
    assert data["values"]["X"] == np.random.RandomState(0).randn(300, 2)[5:6].tolist()


def test_seed_beside_explicit_weights(mlp, tmp_path, refused):
    """--seed draws the weights not given; with every weight given it cannot take effect."""
    (tmp_path / "w1.json").write_text(json.dumps({"W1": EXPLICIT["W1"]}))
    W2 = [json.loads(mlp("trace", "--config", "w1.json", "--seed", str(s), "--json").stdout)["values"]["W2"]
          for s in (1, 2)]
    assert W2[0] != W2[1]
    (tmp_path / "w12.json").write_text(json.dumps({"W1": EXPLICIT["W1"], "W2": [[0.1, 0.2]] * 3}))
    refused(mlp("trace", "--config", "w12.json", "--seed", "1"), "--seed")


BRIEF = ["--iterations", "60", "--every", "60", "--grid", "2", "--hidden", "5", "--reg", "0.001"]


def final_weights(mlp, tmp_path, *options):
    result = mlp("train", *BRIEF, *options, "-o", "r.npz")
    assert result.returncode == 0, result.stderr
    return load_run(tmp_path / "r.npz").params["W1"]


@pytest.mark.parametrize("ignored, effective", [
    (["--decay", "inverse"], ["--decay", "inverse", "--decay-rate", "0.5"]),
    (["--decay", "exponential"], ["--decay", "exponential", "--decay-rate", "0.05"]),
    (["--decay", "inverse", "--decay-rate", "0"], ["--decay", "inverse", "--decay-rate", "0.5"]),
    (["--clip-at", "0.01"], ["--clip", "norm", "--clip-at", "0.01"]),
    (["--decay-rate", "0.5"], ["--decay", "inverse", "--decay-rate", "0.5"]),
    (["--decay-every", "10"], ["--decay", "step", "--decay-rate", "0.5", "--decay-every", "10"]),
    (["--reg-gradient", "correct", "--convention", "exact"], ["--reg-gradient", "correct", "--convention", "seed"]),
])
def test_a_training_option_is_refused_or_takes_effect(mlp, tmp_path, refused, ignored, effective):
    refused(mlp("train", *BRIEF, *ignored, "-o", "out.json"), ignored[0], output=tmp_path / "out.json")
    base = ["--convention", "exact"] if "exact" in ignored else []
    assert not np.array_equal(final_weights(mlp, tmp_path, *effective), final_weights(mlp, tmp_path, *base))


def test_clip_at_changes_the_clipping(mlp, tmp_path):
    assert not np.array_equal(final_weights(mlp, tmp_path, "--clip", "value", "--clip-at", "0.001"),
                              final_weights(mlp, tmp_path, "--clip", "value"))


def test_a_run_files_remedy_takes_its_parameter_from_the_command_line(mlp, tmp_path, refused):
    assert mlp("train", *BRIEF, "--clip", "norm", "-o", "clipped.json").returncode == 0
    assert mlp("train", *BRIEF, "-o", "plain.json").returncode == 0
    result = mlp("train", "--config", "clipped.json", "--clip-at", "0.01", "-o", "again.json")
    assert result.returncode == 0, result.stderr
    assert load_run(tmp_path / "again.json").options.clip_at == 0.01
    refused(mlp("train", "--config", "plain.json", "--clip-at", "0.01", "-o", "out.json"), "--clip-at",
            output=tmp_path / "out.json")


def test_every_and_iterations(mlp, tmp_path, refused):
    refused(mlp("train", "--iterations", "100", "--every", "200", "-o", "out.json"), "--every",
            output=tmp_path / "out.json")
    # --iterations alone, shorter than the default spacing: one snapshot, at the end
    assert mlp("train", "--iterations", "100", "--grid", "2", "-o", "one.json").returncode == 0
    assert [s.iteration for s in load_run(tmp_path / "one.json").snapshots] == [100]
    assert mlp("train", "--iterations", "100", "--every", "25", "--grid", "2", "-o", "four.json").returncode == 0
    assert [s.iteration for s in load_run(tmp_path / "four.json").snapshots] == [25, 50, 75, 100]


# ---------------------------------------------------------------------------------------------------------------
# Options the subcommands share


def test_check_writes_json_and_to_a_file(mlp, tmp_path):
    (tmp_path / "hand.json").write_text('{"z1": [-1.41, 0.91, -0.05], "h1": [0.1963, 0.7130, 0.4887]}')
    result = mlp("check", "hand.json", "--json", "-o", "out/check.json")
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    assert json.loads((tmp_path / "out/check.json").read_text()) == {"match": True, "values": {"z1": True,
                                                                                               "h1": True}}
    (tmp_path / "hand.json").write_text('{"z1": [-1.41, 0.95, -0.05]}')
    result = mlp("check", "hand.json", "-o", "out/check.txt")
    assert result.returncode == 1 and result.stdout == ""
    assert "z1: MISMATCH" in (tmp_path / "out/check.txt").read_text()
    assert json.loads(mlp("check", "hand.json", "--json").stdout)["match"] is False


def test_errata_writes_json(mlp):
    result = mlp("errata", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all({"figure", "name", "printed", "correct", "ok"} <= set(row) for row in rows)
    assert sum(not row["ok"] for row in rows) == 4  # the article's four misprints


def test_train_takes_precision(mlp, tmp_path):
    result = mlp("train", "--iterations", "100", "--grid", "2", "--precision", "4", "-o", "r.json")
    assert result.returncode == 0, result.stderr
    loss = load_run(tmp_path / "r.json").loss[-1]
    assert f"final loss {loss:.4g}," in result.stdout and f"{loss:.8g}" not in result.stdout


def test_train_help_shows_trains_own_defaults(mlp, capsys):
    """train starts from the fig20 preset: its help says so, and offers --bias (any network trains)."""
    with pytest.raises(SystemExit):
        mlp("train", "--help")
    text = " ".join(capsys.readouterr().out.split())
    for default in ("(default 50)", "(default 0.003)", "(default seed)", "(default 100000)", "--bias"):
        assert default in text, default


def test_no_command_prints_the_usage_with_the_subcommands(cli):
    result = cli()
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("usage:")
    for command in ("trace", "check", "errata", "export", "train"):
        assert re.search(rf"^  {command} .*python -m mlp_core {command}", result.stderr, re.M), command


@pytest.mark.parametrize("args, line", [
    (["train", "--hiden", "4"], "mlp_core train: unknown option --hiden; did you mean --hidden?"),
    (["check", "hand.json", "--jsn"], "mlp_core check: unknown option --jsn; did you mean --json?"),
    (["export", "--format", "json", "--precison", "3"],
     "mlp_core export: unknown option --precison; did you mean --precision?"),
    (["errata", "--outptu", "x"], "mlp_core errata: unknown option --outptu; did you mean --output?"),
])
def test_an_unknown_option_names_the_subcommand_and_the_closest_option(mlp, refused, args, line):
    assert refused(mlp(*args)) == f"error: {line}\n"


def test_an_unknown_option_from_the_shell(cli, refused):
    assert refused(cli("trace", "--actvation", "tanh")) == \
        "error: mlp_core trace: unknown option --actvation; did you mean --activation?\n"


OUTPUTS = [  # (command, the file or folder -o names inside missing folders, a file it must hold)
    (["trace"], "a/b/trace.txt", "a/b/trace.txt"),
    (["trace", "--json"], "a/b/trace.json", "a/b/trace.json"),
    (["errata"], "a/b/errata.txt", "a/b/errata.txt"),
    (["errata", "--json"], "a/b/errata.json", "a/b/errata.json"),
    (["export", "--format", "latex"], "a/b/fragments", "a/b/fragments/document.tex"),
    (["export", "--format", "latex"], "a/b/iteration.tex", "a/b/iteration.tex"),
    (["export", "--format", "beamer"], "a/b/deck.tex", "a/b/deck.tex"),
    (["export", "--format", "markdown"], "a/b/deck.md", "a/b/deck.md"),
    (["export", "--format", "json"], "a/b/trace.json", "a/b/trace.json"),
    (["export", "--format", "all"], "a/b/deck", "a/b/deck/trace.json"),
    (["train", "--iterations", "20", "--grid", "2"], "a/b/run.npz", "a/b/run.npz"),
    (["train", "--iterations", "20", "--grid", "2"], "a/b/run.json", "a/b/run.json"),
    (["check", "hand.json"], "a/b/check.txt", "a/b/check.txt"),
]


@pytest.mark.parametrize("args, output, holds", OUTPUTS, ids=[" ".join(o[0][:3]) + " " + o[1] for o in OUTPUTS])
def test_o_into_missing_folders_creates_them(mlp, tmp_path, args, output, holds):
    (tmp_path / "hand.json").write_text('{"z1": [-1.41, 0.91, -0.05]}')
    result = mlp(*args, "-o", output)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / holds).is_file() and (tmp_path / holds).stat().st_size > 0
    if not args[0] == "train" and not (tmp_path / output).is_dir():  # the same text as on stdout
        assert (tmp_path / output).read_text() == mlp(*args).stdout


@pytest.mark.parametrize("args, output, holds", OUTPUTS, ids=[" ".join(o[0][:3]) + " " + o[1] for o in OUTPUTS])
def test_o_where_a_folder_cannot_be_made_is_one_line(mlp, tmp_path, refused, args, output, holds):
    (tmp_path / "hand.json").write_text('{"z1": [-1.41, 0.91, -0.05]}')
    (tmp_path / "a").write_text("a file where a folder should be")
    refused(mlp(*args, "-o", output), "cannot write")
    assert (tmp_path / "a").read_text() == "a file where a folder should be"
