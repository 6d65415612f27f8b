"""wrapper_json writes what JavaScript's JSON.stringify(v, null, 2) writes: checked against Node itself."""

from __future__ import annotations

import json
import random
import subprocess

from wrapper_json import js_stringify


def _node_stringify(value) -> str:
    script = "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8')), null, 2))"
    return subprocess.run(["node", "-e", script], input=json.dumps(value), capture_output=True, text=True).stdout


def test_numbers_as_javascript_writes_them():
    rng = random.Random(13)
    numbers = [0.0, -0.0, 1.0, 12.5, 1e-5, 1e-6, 1e-7, 1.5e-7, 1e20, 1e21, 2.5e20, 5e-324, 1.7976931348623157e308]
    numbers += [rng.uniform(-1, 1) * 10 ** rng.randint(-9, 23) for _ in range(3000)]
    numbers += [round(rng.uniform(0, 2000), 2) for _ in range(500)] + [round(rng.random(), 5) for _ in range(500)]
    numbers += [3, -7, 2**53]
    assert js_stringify(numbers) == _node_stringify(numbers)


def test_nesting_strings_and_empty_containers_as_javascript_writes_them():
    value = {
        "predictions": [
            {"class": 'sq"uare\\ \n\t\u0001 é 人 \u2028', "class_id": 1, "confidence": 0.5, "bbox": [0.0, 1.25, 3, 4]},
            {"mask": None, "keypoints": [[1.5, 2.0, None]], "runs": [], "empty": {}},
        ],
        "flag": True,
    }
    assert js_stringify(value) == _node_stringify(value)
