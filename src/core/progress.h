// Progress of long jobs (import, train stages, evaluate) on a terminal: one line on
// stderr, redrawn in place with '\r', with the count, rate, elapsed time and ETA.
//
// Quiet unless stderr is a terminal, and always with `--quiet` (SetProgressEnabled, set
// once by main). Only one Progress draws at a time: one created while another is drawing
// (e.g. the train stages inside an evaluate seed) stays silent, so lines never interleave.
// Progress never writes to stdout: results printed there are unaffected.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sessionrec {

// Whether progress should be drawn on `fd`: never when `quiet`, else when `fd` is a
// terminal (isatty).
bool ProgressWanted(bool quiet, int fd);

// The process-wide switch every Progress on stderr reads at construction. Defaults to
// ProgressWanted(false, stderr) on first use.
void SetProgressEnabled(bool enabled);
bool ProgressEnabled();

// What one progress line shows.
struct ProgressSnapshot {
  std::string_view label;   // e.g. "import"
  std::string_view detail;  // e.g. "seed 2: train"; may be empty
  uint64_t done = 0;        // units done
  uint64_t total = 0;       // units in all; 0 = unknown (no percentage, no ETA)
  std::string_view unit;    // e.g. "events"; empty: no count is shown
  double elapsed_s = 0;     // wall time since the start
};

// "import  45.0% 1.23M/2.73M events  310k events/s  0:04 elapsed  ETA 0:05". Without a
// total: count, rate and elapsed; without a unit: elapsed only. The rate and ETA appear
// once there is something to base them on (done > 0, elapsed > 0).
std::string FormatProgressLine(const ProgressSnapshot& s);
// The final line: "import  done: 2.73M events in 0:09 (303k events/s)".
std::string FormatProgressDone(const ProgressSnapshot& s);
// 3.2 -> "0:03", 3725 -> "1:02:05".
std::string FormatDuration(double seconds);
// 999 -> "999", 1234 -> "1.23k", 2.5e6 -> "2.50M", 7e9 -> "7.00G"; 0.5 -> "0.5".
std::string FormatCount(double n);

// Sets the detail (e.g. the current stage) of the Progress that is drawing, if any. Lets
// code deep in a job name its step without holding the Progress: TrainModel names its
// stages, and they show inside `train` and inside an `evaluate` seed alike.
void ProgressNote(std::string detail);

// One task. Add/Set/SetDetail are thread-safe and cheap (an atomic add; the line is
// redrawn at most every 100 ms, by whichever caller crosses the deadline, and once a
// second by a ticker thread so elapsed and ETA move during long silent steps).
// Not copyable or movable.
class Progress {
 public:
  // On stderr, drawn when ProgressEnabled() and no other Progress is drawing.
  Progress(std::string label, uint64_t total, std::string unit);
  // On `out` (not owned; must outlive this), drawn when `enabled` and no other Progress
  // is drawing. For tests.
  Progress(std::string label, uint64_t total, std::string unit, std::FILE* out, bool enabled);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();  // Finish()

  void Add(uint64_t n = 1);
  void Set(uint64_t done);
  void SetTotal(uint64_t total);
  // Text after the label, e.g. the current stage.
  void SetDetail(std::string detail);
  // Draws the final line with a newline and stops; later calls do nothing.
  void Finish();

  bool drawing() const { return drawing_; }

 private:
  void Start();
  void MaybeDraw();
  void Draw();
  void DrawLocked(bool final);  // mu_ held
  ProgressSnapshot Snapshot(std::string* detail_copy) const;

  const std::string label_;
  const std::string unit_;
  std::FILE* const out_;
  bool drawing_ = false;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_;
  std::atomic<int64_t> next_draw_ns_{0};
  mutable std::mutex mu_;  // guards detail_, finished_ and the output
  std::string detail_;
  bool finished_ = false;
  std::condition_variable stop_;
  std::thread ticker_;
};

}  // namespace sessionrec
