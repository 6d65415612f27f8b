// example [model.onnx [metadata.json]] image... [--json] [--conf C] [--iou I] [--top K] [--repeat N]
// Prints the model's predictions for each image (with --json, as `edgepack predict --json` prints them); with
// --repeat N, runs each image N times and prints the median milliseconds of each stage as JSON instead.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "json_out.h"
#include "model_wrapper.h"
#include "predictions_json.h"

#ifndef EDGEPACK_BUNDLE_ROOT
#define EDGEPACK_BUNDLE_ROOT "../.."
#endif

namespace fs = std::filesystem;
using edgepack::JsonValue;

namespace {

struct Arguments {
  std::string model;
  std::string metadata;
  std::vector<std::string> images;
  edgepack::Options options;
  bool json = false;
  int repeat = 0;
};

const char* const kUsage =
    "usage: example [model.onnx [metadata.json]] image... [--json] [--conf C] [--iou I] [--top K] [--repeat N]\n"
    "  model.onnx defaults to the bundle's (" EDGEPACK_BUNDLE_ROOT "/model.onnx), metadata.json to the one beside "
    "the model.\n";

bool endsWith(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

double numberArgument(const std::string& flag, const char* text, double min, double max) {
  char* end = nullptr;
  const double value = text ? std::strtod(text, &end) : 0;
  if (!text || *end != '\0' || !(value >= min && value <= max)) {
    throw edgepack::Error(flag + " must be a number from " + edgepack::jsNumber(min) + " to " + edgepack::jsNumber(max) +
                              ", not \"" + (text ? text : "") + "\".",
                          std::string("e.g. ") + flag + " " + edgepack::jsNumber(max > 1 ? 5 : 0.25));
  }
  return value;
}

Arguments parseArguments(int argc, char** argv) {
  Arguments args;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--json") args.json = true;
    else if (arg == "--conf") args.options.conf = numberArgument(arg, next, 0, 1), i++;
    else if (arg == "--iou") args.options.iou = numberArgument(arg, next, 0, 1), i++;
    else if (arg == "--top") args.options.top_k = static_cast<int>(numberArgument(arg, next, 1, 100)), i++;
    else if (arg == "--repeat") args.repeat = static_cast<int>(numberArgument(arg, next, 1, 100000)), i++;
    else if (arg.rfind("--", 0) == 0) throw edgepack::Error("Unknown option " + arg + ".", kUsage);
    else positional.push_back(arg);
  }
  size_t at = 0;
  args.model = at < positional.size() && endsWith(positional[at], ".onnx") ? positional[at++]
                                                                            : EDGEPACK_BUNDLE_ROOT "/model.onnx";
  args.metadata = at < positional.size() && endsWith(positional[at], ".json")
                      ? positional[at++]
                      : (fs::path(args.model).parent_path() / "metadata.json").string();
  args.images.assign(positional.begin() + static_cast<long>(at), positional.end());
  if (args.images.empty()) throw edgepack::Error("No images were given.", kUsage);
  return args;
}

JsonValue imageValue(const std::string& path, cv::Size size) {
  const fs::path absolute = fs::absolute(path).lexically_normal();
  return JsonValue::Object{{"path", absolute.string()},
                           {"name", absolute.filename().string()},
                           {"width", size.width},
                           {"height", size.height}};
}

std::string text(const std::string& name, cv::Size size, const std::vector<edgepack::Prediction>& predictions) {
  char line[256];
  std::string out = name + "  " + std::to_string(size.width) + "x" + std::to_string(size.height) + "  " +
                    std::to_string(predictions.size()) + " predictions\n";
  for (const auto& p : predictions) {
    std::snprintf(line, sizeof line, "  %-16s %.4f", p.class_name.c_str(), p.confidence);
    out += line;
    if (p.bbox) {
      std::snprintf(line, sizeof line, "  [%.1f, %.1f, %.1f, %.1f]", (*p.bbox)[0], (*p.bbox)[1], (*p.bbox)[2],
                    (*p.bbox)[3]);
      out += line;
    }
    if (p.keypoints) out += "  " + std::to_string(p.keypoints->size()) + " keypoints";
    if (p.mask) out += "  mask";
    out += "\n";
  }
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/** Median milliseconds of each stage over `repeat` runs of every image. */
JsonValue benchmark(edgepack::ModelWrapper& model, const Arguments& args) {
  std::vector<double> decode, preprocess, inference, postprocess, total;
  for (const auto& image : args.images) {
    for (int r = 0; r < args.repeat; r++) {
      edgepack::StageTimings t;
      model.predict(image, args.options, &t);
      decode.push_back(t.decode);
      preprocess.push_back(t.preprocess);
      inference.push_back(t.inference);
      postprocess.push_back(t.postprocess);
      total.push_back(t.decode + t.preprocess + t.inference + t.postprocess);
    }
  }
  const auto ms = [](const std::vector<double>& v) { return std::round(median(v) * 1000) / 1000; };
  return JsonValue::Object{{"images", static_cast<int>(args.images.size())},
                           {"repeat", args.repeat},
                           {"median_ms", JsonValue::Object{{"decode", ms(decode)},
                                                           {"preprocess", ms(preprocess)},
                                                           {"inference", ms(inference)},
                                                           {"postprocess", ms(postprocess)},
                                                           {"total", ms(total)}}}};
}

int run(int argc, char** argv) {
  const Arguments args = parseArguments(argc, argv);
  edgepack::ModelWrapper model(args.model, args.metadata);
  if (args.repeat > 0) {
    std::cout << edgepack::stringify(benchmark(model, args)) << "\n";
    return 0;
  }
  JsonValue::Array results;
  for (const auto& image : args.images) {
    cv::Size size;
    const auto predictions = model.predict(image, args.options, nullptr, &size);
    if (!args.json) {
      std::cout << text(fs::path(image).filename().string(), size, predictions);
      continue;
    }
    results.push_back(JsonValue::Object{{"image", imageValue(image, size)},
                                        {"task", model.facts().task_name},
                                        {"predictions", edgepack::predictionsValue(predictions)}});
  }
  if (args.json) std::cout << edgepack::stringify(JsonValue::Object{{"results", std::move(results)}}) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const edgepack::Error& e) {
    std::cerr << "error: " << e.what() << "\nhint: " << e.hint << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return 1;
}
