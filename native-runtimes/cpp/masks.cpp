#include "masks.h"

#include <algorithm>
#include <cmath>

namespace edgepack {
namespace {

struct AxisSamples {
  std::vector<int> first;
  std::vector<int> second;
  std::vector<float> weight0;
  std::vector<float> weight1;
};

/** Source indices and weights of PyTorch's upsample_bilinear2d (align_corners=False) for outputs [from, from + n). */
AxisSamples axisSamples(int in_size, int out_size, int from, int n) {
  const float scale = static_cast<float>(static_cast<double>(in_size) / out_size);
  AxisSamples s{std::vector<int>(n), std::vector<int>(n), std::vector<float>(n), std::vector<float>(n)};
  for (int i = 0; i < n; i++) {
    float source = static_cast<float>(static_cast<double>(scale) * (from + i + 0.5) - 0.5);
    if (source < 0) source = 0;
    const int index = static_cast<int>(source);
    const float lambda = static_cast<float>(static_cast<double>(source) - index);
    s.first[i] = index;
    s.second[i] = index < in_size - 1 ? index + 1 : index;
    s.weight0[i] = static_cast<float>(1.0 - lambda);
    s.weight1[i] = lambda;
  }
  return s;
}

/** Photo positions whose centres land in [from, from + size) of the input, and where in it they land. */
struct SourceSpan {
  int first = -1;
  std::vector<int> indices;
};

SourceSpan sourceSpan(int from, int size, int offset, double scale, int source_size) {
  const int start = std::max(0, static_cast<int>(std::floor((from - offset) / scale - 0.5)) - 1);
  const int end = std::min(source_size, static_cast<int>(std::ceil((from + size - offset) / scale - 0.5)) + 1);
  SourceSpan span;
  for (int u = start; u < end; u++) {
    const int at = static_cast<int>(std::floor(offset + (u + 0.5) * scale)) - from;
    if (at < 0 || at >= size) continue;
    if (span.first < 0) span.first = u;
    span.indices.push_back(at);
  }
  return span;
}

/** Run lengths (starting with 0s) of one input row of a mask, sampled at the given columns. */
std::vector<int64_t> sampledRowRuns(const InstanceMask& mask, int input_row, const std::vector<int>& columns) {
  const uint8_t* row = mask.data.data() + static_cast<size_t>(input_row) * mask.area.width;
  std::vector<int64_t> runs;
  uint8_t bit = 0;
  int64_t length = 0;
  for (int c : columns) {
    if (row[c] == bit) {
      length++;
    } else {
      runs.push_back(length);
      bit = row[c];
      length = 1;
    }
  }
  runs.push_back(length);
  return runs;
}

}  // namespace

std::optional<InstanceMask> instanceMask(const RawOutput& prototypes, const std::vector<float>& coefficients,
                                         const Box& box, int input_width, int input_height) {
  const int channels = static_cast<int>(prototypes.dims[1]);
  const int proto_height = static_cast<int>(prototypes.dims[2]);
  const int proto_width = static_cast<int>(prototypes.dims[3]);
  const size_t plane = static_cast<size_t>(proto_height) * proto_width;
  // Each product and sum in double, rounded to float32 once per step, as the reference's Float32Array does.
  std::vector<float> low(plane, 0.0f);
  for (int c = 0; c < channels; c++) {
    const double k = coefficients[c];
    const float* proto = prototypes.data.data() + c * plane;
    for (size_t p = 0; p < plane; p++) low[p] = static_cast<float>(low[p] + k * proto[p]);
  }
  const int x0 = std::max(0, static_cast<int>(std::ceil(box[0])));
  const int y0 = std::max(0, static_cast<int>(std::ceil(box[1])));
  const int x1 = std::min(input_width, static_cast<int>(std::ceil(box[2])));
  const int y1 = std::min(input_height, static_cast<int>(std::ceil(box[3])));
  const int width = std::max(0, x1 - x0);
  const int height = std::max(0, y1 - y0);
  if (width == 0 || height == 0) return std::nullopt;
  const AxisSamples columns = axisSamples(proto_width, input_width, x0, width);
  const AxisSamples rows = axisSamples(proto_height, input_height, y0, height);
  InstanceMask mask{cv::Rect(x0, y0, width, height), std::vector<uint8_t>(static_cast<size_t>(width) * height)};
  bool any = false;
  for (int r = 0; r < height; r++) {
    const float* top = low.data() + static_cast<size_t>(rows.first[r]) * proto_width;
    const float* bottom = low.data() + static_cast<size_t>(rows.second[r]) * proto_width;
    const double wy0 = rows.weight0[r], wy1 = rows.weight1[r];
    for (int c = 0; c < width; c++) {
      const int left = columns.first[c], right = columns.second[c];
      const double wx0 = columns.weight0[c], wx1 = columns.weight1[c];
      const double value = wy0 * (wx0 * top[left] + wx1 * top[right]) + wy1 * (wx0 * bottom[left] + wx1 * bottom[right]);
      if (value > 0) {
        mask.data[static_cast<size_t>(r) * width + c] = 1;
        any = true;
      }
    }
  }
  if (!any) return std::nullopt;
  return mask;
}

std::optional<Mask> maskToSource(const InstanceMask& mask, const InputPlacement& p) {
  const SourceSpan columns = sourceSpan(mask.area.x, mask.area.width, p.left,
                                        static_cast<double>(p.resized_width) / p.source_width, p.source_width);
  const SourceSpan rows = sourceSpan(mask.area.y, mask.area.height, p.top,
                                     static_cast<double>(p.resized_height) / p.source_height, p.source_height);
  if (columns.indices.empty() || rows.indices.empty()) return std::nullopt;
  // Encoded row by row, never as a photo-sized bitmap: photo rows on one input row share that row's runs.
  Mask out{columns.first, rows.first, static_cast<int>(columns.indices.size()), static_cast<int>(rows.indices.size()),
           {}};
  size_t bit = 0;
  int64_t length = 0;
  std::vector<int64_t> row_runs;
  int last_input_row = -1;
  for (int input_row : rows.indices) {
    if (input_row != last_input_row) {
      row_runs = sampledRowRuns(mask, input_row, columns.indices);
      last_input_row = input_row;
    }
    for (size_t i = 0; i < row_runs.size(); i++) {
      if (row_runs[i] == 0) continue;
      if (i % 2 == bit) {
        length += row_runs[i];
      } else {
        out.runs.push_back(length);
        bit = i % 2;
        length = row_runs[i];
      }
    }
  }
  out.runs.push_back(length);
  return out;
}

}  // namespace edgepack
