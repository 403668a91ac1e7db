// Ground-truth labels of a truncated session (otto-de/recsys-dataset src/labels.py) and the
// test_labels.jsonl file format:
//
//   {"session": 1, "labels": {"clicks": 123, "carts": [4, 5], "orders": [4]}}
//
// written like Python's json.dumps (", " and ": " separators); a key is present only when
// its label is non-empty, so `{"session": 7, "labels": {}}` is possible. Carts and orders
// are sets: we write them in ascending order (labels.py writes Python set order).
//
// labels.py quirk, kept on purpose so that scores match the official evaluate.py: a click
// label of aid 0 counts as "no click label" (`if prev_labels[label]` is false for 0), both
// when labels are computed and when a labels file is read.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace sessionrec {

struct SessionLabels {
  SessionId session = 0;
  // The next clicked aid after the cut (absent: no click after it, or aid 0).
  std::optional<ItemId> click;
  // All aids carted / ordered after the cut: sorted ascending, no duplicates.
  std::vector<ItemId> carts;
  std::vector<ItemId> orders;

  bool empty() const { return !click && carts.empty() && orders.empty(); }
  friend bool operator==(const SessionLabels&, const SessionLabels&) = default;
};

// Labels of `events` cut after the first `kept` events (0 <= kept <= events.size()):
// the first click after the cut, and the sets of carts and orders after it.
SessionLabels LabelsAfterCut(SessionId session, std::span<const Event> events, size_t kept);

// Appends one test_labels.jsonl line (with '\n').
void AppendLabelsJsonLine(const SessionLabels& labels, std::string* out);

// Writes all labels to `path` (via `path.tmp`, renamed when complete).
Status WriteLabelsJsonl(std::span<const SessionLabels> labels, const std::string& path);

// Reads a test_labels.jsonl file. Errors name the file and line: not JSON, a missing or
// non-integer `session`, a missing `labels` object, a label of the wrong type (clicks: an
// integer aid; carts/orders: arrays of integer aids), an unknown label key, or a session
// that occurs twice (evaluate.py would silently keep the last one). Duplicate aids in a
// list are merged (they are sets). Blank lines are skipped. Output is in file order.
StatusOr<std::vector<SessionLabels>> ReadLabelsJsonl(const std::string& path);
// Same over text in memory; `name` stands for the file name in messages.
StatusOr<std::vector<SessionLabels>> ParseLabelsJsonl(std::string_view text, std::string_view name);

}  // namespace sessionrec
