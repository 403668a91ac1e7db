// `sessionrec evaluate --report FILE`: gathers the parts of the HTML report (the results
// that ran, dataset statistics, feature_importance.json of --report-model-dir) and writes
// it (report/html_report.h, docs/report.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "data/event_store.h"
#include "eval/metrics.h"
#include "pipeline/candidate_recall.h"
#include "pipeline/evaluation.h"

namespace sessionrec::cli {

struct EvaluateReportRequest {
  std::string path;                  // the HTML file to write; empty: no report
  std::string model_dir;             // optional: its feature_importance.json is shown when present
  std::string data_name;             // the evaluated input
  std::string command;               // shown in the header
  const EventStore* data = nullptr;  // dataset statistics; may be null
  const EvaluationReport* evaluation = nullptr;              // may be null
  const CandidateRecallReport* candidates = nullptr;         // may be null
  std::vector<std::pair<std::string, RecallScores>> scores;  // score-files mode
  size_t k = 20;
};

// Writes the report when `request.path` is set (prints "wrote PATH" on stderr); otherwise
// does nothing. A model dir without feature_importance.json is a note on the page; a
// malformed one is an error naming the file and field.
Status WriteEvaluateReport(const EvaluateReportRequest& request);

}  // namespace sessionrec::cli
