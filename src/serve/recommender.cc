// The public co-visitation baseline's rerank rules ("candidate rerank model - [LB 0.575]"),
// with per-type scores; docs/recommender.md states the rules and the score definitions.
//
// Each type list (clicks; buys = carts and orders) is a ranking of the whole catalogue in
// three tiers, and an item's score says which tier it is in and where:
//   tier 1, the session's own items (only with include_seen):      (0.5, 1]
//   tier 2, co-visitation candidates (Counter over neighbour lists): (eps, 0.5], or (eps, 1]
//           when tier 1 is empty
//   tier 3, every other item, by popularity rank:                    (0, eps]
// so the top k by score is exactly the rule list, and a score is defined for every item,
// which is what the `combined` ranking of Recommend() needs.
//
// The blend (SessionBlend below) uses the same three bands without tier 1: a merged
// candidate with blend_t > 0 scores eps + (1 - eps) · blend_t / Σ_s weight_t[s] in (eps, 1],
// every other item its popularity score in (0, eps].
#include "serve/recommender.h"

#include <algorithm>
#include <cmath>

#include "candidates/merger.h"
#include "serve/item_score_map.h"

namespace sessionrec {
namespace {

// A session with at least this many distinct (known) aids is ranked by its own history.
constexpr size_t kRerankThreshold = 20;
// Type weights of the history rerank: clicks 1, carts 6, orders 3.
constexpr double kTypeWeight[kNumEventTypes] = {1.0, 6.0, 3.0};
// The buy2buy neighbours of the carted/ordered aids get this boost in the history rerank.
constexpr double kBuy2BuyBoost = 0.1;
// Logspace exponents (base 2) of the recency weights: clicks 0.1..1, buys 0.5..1.
constexpr double kClicksLogspaceStart = 0.1;
constexpr double kBuysLogspaceStart = 0.5;
// Score bands (see the file comment).
constexpr double kOwnFloor = 0.5;
constexpr double kPopularityCeiling = 0.01;

enum ListId : int { kClicksList = 0, kBuysList = 1 };

struct SessionEvent {
  Timestamp ts;
  uint32_t seq;  // position in the caller's span: the tie-break of the stable time order
  ItemIndex item;
  EventType type;
};

// One type's ranking of the catalogue for the current session.
struct RuleList {
  ItemScoreMap own;        // tier 1: item -> aggregate weight (weighted) or score (recency)
  ItemScoreMap counter;    // tier 2: item -> co-visitation count
  bool weighted = false;   // tier 1 from the history rerank (>= 20 distinct aids)
  double own_max = 0.0;    // largest tier-1 weight (weighted only)
  double count_max = 0.0;  // largest tier-2 count
  double counter_ceiling = 1.0;
  PopularityList popularity = PopularityList::kClicks;
  std::vector<uint32_t> own_order;      // tier-1 entries, best first
  std::vector<uint32_t> counter_order;  // tier-2 entries, best first (sorted prefix)

  void Clear() {
    own.Clear();
    counter.Clear();
    weighted = false;
    own_max = count_max = 0.0;
    own_order.clear();
    counter_order.clear();
  }
};

struct Scored {
  ItemIndex item;
  double combined;
  double sum;  // unweighted sum of the type scores: the first tie-break
  ItemId aid;  // the last tie-break
  float scores[kNumEventTypes];
};

// The ranking keys of `c` from its (float) type scores; combined is exactly the
// Σ weight × score the API reports.
void SetKeys(const TypeWeights& weights, Scored* c) {
  c->combined = 0.0;
  c->sum = 0.0;
  for (int t = 0; t < kNumEventTypes; ++t) {
    c->combined += weights.w[t] * static_cast<double>(c->scores[t]);
    c->sum += static_cast<double>(c->scores[t]);
  }
}

// a ranks before b: combined desc, then unweighted sum desc, then aid asc.
bool Better(const Scored& a, const Scored& b) {
  if (a.combined != b.combined) return a.combined > b.combined;
  if (a.sum != b.sum) return a.sum > b.sum;
  return a.aid < b.aid;
}

// Per-thread scratch: every buffer keeps its capacity between calls.
struct Scratch {
  std::vector<SessionEvent> events;  // known events, time order
  // Every event, unknown aids as kNoItem, time order, with the aids beside: the Merger's
  // view, as evaluate and the ranker training build it (category_pop looks unknown aids up).
  std::vector<SessionEvent> all_events;
  std::vector<ItemId> ctx_aids;
  std::vector<ItemIndex> unique;       // distinct aids, most recent first
  std::vector<ItemIndex> unique_buys;  // distinct carted/ordered aids, most recent first
  ItemScoreMap seen;                   // the session's own aids
  ItemScoreMap buys_seen;
  RuleList lists[2];
  ItemScoreMap scored;  // items already scored in Recommend()
  std::vector<Scored> heap;
  // The blend.
  std::unique_ptr<MergerScratch> merger;  // sized for the current bundle's catalogue
  CandidateSet set;
  std::vector<ItemIndex> ctx_items;
  std::vector<uint32_t> ctx_ts;
  std::vector<uint8_t> ctx_types;
  std::array<std::vector<float>, kNumEventTypes> blend;  // [type][row]
  std::array<double, kNumEventTypes> blend_total{};      // Σ_s weight_t[s]
  ItemScoreMap rows;                                     // item -> row of set
  std::vector<uint32_t> order;
  ItemScoreMap rows_of;  // rankers: item -> row of set
  // The rankers.
  FeatureScratch features;
  std::vector<float> feature_rows;                         // candidates x features
  std::array<std::vector<float>, kNumEventTypes> ranked;   // [type][row] calibrated score
  std::array<std::vector<float>, kNumEventTypes> margins;  // [type][row] margin (the order)
  std::vector<float> margin;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// np.logspace(start, 1, n, base=2)[i] - 1, computed as numpy does (y = i*step + start,
// the last point exactly 1).
double RecencyWeight(double start, size_t i, size_t n) {
  if (n <= 1) return std::pow(2.0, start) - 1.0;
  const double y = (i + 1 == n) ? 1.0 : static_cast<double>(i) * ((1.0 - start) / (n - 1)) + start;
  return std::pow(2.0, y) - 1.0;
}

// Tier-2 score of a count (count >= 1).
double CounterScore(const RuleList& l, double count) {
  return kPopularityCeiling + (l.counter_ceiling - kPopularityCeiling) * count / l.count_max;
}

// Tier-3 score of popularity rank `rank` among `n` items.
double PopularityScore(size_t n, size_t rank) {
  return kPopularityCeiling * static_cast<double>(n - rank) / static_cast<double>(n);
}
double PopularityScore(const Popularity& pop, PopularityList l, ItemIndex item) {
  return PopularityScore(pop.num_items(), pop.Rank(l, item));
}

// Score of `item` in list `l` (the item must be eligible).
double ScoreOf(const RuleList& l, const Popularity& pop, ItemIndex item) {
  if (int64_t e = l.own.Find(item); e >= 0) {
    const double v = l.own.value(e);
    return l.weighted ? kOwnFloor + (1.0 - kOwnFloor) * v / l.own_max : v;
  }
  if (int64_t e = l.counter.Find(item); e >= 0) return CounterScore(l, l.counter.value(e));
  return PopularityScore(pop, l.popularity, item);
}

class SessionRules {
 public:
  SessionRules(const ModelBundle& bundle, Scratch& s) : b_(bundle), s_(s) {}

  // Maps, filters (unknown aids) and orders the events; fills unique / unique_buys.
  void Prepare(std::span<const Event> events) {
    s_.events.clear();
    s_.unique.clear();
    s_.unique_buys.clear();
    s_.seen.Clear();
    s_.buys_seen.Clear();
    s_.all_events.clear();
    bool sorted = true;
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& e = events[i];
      if (!s_.all_events.empty() && e.ts < s_.all_events.back().ts) sorted = false;
      s_.all_events.push_back(
          {e.ts, static_cast<uint32_t>(i), b_.FindItem(e.aid).value_or(kNoItem), e.type});
    }
    if (!sorted) {
      std::sort(s_.all_events.begin(), s_.all_events.end(),
                [](const SessionEvent& a, const SessionEvent& c) {
                  return a.ts != c.ts ? a.ts < c.ts : a.seq < c.seq;
                });
    }
    // The known events (unknown aids are ignored for scoring) and the Merger's aids, in the
    // same time order.
    s_.ctx_aids.clear();
    for (const SessionEvent& e : s_.all_events) {
      s_.ctx_aids.push_back(events[e.seq].aid);
      if (e.item != kNoItem) s_.events.push_back(e);
    }
    for (size_t i = s_.events.size(); i-- > 0;) {
      const SessionEvent& e = s_.events[i];
      if (!s_.seen.Contains(e.item)) {
        s_.seen.At(e.item);
        s_.unique.push_back(e.item);
      }
      if (e.type != EventType::kClick && !s_.buys_seen.Contains(e.item)) {
        s_.buys_seen.At(e.item);
        s_.unique_buys.push_back(e.item);
      }
    }
  }

  // Builds tiers 1 and 2 of list `id` (unsorted).
  void Build(ListId id, bool include_seen) {
    RuleList& l = s_.lists[id];
    l.Clear();
    l.popularity = id == kClicksList ? PopularityList::kClicks : PopularityList::kBuys;
    if (include_seen && s_.unique.size() >= kRerankThreshold) {
      // History rerank: Σ recency weight × type weight, in time order (Counter order).
      l.weighted = true;
      const double start = id == kClicksList ? kClicksLogspaceStart : kBuysLogspaceStart;
      const size_t n = s_.events.size();
      for (size_t i = 0; i < n; ++i) {
        const SessionEvent& e = s_.events[i];
        l.own.At(e.item) += RecencyWeight(start, i, n) * kTypeWeight[static_cast<int>(e.type)];
      }
      if (id == kBuysList) {
        for (ItemIndex a : s_.unique_buys) {
          for (ItemIndex nb : b_.covisit_buy2buy().Neighbors(a)) l.own.At(nb) += kBuy2BuyBoost;
        }
      }
      for (size_t e = 0; e < l.own.size(); ++e) l.own_max = std::max(l.own_max, l.own.value(e));
    } else if (include_seen) {
      // The session's own aids, most recent first: 1 down towards 0.5.
      const double n = static_cast<double>(s_.unique.size());
      for (size_t i = 0; i < s_.unique.size(); ++i) {
        l.own.At(s_.unique[i], 1.0 - (1.0 - kOwnFloor) * static_cast<double>(i) / n);
      }
    }
    // Co-visitation candidates: a Counter over the concatenated neighbour lists, without
    // the session's own aids (the baseline filters them after counting: same counts).
    auto count = [&](const CovisitMatrix& m, std::span<const ItemIndex> from) {
      for (ItemIndex a : from) {
        for (ItemIndex nb : m.Neighbors(a)) {
          if (s_.seen.Contains(nb) || l.own.Contains(nb)) continue;
          l.counter.At(nb) += 1.0;
        }
      }
    };
    if (id == kClicksList) {
      count(b_.covisit_clicks(), s_.unique);
    } else {
      count(b_.covisit_carts_orders(), s_.unique);
      count(b_.covisit_buy2buy(), s_.unique_buys);
    }
    for (size_t e = 0; e < l.counter.size(); ++e) {
      l.count_max = std::max(l.count_max, l.counter.value(e));
    }
    l.counter_ceiling = l.own.empty() ? 1.0 : kOwnFloor;
  }

  // Orders tier 1 fully and the first `k` entries of tier 2 (value desc, insertion asc:
  // Counter.most_common's stable order).
  void Order(ListId id, size_t k) {
    RuleList& l = s_.lists[id];
    auto fill = [](std::vector<uint32_t>& order, size_t n) {
      order.resize(n);
      for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    };
    fill(l.own_order, l.own.size());
    if (l.weighted) {
      std::sort(l.own_order.begin(), l.own_order.end(), [&](uint32_t a, uint32_t c) {
        return l.own.value(a) != l.own.value(c) ? l.own.value(a) > l.own.value(c) : a < c;
      });
    }
    fill(l.counter_order, l.counter.size());
    const size_t m = std::min(k, l.counter_order.size());
    std::partial_sort(l.counter_order.begin(), l.counter_order.begin() + m, l.counter_order.end(),
                      [&](uint32_t a, uint32_t c) {
                        const double va = l.counter.value(a), vc = l.counter.value(c);
                        return va != vc ? va > vc : a < c;
                      });
    l.counter_order.resize(m);
  }

  // The top `k` of list `id` as aids: tier 1, tier 2, then popularity.
  void Emit(ListId id, size_t k, bool include_seen, std::vector<ItemId>* out) {
    const RuleList& l = s_.lists[id];
    const ItemTable& items = b_.items();
    out->clear();
    out->reserve(k);
    for (uint32_t e : l.own_order) {
      if (out->size() == k) return;
      out->push_back(items.item_id(l.own.key(e)));
    }
    for (uint32_t e : l.counter_order) {
      if (out->size() == k) return;
      out->push_back(items.item_id(l.counter.key(e)));
    }
    for (ItemIndex i : b_.popularity().Ranked(l.popularity)) {
      if (out->size() == k) return;
      if (l.own.Contains(i) || l.counter.Contains(i)) continue;
      if (!include_seen && s_.seen.Contains(i)) continue;
      out->push_back(items.item_id(i));
    }
  }

 private:
  const ModelBundle& b_;
  Scratch& s_;
};

// Popularity ranking that fills type t's list.
PopularityList FillList(int t) { return t == 0 ? PopularityList::kClicks : PopularityList::kBuys; }

// The Merger's view of the session SessionRules::Prepare left in the scratch (every event,
// unknown aids as kNoItem, time order, with the external ids), with the merger scratch
// sized for this bundle's catalogue. Shared by the blend and the rankers.
SessionContext MergerContext(const ModelBundle& b, Scratch& s, bool include_seen) {
  const size_t n = b.items().num_items();
  if (!s.merger || s.merger->candidates.num_items() != n) {
    s.merger = std::make_unique<MergerScratch>(n);  // first call, or another catalogue
  }
  s.ctx_items.clear();
  s.ctx_ts.clear();
  s.ctx_types.clear();
  for (const SessionEvent& e : s.all_events) {
    s.ctx_items.push_back(e.item);
    s.ctx_ts.push_back(static_cast<uint32_t>(e.ts));
    s.ctx_types.push_back(static_cast<uint8_t>(e.type));
  }
  return SessionContext{s.ctx_items, s.ctx_ts, s.ctx_types, !include_seen, s.ctx_aids};
}

// The merged-candidate blend for the current session (uses the events SessionRules::Prepare
// left in the scratch: known items, time order).
class SessionBlend {
 public:
  SessionBlend(const ModelBundle& bundle, Scratch& s) : b_(bundle), s_(s) {}

  // Runs the Merger (the session's own items excluded unless include_seen) and forms every
  // type's blend of the merged rows.
  void Build(bool include_seen) {
    const SessionContext ctx = MergerContext(b_, s_, include_seen);
    b_.blend()->Generate(ctx, SIZE_MAX, *s_.merger, s_.set);
    s_.rows.Clear();
    for (size_t r = 0; r < s_.set.size(); ++r) s_.rows.At(s_.set.items[r], static_cast<double>(r));
    for (int t = 0; t < kNumEventTypes; ++t) {
      const std::span<const float> w = b_.blend_weights(static_cast<EventType>(t));
      BlendRows(s_.set, w, s_.blend[t]);
      double total = 0;
      for (float x : w) total += x;
      s_.blend_total[t] = total;
    }
  }

  // The merged items (each once).
  std::span<const ItemIndex> candidates() const { return s_.set.items; }

  // Type t's score of an eligible item (band of the file comment).
  double ScoreOf(int t, ItemIndex item) const {
    if (const int64_t e = s_.rows.Find(item); e >= 0) {
      const float b = s_.blend[t][static_cast<size_t>(s_.rows.value(e))];
      if (b > 0 && s_.blend_total[t] > 0) {
        return kPopularityCeiling +
               (1.0 - kPopularityCeiling) * std::min(1.0, b / s_.blend_total[t]);
      }
    }
    return PopularityScore(b_.popularity(), FillList(t), item);
  }

  // The top k of type t as aids: candidates by blend_t desc (item index asc), then
  // popularity.
  void Emit(int t, size_t k, bool include_seen, std::vector<ItemId>* out) {
    const ItemTable& items = b_.items();
    const std::vector<float>& blend = s_.blend[t];
    out->clear();
    out->reserve(k);
    s_.order.clear();
    for (uint32_t r = 0; r < blend.size(); ++r) {
      if (blend[r] > 0) s_.order.push_back(r);
    }
    const size_t m = std::min(k, s_.order.size());
    std::partial_sort(s_.order.begin(), s_.order.begin() + static_cast<std::ptrdiff_t>(m),
                      s_.order.end(), [&](uint32_t a, uint32_t c) {
                        return blend[a] != blend[c] ? blend[a] > blend[c]
                                                    : s_.set.items[a] < s_.set.items[c];
                      });
    for (size_t i = 0; i < m; ++i) out->push_back(items.item_id(s_.set.items[s_.order[i]]));
    for (ItemIndex i : b_.popularity().Ranked(FillList(t))) {
      if (out->size() >= k) return;
      if (const int64_t e = s_.rows.Find(i);
          e >= 0 && blend[static_cast<size_t>(s_.rows.value(e))] > 0) {
        continue;  // listed above
      }
      if (!include_seen && s_.seen.Contains(i)) continue;
      out->push_back(items.item_id(i));
    }
  }

 private:
  const ModelBundle& b_;
  Scratch& s_;
};

// The learned rankers for the current session: the Merger's first rankers()->candidates()
// candidates, their feature rows (one batch), three calibrated scores per row. A candidate
// scores its probability in [0, 1]; every other item a popularity floor <= 1e-5 below it.
class SessionRankers {
 public:
  // Scale of the popularity floor under the rankers' probabilities.
  static constexpr double kRankerFloor = 1e-3;

  SessionRankers(const ModelBundle& bundle, Scratch& s) : b_(bundle), s_(s) {}

  void Build(bool include_seen) {
    const SessionContext ctx = MergerContext(b_, s_, include_seen);
    const RankerSet& rankers = *b_.rankers();
    b_.blend()->Generate(ctx, rankers.candidates(), *s_.merger, s_.set);
    b_.ranker_features()->Build(ctx, s_.set, s_.features, s_.feature_rows);
    rankers.Score(s_.feature_rows, s_.set.size(), s_.ranked, s_.margin, &s_.margins);
    s_.rows_of.Clear();
    for (size_t r = 0; r < s_.set.size(); ++r) {
      s_.rows_of.At(s_.set.items[r], static_cast<double>(r));
    }
  }

  std::span<const ItemIndex> candidates() const { return s_.set.items; }

  double ScoreOf(int t, ItemIndex item) const {
    if (const int64_t e = s_.rows_of.Find(item); e >= 0) {
      return s_.ranked[t][static_cast<size_t>(s_.rows_of.value(e))];
    }
    return kRankerFloor * PopularityScore(b_.popularity(), FillList(t), item);
  }

  // The top k of type t: candidates by margin desc (the calibrated score's order without
  // its float saturation; ties: the merged order), then popularity.
  void Emit(int t, size_t k, bool include_seen, std::vector<ItemId>* out) {
    const ItemTable& items = b_.items();
    const std::vector<float>& score = s_.margins[t];
    out->clear();
    out->reserve(k);
    s_.order.resize(s_.set.size());
    for (uint32_t r = 0; r < s_.order.size(); ++r) s_.order[r] = r;
    const size_t m = std::min(k, s_.order.size());
    std::partial_sort(
        s_.order.begin(), s_.order.begin() + static_cast<std::ptrdiff_t>(m), s_.order.end(),
        [&](uint32_t a, uint32_t c) { return score[a] != score[c] ? score[a] > score[c] : a < c; });
    for (size_t i = 0; i < m; ++i) out->push_back(items.item_id(s_.set.items[s_.order[i]]));
    for (ItemIndex i : b_.popularity().Ranked(FillList(t))) {
      if (out->size() >= k) return;
      if (s_.rows_of.Contains(i)) continue;
      if (!include_seen && s_.seen.Contains(i)) continue;
      out->push_back(items.item_id(i));
    }
  }

 private:
  const ModelBundle& b_;
  Scratch& s_;
};

// The `combined` ranking of Recommend(): the best k of the items `candidates` offers and of
// the popularity fill, where score(t, item) is type t's score of an eligible item and every
// item outside the candidates scores floor_scale · PopularityScore(FillList(t)).
template <typename ScoreFn, typename CandidatesFn>
void RankCombined(const ModelBundle& bundle, Scratch& s, const RecommendOptions& opts, size_t k,
                  ScoreFn score, CandidatesFn candidates, double floor_scale = 1.0) {
  const size_t num_items = bundle.items().num_items();
  // Keeps the best k in a heap whose top is the worst kept item.
  s.scored.Clear();
  s.heap.clear();
  auto offer = [&](ItemIndex item) {
    if (s.scored.Contains(item)) return;
    s.scored.At(item);
    Scored c;
    c.item = item;
    c.aid = bundle.items().item_id(item);
    score(item, c.scores);
    SetKeys(opts.weights, &c);
    if (s.heap.size() < k) {
      s.heap.push_back(c);
      std::push_heap(s.heap.begin(), s.heap.end(), Better);
    } else if (Better(c, s.heap.front())) {
      std::pop_heap(s.heap.begin(), s.heap.end(), Better);
      s.heap.back() = c;
      std::push_heap(s.heap.begin(), s.heap.end(), Better);
    }
  };
  candidates(offer);
  // Every other item scores by popularity alone. Walk both popularity rankings in step
  // (Fagin's threshold algorithm): an item below depth d in both rankings scores less than
  // the threshold at d in both, so once the worst kept item beats the threshold, no unseen
  // item can enter. With a negative weight the bound does not hold: walk everything.
  const bool bounded =
      std::all_of(opts.weights.w.begin(), opts.weights.w.end(), [](double w) { return w >= 0.0; });
  const Popularity& pop = bundle.popularity();
  const auto ranked_clicks = pop.Ranked(PopularityList::kClicks);
  const auto ranked_buys = pop.Ranked(PopularityList::kBuys);
  for (size_t d = 0; d < num_items; ++d) {
    for (ItemIndex i : {ranked_clicks[d], ranked_buys[d]}) {
      if (!opts.include_seen && s.seen.Contains(i)) continue;
      offer(i);
    }
    if (bounded && s.heap.size() == k) {
      // Scores are rounded to float before the keys are formed, so an unseen item may tie
      // the threshold: stop only when the worst kept item is strictly above it.
      const float p = static_cast<float>(floor_scale * PopularityScore(num_items, d));
      Scored threshold{};
      threshold.scores[0] = threshold.scores[1] = threshold.scores[2] = p;
      SetKeys(opts.weights, &threshold);
      const Scored& worst = s.heap.front();
      if (worst.combined > threshold.combined ||
          (worst.combined == threshold.combined && worst.sum > threshold.sum)) {
        break;
      }
    }
  }
  std::sort_heap(s.heap.begin(), s.heap.end(), Better);  // best first
}

}  // namespace

std::string_view RecommenderScorerName(RecommenderScorer s) {
  switch (s) {
    case RecommenderScorer::kRules:
      return "rules";
    case RecommenderScorer::kBlend:
      return "blend";
    case RecommenderScorer::kRankers:
      return "rankers";
    case RecommenderScorer::kAuto:
      break;
  }
  return "auto";
}

std::optional<RecommenderScorer> ParseRecommenderScorer(std::string_view name) {
  for (RecommenderScorer s : {RecommenderScorer::kAuto, RecommenderScorer::kRules,
                              RecommenderScorer::kBlend, RecommenderScorer::kRankers}) {
    if (name == RecommenderScorerName(s)) return s;
  }
  return std::nullopt;
}

Recommender::Recommender(std::shared_ptr<const ModelBundle> bundle, RecommenderScorer scorer)
    : bundle_(std::move(bundle)) {
  SR_CHECK(bundle_ != nullptr);
  blend_ = scorer != RecommenderScorer::kRules && bundle_->blend() != nullptr;
  // `auto` serves the rankers only when they beat the blend on the trainer's held-out
  // label queries (RankerSet::preferred); `rankers` serves them regardless.
  const RankerSet* rankers = bundle_->rankers();
  rankers_ = rankers != nullptr && (scorer == RecommenderScorer::kRankers ||
                                    (scorer == RecommenderScorer::kAuto && rankers->preferred()));
}

std::array<std::vector<ItemId>, kNumEventTypes> Recommender::RecommendPerType(
    std::span<const Event> events, int k, bool include_seen) const {
  std::array<std::vector<ItemId>, kNumEventTypes> out;
  if (k <= 0) return out;
  Scratch& s = ThreadScratch();
  SessionRules rules(*bundle_, s);
  rules.Prepare(events);
  if (rankers_) {
    SessionRankers ranked(*bundle_, s);
    ranked.Build(include_seen);
    for (int t = 0; t < kNumEventTypes; ++t) {
      ranked.Emit(t, static_cast<size_t>(k), include_seen, &out[static_cast<size_t>(t)]);
    }
    return out;
  }
  if (blend_) {
    SessionBlend blend(*bundle_, s);
    blend.Build(include_seen);
    for (int t = 0; t < kNumEventTypes; ++t) {
      blend.Emit(t, static_cast<size_t>(k), include_seen, &out[static_cast<size_t>(t)]);
    }
    return out;
  }
  for (ListId id : {kClicksList, kBuysList}) {
    rules.Build(id, include_seen);
    rules.Order(id, static_cast<size_t>(k));
  }
  rules.Emit(kClicksList, static_cast<size_t>(k), include_seen, &out[0]);
  rules.Emit(kBuysList, static_cast<size_t>(k), include_seen, &out[1]);
  out[2] = out[1];  // carts and orders share the buys list (as in the baseline)
  return out;
}

Recommendations Recommender::Recommend(std::span<const Event> events,
                                       const RecommendOptions& opts) const {
  Recommendations out;
  Scratch& s = ThreadScratch();
  SessionRules rules(*bundle_, s);
  rules.Prepare(events);
  const size_t num_items = bundle_->items().num_items();
  const size_t excluded = opts.include_seen ? 0 : s.unique.size();
  const size_t k = std::min<size_t>(std::max(opts.top_k, 0), num_items - excluded);
  if (k == 0) return out;

  // Rankers and blend answer the same way: score each candidate per type, then fill.
  auto rank_scored = [&](auto& scorer, auto... floor_scale) {
    scorer.Build(opts.include_seen);
    RankCombined(
        *bundle_, s, opts, k,
        [&](ItemIndex item, float* scores) {
          for (int t = 0; t < kNumEventTypes; ++t) {
            scores[t] = static_cast<float>(scorer.ScoreOf(t, item));
          }
        },
        [&](auto& offer) {
          for (ItemIndex i : scorer.candidates()) offer(i);
        },
        floor_scale...);
  };
  if (rankers_) {
    SessionRankers ranked(*bundle_, s);
    rank_scored(ranked, SessionRankers::kRankerFloor);
  } else if (blend_) {
    SessionBlend blend(*bundle_, s);
    rank_scored(blend);
  } else {
    for (ListId id : {kClicksList, kBuysList}) rules.Build(id, opts.include_seen);
    const Popularity& pop = bundle_->popularity();
    const RuleList& clicks = s.lists[kClicksList];
    const RuleList& buys = s.lists[kBuysList];
    RankCombined(
        *bundle_, s, opts, k,
        [&](ItemIndex item, float* scores) {
          scores[0] = static_cast<float>(ScoreOf(clicks, pop, item));
          scores[1] = scores[2] = static_cast<float>(ScoreOf(buys, pop, item));
        },
        [&](auto& offer) {
          for (const RuleList* l : {&clicks, &buys}) {
            for (ItemIndex i : l->own.keys()) offer(i);
            for (ItemIndex i : l->counter.keys()) offer(i);
          }
        });
  }
  out.items.reserve(s.heap.size());
  for (auto& v : out.scores) v.reserve(s.heap.size());
  out.combined.reserve(s.heap.size());
  for (const Scored& c : s.heap) {
    out.items.push_back(c.aid);
    for (int t = 0; t < kNumEventTypes; ++t) out.scores[t].push_back(c.scores[t]);
    out.combined.push_back(static_cast<float>(c.combined));
  }
  return out;
}

}  // namespace sessionrec
