#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/str_cat.h"
#include "report/html.h"
#include "report/svg_chart.h"

namespace sessionrec {
namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0; background: #f6f7f9; color: #1d2330; }
header { background: #1d2b4a; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; color: #c9d3ea; }
header code { color: #fff; }
main { padding: 8px 32px 32px; max-width: 1400px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; margin: 18px 0;
          padding: 12px 20px 18px; }
h2 { font-size: 18px; margin: 6px 0 10px; border-bottom: 2px solid #e7ebf2; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table.data { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.data th, table.data td { border: 1px solid #dde1e8; padding: 3px 10px; }
table.data th { background: #eef1f6; text-align: left; }
table.data tr:nth-child(even) td { background: #fafbfc; }
.num { text-align: right; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
svg.chart { background: #fff; border: 1px solid #e7ebf2; border-radius: 4px; }
svg.chart text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #1d2330; }
svg.chart text.title { font-size: 13px; font-weight: 600; }
svg.chart text.legend { font-size: 11px; }
svg.chart text.strong { font-weight: 700; }
svg.chart line.grid { stroke: #e7ebf2; }
svg.chart line.axis { stroke: #5b6475; }
svg.chart rect.bar { fill: #0072b2; }
.note { color: #5b6475; }
footer { color: #5b6475; padding: 0 32px 24px; font-size: 12px; }
)css";

std::string Pct(double v) { return fmt::format("{:.4f}", v); }

constexpr const char* kProtocolNames[kNumProtocols] = {
    "official (may include seen items, all labels)", "new items (all labels)",
    "new items (labels not in the session)"};
constexpr const char* kCandidateProtocolNames[kNumCandidateProtocols] = {
    "official (candidates may include the session's items)",
    "new items (session's items excluded, new labels)"};

std::string EvaluationSection(const EvaluationReport& r) {
  const EvaluationParams& p = r.params;
  std::string out = "<section id=\"results\">\n<h2>Results</h2>\n";
  out += fmt::format(
      "<p>Recall@{} per type and weighted total (0.10 clicks + 0.30 carts + 0.60 orders), "
      "mean over {} truncation seeds ({}..{}); test period {} days{}.</p>\n",
      p.k, r.runs.size(), p.seed_base, p.seed_base + p.seeds - 1, p.days,
      p.all_prefixes ? ", every prefix a query" : ", one cut per session");
  HtmlTable t;
  t.caption = "Recall (mean over seeds)";
  t.header = {"protocol", "clicks", "carts", "orders", "total", "total min", "total max"};
  t.numeric = {false, true, true, true, true, true, true};
  const double n = std::max<double>(1.0, static_cast<double>(r.runs.size()));
  for (int pr = 0; pr < kNumProtocols; ++pr) {
    std::array<double, kNumEventTypes> type_mean{};
    double total = 0, lo = r.runs.empty() ? 0 : 1e300, hi = r.runs.empty() ? 0 : -1e300;
    for (const SeedEvaluation& run : r.runs) {
      for (int ty = 0; ty < kNumEventTypes; ++ty)
        type_mean[ty] += run.scores[pr].by_type[ty].recall / n;
      total += run.scores[pr].total / n;
      lo = std::min(lo, run.scores[pr].total);
      hi = std::max(hi, run.scores[pr].total);
    }
    t.rows.push_back({kProtocolNames[pr], Pct(type_mean[0]), Pct(type_mean[1]), Pct(type_mean[2]),
                      Pct(total), Pct(lo), Pct(hi)});
  }
  out += t.Render();

  HtmlTable seeds;
  seeds.caption = "Per seed";
  seeds.header = {"seed",    "train sessions", "train events",    "train items", "test sessions",
                  "queries", "official total", "new items total", "seconds"};
  seeds.numeric = {true, true, true, true, true, true, true, true, true};
  for (const SeedEvaluation& run : r.runs) {
    const SplitCounts& c = run.counts;
    seeds.rows.push_back(
        {StrCat(run.seed), StrCat(c.train_sessions), StrCat(c.train_events), StrCat(c.train_items),
         StrCat(c.test_sessions), StrCat(c.queries), Pct(run.scores[kOfficial].total),
         Pct(run.scores[kNewItemsNewLabels].total), fmt::format("{:.2f}", run.seconds)});
  }
  out += seeds.Render();
  return out + "</section>\n";
}

std::string ScoresSection(const std::vector<std::pair<std::string, RecallScores>>& scores,
                          size_t k) {
  std::string out = "<section id=\"results\">\n<h2>Results</h2>\n";
  HtmlTable t;
  t.caption = fmt::format("Recall@{} per type", k);
  t.header = {"scored on", "clicks", "carts", "orders", "total", "sessions", "with predictions"};
  t.numeric = {false, true, true, true, true, true, true};
  for (const auto& [name, s] : scores) {
    t.rows.push_back({name, Pct(s.by_type[0].recall), Pct(s.by_type[1].recall),
                      Pct(s.by_type[2].recall), Pct(s.total), StrCat(s.sessions),
                      StrCat(s.sessions_with_predictions)});
  }
  out += t.Render();
  for (const auto& [name, s] : scores) {
    HtmlTable c;
    c.caption = "Counts: " + name;
    c.header = {"type", "sessions with labels", "labels (Σ min(k, |labels|))", "hits", "recall"};
    c.numeric = {false, true, true, true, true};
    for (EventType ty : kAllEventTypes) {
      const TypeScore& ts = s[ty];
      c.rows.push_back({std::string(EventTypeName(ty)), StrCat(ts.sessions), StrCat(ts.labels),
                        StrCat(ts.hits), Pct(ts.recall)});
    }
    out += c.Render();
  }
  return out + "</section>\n";
}

std::string CandidateSection(const CandidateRecallReport& r) {
  std::string out = "<section id=\"candidates\">\n<h2>Candidate recall@K</h2>\n";
  out += fmt::format(
      "<p>Share of the labels among the first K candidates of each source alone, of all "
      "sources merged, and of the baseline; mean over {} seeds (docs/candidates.md).</p>\n",
      r.runs.size());
  for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
    out += fmt::format("<h3>{}</h3>\n<div class=\"charts\">\n",
                       HtmlEscape(kCandidateProtocolNames[pr]));
    // One chart per type and one for the weighted total; one line per list.
    for (int ty = -1; ty < kNumEventTypes; ++ty) {
      LineChartSpec chart;
      chart.title = ty < 0 ? "weighted total" : std::string(EventTypeName(kAllEventTypes[ty]));
      chart.x_label = "K (candidates)";
      chart.y_label = "recall@K";
      chart.log_x = true;
      chart.width = 580;
      chart.emphasize = {"merged", "baseline"};
      for (size_t li = 0; li < r.lists.size(); ++li) {
        ChartSeries s{r.lists[li], {}, {}};
        for (size_t ki = 0; ki < kCandidateRecallKs.size(); ++ki) {
          const KRecall m = r.Mean(li, pr, ki);
          s.x.push_back(static_cast<double>(kCandidateRecallKs[ki]));
          s.y.push_back(ty < 0 ? m.total : m.recall[ty]);
        }
        chart.series.push_back(std::move(s));
      }
      out += RenderLineChart(chart);
    }
    out += "</div>\n";
    HtmlTable t;
    t.caption = "Weighted recall@K";
    t.header = {"list"};
    t.numeric = {false};
    for (size_t k : kCandidateRecallKs) {
      t.header.push_back(StrCat("@", k));
      t.numeric.push_back(true);
    }
    for (size_t li = 0; li < r.lists.size(); ++li) {
      std::vector<std::string> row = {r.lists[li]};
      for (size_t ki = 0; ki < kCandidateRecallKs.size(); ++ki) {
        row.push_back(Pct(r.Mean(li, pr, ki).total));
      }
      t.rows.push_back(std::move(row));
    }
    out += t.Render();
  }
  return out + "</section>\n";
}

std::string ImportanceSection(const FeatureImportance& fi, const std::string& source) {
  constexpr size_t kTop = 20;
  std::string out = "<section id=\"importance\">\n<h2>Feature importance</h2>\n";
  out +=
      fmt::format("<p>Total gain per feature of each ranker (top {}), from <code>{}</code>.</p>\n",
                  kTop, HtmlEscape(source));
  out += "<div class=\"charts\">\n";
  for (const auto& [target, gains] : fi.targets) {
    BarChartSpec chart;
    chart.title = "ranker: " + target;
    chart.value_label = "gain";
    chart.width = 440;
    for (size_t i = 0; i < gains.size() && i < kTop; ++i) {
      chart.bars.emplace_back(gains[i].feature, gains[i].gain);
    }
    out += RenderBarChart(chart);
  }
  out += "</div>\n";
  for (const auto& [target, gains] : fi.targets) {
    HtmlTable t;
    t.caption = "ranker: " + target;
    t.header = {"rank", "feature", "gain", "share"};
    t.numeric = {true, false, true, true};
    double sum = 0;
    for (const FeatureGain& g : gains) sum += g.gain;
    for (size_t i = 0; i < gains.size(); ++i) {
      t.rows.push_back({StrCat(i + 1), gains[i].feature, fmt::format("{:.4g}", gains[i].gain),
                        fmt::format("{:.1f}%", sum > 0 ? 100.0 * gains[i].gain / sum : 0.0)});
    }
    out += t.Render();
  }
  return out + "</section>\n";
}

std::string DatasetSection(const DatasetStats& d, const std::string& name) {
  const EventStoreStats& b = d.basic;
  std::string out = "<section id=\"dataset\">\n<h2>Dataset</h2>\n";
  HtmlTable t;
  t.caption = name.empty() ? "Input" : "Input: " + name;
  t.header = {"statistic", "value"};
  t.numeric = {false, true};
  auto share = [&](uint64_t n, uint64_t of) {
    return fmt::format("{} ({:.1f}%)", n, of > 0 ? 100.0 * static_cast<double>(n) / of : 0.0);
  };
  t.rows = {{"sessions", StrCat(b.sessions)},
            {"events", StrCat(b.events)},
            {"items", StrCat(b.items)},
            {"clicks", share(b.per_type[0], b.events)},
            {"carts", share(b.per_type[1], b.events)},
            {"orders", share(b.per_type[2], b.events)},
            {"events per session (mean)", fmt::format("{:.2f}", b.mean_events_per_session)},
            {"events per session (median)", fmt::format("{:.1f}", b.median_events_per_session)},
            {"sessions with a cart", share(d.sessions_with_cart, b.sessions)},
            {"sessions with an order", share(d.sessions_with_order, b.sessions)},
            {"events on the top 1% items", fmt::format("{:.1f}%", 100.0 * d.top1pct_item_share)},
            {"first event (UTC)", FormatUtc(b.min_ts)},
            {"last event (UTC)", FormatUtc(b.max_ts)},
            {"span", fmt::format("{:.2f} days", (b.max_ts - b.min_ts) / 86400.0)}};
  out += t.Render();
  out += "<div class=\"charts\">\n";
  BarChartSpec lengths;
  lengths.title = "sessions by length";
  lengths.value_label = "events per session";
  lengths.horizontal = false;
  lengths.width = 560;
  for (size_t i = 0; i < d.length_buckets.size(); ++i) {
    lengths.bars.emplace_back(d.length_buckets[i], static_cast<double>(d.sessions_per_bucket[i]));
  }
  out += RenderBarChart(lengths);
  if (d.events_per_day.size() > 1) {
    LineChartSpec days;
    days.title = "events per day";
    days.x_label = "day (0 = first day)";
    days.y_label = "events";
    days.width = 560;
    for (EventType ty : kAllEventTypes) {
      ChartSeries s{std::string(EventTypeName(ty)), {}, {}};
      for (size_t i = 0; i < d.events_per_day.size(); ++i) {
        s.x.push_back(static_cast<double>(i));
        s.y.push_back(static_cast<double>(d.events_per_day[i][static_cast<int>(ty)]));
      }
      days.series.push_back(std::move(s));
    }
    out += RenderLineChart(days);
  }
  out += "</div>\n";
  return out + "</section>\n";
}

}  // namespace

std::string RenderHtmlReport(const ReportInputs& in) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + HtmlEscape(in.title) + "</title>\n<style>" + kStyle + "</style>\n";
  out += "</head>\n<body>\n<header>\n<h1>" + HtmlEscape(in.title) + "</h1>\n";
  if (!in.data_name.empty()) out += "<p>data: <code>" + HtmlEscape(in.data_name) + "</code></p>\n";
  if (!in.command.empty()) out += "<p>command: <code>" + HtmlEscape(in.command) + "</code></p>\n";
  if (!in.generated_at.empty()) out += "<p>generated " + HtmlEscape(in.generated_at) + "</p>\n";
  out += "</header>\n<main>\n";
  if (!in.notes.empty()) {
    out += "<section id=\"notes\"><ul class=\"note\">\n";
    for (const std::string& n : in.notes) out += "<li>" + HtmlEscape(n) + "</li>\n";
    out += "</ul></section>\n";
  }
  if (in.evaluation != nullptr) out += EvaluationSection(*in.evaluation);
  if (!in.scores.empty()) out += ScoresSection(in.scores, in.k);
  if (in.candidates != nullptr) out += CandidateSection(*in.candidates);
  if (in.importance != nullptr) out += ImportanceSection(*in.importance, in.importance_source);
  if (in.dataset != nullptr) out += DatasetSection(*in.dataset, in.data_name);
  out +=
      "</main>\n<footer>sessionrec evaluate --report; self-contained page: no scripts, no "
      "network.</footer>\n</body>\n</html>\n";
  return out;
}

Status WriteHtmlReport(const std::string& path, const ReportInputs& in) {
  const std::string html = RenderHtmlReport(in);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::InternalError(StrCat(path, ": cannot create ", tmp));
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return absl::InternalError(StrCat(path, ": write failed"));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return absl::InternalError(StrCat(path, ": cannot rename ", tmp, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace sessionrec
