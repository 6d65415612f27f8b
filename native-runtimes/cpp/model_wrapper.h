// Edgepack's C++ runtime wrapper: runs an exported model.onnx with ONNX Runtime, every constant from its
// metadata.json, and answers with the predictions `edgepack predict --json` gives for the same image and options.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace edgepack {

/** A failure with a sentence for people (naming the file and field at fault) and what to do about it. */
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, std::string hint) : std::runtime_error(message), hint(std::move(hint)) {}
  std::string hint;
};

enum class Task { Detect, Segment, Classify, Pose };

struct NmsSettings {
  double conf = 0.25;
  double iou = 0.7;
  int max_det = 300;
  bool agnostic = false;
};

/** metadata.json's `preprocessing`; anything it leaves out is Ultralytics' default for the task. */
struct PreprocessSpec {
  bool letterbox = true;  // else shortest edge + centre crop (classify)
  int pad_value = 114;
  bool bgr = false;
  double scale = 1.0 / 255.0;
  std::array<double, 3> mean{0, 0, 0};
  std::array<double, 3> std{1, 1, 1};
};

/** One output as metadata.json declares it; -1 for a dimension it leaves open. */
struct OutputSpec {
  std::string name;
  std::vector<int64_t> shape;
};

/** Everything pre- and post-processing need, read from metadata.json (the document of this model's file). */
struct ModelFacts {
  Task task = Task::Detect;
  std::string task_name;
  std::vector<std::string> names;
  int input_height = 0;  // 0 when metadata.json leaves the size open (ModelWrapper reads it from the model)
  int input_width = 0;
  bool end_to_end = false;
  int keypoint_count = 0;   // pose: keypoints per object
  int keypoint_values = 0;  // pose: 2 (x, y) or 3 (x, y, visibility)
  NmsSettings nms;
  PreprocessSpec preprocess;
  std::string input_name;
  std::vector<OutputSpec> outputs;
  std::string source;  // the metadata.json path, for error messages
};

/** Reads `metadata_path`, picking the document of the model file named `model_file_name` (e.g. model.onnx). */
ModelFacts loadModelFacts(const std::string& metadata_path, const std::string& model_file_name);

/** [x, y, width, height] of the photo, with alternating runs of 0s and 1s, row by row, starting with 0s. */
struct Mask {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  std::vector<int64_t> runs;
};

struct Keypoint {
  double x = 0;
  double y = 0;
  std::optional<double> visibility;
};

/** The prediction vocabulary: `class`, `class_id`, `confidence`, plus `bbox`, `mask`, `keypoints` for objects. */
struct Prediction {
  std::string class_name;
  int class_id = 0;
  double confidence = 0;
  std::optional<std::array<double, 4>> bbox;  // absent for a classifier's classes
  bool has_mask = false;                      // segment: `mask` is present (null when it lies in the padding)
  std::optional<Mask> mask;
  std::optional<std::vector<Keypoint>> keypoints;
};

/** Thresholds and filters; anything left unset is metadata.json's default. */
struct Options {
  std::optional<double> conf;
  std::optional<double> iou;
  std::optional<int> max_det;
  std::optional<bool> agnostic;
  std::optional<std::vector<int>> classes;
  int top_k = 5;
};

/** Where the photo sits in the model input: letterbox placement, or the centre crop's offset in the resized image. */
struct InputPlacement {
  bool letterbox = true;
  int source_width = 0;
  int source_height = 0;
  int input_width = 0;
  int input_height = 0;
  int resized_width = 0;
  int resized_height = 0;
  int left = 0;
  int top = 0;
  int right = 0;
  int bottom = 0;
};

/** The model input, NCHW float32 (batch of one), and how the photo was placed in it. */
struct PreparedInput {
  std::vector<float> tensor;
  InputPlacement placement;
};

/** One raw model output as float32 (whatever its stored type), C order. */
struct RawOutput {
  std::string name;
  std::vector<int64_t> dims;
  std::vector<float> data;
};

/** Milliseconds per stage of one prediction. */
struct StageTimings {
  double decode = 0;
  double preprocess = 0;
  double inference = 0;
  double postprocess = 0;
};

/** Images above this many pixels are refused before decoding (the platform's and the app's 40 MP default). */
constexpr size_t kMaxImagePixels = 40000000;

/**
 * A JPEG or PNG as 8-bit RGB with cv::imread's pixels (EXIF orientation applied; image_decode.cpp); a clear error
 * for a missing file, a non-image or one above kMaxImagePixels. Built with -DEDGEPACK_IMGCODECS=ON, other formats go
 * through cv::imread.
 */
cv::Mat decodeImage(const std::string& path);

/** Ultralytics' LetterBox placement (Python's rounding) or torchvision's shortest edge + centre crop. */
InputPlacement placeInput(const ModelFacts& facts, int source_width, int source_height);

/** Resizes (cv::resize INTER_LINEAR letterbox, or Pillow's bilinear + centre crop) and normalises, as the spec says. */
PreparedInput prepareInput(const ModelFacts& facts, const cv::Mat& rgb);

/** prepareInput into `prepared`, reusing its tensor's memory (image after image of one size: no new allocation). */
void prepareInputInto(const ModelFacts& facts, const cv::Mat& rgb, PreparedInput& prepared);

/** Everything after inference: decoding, NMS, masks, keypoints, top-k — in the photo's pixels, rounded. */
std::vector<Prediction> postprocess(const ModelFacts& facts, const std::vector<RawOutput>& outputs,
                                    const InputPlacement& placement, const Options& options);

/** The predictions as `edgepack predict --json` prints them (JSON.stringify(…, null, 2)), indented by `depth` levels. */
std::string predictionsJson(const std::vector<Prediction>& predictions, int depth);

/** A tensor shape as error messages write it: [1, 7, 525]. */
std::string shapeText(const std::vector<int64_t>& dims);

class ModelWrapper {
 public:
  /**
   * Loads the model and its metadata.json; checks that the model's input and outputs match what it says. It also
   * sets ORT_DISABLE_TELEMETRY=1 in the process environment unless it is set already: ONNX Runtime 1.29+ sends
   * usage telemetry by default (see model_wrapper.cpp).
   */
  ModelWrapper(const std::string& model_path, const std::string& metadata_path);
  ~ModelWrapper();
  ModelWrapper(const ModelWrapper&) = delete;
  ModelWrapper& operator=(const ModelWrapper&) = delete;

  const ModelFacts& facts() const { return facts_; }

  /** Runs the model on a prepared input; outputs in the model's order. */
  std::vector<RawOutput> infer(const PreparedInput& input);

  /** Decode → prepare → infer → postprocess, timing each stage when `timings` is given. */
  std::vector<Prediction> predict(const std::string& image_path, const Options& options,
                                  StageTimings* timings = nullptr, cv::Size* image_size = nullptr);

 private:
  /** The graph's fixed input size, else metadata.json's, else the ONNX file's own note; checked to agree. */
  void resolveInputSize(const std::vector<int64_t>& input_shape, const std::string& file_name);

  struct Session;
  ModelFacts facts_;
  std::unique_ptr<Session> session_;
  PreparedInput input_;  // reused by predict
};

}  // namespace edgepack
