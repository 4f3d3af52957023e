// Memory budgets (see memory.hpp).
#include "core/memory.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/trainer.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#include <malloc.h>
#include <unistd.h>
#endif

namespace latent {
namespace {

constexpr std::uint64_t kFloat = sizeof(float);

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace

std::uint64_t model_memory(const Architecture& arch) { return 2 * arch.parameter_count() * kFloat; }

MemoryNeed training_memory(const TrainConfig& config, std::size_t train_images, std::size_t test_images,
                           int view_models) {
  const Architecture arch = config.architecture();
  // A batch larger than the training set is the whole set (the trainer's last batch is the remainder).
  std::uint64_t batch = static_cast<std::uint64_t>(std::max(1, config.batch_size));
  if (train_images > 0) batch = std::min<std::uint64_t>(batch, train_images);
  const auto threads = static_cast<std::uint64_t>(std::max(1, config.threads));
  const auto input = static_cast<std::uint64_t>(arch.input);
  const std::uint64_t params = arch.parameter_count() * kFloat;
  const bool denoising = config.objective.denoising();
  MemoryNeed need;

  // Each thread's model (the trainer's own and the replicas): parameters and gradients. Adam's two moments. The
  // session keeps the last good weights (the divergence guard), and a snapshot with the weights is held while the
  // next is made. A change of batch size copies the current weights while the new trainer is built.
  const std::uint64_t moments = config.optimizer.kind == OptimizerKind::Adam ? 2 * params : 0;
  need.weights = threads * 2 * params + moments + params + 2 * params + 2 * params;

  // Workspaces: a thread's slice of the batch while training, at most its part of a block of the test set (in
  // chunks of the batch size) while evaluating.
  const std::uint64_t slice = ceil_div(batch, threads);
  const std::uint64_t evaluation = std::min<std::uint64_t>(batch, ceil_div(Trainer::kEvaluationBlock, threads));
  const std::uint64_t columns = std::max(slice, evaluation);
  need.work = threads * workspace_scalars(arch, columns) * kFloat;
  // The gathered batch, the denoiser's noisy copy, the VAE's noise; and each thread's evaluation buffers (the test
  // images as floats, the noisy copy, the indices), sized by the batch.
  need.work += input * batch * kFloat * (denoising ? 2 : 1);
  if (arch.variational) need.work += static_cast<std::uint64_t>(arch.code_size()) * batch * kFloat;
  need.work += threads * evaluation * (input * kFloat * (denoising ? 2 : 1) + sizeof(std::size_t));

  // The images and labels (bytes), and the batch order.
  const auto images = static_cast<std::uint64_t>(train_images) + test_images;
  need.data = images * (input + 1) + static_cast<std::uint64_t>(train_images) * sizeof(std::size_t);

  // The interface's models: parameters and gradients, and a workspace of 256 columns (Autoencoder's inference
  // chunk); the map's codes of the test set.
  if (view_models > 0) {
    need.views = static_cast<std::uint64_t>(view_models) * (2 * params + workspace_scalars(arch, 256) * kFloat) +
                 static_cast<std::uint64_t>(test_images) * static_cast<std::uint64_t>(arch.code_size()) * 2 * kFloat;
  }
  return need;
}

std::string MemoryNeed::describe() const {
  std::string text = bytes_text(total()) + " (weights " + bytes_text(weights) + ", batch work " + bytes_text(work);
  if (data > 0) text += ", data " + bytes_text(data);
  if (views > 0) text += ", views " + bytes_text(views);
  return text + ")";
}

Status check_memory(const MemoryNeed& need, std::uint64_t budget, const std::string& what, std::string_view hint) {
  if (need.total() <= budget) return Status::ok();
  return Status::error(what + " needs " + need.describe() + "; the memory limit is " + bytes_text(budget) +
                       std::string(hint));
}

std::string compact_description(const Architecture& arch) {
  if (arch.convolutional()) return arch.describe();
  std::vector<int> widths{arch.input};
  widths.insert(widths.end(), arch.hidden.begin(), arch.hidden.end());
  widths.push_back(arch.latent);
  widths.insert(widths.end(), arch.hidden.rbegin(), arch.hidden.rend());
  widths.push_back(arch.input);
  std::string text;
  for (std::size_t i = 0; i < widths.size();) {
    std::size_t run = 1;
    while (i + run < widths.size() && widths[i + run] == widths[i]) ++run;
    if (!text.empty()) text += '-';
    if (run >= 3) {
      text += std::to_string(widths[i]) + "x" + std::to_string(run);
      i += run;
    } else {
      text += std::to_string(widths[i]);
      ++i;
    }
  }
  const std::string full = arch.describe();
  return text + full.substr(full.find(' '));  // " relu", " relu vae"
}

std::string request_text(const TrainConfig& config, const std::string& verb) {
  return verb + " " + compact_description(config.architecture()) + " at batch " + std::to_string(config.batch_size) +
         " on " + std::to_string(config.threads) + " thread(s)";
}

std::string bytes_text(std::uint64_t bytes) {
  static const char* const units[] = {"bytes", "KB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024.0 && unit < 4) {
    v /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, v < 10.0 ? "%.1f %s" : "%.0f %s", v, units[unit]);
  return text;
}

Status parse_memory_size(std::string_view text, std::uint64_t& bytes) {
  const std::string s(text);
  const auto bad = [&] {
    return Status::error("memory size '" + s + "' is not a size such as 2G, 512M or 1500 (MiB), from 1M to 1T");
  };
  if (s.empty() || s.size() > 24) return bad();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v) || v <= 0 || s[0] == '-' || s[0] == '+' || std::isspace(static_cast<unsigned char>(s[0]))) {
    return bad();
  }
  std::string suffix(end);
  if (suffix.size() == 2 && (suffix[1] == 'B' || suffix[1] == 'b')) suffix.pop_back();  // "2GB"
  double scale = 0;
  if (suffix.empty() || suffix == "M" || suffix == "m") scale = 1024.0 * 1024.0;
  else if (suffix == "K" || suffix == "k") scale = 1024.0;
  else if (suffix == "G" || suffix == "g") scale = 1024.0 * 1024.0 * 1024.0;
  else if (suffix == "T" || suffix == "t") scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
  else return bad();
  const double b = v * scale;
  if (b < 1024.0 * 1024.0 || b > 1024.0 * 1024.0 * 1024.0 * 1024.0) return bad();
  bytes = static_cast<std::uint64_t>(b);
  return Status::ok();
}

#ifdef __EMSCRIPTEN__

namespace {
// The interface's share of the heap, outside any training: the module's data and stacks, the font atlas, the
// textures, ImGui, and the copies that come and go while files load.
constexpr std::uint64_t kInterfaceReserve = std::uint64_t{256} << 20;
}  // namespace

std::uint64_t available_memory() {
  const std::uint64_t max = emscripten_get_heap_max();
  return max > kInterfaceReserve ? max - kInterfaceReserve : 0;
}

Status reserve_memory(std::uint64_t bytes, const std::string& what) {
  const std::uint64_t heap = emscripten_get_heap_size();
  const auto brk = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(sbrk(0)));
  const struct mallinfo info = mallinfo();
  // Free now: above the allocator's break, and free blocks below it.
  const std::uint64_t free_now = (heap > brk ? heap - brk : 0) + static_cast<std::uint64_t>(info.fordblks);
  if (bytes <= free_now) return Status::ok();
  const std::uint64_t wanted = heap + (bytes - free_now) + (std::uint64_t{16} << 20);  // and room to spare
  if (wanted > emscripten_get_heap_max() || emscripten_resize_heap(static_cast<std::size_t>(wanted)) == 0) {
    return Status::error(what + " needs " + bytes_text(bytes) + " more memory, and the browser could not give it (" +
                         bytes_text(heap) + " in use of at most " + bytes_text(emscripten_get_heap_max()) +
                         "); try a smaller model or batch, or fewer threads");
  }
  return Status::ok();
}

#else

std::uint64_t available_memory() { return kDefaultMemoryBudget; }

Status reserve_memory(std::uint64_t, const std::string&) { return Status::ok(); }

#endif

}  // namespace latent
