#include "data/labels.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "absl/container/flat_hash_map.h"
#include "core/str_cat.h"

namespace sessionrec {
namespace {

void SortUnique(std::vector<ItemId>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

void AppendList(std::string_view key, const std::vector<ItemId>& aids, bool* first,
                std::string* out) {
  if (aids.empty()) return;
  fmt::format_to(std::back_inserter(*out), "{}\"{}\": [", *first ? "" : ", ", key);
  for (size_t i = 0; i < aids.size(); ++i) {
    fmt::format_to(std::back_inserter(*out), "{}{}", i == 0 ? "" : ", ", aids[i]);
  }
  out->push_back(']');
  *first = false;
}

// Reads an array of aids; false (with `reason`) if it is not an array of uint64.
bool ReadAidArray(simdjson::dom::element v, std::string_view key, std::vector<ItemId>* out,
                  std::string* reason) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) {
    *reason = StrCat("\"", key, "\" must be an array of aids");
    return false;
  }
  for (simdjson::dom::element elem : arr) {
    uint64_t aid;
    if (elem.get_uint64().get(aid) != simdjson::SUCCESS) {
      *reason = StrCat("\"", key, "\" must hold non-negative integer aids");
      return false;
    }
    out->push_back(aid);
  }
  SortUnique(out);
  return true;
}

// Parses one line (the DOM parser validates all of it, trailing bytes included); false
// (with `reason`) if malformed. No exception leaves it.
bool ParseLine(simdjson::dom::parser& parser, const char* line, size_t len, SessionLabels* out,
               std::string* reason) {
  *out = SessionLabels{};
  simdjson::dom::element doc;
  if (auto err = parser.parse(line, len, false).get(doc); err) {
    *reason = StrCat("not valid JSON (", simdjson::error_message(err), ")");
    return false;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    *reason = "not a JSON object";
    return false;
  }
  simdjson::dom::element session, labels;
  if (obj["session"].get(session) != simdjson::SUCCESS) {
    *reason = "missing field \"session\"";
    return false;
  }
  if (session.get_int64().get(out->session) != simdjson::SUCCESS) {
    *reason = "\"session\" must be an integer";
    return false;
  }
  simdjson::dom::object label_obj;
  if (obj["labels"].get(labels) != simdjson::SUCCESS) {
    *reason = "missing field \"labels\"";
    return false;
  }
  if (labels.get_object().get(label_obj) != simdjson::SUCCESS) {
    *reason = "\"labels\" must be an object";
    return false;
  }
  for (simdjson::dom::key_value_pair kv : label_obj) {
    const std::string_view type = kv.key;
    if (type == "clicks") {
      uint64_t aid;
      if (kv.value.get_uint64().get(aid) != simdjson::SUCCESS) {
        *reason = "\"clicks\" must be one non-negative integer aid";
        return false;
      }
      // evaluate.py: `if labels['clicks']` is false for aid 0 (see labels.h).
      if (aid != 0) out->click = aid;
    } else if (type == "carts" || type == "orders") {
      if (!ReadAidArray(kv.value, type, type == "carts" ? &out->carts : &out->orders, reason)) {
        return false;
      }
    } else {
      *reason = StrCat("unknown label type \"", type, "\" (expected clicks, carts, orders)");
      return false;
    }
  }
  return true;
}

// Parses `size` bytes at `data`, which must be followed by SIMDJSON_PADDING readable bytes.
StatusOr<std::vector<SessionLabels>> ParsePadded(const char* data, size_t size,
                                                 std::string_view name) {
  simdjson::dom::parser parser;
  std::vector<SessionLabels> out;
  absl::flat_hash_map<SessionId, uint64_t> line_of;  // session -> line, for duplicates
  std::string reason;
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < size) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    const size_t end = nl != nullptr ? static_cast<size_t>(nl - data) : size;
    const std::string_view line(data + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    SessionLabels l;
    if (!ParseLine(parser, line.data(), line.size(), &l, &reason)) {
      return absl::InvalidArgumentError(StrCat(name, ":", line_no, ": ", reason));
    }
    auto [it, inserted] = line_of.try_emplace(l.session, line_no);
    if (!inserted) {
      return absl::InvalidArgumentError(StrCat(name, ":", line_no, ": session ", l.session,
                                               " already has labels on line ", it->second));
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

SessionLabels LabelsAfterCut(SessionId session, std::span<const Event> events, size_t kept) {
  SessionLabels l;
  l.session = session;
  bool seen_click = false;
  for (size_t i = kept; i < events.size(); ++i) {
    const Event& e = events[i];
    switch (e.type) {
      case EventType::kClick:
        // labels.py keeps the nearest click after the cut; aid 0 then means "none".
        if (!seen_click && e.aid != 0) l.click = e.aid;
        seen_click = true;
        break;
      case EventType::kCart:
        l.carts.push_back(e.aid);
        break;
      case EventType::kOrder:
        l.orders.push_back(e.aid);
        break;
    }
  }
  SortUnique(&l.carts);
  SortUnique(&l.orders);
  return l;
}

void AppendLabelsJsonLine(const SessionLabels& labels, std::string* out) {
  fmt::format_to(std::back_inserter(*out), "{{\"session\": {}, \"labels\": {{", labels.session);
  bool first = true;
  if (labels.click) {
    fmt::format_to(std::back_inserter(*out), "\"clicks\": {}", *labels.click);
    first = false;
  }
  AppendList("carts", labels.carts, &first, out);
  AppendList("orders", labels.orders, &first, out);
  out->append("}}\n");
}

Status WriteLabelsJsonl(std::span<const SessionLabels> labels, const std::string& path) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return absl::PermissionDeniedError(StrCat(tmp, ": cannot create: ", std::strerror(errno)));
  }
  std::string buf;
  bool ok = true;
  for (size_t i = 0; i < labels.size() && ok; ++i) {
    AppendLabelsJsonLine(labels[i], &buf);
    if (buf.size() >= (1 << 20) || i + 1 == labels.size()) {
      ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
      buf.clear();
    }
  }
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    std::remove(tmp.c_str());
    return absl::DataLossError(StrCat(path, ": write failed: ", err));
  }
  return absl::OkStatus();
}

StatusOr<std::vector<SessionLabels>> ParseLabelsJsonl(std::string_view text,
                                                      std::string_view name) {
  const simdjson::padded_string padded(text.data(), text.size());
  return ParsePadded(padded.data(), padded.size(), name);
}

StatusOr<std::vector<SessionLabels>> ReadLabelsJsonl(const std::string& path) {
  simdjson::padded_string text;
  if (auto err = simdjson::padded_string::load(path).get(text); err) {
    return absl::NotFoundError(
        StrCat(path, ": cannot read labels file (", simdjson::error_message(err), ")"));
  }
  return ParsePadded(text.data(), text.size(), path);
}

}  // namespace sessionrec
