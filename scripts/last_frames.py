"""Save the last frame of every section clip listed in a manim sections index as PNG: NAME.png in OUT_DIR.

    python scripts/last_frames.py renders/videos/backprop/480p15/sections/Backprop.json renders/stills
"""
import json
import sys
from pathlib import Path

import av


def last_frame(video):
    with av.open(str(video)) as container:
        frame = None
        for frame in container.decode(video=0):
            pass
        return frame.to_image()


def main(index_path, out_dir):
    index_path, out_dir = Path(index_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for section in json.loads(index_path.read_text()):
        target = out_dir / f"{section['name']}.png"
        last_frame(index_path.parent / section["video"]).save(target)
        print(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/last_frames.py SECTIONS_INDEX.json OUT_DIR")
    main(*sys.argv[1:])
