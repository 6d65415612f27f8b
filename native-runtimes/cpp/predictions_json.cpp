#include "predictions_json.h"

namespace edgepack {
namespace {

JsonValue maskValue(const Mask& mask) {
  JsonValue::Array runs(mask.runs.begin(), mask.runs.end());
  return JsonValue::Object{{"x", mask.x}, {"y", mask.y}, {"width", mask.width}, {"height", mask.height},
                           {"runs", std::move(runs)}};
}

JsonValue keypointsValue(const std::vector<Keypoint>& keypoints) {
  JsonValue::Array points;
  for (const Keypoint& k : keypoints) {
    points.push_back(JsonValue::Array{k.x, k.y, k.visibility ? JsonValue(*k.visibility) : JsonValue(nullptr)});
  }
  return points;
}

JsonValue predictionValue(const Prediction& p) {
  JsonValue::Object object{{"class", p.class_name}, {"class_id", p.class_id}, {"confidence", p.confidence}};
  if (p.bbox) object.emplace_back("bbox", JsonValue::Array{(*p.bbox)[0], (*p.bbox)[1], (*p.bbox)[2], (*p.bbox)[3]});
  if (p.has_mask) object.emplace_back("mask", p.mask ? maskValue(*p.mask) : JsonValue(nullptr));
  if (p.keypoints) object.emplace_back("keypoints", keypointsValue(*p.keypoints));
  return object;
}

}  // namespace

JsonValue predictionsValue(const std::vector<Prediction>& predictions) {
  JsonValue::Array array;
  for (const Prediction& p : predictions) array.push_back(predictionValue(p));
  return array;
}

std::string predictionsJson(const std::vector<Prediction>& predictions, int depth) {
  return stringify(predictionsValue(predictions), depth);
}

}  // namespace edgepack
