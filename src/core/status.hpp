// Status: how the core reports a failure. The web build runs without exceptions, so every function that can
// fail on user input (files, arguments, weights) returns one of these with a message meant for a person.
#pragma once

#include <string>
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

}  // namespace latent
