"""The trace of one iteration: the article's printed numbers, finite differences, conventions, JSON."""
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlp_core import Config, ConfigError, compute_trace
from mlp_core.trace_json import dumps, trace_from_dict

# Figures 4-17 of the article, typed from ../shared/article/FIGURES.md; the article's misprints are replaced
# by the correct values listed there in bold (dh2/dz2 positive; the dLoss/dz2 bracket of figure 16).
ARTICLE = {
    "X": [[1.76405235, 0.40015721]],
    "y": [[1, 0]],
    "W1": [[-0.67746455, 0.37769425, -0.07365253], [-0.53663519, 0.60920496, 0.21149622]],
    "W2": [[-0.41491732, -0.30992816], [-0.31583913, -0.27706468], [-0.44701662, 0.15231059]],
    "z1": [[-1.40982136, 0.91005018, -0.04529517]],
    "h1": [[0.19626223, 0.71301043, 0.48867814]],
    "z2": [[-0.52507645, -0.18394635]],
    "h2": [[0.37166596, 0.45414264]],
    "loss": 0.30052460,
    "dL_dh2": [[-0.62833404, 0.45414264]],
    "dh2_dz2": [[0.23353037, 0.2478971]],
    "dz2_dW2": [[0.19626223, 0.71301043, 0.48867814]],
    "dL_dW2": [[-0.02879856, 0.02209533], [-0.10462365, 0.08027117], [-0.07170623, 0.0550157]],
    "W2_new": [[-0.41488852, -0.30995026], [-0.31573451, -0.27714495], [-0.44694491, 0.15225557]],
    "dL_dz2": [[-0.14673508, 0.11258065]],
    "dz2_dh1": [[-0.41491732, -0.30992816], [-0.31583913, -0.27706468], [-0.44701662, 0.15231059]],
    "dL_dh1": [[0.02599101, 0.01515256, 0.08274025]],
    "dh1_dz1": [[0.15774337, 0.20462656, 0.24987182]],
    "dz1_dW1": [[1.76405235, 0.40015721]],
    "dL_dW1": [[0.00723246, 0.00546965, 0.03647082], [0.00164061, 0.00124073, 0.00827303]],
    "W1_new": [[-0.67747178, 0.37768878, -0.073689], [-0.53663683, 0.60920372, 0.21148795]],
}


@pytest.mark.parametrize("convention", ["exact", "seed"])
@pytest.mark.parametrize("name", ARTICLE)
def test_every_printed_number_of_the_article(name, convention):
    trace = compute_trace(Config(convention=convention))
    np.testing.assert_array_equal(np.round(trace.values[name], 8), np.round(ARTICLE[name], 8))


def test_steps_carry_formula_inputs_and_shape():
    trace = compute_trace()
    names = [s.name for s in trace.steps]
    assert names == ["X", "y", "W1", "W2", "z1", "h1", "z2", "h2", "loss", "dL_dh2", "dh2_dz2", "dz2_dW2",
                     "dL_dW2", "dL_dz2", "dz2_dh1", "dL_dh1", "dh1_dz1", "dz1_dW1", "dL_dW1", "W1_new", "W2_new"]
    z1 = trace.step("z1")
    assert (z1.formula, z1.inputs, z1.shape, z1.text) == ("z_1 = X W_1", ["X", "W1"], [1, 3], "z1 = X W1")
    assert trace.step("dh2_dz2").formula.endswith("= h_2(1 - h_2)")
    assert trace.step("W2_new").inputs == ["W2", "dL_dW2"]
    assert trace.step("loss").shape == []
    for step in trace.steps:  # every input is computed before the step that uses it
        assert all(names.index(i) < names.index(step.name) for i in step.inputs)


def test_bias_names_and_hidden_size():
    trace = compute_trace(Config(bias=True, hidden=5))
    assert {"b1", "b2", "dL_db1", "dL_db2", "b1_new", "b2_new"} <= trace.values.keys()
    assert trace.values["W1"].shape == (2, 5) and trace.values["dL_dW2"].shape == (5, 2)
    assert trace.values["b1"].shape == (5,)


def test_batch_rows_are_consecutive_data_rows():
    X_all = np.random.RandomState(0).randn(300, 2)
    trace = compute_trace(Config(sample=4, batch=3))
    np.testing.assert_array_equal(trace.values["X"], X_all[4:7])
    labels = np.logical_xor(X_all[4:7, 0] > 0, X_all[4:7, 1] > 0)
    np.testing.assert_array_equal(trace.values["y"].argmax(axis=1), labels)


# --- the exact convention is the gradient of the stated loss: central finite differences -------------------

def stated_loss(params, X, y, lam, penalty, activation):
    """Loss = 1/(2N) sum (y - h2)^2 + lambda/(2N) sum W^2 (or |W|), written independently of mlp_core."""
    f = (lambda z: 1 / (1 + np.exp(-z))) if activation == "sigmoid" else np.tanh
    h1 = f(X @ params["W1"] + params.get("b1", 0))
    h2 = f(h1 @ params["W2"] + params.get("b2", 0))
    size = np.abs if penalty == "l1" else np.square
    N = len(X)
    return (np.sum((y - h2) ** 2) + lam * (size(params["W1"]).sum() + size(params["W2"]).sum())) / (2 * N)


def finite_difference(params, name, loss, eps=1e-6):
    grad = np.zeros_like(params[name])
    for index in np.ndindex(grad.shape):
        plus = {k: v.copy() for k, v in params.items()}
        minus = {k: v.copy() for k, v in params.items()}
        plus[name][index] += eps
        minus[name][index] -= eps
        grad[index] = (loss(plus) - loss(minus)) / (2 * eps)
    return grad


@settings(max_examples=60, deadline=None)
@given(hidden=st.integers(1, 6), sample=st.integers(0, 250), batch=st.integers(1, 8),
       seed=st.integers(0, 2**31 - 1), reg=st.sampled_from([0.0, 1e-3, 0.5]), penalty=st.sampled_from(["l2", "l1"]),
       activation=st.sampled_from(["sigmoid", "tanh"]), bias=st.booleans())
def test_exact_gradients_match_finite_differences(hidden, sample, batch, seed, reg, penalty, activation, bias):
    config = Config(hidden=hidden, sample=sample, batch=batch, seed=seed, reg=reg, penalty=penalty,
                    activation=activation, bias=bias)
    trace = compute_trace(config)
    v = trace.values
    params = {k: np.array(v[k], dtype=float) for k in ("W1", "W2", "b1", "b2") if k in v}

    def loss(p):
        return stated_loss(p, v["X"], v["y"], reg, penalty, activation)

    assert loss(params) == pytest.approx(v["loss"], rel=1e-12)
    for name in params:
        np.testing.assert_allclose(v["dL_d" + name], finite_difference(params, name, loss), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(v[name + "_new"], params[name] - config.lr * v["dL_d" + name], rtol=1e-12)


def test_seed_convention_is_the_articles_code():
    """The article's code: gradients summed over the batch, plus lambda * sum(W^2) added to every entry."""
    config = dict(batch=5, sample=10, reg=0.01)
    exact = compute_trace(Config(**config)).values
    seed = compute_trace(Config(convention="seed", **config)).values
    N = 5
    for W in ("W1", "W2"):
        data_gradient = exact["dL_d" + W] - 0.01 / N * exact[W]
        np.testing.assert_allclose(seed["dL_d" + W], N * data_gradient + 0.01 * np.square(exact[W]).sum(),
                                   rtol=1e-12)
    assert seed["loss"] == exact["loss"]


def test_the_conventions_differ_with_a_batch_or_lambda():
    for config in (dict(batch=2), dict(reg=0.1)):
        exact = compute_trace(Config(**config)).values["dL_dW1"]
        seed = compute_trace(Config(convention="seed", **config)).values["dL_dW1"]
        assert not np.allclose(exact, seed)


# --- explicit values: another textbook's example ------------------------------------------------------------

def test_explicit_values_decide_shapes():
    """Mazur's worked example style: 2 inputs, 2 hidden, 2 outputs, values typed in."""
    values = {"X": [[0.05, 0.10]], "y": [[0.01, 0.99]], "W1": [[0.15, 0.25], [0.20, 0.30]],
              "W2": [[0.40, 0.50], [0.45, 0.55]], "b1": [0.35, 0.35], "b2": [0.60, 0.60]}
    trace = compute_trace(Config(values=values, lr=0.5))
    v = trace.values
    # Hand calculation (Mazur, "A Step by Step Backpropagation Example"): h1 = [0.59326999, 0.59688438],
    # h2 = [0.75136507, 0.77292847], total error 0.29837110 (his error is 1/2 sum, N = 1: the same).
    np.testing.assert_allclose(v["h1"], [[0.59326999, 0.59688438]], atol=1e-8)
    np.testing.assert_allclose(v["h2"], [[0.75136507, 0.77292847]], atol=1e-8)
    assert v["loss"] == pytest.approx(0.298371109, abs=1e-8)
    # His updated w5 = 0.35891648 (W2[0, 0] here) and w1 = 0.14978072 (W1[0, 0]).
    assert v["W2_new"][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert v["W1_new"][0, 0] == pytest.approx(0.14978072, abs=1e-8)


@pytest.mark.parametrize("values, message", [
    ({"W1": [[1, 2], [3, 4]], "W2": [[1, 2], [3, 4], [5, 6]]}, "W2 has shape [3, 2] but must be [2, 2]"),
    ({"X": [[1, 2, 3]], "y": [[1, 0]], "W1": [[1], [2]]}, "W1 has shape [2, 1] but must be [3, 1]"),
    ({"X": [[1, 2]], "y": [[1, 0], [0, 1]]}, "y has 2 rows but X has 1"),
    ({"X": [[1, "a"]]}, "X must be a number or a rectangular list of numbers"),
    ({"Z": [1]}, "unknown value 'Z'"),
])
def test_bad_explicit_values(values, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compute_trace(Config(values=values))


# --- JSON ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("config", [Config(), Config(hidden=5, batch=4, bias=True, activation="tanh", reg=0.1),
                                    Config(values={"X": [[0.5, -1.0]], "y": [[0, 1]]}, convention="seed")])
def test_json_round_trip(config):
    trace = compute_trace(config)
    data = json.loads(dumps(trace))
    assert set(data) == {"schema", "config", "values", "steps"}
    assert data["values"]["z1"] == trace.values["z1"].tolist()
    assert trace_from_dict(data) == trace
    assert compute_trace(Config.from_dict(data["config"])) == trace  # the config re-runs the trace
