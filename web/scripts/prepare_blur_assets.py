"""Prepare background blur's MediaPipe files so the API can serve them (no CDN at run time).

    python web/scripts/prepare_blur_assets.py [--out web/mediapipe]

Inputs come from npm packages in web/node_modules (``npm ci`` installs them):
``@mediapipe/tasks-vision`` ships the WASM fileset; ``@mediapipe/selfie_segmentation`` ships
``selfie_segmentation.tflite``, which MediaPipe Tasks refuses until the model carries
image-segmenter metadata (input normalisation and a label). ``tflite-support`` writes that
metadata; it pins protobuf 3, which the project's own environment cannot have, so run this
with the small separate environment ``make web`` creates (``.bin/blur-tools``).

Writes ``OUT/wasm/*`` and ``OUT/selfie_segmentation.tflite``; does nothing when they are
already there and newer than their inputs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent
MODULES = WEB / "node_modules" / "@mediapipe"
WASM_SOURCE = MODULES / "tasks-vision" / "wasm"
MODEL_SOURCE = MODULES / "selfie_segmentation" / "selfie_segmentation.tflite"
MODEL_NAME = "selfie_segmentation.tflite"
# The model takes RGB in [0, 1]: pixel / 255. One output channel: the person.
NORM_MEAN, NORM_STD = 0.0, 255.0
LABELS = ("person",)


def _fresh(target: Path, source: Path) -> bool:
    return target.exists() and target.stat().st_mtime >= source.stat().st_mtime


def copy_wasm(out: Path) -> bool:
    """Copy the WASM fileset; True if anything was copied."""
    target_dir = out / "wasm"
    target_dir.mkdir(parents=True, exist_ok=True)
    copied = False
    for source in sorted(WASM_SOURCE.iterdir()):
        target = target_dir / source.name
        if source.is_file() and not _fresh(target, source):
            shutil.copy2(source, target)
            copied = True
    return copied


def with_metadata(model: bytes) -> bytes:
    """The model with image-segmenter metadata written into it."""
    from tflite_support.metadata_writers import image_segmenter

    with tempfile.TemporaryDirectory() as scratch:
        labels = Path(scratch, "labels.txt")
        labels.write_text("\n".join(LABELS) + "\n", encoding="utf-8")
        writer = image_segmenter.MetadataWriter.create_for_inference(
            model, [NORM_MEAN], [NORM_STD], [str(labels)]
        )
        return bytes(writer.populate())


def write_model(out: Path) -> bool:
    """Write the model with metadata; True if it was (re)written."""
    target = out / MODEL_NAME
    if _fresh(target, MODEL_SOURCE):
        return False
    prepared = with_metadata(MODEL_SOURCE.read_bytes())
    partial = target.with_suffix(".partial")
    partial.write_bytes(prepared)
    partial.replace(target)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEB / "mediapipe")
    args = parser.parse_args(argv)
    missing = [str(p) for p in (WASM_SOURCE, MODEL_SOURCE) if not p.exists()]
    if missing:
        print(f"error: {', '.join(missing)} missing; run 'npm ci' in web/ first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    wasm = copy_wasm(args.out)
    model = write_model(args.out)
    done = [what for what, changed in (("WASM", wasm), ("model", model)) if changed]
    state = f"prepared {' and '.join(done)}" if done else "up to date"
    print(f"blur assets in {args.out}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
