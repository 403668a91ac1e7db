#include "data/import_time.h"

#include <charconv>

namespace sessionrec {
namespace {

// Reads exactly `n` digits at `s[pos]`.
std::optional<unsigned> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return v;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-mm-dd" at the start of `s`, validated, as days since the epoch.
std::optional<int64_t> ParseDate(std::string_view s) {
  auto y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (!y || !m || !d || s[4] != '-' || s[7] != '-') return std::nullopt;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*m < 1 || *m > 12 || *d < 1) return std::nullopt;
  if (*d > kDays[*m - 1] + ((*m == 2 && IsLeap(*y)) ? 1u : 0u)) return std::nullopt;
  return DaysFromCivil(*y, *m, *d);
}

std::optional<int64_t> ParseDateTime(std::string_view s) {
  // "YYYY-mm-dd HH:MM:SS" then optionally " UTC" (REES46) or "Z".
  if (s.size() < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto days = ParseDate(s);
  auto hh = Digits(s, 11, 2), mm = Digits(s, 14, 2), ss = Digits(s, 17, 2);
  if (!days || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest != " UTC" && rest != "Z") return std::nullopt;
  return ((*days * 24 + *hh) * 60 + *mm) * 60000LL + *ss * 1000LL;
}

std::optional<int64_t> ParseFractionalSeconds(std::string_view s) {
  size_t dot = s.find('.');
  auto whole = ParseInt64(s.substr(0, dot));
  if (!whole || *whole < 0) return std::nullopt;
  int64_t ms = 0;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty()) return std::nullopt;
    int64_t scale = 100;
    for (char c : frac) {
      if (c < '0' || c > '9') return std::nullopt;
      ms += (c - '0') * scale;  // digits beyond milliseconds are truncated
      scale /= 10;
    }
  }
  if (*whole > INT64_MAX / 1000 - 1) return std::nullopt;
  return *whole * 1000 + ms;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<uint64_t> ParseUint64(std::string_view text) {
  uint64_t v = 0;
  if (text.empty() || text[0] == '-') return std::nullopt;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<TimeFormat> ParseTimeFormat(std::string_view name) {
  if (name == "unix") return TimeFormat::kUnixSeconds;
  if (name == "unix-ms") return TimeFormat::kUnixMillis;
  if (name == "unix-frac") return TimeFormat::kUnixFractional;
  if (name == "datetime") return TimeFormat::kDateTime;
  if (name == "date+ms") return TimeFormat::kDatePlusMillis;
  return std::nullopt;
}

std::string_view TimeFormatName(TimeFormat format) {
  switch (format) {
    case TimeFormat::kUnixSeconds:
      return "unix";
    case TimeFormat::kUnixMillis:
      return "unix-ms";
    case TimeFormat::kUnixFractional:
      return "unix-frac";
    case TimeFormat::kDateTime:
      return "datetime";
    case TimeFormat::kDatePlusMillis:
      return "date+ms";
  }
  return "?";
}

std::optional<int64_t> ParseTimeMillis(std::string_view text, TimeFormat format) {
  switch (format) {
    case TimeFormat::kUnixSeconds: {
      auto v = ParseInt64(text);
      if (!v || *v < 0 || *v > INT64_MAX / 1000) return std::nullopt;
      return *v * 1000;
    }
    case TimeFormat::kUnixMillis: {
      auto v = ParseInt64(text);
      if (!v || *v < 0) return std::nullopt;
      return v;
    }
    case TimeFormat::kUnixFractional:
      return ParseFractionalSeconds(text);
    case TimeFormat::kDateTime:
      return ParseDateTime(text);
    case TimeFormat::kDatePlusMillis: {
      if (text.size() != 10) return std::nullopt;
      auto days = ParseDate(text);
      if (!days) return std::nullopt;
      return *days * 86'400'000LL;
    }
  }
  return std::nullopt;
}

}  // namespace sessionrec
