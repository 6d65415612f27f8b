// metadata.json → ModelFacts, as the reference reads it (native-runtimes/typescript/metadata.ts, model-info.ts,
// preprocess.ts): an export's metadata.json has its first format's document at the top and every format's under
// `formats`; the document whose `model_file` is this model's file applies.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model_wrapper.h"

namespace edgepack {
namespace {

using Json = nlohmann::json;

const char* const kMetadataHint = "Use the metadata.json the Edgepack export wrote beside the model, unchanged.";

Error invalidField(const std::string& path, const std::string& field, const std::string& why) {
  return Error(path + ": field \"" + field + "\" " + why + ".", kMetadataHint);
}

Json readJson(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw Error("No metadata.json at " + path + ".",
                "Give the metadata.json of the export (it sits beside model.onnx in the bundle's root).");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return Json::parse(text.str());
  } catch (const Json::parse_error& e) {
    throw Error(path + " is not valid JSON: " + e.what(), kMetadataHint);
  }
}

/** The top level without `formats`, or the `formats` entry whose model_file is this file (metadataForModelFile). */
Json documentFor(const Json& metadata, const std::string& path, const std::string& model_file) {
  if (!metadata.is_object()) throw Error(path + " is not a JSON object.", kMetadataHint);
  auto formats = metadata.find("formats");
  if (formats != metadata.end() && formats->is_object()) {
    for (const auto& [format, document] : formats->items()) {
      auto named = document.find("model_file");
      if (document.is_object() && named != document.end() && *named == model_file) return document;
    }
  }
  auto named = metadata.find("model_file");
  if (named == metadata.end() || !named->is_string() || *named == model_file) {
    Json top = metadata;
    top.erase("formats");
    return top;
  }
  throw Error(path + " describes " + named->get<std::string>() + ", not " + model_file + ".",
              "Give the metadata.json of the export this model file belongs to.");
}

/** A child object, or an empty one when absent; an error when present but not an object. */
const Json& objectAt(const Json& parent, const char* key, const std::string& path, const std::string& field) {
  static const Json empty = Json::object();
  auto found = parent.find(key);
  if (found == parent.end() || found->is_null()) return empty;
  if (!found->is_object()) throw invalidField(path, field, "must be an object");
  return *found;
}

std::optional<double> numberAt(const Json& parent, const char* key, const std::string& path,
                               const std::string& field) {
  auto found = parent.find(key);
  if (found == parent.end() || found->is_null()) return std::nullopt;
  if (!found->is_number()) throw invalidField(path, field, "must be a number");
  return found->get<double>();
}

std::optional<bool> boolAt(const Json& parent, const char* key, const std::string& path, const std::string& field) {
  auto found = parent.find(key);
  if (found == parent.end() || found->is_null()) return std::nullopt;
  if (!found->is_boolean()) throw invalidField(path, field, "must be true or false");
  return found->get<bool>();
}

std::optional<std::array<double, 3>> tripleAt(const Json& parent, const char* key, const std::string& path,
                                              const std::string& field) {
  auto found = parent.find(key);
  if (found == parent.end() || found->is_null()) return std::nullopt;
  if (!found->is_array() || found->size() != 3 || !(*found)[0].is_number() || !(*found)[1].is_number() ||
      !(*found)[2].is_number()) {
    throw invalidField(path, field, "must be three numbers (one per channel)");
  }
  return std::array<double, 3>{(*found)[0].get<double>(), (*found)[1].get<double>(), (*found)[2].get<double>()};
}

std::optional<std::array<int, 2>> pairOf(const Json& value) {
  if (value.is_number_integer()) return std::array<int, 2>{value.get<int>(), value.get<int>()};
  if (value.is_array() && value.size() == 2 && value[0].is_number_integer() && value[1].is_number_integer()) {
    return std::array<int, 2>{value[0].get<int>(), value[1].get<int>()};
  }
  return std::nullopt;
}

std::string nameText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

/** Class names by id, from a list or an {"id": "name"} object. */
std::vector<std::string> namesOf(const Json& document, const std::string& path) {
  auto found = document.find("names");
  if (found == document.end() || found->is_null() || found->empty()) {
    throw invalidField(path, "names", "is missing: the model's class names are needed");
  }
  std::vector<std::string> names;
  if (found->is_array()) {
    for (const auto& name : *found) names.push_back(nameText(name));
    return names;
  }
  if (!found->is_object()) throw invalidField(path, "names", "must be a list or an {id: name} object");
  names.resize(found->size());
  std::vector<bool> seen(found->size());
  for (const auto& [key, name] : found->items()) {
    char* end = nullptr;
    long id = std::strtol(key.c_str(), &end, 10);
    if (key.empty() || *end != '\0' || id < 0 || id >= static_cast<long>(names.size()) || seen[id]) {
      throw invalidField(path, "names", "has class id \"" + key + "\", out of range 0–" +
                                            std::to_string(names.size() - 1));
    }
    seen[id] = true;
    names[id] = nameText(name);
  }
  return names;
}

Task taskOf(const Json& document, const std::string& path) {
  auto found = document.find("task");
  if (found == document.end() || !found->is_string()) throw invalidField(path, "task", "is missing");
  const std::string task = found->get<std::string>();
  if (task == "detect") return Task::Detect;
  if (task == "segment") return Task::Segment;
  if (task == "classify") return Task::Classify;
  if (task == "pose") return Task::Pose;
  throw invalidField(path, "task", "is \"" + task + "\"; this wrapper runs detect, segment, classify and pose");
}

std::vector<OutputSpec> outputsOf(const Json& document, const std::string& path) {
  std::vector<OutputSpec> outputs;
  auto found = document.find("outputs");
  if (found == document.end() || found->is_null()) return outputs;
  if (!found->is_array()) throw invalidField(path, "outputs", "must be a list");
  for (size_t i = 0; i < found->size(); i++) {
    const Json& output = (*found)[i];
    const std::string field = "outputs[" + std::to_string(i) + "]";
    if (!output.is_object()) throw invalidField(path, field, "must be an object");
    OutputSpec spec;
    if (output.contains("name") && output["name"].is_string()) spec.name = output["name"].get<std::string>();
    if (output.contains("shape")) {
      if (!output["shape"].is_array()) throw invalidField(path, field + ".shape", "must be a list");
      for (const auto& dim : output["shape"]) spec.shape.push_back(dim.is_number_integer() ? dim.get<int64_t>() : -1);
    }
    outputs.push_back(spec);
  }
  return outputs;
}

PreprocessSpec preprocessOf(const Json& document, Task task, const std::string& path) {
  PreprocessSpec spec;
  spec.letterbox = task != Task::Classify;
  const Json& pre = objectAt(document, "preprocessing", path, "preprocessing");
  const Json& resize = objectAt(pre, "resize", path, "preprocessing.resize");
  auto mode = resize.find("mode");
  if (mode != resize.end() && !mode->is_null()) {
    if (*mode != "letterbox" && *mode != "shortest_edge_center_crop") {
      throw invalidField(path, "preprocessing.resize.mode",
                         "is " + mode->dump() + "; expected \"letterbox\" or \"shortest_edge_center_crop\"");
    }
    spec.letterbox = *mode == "letterbox";
  }
  if (auto pad = numberAt(resize, "pad_value", path, "preprocessing.resize.pad_value")) {
    spec.pad_value = static_cast<int>(*pad);
  }
  auto order = pre.find("color_order");
  if (order != pre.end() && !order->is_null()) {
    if (*order != "RGB" && *order != "BGR") {
      throw invalidField(path, "preprocessing.color_order", "is " + order->dump() + "; expected \"RGB\" or \"BGR\"");
    }
    spec.bgr = *order == "BGR";
  }
  if (auto scale = numberAt(pre, "scale", path, "preprocessing.scale"); scale && *scale > 0) spec.scale = *scale;
  if (auto mean = tripleAt(pre, "mean", path, "preprocessing.mean")) spec.mean = *mean;
  if (auto std = tripleAt(pre, "std", path, "preprocessing.std")) {
    if ((*std)[0] == 0 || (*std)[1] == 0 || (*std)[2] == 0) {
      throw invalidField(path, "preprocessing.std", "has a zero (every channel's value is divided by it)");
    }
    spec.std = *std;
  }
  return spec;
}

void readInputSize(const Json& document, const std::string& path, ModelFacts& facts) {
  const Json& input = objectAt(document, "input", path, "input");
  if (input.contains("name") && input["name"].is_string()) facts.input_name = input["name"].get<std::string>();
  std::optional<std::array<int, 2>> size;
  if (document.contains("imgsz")) size = pairOf(document["imgsz"]);
  auto shape = input.find("shape");
  if (!size && shape != input.end() && shape->is_array() && shape->size() == 4 && (*shape)[2].is_number_integer() &&
      (*shape)[3].is_number_integer()) {
    size = std::array<int, 2>{(*shape)[2].get<int>(), (*shape)[3].get<int>()};
  }
  if (!size) return;  // a dynamic input: the wrapper takes the size from the model (model_wrapper.cpp)
  if ((*size)[0] < 1 || (*size)[1] < 1) throw invalidField(path, "input.shape", "has a size below 1 pixel");
  facts.input_height = (*size)[0];
  facts.input_width = (*size)[1];
}

void readPostprocessing(const Json& document, const std::string& path, ModelFacts& facts) {
  const Json& post = objectAt(document, "postprocessing", path, "postprocessing");
  const Json& decoder = objectAt(post, "decoder", path, "postprocessing.decoder");
  const Json& nms = objectAt(post, "nms", path, "postprocessing.nms");
  facts.end_to_end = boolAt(decoder, "nms_applied", path, "postprocessing.decoder.nms_applied").value_or(false) ||
                     boolAt(nms, "embedded", path, "postprocessing.nms.embedded").value_or(false);
  if (auto conf = numberAt(nms, "conf", path, "postprocessing.nms.conf")) facts.nms.conf = *conf;
  if (auto iou = numberAt(nms, "iou", path, "postprocessing.nms.iou")) facts.nms.iou = *iou;
  if (auto max_det = numberAt(nms, "max_det", path, "postprocessing.nms.max_det")) {
    facts.nms.max_det = static_cast<int>(*max_det);
  }
  if (auto agnostic = boolAt(nms, "agnostic", path, "postprocessing.nms.agnostic")) facts.nms.agnostic = *agnostic;
  if (facts.task != Task::Pose) return;
  const Json& keypoints = objectAt(decoder, "keypoints", path, "postprocessing.decoder.keypoints");
  std::optional<std::array<int, 2>> shape;
  if (keypoints.contains("shape")) shape = pairOf(keypoints["shape"]);
  else if (document.contains("kpt_shape")) shape = pairOf(document["kpt_shape"]);
  if (!shape || (*shape)[0] < 1 || ((*shape)[1] != 2 && (*shape)[1] != 3)) {
    throw invalidField(path, "postprocessing.decoder.keypoints.shape",
                       "is missing or not [keypoints, 2 or 3]: a pose model's keypoint layout is needed");
  }
  facts.keypoint_count = (*shape)[0];
  facts.keypoint_values = (*shape)[1];
}

}  // namespace

ModelFacts loadModelFacts(const std::string& metadata_path, const std::string& model_file_name) {
  const Json document = documentFor(readJson(metadata_path), metadata_path, model_file_name);
  ModelFacts facts;
  facts.source = metadata_path;
  facts.task = taskOf(document, metadata_path);
  facts.task_name = document["task"].get<std::string>();
  facts.names = namesOf(document, metadata_path);
  readInputSize(document, metadata_path, facts);
  readPostprocessing(document, metadata_path, facts);
  facts.preprocess = preprocessOf(document, facts.task, metadata_path);
  facts.outputs = outputsOf(document, metadata_path);
  return facts;
}

}  // namespace edgepack
