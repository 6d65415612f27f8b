#include "resize_pil.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace edgepack {
namespace {

// Pillow's fixed-point precision for 8-bit resampling (Resample.c: 32 - 8 - 2).
constexpr int kPrecisionBits = 22;
constexpr int32_t kOne = 1 << kPrecisionBits;
constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);

/** One axis's taps, as Pillow's precompute_coeffs + normalize_coeffs_8bpc compute them (doubles, as in C). */
struct Taps {
  std::vector<int> start;
  std::vector<int> count;
  std::vector<int32_t> weights;
  int stride = 0;
};

Taps computeTaps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = filter_scale;
  const double inverse = 1.0 / filter_scale;
  Taps taps;
  taps.stride = static_cast<int>(std::ceil(support)) * 2 + 1;
  taps.start.resize(out_size);
  taps.count.resize(out_size);
  taps.weights.assign(static_cast<size_t>(out_size) * taps.stride, 0);
  std::vector<double> raw(taps.stride);
  for (int out = 0; out < out_size; out++) {
    const double center = (out + 0.5) * scale;
    const int min = std::max(static_cast<int>(std::trunc(center - support + 0.5)), 0);
    const int max = std::min(static_cast<int>(std::trunc(center + support + 0.5)), in_size) - min;
    double total = 0;
    for (int k = 0; k < max; k++) {
      const double distance = std::abs((k + min - center + 0.5) * inverse);
      raw[k] = distance < 1 ? 1 - distance : 0;
      total += raw[k];
    }
    for (int k = 0; k < max; k++) {
      const double w = total != 0 ? raw[k] / total : raw[k];
      taps.weights[static_cast<size_t>(out) * taps.stride + k] =
          static_cast<int32_t>(std::trunc(w < 0 ? -0.5 + w * kOne : 0.5 + w * kOne));
    }
    taps.start[out] = min;
    taps.count[out] = max;
  }
  return taps;
}

uint8_t clip8(int32_t value) {
  if (value <= 0) return 0;
  if (value >= kOne * 256) return 255;
  return static_cast<uint8_t>(value >> kPrecisionBits);
}

/** A block of bytes with a row stride, read from `offset`. */
struct Plane {
  const uint8_t* data;
  size_t stride;
};

/** Horizontal pass over `rows` rows for output columns [x0, x0 + count); source columns counted from col_offset. */
std::vector<uint8_t> horizontalPass(Plane src, int rows, const Taps& t, int x0, int count, int col_offset) {
  std::vector<uint8_t> out(static_cast<size_t>(count) * rows * 3);
  size_t o = 0;
  for (int y = 0; y < rows; y++) {
    const uint8_t* row = src.data + y * src.stride;
    for (int x = x0; x < x0 + count; x++) {
      int32_t r = kHalf, g = kHalf, b = kHalf;
      const uint8_t* at = row + static_cast<size_t>(t.start[x] - col_offset) * 3;
      const int32_t* w = &t.weights[static_cast<size_t>(x) * t.stride];
      for (int k = 0; k < t.count[x]; k++, at += 3) {
        r += at[0] * w[k];
        g += at[1] * w[k];
        b += at[2] * w[k];
      }
      out[o++] = clip8(r);
      out[o++] = clip8(g);
      out[o++] = clip8(b);
    }
  }
  return out;
}

/** Vertical pass: output rows [y0, y0 + count), row_bytes each; source rows counted from row_offset. */
std::vector<uint8_t> verticalPass(Plane src, size_t row_bytes, const Taps& t, int y0, int count, int row_offset) {
  std::vector<uint8_t> out(row_bytes * count);
  std::vector<int32_t> sums(row_bytes);
  for (int y = y0, o = 0; y < y0 + count; y++, o++) {
    std::fill(sums.begin(), sums.end(), kHalf);
    for (int k = 0; k < t.count[y]; k++) {
      const int32_t w = t.weights[static_cast<size_t>(y) * t.stride + k];
      const uint8_t* s = src.data + static_cast<size_t>(t.start[y] + k - row_offset) * src.stride;
      for (size_t i = 0; i < row_bytes; i++) sums[i] += s[i] * w;
    }
    for (size_t i = 0; i < row_bytes; i++) out[o * row_bytes + i] = clip8(sums[i]);
  }
  return out;
}

/** Source indices [lo, hi) that outputs [first, first + count) are made from. */
std::pair<int, int> span(const Taps& t, int first, int count) {
  int lo = t.start[first];
  int hi = 0;
  for (int i = first; i < first + count; i++) {
    lo = std::min(lo, t.start[i]);
    hi = std::max(hi, t.start[i] + t.count[i]);
  }
  return {lo, hi};
}

cv::Mat toMat(const std::vector<uint8_t>& bytes, cv::Rect region) {
  cv::Mat out(region.height, region.width, CV_8UC3);
  std::copy(bytes.begin(), bytes.end(), out.data);
  return out;
}

}  // namespace

cv::Mat resizePilBilinear(const cv::Mat& rgb, cv::Size size, cv::Rect r) {
  CV_Assert(rgb.type() == CV_8UC3 && rgb.isContinuous());
  CV_Assert(r.x >= 0 && r.y >= 0 && r.width >= 1 && r.height >= 1 && r.x + r.width <= size.width &&
            r.y + r.height <= size.height);
  const bool resize_x = size.width != rgb.cols;
  const bool resize_y = size.height != rgb.rows;
  if (!resize_x && !resize_y) return rgb(r).clone();
  const size_t stride = static_cast<size_t>(rgb.cols) * 3;
  const uint8_t* src = rgb.data;
  if (resize_x && !resize_y) {
    const Taps h = computeTaps(rgb.cols, size.width);
    return toMat(horizontalPass({src + r.y * stride, stride}, r.height, h, r.x, r.width, 0), r);
  }
  const Taps v = computeTaps(rgb.rows, size.height);
  if (!resize_x) {
    return toMat(verticalPass({src + r.x * 3, stride}, static_cast<size_t>(r.width) * 3, v, r.y, r.height, 0), r);
  }
  const Taps h = computeTaps(rgb.cols, size.width);
  // Pillow 13 runs the vertical pass first when the height shrinks by more than twice what the width shrinks by;
  // the intermediate image is then rounded to bytes at another point, so the order matters.
  const int shrink_y = rgb.rows - size.height;
  if (shrink_y > 0 && shrink_y > 2 * (rgb.cols - size.width)) {
    const auto [cols0, cols1] = span(h, r.x, r.width);
    const size_t columns = static_cast<size_t>(cols1 - cols0);
    const auto mid = verticalPass({src + cols0 * 3, stride}, columns * 3, v, r.y, r.height, 0);
    return toMat(horizontalPass({mid.data(), columns * 3}, r.height, h, r.x, r.width, cols0), r);
  }
  const auto [rows0, rows1] = span(v, r.y, r.height);
  const auto mid = horizontalPass({src + rows0 * stride, stride}, rows1 - rows0, h, r.x, r.width, 0);
  return toMat(verticalPass({mid.data(), static_cast<size_t>(r.width) * 3}, static_cast<size_t>(r.width) * 3, v,
                            r.y, r.height, rows0),
               r);
}

}  // namespace edgepack
