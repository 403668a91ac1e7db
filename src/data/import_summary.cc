#include "data/import_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "data/import_time.h"

namespace sessionrec {

EventStoreStats ComputeEventStoreStats(const EventStore& store) {
  EventStoreStats s;
  s.sessions = store.num_sessions();
  s.events = store.num_events();
  s.items = store.num_items();
  for (uint8_t t : store.types()) {
    if (t < kNumEventTypes) ++s.per_type[t];
  }
  if (s.events > 0) {
    const auto [lo, hi] = std::minmax_element(store.ts().begin(), store.ts().end());
    s.min_ts = *lo;
    s.max_ts = *hi;
  }
  if (s.sessions > 0) {
    s.mean_events_per_session = static_cast<double>(s.events) / static_cast<double>(s.sessions);
    std::vector<uint64_t> lengths(s.sessions);
    std::span<const uint64_t> off = store.offsets();
    for (size_t i = 0; i < s.sessions; ++i) lengths[i] = off[i + 1] - off[i];
    const size_t mid = lengths.size() / 2;
    std::nth_element(lengths.begin(), lengths.begin() + static_cast<ptrdiff_t>(mid), lengths.end());
    double median = static_cast<double>(lengths[mid]);
    if (lengths.size() % 2 == 0) {
      const uint64_t below =
          *std::max_element(lengths.begin(), lengths.begin() + static_cast<ptrdiff_t>(mid));
      median = (median + static_cast<double>(below)) / 2;
    }
    s.median_events_per_session = median;
  }
  return s;
}

std::string FormatUtc(int64_t seconds) {
  // civil_from_days (H. Hinnant), the inverse of DaysFromCivil.
  const int64_t days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
  const int64_t rem = seconds - days * 86400;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", y, m, d, rem / 3600, rem / 60 % 60,
                     rem % 60);
}

std::string FormatEventStoreStats(const EventStoreStats& s, std::string_view indent) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    fmt::format_to(std::back_inserter(out), "{}{:<20} {}\n", indent, key, value);
  };
  line("sessions:", fmt::format("{}", s.sessions));
  line("events:", fmt::format("{}", s.events));
  line("items:", fmt::format("{}", s.items));
  for (EventType t : kAllEventTypes) {
    const uint64_t n = s.per_type[static_cast<int>(t)];
    const double pct =
        s.events > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(s.events) : 0;
    line(fmt::format("{}:", EventTypeName(t)), fmt::format("{} ({:.1f}%)", n, pct));
  }
  line("events/session:", fmt::format("mean {:.2f}, median {:g}", s.mean_events_per_session,
                                      s.median_events_per_session));
  if (s.events > 0) {
    line("time range:", fmt::format("{} .. {} ({:.1f} hours)", FormatUtc(s.min_ts),
                                    FormatUtc(s.max_ts), (s.max_ts - s.min_ts) / 3600.0));
  }
  return out;
}

std::string FormatImportReport(const ImportReport& r, std::string_view indent) {
  std::string out;
  if (r.skipped_lines > 0) {
    fmt::format_to(std::back_inserter(out), "{}malformed lines skipped: {}\n", indent,
                   r.skipped_lines);
    for (const SkippedLine& l : r.examples) {
      fmt::format_to(std::back_inserter(out), "{}  {}:{}: {}\n", indent, l.file, l.line, l.reason);
    }
    if (r.examples.size() < r.skipped_lines) {
      fmt::format_to(std::back_inserter(out), "{}  ... and {} more\n", indent,
                     r.skipped_lines - r.examples.size());
    }
  }
  for (const auto& [reason, n] : r.dropped) {
    fmt::format_to(std::back_inserter(out), "{}dropped: {} rows: {}\n", indent, n, reason);
  }
  return out;
}

}  // namespace sessionrec
