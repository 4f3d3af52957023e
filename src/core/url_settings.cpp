// Settings in the page's address (see url_settings.hpp).
#include "core/url_settings.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

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

}  // namespace

std::string format_url_settings(const SessionSettings& s) {
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", static_cast<double>(s.optimizer.learning_rate));
  return "latent=" + std::to_string(s.architecture.latent) + "&hidden=" + s.architecture.hidden_list() +
         "&activation=" + to_string(s.architecture.activation) + "&lr=" + lr + "&batch=" + std::to_string(s.batch_size) +
         "&epochs=" + std::to_string(s.target_epochs) + "&seed=" + std::to_string(s.seed);
}

Status parse_url_settings(std::string_view text, SessionSettings& settings) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  if (text.size() > kMaxUrlSettings) {
    return Status::error("the link's settings are " + std::to_string(text.size()) + " characters; at most " +
                         std::to_string(kMaxUrlSettings) + " are read");
  }
  SessionSettings s = settings;
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
      // strtod (Emscripten's library has no from_chars for double), on digits, '.', 'e' and signs only.
      const std::string digits(value);
      char* end = nullptr;
      const double v = digits.find_first_not_of("0123456789.eE+-") == std::string::npos && !digits.empty()
                           ? std::strtod(digits.c_str(), &end)
                           : 0.0;
      if (end != digits.c_str() + digits.size() || digits.empty() || !std::isfinite(v) || v < 1e-6 || v > 1.0) {
        return Status::error("lr: expected a learning rate from 1e-06 to 1, got " + quote_text(value, 40));
      }
      s.optimizer.learning_rate = static_cast<float>(v);
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
                           " (known: latent, hidden, activation, lr, batch, epochs, seed)");
    }
  }
  if (Status e = s.validate(); !e) return e;
  settings = std::move(s);
  return Status::ok();
}

}  // namespace latent
