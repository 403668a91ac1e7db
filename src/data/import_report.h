// What an import read, and which input lines it skipped and why. Shared by every reader
// (OTTO JSONL, delimited logs) so that `sessionrec import` prints one summary.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sessionrec {

// One input line that was skipped (or, in strict mode, the line that stopped the import).
struct SkippedLine {
  std::string file;    // input path
  uint64_t line = 0;   // 1-based line number in `file`
  std::string reason;  // what is wrong, e.g. "cut-off line (no closing bracket)"
};

// Counters filled by a reader. Not thread-safe: one report per reader.
struct ImportReport {
  uint64_t lines = 0;                 // non-empty input lines (or rows) seen, header excluded
  uint64_t sessions = 0;              // sessions produced
  uint64_t events = 0;                // events produced
  uint64_t skipped_lines = 0;         // malformed lines skipped (non-strict mode)
  size_t max_examples = 20;           // how many skipped lines to keep in `examples`
  std::vector<SkippedLine> examples;  // the first `max_examples` skipped lines
  // Well-formed rows dropped on purpose, by reason (e.g. "type \"fav\" not mapped").
  std::map<std::string, uint64_t> dropped;
  bool dense_session_ids = false;  // session keys were not integers: ids are 0, 1, ...

  // Counts a skipped line and keeps it as an example while there is room.
  void Skip(const std::string& file, uint64_t line, std::string reason) {
    ++skipped_lines;
    if (examples.size() < max_examples) examples.push_back({file, line, std::move(reason)});
  }
};

}  // namespace sessionrec
