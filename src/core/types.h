// Basic vocabulary shared by every stage: ids, event types, events and sessions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sessionrec {

// External article id as it appears in logs and in the API (`aid`). 64-bit.
using ItemId = uint64_t;
// External session id (`session`, `session_id`); the API allows any 64-bit integer.
using SessionId = int64_t;
// Dense index of an item inside one model/event store: 0 .. num_items-1.
using ItemIndex = uint32_t;
// Unix time in whole seconds.
using Timestamp = int64_t;

inline constexpr ItemIndex kNoItem = UINT32_MAX;

// The three OTTO action types. The numeric values are stored in artifacts: never reorder.
enum class EventType : uint8_t { kClick = 0, kCart = 1, kOrder = 2 };
inline constexpr int kNumEventTypes = 3;
inline constexpr std::array<EventType, 3> kAllEventTypes = {EventType::kClick, EventType::kCart,
                                                            EventType::kOrder};

// "clicks", "carts", "orders": the OTTO spelling, used in JSON, CSV and CLI output.
std::string_view EventTypeName(EventType t);
// Parses "clicks" / "carts" / "orders"; anything else is nullopt.
std::optional<EventType> ParseEventType(std::string_view name);

// One event with its external item id; used at the edges (import, API, files).
struct Event {
  ItemId aid = 0;
  Timestamp ts = 0;  // seconds
  EventType type = EventType::kClick;
  friend bool operator==(const Event&, const Event&) = default;
};

// A session with its events in time order (stable for ties).
struct Session {
  SessionId id = 0;
  std::vector<Event> events;
  friend bool operator==(const Session&, const Session&) = default;
};

// Per-type weights of the OTTO metric and of the API's `combined` score.
struct TypeWeights {
  std::array<double, kNumEventTypes> w = {0.10, 0.30, 0.60};
  double operator[](EventType t) const { return w[static_cast<int>(t)]; }
  double& operator[](EventType t) { return w[static_cast<int>(t)]; }
};

// Timestamps above this are milliseconds (OTTO files, API): 10^11 s is year 5138.
inline constexpr int64_t kMillisecondThreshold = 100'000'000'000LL;
// Normalises a timestamp that may be in milliseconds to seconds.
inline Timestamp NormalizeTimestamp(int64_t raw) {
  // raw is positive here: the unsigned division is a multiply, where GCC emitted a 40-cycle
  // idiv for the signed one in the import loop (measured: 2% of `import`).
  return raw > kMillisecondThreshold ? static_cast<Timestamp>(static_cast<uint64_t>(raw) / 1000)
                                     : raw;
}

}  // namespace sessionrec
