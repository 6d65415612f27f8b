#include "detections.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace edgepack {
namespace {

/** Ultralytics caps the boxes entering NMS at this many, highest scores first. */
constexpr size_t kMaxNmsInput = 30000;
/** Ultralytics' per-class offset: boxes of different classes are moved this far apart so they never overlap. */
constexpr double kClassOffset = 7680;

bool allowed(const std::optional<std::vector<int>>& classes, int class_id) {
  return !classes || std::find(classes->begin(), classes->end(), class_id) != classes->end();
}

double boxArea(const Box& b) { return std::max(0.0, b[2] - b[0]) * std::max(0.0, b[3] - b[1]); }

double iou(const Box& a, const Box& b) {
  const double width = std::min(a[2], b[2]) - std::max(a[0], b[0]);
  const double height = std::min(a[3], b[3]) - std::max(a[1], b[1]);
  if (width <= 0 || height <= 0) return 0;
  const double intersection = width * height;
  return intersection / (boxArea(a) + boxArea(b) - intersection);
}

/** Greedy NMS as torchvision.ops.nms: highest score first (ties keep input order), at most max_det kept. */
std::vector<RawDetection> nonMaxSuppression(std::vector<RawDetection> candidates, const DetectSettings& s) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const RawDetection& a, const RawDetection& b) { return a.score > b.score; });
  std::vector<Box> shifted;
  shifted.reserve(candidates.size());
  for (const auto& c : candidates) {
    const double offset = s.nms.agnostic ? 0 : c.class_id * kClassOffset;
    shifted.push_back({c.box[0] + offset, c.box[1] + offset, c.box[2] + offset, c.box[3] + offset});
  }
  std::vector<char> suppressed(candidates.size());
  std::vector<RawDetection> kept;
  for (size_t i = 0; i < candidates.size() && static_cast<int>(kept.size()) < s.nms.max_det; i++) {
    if (suppressed[i]) continue;
    kept.push_back(std::move(candidates[i]));
    for (size_t j = i + 1; j < candidates.size(); j++) {
      if (!suppressed[j] && iou(shifted[i], shifted[j]) > s.nms.iou) suppressed[j] = 1;
    }
  }
  return kept;
}

std::vector<RawDetection> decodeAnchors(const RawOutput& output, const DetectSettings& s) {
  const int64_t channels = output.dims[1];
  const int64_t anchors = output.dims[2];
  const int64_t extra_count = channels - 4 - s.num_classes;
  const float* data = output.data.data();
  std::vector<RawDetection> candidates;
  for (int64_t a = 0; a < anchors; a++) {
    double best = -std::numeric_limits<double>::infinity();
    int best_class = 0;
    for (int c = 0; c < s.num_classes; c++) {
      const double score = data[(4 + c) * anchors + a];
      if (score > best) {
        best = score;
        best_class = c;
      }
    }
    if (!(best > s.nms.conf) || !allowed(s.classes, best_class)) continue;
    RawDetection d;
    d.extra.resize(extra_count);
    for (int64_t e = 0; e < extra_count; e++) d.extra[e] = data[(4 + s.num_classes + e) * anchors + a];
    const double cx = data[a], cy = data[anchors + a], half_w = data[2 * anchors + a] / 2.0,
                 half_h = data[3 * anchors + a] / 2.0;
    d.box = {cx - half_w, cy - half_h, cx + half_w, cy + half_h};
    d.score = best;
    d.class_id = best_class;
    candidates.push_back(std::move(d));
  }
  if (candidates.size() > kMaxNmsInput) {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const RawDetection& a, const RawDetection& b) { return a.score > b.score; });
    candidates.resize(kMaxNmsInput);
  }
  return nonMaxSuppression(std::move(candidates), s);
}

std::vector<RawDetection> decodeEndToEnd(const RawOutput& output, const DetectSettings& s) {
  const int64_t rows = output.dims[1];
  const int64_t width = output.dims[2];
  std::vector<RawDetection> detections;
  for (int64_t r = 0; r < rows && static_cast<int>(detections.size()) < s.nms.max_det; r++) {
    const float* row = output.data.data() + r * width;
    const double score = row[4];
    const int class_id = static_cast<int>(roundHalfUp(row[5]));
    if (!(score > s.nms.conf) || !allowed(s.classes, class_id)) continue;
    RawDetection d;
    d.box = {row[0], row[1], row[2], row[3]};
    d.score = score;
    d.class_id = class_id;
    d.extra.assign(row + 6, row + width);
    detections.push_back(std::move(d));
  }
  return detections;
}

}  // namespace

double roundHalfUp(double value) {
  double rounded = std::ceil(value);
  if (rounded - 0.5 > value) rounded -= 1.0;
  return rounded;
}

std::vector<RawDetection> decodeDetections(const RawOutput& output, const DetectSettings& settings) {
  const bool end_to_end = settings.end_to_end || output.dims[2] == 6;
  return end_to_end ? decodeEndToEnd(output, settings) : decodeAnchors(output, settings);
}

}  // namespace edgepack
