// Inline SVG charts for the HTML report: line charts (e.g. recall@K per source) and bar
// charts (e.g. feature importance, histograms). Pure functions from data to SVG text; no
// scripts, no external resources, fonts from the page's CSS.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sessionrec {

// One line: points (x[i], y[i]); x and y have the same size.
struct ChartSeries {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

struct LineChartSpec {
  std::string title;    // above the plot
  std::string x_label;  // below the x axis
  std::string y_label;  // beside the y axis
  bool log_x = false;   // logarithmic x axis (all x must be > 0)
  double y_min = 0;     // bottom of the y axis
  double y_max = 0;     // top of the y axis; <= y_min: from the data, rounded up
  int width = 640;      // pixels, legend included
  int height = 340;     // grows to fit the legend
  std::vector<ChartSeries> series;
  std::vector<std::string> emphasize;  // names of series drawn with a thicker line
};

// <svg> with axes, ticks, one polyline with point markers per series, and a legend on the
// right. Series beyond the palette reuse colours with a dash pattern.
std::string RenderLineChart(const LineChartSpec& spec);

struct BarChartSpec {
  std::string title;
  std::string value_label;  // what the bar length means
  // (label, value) in display order; values >= 0.
  std::vector<std::pair<std::string, double>> bars;
  bool horizontal = true;  // true: one row per bar, labels on the left (long names)
  int width = 640;
  int height = 0;  // 0: from the number of bars (horizontal) or 300 (vertical)
};

std::string RenderBarChart(const BarChartSpec& spec);

// "Nice" axis ticks: about `target` steps of 1, 2 or 5 x 10^n, from the last multiple at or
// below `lo` to the first at or above `hi`.
std::vector<double> NiceTicks(double lo, double hi, int target);

// Compact tick label: 0.35 -> "0.35", 2000 -> "2k", 1.5e6 -> "1.5M".
std::string TickLabel(double v);

}  // namespace sessionrec
