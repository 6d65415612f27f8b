// Detection heads → boxes: Ultralytics' confidence filter and per-class NMS (or an end-to-end output's rows), as the
// reference (native-runtimes/typescript/detect.ts, nms.ts, boxes.ts). Numbers are doubles of the float32 outputs.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "model_wrapper.h"

namespace edgepack {

/** [x1, y1, x2, y2] in model-input pixels. */
using Box = std::array<double, 4>;

struct RawDetection {
  Box box;
  double score = 0;
  int class_id = 0;
  /** Channels after the class scores for this anchor: mask coefficients (segment) or keypoints (pose). */
  std::vector<float> extra;
};

struct DetectSettings {
  NmsSettings nms;
  std::optional<std::vector<int>> classes;
  int num_classes = 0;
  bool end_to_end = false;
};

/** JavaScript's Math.round: halves up, exactly (no error from adding ½ first). */
double roundHalfUp(double value);

/** [1, 4 + classes + extra, anchors] through NMS, or [1, rows, 6 + extra] end-to-end rows through the filter. */
std::vector<RawDetection> decodeDetections(const RawOutput& output, const DetectSettings& settings);

}  // namespace edgepack
