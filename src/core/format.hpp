// Number formatting shared by the command line and the interface.
#pragma once

#include <cmath>
#include <string>

namespace latent {

// 1234567.8 -> "1,234,568"
inline std::string with_thousands(double v) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
  const int first = digits[0] == '-' ? 1 : 0;
  for (int i = static_cast<int>(digits.size()) - 3; i > first; i -= 3) digits.insert(static_cast<std::size_t>(i), 1, ',');
  return digits;
}

}  // namespace latent
