// decodeJpegInto(input, output, width, height) → Promise<boolean>: libjpeg-turbo's decode of a baseline or
// progressive 8-bit grey/YCbCr/RGB JPEG into `output` (width × height × 3 RGB bytes), exactly as cv2.imread runs it
// (libjpeg's defaults: ISLOW IDCT, fancy upsampling), on libuv's thread pool. Resolves false — leaving the caller to
// decode the general way, which reports what is wrong — on anything else: another colour space, a size other than
// the one given, or any libjpeg error or warning (a truncated or damaged file).
#include <node_api.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int warned;
} Errors;

static void on_error(j_common_ptr cinfo) { longjmp(((Errors *)cinfo->err)->jump, 1); }

// Level -1 is a warning (corrupt data that libjpeg works around); levels >= 0 are trace messages.
static void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) ((Errors *)cinfo->err)->warned = 1;
}

static void silent(j_common_ptr cinfo) { (void)cinfo; }

static int decode(const unsigned char *input, size_t length, unsigned char *output, int width, int height) {
  struct jpeg_decompress_struct cinfo;
  Errors errors;
  cinfo.err = jpeg_std_error(&errors.pub);
  errors.pub.error_exit = on_error;
  errors.pub.emit_message = on_message;
  errors.pub.output_message = silent;
  errors.warned = 0;
  jpeg_create_decompress(&cinfo);
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return 0;
  }
  jpeg_mem_src(&cinfo, input, (unsigned long)length);
  jpeg_read_header(&cinfo, TRUE);
  int colour = cinfo.jpeg_color_space == JCS_GRAYSCALE || cinfo.jpeg_color_space == JCS_YCbCr ||
               cinfo.jpeg_color_space == JCS_RGB;
  if (!colour || (int)cinfo.image_width != width || (int)cinfo.image_height != height) {
    jpeg_destroy_decompress(&cinfo);
    return 0;
  }
  cinfo.out_color_space = JCS_EXT_RGB;
  jpeg_start_decompress(&cinfo);
  size_t stride = (size_t)width * 3;
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW rows[16];
    int count = 0;
    for (; count < 16 && cinfo.output_scanline + count < cinfo.output_height; count++)
      rows[count] = output + (cinfo.output_scanline + count) * stride;
    jpeg_read_scanlines(&cinfo, rows, count);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return !errors.warned;
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;
  napi_ref output_ref;
  const unsigned char *input;
  size_t input_length;
  unsigned char *output;
  int width;
  int height;
  int ok;
} Job;

static void execute(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  job->ok = decode(job->input, job->input_length, job->output, job->width, job->height);
}

static void complete(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value result;
  napi_get_boolean(env, status == napi_ok && job->ok, &result);
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_reference(env, job->input_ref);
  napi_delete_reference(env, job->output_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int bytes_of(napi_env env, napi_value value, unsigned char **data, size_t *length) {
  bool is_typed;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, NULL, NULL) != napi_ok) return 0;
  return type == napi_uint8_array;
}

// Reads (input, output, width, height) into the job, or throws a TypeError saying what they must be.
static int read_arguments(napi_env env, size_t argc, napi_value *argv, Job *job) {
  unsigned char *input;
  size_t output_length;
  if (argc != 4 || !bytes_of(env, argv[0], &input, &job->input_length) ||
      !bytes_of(env, argv[1], &job->output, &output_length) ||
      napi_get_value_int32(env, argv[2], &job->width) != napi_ok ||
      napi_get_value_int32(env, argv[3], &job->height) != napi_ok || job->width <= 0 || job->height <= 0 ||
      output_length != (size_t)job->width * (size_t)job->height * 3) {
    fail(env, "decodeJpegInto needs a Uint8Array input, a Uint8Array output of width × height × 3 bytes "
              "and the width and height");
    return 0;
  }
  job->input = input;
  return 1;
}

// decodeJpegIntoSync: the same on the calling thread (no hand-off to the pool and back: for small images, where
// the two thread switches would cost more than the decode on a busy machine).
static napi_value decode_jpeg_into_sync(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Job job = {0};
  if (!read_arguments(env, argc, argv, &job)) return NULL;
  napi_value result;
  napi_get_boolean(env, decode(job.input, job.input_length, job.output, job.width, job.height), &result);
  return result;
}

static napi_value decode_jpeg_into(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Job *job = calloc(1, sizeof(Job));
  if (!job) return fail(env, "out of memory");
  if (!read_arguments(env, argc, argv, job)) {
    free(job);
    return NULL;
  }
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_reference(env, argv[0], 1, &job->input_ref);
  napi_create_reference(env, argv[1], 1, &job->output_ref);
  napi_create_string_utf8(env, "decodeJpegInto", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decodeJpegInto", NAPI_AUTO_LENGTH, decode_jpeg_into, NULL, &fn);
  napi_set_named_property(env, exports, "decodeJpegInto", fn);
  napi_create_function(env, "decodeJpegIntoSync", NAPI_AUTO_LENGTH, decode_jpeg_into_sync, NULL, &fn);
  napi_set_named_property(env, exports, "decodeJpegIntoSync", fn);
  return exports;
}
