// Memory budgets: what a model, a batch and a data set will need, computed from their shapes before anything is
// allocated, so that a request too large for the machine (or the browser) is refused with a message instead of
// ending the process. The estimate follows the allocations of Autoencoder, Trainer and TrainingSession; a unit test
// measures the real heap of sessions against it (tests/unit/test_memory.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/autoencoder.hpp"
#include "core/status.hpp"

namespace latent {

struct TrainConfig;

// The CLI's default limit (`--memory-limit`), and the desktop window's: 2 GiB, what a wasm32 page can grow to, so
// that what trains at the default also fits the browser.
inline constexpr std::uint64_t kDefaultMemoryBudget = std::uint64_t{2} << 30;

struct MemoryNeed {
  std::uint64_t weights = 0;  // parameters, gradients and optimizer moments, with the session's copies
  std::uint64_t work = 0;     // activations and batch buffers, for every thread
  std::uint64_t data = 0;     // the images and labels, and the batch order
  std::uint64_t views = 0;    // the interface's own inference models (the gallery, the drawing, the map)
  std::uint64_t total() const { return weights + work + data + views; }
  MemoryNeed& operator+=(const MemoryNeed& o) {
    weights += o.weights;
    work += o.work;
    data += o.data;
    views += o.views;
    return *this;
  }
  std::string describe() const;  // "1.9 GB (weights 1.6 GB, batch work 250 MB, data 8.2 MB)"
};

// A session training `config` on `train_images` and evaluating on `test_images` (of config.shape.input
// pixels), with `view_models` inference copies of the model beside it (0 for the CLI).
MemoryNeed training_memory(const TrainConfig& config, std::size_t train_images, std::size_t test_images,
                           int view_models = 0);
// One model's parameters and gradients (what reading a weights file builds).
std::uint64_t model_memory(const Architecture& arch);

// Refuses `need` over `budget`: "<what> needs 9.3 GB (...); the memory limit is 2.0 GB<hint>".
Status check_memory(const MemoryNeed& need, std::uint64_t budget, const std::string& what, std::string_view hint = {});

// What this process may spend on training. Natively kDefaultMemoryBudget (the CLI takes --memory-limit). In the
// browser, what WebAssembly memory can grow to (2 GiB) less a reserve for the interface.
std::uint64_t available_memory();
// In the browser: makes sure the heap can hold `bytes` more than it now uses, growing it now if it must, so that a
// browser that cannot give that much is found out before the allocation (which would end the page). Natively,
// always ok.
Status reserve_memory(std::uint64_t bytes, const std::string& what);

// The architecture for a one-line message: runs of three or more equal widths collapsed, so that the largest shape
// still fits a line ("784-4096x6-32-4096x6-784 relu").
std::string compact_description(const Architecture& arch);

// What a request is, for its message: "training 784-32-784 relu at batch 256 on 1 thread(s)" (verb "training",
// "benchmarking", ...).
std::string request_text(const TrainConfig& config, const std::string& verb = "training");

// 1536 -> "1.5 KB", 2147483648 -> "2.0 GB" (binary units, as operating systems report memory).
std::string bytes_text(std::uint64_t bytes);
// "2G", "512M", "1.5G", "800K", or a plain number of MiB; at least 1 MiB, at most 1 TiB.
Status parse_memory_size(std::string_view text, std::uint64_t& bytes);

}  // namespace latent
