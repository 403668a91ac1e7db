// The evaluation report of `sessionrec evaluate --report out.html` (docs/report.md): one
// self-contained HTML page (inline CSS and SVG; no scripts, no network) with whatever parts
// are given: the result tables, the candidate recall@K curves per type and source,
// feature importance and dataset statistics.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "eval/metrics.h"
#include "pipeline/candidate_recall.h"
#include "pipeline/evaluation.h"
#include "report/dataset_stats.h"
#include "report/feature_importance.h"

namespace sessionrec {

// The parts of the page; null / empty parts are left out. Pointers are not owned and only
// read during RenderHtmlReport.
struct ReportInputs {
  std::string title = "sessionrec evaluation report";
  std::string data_name;     // the evaluated input, shown under the title
  std::string command;       // the command line that produced it, shown verbatim
  std::string generated_at;  // e.g. "2026-11-26T09:30:00Z"
  const EvaluationReport* evaluation = nullptr;       // pipeline mode: means over seeds
  const CandidateRecallReport* candidates = nullptr;  // recall@K per list
  // Score-files mode: named score sets, e.g. {"official", ...}, {"new items", ...}.
  std::vector<std::pair<std::string, RecallScores>> scores;
  size_t k = 20;  // the cut-off of `scores`
  const FeatureImportance* importance = nullptr;
  std::string importance_source;  // path of feature_importance.json
  const DatasetStats* dataset = nullptr;
  std::vector<std::string> notes;  // shown as a list under the title (e.g. skipped parts)
};

std::string RenderHtmlReport(const ReportInputs& in);

// Renders and writes `path` atomically (path.tmp, then rename).
Status WriteHtmlReport(const std::string& path, const ReportInputs& in);

}  // namespace sessionrec
