// Our own forward pass, for the export tests (tests/browser/export.test.mjs): the first COUNT test digits of the
// bundled MNIST subset through a weights file's model, written as JSON that the tests set beside onnxruntime's and
// TF.js's outputs. The code is the encoder's output (a VAE's mean; its log-variance as well), the reconstruction the
// whole model's (a VAE's from the mean).
//   export_reference ASSETS_DIR WEIGHTS.safetensors COUNT OUT.json
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/dataset.hpp"
#include "core/safetensors.hpp"

int main(int argc, char** argv) {
  using namespace latent;
  if (argc != 5) {
    std::cerr << "usage: export_reference ASSETS_DIR WEIGHTS.safetensors COUNT OUT.json\n";
    return 2;
  }
  Dataset all;
  std::unique_ptr<Autoencoder> model;
  if (Status s = load_bundled_mnist(argv[1], all); !s) return std::cerr << s.message() << "\n", 2;
  if (Status s = load_safetensors(argv[2], model, nullptr); !s) return std::cerr << s.message() << "\n", 2;
  const Dataset test = split_stratified(all).test;
  const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, std::atoi(argv[3]))), test.size());
  const int n = model->architecture().input;
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  std::vector<float> images(count * static_cast<std::size_t>(n));
  gather_columns(test, order.data(), static_cast<int>(count), images.data());
  nlohmann::json out{{"pixels", n}, {"code_size", model->architecture().code_size()}};
  for (std::size_t i = 0; i < count; ++i) {
    const float* x = images.data() + i * static_cast<std::size_t>(n);
    const auto layers = model->layer_outputs(x);
    const auto& code = layers[static_cast<std::size_t>(model->architecture().encoder_layer_count() - 1)];
    const std::size_t c = static_cast<std::size_t>(model->architecture().code_size());
    out["input"].push_back(std::vector<float>(x, x + n));
    out["code"].push_back(std::vector<float>(code.begin(), code.begin() + static_cast<std::ptrdiff_t>(c)));
    if (model->architecture().variational) {
      out["log_var"].push_back(std::vector<float>(code.begin() + static_cast<std::ptrdiff_t>(c), code.end()));
    }
    out["reconstruction"].push_back(layers.back());
  }
  std::ofstream(argv[4]) << out.dump();
  return 0;
}
