// The prediction vocabulary as JSON, keys in the reference's order (native-runtimes/typescript/predictions.ts).
#pragma once

#include <vector>

#include "json_out.h"
#include "model_wrapper.h"

namespace edgepack {

JsonValue predictionsValue(const std::vector<Prediction>& predictions);

}  // namespace edgepack
