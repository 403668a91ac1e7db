#include "data/delimited_import.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <numeric>

#include "absl/container/flat_hash_map.h"
#include "core/str_cat.h"
#include "io/mapped_file.h"

namespace sessionrec {
namespace {

constexpr int kNone = -1;

// The column indices of one file, resolved against its header (or first row).
struct Columns {
  int session = kNone, user = kNone, item = kNone, time = kNone, offset = kNone, type = kNone,
      category = kNone;
  int max() const { return std::max({session, user, item, time, offset, type, category}); }
};

// One imported row; its position in the vector is its file order.
struct Row {
  int64_t ms;    // Unix milliseconds
  ItemId item;   // external aid
  uint32_t key;  // interned session (or user) key
  EventType type;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// Resolves a column spec: "" (unused), an index "3", or names "a|b" looked up in `header`.
Status ResolveColumn(std::string_view what, const std::string& spec,
                     const std::vector<std::string_view>& header, bool has_header,
                     const std::string& path, int* out) {
  *out = kNone;
  if (spec.empty()) return absl::OkStatus();
  if (auto index = ParseInt64(spec)) {
    if (*index < 0 || *index >= static_cast<int64_t>(header.size())) {
      return absl::InvalidArgumentError(StrCat(path, ": ", what, " column ", *index,
                                               " does not exist (the first row has ", header.size(),
                                               " fields)"));
    }
    *out = static_cast<int>(*index);
    return absl::OkStatus();
  }
  if (!has_header) {
    return absl::InvalidArgumentError(StrCat(path, ": ", what, " column \"", spec,
                                             "\" is a name, but the file has no header; "
                                             "give a 0-based index"));
  }
  std::string_view rest = spec;
  while (true) {
    const size_t bar = rest.find('|');
    const std::string_view name = rest.substr(0, bar);
    for (size_t i = 0; i < header.size(); ++i) {
      if (Trim(header[i]) == name) {
        *out = static_cast<int>(i);
        return absl::OkStatus();
      }
    }
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  std::string names;
  for (std::string_view h : header) names += StrCat(names.empty() ? "" : ",", Trim(h));
  return absl::InvalidArgumentError(
      StrCat(path, ": missing ", what, " column \"", spec, "\" (the header has: ", names, ")"));
}

// Interns session/user keys in order of first appearance.
class KeyTable {
 public:
  // Returns the index of `key`, adding it unless `lookup_only`.
  std::optional<uint32_t> Find(std::string_view key, bool lookup_only) {
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    if (lookup_only) return std::nullopt;
    const auto id = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back(key);
    index_.emplace(keys_.back(), id);
    if (all_integers_) {
      auto v = ParseInt64(key);
      if (v) {
        values_.push_back(*v);
      } else {
        all_integers_ = false;
        values_.clear();
      }
    }
    return id;
  }
  size_t size() const { return keys_.size(); }
  bool all_integers() const { return all_integers_; }
  int64_t value(uint32_t id) const { return values_[id]; }

 private:
  // Keys live in a deque so the string_views in `index_` stay valid.
  std::deque<std::string> keys_;
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  std::vector<int64_t> values_;
  bool all_integers_ = true;
};

class Importer {
 public:
  Importer(const DelimitedImportOptions& options, ImportReport* report,
           ItemCategoriesBuilder* categories)
      : opt_(options), rep_(*report), categories_(categories) {
    rep_.max_examples = options.max_examples;
  }

  Status ReadFile(const DelimitedFile& file) {
    SR_ASSIGN_OR_RETURN(MappedFile mapped, MappedFile::Open(file.path));
    std::string_view text(reinterpret_cast<const char*>(mapped.bytes().data()),
                          mapped.bytes().size());
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
    bool resolved = false;
    size_t expected_fields = 0;
    Columns col;
    uint64_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      if (!SplitDelimitedLine(line, opt_.delimiter, &fields_, &scratch_, &reason_)) {
        if (!resolved && opt_.header) {
          return absl::InvalidArgumentError(StrCat(file.path, ":", line_no, ": header: ", reason_));
        }
        SR_RETURN_IF_ERROR(Malformed(file.path, line_no, reason_));
        continue;
      }
      if (!resolved) {
        SR_RETURN_IF_ERROR(Resolve(file, &col));
        resolved = true;
        expected_fields = fields_.size();
        if (opt_.header) continue;
      }
      ++rep_.lines;
      if (fields_.size() != expected_fields) {
        SR_RETURN_IF_ERROR(
            Malformed(file.path, line_no,
                      StrCat("row has ", fields_.size(), " fields, expected ", expected_fields,
                             fields_.size() < expected_fields ? " (cut-off line?)" : "")));
        continue;
      }
      SR_RETURN_IF_ERROR(AddRow(file, col, line_no));
    }
    return absl::OkStatus();
  }

  StatusOr<EventStore> Finish() {
    // Group rows by key with a stable counting sort (keys are dense, in order of first
    // appearance), then sort each group stably by time: ties keep file order.
    const size_t num_keys = keys_.size();
    std::vector<uint64_t> start(num_keys + 1, 0);
    for (const Row& r : rows_) ++start[r.key + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<uint32_t> order(rows_.size());
    {
      std::vector<uint64_t> next(start.begin(), start.end() - 1);
      for (size_t i = 0; i < rows_.size(); ++i)
        order[next[rows_[i].key]++] = static_cast<uint32_t>(i);
    }
    const bool by_gap = opt_.session_column.empty();
    rep_.dense_session_ids = by_gap || !keys_.all_integers();
    EventStoreBuilder builder;
    std::vector<Event> events;
    int64_t next_dense_id = 0;
    auto emit = [&](uint32_t key) -> Status {
      if (events.empty()) return absl::OkStatus();
      const SessionId id = rep_.dense_session_ids ? next_dense_id++ : keys_.value(key);
      rep_.events += events.size();
      ++rep_.sessions;
      Status st = builder.AddSession(id, events);
      events.clear();
      return st;
    };
    for (size_t k = 0; k < num_keys; ++k) {
      auto first = order.begin() + static_cast<ptrdiff_t>(start[k]);
      auto last = order.begin() + static_cast<ptrdiff_t>(start[k + 1]);
      std::stable_sort(first, last,
                       [&](uint32_t a, uint32_t b) { return rows_[a].ms < rows_[b].ms; });
      int64_t prev_ms = 0;
      for (auto it = first; it != last; ++it) {
        const Row& r = rows_[*it];
        if (by_gap && !events.empty() && r.ms - prev_ms > opt_.session_gap_seconds * 1000) {
          SR_RETURN_IF_ERROR(emit(static_cast<uint32_t>(k)));
        }
        prev_ms = r.ms;
        events.push_back({r.item, r.ms / 1000, r.type});
      }
      SR_RETURN_IF_ERROR(emit(static_cast<uint32_t>(k)));
    }
    return builder.Finish();
  }

 private:
  Status Resolve(const DelimitedFile& file, Columns* col) {
    const bool h = opt_.header;
    const std::string& p = file.path;
    if (file.join && opt_.session_column.empty()) {
      return absl::InvalidArgumentError(StrCat(p, ": a joined file needs a session column"));
    }
    SR_RETURN_IF_ERROR(ResolveColumn("session", opt_.session_column, fields_, h, p, &col->session));
    if (opt_.session_column.empty()) {
      SR_RETURN_IF_ERROR(ResolveColumn("user", opt_.user_column, fields_, h, p, &col->user));
    }
    SR_RETURN_IF_ERROR(ResolveColumn("item", opt_.item_column, fields_, h, p, &col->item));
    SR_RETURN_IF_ERROR(ResolveColumn("time", opt_.time_column, fields_, h, p, &col->time));
    if (opt_.time_format == TimeFormat::kDatePlusMillis) {
      SR_RETURN_IF_ERROR(
          ResolveColumn("time offset", opt_.time_offset_column, fields_, h, p, &col->offset));
    }
    if (!file.type) {
      SR_RETURN_IF_ERROR(ResolveColumn("type", opt_.type_column, fields_, h, p, &col->type));
    }
    if (categories_ != nullptr) {
      SR_RETURN_IF_ERROR(
          ResolveColumn("category", opt_.category_column, fields_, h, p, &col->category));
    }
    return absl::OkStatus();
  }

  Status Malformed(const std::string& path, uint64_t line, std::string reason) {
    if (opt_.strict) return absl::InvalidArgumentError(StrCat(path, ":", line, ": ", reason));
    rep_.Skip(path, line, std::move(reason));
    return absl::OkStatus();
  }

  Status AddRow(const DelimitedFile& file, const Columns& col, uint64_t line_no) {
    const std::string& p = file.path;
    auto field = [&](int c) { return Trim(fields_[static_cast<size_t>(c)]); };
    // Type first: an unmapped type drops the row whatever else it holds.
    EventType type = file.type.value_or(opt_.default_type);
    if (col.type != kNone) {
      std::string_view value = field(col.type);
      std::optional<EventType> mapped = MapType(value);
      if (!mapped) {
        ++rep_.dropped[StrCat("type \"", value, "\" not mapped")];
        return absl::OkStatus();
      }
      type = *mapped;
    }
    std::optional<ItemId> item = ParseUint64(field(col.item));
    if (!item) {
      return Malformed(
          p, line_no,
          StrCat("item \"", field(col.item), "\" is not a non-negative 64-bit integer"));
    }
    std::optional<int64_t> ms = ParseTimeMillis(field(col.time), opt_.time_format);
    if (!ms) {
      return Malformed(p, line_no,
                       StrCat("time \"", field(col.time), "\" is not ",
                              TimeFormatName(opt_.time_format), " time"));
    }
    if (col.offset != kNone) {
      std::optional<int64_t> offset = ParseInt64(field(col.offset));
      if (!offset || *offset < 0 || *offset > kMaxOffsetMs) {
        return Malformed(
            p, line_no,
            StrCat("time offset \"", field(col.offset), "\" is not a millisecond count"));
      }
      *ms += *offset;
    }
    if (*ms / 1000 > static_cast<int64_t>(UINT32_MAX)) {
      return Malformed(
          p, line_no,
          StrCat("absurd time \"", field(col.time), "\" (after 2106; wrong --time-format?)"));
    }
    const int key_col = col.session != kNone ? col.session : col.user;
    std::string_view key_text = field(key_col);
    if (key_text.empty()) {
      return Malformed(p, line_no, col.session != kNone ? "empty session key" : "empty user key");
    }
    std::optional<uint32_t> key = keys_.Find(key_text, file.join);
    if (!key) {
      ++rep_.dropped["joined row of a session not in the main inputs"];
      return absl::OkStatus();
    }
    rows_.push_back({*ms, *item, *key, type});
    if (col.category != kNone) {
      // Metadata only: a row without a usable category is still an event.
      if (std::optional<uint64_t> c = ParseUint64(field(col.category))) {
        categories_->Add(*item, *c);
      } else {
        ++categories_->invalid;
      }
    }
    return absl::OkStatus();
  }

  std::optional<EventType> MapType(std::string_view value) const {
    if (opt_.type_map.empty()) return ParseEventType(value);
    for (const auto& [name, type] : opt_.type_map) {
      if (name == value) return type;
    }
    return std::nullopt;
  }

  // An offset beyond a year is certainly a wrong column.
  static constexpr int64_t kMaxOffsetMs = 366LL * 86'400'000LL;

  const DelimitedImportOptions& opt_;
  ImportReport& rep_;
  ItemCategoriesBuilder* categories_;  // null: categories are not read
  KeyTable keys_;
  std::vector<Row> rows_;
  std::vector<std::string_view> fields_;
  std::string scratch_;
  std::string reason_;
};

}  // namespace

bool SplitDelimitedLine(std::string_view line, char delimiter,
                        std::vector<std::string_view>* fields, std::string* scratch,
                        std::string* reason) {
  fields->clear();
  scratch->clear();
  scratch->reserve(line.size());  // unquoted text never grows: views into it stay valid
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      const size_t begin = scratch->size();
      ++i;
      while (true) {
        if (i >= line.size()) {
          *reason = "unclosed quote";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            scratch->push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        scratch->push_back(line[i++]);
      }
      fields->push_back(std::string_view(scratch->data() + begin, scratch->size() - begin));
      if (i < line.size() && line[i] != delimiter) {
        *reason = StrCat("text after a closing quote in field ", fields->size());
        return false;
      }
    } else {
      size_t end = line.find(delimiter, i);
      if (end == std::string_view::npos) end = line.size();
      fields->push_back(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size()) return true;
    ++i;  // past the delimiter; a trailing delimiter yields a last empty field
    if (i == line.size()) {
      fields->push_back(std::string_view());
      return true;
    }
  }
}

StatusOr<std::vector<std::pair<std::string, EventType>>> ParseTypeMap(std::string_view text) {
  std::vector<std::pair<std::string, EventType>> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    const size_t eq = entry.find('=');
    std::optional<EventType> type;
    if (eq != std::string_view::npos) type = ParseEventType(entry.substr(eq + 1));
    if (eq == std::string_view::npos || eq == 0 || !type) {
      return absl::InvalidArgumentError(
          StrCat("bad type mapping \"", entry, "\": expected VALUE=clicks|carts|orders"));
    }
    out.emplace_back(std::string(entry.substr(0, eq)), *type);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Status ValidateDelimitedOptions(const DelimitedImportOptions& o) {
  if (o.inputs.empty()) return absl::InvalidArgumentError("no input file");
  if (o.item_column.empty()) return absl::InvalidArgumentError("the item column is required");
  if (o.time_column.empty()) return absl::InvalidArgumentError("the time column is required");
  if (o.session_column.empty() && o.user_column.empty()) {
    return absl::InvalidArgumentError("give a session column, or a user column to cut sessions");
  }
  if (o.time_format == TimeFormat::kDatePlusMillis && o.time_offset_column.empty()) {
    return absl::InvalidArgumentError("time format date+ms needs a time offset column");
  }
  if (o.session_gap_seconds <= 0) {
    return absl::InvalidArgumentError("the session gap must be positive");
  }
  if (o.delimiter == '"' || o.delimiter == '\n' || o.delimiter == '\r') {
    return absl::InvalidArgumentError("the delimiter cannot be a quote or a line break");
  }
  if (std::all_of(o.inputs.begin(), o.inputs.end(), [](const auto& f) { return f.join; })) {
    return absl::InvalidArgumentError("every input is a joined file: nothing to join onto");
  }
  return absl::OkStatus();
}

StatusOr<EventStore> ImportDelimited(const DelimitedImportOptions& options, ImportReport* report,
                                     ItemCategoriesBuilder* categories) {
  SR_RETURN_IF_ERROR(ValidateDelimitedOptions(options));
  ImportReport local;
  Importer importer(options, report != nullptr ? report : &local,
                    options.category_column.empty() ? nullptr : categories);
  // Main inputs first so that joined files find every session, whatever the order given.
  for (const DelimitedFile& f : options.inputs) {
    if (!f.join) SR_RETURN_IF_ERROR(importer.ReadFile(f));
  }
  for (const DelimitedFile& f : options.inputs) {
    if (f.join) SR_RETURN_IF_ERROR(importer.ReadFile(f));
  }
  return importer.Finish();
}

}  // namespace sessionrec
