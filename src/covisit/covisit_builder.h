// Builds the three co-visitation matrices of the public OTTO baseline ("candidate rerank
// model - [LB 0.575]"), with its rules exactly; docs/covisitation.md gives the rules, the
// tie-breaks and the memory model.
//
// Per session, take the tail (the 30 most recent events; for buy2buy the 30 most recent carts
// and orders) and form the ordered pairs (x, y) of tail events with aid_x != aid_y and
// |ts_x - ts_y| < window. A pair of items counts once per session: the first (x, y) in the
// tail's order (x-major, most recent first) gives its weight:
//   clicks        1 + 3 * (ts_x - ts_min) / (ts_max - ts_min)   window 24 h, top 20
//   carts_orders  type weight of y: clicks 1, carts 6, orders 3  window 24 h, top 15
//   buy2buy       1 (carts and orders only)                      window 14 d, top 15
// Row x keeps its top-k items y by summed weight, descending; equal weights by dense item
// index ascending. Each pair weight is rounded to float (as the notebook's astype('float32')),
// summed in double, and the sum rounded to float; rows are summed in a fixed order, so the
// result is identical for every thread count.
//
// Thread safety: the builders only read the EventStore; call them from one thread (they use
// OpenMP internally).
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

// The three matrices of the baseline. The numeric values are not stored anywhere.
enum class CovisitKind : uint8_t { kClicks = 0, kCartsOrders = 1, kBuy2Buy = 2 };
inline constexpr std::array<CovisitKind, 3> kAllCovisitKinds = {
    CovisitKind::kClicks, CovisitKind::kCartsOrders, CovisitKind::kBuy2Buy};

// "clicks", "carts_orders", "buy2buy" (used in meta JSON, file names and the CLI).
std::string_view CovisitKindName(CovisitKind kind);
// Parses the names above; anything else is nullopt.
std::optional<CovisitKind> ParseCovisitKind(std::string_view name);

struct CovisitParams {
  // Events per session tail: the most recent N events (buy2buy: the most recent N carts and
  // orders); older events never pair. The notebook's `n < 30`.
  int tail_events = 30;
  // clicks and carts_orders: pair two events only if |ts_x - ts_y| < this (seconds).
  int64_t window_seconds = 24 * 60 * 60;
  // buy2buy: pair two carts/orders only if |ts_x - ts_y| < this (seconds).
  int64_t buy2buy_window_seconds = 14 * 24 * 60 * 60;
  // Entries kept per row of each matrix.
  int clicks_top_k = 20;
  int carts_orders_top_k = 15;
  int buy2buy_top_k = 15;
  // clicks: a pair weighs 1 + time_weight_span * (ts_x - ts_min) / (ts_max - ts_min); 1 when
  // ts_max == ts_min.
  double time_weight_span = 3.0;
  // The ts_min / ts_max of that formula (Unix seconds); -1 takes the min / max over all events
  // of the input. The notebook used 1659304800 / 1662328791, OTTO's full range.
  int64_t ts_min = -1;
  int64_t ts_max = -1;
  // carts_orders: a pair weighs type_weights[type of the y event]: clicks, carts, orders.
  std::array<float, kNumEventTypes> type_weights = {1.0f, 6.0f, 3.0f};
  // OpenMP worker threads; 0 takes omp_get_max_threads(). The result does not depend on it.
  int num_threads = 0;
};

// Checks every field; the error names the field and its value.
Status ValidateCovisitParams(const CovisitParams& p);

// One matrix of each kind, all with EventStore::num_items() rows.
struct CovisitMatrices {
  CovisitMatrix clicks;
  CovisitMatrix carts_orders;
  CovisitMatrix buy2buy;
  const CovisitMatrix& Get(CovisitKind kind) const;
};

// Builds one matrix. Its meta() is JSON with the kind, the parameters that shaped it and
// counts (sessions, events, items, entries).
StatusOr<CovisitMatrix> BuildCovisit(const EventStore& events, CovisitKind kind,
                                     const CovisitParams& p);
// Builds all three; clicks and carts_orders share one pass over the same pairs, so this is
// faster than three BuildCovisit calls. The matrices equal those of BuildCovisit.
StatusOr<CovisitMatrices> BuildAllCovisit(const EventStore& events, const CovisitParams& p);

}  // namespace sessionrec
