#include "report/html.h"

namespace sessionrec {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string HtmlTable::Render() const {
  auto is_numeric = [&](size_t col) { return col < numeric.size() && numeric[col]; };
  std::string out = "<table class=\"" + HtmlEscape(css_class) + "\">\n";
  if (!caption.empty()) out += "<caption>" + HtmlEscape(caption) + "</caption>\n";
  out += "<thead><tr>";
  for (size_t c = 0; c < header.size(); ++c) {
    out += is_numeric(c) ? "<th class=\"num\">" : "<th>";
    out += HtmlEscape(header[c]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const std::vector<std::string>& row : rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      out += is_numeric(c) ? "<td class=\"num\">" : "<td>";
      out += HtmlEscape(row[c]) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace sessionrec
