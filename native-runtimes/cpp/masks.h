// Instance masks as the reference makes them (native-runtimes/typescript/segment.ts): coefficients × prototypes,
// PyTorch's bilinear upsampling (align_corners=False, float32) to the model input, cropped to the box, then carried to
// the photo's pixels (nearest neighbour through the letterbox) and run-length encoded.
#pragma once

#include <optional>
#include <vector>

#include "detections.h"
#include "model_wrapper.h"

namespace edgepack {

/** A binary mask in model-input pixels, stored over the rectangle its box covers. */
struct InstanceMask {
  cv::Rect area;
  std::vector<uint8_t> data;  // area.width × area.height, row-major, 1 inside the instance
};

/** Ultralytics' process_mask(upsample=True) for one detection; nothing when no pixel of it is left. */
std::optional<InstanceMask> instanceMask(const RawOutput& prototypes, const std::vector<float>& coefficients,
                                         const Box& box, int input_width, int input_height);

/** The mask in the photo's pixels, run-length encoded; nothing when no photo pixel lands on it. */
std::optional<Mask> maskToSource(const InstanceMask& mask, const InputPlacement& placement);

}  // namespace edgepack
