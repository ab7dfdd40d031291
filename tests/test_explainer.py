"""The explainer scene: it builds for several networks, shows the trace's numbers, keeps to the frame,
refuses a bad trace file with one line, and renders whole at low quality with one clip per figure."""
import json
from pathlib import Path

import av
import numpy as np
import pytest
from manim import MathTex, Text

from mlp_core.article import PRINTED
from mlp_core.config import Config
from mlp_core.trace import compute_trace
from mlp_core.trace_json import dumps
from scenes import narration, outline
from scenes.mobjects import MatrixProduct, TraceMatrix
from screen import NETWORKS, explainer, on_screen

ROOT = Path(__file__).resolve().parents[1]
LABELS = ["article", "no_hidden_layer", "deep_relu_cross_entropy", "three_tanh_bias_l2", "wide_batch3"]
HALF_WIDTH, HALF_HEIGHT = 14.22 / 2, 8.0 / 2


class Stills(dict):
    """Figure name -> what is on screen at its end; `said`: figure name -> the subtitles it said, in order."""
    said = None


@pytest.fixture(scope="module", params=LABELS)
def built(request, tmp_path_factory):
    """(label, stills, trace) of every figure built for the network NETWORKS[label] (tests/screen.py)."""
    scene = explainer(request.param, tmp_path_factory.getbasetemp())
    stills = Stills(scene.stills)
    stills.said = scene.said
    return request.param, stills, scene.trace


def family(mobjects):
    for mobject in mobjects:
        yield from mobject.get_family()


def matrices(still):
    return [m for m in family(still) if isinstance(m, TraceMatrix)]


def trace_name(matrix, trace):
    """The trace value a matrix shows (its values are exactly one of the trace's arrays)."""
    names = [name for name, value in trace.values.items()
             if np.shape(np.atleast_2d(value)) == matrix.value.shape and np.array_equal(np.atleast_2d(value), matrix.value)]
    assert names, "a matrix on screen shows numbers that are not in the trace"
    return names[0]


def expected_sections(L, data="xor"):
    """The section names for L weight layers, as the outline promises them (scenes/outline.py), written out."""
    names = ["overview", data, "pipeline", "initialized_network"]
    names += [f"{kind}{k}" for k in range(1, L + 1) for kind in "zh"] + ["loss"]
    names += [f"{kind}_w{k}" for k in range(L, 0, -1) for kind in ("chain", "path", "factors", "update")]
    names += ["copy", "code"]
    return [f"{n:02d}_{name}" for n, name in enumerate(names, start=1)]


ARTICLE_SECTIONS = ["01_overview", "02_xor", "03_pipeline", "04_initialized_network", "05_z1", "06_h1", "07_z2",
                    "08_h2", "09_loss", "10_chain_w2", "11_path_w2", "12_factors_w2", "13_update_w2", "14_chain_w1",
                    "15_path_w1", "16_factors_w1", "17_update_w1", "18_copy", "19_code"]


def test_the_articles_sections_keep_their_names():
    assert expected_sections(2) == ARTICLE_SECTIONS
    assert [figure.name for figure in outline.figures(compute_trace(Config()))] == ARTICLE_SECTIONS


def test_every_figure_is_a_section_and_builds(built):
    label, stills, trace = built
    assert list(stills) == expected_sections(len(trace.config.hidden) + 1)
    assert all(stills[name] for name in stills), "a figure ends on an empty screen"


def test_subtitles_are_the_figures_scripts(built):
    """Every subtitle is a line of its figure's script (scenes/narration.py), and every line is said, but the
    note on a misprint only where the article misprinted (the article's own network)."""
    label, stills, trace = built
    for name, said in stills.said.items():
        script = outline.script(trace)[name]
        assert said and set(said) <= set(script.values()), (name, set(said) - set(script.values()))
        assert set(script.values()) - set(said) <= {narration.MISPRINT}, name
    notes = [name for name, said in stills.said.items() if narration.MISPRINT in said]
    assert notes == (["12_factors_w2", "13_update_w2", "16_factors_w1"] if label == "article" else [])


def test_displayed_numbers_are_the_traces(built):
    """Each matrix entry's MathTex shows its trace value at the matrix's precision (within half a last digit)."""
    label, stills, trace = built
    checked = 0
    for name, still in stills.items():
        for matrix in matrices(still):
            value = np.atleast_2d(trace.values[trace_name(matrix, trace)])
            for i, r in enumerate(matrix.rows):
                for j, c in enumerate(matrix.cols):
                    shown = matrix.cell(i, j).get_tex_string()
                    if r is None or c is None:
                        assert shown.endswith("dots")
                        continue
                    assert shown == matrix.strings[i][j]
                    assert abs(float(shown) - value[r, c]) <= 0.5 * 10.0 ** -matrix.precision + 1e-12, (name, shown)
                    checked += 1
    assert checked > 20


def test_article_numbers_match_the_article(built):
    """For the article's trace, figures 4-8 show exactly what the article printed, and the loss worked by hand."""
    label, stills, trace = built
    if label != "article":
        pytest.skip("the article printed numbers for its own example only")
    expected = {name: printed for figure, _, name, printed, _ in PRINTED if figure <= 8}
    seen = set()
    for still in list(stills.values())[3:9]:
        for matrix in matrices(still):
            name = trace_name(matrix, trace)
            if name in expected:
                printed = np.atleast_2d(expected[name])
                shown = np.array([[float(s) for s in row] for row in matrix.strings])
                assert np.array_equal(shown, printed), name
                seen.add(name)
    assert seen == set(expected)
    h2 = np.array(expected["h2"])
    loss = ((1 - h2[0]) ** 2 + (0 - h2[1]) ** 2) / 2  # y = [1, 0], N = 1, lambda = 0
    shown = [t.get_tex_string() for t in on_screen(stills["09_loss"], (MathTex, Text))]
    assert any(s.replace(" ", "") == rf"\mathrm{{Loss}}={loss:.7f}" for s in shown), shown


def test_first_entry_of_z1_is_written_out():
    """The article's sum for z1[0, 0], with the numbers it prints."""
    trace = compute_trace(Config())
    product = MatrixProduct(*(TraceMatrix(trace.values[n]) for n in ("X", "W1", "z1")))
    assert product.expression_strings(0, 0) == (
        r"1.76405235 \times (-0.67746455) + 0.40015721 \times (-0.53663519) = -1.40982136")


def test_nothing_leaves_the_frame_or_overlaps(built):
    """Every text on screen lies inside the 16:9 frame, and no two texts cover more than 15% of the smaller."""
    label, stills, trace = built
    for name, still in stills.items():
        shown = on_screen(still, (MathTex, Text))
        boxes = np.array([[m.get_left()[0], m.get_bottom()[1], m.get_right()[0], m.get_top()[1]] for m in shown])
        assert np.all(np.abs(boxes[:, [0, 2]]) <= HALF_WIDTH) and np.all(np.abs(boxes[:, [1, 3]]) <= HALF_HEIGHT), name
        width = np.clip(np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(boxes[:, None, 0], boxes[None, :, 0]), 0, None)
        height = np.clip(np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(boxes[:, None, 1], boxes[None, :, 1]), 0, None)
        area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        overlap = width * height > 0.15 * np.minimum(area[:, None], area[None, :])
        np.fill_diagonal(overlap, False)
        pairs = [(describe(shown[i]), describe(shown[j])) for i, j in zip(*np.nonzero(np.triu(overlap)))]
        assert not pairs, (label, name, pairs)


def describe(text):
    return text.get_tex_string() if isinstance(text, MathTex) else text.text


@pytest.mark.parametrize("content", [None, "{not json", json.dumps({"schema": 1})])
def test_bad_trace_file_is_one_line_and_exit_2(tmp_path, content, manim):
    path = tmp_path / "trace.json"
    if content is not None:
        path.write_text(content)
    result = manim(["--dry_run", "--media_dir", tmp_path / "media", "scenes/backprop.py"], MLP_TRACE=path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: MLP_TRACE:") and str(path) in lines[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not list((tmp_path / "media").rglob("*.mp4"))


def test_whole_explainer_renders_with_sections(tmp_path, manim):
    """One -ql render of a two-hidden-layer trace file: the video, one clip per figure with a sane duration, the
    subtitles. Without MLP_VOICE it is silent (no audio stream) and a note on stderr says how to add a voice."""
    path = tmp_path / "trace.json"
    path.write_text(dumps(compute_trace(NETWORKS["deep_relu_cross_entropy"])))
    settings = tmp_path / "manim.cfg"  # the project's TeX cache, so only the rendering is timed by the suite
    settings.write_text(f"[CLI]\nmedia_dir = {tmp_path / 'media'}\ntex_dir = {ROOT / 'renders' / 'Tex'}\n"
                        "background_color = WHITE\n")
    result = manim(["-ql", "--save_sections", "--config_file", settings, "scenes/backprop.py"], MLP_TRACE=path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert any(line.startswith("note: silent video; MLP_VOICE=festival") for line in result.stderr.splitlines())
    videos = tmp_path / "media" / "videos" / "backprop" / "480p15"
    assert (videos / "Backprop.mp4").stat().st_size > 100_000
    with av.open(str(videos / "Backprop.mp4")) as video:
        assert not video.streams.audio
    sections = expected_sections(3)
    assert (videos / "Backprop.srt").read_text().count("-->") >= 2 * len(sections)
    index = json.loads((videos / "sections" / "Backprop.json").read_text())
    assert [section["name"] for section in index] == sections
    for section in index:
        assert (videos / "sections" / section["video"]).exists()
        assert 3 <= float(section["duration"]) <= 60, (section["name"], section["duration"])
