// Hand-made inputs of the HTML report, shared by the report tests.
#pragma once

#include <gtest/gtest.h>

#include "data/event_store.h"
#include "report/html_report.h"

namespace sessionrec::report_testing {

inline constexpr uint32_t kDay0 = 1659312000;  // 2022-08-01 00:00:00 UTC

// Four sessions of 1, 2, 3 and 5 events over two days; aid 10 has 5 of the 11 events.
inline EventStore TinyStore() {
  const EventType c = EventType::kClick, a = EventType::kCart, o = EventType::kOrder;
  const std::vector<Session> sessions = {
      {1, {{10, kDay0 + 10, c}}},
      {2, {{10, kDay0 + 20, c}, {11, kDay0 + 30, a}}},
      {3, {{10, kDay0 + 40, c}, {12, kDay0 + 50, c}, {11, kDay0 + 60, c}}},
      {4,
       {{10, kDay0 + 86400 + 1, c},
        {13, kDay0 + 86400 + 2, c},
        {14, kDay0 + 86400 + 3, c},
        {13, kDay0 + 86400 + 4, a},
        {10, kDay0 + 86400 + 5, o}}},
  };
  EventStoreBuilder b;
  for (const Session& s : sessions) EXPECT_TRUE(b.AddSession(s.id, s.events).ok());
  return b.Finish();
}

// Every part of a report, with recognisable numbers.
struct ReportParts {
  EventStore store = TinyStore();
  DatasetStats dataset = ComputeDatasetStats(store);
  EvaluationReport evaluation;
  CandidateRecallReport candidates;
  FeatureImportance importance;

  ReportParts() {
    evaluation.data = "tiny";
    evaluation.params.seeds = 2;
    for (int seed = 0; seed < 2; ++seed) {
      SeedEvaluation run;
      run.seed = seed;
      run.counts.train_sessions = 100;
      run.counts.queries = 10;
      for (int pr = 0; pr < kNumProtocols; ++pr) {
        run.scores[pr].by_type[0].recall = 0.5 - 0.1 * pr;
        run.scores[pr].by_type[1].recall = 0.3;
        run.scores[pr].by_type[2].recall = 0.6;
        run.scores[pr].total = 0.05 * (0.5 - 0.1 * pr) + 0.09 + 0.36 + 0.01 * seed;
      }
      run.seconds = 1.5;
      evaluation.runs.push_back(run);
    }
    candidates.data = "tiny";
    candidates.lists = {"session_items", "covisit_clicks", "merged"};
    CandidateRecallSeed seed;
    seed.queries = 10;
    seed.recall.resize(candidates.lists.size());
    for (size_t li = 0; li < candidates.lists.size(); ++li) {
      for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
        for (size_t ki = 0; ki < kCandidateRecallKs.size(); ++ki) {
          KRecall& k = seed.recall[li][pr][ki];
          for (int t = 0; t < kNumEventTypes; ++t) {
            k.recall[t] = 0.1 * static_cast<double>(li + 1) + 0.05 * static_cast<double>(ki) +
                          0.02 * t - 0.05 * pr;
          }
          k.total = 0.1 * k.recall[0] + 0.3 * k.recall[1] + 0.6 * k.recall[2];
        }
      }
    }
    candidates.runs.push_back(seed);
    importance.targets = {
        {"clicks", {{"covisit_score", 5.0}, {"session_length", 1.0}}},
        {"orders", {{"covisit_score", 2.0}, {"item_popularity", 1.5}, {"embedding_cos", 0.5}}}};
  }

  ReportInputs Inputs() const {
    ReportInputs in;
    in.data_name = "tiny";
    in.command = "sessionrec evaluate --data tiny --report r.html";
    in.generated_at = "2026-11-26T09:00:00Z";
    in.evaluation = &evaluation;
    in.candidates = &candidates;
    in.importance = &importance;
    in.importance_source = "model/feature_importance.json";
    in.dataset = &dataset;
    return in;
  }
};

}  // namespace sessionrec::report_testing
