"""List the globals a pickle would import — without unpickling — and check them against an allowlist.

A checkpoint is a pickle, and unpickling runs whatever callables its GLOBAL/STACK_GLOBAL opcodes name. We walk the
opcodes with `pickletools.genops` (which only parses) and resolve each imported `module.name`. Anything outside the
allowlist — os.system, subprocess, builtins.eval/exec/getattr/__import__, dill, unknown packages — is reported.
A STACK_GLOBAL whose module/name are not plain strings is reported as `<unresolved>`: it cannot be checked, so it
is not trusted.
"""

from __future__ import annotations

import io
import pickletools
import re
from dataclasses import dataclass, field

UNRESOLVED = "<unresolved>"

# Exact names that rebuild plain data. Deliberately NOT here: builtins.getattr/setattr/eval/exec/compile/open/
# __import__/globals/vars/type/print, functools.partial, operator.*, pickle.*, marshal.*, importlib.*, copyreg
# helpers other than _reconstructor, and everything of os/sys/subprocess/shutil/socket/ctypes/runpy.
ALLOWED_EXACT = frozenset(
    {
        *(f"builtins.{n}" for n in ("set", "frozenset", "dict", "list", "tuple", "slice", "range", "complex")),
        *(f"builtins.{n}" for n in ("int", "float", "bool", "str", "bytes", "bytearray", "object")),
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.deque",
        "collections.Counter",
        "copyreg._reconstructor",  # object.__new__ + __setstate__ of an (itself checked) class
        "_codecs.encode",  # how protocol-2 pickles store bytes
        "codecs.encode",
        "datetime.datetime",
        "datetime.date",
        "datetime.time",
        "datetime.timedelta",
        "datetime.timezone",
        "pathlib.Path",
        "pathlib.PosixPath",
        "pathlib.WindowsPath",
        "pathlib.PurePath",
        "pathlib.PurePosixPath",
        "pathlib.PureWindowsPath",
        "types.SimpleNamespace",
        "argparse.Namespace",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar",
        "numpy._core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar",
        "ultralytics.utils.IterableSimpleNamespace",
        "ultralytics.yolo.utils.IterableSimpleNamespace",
    }
)

# Whole packages of model classes and tensor rebuilders.
ALLOWED_PREFIXES = (
    "torch.",
    "numpy.dtypes.",
    "numpy.random._pickle.",
    "ultralytics.nn.modules.",
    "ultralytics.utils.loss.",
    "ultralytics.utils.tal.",
    "ultralytics.yolo.utils.loss.",
    "ultralytics.yolo.utils.tal.",
    "torchvision.transforms.",  # classify checkpoints keep their preprocessing (Compose, Resize, Normalize, …)
)

# Parts of torch and Ultralytics that load files, run code, download or install things.
DENIED_PREFIXES = (
    "torch.hub.",
    "torch.load",
    "torch.save",
    "torch.serialization.load",
    "torch.jit.",
    "torch.package.",
    "torch.utils.cpp_extension.",
    "torch.utils.data.",
    "torch.distributed.",
    "torch.multiprocessing.",
    "torch.ops.",
    "torch._ops.",
    "torch.compile",
    "torch._dynamo.",
    "torch._inductor.",
    "torch.fx.",
    "torch.export.",
    "torch.testing.",
    "torch.backends.",
    "torch.cuda.",
    "torch.library.",
    "torch._C._jit",
    "torch._C._set",
    "torch.set_",
    "torch.use_deterministic_algorithms",
)

# Ultralytics model containers: classes only (the module also has loaders that open other files).
ULTRALYTICS_TASK_CLASS = re.compile(r"^ultralytics\.nn\.tasks\.([A-Za-z0-9_]*Model|Ensemble)$")

MODULE_ALIASES = {"__builtin__": "builtins", "copy_reg": "copyreg"}

STRING_OPS = frozenset(
    {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING", "STRING"}
)
GET_OPS = frozenset({"BINGET", "LONG_BINGET", "GET"})
PUT_OPS = frozenset({"BINPUT", "LONG_BINPUT", "PUT"})
SILENT_OPS = frozenset({"PROTO", "FRAME", "MARK"})  # push nothing that a STACK_GLOBAL could consume as a string


def normalize(module: str, attr: str) -> str:
    """`module`, `attr` as a pickle names them → `module.attr`, with Python 2 module names mapped."""
    return f"{MODULE_ALIASES.get(module, module)}.{attr}"


def is_allowed(name: str) -> bool:
    if name in ALLOWED_EXACT:
        return True
    if any(name.startswith(p) for p in DENIED_PREFIXES):
        return False
    if ULTRALYTICS_TASK_CLASS.match(name):
        return True
    return name.startswith(ALLOWED_PREFIXES)


def _stream_globals(ops) -> set[str]:
    found: set[str] = set()
    pushes: list[object] = []  # values pushed so far, only strings matter
    memo: dict[int, object] = {}
    unknown = object()
    for opcode, arg, _pos in ops:
        name = opcode.name
        if name in ("GLOBAL", "INST"):
            module, _, attr = str(arg).partition(" ")
            found.add(normalize(module, attr))
            pushes.append(unknown)
        elif name == "STACK_GLOBAL":
            module, attr = (pushes[-2], pushes[-1]) if len(pushes) >= 2 else (None, None)
            if isinstance(module, str) and isinstance(attr, str):
                found.add(normalize(module, attr))
            else:
                found.add(UNRESOLVED)
            pushes.append(unknown)
        elif name in ("EXT1", "EXT2", "EXT4"):  # copyreg extension registry: resolved at load time only
            found.add(UNRESOLVED)
            pushes.append(unknown)
        elif name in STRING_OPS:
            pushes.append(arg if isinstance(arg, str) else (arg.decode("latin-1") if isinstance(arg, bytes) else arg))
        elif name == "MEMOIZE":
            memo[len(memo)] = pushes[-1] if pushes else unknown
        elif name in PUT_OPS:
            memo[int(arg)] = pushes[-1] if pushes else unknown
        elif name in GET_OPS:
            pushes.append(memo.get(int(arg), unknown))
        elif name not in SILENT_OPS:
            pushes.append(unknown)
        if name == "STOP":
            break
    return found


def pickle_globals(data: bytes) -> set[str]:
    """Globals named by one pickle. Raises ValueError if the pickle is cut short or malformed."""
    return _stream_globals(pickletools.genops(io.BytesIO(data)))


def pickle_stream_globals(stream: io.BufferedReader, count: int) -> set[str]:
    """Globals of up to `count` consecutive pickles in a stream (the legacy, non-zip torch.save format)."""
    found: set[str] = set()
    for _ in range(count):
        if not stream.peek(1)[:1]:  # a plain pickle file holds just one
            break
        found |= _stream_globals(pickletools.genops(stream))
    return found


@dataclass
class ScanReport:
    globals: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    pickles: list[str] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        return not self.unsafe

    def to_dict(self) -> dict:
        return {"globals": self.globals, "unsafe": self.unsafe, "pickles": self.pickles}


def report(found: set[str], pickles: list[str]) -> ScanReport:
    names = sorted(found)
    return ScanReport(globals=names, unsafe=[n for n in names if not is_allowed(n)], pickles=pickles)
