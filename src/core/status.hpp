// Status: how the core reports a failure. The web build runs without exceptions, so every function that can
// fail on user input (files, arguments, weights) returns one of these with a message meant for a person.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace latent {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status error(std::string message) { return Status(std::move(message)); }

  bool is_ok() const { return message_.empty(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : message_(message.empty() ? "unknown error" : std::move(message)) {}
  std::string message_;
};

// Text that came from a file or a user, as it may appear in a one-line message: in single quotes, control
// characters, quotes and backslashes escaped (\n, \x1b, ...), at most `limit` bytes of it (then "...").
inline std::string quote_text(std::string_view text, std::size_t limit = 60) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == limit) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\'' || c == '\\') (out += '\\') += static_cast<char>(c);
    else if (c < 0x20 || c == 0x7f) ((out += "\\x") += kHex[c >> 4]) += kHex[c & 15];
    else out += static_cast<char>(c);
  }
  return out + "'";
}

}  // namespace latent
