"""Every format module registers itself in trainers.common.registry when imported here."""

from . import onnx  # noqa: F401
