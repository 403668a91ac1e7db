// Co-visitation variants beyond the three baseline matrices (issue 4), built by one small
// builder separate from covisit_builder.h (whose rules are the notebook's, exactly).
// docs/candidates.md lists them with their measured recall.
//
// Every variant looks at each session's tail (its most recent `tail_events` events) and
// forms ordered pairs (x, y) of tail events with item_x != item_y. Within one session a
// pair (x, y) counts once, with the largest weight any of its occurrences gives; across
// sessions the weights are summed (in double, rounded to float at the end). Row x keeps its
// top_k items y by summed weight, descending; equal weights by dense index ascending.
//
//   adjacent       y directly before or after x (consecutive events)       weight 1
//   forward        y after x (by position), at most forward_events later,  weight 1 / distance
//                  and ts_y - ts_x < window_seconds
//   time_decay     |ts_x - ts_y| < window_seconds;                          weight
//                  type_weights[type y] * 2^(-|ts_x - ts_y| / half_life_seconds)
//   click_to_buy   x a click, y a cart or order at ts_y >= ts_x,           weight
//                  ts_y - ts_x < window_seconds                            type_weights[type y]
//   recent_week    the carts_orders rule (type_weights[type y], |dt| < window) on the sessions
//                  whose last event lies within recent_seconds of the newest event
//   buy2buy_decay  carts and orders only (tail of carts/orders),           weight
//                  |dt| < buy_window_seconds                               2^(-|dt| /
//                  buy_half_life)
//
// Memory: the pairs of one session are deduplicated in a scratch vector; the pairs of all
// sessions are kept (12 bytes each) and sorted once, so this builder suits the samples and
// the mid-size synthetic sets, not 217M events (which would need covisit_builder's chunked
// passes). Deterministic; single-threaded; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "core/types.h"
#include "covisit/covisit_matrix.h"
#include "data/event_store.h"

namespace sessionrec {

enum class CovisitVariant : uint8_t {
  kAdjacent = 0,
  kForward = 1,
  kTimeDecay = 2,
  kClickToBuy = 3,
  kRecentWeek = 4,
  kBuy2BuyDecay = 5,
};
inline constexpr std::array<CovisitVariant, 6> kAllCovisitVariants = {
    CovisitVariant::kAdjacent,   CovisitVariant::kForward,    CovisitVariant::kTimeDecay,
    CovisitVariant::kClickToBuy, CovisitVariant::kRecentWeek, CovisitVariant::kBuy2BuyDecay};

// "adjacent", "forward", "time_decay", "click_to_buy", "recent_week", "buy2buy_decay".
std::string_view CovisitVariantName(CovisitVariant v);
// Parses the names above; anything else is nullopt.
std::optional<CovisitVariant> ParseCovisitVariant(std::string_view name);

struct CovisitVariantParams {
  // Events per session tail (buy2buy_decay: carts and orders per tail).
  int tail_events = 30;
  // Entries kept per row.
  int top_k = 20;
  // forward: y at most this many positions after x.
  int forward_events = 5;
  // forward, time_decay, click_to_buy, recent_week: pair window (seconds).
  int64_t window_seconds = 24 * 60 * 60;
  // time_decay: the weight halves every this many seconds of |ts_x - ts_y|.
  double half_life_seconds = 60 * 60;
  // recent_week: sessions ending within this many seconds of the newest event.
  int64_t recent_seconds = 7 * 24 * 60 * 60;
  // buy2buy_decay: pair window and half-life (seconds).
  int64_t buy_window_seconds = 14 * 24 * 60 * 60;
  double buy_half_life_seconds = 3 * 24 * 60 * 60;
  // Weight by the type of the y event: clicks, carts, orders (the carts_orders weights).
  std::array<float, kNumEventTypes> type_weights = {1.0f, 6.0f, 3.0f};
};

// Checks every field; the error names the field and its value.
Status ValidateCovisitVariantParams(const CovisitVariantParams& p);

// Builds one variant with events.num_items() rows. meta() is JSON with the variant name,
// its parameters and counts.
StatusOr<CovisitMatrix> BuildCovisitVariant(const EventStore& events, CovisitVariant variant,
                                            const CovisitVariantParams& p);

}  // namespace sessionrec
