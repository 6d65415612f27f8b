// SHA-256 (FIPS 180-4) for the conformance runner's checksums of decoded pixels and input tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace edgepack {

/** Lower-case hex digest of `size` bytes. */
std::string sha256Hex(const void* data, size_t size);

}  // namespace edgepack
