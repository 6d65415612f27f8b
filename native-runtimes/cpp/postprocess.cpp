// Everything after inference, per task, in the photo's pixels (native-runtimes/typescript/postprocess.ts,
// classify.ts, keypoints.ts), with every number rounded once as the reference's roundTo does.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "detections.h"
#include "masks.h"
#include "model_wrapper.h"

namespace edgepack {
namespace {

/** JavaScript's Math.round(value · 10^digits) / 10^digits: halves up, as the reference rounds every number. */
double roundTo(double value, int digits) {
  const double factor = std::pow(10.0, digits);
  return roundHalfUp(value * factor) / factor;
}

double clampTo(double value, double max) { return value < 0 ? 0 : value > max ? max : value; }

/** Ultralytics' scale_coords: from model-input pixels to the photo's, undoing padding and per-axis gain, clipped. */
std::array<double, 2> toSource(double x, double y, const InputPlacement& p) {
  const double gain_x = static_cast<double>(p.resized_width) / p.source_width;
  const double gain_y = static_cast<double>(p.resized_height) / p.source_height;
  return {clampTo((x - p.left) / gain_x, p.source_width), clampTo((y - p.top) / gain_y, p.source_height)};
}

Error outputMismatch(const ModelFacts& facts, const std::string& why) {
  return Error("The model's outputs do not match " + facts.source + " (task " + facts.task_name + ", " +
                   std::to_string(facts.names.size()) + " classes): " + why + ".",
               "Give the metadata.json exported with this model file.");
}

Prediction classPrediction(const ModelFacts& facts, int class_id, double score) {
  Prediction p;
  p.class_name = class_id >= 0 && class_id < static_cast<int>(facts.names.size()) ? facts.names[class_id]
                                                                                   : std::to_string(class_id);
  p.class_id = class_id;
  p.confidence = roundTo(score, 5);
  return p;
}

/** Probabilities as they are when they already sum to 1, else through softmax (float32 steps as the reference). */
std::vector<float> toProbabilities(const std::vector<float>& values) {
  double sum = 0;
  bool in_range = true;
  for (float v : values) {
    sum += v;
    if (v < 0 || v > 1) in_range = false;
  }
  if (in_range && std::abs(sum - 1) < 1e-3) return values;
  const double max = *std::max_element(values.begin(), values.end());
  std::vector<float> exps(values.size());
  double total = 0;
  for (size_t i = 0; i < values.size(); i++) {
    exps[i] = static_cast<float>(std::exp(values[i] - max));
    total += exps[i];
  }
  for (float& e : exps) e = static_cast<float>(e / total);
  return exps;
}

std::vector<Prediction> classify(const ModelFacts& facts, const RawOutput& output, const Options& options) {
  if (output.data.size() != facts.names.size()) {
    throw outputMismatch(facts, "output \"" + output.name + "\" is " + shapeText(output.dims) + ", not [1, " +
                                    std::to_string(facts.names.size()) + "]");
  }
  const std::vector<float> probabilities = toProbabilities(output.data);
  std::vector<int> ids;
  for (int id = 0; id < static_cast<int>(probabilities.size()); id++) {
    if (!options.classes || std::count(options.classes->begin(), options.classes->end(), id)) ids.push_back(id);
  }
  std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return probabilities[a] > probabilities[b]; });
  ids.resize(std::min(ids.size(), static_cast<size_t>(std::max(0, options.top_k))));
  std::vector<Prediction> top;
  for (int id : ids) top.push_back(classPrediction(facts, id, probabilities[id]));
  return top;
}

void checkDetectionOutputs(const ModelFacts& facts, const std::vector<RawOutput>& outputs) {
  const RawOutput& first = outputs[0];
  if (first.dims.size() != 3 || first.dims[0] != 1) {
    throw outputMismatch(facts, "output \"" + first.name + "\" is " + shapeText(first.dims) +
                                    ", not [1, channels, anchors]");
  }
  const bool end_to_end = facts.end_to_end || first.dims[2] == 6;
  const int64_t extra = end_to_end ? first.dims[2] - 6 : first.dims[1] - 4 - static_cast<int64_t>(facts.names.size());
  int64_t needed = 0;
  if (facts.task == Task::Segment) {
    if (outputs.size() < 2 || outputs[1].dims.size() != 4 || outputs[1].dims[0] != 1) {
      throw outputMismatch(facts, "a segment model's second output holds mask prototypes [1, 32, height, width]");
    }
    needed = outputs[1].dims[1];
  } else if (facts.task == Task::Pose) {
    needed = static_cast<int64_t>(facts.keypoint_count) * facts.keypoint_values;
  }
  if (extra != needed) {
    throw outputMismatch(facts, "output \"" + first.name + "\" is " + shapeText(first.dims) + ", which leaves " +
                                    std::to_string(extra) + " values per box after the box and class scores, not " +
                                    std::to_string(needed));
  }
}

std::vector<Keypoint> keypointsOf(const ModelFacts& facts, const std::vector<float>& values, const InputPlacement& p) {
  std::vector<Keypoint> points;
  for (int k = 0; k < facts.keypoint_count; k++) {
    const float* v = values.data() + static_cast<size_t>(k) * facts.keypoint_values;
    const auto [x, y] = toSource(v[0], v[1], p);
    Keypoint point{roundTo(x, 2), roundTo(y, 2), std::nullopt};
    if (facts.keypoint_values >= 3) point.visibility = roundTo(v[2], 4);
    points.push_back(point);
  }
  return points;
}

}  // namespace

std::vector<Prediction> postprocess(const ModelFacts& facts, const std::vector<RawOutput>& outputs,
                                    const InputPlacement& placement, const Options& options) {
  if (outputs.empty()) throw outputMismatch(facts, "the model produced no output");
  if (facts.task == Task::Classify || !placement.letterbox) return classify(facts, outputs[0], options);
  checkDetectionOutputs(facts, outputs);
  DetectSettings settings;
  settings.nms.conf = options.conf.value_or(facts.nms.conf);
  settings.nms.iou = options.iou.value_or(facts.nms.iou);
  settings.nms.max_det = options.max_det.value_or(facts.nms.max_det);
  settings.nms.agnostic = options.agnostic.value_or(facts.nms.agnostic);
  settings.classes = options.classes;
  settings.num_classes = static_cast<int>(facts.names.size());
  settings.end_to_end = facts.end_to_end;
  std::vector<Prediction> predictions;
  for (const RawDetection& d : decodeDetections(outputs[0], settings)) {
    Prediction prediction = classPrediction(facts, d.class_id, d.score);
    const auto [x1, y1] = toSource(d.box[0], d.box[1], placement);
    const auto [x2, y2] = toSource(d.box[2], d.box[3], placement);
    prediction.bbox = std::array<double, 4>{roundTo(x1, 2), roundTo(y1, 2), roundTo(x2, 2), roundTo(y2, 2)};
    if (facts.task == Task::Segment) {
      const auto mask = instanceMask(outputs[1], d.extra, d.box, placement.input_width, placement.input_height);
      if (!mask) continue;  // Ultralytics drops a detection whose mask is empty
      prediction.has_mask = true;
      prediction.mask = maskToSource(*mask, placement);
    }
    if (facts.task == Task::Pose) prediction.keypoints = keypointsOf(facts, d.extra, placement);
    predictions.push_back(std::move(prediction));
  }
  return predictions;
}

}  // namespace edgepack
