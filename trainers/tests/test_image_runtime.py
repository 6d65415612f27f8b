"""The trainer image's run time, SIMULATED with bubblewrap (the image is never built here: no Docker engine).

The image's file layout is rebuilt from trainers/Dockerfile itself: its ENV (parsed), its config-preparation RUN line
(run as at build time, writing the seed), its CMD run in /app as uid 10001 (a user-namespace mapping) with what the
Kubernetes Job mounts: a read-only root, /tmp and /work writable, and no network at all. The toolchain's venv stands in
for /opt/edgepack/ultralytics (same pinned requirements file), the repository's trainers/ for /app/trainers.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO, Run

DOCKERFILE = REPO / "trainers" / "Dockerfile"
IMAGE_BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # python:*-slim's PATH
VENV = Path(sys.prefix)


def _dockerfile() -> str:
    return re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in _dockerfile().splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line[4:]))
    env["PATH"] = env["PATH"].replace("$PATH", IMAGE_BASE_PATH)
    return env


def image_command() -> list[str]:
    return json.loads(next(line[4:] for line in _dockerfile().splitlines() if line.startswith("CMD ")))


def config_preparation() -> list[str]:
    line = next(line for line in _dockerfile().splitlines() if line.startswith("RUN ") and "prepare_config_dir" in line)
    return shlex.split(line[4:])


def _bwrap_available() -> bool:
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "true"], capture_output=True)
    return probe.returncode == 0


def sandbox(seed: Path, work: Path, *, building: bool, passwd: Path) -> list[str]:
    base_python = Path((VENV / "pyvenv.cfg").read_text().split("home = ", 1)[1].splitlines()[0]).parent
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--clearenv"]
    args += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--ro-bind", str(passwd), "/etc/passwd"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if Path(f"/{link}").is_symlink():
            args += ["--symlink", f"usr/{link}", f"/{link}"]
    args += ["--ro-bind", str(base_python), str(base_python), "--ro-bind", str(VENV), "/opt/edgepack/ultralytics"]
    args += ["--bind" if building else "--ro-bind", str(seed), "/opt/edgepack/ultralytics-config"]
    args += ["--ro-bind", str(REPO / "trainers"), "/app/trainers", "--ro-bind", "/sys", "/sys"]
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--bind", str(work), "/work", "--chdir", "/app"]
    if not building:  # docker build runs as root on a writable layer; the Job as 10001 on a read-only root
        args += ["--remount-ro", "/", "--uid", "10001", "--gid", "10001"]
    return args


@pytest.mark.slow
@pytest.mark.skipif(not _bwrap_available(), reason="bubblewrap with user namespaces is needed to simulate the image")
def test_the_images_command_exports_offline_on_a_read_only_root(tmp_path):
    seed, work = tmp_path / "seed", tmp_path / "work"
    seed.mkdir()
    (work / "output").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "models" / "detect.pt", work / "detect.pt")
    passwd = tmp_path / "passwd"  # what `useradd --uid 10001` adds
    passwd.write_text("root:x:0:0:root:/root:/bin/sh\nedgepack:x:10001:10001::/tmp:/usr/sbin/nologin\n")
    env = image_env()
    setenv = [a for k, v in env.items() for a in ("--setenv", k, v)]

    build = subprocess.run(
        [*sandbox(seed, work, building=True, passwd=passwd), *setenv, *config_preparation()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert (seed / "Ultralytics" / "settings.json").is_file() and (seed / "Ultralytics" / "Arial.ttf").is_file()
    assert list((seed / "matplotlib").glob("fontlist-*.json")), "matplotlib's font cache is made at build time"

    job_env = {
        "EXPORT_JOB_ID": "image-run",
        "EXPORT_FORMAT": "onnx",
        "EXPORT_CONFIG": json.dumps({"imgsz": 128}),
        "CHECKPOINT_PATH": "/work/detect.pt",
        "OUTPUT_DIR": "/work/output",
    }
    setenv += [a for k, v in job_env.items() for a in ("--setenv", k, v)]
    proc = subprocess.run(
        [*sandbox(seed, work, building=False, passwd=passwd), *setenv, *image_command()],
        capture_output=True,
        text=True,
        timeout=600,
    )
    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.result["formats"]["onnx"]["status"] == "passed"
    assert run.result["formats"]["onnx"]["path"] == "/work/output/model.onnx"
    assert (work / "output" / "model.onnx").is_file() and (work / "output" / "metadata.json").is_file()
    complaints = [e["message"] for e in run.of("log") if e["level"] in ("warning", "error")]
    assert not [m for m in complaints if "Read-only" in m or "writeable" in m or "download" in m.lower()], complaints
    assert "Read-only file system" not in run.stderr
