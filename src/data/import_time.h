// Time values of delimited logs, parsed to Unix milliseconds (kept at ms precision while
// importing so that events within one second keep their true order; the event store then
// stores whole seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sessionrec {

enum class TimeFormat {
  kUnixSeconds,     // "1511658000"
  kUnixMillis,      // "1511658000123"
  kUnixFractional,  // "1396860669.277" (seconds with an optional fraction)
  kDateTime,        // "2019-10-01 00:00:00" with an optional " UTC" (or "T" separator)
  kDatePlusMillis,  // a date column "2016-05-09" plus a millisecond-offset column
};

// Parses a --time-format value: unix | unix-ms | unix-frac | datetime | date+ms.
std::optional<TimeFormat> ParseTimeFormat(std::string_view name);
std::string_view TimeFormatName(TimeFormat format);

// Parses `text` in `format` (for kDatePlusMillis: the date part only) into Unix ms.
// nullopt when the text does not match the format or the date is invalid.
std::optional<int64_t> ParseTimeMillis(std::string_view text, TimeFormat format);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// Parses a plain decimal integer (optional leading '-'); nullopt on anything else or
// overflow.
std::optional<int64_t> ParseInt64(std::string_view text);
std::optional<uint64_t> ParseUint64(std::string_view text);

}  // namespace sessionrec
