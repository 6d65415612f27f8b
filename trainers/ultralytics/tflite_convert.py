"""TFLite (LiteRT) conversion, run in the TFLite environment (torch < 2.14 for litert-torch) by formats/tflite.py.

    <tflite-env>/bin/python trainers/ultralytics/tflite_convert.py --checkpoint best.pt [--imgsz 160 160 |
        --requested-imgsz 160] --batch 1 --out work/ [--calibration calib.npy | --calib-dir images/]

Never imports torchvision (its wheel does not load against this environment's CPU torch). The checkpoint's pickle
was already scanned by the main job; it is scanned again here before loading. Without --imgsz, the size is chosen
from the checkpoint exactly as the main job chooses it. Prints the size used and the .tflite path last.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    _here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
    sys.path.append(str(_here.parents[1]))

import argparse
import json
import shutil


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--imgsz", type=int, nargs=2, default=None)
    parser.add_argument("--requested-imgsz", type=int, default=None, help="the job's imgsz option (rounded to stride)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--calibration", default=None, help=".npy of float32 NCHW calibration images (INT8)")
    parser.add_argument("--calib-dir", default=None, help="folder of calibration images (INT8), read at the size used")
    parser.add_argument("--trust-unsafe", action="store_true")
    args = parser.parse_args(argv)

    from trainers.common.env import import_ultralytics

    import_ultralytics()
    import numpy as np

    from trainers.common.calibration import calibration_batches, calibration_set
    from trainers.common.errors import ExportError
    from trainers.ultralytics.calibration_feed import exporter_calibration
    from trainers.ultralytics.checkpoint import export_imgsz, load_checkpoint

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    loaded = load_checkpoint(args.checkpoint, out / "load", args.trust_unsafe)
    imgsz = list(args.imgsz) if args.imgsz else export_imgsz(loaded, args.requested_imgsz)
    print(f"TFLITE_IMGSZ={imgsz[0]},{imgsz[1]}", flush=True)
    kwargs = {"format": "litert", "imgsz": imgsz, "batch": args.batch, "device": "cpu", "verbose": False}
    if args.calibration or args.calib_dir:
        if args.calibration:
            arrays = list(np.load(args.calibration)[:, None])
        else:
            try:
                files = calibration_set(args.calib_dir).files
                arrays = calibration_batches(files, (imgsz[0], imgsz[1]), loaded.task, 1)
            except ExportError as error:
                print(f"TFLITE_ERROR={json.dumps(error.to_dict())}", flush=True)
                return 2
        kwargs.update(quantize=8, data=str(args.calibration or args.calib_dir))
        with exporter_calibration(arrays):
            produced = Path(loaded.yolo.export(**kwargs))
    else:
        produced = Path(loaded.yolo.export(**kwargs))
    target = out / "model.tflite"
    shutil.move(str(produced), target)
    print(f"TFLITE_OUTPUT={target}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
