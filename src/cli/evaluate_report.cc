#include "cli/evaluate_report.h"

#include <filesystem>
#include <iostream>
#include <optional>

#include "core/str_cat.h"
#include "report/dataset_stats.h"
#include "report/feature_importance.h"
#include "report/html_report.h"
#include "serve/manifest.h"

namespace sessionrec::cli {

Status WriteEvaluateReport(const EvaluateReportRequest& request) {
  if (request.path.empty()) return absl::OkStatus();
  ReportInputs in;
  in.data_name = request.data_name;
  in.command = request.command;
  in.generated_at = UtcNowIso8601();
  in.evaluation = request.evaluation;
  in.candidates = request.candidates;
  in.scores = request.scores;
  in.k = request.k;

  std::optional<DatasetStats> dataset;
  if (request.data != nullptr) {
    dataset = ComputeDatasetStats(*request.data);
    in.dataset = &*dataset;
  }
  std::optional<FeatureImportance> importance;
  if (!request.model_dir.empty()) {
    const std::string file =
        (std::filesystem::path(request.model_dir) / "feature_importance.json").string();
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
      SR_ASSIGN_OR_RETURN(importance, ReadFeatureImportance(file));
      in.importance = &*importance;
      in.importance_source = file;
    } else {
      in.notes.push_back(
          StrCat("no feature importance: ", file, " does not exist (the model has no rankers)"));
    }
  }
  if (request.candidates == nullptr && request.evaluation != nullptr) {
    in.notes.push_back("no candidate recall curves: they come from the pipeline mode");
  }
  SR_RETURN_IF_ERROR(WriteHtmlReport(request.path, in));
  std::cerr << "wrote " << request.path << "\n";  // stdout may be --json
  return absl::OkStatus();
}

}  // namespace sessionrec::cli
