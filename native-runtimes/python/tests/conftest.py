"""Shared fixtures: the exported fixture models (made and cached by ../test.mjs), the conformance vectors, and the
reference answers — `edgepack predict --json` through the real CLI, and the reference runtime's post-processing of
raw outputs (native-runtimes/conformance/reference.ts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

WRAPPER = Path(__file__).resolve().parent.parent
REPO = WRAPPER.parent.parent
sys.path.insert(0, str(WRAPPER))

from check_conformance import Vectors  # noqa: E402

VECTORS = REPO / "native-runtimes" / "conformance"
PHOTOS = REPO / "native-runtimes" / "typescript" / "test-images"
SCENES = REPO / "tests" / "fixtures" / "images"
REAL_PHOTOS = [PHOTOS / "bus.jpg", PHOTOS / "zidane.jpg", PHOTOS / "icc-adobe-rgb.jpg"]
# Photos cv2.imread converts (CMYK and YCCK JPEGs, an ICC-tagged PNG): the decoding must be OpenCV's too.
CONVERTED_PHOTOS = [PHOTOS / "cmyk-adobe.jpg", PHOTOS / "ycck-adobe.jpg", PHOTOS / "icc-adobe-rgb.png"]
SCENES_BY_TASK = {
    "detect": ["shapes-1.png", "shapes-2.png", "shapes-3.png"],
    "segment": ["shapes-1.png", "shapes-2.png", "shapes-3.png"],
    "pose": ["triangles-1.png", "triangles-2.png"],
    "classify": ["circle.png", "square.png", "triangle.png"],
}
TASKS = list(SCENES_BY_TASK)
# On real photos the fixture models (synthetic shapes) find little at the default 0.25: a low threshold gives
# predictions enough to compare.
LOW_CONF = 0.01


def images_for(task: str) -> list[Path]:
    return [*REAL_PHOTOS, *(SCENES / name for name in SCENES_BY_TASK[task])]


@pytest.fixture(scope="session")
def exports() -> dict[str, Path]:
    """task → the folder of its fixture exported to ONNX, OpenVINO and LiteRT (metadata.json beside the models)."""
    raw = os.environ.get("EDGEPACK_PYTHON_WRAPPER_EXPORTS")
    if not raw:
        pytest.fail("No exports: run this suite through native-runtimes/python/test.mjs, which makes them.")
    return {task: Path(folder) for task, folder in json.loads(raw).items()}


@pytest.fixture(scope="session")
def vectors() -> Vectors:
    if not (VECTORS / "index.json").is_file():
        pytest.fail(f"No conformance vectors in {VECTORS} (npm run gen:conformance makes them).")
    return Vectors(VECTORS)


def cli_predict(model: Path, images: list[Path], tmp: Path, *extra: str) -> str:
    """`edgepack predict <model> <images> --json`'s stdout, with a throwaway data folder."""
    env = {**os.environ, "EDGEPACK_HOME": str(tmp / "edgepack-home")}
    args = ["node", "bin/edgepack.mjs", "predict", str(model), *map(str, images), "--json", *extra]
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"edgepack predict failed ({done.returncode}): {done.stdout}{done.stderr}"
    return done.stdout


def reference_postprocess(metadata: Path, fmt: str, items: list[dict], tmp: Path) -> list[list[dict]]:
    """The reference runtime's predictions for raw outputs (native-runtimes/conformance/reference.ts postprocess),
    one list per item {image, outputs: [ndarray], options: reference.ts flags}; the calls run four at a time."""

    def ask(i: int, item: dict) -> list[dict]:
        files = []
        for j, output in enumerate(item["outputs"]):
            files.append(tmp / f"raw-{i}-{j}.bin")
            np.ascontiguousarray(output, dtype="<f4").tofile(files[-1])
        args = ["node", "bin/run-ts.mjs", "native-runtimes/conformance/reference.ts", "postprocess", "--json"]
        args += ["--metadata", str(metadata), "--format", fmt, "--image", str(item["image"])]
        args += ["--outputs", ",".join(map(str, files)), *item.get("options", [])]
        done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"reference.ts postprocess failed: {done.stdout}{done.stderr}"
        return json.loads(done.stdout)["predictions"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(ask, range(len(items)), items))


def edit_metadata(folder: Path, edit) -> None:
    """Applies `edit` to every document of folder/metadata.json (the top level and each format's)."""
    path = folder / "metadata.json"
    metadata = json.loads(path.read_text())
    for document in [metadata, *metadata.get("formats", {}).values()]:
        edit(document)
    path.write_text(json.dumps(metadata))
