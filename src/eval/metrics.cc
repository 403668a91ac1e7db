#include "eval/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "absl/container/flat_hash_map.h"
#include "core/str_cat.h"

namespace sessionrec {
namespace {

// |set(first k of `predicted`) ∩ labels|, labels sorted and unique.
uint64_t SetHits(const std::vector<ItemId>& predicted, const std::vector<ItemId>& labels, size_t k,
                 std::vector<ItemId>* scratch) {
  scratch->assign(predicted.begin(), predicted.begin() + std::min(k, predicted.size()));
  std::sort(scratch->begin(), scratch->end());
  scratch->erase(std::unique(scratch->begin(), scratch->end()), scratch->end());
  uint64_t hits = 0;
  for (ItemId aid : *scratch) hits += std::binary_search(labels.begin(), labels.end(), aid);
  return hits;
}

}  // namespace

RecallScores ScoreRecall(std::span<const SessionLabels> labels, const PredictionMap& predictions,
                         const MetricParams& params) {
  RecallScores r;
  const size_t k = params.k;
  TypeScore& clicks = r.by_type[static_cast<int>(EventType::kClick)];
  TypeScore& carts = r.by_type[static_cast<int>(EventType::kCart)];
  TypeScore& orders = r.by_type[static_cast<int>(EventType::kOrder)];
  std::vector<ItemId> scratch;
  for (const SessionLabels& l : labels) {
    ++r.sessions;
    // num_events(): the denominators count every labelled session.
    if (l.click) {
      ++clicks.sessions;
      ++clicks.labels;
    }
    if (!l.carts.empty()) {
      ++carts.sessions;
      carts.labels += std::min(k, l.carts.size());
    }
    if (!l.orders.empty()) {
      ++orders.sessions;
      orders.labels += std::min(k, l.orders.size());
    }
    const auto it = predictions.find(l.session);
    if (it == predictions.end()) continue;  // evaluate_sessions(): 0 hits
    ++r.sessions_with_predictions;
    const TypedAids& p = it->second;
    if (l.click) {
      const std::vector<ItemId>& pc = p[static_cast<int>(EventType::kClick)];
      const auto end = pc.begin() + static_cast<std::ptrdiff_t>(std::min(k, pc.size()));
      clicks.hits += std::find(pc.begin(), end, *l.click) != end;
    }
    if (!l.carts.empty()) {
      carts.hits += SetHits(p[static_cast<int>(EventType::kCart)], l.carts, k, &scratch);
    }
    if (!l.orders.empty()) {
      orders.hits += SetHits(p[static_cast<int>(EventType::kOrder)], l.orders, k, &scratch);
    }
  }
  // recall_by_event_type() and weighted_recalls(): same operations in the same order.
  double total = 0.0;
  for (EventType t : kAllEventTypes) {
    TypeScore& s = r.by_type[static_cast<int>(t)];
    s.recall = s.labels == 0 ? 0.0 : static_cast<double>(s.hits) / static_cast<double>(s.labels);
    total += s.recall * params.weights[t];
  }
  r.total = total;
  return r;
}

StatusOr<std::vector<SessionLabels>> RemoveSeenAids(std::span<const SessionLabels> labels,
                                                    std::span<const Session> sessions) {
  absl::flat_hash_map<SessionId, const Session*> by_id;
  by_id.reserve(sessions.size());
  for (const Session& s : sessions) by_id.emplace(s.id, &s);
  std::vector<SessionLabels> out;
  out.reserve(labels.size());
  std::vector<ItemId> seen;
  auto drop_seen = [&](std::vector<ItemId>* aids) {
    std::erase_if(*aids, [&](ItemId a) { return std::binary_search(seen.begin(), seen.end(), a); });
  };
  for (const SessionLabels& l : labels) {
    const auto it = by_id.find(l.session);
    if (it == by_id.end()) {
      return absl::InvalidArgumentError(
          StrCat("session ", l.session, " has labels but is not among the test sessions"));
    }
    seen.clear();
    for (const Event& e : it->second->events) seen.push_back(e.aid);
    std::sort(seen.begin(), seen.end());
    SessionLabels n = l;
    if (n.click && std::binary_search(seen.begin(), seen.end(), *n.click)) n.click.reset();
    drop_seen(&n.carts);
    drop_seen(&n.orders);
    out.push_back(std::move(n));
  }
  return out;
}

std::string FormatScores(const RecallScores& scores) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "{:<8} {:>9} {:>10} {:>10} {:>10}\n", "type", "recall", "hits", "labels",
                 "sessions");
  for (EventType t : kAllEventTypes) {
    const TypeScore& ts = scores[t];
    fmt::format_to(out, "{:<8} {:>9.5f} {:>10} {:>10} {:>10}\n", EventTypeName(t), ts.recall,
                   ts.hits, ts.labels, ts.sessions);
  }
  fmt::format_to(out,
                 "{:<8} {:>9.5f}   (0.10 clicks + 0.30 carts + 0.60 orders; {} of {} "
                 "labelled sessions have predictions)\n",
                 "total", scores.total, scores.sessions_with_predictions, scores.sessions);
  return s;
}

std::string ScoresJson(const RecallScores& scores, size_t k) {
  std::string s = "{";
  auto out = std::back_inserter(s);
  for (EventType t : kAllEventTypes) {
    fmt::format_to(out, "\"{}\": {}, ", EventTypeName(t), scores[t].recall);
  }
  fmt::format_to(out,
                 "\"total\": {}, \"k\": {}, \"sessions\": {}, \"sessions_with_predictions\": {}, ",
                 scores.total, k, scores.sessions, scores.sessions_with_predictions);
  s += "\"counts\": {";
  for (EventType t : kAllEventTypes) {
    const TypeScore& ts = scores[t];
    fmt::format_to(out, "{}\"{}\": {{\"sessions\": {}, \"labels\": {}, \"hits\": {}}}",
                   t == EventType::kClick ? "" : ", ", EventTypeName(t), ts.sessions, ts.labels,
                   ts.hits);
  }
  s += "}}";
  return s;
}

}  // namespace sessionrec
