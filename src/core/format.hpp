// Number formatting shared by the command line and the interface.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace latent {

// 1234567.8 -> "1,234,568"
inline std::string with_thousands(double v) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
  const int first = digits[0] == '-' ? 1 : 0;
  for (int i = static_cast<int>(digits.size()) - 3; i > first; i -= 3) digits.insert(static_cast<std::size_t>(i), 1, ',');
  return digits;
}

// The shortest decimal (6 to 9 significant digits) that reads back as the same float: "0.001", not
// "0.00100000005", and never a 6-digit rounding that reads back as another float. For links, metadata and messages.
inline std::string float_text(float v) {
  char text[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(v));
    if (std::strtof(text, nullptr) == v) break;
  }
  return text;
}

}  // namespace latent
