#include "eval/predictions.h"

#include <charconv>
#include <cstring>
#include <optional>

#include "core/str_cat.h"
#include "io/mapped_file.h"

namespace sessionrec {
namespace {

constexpr std::string_view kHeader = "session_type,labels";

// Python's str.strip() for the bytes a CSV line can end or start with.
std::string_view Strip(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(b, e - b + 1);
}

template <typename T>
bool ParseInt(std::string_view s, T* v) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

// Parses one stripped, non-empty data line into `preds`; an error message otherwise.
Status ParseRow(std::string_view line, PredictionMap* preds,
                absl::flat_hash_map<SessionId, uint8_t>* seen_types) {
  const size_t comma = line.find(',');
  if (comma == std::string_view::npos || line.find(',', comma + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError("expected two fields \"<session>_<type>,<aids>\"");
  }
  const std::string_view key = line.substr(0, comma), aids = line.substr(comma + 1);
  const size_t us = key.find('_');
  if (us == std::string_view::npos || key.find('_', us + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("first field \"", key, "\" is not <session>_<type>"));
  }
  SessionId session;
  if (!ParseInt(key.substr(0, us), &session)) {
    return absl::InvalidArgumentError(
        StrCat("session \"", key.substr(0, us), "\" is not a 64-bit integer"));
  }
  const std::optional<EventType> type = ParseEventType(key.substr(us + 1));
  if (!type) {
    return absl::InvalidArgumentError(
        StrCat("unknown type \"", key.substr(us + 1), "\" (expected clicks, carts or orders)"));
  }
  uint8_t& seen = (*seen_types)[session];
  const auto bit = static_cast<uint8_t>(1u << static_cast<int>(*type));
  if (seen & bit) return absl::InvalidArgumentError(StrCat("second row for ", key));
  seen |= bit;
  std::vector<ItemId>& out = (*preds)[session][static_cast<int>(*type)];
  if (aids.empty()) return absl::OkStatus();
  size_t pos = 0;
  while (true) {
    const size_t sp = aids.find(' ', pos);
    const std::string_view tok = aids.substr(pos, sp == std::string_view::npos ? sp : sp - pos);
    ItemId aid;
    if (!ParseInt(tok, &aid)) {
      return absl::InvalidArgumentError(StrCat(
          "aid \"", tok, "\" is not a non-negative integer (aids are separated by one space)"));
    }
    out.push_back(aid);
    if (sp == std::string_view::npos) break;
    pos = sp + 1;
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<PredictionMap> ParsePredictionsCsv(std::string_view text, std::string_view name) {
  PredictionMap preds;
  absl::flat_hash_map<SessionId, uint8_t> seen_types;  // bit t: a row for type t was read
  uint64_t line_no = 0;
  bool header = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    const std::string_view line = Strip(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    if (!header) {
      if (line != kHeader) {
        return absl::InvalidArgumentError(StrCat(name, ":", line_no, ": expected the header \"",
                                                 kHeader, "\", got \"", line.substr(0, 60), "\""));
      }
      header = true;
      continue;
    }
    if (Status st = ParseRow(line, &preds, &seen_types); !st.ok()) {
      return absl::InvalidArgumentError(
          StrCat(name, ":", line_no, ": ", std::string(st.message())));
    }
  }
  if (!header) {
    return absl::InvalidArgumentError(
        StrCat(name, ": empty predictions file (expected the header \"", kHeader, "\")"));
  }
  return preds;
}

StatusOr<PredictionMap> ReadPredictionsCsv(const std::string& path) {
  SR_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  const std::span<const uint8_t> b = file.bytes();
  return ParsePredictionsCsv(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()),
                             path);
}

}  // namespace sessionrec
