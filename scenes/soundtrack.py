"""The narrated video's sound track: manim's own, from Scene.add_sound, kept in time and encoded for speech.

manim (0.21) mixes the sounds given to Scene.add_sound and encodes them into the MP4 as 48 kHz stereo AAC with
ffmpeg's default coder: for the explainer's seven minutes of speech that cost about 23 s of CPU, a quarter of
the whole -ql render. SpeechFileWriter is manim's SceneFileWriter with one change there: the track is encoded
mono, at the speech's own sample rate (scenes.voice.RATE), with ffmpeg's fast AAC coder (about 1 s). It also
gives each `--save_sections` clip its part of the track, which manim leaves silent.

SpeechRenderer is manim's Cairo renderer with that writer and two repairs for a re-render that takes plays from
manim's cache of partial movies: manim's add_sound drops a sound that follows such a play, and its clock then
advances by the play's run time instead of the whole frames the cached clip holds, so that speech and subtitles
would fall behind the picture (about a second over the explainer at -ql).
"""
import shutil
import sys
import tempfile
from pathlib import Path

import av
import numpy as np
from manim import config
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils.exceptions import EndSceneEarlyException


def encode_speech(input_path, output_path, codec_name):
    """manim's convert_audio(input, output, codec) for speech: mono, the input's sample rate, AAC's fast coder."""
    with av.open(str(input_path)) as source, av.open(str(output_path), "w") as target:
        audio = source.streams.audio[0]
        options = {"aac_coder": "fast"} if codec_name == "aac" else {}
        stream = target.add_stream(codec_name, rate=audio.rate, layout="mono", options=options)
        if codec_name == "aac":
            stream.bit_rate = 64000
        for frame in source.decode(audio):
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode():
            target.mux(packet)


def mux(video_path, audio_path):
    """Put the audio file's track into the video file, beside its video stream (both copied, not re-encoded)."""
    video_path = Path(video_path)
    muxed = video_path.with_name(f"{video_path.stem}_sound{video_path.suffix}")
    with av.open(str(video_path)) as video, av.open(str(audio_path)) as audio, av.open(str(muxed), "w") as target:
        streams = {video.streams.video[0]: target.add_stream_from_template(video.streams.video[0]),
                   audio.streams.audio[0]: target.add_stream_from_template(audio.streams.audio[0])}
        for container in (video, audio):
            for source, stream in streams.items():
                if source.container is not container:
                    continue
                for packet in container.demux(source):
                    if packet.dts is None:  # demux's flushing packets
                        continue
                    packet.stream = stream
                    target.mux(packet)
    shutil.move(str(muxed), str(video_path))


class SpeechFileWriter(SceneFileWriter):
    """manim's file writer, its sound track encoded for speech, and each section's clip with its part of it."""

    def next_section(self, name, type_, skip_animations):
        super().next_section(name, type_, skip_animations)
        self.sections[-1].start = self.renderer.time  # where the section's part of the sound track starts

    def combine_to_movie(self):
        module = sys.modules[SceneFileWriter.__module__]
        manims = module.convert_audio
        module.convert_audio = encode_speech  # the one call of it in combine_to_movie: the track of the MP4
        try:
            super().combine_to_movie()
        finally:
            module.convert_audio = manims
        if self.includes_sound:  # manim deletes the AAC it muxed and leaves the WAV it made it from
            self.movie_file_path.with_suffix(".wav").unlink(missing_ok=True)

    def combine_to_section_videos(self):
        super().combine_to_section_videos()
        if not self.includes_sound or config.format == "gif" or config.movie_file_extension != ".mp4":
            return
        sections = [section for section in self.sections if section.video is not None]
        # Each clip's part ends 0.1 s early (in the quiet after its last line), so that the AAC frames' padding
        # does not make a clip's sound outlast its picture.
        ends = [getattr(section, "start", 0.0) - 0.1 for section in sections[1:]] + [self.renderer.time - 0.1]
        with tempfile.TemporaryDirectory() as scratch:
            for section, end in zip(sections, ends):
                part = self.audio_segment[int(1000 * getattr(section, "start", 0.0)):int(1000 * end)]
                if not len(part):  # the track ended before this section: its clip stays silent
                    continue
                wav, aac = Path(scratch) / "part.wav", Path(scratch) / "part.aac"
                part.export(wav, format="wav")
                encode_speech(wav, aac, "aac")
                mux(self.sections_output_dir / section.video, aac)


class SpeechRenderer(CairoRenderer):
    """manim's Cairo renderer with SpeechFileWriter, whose clock keeps to the frames also for cached plays."""

    def __init__(self, **kwargs):
        super().__init__(file_writer_class=SpeechFileWriter, **kwargs)

    def draws(self):
        """Whether a play starting now is drawn: manim's own decision at the start of each play (-s, -n, a skipped
        section), before it looks in its cache. After a cached play its skip_animations stays set until the next
        play, which is why manim's Scene.add_sound drops a sound there."""
        left = self.skip_animations
        self.skip_animations = self._original_skipping_status
        try:
            self.update_skipping_status()
        except EndSceneEarlyException:  # past -n's last animation: the next play ends the scene
            self.skip_animations = True
        skipped, self.skip_animations = self.skip_animations, left
        return not skipped

    def play(self, scene, *args, **kwargs):
        start, drawn = self.time, self.draws()
        super().play(scene, *args, **kwargs)
        if drawn and self.skip_animations:  # taken from the cache: the clock as if its frames had been written
            dt = 1 / self.camera.frame_rate
            still = scene.is_current_animation_frozen_frame()
            frames = int(scene.duration / dt) if still else len(np.arange(0, scene.duration, dt))
            self.time = start + frames * dt
