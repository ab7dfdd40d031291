"""The explainer: one training iteration of the article's network, figure by figure, from an mlp_core trace.

    manim scenes/backprop.py                      # the article's worked example, into renders/
    MLP_TRACE=trace.json manim scenes/backprop.py # any trace from `python -m mlp_core trace --json`
    MLP_VOICE=festival manim scenes/backprop.py   # narrated (scenes/voice.py: festival, espeak-ng, piper:MODEL)

Each figure is its own section (`--save_sections` writes one clip per figure); scripts/stills.sh saves the
last frame of each as renders/stills/NN_name.png. Figures call scene.beat() between their steps and
scene.say(words) with the words of their script (scenes/narration.py): a subtitle (an .srt beside the video)
and, with a voice, the same words spoken, the picture held until both have had their time.
"""
import logging
import os
import sys
from pathlib import Path

from manim import FadeOut, Scene, config
from manim.constants import RendererType

from mlp_core.config import ConfigError
from mlp_core.trace import compute_trace
from mlp_core.trace_json import load_trace
from scenes import narration, outline
from scenes.soundtrack import SpeechRenderer
from scenes.requirements import require_latex
from scenes.voice import ENVIRONMENT, Narrator, VoiceError, from_environment

READING_SPEED = 15  # characters per second: a subtitle stays up at least len(words) / READING_SPEED seconds
PAUSE = 0.3  # seconds of quiet after a spoken line before the next one starts

def trace_from_environment():
    """The trace named by $MLP_TRACE, or the article's worked example; a bad file exits with one line (2)."""
    path = os.environ.get("MLP_TRACE")
    if not path:
        return compute_trace()
    try:
        return load_trace(path)
    except ConfigError as error:
        print(f"error: MLP_TRACE: {error}", file=sys.stderr)
        raise SystemExit(2)


def unused_options_note(record):
    """False for PyAV's note that manim's "shortest" option was not used (logging filter)."""
    return "options were not used" not in record.getMessage()


def narrator_for(engine, trace, figures):
    """A Narrator for `engine` (None: silent) caching under the media directory, with every line of the
    figures' scripts already spoken: the engine runs once, before anything renders."""
    if engine is None:
        return None
    # manim muxes the sound with PyAV's "shortest" option, which PyAV does not apply and warns about; the speech
    # always ends before the video does (end_caption waits for it), so that warning says nothing here.
    logging.getLogger("av.container.output").addFilter(unused_options_note)
    narrator = Narrator(engine, Path(config.media_dir) / "voice_cache")
    lines = [words for script in outline.script(trace, figures).values() for words in script.values()]
    try:
        narrator.prepare(narration.spoken(words) for words in lines)
    except VoiceError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2)
    return narrator


class Backprop(Scene):
    """The whole explainer. `trace` defaults to $MLP_TRACE's and `voice` to $MLP_VOICE's (a scenes.voice
    Engine, or None for silence); both are checked, and the script spoken, before manim writes anything."""

    narrated = True  # the slides deck (scenes/slides.py) stays silent

    def __init__(self, trace=None, figures=None, voice=ENVIRONMENT, **kwargs):
        require_latex()  # every figure writes formulas: without LaTeX, one line rather than manim's traceback
        self.trace = trace or trace_from_environment()
        self.figures = figures or outline.figures(self.trace)  # scenes/outline.py: a section per figure
        if not self.narrated:
            voice = None
        elif voice == ENVIRONMENT:
            voice = from_environment()
        self.narrator = narrator_for(voice, self.trace, self.figures)
        self.caption = None  # (words, start time, seconds of speech) of the subtitle on screen
        self.section_name = None  # the figure being drawn (its errata notes are the article's figure's)
        if self.narrator and kwargs.get("renderer") is None and config.renderer == RendererType.CAIRO:
            kwargs["renderer"] = SpeechRenderer(camera_class=kwargs.get("camera_class"),
                                                skip_animations=kwargs.get("skip_animations", False))
        super().__init__(**kwargs)

    def construct(self):
        for figure in self.figures:
            self.next_section(figure.name)
            self.section_name = figure.name
            if self.mobjects:
                self.play(FadeOut(*self.mobjects), run_time=0.6)
            figure.draw(self, self.trace, figure.words(self.trace))
            self.end_caption()

    def beat(self, seconds=1.0):
        """The pause between two steps of a figure (a slide break in the slides deck)."""
        self.wait(seconds)

    def say(self, words):
        """Subtitle `words` from now until the next say() or the end of the figure (written to the .srt), and
        with a voice, speak them from now on."""
        self.end_caption()
        seconds = 0.0
        if self.narrator:
            path, seconds = self.narrator.speech(narration.spoken(words))
            self.add_sound(str(path))
        self.caption = (words, self.time, seconds)

    def add_sound(self, sound_file, time_offset=0, gain=None, **kwargs):
        """manim's Scene.add_sound, without its slip: after a play that manim took from its cache of partial
        movies, manim's add_sound drops the sound (scenes/soundtrack.py, SpeechRenderer.draws)."""
        if not isinstance(self.renderer, SpeechRenderer):
            return super().add_sound(sound_file, time_offset, gain, **kwargs)
        if self.renderer.draws():
            self.renderer.file_writer.add_sound(sound_file, self.time + time_offset, gain, **kwargs)

    def end_caption(self):
        """Close the subtitle on screen, first holding the picture until it has been up long enough to read
        and its speech (and a short pause after it) has ended."""
        if self.caption:
            words, start, speech = self.caption
            shown = self.time - start
            reading, speaking = len(words) / READING_SPEED - shown, speech + PAUSE - shown if speech else 0
            if reading > 0.1 or speaking > 0:
                self.wait(max(reading, speaking))
            self.add_subcaption(words, duration=self.time - start, offset=start - self.time)
            self.caption = None
