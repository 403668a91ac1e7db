#include "pipeline/ranker_comparison.h"

#include <fmt/format.h>

#include <chrono>

#include "core/clock.h"

namespace sessionrec {
namespace {

struct Means {
  std::array<double, kNumEventTypes> recall{};
  double total = 0;
};

Means MeanOver(const EvaluationReport& r, int protocol) {
  Means m;
  const double n = static_cast<double>(r.runs.size());
  for (const SeedEvaluation& run : r.runs) {
    const RecallScores& s = run.scores[protocol];
    for (int t = 0; t < kNumEventTypes; ++t) m.recall[t] += s.by_type[t].recall / n;
    m.total += s.total / n;
  }
  return m;
}

}  // namespace

StatusOr<ScorerComparison> RunScorerComparison(const EventStore& data, const std::string& name,
                                               const EvaluationParams& params) {
  const auto t0 = std::chrono::steady_clock::now();
  // One model per seed, with rankers, scored three ways: the rules and the blend do not
  // depend on the rankers (the blend re-blends every candidate per type; the pool order
  // only decides what the rankers rank).
  EvaluationParams p = params;
  p.train.rankers.enabled = true;
  if (p.train.rankers.label_days <= 0) p.train.rankers.label_days = params.days;
  const RecommenderScorer scorers[] = {RecommenderScorer::kRules, RecommenderScorer::kBlend,
                                       RecommenderScorer::kRankers};
  SR_ASSIGN_OR_RETURN(std::vector<EvaluationReport> reports,
                      RunEvaluations(data, name, p, scorers));
  ScorerComparison out;
  for (size_t i = 0; i < reports.size(); ++i) {
    out.runs.emplace_back(RecommenderScorerName(scorers[i]), std::move(reports[i]));
  }
  out.seconds = SecondsSince(t0);
  return out;
}

std::string FormatScorerComparison(const ScorerComparison& c) {
  if (c.runs.empty()) return "";
  const EvaluationParams& p = c.runs.front().second.params;
  std::string out = fmt::format(
      "evaluate {}: --days {}, seeds {}..{} (mean of {}), Recall@{}: rules vs blend vs rankers\n",
      c.runs.front().second.data, p.days, p.seed_base, p.seed_base + p.seeds - 1, p.seeds, p.k);
  constexpr const char* kTitles[kNumProtocols] = {"official (own aids allowed)",
                                                  "new items, all labels", "new items, new labels"};
  for (int pr = 0; pr < kNumProtocols; ++pr) {
    out += fmt::format("\n{}\n{:<10} {:>7} {:>7} {:>7} {:>7}   per-seed totals\n", kTitles[pr],
                       "scorer", "clicks", "carts", "orders", "total");
    for (const auto& [label, r] : c.runs) {
      const Means m = MeanOver(r, pr);
      std::string seeds;
      for (const SeedEvaluation& run : r.runs) {
        seeds += fmt::format("{}{:.4f}", seeds.empty() ? "" : " ", run.scores[pr].total);
      }
      out += fmt::format("{:<10} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f}   {}\n", label, m.recall[0],
                         m.recall[1], m.recall[2], m.total, seeds);
    }
  }
  if (c.runs.size() == 3) {
    const double rules_off = MeanOver(c.runs[0].second, kOfficial).total;
    const double rank_off = MeanOver(c.runs[2].second, kOfficial).total;
    const double rules_new = MeanOver(c.runs[0].second, kNewItemsNewLabels).total;
    const double rank_new = MeanOver(c.runs[2].second, kNewItemsNewLabels).total;
    out += fmt::format(
        "\nrankers vs rules: official {:+.4f} (target >= +0.02); new items (new labels) "
        "{:.3f}x (target >= 1.25x)\n",
        rank_off - rules_off, rules_new > 0 ? rank_new / rules_new : 0.0);
  }
  out += fmt::format("wall time of all runs: {:.1f} s\n", c.seconds);
  return out;
}

}  // namespace sessionrec
