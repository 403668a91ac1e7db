#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/html.h"

namespace sessionrec {
namespace {

// Colour-blind-friendly palette (Okabe-Ito, then Tableau); dashes extend it.
constexpr const char* kPalette[] = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7",
                                    "#56b4e9", "#7f7f7f", "#000000", "#bcbd22", "#8c564b"};
constexpr int kNumColours = sizeof(kPalette) / sizeof(kPalette[0]);
constexpr const char* kDashes[] = {"", "6 3", "2 3", "8 3 2 3"};

std::string Num(double v) { return fmt::format("{:.1f}", v); }

std::string Text(double x, double y, std::string_view text, std::string_view attrs = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\" {}>{}</text>", Num(x), Num(y), attrs,
                     HtmlEscape(text));
}

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!(hi > lo) || target < 1) return {lo};
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  // From the last multiple at or below lo to the first at or above hi.
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  for (double i = first; i <= last; ++i) ticks.push_back(i == 0 ? 0.0 : i * step);
  return ticks;
}

std::string TickLabel(double v) {
  const double a = std::fabs(v);
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (a >= 1e6) return trim(fmt::format("{:.2f}", v / 1e6)) + "M";
  if (a >= 1e3) return trim(fmt::format("{:.2f}", v / 1e3)) + "k";
  return trim(fmt::format("{:.4f}", v));
}

std::string RenderLineChart(const LineChartSpec& spec) {
  const double legend_w = spec.series.size() > 1 ? 180 : 0;
  const double left = 56, right = 12 + legend_w, top = 30, bottom = 44;
  const int height = std::max(
      spec.height, static_cast<int>(top + bottom + 15.0 * static_cast<double>(spec.series.size())));
  const double pw = spec.width - left - right, ph = height - top - bottom;

  double x_lo = INFINITY, x_hi = -INFINITY, y_hi = spec.y_min;
  std::vector<double> xs;
  for (const ChartSeries& s : spec.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_hi = std::max(y_hi, s.y[i]);
      xs.push_back(s.x[i]);
    }
  }
  if (xs.empty()) x_lo = 0, x_hi = 1;
  if (x_hi <= x_lo) x_hi = x_lo + 1;
  const bool log_x = spec.log_x && x_lo > 0;
  auto fx = [&](double x) {
    const double f = log_x ? (std::log(x) - std::log(x_lo)) / (std::log(x_hi) - std::log(x_lo))
                           : (x - x_lo) / (x_hi - x_lo);
    return left + f * pw;
  };
  std::vector<double> y_ticks;
  double y_top = spec.y_max;
  if (!(y_top > spec.y_min)) {
    y_ticks = NiceTicks(spec.y_min, y_hi > spec.y_min ? y_hi : spec.y_min + 1, 5);
    y_top = std::max(y_ticks.back(), y_hi);
  } else {
    y_ticks = NiceTicks(spec.y_min, y_top, 5);
  }
  auto fy = [&](double y) { return top + ph - (y - spec.y_min) / (y_top - spec.y_min) * ph; };

  std::string out = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
      spec.width, height, spec.width, height, HtmlEscape(spec.title));
  out += Text(left, 18, spec.title, "class=\"title\"") + "\n";
  // Grid and y ticks.
  for (double t : y_ticks) {
    const double y = fy(t);
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", Num(left),
                       Num(y), Num(left + pw), Num(y));
    out += Text(left - 6, y + 4, TickLabel(t), "text-anchor=\"end\"") + "\n";
  }
  // X ticks: the data's x values when there are few, else nice ticks.
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  const std::vector<double> x_ticks = xs.size() <= 12 ? xs : NiceTicks(x_lo, x_hi, 6);
  for (double t : x_ticks) {
    const double x = fx(t);
    out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", Num(x),
                       Num(top + ph), Num(x), Num(top + ph + 4));
    out += Text(x, top + ph + 17, TickLabel(t), "text-anchor=\"middle\"") + "\n";
  }
  out += fmt::format(
      "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
      "<line class=\"axis\" x1=\"{0}\" y1=\"{2}\" x2=\"{3}\" y2=\"{2}\"/>\n",
      Num(left), Num(top), Num(top + ph), Num(left + pw));
  out += Text(left + pw / 2, height - 6, spec.x_label, "text-anchor=\"middle\"") + "\n";
  out += fmt::format(
      "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>\n",
      Num(top + ph / 2), Num(top + ph / 2), HtmlEscape(spec.y_label));
  // Series and legend.
  for (size_t si = 0; si < spec.series.size(); ++si) {
    const ChartSeries& s = spec.series[si];
    const char* colour = kPalette[si % kNumColours];
    const char* dash = kDashes[(si / kNumColours) % 4];
    const std::string dash_attr =
        *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : std::string();
    const bool strong =
        std::find(spec.emphasize.begin(), spec.emphasize.end(), s.name) != spec.emphasize.end();
    const char* stroke_width = strong ? "3.5" : "2";
    std::string points;
    std::string markers;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (log_x && s.x[i] <= 0) continue;
      points += fmt::format("{},{} ", Num(fx(s.x[i])), Num(fy(s.y[i])));
      markers += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"/>", Num(fx(s.x[i])),
                             Num(fy(s.y[i])), colour);
    }
    out += fmt::format(
        "<g><title>{}</title><polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{} "
        "points=\"{}\"/>{}</g>\n",
        HtmlEscape(s.name), colour, stroke_width, dash_attr, points, markers);
    if (legend_w > 0) {
      const double ly = top + 4 + 15.0 * static_cast<double>(si);
      const double lx = left + pw + 14;
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
          Num(lx), Num(ly), Num(lx + 18), Num(ly), colour, stroke_width, dash_attr);
      out +=
          Text(lx + 23, ly + 4, s.name, strong ? "class=\"legend strong\"" : "class=\"legend\"") +
          "\n";
    }
  }
  out += "</svg>\n";
  return out;
}

std::string RenderBarChart(const BarChartSpec& spec) {
  double v_max = 0;
  for (const auto& [label, v] : spec.bars) v_max = std::max(v_max, v);
  const std::vector<double> ticks = NiceTicks(0, v_max > 0 ? v_max : 1, 5);
  const double v_top = std::max(ticks.back(), v_max > 0 ? v_max : 1.0);
  const size_t n = spec.bars.size();
  std::string body;
  int width = spec.width;
  int height = spec.height;
  if (spec.horizontal) {
    const double left = 190, right = 20, top = 30, bar_h = 18, gap = 4;
    if (height <= 0) height = static_cast<int>(top + static_cast<double>(n) * (bar_h + gap) + 40);
    const double pw = width - left - right;
    const double ph = static_cast<double>(n) * (bar_h + gap);
    for (double t : ticks) {
      const double x = left + t / v_top * pw;
      body += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", Num(x),
                          Num(top), Num(x), Num(top + ph));
      body += Text(x, top + ph + 14, TickLabel(t), "text-anchor=\"middle\"") + "\n";
    }
    for (size_t i = 0; i < n; ++i) {
      const auto& [label, v] = spec.bars[i];
      const double y = top + static_cast<double>(i) * (bar_h + gap);
      const std::string shown = label.size() > 28 ? label.substr(0, 27) + "…" : label;
      body += Text(left - 6, y + bar_h * 0.75, shown, "text-anchor=\"end\"");
      body += fmt::format(
          "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title>"
          "</rect>\n",
          Num(left), Num(y), Num(std::max(0.0, v) / v_top * pw), Num(bar_h), HtmlEscape(label),
          TickLabel(v));
    }
    body += Text(left + pw / 2, top + ph + 32, spec.value_label, "text-anchor=\"middle\"") + "\n";
  } else {
    if (height <= 0) height = 300;
    const double left = 56, right = 12, top = 30, bottom = 60;
    const double pw = width - left - right, ph = height - top - bottom;
    const double slot = n > 0 ? pw / static_cast<double>(n) : pw;
    for (double t : ticks) {
      const double y = top + ph - t / v_top * ph;
      body += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                          Num(left), Num(y), Num(left + pw), Num(y));
      body += Text(left - 6, y + 4, TickLabel(t), "text-anchor=\"end\"") + "\n";
    }
    for (size_t i = 0; i < n; ++i) {
      const auto& [label, v] = spec.bars[i];
      const double h = std::max(0.0, v) / v_top * ph;
      const double x = left + static_cast<double>(i) * slot;
      body += fmt::format(
          "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title>"
          "</rect>",
          Num(x + slot * 0.1), Num(top + ph - h), Num(slot * 0.8), Num(h), HtmlEscape(label),
          TickLabel(v));
      body += Text(x + slot / 2, top + ph + 14, label, "text-anchor=\"middle\"") + "\n";
    }
    body += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                        Num(left), Num(top + ph), Num(left + pw), Num(top + ph));
    body += Text(left + pw / 2, height - 12, spec.value_label, "text-anchor=\"middle\"") + "\n";
  }
  std::string out = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
      width, height, width, height, HtmlEscape(spec.title));
  out += Text(spec.horizontal ? 10 : 56, 18, spec.title, "class=\"title\"") + "\n";
  return out + body + "</svg>\n";
}

}  // namespace sessionrec
