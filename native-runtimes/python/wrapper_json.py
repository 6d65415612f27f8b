"""JSON exactly as JavaScript's JSON.stringify(value, null, 2) writes it, so the wrapper's `--json` is byte for byte
what `edgepack predict --json` prints for the same predictions (numbers as JavaScript formats them: 12, not 12.0;
0.00001, not 1e-05)."""

from __future__ import annotations

import json
import math
from decimal import Decimal


def js_number(value: float | int) -> str:
    """Number::toString: the shortest digits that round-trip (as Python's repr), laid out as JavaScript does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return "null"
    if value == 0:
        return "0"
    # repr's digits are the shortest that round-trip, as JavaScript's; value = 0.<digits> x 10^point.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent
    sign = "-" if value < 0 else ""
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exp = point - 1
    body = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{body}e{'+' if exp > 0 else '-'}{abs(exp)}"


def js_stringify(value, indent: int = 2, level: int = 0) -> str:
    """JSON.stringify(value, null, indent) for dicts, lists, strings, numbers, booleans and None."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    inner = "\n" + " " * (indent * (level + 1))
    outer = "\n" + " " * (indent * level)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{json.dumps(str(k), ensure_ascii=False)}: {js_stringify(v, indent, level + 1)}" for k, v in value.items()
        ]
    elif isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = [js_stringify(v, indent, level + 1) for v in value]
    else:
        raise TypeError(f"not JSON-serialisable: {type(value).__name__}")
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + inner + ("," + inner).join(items) + outer + closing
