// The model through ONNX Runtime's C++ API, checked against its metadata.json, and the whole prediction with timings.
#include "model_wrapper.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <onnxruntime_cxx_api.h>

namespace edgepack {
namespace {

const char* const kImageModelHint = "Use an image model (detect, segment, classify, pose) exported by Edgepack.";
const char* const kMismatchHint = "Give the metadata.json exported with this model file (they sit side by side).";

/** Fixed dimensions that differ (an open dimension, -1 or 0, matches anything). */
bool shapesDiffer(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (a.size() != b.size()) return true;
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i] > 0 && b[i] > 0 && a[i] != b[i]) return true;
  }
  return false;
}

std::vector<float> toFloats(const Ort::Value& value, const std::string& name) {
  const auto info = value.GetTensorTypeAndShapeInfo();
  const size_t count = info.GetElementCount();
  std::vector<float> out(count);
  switch (info.GetElementType()) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: {
      const float* data = value.GetTensorData<float>();
      std::copy(data, data + count, out.begin());
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: {
      const Ort::Float16_t* data = value.GetTensorData<Ort::Float16_t>();
      for (size_t i = 0; i < count; i++) out[i] = data[i].ToFloat();
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: {
      const double* data = value.GetTensorData<double>();
      for (size_t i = 0; i < count; i++) out[i] = static_cast<float>(data[i]);
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: {
      const int32_t* data = value.GetTensorData<int32_t>();
      for (size_t i = 0; i < count; i++) out[i] = static_cast<float>(data[i]);
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: {
      const int64_t* data = value.GetTensorData<int64_t>();
      for (size_t i = 0; i < count; i++) out[i] = static_cast<float>(data[i]);
      break;
    }
    default:
      throw Error("The model's output \"" + name + "\" holds values of ONNX type " +
                      std::to_string(info.GetElementType()) + ", which the wrapper cannot decode.",
                  "Export the model with float outputs (Ultralytics exports do).");
  }
  return out;
}

/**
 * ONNX Runtime's environment with its usage telemetry off. From 1.29 ORT sends telemetry from Linux, macOS, Android
 * and iOS by default (uploads to Microsoft, a device id under ~/.cache/Microsoft, /tmp/mat-debug-<pid>.log), decided
 * once when the first environment is made; ORT_DISABLE_TELEMETRY=1 before that is its whole opt-out (and takes
 * ~25 ms off the example's start here). A value the program's user set is kept. Windows builds report
 * through ETW, which DisableTelemetryEvents turns off.
 */
Ort::Env telemetryFreeEnv() {
#ifndef _WIN32
  setenv("ORT_DISABLE_TELEMETRY", "1", /*overwrite=*/0);
#endif
  Ort::Env env{ORT_LOGGING_LEVEL_WARNING, "edgepack"};
  const char* setting = std::getenv("ORT_DISABLE_TELEMETRY");
  if (!setting || std::string(setting) != "0") env.DisableTelemetryEvents();
  return env;
}

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

struct ModelWrapper::Session {
  Ort::Env env = telemetryFreeEnv();
  Ort::Session session{nullptr};
  std::string input_name;
  bool half_input = false;
  std::vector<std::string> output_names;
};

ModelWrapper::ModelWrapper(const std::string& model_path, const std::string& metadata_path)
    : session_(std::make_unique<Session>()) {
  if (!std::filesystem::is_regular_file(model_path)) {
    throw Error("No model file at " + model_path + ".", "Give the model.onnx of the export (the bundle's root).");
  }
  const std::string file_name = std::filesystem::path(model_path).filename().string();
  facts_ = loadModelFacts(metadata_path, file_name);
  Ort::SessionOptions options;
  options.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
  options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
  try {
    // The path in the platform's own characters (ONNX Runtime takes wide strings on Windows).
    session_->session = Ort::Session(session_->env, std::filesystem::path(model_path).c_str(), options);
  } catch (const Ort::Exception& e) {
    throw Error(model_path + " is not an ONNX model ONNX Runtime can load: " + e.what(),
                "Give the model.onnx an Edgepack export wrote; if it was one, it is damaged — export again.");
  }
  Ort::Session& s = session_->session;
  Ort::AllocatorWithDefaultOptions allocator;
  if (s.GetInputCount() != 1) {
    throw Error(file_name + " has " + std::to_string(s.GetInputCount()) +
                    " inputs, where the wrapper feeds one [1, 3, height, width] image tensor.",
                kImageModelHint);
  }
  const Ort::TypeInfo input_info = s.GetInputTypeInfo(0);  // owns what the shape info below reads
  const auto input_type = input_info.GetTensorTypeAndShapeInfo();
  const std::vector<int64_t> input_shape = input_type.GetShape();
  session_->input_name = s.GetInputNameAllocated(0, allocator).get();
  session_->half_input = input_type.GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16;
  const bool float_input = session_->half_input || input_type.GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
  if (input_shape.size() != 4 || !float_input || (input_shape[1] > 0 && input_shape[1] != 3)) {
    throw Error(file_name + " does not take an image: its input is \"" + session_->input_name + "\" " +
                    shapeText(input_shape) + ", where the wrapper feeds one [1, 3, height, width] float tensor.",
                kImageModelHint);
  }
  resolveInputSize(input_shape, file_name);
  const size_t output_count = s.GetOutputCount();
  if (!facts_.outputs.empty() && facts_.outputs.size() != output_count) {
    throw Error(file_name + " has " + std::to_string(output_count) + " outputs, but " + facts_.source + " lists " +
                    std::to_string(facts_.outputs.size()) + " (field outputs; task " + facts_.task_name + ").",
                kMismatchHint);
  }
  for (size_t i = 0; i < output_count; i++) {
    session_->output_names.push_back(s.GetOutputNameAllocated(i, allocator).get());
    const Ort::TypeInfo output_info = s.GetOutputTypeInfo(i);
    const std::vector<int64_t> shape = output_info.GetTensorTypeAndShapeInfo().GetShape();
    if (!facts_.outputs.empty() && shapesDiffer(shape, facts_.outputs[i].shape)) {
      throw Error(file_name + "'s output \"" + session_->output_names.back() + "\" is " + shapeText(shape) + ", but " +
                      facts_.source + " says " + shapeText(facts_.outputs[i].shape) + " (field outputs[" +
                      std::to_string(i) + "].shape).",
                  kMismatchHint);
    }
  }
}

ModelWrapper::~ModelWrapper() = default;

void ModelWrapper::resolveInputSize(const std::vector<int64_t>& input_shape, const std::string& file_name) {
  if (facts_.input_height > 0) {
    const std::vector<int64_t> declared{1, 3, facts_.input_height, facts_.input_width};
    if (shapesDiffer(input_shape, declared)) {
      throw Error(file_name + "'s input is " + shapeText(input_shape) + ", but " + facts_.source + " says " +
                      shapeText(declared) + " (field input.shape).",
                  kMismatchHint);
    }
  }
  if (input_shape[2] > 0 && input_shape[3] > 0) {
    facts_.input_height = static_cast<int>(input_shape[2]);
    facts_.input_width = static_cast<int>(input_shape[3]);
    return;
  }
  if (facts_.input_height > 0) return;
  // A dynamic input and a metadata.json that leaves the size open: Ultralytics' own note in the ONNX file, as the
  // app's preview reads it ("imgsz": "[640, 640]").
  Ort::AllocatorWithDefaultOptions allocator;
  const auto note = session_->session.GetModelMetadata().LookupCustomMetadataMapAllocated("imgsz", allocator);
  const nlohmann::json imgsz = note ? nlohmann::json::parse(note.get(), nullptr, false) : nlohmann::json();
  if (imgsz.is_number_integer() && imgsz.get<int>() > 0) {
    facts_.input_height = facts_.input_width = imgsz.get<int>();
  } else if (imgsz.is_array() && imgsz.size() == 2 && imgsz[0].is_number_integer() && imgsz[1].is_number_integer() &&
             imgsz[0].get<int>() > 0 && imgsz[1].get<int>() > 0) {
    facts_.input_height = imgsz[0].get<int>();
    facts_.input_width = imgsz[1].get<int>();
  } else {
    throw Error(facts_.source + ": field \"input.shape\" leaves the input size open, and " + file_name +
                    " does not say it either: the model's input size ([1, 3, height, width]) is needed.",
                "Use the metadata.json the Edgepack export wrote beside the model, or export with a fixed size.");
  }
}

std::string shapeText(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); i++) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

std::vector<RawOutput> ModelWrapper::infer(const PreparedInput& input) {
  const std::vector<int64_t> dims{1, 3, input.placement.input_height, input.placement.input_width};
  Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::vector<Ort::Float16_t> half;
  Ort::Value tensor{nullptr};
  if (session_->half_input) {
    half.reserve(input.tensor.size());
    for (float v : input.tensor) half.emplace_back(v);
    tensor = Ort::Value::CreateTensor<Ort::Float16_t>(memory, half.data(), half.size(), dims.data(), dims.size());
  } else {
    tensor = Ort::Value::CreateTensor<float>(memory, const_cast<float*>(input.tensor.data()), input.tensor.size(),
                                             dims.data(), dims.size());
  }
  const char* input_name = session_->input_name.c_str();
  std::vector<const char*> output_names;
  for (const auto& name : session_->output_names) output_names.push_back(name.c_str());
  auto values = session_->session.Run(Ort::RunOptions{nullptr}, &input_name, &tensor, 1, output_names.data(),
                                      output_names.size());
  std::vector<RawOutput> outputs;
  for (size_t i = 0; i < values.size(); i++) {
    const std::string& name = session_->output_names[i];
    outputs.push_back({name, values[i].GetTensorTypeAndShapeInfo().GetShape(), toFloats(values[i], name)});
  }
  return outputs;
}

std::vector<Prediction> ModelWrapper::predict(const std::string& image_path, const Options& options,
                                              StageTimings* timings, cv::Size* image_size) {
  auto start = std::chrono::steady_clock::now();
  const cv::Mat rgb = decodeImage(image_path);
  if (image_size) *image_size = rgb.size();
  StageTimings t;
  t.decode = millisecondsSince(start);
  start = std::chrono::steady_clock::now();
  prepareInputInto(facts_, rgb, input_);
  t.preprocess = millisecondsSince(start);
  start = std::chrono::steady_clock::now();
  const std::vector<RawOutput> outputs = infer(input_);
  t.inference = millisecondsSince(start);
  start = std::chrono::steady_clock::now();
  std::vector<Prediction> predictions = postprocess(facts_, outputs, input_.placement, options);
  t.postprocess = millisecondsSince(start);
  if (timings) *timings = t;
  return predictions;
}

}  // namespace edgepack
