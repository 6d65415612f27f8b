// Image → model input, as the reference (native-runtimes/typescript/letterbox.ts, classify.ts, preprocess.ts,
// tensor.ts): cv::imread's pixels (image_decode.cpp), Ultralytics' letterbox with cv::resize INTER_LINEAR (the reference reproduces it
// byte for byte), or Pillow's bilinear resize + centre crop for classifiers; normalised as metadata.json says.
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "model_wrapper.h"
#include "resize_pil.h"

namespace edgepack {
namespace {

/** Python 3's round(): halves go to the even neighbour, so letterbox sizes match Ultralytics to the pixel. */
int pythonRound(double value) {
  const double floor = std::floor(value);
  const double fraction = value - floor;
  if (fraction > 0.5) return static_cast<int>(floor) + 1;
  if (fraction < 0.5) return static_cast<int>(floor);
  return std::fmod(floor, 2.0) == 0 ? static_cast<int>(floor) : static_cast<int>(floor) + 1;
}

/** Ultralytics' LetterBox(auto=False, center=True, scaleup=True).get_params. */
InputPlacement letterboxPlacement(int source_width, int source_height, int width, int height) {
  const double ratio = std::min(static_cast<double>(height) / source_height, static_cast<double>(width) / source_width);
  InputPlacement p;
  p.source_width = source_width;
  p.source_height = source_height;
  p.input_width = width;
  p.input_height = height;
  p.resized_width = std::max(pythonRound(source_width * ratio), 1);
  p.resized_height = std::max(pythonRound(source_height * ratio), 1);
  const double dw = (width - p.resized_width) / 2.0;
  const double dh = (height - p.resized_height) / 2.0;
  p.top = pythonRound(dh - 0.1);
  p.bottom = pythonRound(dh + 0.1);
  p.left = pythonRound(dw - 0.1);
  p.right = pythonRound(dw + 0.1);
  return p;
}

/** torchvision's Resize(size) + CenterCrop(size) as Ultralytics' classify_transforms builds them. */
InputPlacement centerCropPlacement(int source_width, int source_height, int width, int height) {
  InputPlacement p;
  p.letterbox = false;
  p.source_width = source_width;
  p.source_height = source_height;
  p.input_width = width;
  p.input_height = height;
  p.resized_width = width;
  p.resized_height = height;
  if (width == height) {
    // The shorter side becomes `size`; the longer one is truncated, as torchvision does.
    const int64_t size = height;
    if (source_width <= source_height) {
      p.resized_height = static_cast<int>(size * source_height / source_width);
    } else {
      p.resized_width = static_cast<int>(size * source_width / source_height);
    }
  }
  p.top = pythonRound((p.resized_height - height) / 2.0);
  p.left = pythonRound((p.resized_width - width) / 2.0);
  return p;
}

/** An NCHW float tensor written from RGB bytes through a per-channel table of the 256 normalised values. */
class NchwWriter {
 public:
  /** Writes into `tensor` (resized to fit; every value is written, so a reused one needs no clearing). */
  NchwWriter(int width, int height, const PreprocessSpec& spec, std::vector<float>& tensor)
      : width_(width), tensor_(tensor) {
    const size_t plane = static_cast<size_t>(width) * height;
    tensor_.resize(plane * 3);
    // Division, not multiplication by 1/255, so values equal torch's `im / 255` bit for bit.
    const double divisor = std::abs(spec.scale - 1.0 / 255.0) < 1e-12 ? 255.0 : 1.0 / spec.scale;
    const bool plain = spec.mean == std::array<double, 3>{0, 0, 0} && spec.std == std::array<double, 3>{1, 1, 1};
    for (int source = 0; source < 3; source++) {
      const int channel = spec.bgr ? 2 - source : source;
      plane_start_[source] = channel * plane;
      for (int v = 0; v < 256; v++) {
        const double value = v / divisor;
        table_[source][v] = static_cast<float>(plain ? value : (value - spec.mean[channel]) / spec.std[channel]);
      }
    }
  }

  /** Sets `count` positions from row y, column x on to what a grey pixel of `value` (the padding) becomes. */
  void fill(int value, int y, int x, size_t count) {
    const size_t at = static_cast<size_t>(y) * width_ + x;
    const uint8_t byte = static_cast<uint8_t>(value);
    for (int source = 0; source < 3; source++) {
      std::fill_n(tensor_.begin() + plane_start_[source] + at, count, table_[source][byte]);
    }
  }

  /** Writes `count` RGB pixels at row y, column x. */
  void row(const uint8_t* pixels, int count, int y, int x) {
    const size_t at = static_cast<size_t>(y) * width_ + x;
    float* r = tensor_.data() + plane_start_[0] + at;
    float* g = tensor_.data() + plane_start_[1] + at;
    float* b = tensor_.data() + plane_start_[2] + at;
    for (int i = 0; i < count; i++, pixels += 3) {
      r[i] = table_[0][pixels[0]];
      g[i] = table_[1][pixels[1]];
      b[i] = table_[2][pixels[2]];
    }
  }

 private:
  int width_;
  std::vector<float>& tensor_;
  float table_[3][256];
  size_t plane_start_[3];
};

}  // namespace

InputPlacement placeInput(const ModelFacts& facts, int source_width, int source_height) {
  return facts.preprocess.letterbox
             ? letterboxPlacement(source_width, source_height, facts.input_width, facts.input_height)
             : centerCropPlacement(source_width, source_height, facts.input_width, facts.input_height);
}

PreparedInput prepareInput(const ModelFacts& facts, const cv::Mat& rgb) {
  PreparedInput prepared;
  prepareInputInto(facts, rgb, prepared);
  return prepared;
}

void prepareInputInto(const ModelFacts& facts, const cv::Mat& rgb, PreparedInput& prepared) {
  CV_Assert(rgb.type() == CV_8UC3);
  prepared.placement = placeInput(facts, rgb.cols, rgb.rows);
  const InputPlacement& p = prepared.placement;
  NchwWriter writer(p.input_width, p.input_height, facts.preprocess, prepared.tensor);
  cv::Mat picture;
  int left = 0;
  int top = 0;
  if (p.letterbox) {
    // Only the padding around the picture is filled: the picture's pixels are written once, below.
    const int pad = facts.preprocess.pad_value;
    const size_t row = static_cast<size_t>(p.input_width);
    writer.fill(pad, 0, 0, p.top * row);
    for (int y = p.top; y < p.top + p.resized_height; y++) {
      writer.fill(pad, y, 0, p.left);
      writer.fill(pad, y, p.left + p.resized_width, p.right);
    }
    writer.fill(pad, p.top + p.resized_height, 0, p.bottom * row);
    if (p.resized_width == rgb.cols && p.resized_height == rgb.rows) picture = rgb;
    else cv::resize(rgb, picture, cv::Size(p.resized_width, p.resized_height), 0, 0, cv::INTER_LINEAR);
    left = p.left;
    top = p.top;
  } else {
    const cv::Mat source = rgb.isContinuous() ? rgb : rgb.clone();
    picture = resizePilBilinear(source, cv::Size(p.resized_width, p.resized_height),
                                cv::Rect(p.left, p.top, p.input_width, p.input_height));
  }
  for (int y = 0; y < picture.rows; y++) writer.row(picture.ptr<uint8_t>(y), picture.cols, y + top, left);
}

}  // namespace edgepack
