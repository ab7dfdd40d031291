"""The voice that speaks the explainer: MLP_VOICE, the offline speech engines, and a cache of what they said.

    MLP_VOICE=festival          Festival with the CMU US SLT HTS voice (Debian: festival festvox-us-slt-hts)
    MLP_VOICE=espeak-ng         eSpeak NG, US English (Debian: espeak-ng)
    MLP_VOICE=piper:MODEL.onnx  a Piper voice model (MODEL.onnx.json beside it; the [voice-piper] extra)
    MLP_VOICE=none              silent; unset: silent too, with a note on stderr saying how to add a voice

`from_environment()` checks the value before anything renders (one line on stderr and exit status 2 when it
cannot be used). A Narrator turns a line of words into a WAV file: each line is synthesised once and kept in
a cache directory under a name that hashes the words, the engine, its version and its settings, so a render
that says the same words again reads them from disk. Every WAV is 16-bit mono at 22,050 samples per second,
its silent ends trimmed and its peak level normalised, so the engines sound equally loud and speech starts when
its subtitle does.
"""
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

ENVIRONMENT = "MLP_VOICE"
CHOICES = "none, festival, espeak-ng, piper:MODEL.onnx"
HINT = ("note: silent video; MLP_VOICE=festival (or espeak-ng, piper:MODEL.onnx) adds a voice, "
        "as bash scripts/render.sh does (README.md, 'The explainer video')")
RATE = 22050  # samples per second of every WAV in the cache: speech needs no more, and the track is encoded at it
PROCESSING = f"trim 2% 0.04 s, peak 0.8, {RATE} Hz"  # part of the cache key: change it with the post-processing


class VoiceError(ValueError):
    """A voice that cannot be used; the message is one line for the user."""


def run(command, what, **kwargs):
    """Run an engine's command; its failure becomes a VoiceError naming its last line of stderr."""
    try:
        result = subprocess.run(command, capture_output=True, timeout=kwargs.pop("timeout", 600), **kwargs)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VoiceError(f"{what}: {error}")
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines() or [f"exit status {result.returncode}"]
        raise VoiceError(f"{what} failed: {lines[-1]}")
    return result.stdout.decode(errors="replace")


class Engine:
    """A speech engine: its name, a string that changes when its output may change, and synthesis."""

    name = ""

    def identity(self):
        """Engine version and settings: part of the cache key."""
        raise NotImplementedError

    def synthesize(self, jobs):
        """Write one WAV per (words, path) in `jobs`."""
        raise NotImplementedError


class EspeakNg(Engine):
    """eSpeak NG (formant synthesis): instant, clear, robotic. US English at 165 words per minute."""

    name = "espeak-ng"
    settings = ["-v", "en-us", "-s", "165"]

    def __init__(self):
        self.program = shutil.which("espeak-ng")
        if not self.program:
            raise VoiceError("MLP_VOICE=espeak-ng: espeak-ng is not installed; install the Debian package "
                             "espeak-ng (apt-get install espeak-ng)")
        self.version = run([self.program, "--version"], "espeak-ng --version").split("Data at")[0].strip()

    def identity(self):
        return f"{self.version} {' '.join(self.settings)}"

    def synthesize(self, jobs):
        for words, path in jobs:
            run([self.program, *self.settings, "-w", str(path), "--stdin"], "espeak-ng", input=words.encode())


class Festival(Engine):
    """Festival with the CMU US SLT HTS voice (statistical parametric synthesis): a natural female US voice.
    All lines of a render are spoken by one festival process (its start and the voice's loading cost about
    0.2 s, the speech itself about 10 ms per word)."""

    name = "festival"
    voice = "cmu_us_slt_arctic_hts"
    packages = "festival festvox-us-slt-hts"

    def __init__(self):
        self.program = shutil.which("festival")
        if not self.program:
            raise VoiceError(f"MLP_VOICE=festival: festival is not installed; install the Debian packages "
                             f"{self.packages} (apt-get install {self.packages})")
        lines = run([self.program, "--batch", "(begin (print festival_version) (print (voice.list)))"],
                    "festival", timeout=60).strip().splitlines()
        if len(lines) < 2 or self.voice not in lines[-1]:
            raise VoiceError(f"MLP_VOICE=festival: festival's voice {self.voice} is not installed; install the "
                             f"Debian package festvox-us-slt-hts (apt-get install festvox-us-slt-hts)")
        self.version = lines[0].strip('"')

    def identity(self):
        return f"{self.version} {self.voice}"

    def synthesize(self, jobs):
        def quoted(text):
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        commands = [f"(voice_{self.voice})"]
        commands += [f"(utt.save.wave (utt.synth (Utterance Text {quoted(words)})) {quoted(str(path))} 'riff)"
                     for words, path in jobs]
        with tempfile.NamedTemporaryFile("w", suffix=".scm", delete=False) as script:
            script.write("\n".join(commands) + "\n")
        try:
            run([self.program, "--batch", script.name], "festival")
        finally:
            os.unlink(script.name)


class Piper(Engine):
    """A Piper voice model (neural, natural), run in this process by the piper-tts package."""

    name = "piper"

    def __init__(self, model):
        what = f"MLP_VOICE=piper:{model}"
        if not model:
            raise VoiceError("MLP_VOICE=piper: needs a voice model, e.g. MLP_VOICE=piper:/path/to/"
                             "en_US-lessac-medium.onnx (with its .onnx.json beside it)")
        self.model = Path(model).expanduser()
        if not self.model.exists():
            raise VoiceError(f"{what}: no such file")
        if not self.model.is_file() or not self.is_onnx(self.model):
            raise VoiceError(f"{what}: not a Piper voice model (an ONNX file, e.g. en_US-lessac-medium.onnx)")
        config = Path(f"{self.model}.json")
        try:
            settings = json.loads(config.read_text())
            settings["audio"]["sample_rate"]
        except OSError:
            raise VoiceError(f"{what}: not a Piper voice model: its configuration {config.name} is missing "
                             "(Piper voices come as MODEL.onnx and MODEL.onnx.json)")
        except (ValueError, KeyError, TypeError):
            raise VoiceError(f"{what}: not a Piper voice model: {config.name} is not a Piper voice configuration")
        if importlib.util.find_spec("piper") is None:
            raise VoiceError(f"{what}: piper is not installed; install the [voice-piper] extra "
                             "(pip install -e '.[voice-piper]', which installs piper-tts)")
        try:
            version = importlib.metadata.version("piper-tts")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        digest = hashlib.sha256()
        for part in (self.model, config):
            with open(part, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        self.id = f"piper-tts {version} {digest.hexdigest()[:16]}"
        self.voice = None

    @staticmethod
    def is_onnx(path):
        """An ONNX model is a protocol buffer whose first field is ir_version (field 1, a varint: byte 0x08)."""
        with open(path, "rb") as f:
            return f.read(1) == b"\x08"

    def identity(self):
        return self.id

    def synthesize(self, jobs):
        from piper import PiperVoice
        if self.voice is None:
            self.voice = PiperVoice.load(str(self.model))
        speak = getattr(self.voice, "synthesize_wav", None) or self.voice.synthesize  # piper-tts >= 1.3, older
        for words, path in jobs:
            with wave.open(str(path), "wb") as wav:
                speak(words, wav)


def parse(value):
    """The Engine that MLP_VOICE=`value` names, None for silence; VoiceError when it cannot be used."""
    value = value.strip()
    if value == "none":
        return None
    if value == "festival":
        return Festival()
    if value == "espeak-ng":
        return EspeakNg()
    if value.startswith("piper:") or value == "piper":
        return Piper(value.partition(":")[2])
    raise VoiceError(f"MLP_VOICE: unknown voice {value!r}; allowed: {CHOICES}")


def from_environment(environ=os.environ):
    """The engine $MLP_VOICE names; unset: None and the note on stderr. A bad value: one line, exit 2."""
    value = environ.get(ENVIRONMENT)
    if value is None or not value.strip():
        print(HINT, file=sys.stderr)
        return None
    try:
        return parse(value)
    except VoiceError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2)


def wav_seconds(path):
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def tidy(source, target, threshold=0.02, margin=0.04, peak=0.8):
    """`source` as a 16-bit mono WAV of RATE samples per second at `target`: silent ends trimmed (below
    `threshold` of the peak, keeping `margin` seconds), the peak scaled to `peak` of full scale."""
    with wave.open(str(source), "rb") as wav:
        rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise VoiceError(f"the voice wrote {8 * width}-bit audio; 16-bit expected")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64).reshape(-1, channels).mean(axis=1)
    if rate != RATE:
        step = Fraction(RATE, rate)
        samples, rate = resample_poly(samples, step.numerator, step.denominator), RATE
    loud = np.flatnonzero(np.abs(samples) > threshold * max(np.abs(samples).max(), 1))
    if len(loud):
        pad = int(margin * rate)
        samples = samples[max(loud[0] - pad, 0):loud[-1] + pad + 1]
        samples *= peak * 32767 / np.abs(samples).max()
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.round(samples).astype("<i2").tobytes())


class Narrator:
    """Speech for lines of words, synthesised once per (words, engine, version, settings) into `cache`."""

    def __init__(self, engine, cache):
        self.engine = engine
        self.cache = Path(cache) / engine.name
        self.key = f"{engine.name}\n{engine.identity()}\n{PROCESSING}\n"
        self.synthesised = 0  # lines this narrator had the engine speak (the rest came from the cache)

    def path(self, words):
        return self.cache / (hashlib.sha256((self.key + words).encode()).hexdigest()[:32] + ".wav")

    def prepare(self, lines):
        """Have the engine speak, in one go, every line of `lines` that the cache does not hold yet."""
        missing = list(dict.fromkeys(words for words in lines if not self.path(words).exists()))
        if not missing:
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache) as scratch:
            raw = [Path(scratch) / f"{k}.wav" for k in range(len(missing))]
            self.engine.synthesize(list(zip(missing, raw)))
            for words, path in zip(missing, raw):
                tidied = path.with_suffix(".tidy.wav")
                tidy(path, tidied)
                os.replace(tidied, self.path(words))  # whole files only, even with renders running side by side
        self.synthesised += len(missing)

    def speech(self, words):
        """(WAV path, seconds) of `words` spoken."""
        self.prepare([words])
        path = self.path(words)
        return path, wav_seconds(path)
