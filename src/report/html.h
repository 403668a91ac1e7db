// Small building blocks of the HTML report: escaping and tables. Output is plain HTML5
// text, no scripts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sessionrec {

// Escapes & < > " ' for text and attribute values.
std::string HtmlEscape(std::string_view text);

// A table: a header row, then rows of cells. Cells are text (escaped when rendered);
// cells of columns marked numeric are right-aligned.
struct HtmlTable {
  std::string caption;              // may be empty
  std::vector<std::string> header;  // column titles
  std::vector<bool> numeric;        // per column; missing entries mean text
  std::vector<std::vector<std::string>> rows;
  std::string css_class = "data";  // class attribute of <table>

  std::string Render() const;
};

}  // namespace sessionrec
