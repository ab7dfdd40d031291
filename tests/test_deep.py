"""Networks of any depth (issue 10): the exact gradients against finite differences of the stated loss, the seed
convention's definition, the four data sets, the weights, the trace's names and structure, schema 1 files written by
the previous version, bad input, and training a deep network.

The stated loss and every reference value are written here from their definitions with plain NumPy, not by calling
mlp_core.network.
"""
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from mlp_core import notation
from mlp_core.config import Config, ConfigError
from mlp_core.data import DATA_SETS, load_data
from mlp_core.run_io import load_run
from mlp_core.trace import compute_trace
from mlp_core.trace_json import dumps, load_trace
from mlp_core.train import TrainOptions, train

FIXTURES = Path(__file__).parent / "fixtures" / "v1"  # written by the version before deep networks (schema 1)
TRACE_FIXTURES = ["trace_article.json", "trace_tanh_bias_batch.json", "trace_mazur_l1.json"]
RUN_FIXTURES = ["run_fig21_remedies.json", "run_fig20_tanh_exact.npz", "run_diverged.json"]
ARTICLE_W1 = [[-0.67746455, 0.37769425, -0.07365253], [-0.53663519, 0.60920496, 0.21149622]]

# ---------------------------------------------------------------------------------------------------------------
# The stated loss, from its definition


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACT = {"sigmoid": _sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0),
       "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z), "linear": lambda z: z}
KINKED = ("relu", "leaky_relu")


@dataclass
class Net:
    """A random network with its batch, as plain arrays, and the Config that gives it to compute_trace."""
    X: np.ndarray
    y: np.ndarray
    Ws: list
    bs: list  # None without biases
    hidden: str  # hidden layers' activation
    out: str  # output activation (softmax with cross-entropy)
    loss: str
    penalty: str
    lam: float
    lr: float
    config: Config = None

    def activation(self, k):
        """The activation of layer k = 1 .. L."""
        return self.out if k == len(self.Ws) else self.hidden


def pre_activations(net):
    """z1 .. zL, with zk = h{k-1} Wk (+ bk), h0 = X, hk = act(zk)."""
    h, zs = net.X, []
    for k, W in enumerate(net.Ws, start=1):
        z = h @ W + (net.bs[k - 1] if net.bs is not None else 0.0)
        zs.append(z)
        if k < len(net.Ws):
            h = ACT[net.hidden](z)
    return zs


def stated_loss(net):
    """mse: 1/(2N) sum (y - hL)^2; cross-entropy: -1/N sum y log softmax(zL); plus lambda/(2N) sum over all
    weight matrices of W^2 (l2) or |W| (l1). Biases are not penalized."""
    N = len(net.X)
    z = pre_activations(net)[-1]
    if net.loss == "mse":
        data = np.sum((net.y - ACT[net.out](z)) ** 2) / (2 * N)
    else:
        shifted = z - z.max(axis=1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        data = -np.sum(net.y * log_softmax) / N
    size = sum(np.abs(W).sum() if net.penalty == "l1" else np.square(W).sum() for W in net.Ws)
    return data + net.lam * size / (2 * N)


def central_differences(f, P, eps=1e-6):
    """df/dP entry by entry, (f(P + eps) - f(P - eps)) / (2 eps); P is changed in place and restored."""
    gradient = np.empty_like(P)
    for index in np.ndindex(P.shape):
        keep = P[index]
        P[index] = keep + eps
        up = f()
        P[index] = keep - eps
        down = f()
        P[index] = keep
        gradient[index] = (up - down) / (2 * eps)
    return gradient


@st.composite
def networks(draw, inputs=None):
    """Depth 1-4 weight layers, widths 1-6 (inputs and outputs too, unless `inputs` fixes the inputs), every
    activation, both losses, biases on or off, L1 or L2 with lambda in {0, 1e-3, 0.5}, a batch of 1-8 rows. Weights
    are at least 0.12 away from 0 (the L1 penalty's kink)."""
    depth = draw(st.integers(1, 4), label="weight layers")
    sizes = draw(st.lists(st.integers(1, 6), min_size=depth + 1, max_size=depth + 1), label="sizes")
    if inputs:
        sizes[0] = inputs
    loss = draw(st.sampled_from(["mse", "cross-entropy"]), label="loss")
    hidden = draw(st.sampled_from(list(ACT)), label="activation")
    out = draw(st.sampled_from(list(ACT)), label="output activation") if loss == "mse" else "softmax"
    bias = draw(st.booleans(), label="bias")
    penalty = draw(st.sampled_from(["l2", "l1"]), label="penalty")
    lam = draw(st.sampled_from([0.0, 1e-3, 0.5]), label="lambda")
    lr = draw(st.sampled_from([0.001, 0.1, 1.0]), label="lr")
    N = draw(st.integers(1, 8), label="batch")
    rng = np.random.RandomState(draw(st.integers(0, 2**32 - 1), label="numbers"))
    X = rng.normal(size=(N, sizes[0]))
    Ws = [rng.choice([-1.0, 1.0], size=(a, b)) * rng.uniform(0.3, 1.5, size=(a, b)) / np.sqrt(a)
          for a, b in zip(sizes, sizes[1:])]
    bs = [rng.uniform(-0.5, 0.5, size=b) for b in sizes[1:]] if bias else None
    y = rng.dirichlet(np.ones(sizes[-1]), size=N) if loss == "cross-entropy" else rng.uniform(-1, 1, (N, sizes[-1]))
    net = Net(X, y, Ws, bs, hidden, out, loss, penalty, lam, lr)
    values = {"X": X.tolist(), "y": y.tolist(), **{f"W{k}": W.tolist() for k, W in enumerate(Ws, start=1)},
              **({f"b{k}": b.tolist() for k, b in enumerate(bs, start=1)} if bias else {})}
    output = out if loss == "mse" else draw(st.sampled_from([None, "softmax"]), label="--output-activation")
    net.config = Config(hidden=sizes[1:-1], activation=hidden, output_activation=output, loss=loss, bias=bias,
                        penalty=penalty, reg=lam, lr=lr, convention="exact", values=values)
    return net


def away_from_kinks(net, margin=1e-3):
    """No ReLU or leaky ReLU pre-activation within `margin` of 0, where the loss has no derivative."""
    return all(np.all(np.abs(z) >= margin) for k, z in enumerate(pre_activations(net), start=1)
               if net.activation(k) in KINKED)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=networks())
def test_exact_gradients_are_central_differences_of_the_stated_loss(net):
    assume(away_from_kinks(net))
    trace = compute_trace(net.config)
    values, L = trace.values, len(net.Ws)
    assert values["loss"] == pytest.approx(stated_loss(net), rel=1e-12, abs=1e-15)
    parameters = [(f"W{k}", W) for k, W in enumerate(net.Ws, start=1)]
    if net.bs is not None:
        parameters += [(f"b{k}", b) for k, b in enumerate(net.bs, start=1)]
    else:
        assert not any(name.startswith(("b", "dL_db")) for name in values)
    for name, P in parameters:
        numeric = central_differences(lambda: stated_loss(net), P)
        exact = values[f"dL_d{name}"]
        assert exact.shape == P.shape
        np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-7, err_msg=f"dL_d{name}")
        # the update: W* = W - alpha dLoss/dW
        assert np.array_equal(values[f"{name}_new"], P - net.lr * exact), f"{name}_new"
    assert sum(1 for name in values if re.fullmatch(r"W\d+_new", name)) == L


@settings(max_examples=60, deadline=None)
@given(net=networks())
def test_seed_convention_is_n_times_the_data_gradient_plus_the_codes_penalty(net):
    """seed: dL_dWk = N (the exact data gradient) + lambda sum Wk^2 (l1: sum |Wk|) on every entry; biases
    N (exact dL_dbk). The loss is the stated one in both conventions."""
    exact = compute_trace(net.config)
    data = compute_trace(replace(net.config, reg=0.0)).values  # the exact data gradient
    seed = compute_trace(replace(net.config, convention="seed")).values
    N = len(net.X)
    assert seed["loss"] == exact.values["loss"]
    for k, W in enumerate(net.Ws, start=1):
        size = np.abs(W).sum() if net.penalty == "l1" else np.square(W).sum()
        np.testing.assert_allclose(seed[f"dL_dW{k}"], N * data[f"dL_dW{k}"] + net.lam * size, rtol=1e-10,
                                   atol=1e-13, err_msg=f"dL_dW{k}")
        assert np.array_equal(seed[f"W{k}_new"], W - net.lr * seed[f"dL_dW{k}"])
        if net.bs is not None:
            np.testing.assert_allclose(seed[f"dL_db{k}"], N * data[f"dL_db{k}"], rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------------------------------------------------------
# Data sets


@pytest.mark.parametrize("name", DATA_SETS)
@pytest.mark.parametrize("points", [300, 41, 2])
def test_data_sets_shape_one_hot_labels_and_class_balance(name, points):
    X, y = load_data(name, points, 0)
    assert X.shape == (points, 2) and y.shape == (points, 2)
    assert np.all(np.isfinite(X))
    assert set(map(tuple, y.tolist())) <= {(1.0, 0.0), (0.0, 1.0)}  # one-hot, two classes
    if name != "xor":  # class 1 has points // 2 rows (150 of 300), class 0 the rest
        assert int(y[:, 1].sum()) == points // 2 and int(y[:, 0].sum()) == points - points // 2
    if points == 300:
        assert 0 < y[:50, 1].sum() < 50  # rows shuffled: the first rows hold both classes


def test_xor_is_the_articles_data_bit_for_bit():
    X, y = load_data("xor", 300, 0)
    article = np.random.RandomState(0).randn(300, 2)
    assert np.array_equal(X, article)
    xor = (article[:, 0] > 0) != (article[:, 1] > 0)
    assert np.array_equal(y[:, 1], xor.astype(float)) and np.array_equal(y[:, 0], 1.0 - xor)
    X50, _ = load_data("xor", 50, 0)
    assert np.array_equal(X50, article[:50])  # --points: the same stream, fewer rows


def by_class(name, seed=0):
    X, y = load_data(name, 300, seed)
    return X[y[:, 1] == 1], X[y[:, 0] == 1]  # class 1, class 0


def test_circle_is_a_disc_inside_a_ring():
    ones, zeros = by_class("circle")
    assert len(ones) == len(zeros) == 150
    r1, r0 = np.hypot(*ones.T), np.hypot(*zeros.T)
    assert r1.max() <= 1.25 and r0.min() >= 1.75 and r0.max() <= 2.5  # 0 .. 2.5 and 3.5 .. 5, halved
    assert r1.max() > 1.0 and r0.min() < 2.0 and r0.max() > 2.25  # spread over the whole disc and ring
    assert not np.array_equal(load_data("circle", 300, 1)[0], load_data("circle", 300, 0)[0])


def test_gauss_is_two_clouds_around_plus_and_minus_one():
    ones, zeros = by_class("gauss")
    assert len(ones) == len(zeros) == 150
    assert np.allclose(ones.mean(axis=0), [1, 1], atol=0.15) and np.allclose(zeros.mean(axis=0), [-1, -1], atol=0.15)
    # standard deviation 1 before halving
    assert np.allclose(ones.std(axis=0), 0.5, atol=0.1) and np.allclose(zeros.std(axis=0), 0.5, atol=0.1)


def test_spiral_is_two_arms_a_half_turn_apart():
    """Arm i = 0 .. n - 1: radius 5 i/n, angle 1.75 turns i/n (+ pi for class 0), halved; the angle measured as
    data.py writes the point, (r sin t, r cos t)."""
    ones, zeros = by_class("spiral")
    n = 150
    assert len(ones) == len(zeros) == n
    arms = []
    for points, offset in ((ones, 0.0), (zeros, np.pi)):
        points = points[np.argsort(np.hypot(*points.T))]
        radius = np.hypot(*points.T)
        assert np.allclose(radius, 2.5 * np.arange(n) / n, atol=1e-12)  # evenly spaced along the arm
        angle = np.unwrap(np.arctan2(points[1:, 0], points[1:, 1]))  # the point at radius 0 has no angle
        turns = (angle - angle[0]) / (2 * np.pi)
        assert np.all(np.diff(turns) > 0)
        assert np.allclose(turns, 1.75 * (np.arange(1, n) - 1) / n, atol=1e-9)  # 1.75 turns over the arm
        start = 1.75 * 2 * np.pi / n + offset  # the angle of point i = 1
        assert abs((angle[0] - start + np.pi) % (2 * np.pi) - np.pi) < 1e-9
        arms.append(points)
    assert np.allclose(arms[1], -arms[0], atol=1e-12)  # class 0's arm is class 1's rotated by pi


def test_points_and_data_options_pick_the_rows_of_the_data_set(mlp, refused):
    result = mlp("trace", "--data", "circle", "--points", "40", "--sample", "36", "--batch", "4", "--hidden", "2",
                 "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    X, y = load_data("circle", 40, 0)
    assert np.array_equal(data["values"]["X"], X[36:40]) and np.array_equal(data["values"]["y"], y[36:40])
    assert (data["config"]["data"], data["config"]["points"]) == ("circle", 40)
    refused(mlp("trace", "--data", "circle", "--points", "40", "--sample", "37", "--batch", "4"), "out of range")


# ---------------------------------------------------------------------------------------------------------------
# Weights


def drawn_weights(sizes, seed):
    """W1 .. WL drawn in that order from RandomState(seed): (2 random_sample((fan_in, fan_out)) - 1)/sqrt(fan_in)."""
    rng = np.random.RandomState(seed)
    return [(2 * rng.random_sample((a, b)) - 1) / np.sqrt(a) for a, b in zip(sizes, sizes[1:])]


def test_hidden_3_gives_the_articles_weights():
    values = compute_trace(Config(hidden=[3])).values
    assert np.allclose(values["W1"], ARTICLE_W1, rtol=0, atol=5e-9)
    article = json.loads((FIXTURES / "trace_article.json").read_text())["values"]
    assert np.array_equal(values["W1"], article["W1"]) and np.array_equal(values["W2"], article["W2"])
    assert all(np.array_equal(values[f"W{k}"], W) for k, W in enumerate(drawn_weights([2, 3, 2], 2017), start=1))


@pytest.mark.parametrize("hidden, seed", [([4, 3], 2017), ([4, 3], 5), ([], 2017), ([6, 1, 5], 11)])
def test_weights_are_drawn_layer_after_layer_from_one_random_state(hidden, seed):
    values = compute_trace(Config(hidden=hidden, seed=seed)).values
    expected = drawn_weights([2, *hidden, 2], seed)
    assert sorted(name for name in values if re.fullmatch(r"W\d+", name)) == [f"W{k}" for k in
                                                                                range(1, len(expected) + 1)]
    for k, W in enumerate(expected, start=1):
        assert np.array_equal(values[f"W{k}"], W), f"W{k}"


def test_cli_hidden_4_3_draws_the_same_weights(mlp):
    result = mlp("trace", "--hidden", "4,3", "--seed", "5", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == 2 and data["config"]["hidden"] == [4, 3]
    for k, W in enumerate(drawn_weights([2, 4, 3, 2], 5), start=1):
        assert np.array_equal(data["values"][f"W{k}"], W)
    assert "W4" not in data["values"]


# ---------------------------------------------------------------------------------------------------------------
# The trace's names, their order, and the steps' structure


def expected_names(L, cross_entropy=False, bias=False):
    """The trace's names in order, as issue 10 states them, for L weight layers."""
    names = ["X", "y", *(f"W{k}" for k in range(1, L + 1)), *(f"b{k}" for k in range(1, L + 1) if bias)]
    for k in range(1, L + 1):
        names += [f"z{k}", f"h{k}"]
    names.append("loss")
    for k in range(L, 0, -1):
        top = k == L and cross_entropy
        names += [f"dL_dz{k}"] if top else [f"dL_dh{k}", f"dh{k}_dz{k}"]
        names += [f"dz{k}_dW{k}", f"dL_dW{k}"]
        if k >= 2:
            names += ([] if top else [f"dL_dz{k}"]) + [f"dz{k}_dh{k - 1}"]  # dL_dh{k-1} opens layer k - 1
    if bias:
        names += [f"dL_db{k}" for k in range(L, 0, -1)]
    names += [f"W{k}_new" for k in range(1, L + 1)]
    names += [f"b{k}_new" for k in range(1, L + 1) if bias]
    return names


@pytest.mark.parametrize("hidden", [[4, 3], [], [3], [2, 2, 2]])
@pytest.mark.parametrize("loss", ["mse", "cross-entropy"])
@pytest.mark.parametrize("bias", [False, True])
def test_names_and_their_order(hidden, loss, bias):
    trace = compute_trace(Config(hidden=hidden, loss=loss, bias=bias, activation="relu", batch=2))
    names = [step.name for step in trace.steps]
    assert names == expected_names(len(hidden) + 1, loss == "cross-entropy", bias)
    assert list(trace.values) == names


def test_the_articles_names_are_todays():
    article = json.loads((FIXTURES / "trace_article.json").read_text())
    assert [step["name"] for step in article["steps"]] == expected_names(2)


OPS = [  # (name pattern, operation) for any network; the output's first gradient is checked separately
    (r"X|y|[Wb]\d+", "value"), (r"z\d+", "linear"), (r"h\d+", "activation"), (r"loss", "loss"),
    (r"dh(\d+)_dz\1", "derivative"), (r"dz(\d+)_dW\1", "identity"), (r"dz\d+_dh\d+", "identity"),
    (r"dL_dW\d+", "transpose_product|penalized"), (r"dL_dz\d+", "hadamard|output_gradient"),
    (r"dL_dh\d+", "product_transpose|output_gradient"), (r"dL_db\d+", "sum_rows"), (r"[Wb]\d+_new", "update"),
]


@pytest.mark.parametrize("config", [
    Config(hidden=[4, 3], activation="relu", loss="cross-entropy", bias=True, reg=0.01, batch=3),
    Config(hidden=[4, 3], activation="leaky_relu", output_activation="linear", penalty="l1", reg=0.1,
           convention="seed"),
    Config(hidden=[], activation="tanh"),
], ids=["relu-cross-entropy", "leaky-linear-l1-seed", "none"])
def test_steps_carry_their_structure_and_formulas_are_rendered_from_it(config):
    trace = compute_trace(config)
    L = len(config.hidden) + 1
    seen = set()
    for step in trace.steps:
        op = step.expr["op"]
        pattern = next(ops for names, ops in OPS if re.fullmatch(names, step.name))
        assert re.fullmatch(pattern, op), (step.name, op)
        assert step.inputs == notation.inputs(step.expr) and set(step.inputs) <= seen, step.name
        assert step.formula == notation.formula(step.name, step.expr)
        assert step.text == notation.plain(step.name, step.expr)
        assert step.shape == list(np.shape(trace.values[step.name]))
        seen.add(step.name)
    top = f"dL_dz{L}" if config.loss == "cross-entropy" else f"dL_dh{L}"
    assert trace.step(top).expr["op"] == "output_gradient" and trace.step(top).inputs == ["y", f"h{L}"]
    for k in range(1, L + 1):
        below = "X" if k == 1 else f"h{k - 1}"
        assert trace.step(f"z{k}").inputs == [below, f"W{k}", *([f"b{k}"] if config.bias else [])]
        assert trace.step(f"W{k}_new").text == f"W{k}_new = W{k} - alpha dL_dW{k}"
        if k >= 2:
            assert trace.step(f"dL_dh{k - 1}").inputs == [f"dL_dz{k}", f"dz{k}_dh{k - 1}"]
    # schema 2 JSON carries the structure and the new settings
    data = json.loads(dumps(trace))
    assert data["schema"] == 2 and data["config"]["hidden"] == config.hidden
    assert {"output_activation", "loss", "data"} <= set(data["config"])
    assert all({"name", "expr", "inputs", "shape", "formula", "text"} <= set(s) for s in data["steps"])


def test_deep_formulas_as_written():
    trace = compute_trace(Config(hidden=[4, 3], activation="relu", loss="cross-entropy", batch=3))
    text = {step.name: step.text for step in trace.steps}
    assert text["z2"] == "z2 = h1 W2"
    assert text["h1"] == "h1 = relu(z1)" and text["h3"] == "h3 = softmax(z3)"
    assert text["dL_dz3"] == "dL_dz3 = (h3 - y)/3  (softmax with cross-entropy)"  # 1/N with N = 3
    assert text["dh2_dz2"] == "dh2_dz2 = [h2 > 0]"
    assert text["dL_dW2"] == "dL_dW2 = dz2_dW2^T (dL_dh2 * dh2_dz2)"
    assert text["dL_dh1"] == "dL_dh1 = dL_dz2 dz2_dh1^T"
    assert "softmax with cross-entropy" in trace.step("dL_dz3").formula
    seed = compute_trace(Config(hidden=[4, 3], activation="relu", loss="cross-entropy", batch=3, convention="seed"))
    assert seed.step("dL_dz3").text == "dL_dz3 = h3 - y  (softmax with cross-entropy)"  # no 1/N in the seed's


# ---------------------------------------------------------------------------------------------------------------
# Schema 1 files written by the previous version


@pytest.mark.parametrize("name", TRACE_FIXTURES)
def test_schema_1_traces_load_with_the_same_values_names_and_formulas(name):
    old = json.loads((FIXTURES / name).read_text())
    assert old["schema"] == 1 and isinstance(old["config"]["hidden"], int)
    trace = load_trace(FIXTURES / name)
    assert trace.config.hidden == [old["config"]["hidden"]] or "W1" in old["config"]["values"]
    new = compute_trace(trace.config)
    assert [step["name"] for step in old["steps"]] == [step.name for step in new.steps] == list(trace.values)
    for step in old["steps"]:  # the values the previous version wrote, the trace of the same config today
        assert np.array_equal(trace.values[step["name"]], old["values"][step["name"]])
        assert np.array_equal(new.values[step["name"]], trace.values[step["name"]]), step["name"]
    for before, now in zip(old["steps"], new.steps):  # names, formulas, inputs and shapes exactly today's
        assert {key: before[key] for key in ("name", "formula", "text", "inputs", "shape")} == \
            {key: getattr(now, key) for key in ("name", "formula", "text", "inputs", "shape")}
    assert trace == new


@pytest.mark.parametrize("name", TRACE_FIXTURES)
def test_schema_1_traces_work_as_config_and_as_export_trace(mlp, name):
    old = json.loads((FIXTURES / name).read_text())
    for args in (["trace", "--json", "--config", FIXTURES / name],
                 ["export", "--format", "json", "--trace", FIXTURES / name]):
        result = mlp(*args)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["schema"] == 2
        assert data["values"] == old["values"]  # floats written in full: the same numbers


@pytest.mark.parametrize("name", RUN_FIXTURES)
def test_schema_1_runs_load_and_re_run_bit_for_bit(mlp, tmp_path, same_run, name):
    old = load_run(FIXTURES / name)
    assert isinstance(old.config.hidden, list) and len(old.config.hidden) == 1
    result = mlp("train", "--config", FIXTURES / name, "-o", "again.npz")
    assert result.returncode == 0, result.stderr
    assert "changed" not in result.stdout
    again = load_run(tmp_path / "again.npz")
    same_run(again, old)
    assert np.array_equal(train(old.config, old.options).loss, old.loss, equal_nan=True)
    if name == "run_diverged.json":
        assert old.diverged_at and np.isnan(old.loss[-1]) and old.options.on_divergence == "continue"
    # a run file picks the network for a trace too
    trace = mlp("trace", "--json", "--config", FIXTURES / name)
    assert trace.returncode == 0, trace.stderr
    assert json.loads(trace.stdout)["values"]["W1"] == compute_trace(old.config).values["W1"].tolist()


# ---------------------------------------------------------------------------------------------------------------
# Bad input: one line on stderr, exit 2, no output file


@pytest.mark.parametrize("args, words", [
    (["--hidden", "3,,2"], "--hidden"),
    (["--hidden", "0"], "--hidden"),
    (["--hidden", "3,x"], "--hidden"),
    (["--hidden", "-1"], "--hidden"),
    (["--loss", "cross-entropy", "--output-activation", "sigmoid"], "softmax"),
    (["--output-activation", "softmax"], "mse"),
    (["--data", "moons"], "moons"),
    (["--points", "0"], "--points"),
])
@pytest.mark.parametrize("command", ["trace", "train"])
def test_bad_options_are_refused_in_one_line(mlp, tmp_path, refused, command, args, words):
    output = tmp_path / ("out.json" if command == "train" else "out.txt")
    extra = ["--iterations", "5", "--every", "5"] if command == "train" else []
    refused(mlp(command, *args, *extra, "-o", output.name), words, output=output)


def write_json(path, data):
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("config, words", [
    ({"W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "W2": [[0.1, 0.2]] * 4}, "W2"),  # W2 rows 4 != W1 columns 3
    ({"hidden": [4, 3], "W1": [[0.1] * 4] * 2, "W2": [[0.1] * 3] * 5}, "W2"),
    ({"loss": "cross-entropy", "X": [[0.5, 1.0]], "y": [[0.5, 0.7]]}, "probabilities"),
    ({"loss": "cross-entropy", "X": [[0.5, 1.0]], "y": [[1.5, -0.5]]}, "probabilities"),
])
@pytest.mark.parametrize("command", ["trace", "train"])
def test_bad_config_values_are_refused_in_one_line(mlp, tmp_path, refused, config, words, command):
    write_json(tmp_path / "c.json", config)
    output = tmp_path / ("out.json" if command == "train" else "out.txt")
    extra = ["--iterations", "5", "--every", "5"] if command == "train" else []
    refused(mlp(command, "--config", "c.json", *extra, "-o", output.name), words, output=output)
    with pytest.raises(ConfigError):
        compute_trace(Config.from_dict(config))


def test_a_trace_of_schema_3_is_refused_everywhere(mlp, tmp_path, refused):
    data = json.loads((FIXTURES / "trace_article.json").read_text())
    data["schema"] = 3
    path = write_json(tmp_path / "t3.json", data)
    write_json(tmp_path / "hand.json", {"z1": [-1.41, 0.91, -0.05]})
    for args in (["trace", "--config", "t3.json"], ["export", "--format", "json", "--trace", "t3.json"],
                 ["check", "hand.json", "--config", "t3.json"]):
        refused(mlp(*args, "-o", "out.txt"), "schema 3", output=tmp_path / "out.txt")
    with pytest.raises(ConfigError, match="schema 3"):
        load_trace(path)


def test_a_run_of_schema_3_is_refused_everywhere(mlp, tmp_path, refused):
    data = json.loads((FIXTURES / "run_diverged.json").read_text())
    data["schema"] = 3
    write_json(tmp_path / "r3.json", data)
    with np.load(FIXTURES / "run_fig20_tanh_exact.npz") as npz:
        arrays = dict(npz)
    meta = json.loads(str(arrays["meta"]))
    meta["schema"] = 3
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "r3.npz", **arrays)
    for path in ("r3.json", "r3.npz"):
        for args in (["train", "--config", path, "-o", "out.json"], ["trace", "--config", path, "-o", "out.json"]):
            refused(mlp(*args), "schema 3", output=tmp_path / "out.json")
        with pytest.raises(ConfigError, match="schema 3"):
            load_run(tmp_path / path)


@pytest.mark.parametrize("X, y", [
    ([[0.5], [1.0], [-1.0]], [[1, 0], [0, 1], [1, 0]]),  # one input
    ([[0.5, 1.0, 2.0], [1.0, 2.0, 3.0]], [[1, 0, 0], [0, 1, 0]]),  # three inputs, three classes
])
def test_train_on_explicit_data_of_other_than_two_columns_is_no_traceback(mlp, tmp_path, refused, X, y):
    """The trace takes any number of inputs; train draws the boundary over the plane. It must train (without the
    grid) or refuse in one line, never end in a traceback."""
    write_json(tmp_path / "c.json", {"X": X, "y": y, "hidden": [2]})
    assert mlp("trace", "--config", "c.json").returncode == 0
    result = mlp("train", "--config", "c.json", "--iterations", "5", "--every", "5", "--grid", "2", "-o", "r.json")
    if result.returncode == 2:
        refused(result, output=tmp_path / "r.json")
    else:
        assert result.returncode == 0 and len(load_run(tmp_path / "r.json").loss) == 5


# ---------------------------------------------------------------------------------------------------------------
# Training a deep network


def relu_predictions(X, params):
    """The class of each row: argmax of softmax(zL) = argmax zL, with ReLU hidden layers and biases."""
    L = sum(1 for name in params if name[0] == "W")
    h = X
    for k in range(1, L):
        h = np.maximum(h @ params[f"W{k}"] + params[f"b{k}"], 0.0)
    z = h @ params[f"W{L}"] + params[f"b{L}"]
    return np.argmax(z, axis=1)


def test_training_a_deep_relu_network_on_the_spiral(mlp, tmp_path):
    result = mlp("train", "--hidden", "8,8", "--activation", "relu", "--loss", "cross-entropy", "--data", "spiral",
                 "--convention", "exact", "--bias", "--iterations", "3000", "-o", "deep.npz")
    assert result.returncode == 0, result.stderr
    assert "3000 iterations" in result.stdout and "cross-entropy" in result.stdout
    run = load_run(tmp_path / "deep.npz")
    assert sorted(run.params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert run.params["W2"].shape == (8, 8) and run.config.data == "spiral"
    X, y = load_data("spiral", 300, 0)
    assert np.array_equal(run.X, X) and np.array_equal(run.y, y)
    labels = y.argmax(axis=1)
    for snapshot in run.snapshots:
        assert snapshot.accuracy == np.mean(relu_predictions(X, snapshot.params) == labels)
    assert run.accuracy[-1] == np.mean(relu_predictions(X, run.params) == labels)
    # every iteration: the same run with a snapshot of the weights after each update
    every = train(run.config, replace(run.options, every=1, grid=2))
    assert np.array_equal(every.loss, run.loss) and np.array_equal(every.accuracy, run.accuracy)
    expected = [np.mean(relu_predictions(X, s.params) == labels) for s in every.snapshots]
    assert np.array_equal(run.accuracy, expected) and len(set(expected)) > 2
    assert np.all(np.isfinite(run.loss)) and run.loss[-1] < run.loss[0]
    assert np.all(np.diff(run.loss[::100]) < 0)  # decreasing


@settings(max_examples=60, deadline=None)
@given(net=networks(inputs=2), convention=st.sampled_from(["exact", "seed"]))
def test_one_training_iteration_is_the_traces_iteration(net, convention):
    """train and the trace call the same math: the first iteration's loss and updated weights are the trace's
    (2 inputs: training draws the decision boundary over the plane)."""
    config = replace(net.config, convention=convention)
    trace = compute_trace(config).values
    run = train(config, TrainOptions(iterations=1, every=1, grid=2))
    assert run.loss[0] == trace["loss"]
    for name, value in run.snapshots[0].params.items():
        assert np.array_equal(value, trace[f"{name}_new"]), name
