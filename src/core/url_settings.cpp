// Settings in the page's address (see url_settings.hpp).
#include "core/url_settings.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include "core/format.hpp"

namespace latent {

namespace {

Status whole(std::string_view key, std::string_view value, long long lo, long long hi, long long& out) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty() || v < lo || v > hi) {
    return Status::error(std::string(key) + ": expected a whole number from " + std::to_string(lo) + " to " +
                         std::to_string(hi) + ", got " + quote_text(value, 40));
  }
  out = v;
  return Status::ok();
}

// A decimal number from lo to hi. strtod (Emscripten's library has no from_chars for double), on digits, '.', 'e'
// and signs only.
Status decimal(std::string_view key, std::string_view value, double lo, double hi, const char* what, float& out) {
  const std::string digits(value);
  char* end = nullptr;
  const double v = digits.find_first_not_of("0123456789.eE+-") == std::string::npos && !digits.empty()
                       ? std::strtod(digits.c_str(), &end)
                       : 0.0;
  if (end != digits.c_str() + digits.size() || digits.empty() || !std::isfinite(v) || v < lo || v > hi) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", lo, hi);
    return Status::error(std::string(key) + ": expected " + what + " from " + range + ", got " + quote_text(value, 40));
  }
  out = static_cast<float>(v);
  return Status::ok();
}

}  // namespace

std::string format_url_settings(const SessionSettings& s, DataKind data) {
  std::string text = "latent=" + std::to_string(s.architecture.latent) + "&hidden=" + s.architecture.hidden_list() +
                     "&activation=" + to_string(s.architecture.activation) + "&lr=" +
                     float_text(s.optimizer.learning_rate) + "&batch=" + std::to_string(s.batch_size) +
                     "&epochs=" + std::to_string(s.target_epochs) + "&seed=" + std::to_string(s.seed);
  const Objective& o = s.objective;
  text += std::string("&variant=") + to_string(o.variant);
  if (o.denoising()) text += std::string("&noise=") + to_string(o.noise) + "&level=" + float_text(o.noise_level);
  if (o.sparse()) text += "&sparsity=" + float_text(o.sparsity);
  if (o.variational()) text += "&beta=" + float_text(o.beta);
  if (data == DataKind::Fashion) text += "&data=fashion";
  return text;
}

Status parse_url_settings(std::string_view text, SessionSettings& settings, DataKind* data) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  if (text.size() > kMaxUrlSettings) {
    return Status::error("the link's settings are " + std::to_string(text.size()) + " characters; at most " +
                         std::to_string(kMaxUrlSettings) + " are read");
  }
  SessionSettings s = settings;
  std::optional<DataKind> linked_data;
  std::set<std::string, std::less<>> seen;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return Status::error("the link's setting " + quote_text(pair, 40) + " has no value (key=value)");
    const std::string_view key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (!seen.insert(std::string(key)).second) return Status::error(quote_text(key, 40) + " is set twice in the link");
    long long n = 0;
    if (key == "latent") {
      if (Status e = whole(key, value, Architecture::kMinLatent, Architecture::kMaxLatent, n); !e) return e;
      s.architecture.latent = static_cast<int>(n);
    } else if (key == "hidden") {
      std::vector<int> widths;
      if (Status e = parse_hidden_list(value, widths); !e) return e;
      s.architecture.hidden = std::move(widths);
    } else if (key == "activation") {
      const auto a = parse_activation(value);
      if (!a) return Status::error("activation: expected relu, sigmoid, tanh or linear, got " + quote_text(value, 40));
      s.architecture.activation = *a;
    } else if (key == "lr") {
      if (Status e = decimal(key, value, 1e-6, 1.0, "a learning rate", s.optimizer.learning_rate); !e) return e;
    } else if (key == "data") {
      if (value == "mnist") linked_data = DataKind::Mnist;
      else if (value == "fashion") linked_data = DataKind::Fashion;
      else return Status::error("data: expected mnist or fashion, got " + quote_text(value, 40));
    } else if (key == "variant") {
      const auto v = parse_variant(value);
      if (!v) return Status::error("variant: expected plain, denoising, sparse or vae, got " + quote_text(value, 40));
      s.objective.variant = *v;
    } else if (key == "noise") {
      const auto v = parse_noise(value);
      if (!v) return Status::error("noise: expected gaussian or mask, got " + quote_text(value, 40));
      s.objective.noise = *v;
    } else if (key == "level") {
      if (Status e = decimal(key, value, 0.0, Objective::kMaxNoiseLevel, "a noise level", s.objective.noise_level); !e) return e;
    } else if (key == "sparsity") {
      if (Status e = decimal(key, value, 0.0, Objective::kMaxSparsity, "an L1 weight", s.objective.sparsity); !e) return e;
    } else if (key == "beta") {
      if (Status e = decimal(key, value, 0.0, Objective::kMaxBeta, "a KL weight", s.objective.beta); !e) return e;
    } else if (key == "batch") {
      if (Status e = whole(key, value, 1, TrainConfig::kMaxBatch, n); !e) return e;
      s.batch_size = static_cast<int>(n);
    } else if (key == "epochs") {
      if (Status e = whole(key, value, 1, SessionSettings::kMaxEpochs, n); !e) return e;
      s.target_epochs = static_cast<int>(n);
    } else if (key == "seed") {
      if (Status e = whole(key, value, 0, 2147483647, n); !e) return e;
      s.seed = static_cast<std::uint64_t>(n);
    } else {
      return Status::error("the link has an unknown setting " + quote_text(key, 40) +
                           " (known: latent, hidden, activation, lr, batch, epochs, seed, variant, noise, level, sparsity, beta, "
                           "data)");
    }
  }
  // A variant's own settings belong with it (as on the command line): a link that sets them for another variant
  // would not come back from the address the page writes.
  const auto belongs = [&](const char* key, Variant variant) -> Status {
    if (seen.count(key) == 0 || s.objective.variant == variant) return Status::ok();
    return Status::error(std::string(key) + " applies to variant=" + to_string(variant) + " only");
  };
  if (Status e = belongs("noise", Variant::Denoising); !e) return e;
  if (Status e = belongs("level", Variant::Denoising); !e) return e;
  if (Status e = belongs("sparsity", Variant::Sparse); !e) return e;
  if (Status e = belongs("beta", Variant::Variational); !e) return e;
  if (Status e = s.validate(); !e) return e;
  settings = std::move(s);
  if (data != nullptr && linked_data) *data = *linked_data;
  return Status::ok();
}

}  // namespace latent
