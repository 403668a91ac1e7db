// Predictions in memory and the Kaggle submission CSV that carries them:
//
//   session_type,labels
//   12345_clicks,1 2 3
//   12345_carts,4 5
//   12345_orders,
//
// Reading follows otto-de/recsys-dataset src/evaluate.py prepare_predictions (each line
// stripped, split at ',' into two fields, the first split at '_' into session and type,
// the aids separated by single spaces, an empty list allowed), with these deliberate
// differences, each an error naming file and line instead of a silent change:
//   - the first line must be the header `session_type,labels` (evaluate.py drops the
//     first line whatever it holds);
//   - a (session, type) pair given twice (evaluate.py keeps the last);
//   - a type other than clicks / carts / orders; a non-integer or negative aid.
// Blank lines are skipped. A session with a row for some types but not others scores the
// missing types as empty lists (evaluate.py raises KeyError).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/status.h"
#include "core/types.h"

namespace sessionrec {

// Ranked aids per type (index: EventType), best first, duplicates allowed as given.
using TypedAids = std::array<std::vector<ItemId>, kNumEventTypes>;

// All predictions, by session id.
using PredictionMap = absl::flat_hash_map<SessionId, TypedAids>;

StatusOr<PredictionMap> ReadPredictionsCsv(const std::string& path);
// Same over text in memory; `name` stands for the file name in messages.
StatusOr<PredictionMap> ParsePredictionsCsv(std::string_view text, std::string_view name);

}  // namespace sessionrec
