// conformance [--no-model] <vectors-dir> [case...]: runs the conformance vectors (native-runtimes/conformance/README.md) through
// the wrapper — cv::imread's pixels (SHA-256), the letterbox or centre crop and the input tensor (SHA-256), the
// predictions from the committed raw outputs, and end to end through ONNX Runtime (not with --no-model: for vectors
// whose raw outputs come from no model file here) — and exits non-zero on a mismatch.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model_wrapper.h"
#include "predictions_json.h"
#include "sha256.h"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Json readJson(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure("cannot read " + path.string());
  return Json::parse(in);
}

void expectEqual(const Json& actual, const Json& expected, const std::string& what) {
  if (actual != expected) throw Failure(what + " is " + actual.dump() + ", expected " + expected.dump());
}

void checkDecoded(const cv::Mat& rgb, const Json& decoded) {
  expectEqual(rgb.cols, decoded["width"], "decoded width");
  expectEqual(rgb.rows, decoded["height"], "decoded height");
  const cv::Mat pixels = rgb.isContinuous() ? rgb : rgb.clone();
  expectEqual(edgepack::sha256Hex(pixels.data, pixels.total() * 3), decoded["sha256"], "decoded RGB sha256");
}

void checkPlacement(const edgepack::InputPlacement& p, const Json& pre) {
  expectEqual(p.letterbox ? "letterbox" : "shortest_edge_center_crop", pre["mode"], "preprocess mode");
  expectEqual(p.input_width, pre["input_width"], "input_width");
  expectEqual(p.input_height, pre["input_height"], "input_height");
  expectEqual(p.resized_width, pre["resized_width"], "resized_width");
  expectEqual(p.resized_height, pre["resized_height"], "resized_height");
  if (p.letterbox) {
    expectEqual(Json{{"top", p.top}, {"bottom", p.bottom}, {"left", p.left}, {"right", p.right}}, pre["pad"], "pad");
  } else {
    expectEqual(Json{{"left", p.left}, {"top", p.top}}, pre["crop"], "crop");
  }
}

void checkTensor(const std::vector<float>& tensor, const Json& input) {
  const std::string digest = edgepack::sha256Hex(tensor.data(), tensor.size() * sizeof(float));
  if (digest == input["sha256"]) return;
  double sum = 0;
  for (float v : tensor) sum += v;
  std::ostringstream why;
  why << "input tensor sha256 differs (sum " << sum << ", expected " << input["sum"].dump();
  for (const auto& sample : input["samples"]) {
    const size_t at = sample[0].get<size_t>();
    if (at < tensor.size() && tensor[at] != sample[1].get<float>()) {
      why << "; at " << at << ": " << tensor[at] << ", expected " << sample[1].dump();
      break;
    }
  }
  throw Failure(why.str() + ")");
}

std::vector<edgepack::RawOutput> readOutputs(const fs::path& dir, const Json& outputs) {
  std::vector<edgepack::RawOutput> raw;
  for (const auto& spec : outputs) {
    if (spec["dtype"] != "float32") throw Failure("output dtype " + spec["dtype"].dump() + " is not float32");
    edgepack::RawOutput output{spec["name"], spec["shape"].get<std::vector<int64_t>>(), {}};
    size_t count = 1;
    for (int64_t d : output.dims) count *= static_cast<size_t>(d);
    output.data.resize(count);
    std::ifstream in(dir / spec["file"].get<std::string>(), std::ios::binary);
    in.read(reinterpret_cast<char*>(output.data.data()), static_cast<std::streamsize>(count * sizeof(float)));
    if (!in || in.peek() != EOF) throw Failure(spec["file"].get<std::string>() + " does not hold the output's shape");
    raw.push_back(std::move(output));
  }
  return raw;
}

edgepack::Options optionsOf(const Json& o) {
  edgepack::Options options;
  options.conf = o.at("conf").get<double>();
  options.iou = o.at("iou").get<double>();
  options.max_det = o.at("max_det").get<int>();
  options.agnostic = o.at("agnostic").get<bool>();
  if (o.contains("classes") && !o["classes"].is_null()) options.classes = o["classes"].get<std::vector<int>>();
  if (o.contains("top_k") && !o["top_k"].is_null()) options.top_k = o["top_k"].get<int>();
  return options;
}

void checkPredictions(const std::vector<edgepack::Prediction>& predictions, const Json& expected,
                      const std::string& stage) {
  const Json actual = Json::parse(edgepack::predictionsJson(predictions, 0));
  if (actual == expected) return;
  std::ostringstream why;
  why << stage << ": " << actual.size() << " predictions, expected " << expected.size();
  for (size_t i = 0; i < std::min(actual.size(), expected.size()); i++) {
    if (actual[i] != expected[i]) {
      why << "; #" << i << " is " << actual[i].dump().substr(0, 300) << ", expected "
          << expected[i].dump().substr(0, 300);
      break;
    }
  }
  throw Failure(why.str());
}

float largestDifference(const std::vector<edgepack::RawOutput>& a, const std::vector<edgepack::RawOutput>& b) {
  float largest = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); i++) {
    if (a[i].data.size() != b[i].data.size()) return INFINITY;
    for (size_t j = 0; j < a[i].data.size(); j++) largest = std::max(largest, std::abs(a[i].data[j] - b[i].data[j]));
  }
  return largest;
}

class Runner {
 public:
  Runner(fs::path dir, bool run_models) : dir_(std::move(dir)), run_models_(run_models) {}

  /** Every stage of one case; the largest raw-output difference end to end (0 without models). */
  float run(const Json& c) {
    const fs::path model_dir = dir_ / c["model"].get<std::string>();
    const edgepack::ModelFacts facts =
        run_models_ ? wrapper(model_dir).facts()
                    : edgepack::loadModelFacts((model_dir / "metadata.json").string(), "model.onnx");
    const cv::Mat rgb = edgepack::decodeImage((dir_ / c["image"].get<std::string>()).string());
    checkDecoded(rgb, c["decoded"]);
    const edgepack::PreparedInput input = edgepack::prepareInput(facts, rgb);
    checkPlacement(input.placement, c["preprocess"]);
    checkTensor(input.tensor, c["input"]);
    const edgepack::Options options = optionsOf(c["options"]);
    const auto committed = readOutputs(dir_, c["outputs"]);
    checkPredictions(edgepack::postprocess(facts, committed, input.placement, options), c["predictions"],
                     "post-processing of the committed outputs");
    if (!run_models_) return 0;
    edgepack::ModelWrapper& model = wrapper(model_dir);
    const auto outputs = model.infer(input);
    checkPredictions(edgepack::postprocess(model.facts(), outputs, input.placement, options), c["predictions"],
                     "end to end");
    return largestDifference(outputs, committed);
  }

 private:
  edgepack::ModelWrapper& wrapper(const fs::path& model_dir) {
    auto& slot = models_[model_dir.string()];
    if (!slot) {
      slot = std::make_unique<edgepack::ModelWrapper>((model_dir / "model.onnx").string(),
                                                      (model_dir / "metadata.json").string());
    }
    return *slot;
  }

  fs::path dir_;
  bool run_models_;
  std::map<std::string, std::unique_ptr<edgepack::ModelWrapper>> models_;
};

}  // namespace

/** `conformance --decode <image>...`: one JSON line per image, its decoded RGB's size and SHA-256 (or the error). */
int decodeOnly(int argc, char** argv) {
  for (int i = 2; i < argc; i++) {
    Json line = {{"file", argv[i]}};
    try {
      const cv::Mat decoded = edgepack::decodeImage(argv[i]);
      const cv::Mat rgb = decoded.isContinuous() ? decoded : decoded.clone();
      line["width"] = rgb.cols;
      line["height"] = rgb.rows;
      line["sha256"] = edgepack::sha256Hex(rgb.data, rgb.total() * 3);
    } catch (const edgepack::Error& e) {
      line["error"] = e.what();
    }
    std::cout << line.dump() << "\n";
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--decode") return decodeOnly(argc, argv);
  const bool run_models = !(argc > 1 && std::string(argv[1]) == "--no-model");
  const int first = run_models ? 1 : 2;
  if (argc <= first) {
    std::cerr << "usage: conformance [--no-model] <vectors-dir> [case...] | --decode <image>...\n";
    return 2;
  }
  const fs::path dir = argv[first];
  std::vector<std::string> cases;
  try {
    for (int i = first + 1; i < argc; i++) cases.push_back(argv[i]);
    if (cases.empty()) cases = readJson(dir / "index.json")["cases"].get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    std::cerr << "error: " << (dir / "index.json").string() << ": " << e.what() << "\n";
    return 2;
  }
  Runner runner(dir, run_models);
  int failed = 0;
  for (const auto& name : cases) {
    try {
      const Json c = readJson(dir / "cases" / name / "case.json");
      const float difference = runner.run(c);
      std::cout << "ok   " << name << "  (" << c["predictions"].size() << " predictions; ";
      if (run_models) std::cout << "raw outputs end to end: max |diff| " << difference << ")\n";
      else std::cout << "post-processing only)\n";
    } catch (const edgepack::Error& e) {
      failed++;
      std::cout << "FAIL " << name << ": " << e.what() << " (" << e.hint << ")\n";
    } catch (const std::exception& e) {
      failed++;
      std::cout << "FAIL " << name << ": " << e.what() << "\n";
    }
  }
  std::cout << cases.size() - failed << " of " << cases.size() << " conformance cases passed\n";
  return failed == 0 && !cases.empty() ? 0 : 1;
}
