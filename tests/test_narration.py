"""The narrated explainer: the script's words for several networks (numbers read as a teacher reads them,
symbols as words), MLP_VOICE's checks, the voice cache, and a narrated render whose audio is speech inside each
subtitle's interval and silence outside them all.

The numbers expected below are the article's printed ones (README: z1 = [-1.40982136 ...], h1 = [0.19626223
...]; figure 8: h2 = [0.37166596 0.45414264]; loss 0.3005246), rounded and read aloud by hand.
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
from scenes import narration, voice
from scenes.backprop import FIGURES, PAUSE

ROOT = Path(__file__).resolve().parents[1]
ESPEAK = shutil.which("espeak-ng")


def spoken_script(trace):
    """Every line of the script as the voice says it, joined."""
    return "\n".join(narration.spoken(words) for lines in narration.script(trace).values() for words in lines.values())


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
])
def test_symbols_read_as_words(written, said):
    assert narration.spoken(written) == said


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


def test_script_of_a_tanh_network():
    """Nothing says sigmoid; tanh's range and numbers are its own (tanh(-1.40982136) = -0.8875)."""
    trace = compute_trace(Config(activation="tanh"))
    written = "\n".join(words for lines in narration.script(trace).values() for words in lines.values())
    said = spoken_script(trace)
    assert "sigmoid" not in (written + said).lower()
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
    """Once traces have several hidden layers, the words name their sizes (skipped where they cannot yet)."""
    try:
        trace = compute_trace(Config(hidden=[4, 3]))
    except Exception as error:  # a Config of this version without hidden layer lists
        pytest.skip(f"no deep traces here: {error}")
    said = "\n".join(narration.spoken(words) for words in narration.figure(trace, 3).values())
    assert "two inputs, hidden layers of four and three units and two outputs" in said


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
NARRATED = [figure for figure in FIGURES if figure[0] in ("01_overview", "11_path_w2")]  # 11 starts silent


RENDER = """
import sys
from manim import tempconfig
from scenes.backprop import FIGURES, Backprop
from scenes.voice import parse
media, tex, output, *names = sys.argv[1:]
settings = {"quality": "low_quality", "media_dir": media, "tex_dir": tex, "verbosity": "WARNING",
            "progress_bar": "none", "output_file": output, "save_sections": True}
with tempconfig(settings):
    Backprop(figures=[figure for figure in FIGURES if figure[0] in names], voice=parse("espeak-ng")).render()
"""


def render(media, figures, output="Narrated"):
    """A narrated -ql render of the article's `figures` with espeak-ng into `media`, one clip per figure too, in
    a process of its own as a user's render is (manim's cache of partial movies recognises a play again only in
    another process); the MP4's path."""
    result = subprocess.run([sys.executable, "-c", RENDER, media, ROOT / "renders" / "Tex", output,
                             *(name for name, _ in figures)], cwd=ROOT, capture_output=True, text=True, timeout=600)
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


def assert_speech_in_subtitles_only(mp4, figures):
    """The MP4's sound is no longer than its picture; in each subtitle's interval there is speech from its start
    and a silent pause before its end (so the next line never starts early); outside every interval, silence.
    Returns the subtitles."""
    samples, rate, audio_seconds, video_seconds = audio_and_video(mp4)
    assert audio_seconds <= video_seconds + 1e-3 and len(samples) / rate <= video_seconds + 0.05

    window = int(0.05 * rate)
    samples = np.pad(samples, (0, int(video_seconds * rate) - len(samples)))  # after the track's end: silence
    rms = np.sqrt(np.square(samples[:len(samples) // window * window].reshape(-1, window)).mean(axis=1))
    starts = np.arange(len(rms)) * 0.05
    subtitles = list(srt.parse(mp4.with_suffix(".srt").read_text()))
    lines = [words for number in figures for words in narration.figure(compute_trace(Config()), number).values()]
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
    assert (~covered).sum() > 10 or len(figures) == 1, "no time outside the subtitles to check"
    assert rms[~covered].max(initial=0) < SILENCE, "sound outside every subtitle"
    return subtitles


def test_narrated_render_speaks_each_subtitle_and_is_silent_between(narrated):
    media, mp4 = narrated
    assert_speech_in_subtitles_only(mp4, (1, 11))
    assert not list(mp4.parent.glob("*.wav")), "a sound file left beside the video"


def test_each_figures_clip_speaks_its_part(narrated):
    """--save_sections: each figure's clip has its part of the sound track, speech, no longer than its picture."""
    media, mp4 = narrated
    index = json.loads((mp4.parent / "sections" / f"{mp4.stem}.json").read_text())
    assert [section["name"] for section in index] == [name for name, _ in NARRATED]
    for section in index:
        samples, rate, audio_seconds, video_seconds = audio_and_video(mp4.parent / "sections" / section["video"])
        assert audio_seconds <= video_seconds, section["name"]
        assert np.sqrt(np.mean(np.square(samples[:rate]))) < SILENCE or section["name"] == "01_overview"
        assert np.mean(np.abs(samples) > 0.05) > 0.05, section["name"]


def test_second_render_synthesises_nothing(narrated, tmp_path, monkeypatch):
    """A render of words already spoken runs no synthesis: espeak-ng (behind a logging wrapper) is asked for its
    version only, and the cache's files stay as they were. Its plays come from manim's cache of partial movies:
    the speech is still all there, at the same times as in the first render."""
    media, first = narrated
    cache = media / "voice_cache"
    before = {path: path.stat().st_mtime_ns for path in cache.rglob("*.wav")}
    assert len(before) == sum(len(narration.figure(compute_trace(Config()), n)) for n in (1, 11))
    log = tmp_path / "calls.txt"
    program(tmp_path, "espeak-ng", f'echo "$*" >> {log}\nexec {ESPEAK} "$@"\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    again = render(media, NARRATED[:1], output="Again")
    assert log.read_text().splitlines() == ["--version"]
    assert {path: path.stat().st_mtime_ns for path in cache.rglob("*.wav")} == before
    subtitles = assert_speech_in_subtitles_only(again, (1,))
    earlier = list(srt.parse(first.with_suffix(".srt").read_text()))[:len(subtitles)]
    assert [(s.start, s.end) for s in subtitles] == [(s.start, s.end) for s in earlier]
