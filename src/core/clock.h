// Wall time since a steady_clock point, in seconds (stage timings and reports).
#pragma once

#include <chrono>

namespace sessionrec {

inline double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace sessionrec
