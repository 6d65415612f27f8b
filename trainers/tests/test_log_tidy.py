"""Ultralytics' end-of-export message, as the app's log shows it: no CLI hints, no scratch-folder paths."""

from __future__ import annotations

import io
import json
import logging

from trainers.common.protocol import Protocol, route_library_logs
from trainers.ultralytics.log_tidy import log_tidy


def _logged(tmp_path, message: str) -> list[str]:
    work = tmp_path / ".work-abc123"
    work.mkdir()
    stream = io.StringIO()
    route_library_logs(Protocol(stream), "ultralytics-tidy-test", log_tidy(work))
    logger = logging.getLogger("ultralytics-tidy-test")
    logger.setLevel(logging.INFO)
    logger.info(message.format(work=work))
    return [json.loads(line)["message"] for line in stream.getvalue().splitlines()]


def test_export_complete_message_loses_its_cli_hints_and_scratch_paths(tmp_path):
    # The message Ultralytics 8.3's exporter logs when an export ends (engine/exporter.py), word for word.
    message = (
        "\nExport complete (2.9s)"
        "\nResults saved to \x1b[1m{work}/model.onnx\x1b[0m"
        "\nPredict:         yolo predict task=detect model={work}/model.onnx imgsz=160 "
        "\nValidate:        yolo val task=detect model={work}/model.onnx imgsz=160  "
        "\nVisualize:       https://netron.app"
    )
    assert _logged(tmp_path, message) == ["Export complete (2.9s)\nResults saved to model.onnx"]


def test_success_line_names_the_file_not_the_scratch_folder(tmp_path):
    line = "ONNX: export success ✅ 2.8s, saved as '{work}/model.onnx' (3.2 MB)"
    assert _logged(tmp_path, line) == ["ONNX: export success ✅ 2.8s, saved as 'model.onnx' (3.2 MB)"]


def test_a_message_of_hints_only_is_dropped(tmp_path):
    assert _logged(tmp_path, "Visualize:       https://netron.app") == []
