#include "data/otto_jsonl.h"

#include <fmt/format.h>
#include <omp.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/str_cat.h"
#include "io/mapped_file.h"

namespace sessionrec {
namespace {

namespace od = simdjson::ondemand;

// Largest valid timestamp in seconds: the event store keeps ts as uint32.
constexpr int64_t kMaxSeconds = static_cast<int64_t>(UINT32_MAX);

// Whether a raw (still escaped) JSON string equals `lit`: its N-1 characters, then the
// closing quote. simdjson's operator== compares char by char through a generic loop and
// its unsafe_is_equal calls libc memcmp; this unrolls into a few byte compares. Reading
// up to N bytes is safe: stage 1 validated the string and the input is padded.
template <size_t N>
bool RawIs(od::raw_json_string raw, const char (&lit)[N]) {
  const char* r = raw.raw();
  for (size_t i = 0; i + 1 < N; ++i) {
    if (r[i] != lit[i]) return false;
  }
  return r[N - 1] == '"';
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Parses one line into `session` (events sorted by ts). On failure returns false and sets
// `reason`. Uses only simdjson's error codes: no exception leaves this function.
class LineParser {
 public:
  bool Parse(simdjson::padded_string_view line, Session* session, std::string* reason) {
    session->events.clear();
    std::string_view text(line.data(), line.size());
    line_end_ = line.data() + line.size();
    // Cheap checks first: they give a precise reason for the common kinds of damage.
    size_t first = text.find_first_not_of(" \t");
    size_t last = text.find_last_not_of(" \t\r");
    if (first == std::string_view::npos || text[first] != '{') {
      *reason = "not a JSON object";
      return false;
    }
    if (text[last] != '}') {
      *reason = "cut-off line (does not end with '}')";
      return false;
    }
    od::document doc;
    if (auto err = parser_.iterate(line).get(doc); err) return JsonError(err, reason);
    od::object obj;
    if (auto err = doc.get_object().get(obj); err) return JsonError(err, reason);
    bool have_session = false, have_events = false;
    for (auto field : obj) {
      od::raw_json_string key;
      if (auto err = field.key().get(key); err) return JsonError(err, reason);
      if (RawIs(key, "session")) {
        if (field.value().get_int64().get(session->id) != simdjson::SUCCESS) {
          *reason = "\"session\" must be an integer in the int64 range";
          return false;
        }
        have_session = true;
      } else if (RawIs(key, "events")) {
        od::array events;
        if (field.value().get_array().get(events) != simdjson::SUCCESS) {
          *reason = "\"events\" must be an array";
          return false;
        }
        if (!ParseEvents(events, session, reason)) return false;
        have_events = true;
      }
    }
    // Still inside the input after the object: something follows it on the line.
    if (doc.current_location().error() == simdjson::SUCCESS) {
      *reason = "trailing content after the JSON object";
      return false;
    }
    if (!have_session) {
      *reason = "missing field \"session\"";
      return false;
    }
    if (!have_events) {
      *reason = "missing field \"events\"";
      return false;
    }
    if (session->events.empty()) {
      *reason = "empty events list";
      return false;
    }
    auto by_ts = [](const Event& a, const Event& b) { return a.ts < b.ts; };
    if (!std::is_sorted(session->events.begin(), session->events.end(), by_ts)) {
      std::stable_sort(session->events.begin(), session->events.end(), by_ts);
    }
    return true;
  }

 private:
  static bool JsonError(simdjson::error_code err, std::string* reason) {
    *reason = StrCat("not valid JSON (", simdjson::error_message(err), ")");
    return false;
  }

  bool ParseEvents(od::array& events, Session* session, std::string* reason) {
    for (auto ev_result : events) {
      const size_t n = session->events.size() + 1;  // 1-based, for messages
      od::object ev;
      if (ev_result.get_object().get(ev) != simdjson::SUCCESS) {
        *reason = StrCat("event ", n, ": not a JSON object");
        return false;
      }
      Event e;
      bool have_aid = false, have_ts = false, have_type = false;
      for (auto field : ev) {
        od::raw_json_string key;
        if (auto err = field.key().get(key); err) {
          *reason = StrCat("event ", n, ": not valid JSON (", simdjson::error_message(err), ")");
          return false;
        }
        if (RawIs(key, "aid")) {
          if (field.value().get_uint64().get(e.aid) != simdjson::SUCCESS) {
            *reason = StrCat("event ", n, ": \"aid\" must be a non-negative 64-bit integer");
            return false;
          }
          have_aid = true;
        } else if (RawIs(key, "ts")) {
          int64_t raw = 0;
          if (field.value().get_int64().get(raw) != simdjson::SUCCESS) {
            *reason = StrCat("event ", n, ": \"ts\" must be an integer");
            return false;
          }
          e.ts = NormalizeTimestamp(raw);
          if (raw < 0 || e.ts > kMaxSeconds) {
            *reason = StrCat("event ", n, ": absurd timestamp ", raw,
                             " (must be Unix seconds or milliseconds in 1970..2106)");
            return false;
          }
          have_ts = true;
        } else if (RawIs(key, "type")) {
          // Compared raw (no unescaping): the three names never need escapes.
          od::raw_json_string raw;
          if (field.value().get_raw_json_string().get(raw) != simdjson::SUCCESS) {
            *reason = StrCat("event ", n, ": \"type\" must be a string");
            return false;
          }
          if (RawIs(raw, "clicks")) {
            e.type = EventType::kClick;
          } else if (RawIs(raw, "carts")) {
            e.type = EventType::kCart;
          } else if (RawIs(raw, "orders")) {
            e.type = EventType::kOrder;
          } else {
            // Stage 1 validated the string, so its closing quote lies inside the line.
            std::string_view rest(raw.raw(), static_cast<size_t>(line_end_ - raw.raw()));
            *reason = StrCat("event ", n, ": unknown type \"", rest.substr(0, rest.find('"')),
                             "\" (expected clicks, carts or orders)");
            return false;
          }
          have_type = true;
        }
      }
      if (!have_aid || !have_ts || !have_type) {
        *reason = StrCat("event ", n, ": missing field \"",
                         !have_aid ? "aid" : (!have_ts ? "ts" : "type"), "\"");
        return false;
      }
      session->events.push_back(e);
    }
    // An error inside the array (e.g. a missing ']') surfaces as an iteration error above
    // only when the loop sees it; the object-level at_end() check catches the rest.
    return true;
  }

  od::parser parser_;
  const char* line_end_ = nullptr;  // end of the line being parsed
};

// `readable` is how many bytes from `data` may be read (>= size): simdjson reads up to
// SIMDJSON_PADDING bytes past the end of a line, so a line is parsed in place when that
// many bytes follow it and copied into a padded buffer otherwise.
// `line_base` is the number of lines before `data` (for messages).
Status ParseLines(const char* data, size_t size, size_t readable, std::string_view name,
                  const OttoJsonlReadOptions& options, const SessionVisitor& visit,
                  ImportReport* report, uint64_t line_base = 0) {
  ImportReport local;
  ImportReport& rep = report != nullptr ? *report : local;
  rep.max_examples = options.max_examples;
  LineParser parser;
  Session session;
  std::vector<char> copy;
  std::string reason;
  uint64_t line_no = line_base;
  size_t pos = 0;
  while (pos < size) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    const size_t end = nl != nullptr ? static_cast<size_t>(nl - data) : size;
    const size_t len = end - pos;
    const char* line = data + pos;
    pos = end + 1;
    ++line_no;
    if (len == 0 || ((line[0] == ' ' || line[0] == '\r' || line[0] == '\t') &&
                     IsBlank(std::string_view(line, len)))) {
      continue;
    }
    ++rep.lines;
    simdjson::padded_string_view view;
    if (end + simdjson::SIMDJSON_PADDING <= readable) {
      view = simdjson::padded_string_view(line, len, len + simdjson::SIMDJSON_PADDING);
    } else {
      copy.assign(len + simdjson::SIMDJSON_PADDING, '\0');
      std::memcpy(copy.data(), line, len);
      view = simdjson::padded_string_view(copy.data(), len, copy.size());
    }
    if (!parser.Parse(view, &session, &reason)) {
      if (options.strict) {
        return absl::InvalidArgumentError(StrCat(name, ":", line_no, ": ", reason));
      }
      rep.Skip(std::string(name), line_no, reason);
      continue;
    }
    ++rep.sessions;
    rep.events += session.events.size();
    if (Status st = visit(session); !st.ok()) {
      return Status(st.code(), StrCat(name, ":", line_no, ": ", std::string(st.message())));
    }
  }
  return absl::OkStatus();
}

template <typename T>
void AppendInt(T v, std::string* out) {
  fmt::format_int f(v);
  out->append(f.data(), f.size());
}

// The one place that knows the line layout; `event(i)` returns the i-th Event.
template <typename EventAt>
void AppendLine(SessionId id, size_t n, const EventAt& event_at,
                const OttoJsonlWriteOptions& options, std::string* out) {
  out->append("{\"session\":");
  AppendInt(id, out);
  out->append(",\"events\":[");
  for (size_t i = 0; i < n; ++i) {
    const Event e = event_at(i);
    out->append(i == 0 ? "{\"aid\":" : ",{\"aid\":");
    AppendInt(e.aid, out);
    out->append(",\"ts\":");
    AppendInt(options.ts_in_milliseconds ? e.ts * 1000 : e.ts, out);
    out->append(",\"type\":\"");
    out->append(EventTypeName(e.type));
    out->append("\"}");
  }
  out->append("]}\n");
}

constexpr size_t kWriteBufferBytes = 1 << 20;

}  // namespace

Status ReadOttoJsonlText(std::string_view text, std::string_view name,
                         const OttoJsonlReadOptions& options, const SessionVisitor& visit,
                         ImportReport* report) {
  return ParseLines(text.data(), text.size(), text.size(), name, options, visit, report);
}

Status ReadOttoJsonl(const std::string& path, const OttoJsonlReadOptions& options,
                     const SessionVisitor& visit, ImportReport* report) {
  SR_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::span<const uint8_t> bytes = file.bytes();
  // The rest of the last page of a mapping is readable (zero-filled), which gives most
  // files their padding for free; lines closer than that to the end are copied.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t readable = (bytes.size() + page - 1) / page * page;
  return ParseLines(reinterpret_cast<const char*>(bytes.data()), bytes.size(), readable, path,
                    options, visit, report);
}

Status ReadOttoJsonlInto(const std::string& path, const OttoJsonlReadOptions& options,
                         EventStoreBuilder& builder, ImportReport* report) {
  SR_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  const char* data = reinterpret_cast<const char*>(file.bytes().data());
  const size_t size = file.bytes().size();
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t readable = (size + page - 1) / page * page;
  // Bytes per event of OTTO JSONL with ms timestamps (~47): a capacity hint only.
  constexpr size_t kBytesPerEvent = 40;
  const int max_threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const auto parts = static_cast<size_t>(std::clamp<size_t>(
      size / std::max<size_t>(options.min_part_bytes, 1), 1, static_cast<size_t>(max_threads)));
  if (parts == 1) {
    builder.Reserve(builder.num_sessions() + size / (kBytesPerEvent * 16),
                    builder.num_events() + size / kBytesPerEvent);
    return ParseLines(
        data, size, readable, path, options,
        [&](Session& s) { return builder.AddSession(s.id, s.events); }, report);
  }
  // Part p is bytes [begin[p], begin[p+1]): cut just after a '\n', so no line is split.
  std::vector<size_t> begin(parts + 1, size);
  begin[0] = 0;
  for (size_t p = 1; p < parts; ++p) {
    const size_t from = std::max(begin[p - 1], size / parts * p);
    const void* nl = from < size ? std::memchr(data + from, '\n', size - from) : nullptr;
    begin[p] = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1 : size;
  }
  // Line numbers in messages need the lines before each part.
  std::vector<uint64_t> line_base(parts, 0);
#pragma omp parallel for num_threads(static_cast <int>(parts)) schedule(static, 1)
  for (size_t p = 1; p < parts; ++p) {
    line_base[p] = static_cast<uint64_t>(std::count(data + begin[p - 1], data + begin[p], '\n'));
  }
  for (size_t p = 1; p < parts; ++p) line_base[p] += line_base[p - 1];

  std::vector<EventStoreBuilder> built(parts);
  std::vector<ImportReport> reports(parts);
  std::vector<Status> status(parts);
#pragma omp parallel for num_threads(static_cast <int>(parts)) schedule(static, 1)
  for (size_t p = 0; p < parts; ++p) {
    const size_t bytes = begin[p + 1] - begin[p];
    built[p].Reserve(bytes / (kBytesPerEvent * 16), bytes / kBytesPerEvent);
    reports[p].max_examples = options.max_examples;
    // readable: the true end of the mapping, so only the file's last line may be copied.
    status[p] = ParseLines(
        data + begin[p], bytes, readable - begin[p], path, options,
        [&](Session& s) { return built[p].AddSession(s.id, s.events); }, &reports[p], line_base[p]);
  }
  // Merged in file order: what a single pass would have added and reported, up to the
  // first error.
  ImportReport local;
  ImportReport& rep = report != nullptr ? *report : local;
  rep.max_examples = options.max_examples;
  for (size_t p = 0; p < parts; ++p) {
    const ImportReport& r = reports[p];
    rep.lines += r.lines;
    rep.sessions += r.sessions;
    rep.events += r.events;
    rep.skipped_lines += r.skipped_lines;
    for (const SkippedLine& line : r.examples) {
      if (rep.examples.size() < rep.max_examples) rep.examples.push_back(line);
    }
    builder.Append(std::move(built[p]));
    if (!status[p].ok()) return status[p];
  }
  return absl::OkStatus();
}

StatusOr<EventStore> ReadOttoJsonlStore(const std::string& path,
                                        const OttoJsonlReadOptions& options, ImportReport* report) {
  EventStoreBuilder builder;
  SR_RETURN_IF_ERROR(ReadOttoJsonlInto(path, options, builder, report));
  return builder.Finish();
}

void AppendOttoJsonlLine(const Session& session, const OttoJsonlWriteOptions& options,
                         std::string* out) {
  AppendLine(
      session.id, session.events.size(), [&](size_t i) { return session.events[i]; }, options, out);
}

StatusOr<OttoJsonlWriter> OttoJsonlWriter::Open(const std::string& path,
                                                const OttoJsonlWriteOptions& options) {
  OttoJsonlWriter w;
  w.path_ = path;
  w.tmp_path_ = path + ".tmp";
  w.options_ = options;
  w.file_ = std::fopen(w.tmp_path_.c_str(), "wb");
  if (w.file_ == nullptr) {
    return absl::PermissionDeniedError(
        StrCat(w.tmp_path_, ": cannot create: ", std::strerror(errno)));
  }
  w.buffer_.reserve(kWriteBufferBytes + (64 << 10));
  return w;
}

OttoJsonlWriter::OttoJsonlWriter(OttoJsonlWriter&& other) noexcept
    : path_(std::move(other.path_)),
      tmp_path_(std::move(other.tmp_path_)),
      options_(other.options_),
      file_(std::exchange(other.file_, nullptr)),
      buffer_(std::move(other.buffer_)),
      sessions_(other.sessions_) {}

OttoJsonlWriter::~OttoJsonlWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

Status OttoJsonlWriter::Add(const Session& session) {
  SR_CHECK(file_ != nullptr);
  AppendOttoJsonlLine(session, options_, &buffer_);
  ++sessions_;
  return FlushIfFull();
}

Status OttoJsonlWriter::Add(const EventStore& store, size_t s) {
  SR_CHECK(file_ != nullptr);
  const SessionView v = store.session(s);
  AppendLine(
      v.id, v.size(),
      [&](size_t i) {
        return Event{store.item_id(v.items[i]), static_cast<Timestamp>(v.ts[i]), v.type(i)};
      },
      options_, &buffer_);
  ++sessions_;
  return FlushIfFull();
}

Status OttoJsonlWriter::FlushIfFull() {
  return buffer_.size() >= kWriteBufferBytes ? Flush() : absl::OkStatus();
}

Status OttoJsonlWriter::Flush() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return absl::DataLossError(StrCat(tmp_path_, ": write failed: ", std::strerror(errno)));
  }
  buffer_.clear();
  return absl::OkStatus();
}

Status OttoJsonlWriter::Finish() {
  SR_CHECK(file_ != nullptr);
  SR_RETURN_IF_ERROR(Flush());
  std::FILE* f = std::exchange(file_, nullptr);
  if (std::fclose(f) != 0) {
    std::remove(tmp_path_.c_str());
    return absl::DataLossError(StrCat(tmp_path_, ": close failed: ", std::strerror(errno)));
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_path_.c_str());
    return absl::DataLossError(
        StrCat(path_, ": cannot rename from ", tmp_path_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

Status WriteOttoJsonl(const EventStore& store, const std::string& path,
                      const OttoJsonlWriteOptions& options) {
  SR_ASSIGN_OR_RETURN(OttoJsonlWriter w, OttoJsonlWriter::Open(path, options));
  for (size_t s = 0; s < store.num_sessions(); ++s) SR_RETURN_IF_ERROR(w.Add(store, s));
  return w.Finish();
}

}  // namespace sessionrec
