// JPEG and PNG → 8-bit RGB with exactly cv::imread(IMREAD_COLOR)'s pixels, through libjpeg(-turbo) and libpng
// directly, set up as OpenCV's own decoders set them up (grfmt_jpeg.cpp, grfmt_png.cpp): libjpeg's defaults (ISLOW
// DCT, fancy upsampling), CMYK/YCCK by OpenCV's formula, 16-bit PNGs by their high byte, palette and grey expanded,
// alpha dropped, no colour management; then the EXIF orientation applied as cv::imread applies it.
// Why not cv::imread: OpenCV's imgcodecs drags in GDAL, GDCM, OpenEXR and ~120 more shared libraries on common Linux
// builds, which costs a start-up of 50–170 ms before main() on every run of the example. Other formats (WebP, TIFF,
// BMP) go through cv::imread when built with -DEDGEPACK_IMGCODECS=ON.
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <jpeglib.h>
#include <opencv2/core.hpp>
#include <png.h>

#ifdef EDGEPACK_IMGCODECS
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

#include "model_wrapper.h"

namespace edgepack {
namespace {

constexpr const char* kFormatsHint = "Give a JPEG or PNG photo";

std::vector<unsigned char> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw Error(path + " could not be read.", "Check that the file is readable.");
  return bytes;
}

// ---- EXIF orientation (TIFF structure of an APP1 "Exif\0\0" block or a PNG eXIf chunk) ----

uint16_t read16(const unsigned char* p, bool little) {
  return little ? static_cast<uint16_t>(p[0] | p[1] << 8) : static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t read32(const unsigned char* p, bool little) {
  return little ? (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24)
                : (uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]));
}

/** The orientation tag (0x0112) of IFD0; 1 when absent or unreadable (cv::imread then leaves the image as stored). */
int tiffOrientation(const unsigned char* tiff, size_t size) {
  if (size < 8) return 1;
  const bool little = tiff[0] == 'I' && tiff[1] == 'I';
  if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
  if (read16(tiff + 2, little) != 42) return 1;
  const uint32_t ifd = read32(tiff + 4, little);
  if (size < 2 || ifd > size - 2) return 1;
  const uint16_t entries = read16(tiff + ifd, little);
  if (ifd + 2 + size_t(entries) * 12 > size) return 1;
  for (size_t e = 0; e < entries; e++) {
    const unsigned char* entry = tiff + ifd + 2 + e * 12;
    if (read16(entry, little) != 0x0112) continue;
    const int value = read16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** cv::imread's ApplyExifOrientation. */
cv::Mat oriented(cv::Mat image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(image, out, 1); return out;
    case 3: cv::flip(image, out, -1); return out;
    case 4: cv::flip(image, out, 0); return out;
    case 5: cv::transpose(image, out); return out;
    case 6: cv::transpose(image, image); cv::flip(image, out, 1); return out;
    case 7: cv::transpose(image, image); cv::flip(image, out, -1); return out;
    case 8: cv::transpose(image, image); cv::flip(image, out, 0); return out;
    default: return image;
  }
}

// ---- JPEG ----

struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void onJpegError(j_common_ptr info) {
  auto* errors = reinterpret_cast<JpegErrors*>(info->err);
  info->err->format_message(info, errors->message);
  std::longjmp(errors->jump, 1);
}
void onJpegMessage(j_common_ptr, int) {}  // warnings (a corrupt tail, say) decode on, as OpenCV lets them

/** Where a decode ends: the pixels, or why not. Kept outside the functions that call setjmp (no C++ object of
 * theirs is left half-made by libjpeg's or libpng's longjmp). */
struct Decoding {
  cv::Mat rgb;
  std::vector<unsigned char> row;
  std::vector<unsigned char*> rows;
  int orientation = 1;
  size_t width = 0;
  size_t height = 0;
  bool too_large = false;
  char message[JMSG_LENGTH_MAX + 200] = "unknown error";
};

bool decodeJpegInto(const std::vector<unsigned char>& bytes, Decoding* out) {
  jpeg_decompress_struct info;
  JpegErrors errors;
  std::memset(&info, 0, sizeof info);
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = onJpegError;
  errors.manager.emit_message = onJpegMessage;
  if (setjmp(errors.jump)) {
    std::snprintf(out->message, sizeof out->message, "%s", errors.message);
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(&info, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header(&info, TRUE);
  for (jpeg_saved_marker_ptr m = info.marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0) {
      out->orientation = tiffOrientation(m->data + 6, m->data_length - 6);
      break;
    }
  }
  out->width = info.image_width;
  out->height = info.image_height;
  if (out->width * out->height > kMaxImagePixels) {
    out->too_large = true;
    jpeg_destroy_decompress(&info);
    return false;
  }
  const bool cmyk = info.num_components == 4;
  info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&info);
  const int width = static_cast<int>(info.output_width);
  out->rgb.create(static_cast<int>(info.output_height), width, CV_8UC3);
  out->row.resize(static_cast<size_t>(width) * 4);
  while (info.output_scanline < info.output_height) {
    const int y = static_cast<int>(info.output_scanline);
    unsigned char* rgb = out->rgb.ptr<unsigned char>(y);
    JSAMPROW target = cmyk ? out->row.data() : rgb;
    jpeg_read_scanlines(&info, &target, 1);
    if (!cmyk) continue;
    // OpenCV's icvCvt_CMYK2BGR_8u_C4C3R on the stored values: R = k - ((255 - c) * k >> 8), likewise G, B.
    const unsigned char* ink = out->row.data();
    for (int x = 0; x < width; x++) {
      const int k = ink[x * 4 + 3];
      for (int c = 0; c < 3; c++) rgb[x * 3 + c] = static_cast<unsigned char>(k - ((255 - ink[x * 4 + c]) * k >> 8));
    }
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

// ---- PNG ----

struct PngSource {
  const std::vector<unsigned char>* bytes;
  size_t at;
};

void readPng(png_structp png, png_bytep out, png_size_t length) {
  auto* source = static_cast<PngSource*>(png_get_io_ptr(png));
  if (source->at + length > source->bytes->size()) png_error(png, "the file ends early");
  std::memcpy(out, source->bytes->data() + source->at, length);
  source->at += length;
}

void onPngError(png_structp png, png_const_charp message) {
  std::snprintf(static_cast<char*>(png_get_error_ptr(png)), 200, "%s", message);
  png_longjmp(png, 1);
}
void onPngWarning(png_structp, png_const_charp) {}

bool decodePngInto(const std::vector<unsigned char>& bytes, Decoding* out) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, out->message, onPngError, onPngWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::snprintf(out->message, sizeof out->message, "out of memory");
    return false;
  }
  PngSource source{&bytes, 0};
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, &source, readPng);
  png_read_info(png, info);
  out->width = png_get_image_width(png, info);
  out->height = png_get_image_height(png, info);
  if (out->width * out->height > kMaxImagePixels) {
    out->too_large = true;
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  const int depth = png_get_bit_depth(png, info);
  const int type = png_get_color_type(png, info);
#ifdef PNG_eXIf_SUPPORTED
  png_uint_32 exif_size = 0;
  png_bytep exif = nullptr;
  if (png_get_eXIf_1(png, info, &exif_size, &exif) && exif) out->orientation = tiffOrientation(exif, exif_size);
#endif
  // As OpenCV's PngDecoder::readData sets libpng up for an 8-bit, 3-channel image.
  if (depth == 16) png_set_strip_16(png);
  png_set_strip_alpha(png);
  if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if ((type & PNG_COLOR_MASK_COLOR) == 0 && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if ((type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8) {
    png_error(png, "unexpected pixel layout after conversion");
  }
  out->rgb.create(static_cast<int>(out->height), static_cast<int>(out->width), CV_8UC3);
  out->rows.resize(out->height);
  for (size_t y = 0; y < out->height; y++) out->rows[y] = out->rgb.ptr<unsigned char>(static_cast<int>(y));
  png_read_image(png, out->rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

/** The decode's pixels, EXIF-oriented, or a clear error. */
cv::Mat finish(const std::string& path, bool ok, Decoding& d) {
  if (d.too_large) {
    throw Error(path + " is " + std::to_string(d.width) + "x" + std::to_string(d.height) + ", above the " +
                    std::to_string(kMaxImagePixels / 1000000) + " megapixel limit.",
                "Resize it first; detection models see it at a few hundred pixels anyway.");
  }
  if (!ok) throw Error(path + " could not be decoded: " + d.message, "Give an undamaged photo (JPEG or PNG).");
  return oriented(d.rgb, d.orientation);
}

}  // namespace

cv::Mat decodeImage(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw Error("No image file at " + path + ".", std::string("Check the path; ") + kFormatsHint + ".");
  }
  const std::vector<unsigned char> bytes = readFile(path);
  static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Decoding decoding;
  if (bytes.size() > 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff) {
    return finish(path, decodeJpegInto(bytes, &decoding), decoding);
  }
  if (bytes.size() > 8 && std::memcmp(bytes.data(), kPng, 8) == 0) {
    return finish(path, decodePngInto(bytes, &decoding), decoding);
  }
#ifdef EDGEPACK_IMGCODECS
  cv::Mat bgr;
  try {
    bgr = cv::imread(path, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    throw Error(path + " could not be decoded: " + e.what(), "Give an undamaged photo (JPEG, PNG, WebP, TIFF, BMP).");
  }
  if (bgr.empty()) throw Error(path + " is not an image OpenCV can read.", "Give a photo (JPEG, PNG, WebP, TIFF, BMP).");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
#else
  throw Error(path + " is not a JPEG or PNG image.",
              std::string(kFormatsHint) +
                  " (convert it first), or build with -DEDGEPACK_IMGCODECS=ON to read WebP, TIFF and BMP through "
                  "OpenCV's imgcodecs.");
#endif
}

}  // namespace edgepack
