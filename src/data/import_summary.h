// Statistics of an event store, printed by `import` after reading and by `inspect`.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/types.h"
#include "data/event_store.h"
#include "data/import_report.h"

namespace sessionrec {

struct EventStoreStats {
  uint64_t sessions = 0;
  uint64_t events = 0;
  uint64_t items = 0;
  std::array<uint64_t, kNumEventTypes> per_type = {};  // indexed by EventType
  double mean_events_per_session = 0;
  double median_events_per_session = 0;  // mean of the two middle values when even
  uint32_t min_ts = 0;                   // Unix seconds; 0 when there are no events
  uint32_t max_ts = 0;
};

EventStoreStats ComputeEventStoreStats(const EventStore& store);

// Multi-line human-readable text ("sessions: 5,066" ...), each line starting with `indent`.
std::string FormatEventStoreStats(const EventStoreStats& stats, std::string_view indent = "");

// The report's skipped lines (count and the first examples with file:line: reason) and
// dropped rows by reason, one per line; empty when nothing was skipped or dropped.
std::string FormatImportReport(const ImportReport& report, std::string_view indent = "");

// "2019-10-01 00:00:00 UTC" for Unix seconds.
std::string FormatUtc(int64_t seconds);

}  // namespace sessionrec
