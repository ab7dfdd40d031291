"""`python -m mlp_core trace | check | errata`, as a user runs them, and its answers to bad input."""
import json

import pytest


def test_trace_prints_the_articles_iteration(cli):
    out = cli("trace").stdout
    assert "z1 = X W1 = [-1.40982136 0.91005018 -0.04529517]" in out
    assert "h2 = sigmoid(z2) = [0.37166596 0.45414264]" in out
    assert "dh2_dz2 = h2(1 - h2) = [0.23353037 0.2478971]" in out
    assert "loss = " in out and "0.3005246\n" in out
    assert "[[-0.67747178 0.37768878 -0.073689]" in out  # W1_new, first row


def test_trace_precision_and_options(cli):
    assert "z1 = X W1 = [-1.41 0.91 -0.05]" in cli("trace", "--precision", "2").stdout
    out = cli("trace", "--hidden", "4", "--batch", "2", "--bias", "--activation", "tanh").stdout
    assert "h1 = tanh(z1) =" in out and "b1_new = b1 - alpha dL_db1 =" in out


def test_trace_json_to_file_reloads(cli, tmp_path):
    result = cli("trace", "--json", "-o", "t.json", "--reg", "0.01", "--convention", "seed")
    assert result.returncode == 0 and result.stdout == ""
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["schema"] == 2 and data["config"]["reg"] == 0.01
    assert data["values"]["z1"] == [[pytest.approx(-1.40982136, abs=5e-9), pytest.approx(0.91005018, abs=5e-9),
                                     pytest.approx(-0.04529517, abs=5e-9)]]
    step = next(s for s in data["steps"] if s["name"] == "dL_dW2")
    assert step["shape"] == [3, 2] and "W2" in step["inputs"]
    # the file is a config too: re-running it gives the same trace
    again = cli("trace", "--json", "--config", "t.json")
    assert json.loads(again.stdout) == data


def test_config_file_with_explicit_values(cli, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"lr": 0.5, "X": [[0.05, 0.1]], "y": [[0.01, 0.99]],
                                                 "W1": [[0.15, 0.25], [0.2, 0.3]], "W2": [[0.4, 0.5], [0.45, 0.55]],
                                                 "b1": [0.35, 0.35], "b2": [0.6, 0.6]}))
    out = cli("trace", "--config", "c.json").stdout
    assert "h1 = sigmoid(z1) = [0.59326999 0.59688438]" in out


def test_check_matches_at_the_students_precision(cli, tmp_path):
    (tmp_path / "hand.json").write_text('{"z1": [-1.41, 0.91, -0.05], "h1": [0.1963, 0.7130, 0.4887], '
                                        '"loss": 0.3005}')
    result = cli("check", "hand.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("match") == 3 and "MISMATCH" not in result.stdout


def test_check_names_the_first_mismatch_and_its_inputs(cli, tmp_path):
    # a classic slip: dh2/dz2 with the article's sign error
    (tmp_path / "hand.json").write_text('{"h2": [0.3717, 0.4541], "dh2_dz2": [-0.2335, 0.2479]}')
    result = cli("check", "hand.json")
    assert result.returncode == 1
    assert "h2: match" in result.stdout
    assert "dh2_dz2: MISMATCH" in result.stdout and "0.2335" in result.stdout
    assert "first mismatch: dh2_dz2 = h2(1 - h2); it depends on h2 (matches)" in result.stdout


@pytest.mark.parametrize("text, line", [
    # the article's W1 (2x3) transposed
    ('{"W1": [[-0.6775, -0.5366], [0.3777, 0.6092], [-0.0737, 0.2115]]}', "W1: MISMATCH: W1 is 2×3, yours is 3×2"),
    # z1 as a column
    ('{"z1": [[-1.41], [0.91], [-0.05]]}', "z1: MISMATCH: z1 is 1×3 (or a list of 3 numbers), yours is 3×1"),
    ('{"z1": [-1.41, 0.91]}', "z1: MISMATCH: z1 is 1×3 (or a list of 3 numbers), yours is a list of 2 numbers"),
    ('{"W2": [[-0.41, -0.31], [-0.32], [-0.45, 0.15]]}',
     "W2: MISMATCH: W2 is 3×2, yours is a ragged list (rows of 2, 1 and 2 numbers)"),
    ('{"W2": [[-0.41, -0.31], -0.32, [-0.45, 0.15]]}', "W2: MISMATCH: W2 is 3×2, yours is a ragged list"),
    ('{"loss": [0.3005]}', "loss: MISMATCH: loss is a number, yours is a list of 1 number"),
])
def test_check_a_wrongly_shaped_value_is_a_mismatch_that_says_both_shapes(cli, tmp_path, text, line):
    write(tmp_path, "hand.json", text)
    result = cli("check", "hand.json")
    assert result.returncode == 1 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(line), result.stdout
    assert lines[-1].startswith(f"first mismatch: {line.split(':')[0]}")


def test_check_one_row_may_be_written_flat_and_a_flat_bias_as_one_row(cli, tmp_path):
    write(tmp_path, "hand.json", '{"z1": [[-1.41, 0.91, -0.05]], "h1": [0.1963, 0.7130, 0.4887], '
                                 '"b1": [[0, 0, 0]], "b2": [0, 0]}')
    result = cli("check", "hand.json", "--bias")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["b1: match (0 decimals): [0 0 0]",  # in the trace's order
                                          "b2: match (0 decimals): [0 0]",
                                          "z1: match (2 decimals): [-1.41 0.91 -0.05]",
                                          "h1: match (4 decimals): [0.1963 0.7130 0.4887]"]
    write(tmp_path, "hand.json", '{"b1": [[0], [0], [0]]}')
    result = cli("check", "hand.json", "--bias")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "b1: MISMATCH: b1 is a list of 3 numbers, yours is 3×1"


def test_check_prints_matrices_as_matrices_with_each_entrys_precision(cli, tmp_path):
    # W1 = [[-0.67746455 0.37769425 -0.07365253] [-0.53663519 0.60920496 0.21149622]], written at 2 to 4 decimals
    write(tmp_path, "hand.json", '{"W1": [[-0.68, 0.3777, -0.07], [-0.537, 0.61, 0.2115]]}')
    result = cli("check", "hand.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["W1: match (2–4 decimals, each entry at its own):",
                                          "  [[-0.68  0.3777 -0.07  ]",
                                          "   [-0.537 0.61    0.2115]]"]


def test_check_shows_a_mismatched_matrix_beside_the_traces_at_the_same_decimals(cli, tmp_path):
    # dL_dW2 = [[-0.02879856 0.02209533] [-0.10462365 0.08027117] [-0.07170623 0.0550157]]; 0.0550 slipped to 0.0505
    write(tmp_path, "hand.json", '{"dL_dW2": [[-0.0288, 0.0221], [-0.1046, 0.0803], [-0.0717, 0.0505]], '
                                 '"h1": [0.2, 0.7140, 0.49]}')
    result = cli("check", "hand.json")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        # h1 = [0.19626223 0.71301043 0.48867814]: 0.7140 is off by 0.001, ten units of its last decimal
        "h1: MISMATCH (1–4 decimals, each entry at its own): wrong at entry 2",
        "  yours:     [0.2 0.7140 0.49]",
        "  the trace: [0.2 0.7130 0.49]",
        "dL_dW2: MISMATCH (4 decimals): wrong at row 3 column 2",
        "  yours:     [[-0.0288 0.0221]",
        "              [-0.1046 0.0803]",
        "              [-0.0717 0.0505]]",
        "  the trace: [[-0.0288 0.0221]",
        "              [-0.1046 0.0803]",
        "              [-0.0717 0.0550]]",
        "first mismatch: h1 = sigmoid(z1); it depends on z1 (not in your file)",
    ]


def test_errata_lists_the_articles_misprints(cli):
    out = cli("errata").stdout
    misprints = [line for line in out.splitlines() if "MISPRINT" in line]
    assert len(misprints) >= 3
    assert any(l.split()[:2] == ["12", "dh2_dz2"] and "correct: [0.23353037 0.2478971]" in l for l in misprints)
    assert any(l.split()[:2] == ["13", "dh2_dz2"] for l in misprints)
    assert any(l.split()[:2] == ["16", "dL_dz2"] and "[-0.14673508 0.11258065]" in l for l in misprints)
    assert any(l.split()[:2] == ["12", "h2"] and "0.454142644" in l for l in misprints)
    assert not any(l.split()[1] in ("z1", "dL_dW1", "W1_new") for l in misprints)


def write(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    return name


@pytest.mark.parametrize("args, says", [
    (["trace", "--hidden", "0"], "hidden size (--hidden) must be an integer >= 1, got 0"),
    (["trace", "--hidden", "-3"], "must be an integer >= 1"),
    (["trace", "--sample", "300"], "sample + batch must be <= 300"),
    (["trace", "--sample", "299", "--batch", "2"], "out of range"),
    (["trace", "--lr", "nan"], "learning rate (--lr) must be a finite number >= 0"),
    (["trace", "--lr", "-0.1"], "learning rate (--lr) must be a finite number >= 0"),
    (["trace", "--lr", "inf"], "finite number"),
    (["trace", "--activation", "softplus"], "invalid choice: 'softplus'"),
    (["trace", "--precision", "40"], "--precision must be between 0 and 17"),
    (["trace", "--config", "missing.json"], "missing.json: cannot read"),
])
def test_bad_settings_are_one_line_exit_2(cli, args, says):
    result = cli(*args, "-o", "out.txt") if args[0] == "trace" else cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("filename, text, says", [
    ("bad.json", "{not json", "not valid JSON"),
    ("shape.json", '{"W1": [[1, 2], [3, 4], [5, 6]]}', "W1 has shape [3, 2] but must be [2, 2]"),
    ("ragged.json", '{"X": [[1, 2], [3]]}', "X must be a number or a rectangular list"),
    ("key.json", '{"hiden": 3}', "unknown key 'hiden'"),
    ("schema.json", '{"schema": 99, "config": {}, "values": {}, "steps": []}', "schema 99 is not supported"),
])
def test_bad_config_files(cli, tmp_path, filename, text, says):
    write(tmp_path, filename, text)
    result = cli("trace", "--config", filename, "-o", "out.txt")
    assert result.returncode == 2 and says in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize("text, says", [
    ('{"z3": [1, 2]}', "unknown name 'z3'"),
    ('{"W1": [[1, "a"], [2, 3]]}', "W1 must be a number or a list of numbers"),
    ('{"z1": "abc"}', "z1 must be a number or a list of numbers"),
    ("[1, 2]", "expected a JSON object"),
])
def test_bad_hand_files(cli, tmp_path, text, says):
    write(tmp_path, "hand.json", text)
    result = cli("check", "hand.json")
    assert result.returncode == 2 and says in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_errata_precision_changes_what_is_shown_not_what_is_misprinted(cli):
    """The article prints 8 decimals: the misprints are the same four at any --precision; only the shown values
    change (at 3 decimals the correct dh2/dz2 is [0.234 0.248])."""
    out = cli("errata", "--precision", "3").stdout
    assert out.strip().splitlines()[-1] == "22 printed values checked, 4 misprinted"
    assert "correct: [0.234 0.248]" in out
