#include "covisit/covisit_builder.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "covisit/huge_page_allocator.h"
#include "covisit/session_tails.h"

namespace sessionrec {
namespace {

constexpr uint8_t kAllTypes = 0b111;
constexpr uint8_t kBuyTypes = 0b110;  // carts and orders
// Rows are handed to threads in blocks of this many; small enough to balance the heavy rows
// of popular items, large enough that a block's output vectors are worth their overhead.
constexpr size_t kBlockRows = 512;
constexpr int kMaxTopK = 10000;

// One matrix in CSR columns, before it becomes a CovisitMatrix.
struct Csr {
  std::vector<uint64_t> offsets;
  std::vector<ItemIndex> neighbors;
  std::vector<float> weights;
};

struct Candidate {
  float weight;
  ItemIndex item;
};
// Weight descending, then dense item index ascending: a strict total order within a row, so
// the kept set and its order never depend on the order candidates were found in.
bool Better(const Candidate& a, const Candidate& b) {
  return a.weight > b.weight || (a.weight == b.weight && a.item < b.item);
}

// Visits of a row whose tails are prefetched ahead of use.
constexpr size_t kPrefetchAhead = 8;

void Prefetch(std::span<const TailEvent> tail) {
  const char* p = reinterpret_cast<const char*>(tail.data());
  for (size_t off = 0; off < tail.size_bytes(); off += 64) __builtin_prefetch(p + off);
}

int64_t AbsDiff(uint32_t a, uint32_t b) {
  return a > b ? static_cast<int64_t>(a - b) : static_cast<int64_t>(b - a);
}

// Computes N matrices over the same pairs of `tails`. `weight(x, y)` gives the N weights of
// the pair's first occurrence in a session. Each row is computed by one thread from the
// sessions holding its item, in ascending session order and tail order, so its sums, and
// hence the matrices, are the same for any number of threads.
template <int N, typename WeightFn>
std::array<Csr, N> ComputeRows(const SessionTails& tails, int64_t window,
                               const std::array<int, N>& top_k, int threads,
                               const WeightFn& weight) {
  const size_t rows = tails.num_items();
  const size_t num_blocks = (rows + kBlockRows - 1) / kBlockRows;
  struct Block {
    std::vector<ItemIndex> neighbors;
    std::vector<float> weights;
  };
  std::array<std::vector<Block>, N> blocks;
  std::array<Csr, N> out;
  for (int k = 0; k < N; ++k) {
    blocks[k].resize(num_blocks);
    out[k].offsets.assign(rows + 1, 0);
  }

#pragma omp parallel num_threads(threads)
  {
    // Per-thread state for every item y of the row being computed. `seen` is the last visit
    // (one row in one session) that paired y: equal to the current visit means y is already
    // paired in this session, i.e. the notebook's drop_duplicates(['session','aid_x',
    // 'aid_y']); below the row's first visit means `acc` is stale from an earlier row.
    // One 16/24-byte struct per item keeps each pair to one cache line.
    struct Slot {
      uint64_t seen = 0;
      std::array<double, N> acc{};
    };
    std::vector<Slot, HugePageAllocator<Slot>> slots(rows);
    std::vector<ItemIndex> touched;
    std::vector<Candidate> cand;
    uint64_t visit = 0;
#pragma omp for schedule(dynamic, 1)
    for (size_t b = 0; b < num_blocks; ++b) {
      const size_t row_end = std::min(rows, (b + 1) * kBlockRows);
      for (size_t r = b * kBlockRows; r < row_end; ++r) {
        const auto x_item = static_cast<ItemIndex>(r);
        const uint64_t row_begin = visit + 1;
        touched.clear();
        const std::span<const TailRef> refs = tails.TailsWithItem(x_item);
        for (size_t v = 0; v < refs.size(); ++v) {
          // The tails of one row lie scattered over the whole tail array: fetch a few
          // visits ahead so the loads overlap instead of stalling one by one.
          if (v + kPrefetchAhead < refs.size()) Prefetch(tails.tail(refs[v + kPrefetchAhead]));
          ++visit;
          const std::span<const TailEvent> tail = tails.tail(refs[v]);
          for (const TailEvent& x : tail) {
            if (x.item() != x_item) continue;
            for (const TailEvent& y : tail) {
              const ItemIndex y_item = y.item();
              if (y_item == x_item || AbsDiff(x.ts, y.ts) >= window) continue;
              Slot& slot = slots[y_item];
              if (slot.seen == visit) continue;
              if (slot.seen < row_begin) {
                slot.acc = {};
                touched.push_back(y_item);
              }
              slot.seen = visit;
              const std::array<float, N> w = weight(x, y);
              for (int k = 0; k < N; ++k) slot.acc[k] += w[k];
            }
          }
        }
        for (int k = 0; k < N; ++k) {
          cand.clear();
          for (ItemIndex y : touched) {
            cand.push_back({static_cast<float>(slots[y].acc[k]), y});
          }
          const auto keep = static_cast<size_t>(top_k[k]);
          if (cand.size() > keep) {
            std::nth_element(cand.begin(), cand.begin() + keep, cand.end(), Better);
            cand.resize(keep);
          }
          std::sort(cand.begin(), cand.end(), Better);
          Block& blk = blocks[k][b];
          for (const Candidate& c : cand) {
            blk.neighbors.push_back(c.item);
            blk.weights.push_back(c.weight);
          }
          out[k].offsets[r + 1] = cand.size();
        }
      }
    }
  }

  // Blocks hold consecutive rows, so concatenating them in block order gives the CSR.
  for (int k = 0; k < N; ++k) {
    Csr& c = out[k];
    for (size_t r = 0; r < rows; ++r) c.offsets[r + 1] += c.offsets[r];
    c.neighbors.reserve(c.offsets.back());
    c.weights.reserve(c.offsets.back());
    for (Block& blk : blocks[k]) {
      c.neighbors.insert(c.neighbors.end(), blk.neighbors.begin(), blk.neighbors.end());
      c.weights.insert(c.weights.end(), blk.weights.begin(), blk.weights.end());
      blk = Block{};
    }
  }
  return out;
}

// The resolved time range of the clicks weight: the parameters, or the data's min / max.
struct TimeRange {
  int64_t min = 0;
  int64_t max = 0;
};

StatusOr<TimeRange> ResolveTimeRange(const EventStore& events, const CovisitParams& p) {
  TimeRange t;
  if (p.ts_min < 0 || p.ts_max < 0) {
    const auto ts = events.ts();
    if (!ts.empty()) {
      const auto [lo, hi] = std::minmax_element(ts.begin(), ts.end());
      t = {*lo, *hi};
    }
  }
  if (p.ts_min >= 0) t.min = p.ts_min;
  if (p.ts_max >= 0) t.max = p.ts_max;
  if (t.min > t.max) {
    return absl::InvalidArgumentError(
        StrCat("co-visitation: ts_min ", t.min, " is after ts_max ", t.max));
  }
  return t;
}

// The clicks weight of the x event, computed as the notebook does: in double, then rounded
// to float (`df.wgt.astype('float32')`).
class TimeWeight {
 public:
  TimeWeight(TimeRange r, double span)
      : min_(r.min), range_(static_cast<double>(r.max - r.min)), span_(span) {}
  float operator()(uint32_t ts) const {
    if (range_ == 0) return 1.0f;
    return static_cast<float>(1.0 + span_ * static_cast<double>(ts - min_) / range_);
  }

 private:
  int64_t min_;
  double range_;
  double span_;
};

int TopK(const CovisitParams& p, CovisitKind kind) {
  switch (kind) {
    case CovisitKind::kClicks:
      return p.clicks_top_k;
    case CovisitKind::kCartsOrders:
      return p.carts_orders_top_k;
    case CovisitKind::kBuy2Buy:
      return p.buy2buy_top_k;
  }
  return 0;
}

std::string Meta(CovisitKind kind, const CovisitParams& p, TimeRange t, const EventStore& ev,
                 const Csr& c) {
  std::string rule;
  switch (kind) {
    case CovisitKind::kClicks:
      rule = fmt::format(R"("window_seconds":{},"time_weight_span":{},"ts_min":{},"ts_max":{})",
                         p.window_seconds, p.time_weight_span, t.min, t.max);
      break;
    case CovisitKind::kCartsOrders:
      rule = fmt::format(R"("window_seconds":{},"type_weights":[{},{},{}])", p.window_seconds,
                         p.type_weights[0], p.type_weights[1], p.type_weights[2]);
      break;
    case CovisitKind::kBuy2Buy:
      rule = fmt::format(R"("window_seconds":{},"types":["carts","orders"])",
                         p.buy2buy_window_seconds);
      break;
  }
  return fmt::format(R"({{"matrix":"{}","tail_events":{},"top_k":{},{},"sessions":{},"events":{},)"
                     R"("items":{},"entries":{}}})",
                     CovisitKindName(kind), p.tail_events, TopK(p, kind), rule, ev.num_sessions(),
                     ev.num_events(), ev.num_items(), c.neighbors.size());
}

CovisitMatrix ToMatrix(Csr c, std::string meta) {
  return CovisitMatrix(std::move(c.offsets), std::move(c.neighbors), std::move(c.weights),
                       std::move(meta));
}

int Threads(const CovisitParams& p) {
  return p.num_threads > 0 ? p.num_threads : omp_get_max_threads();
}

}  // namespace

std::string_view CovisitKindName(CovisitKind kind) {
  switch (kind) {
    case CovisitKind::kClicks:
      return "clicks";
    case CovisitKind::kCartsOrders:
      return "carts_orders";
    case CovisitKind::kBuy2Buy:
      return "buy2buy";
  }
  return "unknown";
}

std::optional<CovisitKind> ParseCovisitKind(std::string_view name) {
  for (CovisitKind k : kAllCovisitKinds) {
    if (CovisitKindName(k) == name) return k;
  }
  return std::nullopt;
}

Status ValidateCovisitParams(const CovisitParams& p) {
  auto bad = [](std::string_view field, const auto& value, std::string_view want) {
    return absl::InvalidArgumentError(
        StrCat("co-visitation parameter ", field, " = ", value, ": ", want));
  };
  if (p.tail_events < 1 || p.tail_events > SessionTails::kMaxTailEvents) {
    return bad("tail_events", p.tail_events,
               StrCat("must be in 1..", SessionTails::kMaxTailEvents));
  }
  if (p.window_seconds < 1) return bad("window_seconds", p.window_seconds, "must be >= 1");
  if (p.buy2buy_window_seconds < 1) {
    return bad("buy2buy_window_seconds", p.buy2buy_window_seconds, "must be >= 1");
  }
  for (CovisitKind k : kAllCovisitKinds) {
    const int top = TopK(p, k);
    if (top < 1 || top > kMaxTopK) {
      return bad(StrCat(CovisitKindName(k), "_top_k"), top, StrCat("must be in 1..", kMaxTopK));
    }
  }
  if (!std::isfinite(p.time_weight_span)) {
    return bad("time_weight_span", p.time_weight_span, "must be finite");
  }
  if (p.ts_min < -1) return bad("ts_min", p.ts_min, "must be >= 0, or -1 for the data's");
  if (p.ts_max < -1) return bad("ts_max", p.ts_max, "must be >= 0, or -1 for the data's");
  for (EventType t : kAllEventTypes) {
    const float w = p.type_weights[static_cast<int>(t)];
    if (!std::isfinite(w) || w < 0) {
      return bad(StrCat("type_weights[", EventTypeName(t), "]"), w, "must be finite and >= 0");
    }
  }
  if (p.num_threads < 0) return bad("num_threads", p.num_threads, "must be >= 0");
  return absl::OkStatus();
}

const CovisitMatrix& CovisitMatrices::Get(CovisitKind kind) const {
  switch (kind) {
    case CovisitKind::kClicks:
      return clicks;
    case CovisitKind::kCartsOrders:
      return carts_orders;
    case CovisitKind::kBuy2Buy:
      break;
  }
  return buy2buy;
}

StatusOr<CovisitMatrix> BuildCovisit(const EventStore& events, CovisitKind kind,
                                     const CovisitParams& p) {
  SR_RETURN_IF_ERROR(ValidateCovisitParams(p));
  SR_ASSIGN_OR_RETURN(const TimeRange range, ResolveTimeRange(events, p));
  const int threads = Threads(p);
  const bool buys = kind == CovisitKind::kBuy2Buy;
  SR_ASSIGN_OR_RETURN(
      SessionTails tails,
      SessionTails::Build(events, p.tail_events, buys ? kBuyTypes : kAllTypes, threads));
  const std::array<int, 1> top = {TopK(p, kind)};
  std::array<Csr, 1> csr;
  switch (kind) {
    case CovisitKind::kClicks: {
      const TimeWeight tw(range, p.time_weight_span);
      csr = ComputeRows<1>(
          tails, p.window_seconds, top, threads,
          [&](const TailEvent& x, const TailEvent&) { return std::array<float, 1>{tw(x.ts)}; });
      break;
    }
    case CovisitKind::kCartsOrders:
      csr = ComputeRows<1>(tails, p.window_seconds, top, threads,
                           [&](const TailEvent&, const TailEvent& y) {
                             return std::array<float, 1>{p.type_weights[y.type()]};
                           });
      break;
    case CovisitKind::kBuy2Buy:
      csr = ComputeRows<1>(
          tails, p.buy2buy_window_seconds, top, threads,
          [](const TailEvent&, const TailEvent&) { return std::array<float, 1>{1.0f}; });
      break;
  }
  std::string meta = Meta(kind, p, range, events, csr[0]);
  return ToMatrix(std::move(csr[0]), std::move(meta));
}

StatusOr<CovisitMatrices> BuildAllCovisit(const EventStore& events, const CovisitParams& p) {
  SR_RETURN_IF_ERROR(ValidateCovisitParams(p));
  SR_ASSIGN_OR_RETURN(const TimeRange range, ResolveTimeRange(events, p));
  const int threads = Threads(p);
  CovisitMatrices m;
  {
    // clicks and carts_orders: the same tails, window and first occurrences; only the
    // weight differs (of the x event's time, of the y event's type).
    SR_ASSIGN_OR_RETURN(SessionTails tails,
                        SessionTails::Build(events, p.tail_events, kAllTypes, threads));
    const TimeWeight tw(range, p.time_weight_span);
    std::array<Csr, 2> csr =
        ComputeRows<2>(tails, p.window_seconds, {p.clicks_top_k, p.carts_orders_top_k}, threads,
                       [&](const TailEvent& x, const TailEvent& y) {
                         return std::array<float, 2>{tw(x.ts), p.type_weights[y.type()]};
                       });
    std::string clicks_meta = Meta(CovisitKind::kClicks, p, range, events, csr[0]);
    std::string co_meta = Meta(CovisitKind::kCartsOrders, p, range, events, csr[1]);
    m.clicks = ToMatrix(std::move(csr[0]), std::move(clicks_meta));
    m.carts_orders = ToMatrix(std::move(csr[1]), std::move(co_meta));
  }  // frees the tails before the buy tails are built
  SR_ASSIGN_OR_RETURN(m.buy2buy, BuildCovisit(events, CovisitKind::kBuy2Buy, p));
  return m;
}

}  // namespace sessionrec
