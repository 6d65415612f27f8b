"""The app ⇄ trainer protocol: one JSON object per line on the ORIGINAL stdout.

`take_stdout()` keeps the real stdout for protocol lines only and points file descriptor 1, `sys.stdout` and
library loggers elsewhere, so a stray print() from Ultralytics, torch or a C extension can never corrupt the stream.
Events: progress(stage, fraction), log(level, message), artifact(format, path, bytes), result(...), error(code,
message, hint).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def _plain(value: Any) -> Any:
    """JSON-safe copy: numpy scalars/arrays, paths, tuples and non-finite floats (→ null) handled."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist"):  # numpy scalar / array, torch tensor
        return _plain(value.tolist())
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value)


def json_safe(value: Any) -> Any:
    """What a protocol line would carry for `value` (e.g. a payload sent elsewhere than stdout)."""
    return _plain(value)


def to_json_line(event: str, fields: dict) -> str:
    return json.dumps({"event": event, **_plain(fields)}, ensure_ascii=False, allow_nan=False)


EventListener = Callable[[dict], None]


class Protocol:
    """Writes protocol events; thread-safe; every line flushed at once so the app sees live progress."""

    def __init__(self, stream: TextIO, log_level: str = "info"):
        self._stream = stream
        self._lock = threading.Lock()
        self.log_level = LEVELS.get(log_level.lower(), logging.INFO)
        self._listeners: list[EventListener] = []

    def add_listener(self, listener: EventListener) -> None:
        """Also hand every event (as a dict) to `listener` (e.g. the PROGRESS_URL poster); it must not block."""
        self._listeners.append(listener)

    def emit(self, event: str, **fields: Any) -> None:
        record = {"event": event, **_plain(fields)}
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()
        for listener in self._listeners:
            with contextlib.suppress(Exception):  # a listener must never break an export
                listener(record)

    def progress(self, stage: str, fraction: float, message: str | None = None) -> None:
        fields: dict[str, Any] = {"stage": stage, "fraction": round(min(max(fraction, 0.0), 1.0), 4)}
        if message:
            fields["message"] = message
        self.emit("progress", **fields)

    def log(self, message: str, level: str = "info", source: str = "edgepack") -> None:
        if LEVELS.get(level, logging.INFO) >= self.log_level:
            self.emit("log", level=level, source=source, message=message)

    def artifact(self, fmt: str, path: str | Path, kind: str = "model") -> None:
        p = Path(path)
        size = p.stat().st_size if p.is_file() else _dir_size(p)
        self.emit("artifact", format=fmt, kind=kind, path=str(p), bytes=size)

    def result(self, **payload: Any) -> None:
        self.emit("result", **payload)

    def error(self, code: str, message: str, hint: str = "", details: dict | None = None) -> None:
        fields: dict[str, Any] = {"code": code, "message": message, "hint": hint}
        if details:
            fields["details"] = details
        self.emit("error", **fields)


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


class ProtocolLogHandler(logging.Handler):
    """Turns library log records (Ultralytics' LOGGER) into `log` events."""

    def __init__(self, protocol: Protocol, source: str, tidy: Callable[[str], str] | None = None):
        super().__init__()
        self.protocol = protocol
        self.source = source
        self.tidy = tidy

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = ANSI_ESCAPE.sub("", record.getMessage()).strip()
            if self.tidy:
                message = self.tidy(message).strip()
            if not message:
                return
            level = "error" if record.levelno >= logging.ERROR else record.levelname.lower()
            self.protocol.log(message, level=level if level in LEVELS else "info", source=self.source)
        except Exception:  # a log line must never break an export
            self.handleError(record)


def take_stdout(log_level: str = "info") -> Protocol:
    """Reserve the process's real stdout for protocol lines; everything else written to stdout goes to stderr."""
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)  # C-level writes to fd 1 (onnx, torch) now land on stderr
    stream = os.fdopen(protocol_fd, "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr
    return Protocol(stream, log_level)


def route_library_logs(protocol: Protocol, logger_name: str, tidy: Callable[[str], str] | None = None) -> None:
    """Replace a library logger's console handlers with protocol `log` events (each message passed through `tidy`
    first, when given: an empty result drops it)."""
    logger = logging.getLogger(logger_name)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(ProtocolLogHandler(protocol, logger_name, tidy))
    logger.propagate = False
