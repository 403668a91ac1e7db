#include "covisit/covisit_variants.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "fmt/format.h"

namespace sessionrec {
namespace {

constexpr std::array<std::string_view, kAllCovisitVariants.size()> kNames = {
    "adjacent", "forward", "time_decay", "click_to_buy", "recent_week", "buy2buy_decay"};

struct Pair {
  ItemIndex x;
  ItemIndex y;
  float w;
};

bool ByXY(const Pair& a, const Pair& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; }

// The weight of the ordered pair of tail positions (a, b), or 0 when it does not pair.
// Positions are indices into the session; `dt` = ts_b - ts_a.
double PairWeight(CovisitVariant v, const CovisitVariantParams& p, const SessionView& s, size_t a,
                  size_t b) {
  const int64_t dt = static_cast<int64_t>(s.ts[b]) - static_cast<int64_t>(s.ts[a]);
  const int64_t adt = dt < 0 ? -dt : dt;
  const float type_w = p.type_weights[s.types[b]];
  switch (v) {
    case CovisitVariant::kAdjacent:
      return (a + 1 == b || b + 1 == a) ? 1.0 : 0.0;
    case CovisitVariant::kForward:
      if (b <= a || b - a > static_cast<size_t>(p.forward_events) || dt >= p.window_seconds) {
        return 0;
      }
      return 1.0 / static_cast<double>(b - a);
    case CovisitVariant::kTimeDecay:
      if (adt >= p.window_seconds) return 0;
      return type_w * std::exp2(-static_cast<double>(adt) / p.half_life_seconds);
    case CovisitVariant::kClickToBuy:
      if (s.type(a) != EventType::kClick || s.type(b) == EventType::kClick) return 0;
      if (dt < 0 || dt >= p.window_seconds) return 0;
      return type_w;
    case CovisitVariant::kRecentWeek:
      return adt < p.window_seconds ? type_w : 0.0;
    case CovisitVariant::kBuy2BuyDecay:
      if (adt >= p.buy_window_seconds) return 0;
      return std::exp2(-static_cast<double>(adt) / p.buy_half_life_seconds);
  }
  return 0;
}

}  // namespace

std::string_view CovisitVariantName(CovisitVariant v) { return kNames[static_cast<size_t>(v)]; }

std::optional<CovisitVariant> ParseCovisitVariant(std::string_view name) {
  for (CovisitVariant v : kAllCovisitVariants) {
    if (CovisitVariantName(v) == name) return v;
  }
  return std::nullopt;
}

Status ValidateCovisitVariantParams(const CovisitVariantParams& p) {
  auto bad = [](std::string_view field, auto value) {
    return absl::InvalidArgumentError(
        StrCat("covisit variant: ", field, " = ", value, " is out of range (must be positive)"));
  };
  if (p.tail_events < 1) return bad("tail_events", p.tail_events);
  if (p.top_k < 1) return bad("top_k", p.top_k);
  if (p.forward_events < 1) return bad("forward_events", p.forward_events);
  if (p.window_seconds < 1) return bad("window_seconds", p.window_seconds);
  if (!(p.half_life_seconds > 0)) return bad("half_life_seconds", p.half_life_seconds);
  if (p.recent_seconds < 1) return bad("recent_seconds", p.recent_seconds);
  if (p.buy_window_seconds < 1) return bad("buy_window_seconds", p.buy_window_seconds);
  if (!(p.buy_half_life_seconds > 0)) return bad("buy_half_life_seconds", p.buy_half_life_seconds);
  for (float w : p.type_weights) {
    if (!std::isfinite(w) || w < 0) {
      return absl::InvalidArgumentError(
          StrCat("covisit variant: type_weights entry ", w, " must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

StatusOr<CovisitMatrix> BuildCovisitVariant(const EventStore& events, CovisitVariant variant,
                                            const CovisitVariantParams& p) {
  SR_RETURN_IF_ERROR(ValidateCovisitVariantParams(p));
  uint32_t newest = 0;
  for (uint32_t t : events.ts()) newest = std::max(newest, t);

  std::vector<Pair> all;
  std::vector<Pair> session_pairs;
  std::vector<size_t> tail;
  uint64_t sessions_used = 0;
  for (size_t si = 0; si < events.num_sessions(); ++si) {
    const SessionView s = events.session(si);
    if (s.size() < 2) continue;
    if (variant == CovisitVariant::kRecentWeek &&
        static_cast<int64_t>(newest) - static_cast<int64_t>(s.ts[s.size() - 1]) >
            p.recent_seconds) {
      continue;
    }
    // The tail, in time order: the most recent tail_events (buy2buy_decay: carts/orders).
    tail.clear();
    for (size_t i = s.size(); i-- > 0 && tail.size() < static_cast<size_t>(p.tail_events);) {
      if (variant == CovisitVariant::kBuy2BuyDecay && s.type(i) == EventType::kClick) continue;
      tail.push_back(i);
    }
    std::reverse(tail.begin(), tail.end());
    session_pairs.clear();
    for (size_t a : tail) {
      for (size_t b : tail) {
        if (s.items[a] == s.items[b]) continue;
        const double w = PairWeight(variant, p, s, a, b);
        if (w > 0) session_pairs.push_back({s.items[a], s.items[b], static_cast<float>(w)});
      }
    }
    if (session_pairs.empty()) continue;
    ++sessions_used;
    // Once per session: the largest weight of each (x, y).
    std::sort(session_pairs.begin(), session_pairs.end(), [](const Pair& a, const Pair& b) {
      return ByXY(a, b) || (!ByXY(b, a) && a.w > b.w);
    });
    for (size_t i = 0; i < session_pairs.size(); ++i) {
      if (i > 0 && !ByXY(session_pairs[i - 1], session_pairs[i])) continue;
      all.push_back(session_pairs[i]);
    }
  }
  // Stable so that equal (x, y) sum in session order: the float result is deterministic.
  std::stable_sort(all.begin(), all.end(), ByXY);

  const size_t rows = events.num_items();
  std::vector<uint64_t> offsets(rows + 1, 0);
  std::vector<ItemIndex> neighbors;
  std::vector<float> weights;
  std::vector<Pair> row;
  size_t i = 0;
  for (ItemIndex x = 0; x < rows; ++x) {
    row.clear();
    while (i < all.size() && all[i].x == x) {
      double sum = 0;
      const ItemIndex y = all[i].y;
      for (; i < all.size() && all[i].x == x && all[i].y == y; ++i) sum += all[i].w;
      row.push_back({x, y, static_cast<float>(sum)});
    }
    std::sort(row.begin(), row.end(),
              [](const Pair& a, const Pair& b) { return a.w != b.w ? a.w > b.w : a.y < b.y; });
    if (row.size() > static_cast<size_t>(p.top_k)) row.resize(p.top_k);
    for (const Pair& e : row) {
      neighbors.push_back(e.y);
      weights.push_back(e.w);
    }
    offsets[x + 1] = neighbors.size();
  }
  std::string meta = fmt::format(
      "{{\"matrix\":\"{}\",\"tail_events\":{},\"top_k\":{},\"forward_events\":{},"
      "\"window_seconds\":{},\"half_life_seconds\":{},\"recent_seconds\":{},"
      "\"buy_window_seconds\":{},\"buy_half_life_seconds\":{},\"type_weights\":[{},{},{}],"
      "\"sessions\":{},\"sessions_paired\":{},\"events\":{},\"items\":{},\"entries\":{}}}",
      CovisitVariantName(variant), p.tail_events, p.top_k, p.forward_events, p.window_seconds,
      p.half_life_seconds, p.recent_seconds, p.buy_window_seconds, p.buy_half_life_seconds,
      p.type_weights[0], p.type_weights[1], p.type_weights[2], events.num_sessions(), sessions_used,
      events.num_events(), rows, neighbors.size());
  return CovisitMatrix(std::move(offsets), std::move(neighbors), std::move(weights),
                       std::move(meta));
}

}  // namespace sessionrec
