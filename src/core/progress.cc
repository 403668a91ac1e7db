#include "core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace sessionrec {
namespace {

constexpr int64_t kRedrawNs = 100'000'000;  // at most 10 redraws a second
constexpr auto kTick = std::chrono::seconds(1);

// -1: not decided yet (ProgressWanted on stderr at first use).
std::atomic<int> g_enabled{-1};
// The Progress that draws; others stay silent while it is set. g_drawing_mu keeps it alive
// while ProgressNote uses it (Finish clears it under the lock).
std::mutex g_drawing_mu;
Progress* g_drawing = nullptr;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Rate(const ProgressSnapshot& s) {
  if (s.done == 0 || s.elapsed_s <= 0) return "";
  return fmt::format("{} {}/s", FormatCount(static_cast<double>(s.done) / s.elapsed_s), s.unit);
}

std::string Head(const ProgressSnapshot& s) {
  std::string out(s.label);
  if (!s.detail.empty()) out += fmt::format(" [{}]", s.detail);
  return out;
}

}  // namespace

bool ProgressWanted(bool quiet, int fd) { return !quiet && ::isatty(fd) == 1; }

void SetProgressEnabled(bool enabled) { g_enabled = enabled ? 1 : 0; }

bool ProgressEnabled() {
  int v = g_enabled.load();
  if (v < 0) {
    v = ProgressWanted(false, STDERR_FILENO) ? 1 : 0;
    g_enabled = v;
  }
  return v == 1;
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "--:--";
  const auto t = static_cast<int64_t>(seconds + 0.5);
  if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
  return fmt::format("{}:{:02}", t / 60, t % 60);
}

std::string FormatCount(double n) {
  const double a = std::fabs(n);
  if (a >= 1e9) return fmt::format("{:.2f}G", n / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (a >= 1e3) {  // three significant digits, trailing zeros kept
    const double k = n / 1e3;
    if (a < 1e4) return fmt::format("{:.2f}k", k);
    if (a < 1e5) return fmt::format("{:.1f}k", k);
    return fmt::format("{:.0f}k", k);
  }
  if (a == std::floor(a)) return fmt::format("{:.0f}", n);
  return fmt::format("{:.2g}", n);
}

std::string FormatProgressLine(const ProgressSnapshot& s) {
  std::string out = Head(s);
  if (!s.unit.empty()) {
    if (s.total > 0) {
      const double f = std::min(1.0, static_cast<double>(s.done) / static_cast<double>(s.total));
      out += fmt::format("  {:5.1f}% {}/{} {}", 100.0 * f, FormatCount(static_cast<double>(s.done)),
                         FormatCount(static_cast<double>(s.total)), s.unit);
    } else {
      out += fmt::format("  {} {}", FormatCount(static_cast<double>(s.done)), s.unit);
    }
    const std::string rate = Rate(s);
    if (!rate.empty()) out += "  " + rate;
  }
  out += fmt::format("  {} elapsed", FormatDuration(s.elapsed_s));
  if (!s.unit.empty() && s.total > 0) {
    std::string eta = "--:--";
    if (s.done > 0 && s.elapsed_s > 0) {
      const double left = static_cast<double>(s.total > s.done ? s.total - s.done : 0);
      eta = FormatDuration(left * s.elapsed_s / static_cast<double>(s.done));
    }
    out += "  ETA " + eta;
  }
  return out;
}

std::string FormatProgressDone(const ProgressSnapshot& s) {
  std::string out = fmt::format("{}  done", s.label);
  if (s.unit.empty()) return out + fmt::format(" in {}", FormatDuration(s.elapsed_s));
  out += fmt::format(": {} {} in {}", FormatCount(static_cast<double>(s.done)), s.unit,
                     FormatDuration(s.elapsed_s));
  const std::string rate = Rate(s);
  if (!rate.empty()) out += fmt::format(" ({})", rate);
  return out;
}

void ProgressNote(std::string detail) {
  std::lock_guard<std::mutex> lock(g_drawing_mu);
  if (g_drawing != nullptr) g_drawing->SetDetail(std::move(detail));
}

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : Progress(std::move(label), total, std::move(unit), stderr, ProgressEnabled()) {}

Progress::Progress(std::string label, uint64_t total, std::string unit, std::FILE* out,
                   bool enabled)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      total_(total) {
  if (!enabled) return;
  {
    std::lock_guard<std::mutex> lock(g_drawing_mu);
    if (g_drawing == nullptr) {
      g_drawing = this;
      drawing_ = true;
    }
  }
  if (drawing_) Start();
}

Progress::~Progress() { Finish(); }

void Progress::Start() {
  Draw();
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!finished_) {
      if (stop_.wait_for(lock, kTick, [this] { return finished_; })) break;
      lock.unlock();
      Draw();
      lock.lock();
    }
  });
}

void Progress::Add(uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  MaybeDraw();
}

void Progress::Set(uint64_t done) {
  done_.store(done, std::memory_order_relaxed);
  MaybeDraw();
}

void Progress::SetTotal(uint64_t total) {
  total_.store(total, std::memory_order_relaxed);
  MaybeDraw();
}

void Progress::SetDetail(std::string detail) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    detail_ = std::move(detail);
  }
  if (drawing_) Draw();
}

void Progress::MaybeDraw() {
  if (!drawing_) return;
  const int64_t now = NowNs();
  int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  // One caller wins the deadline; the rest return at the cost of one load.
  if (now < next || !next_draw_ns_.compare_exchange_strong(next, now + kRedrawNs)) return;
  Draw();
}

ProgressSnapshot Progress::Snapshot(std::string* detail_copy) const {
  *detail_copy = detail_;
  ProgressSnapshot s;
  s.label = label_;
  s.detail = *detail_copy;
  s.done = done_.load(std::memory_order_relaxed);
  s.total = total_.load(std::memory_order_relaxed);
  s.unit = unit_;
  s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return s;
}

void Progress::Draw() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!finished_) DrawLocked(false);
}

void Progress::DrawLocked(bool final) {
  std::string detail;
  const ProgressSnapshot s = Snapshot(&detail);
  // "\x1b[K" clears what a longer previous line left behind.
  const std::string line = final ? FormatProgressDone(s) : FormatProgressLine(s);
  std::fprintf(out_, "\r%s\x1b[K%s", line.c_str(), final ? "\n" : "");
  std::fflush(out_);
}

void Progress::Finish() {
  if (!drawing_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    DrawLocked(true);
    finished_ = true;
  }
  stop_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard<std::mutex> lock(g_drawing_mu);
  g_drawing = nullptr;
}

}  // namespace sessionrec
