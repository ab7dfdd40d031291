"""The narrated explainer: the script's words for networks of any depth (numbers read as a teacher reads them,
symbols as words, counts, layer names and numbers from the trace), MLP_VOICE's checks, the voice cache, and a
narrated render whose audio is speech inside each subtitle's interval and silence outside them all.

The numbers expected below are the article's printed ones (README: z1 = [-1.40982136 ...], h1 = [0.19626223
...]; figure 8: h2 = [0.37166596 0.45414264]; loss 0.3005246), rounded and read aloud by hand; for other networks
they are recomputed here from the trace's X, y and weights with plain NumPy.

The narrated renders (tests named test_narrated_render_*) draw figures: `-k "not narrated_render"` leaves them out.
"""
import importlib.util
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import wave
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from mlp_core.config import Config
from mlp_core.trace import compute_trace
from mlp_core.trace_json import load_trace
from scenes import narration, outline, voice

ROOT = Path(__file__).resolve().parents[1]
ESPEAK = shutil.which("espeak-ng")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")  # a number as written, not inside a name such as h3 or w12


def spoken_script(trace):
    """Every line of the script as the voice says it, joined."""
    return "\n".join(narration.spoken(words) for lines in outline.script(trace).values() for words in lines.values())


def written_script(trace):
    return "\n".join(words for lines in outline.script(trace).values() for words in lines.values())


# The words --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, said", [
    ("-1.41", "minus one point four one"),
    ("0.3", "zero point three"),
    ("0.001", "zero point zero zero one"),
    ("300", "three hundred"),
    ("6", "six"),
    ("21", "twenty-one"),
    ("100000", "one hundred thousand"),
    ("1234", "one thousand two hundred thirty-four"),
])
def test_numbers_read_aloud(written, said):
    assert narration.spoken(written) == said


@pytest.mark.parametrize("value, written", [
    (-1.40982136, "about -1.41"), (0.19626223, "about 0.2"), (0.3005246, "about 0.3"), (0.001, "0.001"),
    (300.0, "300"), (0.0, "0"), (0.0023456, "about 0.0023"), (2.5, "2.5"), (-0.0449, "about -0.045"),
])
def test_numbers_as_a_teacher_rounds_them(value, written):
    assert narration.approx(value) == written


@pytest.mark.parametrize("written, said", [
    ("dLoss/dW2", "d loss by d W two"),
    ("dh2/dz2", "d h two by d z two"),
    ("dLoss/dW2 = dLoss/dh2 · dh2/dz2", "d loss by d W two is d loss by d h two, times d h two by d z two"),
    ("z1 is X times W1, w1 to w6", "z one is X times W one, w one to w six"),
    ("XOR of x1 and x2", "ex-or of x one and x two"),
    ("dLoss/dW3 = dLoss/dz3 · dz3/dW3", "d loss by d W three is d loss by d z three, times d z three by d W three"),
    ("h3, W4 and the edges w1 to w12", "h three, W four and the edges w one to w twelve"),
    ("the leaky ReLU of z3", "the leaky rel-you of z three"),
])
def test_symbols_read_as_words(written, said):
    assert narration.spoken(written) == said


@pytest.mark.parametrize("n, word", [(1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (5, "fifth"),
                                     (8, "eighth"), (12, "twelfth"), (20, "twentieth"), (21, "twenty-first")])
def test_ordinals(n, word):
    assert narration.ordinal(n) == word


def test_script_of_the_articles_network():
    """Sizes, numbers and the activation of the article's iteration, each spoken as words."""
    said = spoken_script(compute_trace(Config()))
    for phrase in ["three hundred random points", "w one to w six",
                   "two inputs, three hidden units and two outputs",
                   "the first comes to about minus one point four one",  # z1[0, 0] = -1.40982136
                   "about minus one point four one becomes about zero point two",  # h1[0, 0] = 0.19626223
                   "about zero point three seven and about zero point four five",  # h2
                   "loss is about zero point three:",  # 0.3005246
                   "alpha, zero point zero zero one,",
                   "d loss by d W two is d loss by d h two, times d h two by d z two, times d z two by d W two",
                   "through the sigmoid", "between zero and one", "one data point"]:
        assert phrase.lower() in said.lower(), phrase
    assert not re.search(r"\d", said), "a number the voice would read digit by digit or as a symbol"
    assert not re.search(r"\b[A-Za-z]\d", said), "a symbol not read as words"


# The article's 19 figures keep their names and their lines' names (the figures say their lines by name).
ARTICLE_LINES = {
    "01_overview": ["bricks", "forward", "loss", "backward", "update"],
    "02_xor": ["rule", "lines", "data", "circled"],
    "03_pipeline": ["bricks", "network", "matrices", "first"],
    "04_initialized_network": ["weights", "input", "W1", "W2"],
    "05_z1": ["formula", "first", "rest"], "06_h1": ["formula", "curve", "result"],
    "07_z2": ["formula", "first", "rest"], "08_h2": ["formula", "curve", "result"],
    "09_loss": ["formula", "gaps", "numbers", "value"],
    "10_chain_w2": ["question", "factors", "definitions"], "11_path_w2": ["edges", "path"],
    "12_factors_w2": ["dL_dh2", "dh2_dz2", "dz2_dW2", "misprint"], "13_update_w2": ["gradient", "misprint", "update"],
    "14_chain_w1": ["deeper", "reuse", "rest"], "15_path_w1": ["edges", "path"],
    "16_factors_w1": ["dL_dh1", "dh1_dz1", "dz1_dW1", "misprint"], "17_update_w1": ["gradient", "misprint", "update"],
    "18_copy": ["copy", "old", "new"], "19_code": ["init", "forward", "loss", "backward", "updates"],
}


def test_articles_figures_keep_their_lines():
    script = outline.script(compute_trace(Config()))
    assert {name: list(lines) for name, lines in script.items()} == ARTICLE_LINES
    assert script["07_z2"]["formula"] == "The second layer repeats the recipe: the hidden activations are now the " \
                                         "input, W2 the weights."
    assert script["04_initialized_network"]["W2"] == "W2 holds those from the hidden layer to the outputs."
    assert script["14_chain_w1"]["rest"] == "The other two factors work just like those of W2, one layer further down."


def test_script_of_a_tanh_network():
    """Nothing says sigmoid; tanh's range and numbers are its own (tanh(-1.40982136) = -0.8875)."""
    trace = compute_trace(Config(activation="tanh"))
    said = spoken_script(trace)
    assert "sigmoid" not in (written_script(trace) + said).lower()
    assert round(math.tanh(-1.40982136), 2) == -0.89  # h1[0, 0], from the article's z1[0, 0]
    for phrase in ["through the tan h", "between minus one and one",
                   "minus one point four one becomes about minus zero point eight nine",
                   "slope of the hidden layer's tan h"]:
        assert phrase in said, phrase


def test_script_of_a_batch_with_five_hidden_units():
    said = spoken_script(compute_trace(Config(hidden=5, batch=3, bias=True)))
    for phrase in ["a batch of three data points", "w one to w ten", "three input rows", "five hidden units",
                   "plus the bias b one", "divided by the batch size, three", "circled three points"]:
        assert phrase in said, phrase
    assert "three hidden units" not in said and "one data point" not in said


def test_script_of_a_deep_network():
    said = "\n".join(narration.spoken(words) for words in narration.pipeline(compute_trace(Config(hidden=[4, 3])))
                     .values())
    assert "two inputs, hidden layers of four and three units and two outputs" in said


# Any network: the traces of the README's examples ---------------------------------------------------------------

TRACES = {
    "article": Config(),
    "relu 4,3 cross-entropy": Config(hidden=[4, 3], activation="relu", loss="cross-entropy"),
    "tanh 2,2,2 bias": Config(hidden=[2, 2, 2], bias=True, activation="tanh"),
    "no hidden layer": Config(hidden=[]),
    "6,5 batch 3": Config(hidden=[6, 5], batch=3),
    "spiral": Config(data="spiral"),
    "leaky_relu x5 circle seed cross-entropy": Config(hidden=[3] * 5, activation="leaky_relu", data="circle",
                                                      loss="cross-entropy", batch=2, convention="seed", reg=0.01),
    "linear hidden, sigmoid output, gauss": Config(activation="linear", output_activation="sigmoid", data="gauss"),
}
ACT = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0),
       "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z), "linear": lambda z: z,
       "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)}
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
         "linear": "linear activation", "softmax": "softmax"}


@pytest.fixture(scope="module", params=list(TRACES))
def case(request):
    """(trace, its script by section name, the forward pass recomputed here: {z1, h1, ...}, the layers'
    activations, the loss recomputed here)."""
    config = TRACES[request.param]
    trace = compute_trace(config)
    values, L = trace.values, trace.layers
    cross_entropy = config.loss == "cross-entropy"
    acts = [config.activation] * (L - 1) + [config.output_activation or ("softmax" if cross_entropy
                                                                          else config.activation)]
    forward, h = {}, values["X"]
    for k in range(1, L + 1):
        z = h @ values[f"W{k}"] + (values[f"b{k}"] if f"b{k}" in values else 0)
        h = ACT[acts[k - 1]](z)
        forward[f"z{k}"], forward[f"h{k}"] = z, h
    y, N = values["y"], len(values["X"])
    data_loss = -(y * np.log(h)).sum() / N if cross_entropy else ((y - h) ** 2).sum() / (2 * N)
    penalty = config.reg * sum((values[f"W{k}"] ** 2).sum() for k in range(1, L + 1)) / (2 * N)
    return trace, outline.script(trace), forward, acts, data_loss + penalty


def said_numbers(words):
    return [float(number) for number in NUMBER.findall(words)]


def close(said, value):
    """A number said as approx() rounds: two decimals, or two significant digits below 0.1."""
    return abs(said - value) <= max(0.0051, 0.051 * abs(value))


def factor_order(trace, k):
    """The factors of dLoss/dWk from the loss down: dz_dW, dL_dWk's first operand, last; no penalty operand."""
    names = [name for name in trace.step(f"dL_dW{k}").inputs if name.startswith("d")]
    return names[1:] + names[:1]


def test_sections_and_their_lines(case):
    """Every section of the outline has the lines its figure says by name: one per weight matrix, one per factor
    (with softmax and cross-entropy, "collapse" before dLoss/dzL), each layer's sections named by its k."""
    trace, script, _, _, _ = case
    L, cross_entropy = trace.layers, trace.config.loss == "cross-entropy"
    names = ["overview", trace.config.data, "pipeline", "initialized_network"]
    names += [f"{kind}{k}" for k in range(1, L + 1) for kind in ("z", "h")] + ["loss"]
    names += [f"{kind}_w{k}" for k in range(L, 0, -1) for kind in ("chain", "path", "factors", "update")]
    names += ["copy", "code"]
    assert list(script) == [f"{n:02d}_{name}" for n, name in enumerate(names, start=1)]
    for section, lines in script.items():
        kind = section[3:]
        layer = int(re.search(r"\d+$", kind)[0]) if re.search(r"\d+$", kind) else None
        expected = {"overview": ["bricks", "forward", "loss", "backward", "update"],
                    "pipeline": ["bricks", "network", "matrices", "first"],
                    "initialized_network": ["weights", "input"] + [f"W{k}" for k in range(1, L + 1)],
                    "loss": ["formula", "gaps", "numbers", "value"], "copy": ["copy", "old", "new"],
                    "code": ["init", "forward", "loss", "backward", "updates"],
                    "xor": ["rule", "lines", "data", "circled"]}.get(kind)
        if kind == trace.config.data != "xor":
            expected = ["data", "circled"]
        elif kind[0] in "zh" and layer:
            expected = ["formula", "first", "rest"] if kind[0] == "z" else ["formula", "curve", "result"]
        elif kind.startswith("chain"):
            expected = ["question", "factors", "definitions"] if layer == L else ["deeper", "reuse", "rest"]
        elif kind.startswith("path"):
            expected = ["edges", "path"]
        elif kind.startswith("factors"):
            collapse = ["collapse"] if cross_entropy and layer == L else []
            expected = collapse + factor_order(trace, layer) + ["misprint"]
        elif kind.startswith("update"):
            expected = ["gradient", "misprint", "update"]
        assert list(lines) == expected, section
        assert all(isinstance(words, str) and words.strip() for words in lines.values()), section


def test_every_line_reads_aloud(case):
    """Every number written is spoken as words, every symbol as its letters and numbers in words; nothing left
    for the speech engine to spell out (digits, underscores, ReLU)."""
    trace, script, _, _, _ = case
    for section, lines in script.items():
        for name, words in lines.items():
            said = narration.spoken(words)
            assert not re.search(r"\d|_|\b[A-Za-z]\d|ReLU", said), (section, name, said)
            for number in NUMBER.findall(words):
                assert narration.number_words(number) in said, (section, name, number)
            for symbol in re.findall(r"\b[hzWbwx](\d+)\b", words):
                assert narration.integer_words(int(symbol)) in said, (section, name, symbol)


def test_activations_are_the_layers_own(case):
    """Each activation and slope line names its layer's activation: nothing says sigmoid (or any other) where no
    layer has it; the trace's names (relu, leaky_relu) are never written."""
    trace, script, _, acts, _ = case
    written = "\n".join(words for lines in script.values() for words in lines.values())
    said = {act for act, name in NAMES.items() if re.search(rf"(?<!leaky ){name}", written)}
    assert said == set(acts), (said, acts)
    assert "relu" not in written and "leaky_relu" not in written
    section = {name[3:]: lines for name, lines in script.items()}
    L = trace.layers
    for k in range(1, L + 1):
        name = NAMES[acts[k - 1]]
        assert name in section[f"h{k}"]["formula"], k
        slopes = [words for key, words in section[f"factors_w{k}"].items() if key.startswith("dh")]
        assert all(name in words for words in slopes), (k, slopes)
        if k < L:
            assert name in section[f"path_w{k}"]["path"] and len(slopes) == 1, k


def test_layer_names_where_they_belong(case):
    """Each layer's sections name its own symbols (z3, h3, W3, dLoss/dW3 ...), and no section names a layer the
    network does not have."""
    trace, script, _, _, _ = case
    L = trace.layers
    written = "\n".join(words for lines in script.values() for words in lines.values())
    assert not re.search(rf"\b[zhWb]{L + 1}\b|dW{L + 1}\b", written), "a layer beyond the network's"
    section = {name[3:]: lines for name, lines in script.items()}
    for k in range(1, L + 1):
        assert f"W{k}" in section["initialized_network"][f"W{k}"]
        assert f"W{k}" in section[f"z{k}"]["formula"] and f"W{k}" in " ".join(section[f"z{k}"].values())
        assert f"h{k}" in " ".join(section[f"h{k}"].values())
        assert f"W{k}" in section[f"path_w{k}"]["edges"] and f"W{k}" in section[f"update_w{k}"]["gradient"]
        if k > 1:
            assert f"h{k - 1}" in section[f"z{k}"]["formula"] or L == 2  # the article's: "the hidden activations"
    assert f"dLoss/dW{L}" in section[f"chain_w{L}"]["factors"]
    assert f"h{L}" in section["loss"]["gaps"] + section["loss"]["formula"]
    assert f"W1 holds the weights of the edges w1 to w{trace.sizes()[0] * trace.sizes()[1]}," \
        in section["initialized_network"]["W1"]
    for k in range(1, L):
        assert f"dLoss/dh{k}" in section[f"chain_w{k}"]["deeper"] and f"z{k + 1}" in section[f"chain_w{k}"]["reuse"]
    if L >= 3:  # each hidden layer by its number
        assert "same step as one layer up" in section["chain_w1"]["rest"]
        for k in range(1, L):
            nth = narration.ordinal(k)
            assert f"the {nth} hidden layer h{k}." in section[f"chain_w{k}"]["deeper"], k
            assert f"the {nth} hidden layer" in section[f"path_w{k}"]["edges"] + section[f"path_w{k + 1}"]["edges"]
        assert section["initialized_network"][f"W{L}"].endswith(f"from the {narration.ordinal(L - 1)} hidden layer "
                                                                 "to the outputs.")
        assert "hidden layer's activations h1" in section["z2"]["formula"]
    if L == 1:
        assert "hidden" not in written.replace("no hidden layer", "")


def test_numbers_are_the_traces(case):
    """The numbers said are the iteration's, recomputed here from X, y and the weights."""
    trace, script, forward, acts, loss = case
    L, batch = trace.layers, len(trace.values["X"])
    section = {name[3:]: lines for name, lines in script.items()}
    for k in range(1, L + 1):
        z, h = forward[f"z{k}"], forward[f"h{k}"]
        assert close(said_numbers(section[f"z{k}"]["first"])[-1], z[0, 0]), k
        curve = said_numbers(section[f"h{k}"]["curve"])
        if acts[k - 1] == "softmax":
            assert np.allclose(h.sum(axis=1), 1)
            shown = curve[-2 * z.shape[1]:]
            assert all(map(close, shown, [*z[0], *h[0]])), curve
        elif k < L or L == 1 or acts[k - 1] != acts[0]:
            assert close(curve[-2], z[0, 0]) and close(curve[-1], h[0, 0]), (k, curve)
    prediction = said_numbers(section[f"h{L}"]["result"])
    if batch == 1 and trace.sizes()[-1] <= 3:
        assert all(map(close, prediction, forward[f"h{L}"][0])) and len(prediction) == trace.sizes()[-1]
    assert close(said_numbers(section["loss"]["value"])[0], loss)
    assert close(said_numbers(section[f"update_w{L}"]["update"])[0], trace.config.lr)
    sizes = trace.sizes()
    assert int(re.search(r"w1 to w(\d+)", section["initialized_network"]["W1"])[1]) == sizes[0] * sizes[1]
    assert (f"{sizes[0]} inputs" in section["pipeline"]["network"]
            and f"{sizes[-1]} outputs" in section["pipeline"]["network"])
    circled = section[trace.config.data]["circled"]
    assert (f"{batch} points" in circled) if batch > 1 else circled.endswith("circled point.")
    assert f"{trace.config.points} " in section[trace.config.data]["data"]


def test_cross_entropy_collapses_to_h_minus_y():
    """Softmax with cross-entropy: the chain rule at the output has two factors, dLoss/dzL = hL - y, said with
    why; the exact convention divides by the batch size, the seed one (the article's code) does not."""
    for convention, divided in (("exact", True), ("seed", False)):
        trace = compute_trace(Config(hidden=[4, 3], loss="cross-entropy", batch=2, convention=convention))
        assert trace.step("dL_dW3").inputs == ["dz3_dW3", "dL_dz3"]
        chain, factors = narration.chain(trace, 3), narration.factors(trace, 3)
        assert "two smaller ones" in chain["question"] and "dLoss/dW3 = dLoss/dz3 · dz3/dW3" in chain["factors"]
        assert list(factors) == ["collapse", "dL_dz3", "dz3_dW3", "misprint"]
        assert "Jacobian" in factors["collapse"] and "h3 minus y" in factors["collapse"]
        assert ("divided by the batch size, 2" in factors["dL_dz3"]) == divided
        assert ("/2" in trace.step("dL_dz3").text) == divided  # the words follow the trace's formula
        assert ("not divided by the batch size" in factors["collapse"]) == (not divided)
        assert "minus the mean over the 2 rows of y log h3" in narration.loss(trace)["formula"]
        assert "dLoss/dz3" in narration.update(trace, 3)["gradient"]
        assert "reused dLoss/dz3" in narration.factors(trace, 2)["dL_dh2"]


def test_leaky_relu_says_its_slope():
    trace = compute_trace(Config(hidden=[3], activation="leaky_relu"))
    assert "by 0.01" in narration.activation(trace, 1)["formula"]
    assert narration.factors(trace, 1)["dh1_dz1"].endswith("1 where h1 is positive, 0.01 elsewhere.")
    assert "slope of the output's leaky ReLU" in narration.factors(trace, 2)["dh2_dz2"]


@pytest.mark.parametrize("L, spelled", [(3, True), (4, True), (6, False)])
def test_matrices_line_of_a_deep_network(L, spelled):
    words = narration.pipeline(compute_trace(Config(hidden=[2] * (L - 1))))["matrices"]
    assert (", ".join(f"times W{k} gives h{k}" for k in range(2, L)) in words) == spelled
    assert f"W{L}" in words and "gives the output" in words


def test_data_sets_say_what_they_are():
    for data, words in (("circle", "ring"), ("gauss", "Gaussian clouds"), ("spiral", "spirals")):
        lines = narration.data(compute_trace(Config(data=data, points=120)))
        assert list(lines) == ["data", "circled"] and words in lines["data"] and "120 " in lines["data"]
        assert "XOR" not in lines["data"]


def test_traces_from_the_command_line_and_from_schema_1(mlp, tmp_path):
    """A trace as `python -m mlp_core trace --json` writes it, and one written before deep networks (schema 1),
    give the same words as the trace computed here."""
    assert mlp("trace", "--hidden", "4,3", "--activation", "relu", "--loss", "cross-entropy", "--json",
               "-o", "t1.json").returncode == 0
    loaded = load_trace(tmp_path / "t1.json")
    assert outline.script(loaded) == outline.script(compute_trace(Config(hidden=[4, 3], activation="relu",
                                                                         loss="cross-entropy")))
    old = load_trace(ROOT / "tests" / "fixtures" / "v1" / "trace_tanh_bias_batch.json")
    assert outline.script(old) == outline.script(compute_trace(old.config))


# MLP_VOICE --------------------------------------------------------------------------------------------------------

def stand_in_model(folder, config=True):
    """A file that looks like a Piper voice: ONNX's first byte (field 1, a varint) and a voice configuration."""
    model = folder / "voice.onnx"
    model.write_bytes(b"\x08\x07" + bytes(range(64)))
    if config:
        Path(f"{model}.json").write_text(json.dumps({"audio": {"sample_rate": 16000}, "espeak": {"voice": "en-us"}}))
    return model


def program(folder, name, script):
    """An executable shell script `name` in `folder`."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def one_error_line(result):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: MLP_VOICE"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


@pytest.mark.parametrize("value, expected", [
    ("klingon", "unknown voice 'klingon'; allowed: none, festival, espeak-ng, piper:MODEL.onnx"),
    ("espeak-ng", "apt-get install espeak-ng"),  # PATH without it
    ("piper:{folder}/missing.onnx", "no such file"),
])
def test_bad_voice_is_one_line_before_anything_renders(tmp_path, manim, value, expected):
    tools = tmp_path / "bin"  # LaTeX's tools (checked first), and no speech engine
    tools.mkdir()
    for tool in ("latex", "dvisvgm"):
        (tools / tool).symlink_to(shutil.which(tool))
    result = manim(["-ql", "--media_dir", tmp_path / "media", "scenes/backprop.py"],
                   MLP_VOICE=value.format(folder=tmp_path), PATH=tools)
    assert expected in one_error_line(result)
    assert not (tmp_path / "media").exists() or not list((tmp_path / "media").rglob("*.mp4"))


@pytest.mark.parametrize("case, expected", [
    ("festival missing", "install the Debian packages festival festvox-us-slt-hts"),
    ("festival without the SLT voice", "install the Debian package festvox-us-slt-hts"),
    ("piper model is text", "not a Piper voice model"),
    ("piper model without its .onnx.json", "not a Piper voice model: its configuration voice.onnx.json is missing"),
    ("piper model is a folder", "not a Piper voice model"),
    ("piper without a model", "needs a voice model"),
    ("piper not installed", "install the [voice-piper] extra"),
])
def test_bad_voice_names_what_to_install(tmp_path, monkeypatch, capsys, case, expected):
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    value = {"festival missing": "festival", "festival without the SLT voice": "festival",
             "piper without a model": "piper:"}.get(case)
    if case == "festival without the SLT voice":
        program(folder, "festival", "echo '\"2.5.0:release December 2017\"'\necho '(kal_diphone)'\n")
    elif case == "piper model is text":
        (tmp_path / "voice.onnx").write_text("not a model\n")
        value = f"piper:{tmp_path / 'voice.onnx'}"
    elif case == "piper model without its .onnx.json":
        value = f"piper:{stand_in_model(tmp_path, config=False)}"
    elif case == "piper model is a folder":
        value = f"piper:{tmp_path}"
    elif case == "piper not installed":
        if importlib.util.find_spec("piper"):
            pytest.skip("piper is installed here")
        value = f"piper:{stand_in_model(tmp_path)}"
    with pytest.raises(SystemExit) as exit:
        voice.from_environment({"MLP_VOICE": value})
    assert exit.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: MLP_VOICE") and expected in lines[0], lines


def test_no_voice_is_silent_with_a_note(capsys):
    assert voice.from_environment({}) is None
    assert capsys.readouterr().err.strip().splitlines() == [voice.HINT]
    assert voice.from_environment({"MLP_VOICE": "none"}) is None
    assert capsys.readouterr().err == ""


# Piper, with a stand-in (its real voice models cannot be downloaded here) -----------------------------------------

STAND_IN_PIPER = '''
import json, math, struct
from pathlib import Path
CALLS = Path(__file__).with_name("calls.txt")


class PiperVoice:
    """piper-tts's API (PiperVoice.load, synthesize_wav): 0.1 s of silence, 0.05 s of tone per character
    at the model configuration's sample rate, 0.1 s of silence."""

    def __init__(self, rate):
        self.rate = rate

    @classmethod
    def load(cls, model_path, config_path=None):
        return cls(json.loads(Path(f"{model_path}.json").read_text())["audio"]["sample_rate"])

    def synthesize_wav(self, text, wav_file):
        with CALLS.open("a") as calls:
            calls.write(text + "\\n")
        wav_file.setframerate(self.rate)
        wav_file.setsampwidth(2)
        wav_file.setnchannels(1)
        quiet, tone = int(0.1 * self.rate), int(0.05 * self.rate * len(text))
        samples = [0] * quiet + [int(20000 * math.sin(2 * math.pi * 440 * k / self.rate)) for k in range(tone)]
        wav_file.writeframes(struct.pack(f"<{len(samples) + quiet}h", *samples, *[0] * quiet))
'''


def test_piper_voice_with_a_stand_in(tmp_path, monkeypatch):
    """The piper path: the model is checked, the voice loaded, each line synthesised once into the cache, trimmed
    to its speech (plus 0.04 s each side), resampled to 22,050 per second and normalised; a changed model is
    another voice."""
    package = tmp_path / "site" / "piper"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(STAND_IN_PIPER)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    model = stand_in_model(tmp_path)
    lines = ["one line", "and another, longer line"]

    narrator = voice.Narrator(voice.parse(f"piper:{model}"), tmp_path / "cache")
    narrator.prepare(lines)
    for words in lines:
        path, seconds = narrator.speech(words)
        assert path.parent == tmp_path / "cache" / "piper"
        assert seconds == pytest.approx(0.05 * len(words) + 2 * 0.04, abs=1e-3)
        with wave.open(str(path)) as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (22050, 1, 2)
            peak = np.abs(np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")).max()
        assert peak == pytest.approx(0.8 * 32767, rel=0.01)
    calls = package / "calls.txt"
    assert calls.read_text().splitlines() == lines

    again = voice.Narrator(voice.parse(f"piper:{model}"), tmp_path / "cache")
    again.prepare(lines)
    assert calls.read_text().splitlines() == lines, "the cache was not used"
    model.write_bytes(model.read_bytes() + b"\x00")  # another model: the same words are spoken again
    voice.Narrator(voice.parse(f"piper:{model}"), tmp_path / "cache").prepare(lines[:1])
    assert calls.read_text().splitlines() == lines + lines[:1]


# A narrated render ------------------------------------------------------------------------------------------------

SILENCE = 0.003  # RMS of a 50 ms window below this is silence (-50 dBFS); speech windows reach 0.05 to 0.2
NARRATED = ("01_overview", "11_path_w2")  # the article's figures rendered; 11 starts silent


RENDER = """
import sys
from manim import tempconfig
from mlp_core.trace import compute_trace
from scenes import outline
from scenes.backprop import Backprop
from scenes.voice import parse
media, tex, output, *names = sys.argv[1:]
settings = {"quality": "low_quality", "media_dir": media, "tex_dir": tex, "verbosity": "WARNING",
            "progress_bar": "none", "output_file": output, "save_sections": True}
trace = compute_trace()
with tempconfig(settings):
    Backprop(trace=trace, figures=[figure for figure in outline.figures(trace) if figure.name in names],
             voice=parse("espeak-ng")).render()
"""


def article_script(names):
    """{section name: {line name: words}} of the article's figures `names`."""
    trace = compute_trace(Config())
    return outline.script(trace, [figure for figure in outline.figures(trace) if figure.name in names])


def render(media, names, output="Narrated"):
    """A narrated -ql render of the article's figures `names` with espeak-ng into `media`, one clip per figure too, in
    a process of its own as a user's render is (manim's cache of partial movies recognises a play again only in
    another process); the MP4's path."""
    result = subprocess.run([sys.executable, "-c", RENDER, media, ROOT / "renders" / "Tex", output,
                             *names], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return next(Path(media).rglob(f"{output}.mp4"))


def audio_and_video(mp4):
    """(mono samples, sample rate, seconds of audio, seconds of video) decoded from the MP4."""
    with av.open(str(mp4)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        video_seconds = float(video.duration * video.time_base)
        audio_seconds = float(audio.duration * audio.time_base)
        rate = audio.rate
        frames = [frame.to_ndarray() for frame in container.decode(audio)]
    samples = np.concatenate([frame.reshape(frame.shape[0], -1).mean(axis=0) if frame.ndim == 2 else frame
                              for frame in frames])
    return samples, rate, audio_seconds, video_seconds


@pytest.fixture(scope="module")
def narrated(tmp_path_factory):
    if not ESPEAK:
        pytest.skip("espeak-ng is not installed (scripts/setup.sh installs it)")
    media = tmp_path_factory.mktemp("narrated")
    return media, render(media, NARRATED)


def assert_speech_in_subtitles_only(mp4, names):
    """The MP4's sound is no longer than its picture; in each subtitle's interval there is speech from its start
    and a silent pause before its end (so the next line never starts early); outside every interval, silence.
    Returns the subtitles."""
    from scenes.backprop import PAUSE  # here, not above: the words' tests need no scene

    samples, rate, audio_seconds, video_seconds = audio_and_video(mp4)
    assert audio_seconds <= video_seconds + 1e-3 and len(samples) / rate <= video_seconds + 0.05

    window = int(0.05 * rate)
    samples = np.pad(samples, (0, int(video_seconds * rate) - len(samples)))  # after the track's end: silence
    rms = np.sqrt(np.square(samples[:len(samples) // window * window].reshape(-1, window)).mean(axis=1))
    starts = np.arange(len(rms)) * 0.05
    subtitles = list(srt.parse(mp4.with_suffix(".srt").read_text()))
    lines = [words for lines in article_script(names).values() for words in lines.values()]
    assert [subtitle.content for subtitle in subtitles] == lines
    covered = np.zeros(len(rms), bool)
    for subtitle in subtitles:
        begin, end = subtitle.start.total_seconds(), subtitle.end.total_seconds()
        inside = (starts >= begin) & (starts + 0.05 <= end)
        covered |= (starts + 0.05 > begin - 0.1) & (starts < end + 0.1)
        voiced = rms[inside] > SILENCE
        assert voiced.mean() > 0.5, (subtitle.content, voiced.mean())  # speech fills most of the interval
        assert voiced[:10].any(), subtitle.content  # it starts within half a second of the subtitle
        # and has ended before the subtitle does: the pause after it is silent, so the next line starts after it
        assert not voiced[-int((PAUSE - 0.1) / 0.05):].any(), subtitle.content
    assert (~covered).sum() > 10 or len(names) == 1, "no time outside the subtitles to check"
    assert rms[~covered].max(initial=0) < SILENCE, "sound outside every subtitle"
    return subtitles


def test_narrated_render_speaks_each_subtitle_and_is_silent_between(narrated):
    media, mp4 = narrated
    assert_speech_in_subtitles_only(mp4, NARRATED)
    assert not list(mp4.parent.glob("*.wav")), "a sound file left beside the video"


def test_narrated_render_clips_speak_their_parts(narrated):
    """--save_sections: each figure's clip has its part of the sound track, speech, no longer than its picture."""
    media, mp4 = narrated
    index = json.loads((mp4.parent / "sections" / f"{mp4.stem}.json").read_text())
    assert [section["name"] for section in index] == list(NARRATED)
    for section in index:
        samples, rate, audio_seconds, video_seconds = audio_and_video(mp4.parent / "sections" / section["video"])
        assert audio_seconds <= video_seconds, section["name"]
        assert np.sqrt(np.mean(np.square(samples[:rate]))) < SILENCE or section["name"] == "01_overview"
        assert np.mean(np.abs(samples) > 0.05) > 0.05, section["name"]


def test_narrated_render_again_synthesises_nothing(narrated, tmp_path, monkeypatch):
    """A render of words already spoken runs no synthesis: espeak-ng (behind a logging wrapper) is asked for its
    version only, and the cache's files stay as they were. Its plays come from manim's cache of partial movies:
    the speech is still all there, at the same times as in the first render."""
    media, first = narrated
    cache = media / "voice_cache"
    before = {path: path.stat().st_mtime_ns for path in cache.rglob("*.wav")}
    assert len(before) == sum(len(lines) for lines in article_script(NARRATED).values())
    log = tmp_path / "calls.txt"
    program(tmp_path, "espeak-ng", f'echo "$*" >> {log}\nexec {ESPEAK} "$@"\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    again = render(media, NARRATED[:1], output="Again")
    assert log.read_text().splitlines() == ["--version"]
    assert {path: path.stat().st_mtime_ns for path in cache.rglob("*.wav")} == before
    subtitles = assert_speech_in_subtitles_only(again, NARRATED[:1])
    earlier = list(srt.parse(first.with_suffix(".srt").read_text()))[:len(subtitles)]
    assert [(s.start, s.end) for s in subtitles] == [(s.start, s.end) for s in earlier]
