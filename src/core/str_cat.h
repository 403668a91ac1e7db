// StrCat for error messages. Debian's Abseil is built with its own string_view (not
// std::string_view), so absl::StrCat does not take std::string_view; this one takes
// anything fmt can format.
#pragma once

#include <fmt/format.h>

#include <string>

namespace sessionrec {

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
  return out;
}

}  // namespace sessionrec
