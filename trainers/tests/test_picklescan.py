"""The pickle scan lists what a pickle would import without ever running it."""

from __future__ import annotations

import collections
import io
import os
import pickle
import pickletools
import zipfile

import pytest
import torch

from trainers.common import picklescan
from trainers.common.checkpoint_file import scan_checkpoint
from trainers.common.errors import ExportError


class _Calls:
    """Pickles as a call to `func(*args)`; the test never unpickles it."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
@pytest.mark.parametrize(
    "func, expected",
    [
        (os.system, ("posix.system", "nt.system")),
        (eval, "builtins.eval"),
        (exec, "builtins.exec"),
        (getattr, "builtins.getattr"),
        (__import__, "builtins.__import__"),
        (pickle.loads, ("pickle.loads", "_pickle.loads")),
    ],
)
def test_dangerous_calls_are_found_in_every_protocol(func, expected, protocol):
    data = pickle.dumps({"model": _Calls(func, "x")}, protocol=protocol)
    found = picklescan.pickle_globals(data)
    names = expected if isinstance(expected, tuple) else (expected,)
    hits = [n for n in names if n in found]
    assert hits, found
    assert hits[0] in picklescan.report(found, ["data.pkl"]).unsafe


def test_plain_data_and_tensors_are_allowed():
    buffer = io.BytesIO()
    state = collections.OrderedDict(weight=torch.zeros(2, 2), step=torch.tensor(3))
    torch.save({"state": state, "names": {0: "a"}, "shape": torch.Size([1, 2])}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        data = archive.read(next(n for n in archive.namelist() if n.endswith("data.pkl")))
    report = picklescan.report(picklescan.pickle_globals(data), ["data.pkl"])
    assert report.safe, report.unsafe
    assert "collections.OrderedDict" in report.globals
    assert "torch._utils._rebuild_tensor_v2" in report.globals


def test_memoised_strings_are_resolved():
    """Two references to the same class: the second STACK_GLOBAL reads module and name back from the memo."""
    data = pickle.dumps([_Calls(os.system, "a"), _Calls(os.system, "b")], protocol=4)
    ops = [op.name for op, _arg, _pos in pickletools.genops(data)]
    assert "BINGET" in ops or ops.count("STACK_GLOBAL") == 1
    assert picklescan.pickle_globals(data) == {"posix.system" if os.name == "posix" else "nt.system"}


def test_stack_global_built_from_non_strings_is_unresolved():
    # PROTO 4, push an int and a string, STACK_GLOBAL, STOP: the module "name" is not a string.
    data = b"\x80\x04K\x01\x8c\x06systemq\x00\x93."
    assert picklescan.UNRESOLVED in picklescan.pickle_globals(data)
    assert not picklescan.is_allowed(picklescan.UNRESOLVED)


def test_truncated_pickle_raises():
    data = pickle.dumps({"a": list(range(100))}, protocol=4)
    with pytest.raises(ValueError):
        picklescan.pickle_globals(data[: len(data) // 2])


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("torch._utils._rebuild_tensor_v2", True),
        ("torch.nn.modules.conv.Conv2d", True),
        ("torch.hub.load", False),
        ("torch.load", False),
        ("torch.jit._script.RecursiveScriptModule", False),
        ("torch.distributed.rpc.remote", False),
        ("ultralytics.nn.tasks.DetectionModel", True),
        ("ultralytics.nn.tasks.torch_safe_load", False),
        ("ultralytics.nn.modules.block.C3k2", True),
        ("ultralytics.utils.IterableSimpleNamespace", True),
        ("ultralytics.utils.checks.check_requirements", False),
        ("ultralytics.utils.downloads.safe_download", False),
        ("numpy.core.multiarray._reconstruct", True),
        ("numpy.load", False),
        ("builtins.set", True),
        ("builtins.getattr", False),
        ("builtins.open", False),
        ("collections.OrderedDict", True),
        ("_codecs.encode", True),
        ("datetime.datetime", True),
        ("functools.partial", False),
        ("subprocess.Popen", False),
        ("dill._dill._create_function", False),
        ("webbrowser.open", False),
        ("torchvision.transforms.transforms.Compose", True),
        ("torchvision.io.write_file", False),
        ("torchvision.models.resnet.ResNet", False),
    ],
)
def test_allowlist(name, allowed):
    assert picklescan.is_allowed(name) is allowed


def test_legacy_torch_format_is_scanned(tmp_path):
    path = tmp_path / "legacy.pt"
    torch.save({"model": _Calls(os.system, "echo hi")}, path, _use_new_zipfile_serialization=False)
    report = scan_checkpoint(path)
    assert any(g.endswith(".system") for g in report.unsafe)


def test_plain_pickle_file_is_scanned(tmp_path):
    path = tmp_path / "plain.pt"
    path.write_bytes(pickle.dumps(_Calls(eval, "1+1"), protocol=2))
    assert "builtins.eval" in scan_checkpoint(path).unsafe


def test_corrupted_member_is_reported_as_truncated(tmp_path):
    buffer = io.BytesIO()
    torch.save({"w": torch.arange(4096, dtype=torch.float32)}, buffer)
    blob = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(blob))) as archive:
        info = next(i for i in archive.infolist() if "/data/" in i.filename)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100
    blob[start : start + 16] = b"\xff" * 16  # damage tensor bytes: the CRC no longer matches
    path = tmp_path / "corrupt.pt"
    path.write_bytes(bytes(blob))
    with pytest.raises(ExportError) as caught:
        scan_checkpoint(path)
    assert caught.value.code == "CHECKPOINT_TRUNCATED"
