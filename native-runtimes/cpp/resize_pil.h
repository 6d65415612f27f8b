// Pillow's Image.resize(size, Image.BILINEAR) on 8-bit RGB, bit for bit: what torchvision's Resize (the
// classification predictor's) does. A port of the reference's plain path (native-runtimes/typescript/resize-pil.ts).
#pragma once

#include <opencv2/core.hpp>

namespace edgepack {

/** Exactly the rectangle `region` of `rgb` resized to `size` (only what the rectangle needs is computed). */
cv::Mat resizePilBilinear(const cv::Mat& rgb, cv::Size size, cv::Rect region);

}  // namespace edgepack
