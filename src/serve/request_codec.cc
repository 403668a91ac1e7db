#include "serve/request_codec.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// The first problem found while decoding. `syntax` marks a body that is not valid JSON:
// that fails the whole request, even inside a batch session (the document cannot be
// walked past it).
struct Ctx {
  std::string error;
  bool syntax = false;
};

bool Syntax(Ctx& c, error_code e) {
  c.syntax = true;
  c.error = StrCat("request body is not valid JSON: ", simdjson::error_message(e));
  return false;
}

template <typename... Args>
bool Fail(Ctx& c, const Args&... args) {
  c.error = StrCat(args...);
  return false;
}

// Errors of a typed read that say "not this type / not in range" rather than "not JSON".
bool IsTypeError(error_code e) {
  return e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_OUT_OF_RANGE;
}

std::string_view TypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

bool TypeOf(od::value& v, od::json_type* t, Ctx& c) {
  if (error_code e = v.type().get(*t)) return Syntax(c, e);
  return true;
}

// Walks a value we do not use (an unknown field) so that malformed JSON inside it is still
// rejected: On Demand would otherwise skip it unchecked. Depth is bounded by the parser's
// maximum depth (1024).
bool Validate(od::value v, Ctx& c) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  switch (t) {
    case od::json_type::object: {
      od::object obj;
      if (error_code e = v.get_object().get(obj)) return Syntax(c, e);
      for (auto field : obj) {
        std::string_view key;
        if (error_code e = field.unescaped_key().get(key)) return Syntax(c, e);
        od::value child;
        if (error_code e = field.value().get(child)) return Syntax(c, e);
        if (!Validate(child, c)) return false;
      }
      return true;
    }
    case od::json_type::array: {
      od::array arr;
      if (error_code e = v.get_array().get(arr)) return Syntax(c, e);
      for (auto element : arr) {
        od::value child;
        if (error_code e = element.get(child)) return Syntax(c, e);
        if (!Validate(child, c)) return false;
      }
      return true;
    }
    case od::json_type::number: {
      double d;
      error_code e = v.get_double().get(d);
      // Numbers beyond double's range are valid JSON; only malformed ones are not.
      if (e && e != simdjson::NUMBER_OUT_OF_RANGE) return Syntax(c, e);
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (error_code e = v.get_string().get(s)) return Syntax(c, e);
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (error_code e = v.get_bool().get(b)) return Syntax(c, e);
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (error_code e = v.is_null().get(is_null)) return Syntax(c, e);
      if (!is_null) return Syntax(c, simdjson::N_ATOM_ERROR);
      return true;
    }
  }
  return true;
}

// Reads an integer in [min, max]; floats (even 1.0), strings, booleans etc. are rejected.
template <typename Int>
bool ReadInt(od::value& v, std::string_view field, Int min, Int max, Ctx& c, Int* out) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  if (t != od::json_type::number) {
    return Fail(c, field, ": must be an integer, got ", TypeName(t));
  }
  od::number_type nt;
  if (error_code e = v.get_number_type().get(nt)) return Syntax(c, e);
  if (nt == od::number_type::floating_point_number) {
    double d;
    error_code e = v.get_double().get(d);
    if (e && !IsTypeError(e)) return Syntax(c, e);
    return Fail(c, field, ": must be an integer, got a non-integer number");
  }
  if (nt == od::number_type::unsigned_integer) {
    uint64_t u;
    error_code e = v.get_uint64().get(u);
    // simdjson 3.0 reports integers >= 2^64 as INCORRECT_TYPE.
    if (IsTypeError(e) || (!e && u > static_cast<uint64_t>(max))) {
      return Fail(c, field, ": must be an integer in ", min, "..", max);
    }
    if (e) return Syntax(c, e);
    *out = static_cast<Int>(u);
    return true;
  }
  int64_t i;
  error_code e = v.get_int64().get(i);
  if (e == simdjson::NUMBER_OUT_OF_RANGE) {
    return Fail(c, field, ": must be an integer in ", min, "..", max);
  }
  if (e) return Syntax(c, e);
  if (i < 0 && min == 0) {
    return Fail(c, field, ": must be an integer >= 0, got ", i);
  }
  // Compare in the signed or unsigned domain of Int without wrapping.
  if constexpr (std::is_signed_v<Int>) {
    if (i < static_cast<int64_t>(min) || i > static_cast<int64_t>(max)) {
      return Fail(c, field, ": must be an integer in ", min, "..", max, ", got ", i);
    }
  } else {
    if (i < 0 || static_cast<uint64_t>(i) < min || static_cast<uint64_t>(i) > max) {
      return Fail(c, field, ": must be an integer in ", min, "..", max, ", got ", i);
    }
  }
  *out = static_cast<Int>(i);
  return true;
}

bool ReadBool(od::value& v, std::string_view field, Ctx& c, bool* out) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  if (t != od::json_type::boolean) return Fail(c, field, ": must be a boolean, got ", TypeName(t));
  if (error_code e = v.get_bool().get(*out)) return Syntax(c, e);
  return true;
}

bool IsNull(od::value& v, Ctx& c, bool* is_null) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  *is_null = t == od::json_type::null;
  if (*is_null) return Validate(v, c);
  return true;
}

// Options an object states explicitly (null and absent mean "not stated").
struct OptionFields {
  std::optional<int> top_k;
  std::optional<TypeWeights> weights;  // complete: missing keys already hold the defaults
  std::optional<bool> include_seen;

  void ApplyTo(RecommendOptions* opts) const {
    if (top_k) opts->top_k = *top_k;
    if (weights) opts->weights = *weights;
    if (include_seen) opts->include_seen = *include_seen;
  }
};

bool ReadWeights(od::value& v, Ctx& c, TypeWeights* out) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  if (t != od::json_type::object) {
    return Fail(c, "weights: must be an object, got ", TypeName(t));
  }
  od::object obj;
  if (error_code e = v.get_object().get(obj)) return Syntax(c, e);
  TypeWeights w;  // API defaults for missing keys
  bool seen[kNumEventTypes] = {false, false, false};
  for (auto field : obj) {
    std::string_view key;
    if (error_code e = field.unescaped_key().get(key)) return Syntax(c, e);
    std::optional<EventType> type = ParseEventType(key);
    if (!type) {
      return Fail(c, "weights: unknown key \"", key,
                  "\" (allowed: \"clicks\", \"carts\", \"orders\")");
    }
    const int ti = static_cast<int>(*type);
    if (seen[ti]) return Fail(c, "weights.", key, ": duplicate key");
    seen[ti] = true;
    od::value wv;
    if (error_code e = field.value().get(wv)) return Syntax(c, e);
    od::json_type wt;
    if (!TypeOf(wv, &wt, c)) return false;
    if (wt != od::json_type::number) {
      return Fail(c, "weights.", key, ": must be a number, got ", TypeName(wt));
    }
    double d;
    error_code e = wv.get_double().get(d);
    if (e == simdjson::NUMBER_OUT_OF_RANGE || (!e && !std::isfinite(d))) {
      return Fail(c, "weights.", key, ": must be a finite number");
    }
    if (e) return Syntax(c, e);
    if (d < 0) return Fail(c, "weights.", key, ": must be >= 0, got ", d);
    w.w[ti] = d;
  }
  if (w.w[0] == 0 && w.w[1] == 0 && w.w[2] == 0) {
    return Fail(c, "weights: must not all be 0");
  }
  *out = w;
  return true;
}

// Reads an optional field with `read`; null leaves `out` unset.
template <typename T, typename ReadFn>
bool ReadOptional(od::value& v, Ctx& c, std::optional<T>* out, ReadFn read) {
  bool is_null;
  if (!IsNull(v, c, &is_null)) return false;
  if (is_null) return true;
  T value;
  if (!read(&value)) return false;
  *out = value;
  return true;
}

// Reads one option field (top_k, weights, include_seen) if `key` names one. Sets *handled.
bool ReadOptionField(std::string_view key, od::value& v, const RequestLimits& limits, Ctx& c,
                     OptionFields* out, bool* handled) {
  *handled = true;
  if (key == "top_k") {
    return ReadOptional(v, c, &out->top_k, [&](int* k) {
      return ReadInt<int>(v, "top_k", 1, limits.max_top_k, c, k);
    });
  }
  if (key == "weights") {
    return ReadOptional(v, c, &out->weights, [&](TypeWeights* w) { return ReadWeights(v, c, w); });
  }
  if (key == "include_seen") {
    return ReadOptional(v, c, &out->include_seen,
                        [&](bool* b) { return ReadBool(v, "include_seen", c, b); });
  }
  *handled = false;
  return true;
}

bool ReadEvent(od::value& v, size_t i, Ctx& c, Event* out) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  if (t != od::json_type::object) {
    return Fail(c, "events[", i, "]: must be an object, got ", TypeName(t));
  }
  od::object obj;
  if (error_code e = v.get_object().get(obj)) return Syntax(c, e);
  bool has_aid = false, has_ts = false, has_type = false;
  for (auto field : obj) {
    std::string_view key;
    if (error_code e = field.unescaped_key().get(key)) return Syntax(c, e);
    od::value fv;
    if (error_code e = field.value().get(fv)) return Syntax(c, e);
    if (key == "aid") {
      if (has_aid) return Fail(c, "events[", i, "].aid: duplicate field");
      has_aid = true;
      if (!ReadInt<uint64_t>(fv, StrCat("events[", i, "].aid"), 0, UINT64_MAX, c, &out->aid)) {
        return false;
      }
    } else if (key == "ts") {
      if (has_ts) return Fail(c, "events[", i, "].ts: duplicate field");
      has_ts = true;
      int64_t ts;
      if (!ReadInt<int64_t>(fv, StrCat("events[", i, "].ts"), 0, INT64_MAX, c, &ts)) return false;
      out->ts = NormalizeTimestamp(ts);
    } else if (key == "type") {
      if (has_type) return Fail(c, "events[", i, "].type: duplicate field");
      has_type = true;
      od::json_type tt;
      if (!TypeOf(fv, &tt, c)) return false;
      if (tt != od::json_type::string) {
        return Fail(c, "events[", i, "].type: must be a string, got ", TypeName(tt));
      }
      std::string_view s;
      if (error_code e = fv.get_string().get(s)) return Syntax(c, e);
      std::optional<EventType> type = ParseEventType(s);
      if (!type) {
        return Fail(c, "events[", i,
                    "].type: must be one of \"clicks\", \"carts\", \"orders\", got \"", s, "\"");
      }
      out->type = *type;
    } else if (!Validate(fv, c)) {
      return false;
    }
  }
  if (!has_aid) return Fail(c, "events[", i, "].aid: required field missing");
  if (!has_ts) return Fail(c, "events[", i, "].ts: required field missing");
  if (!has_type) return Fail(c, "events[", i, "].type: required field missing");
  return true;
}

bool ReadEvents(od::value& v, const RequestLimits& limits, Ctx& c, std::vector<Event>* out) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  if (t != od::json_type::array) return Fail(c, "events: must be an array, got ", TypeName(t));
  od::array arr;
  if (error_code e = v.get_array().get(arr)) return Syntax(c, e);
  size_t n = 0;
  if (error_code e = arr.count_elements().get(n)) return Syntax(c, e);
  if (n < 1 || n > limits.max_events) {
    return Fail(c, "events: must hold 1 to ", limits.max_events, " events, got ", n);
  }
  out->resize(n);
  size_t i = 0;
  for (auto element : arr) {
    od::value ev;
    if (error_code e = element.get(ev)) return Syntax(c, e);
    if (!ReadEvent(ev, i, c, &(*out)[i])) return false;
    ++i;
  }
  if (i != n) return Syntax(c, simdjson::TAPE_ERROR);  // count and walk disagree: malformed
  // Events need not arrive sorted; the recommender and the session store want time order.
  if (!std::is_sorted(out->begin(), out->end(),
                      [](const Event& a, const Event& b) { return a.ts < b.ts; })) {
    std::stable_sort(out->begin(), out->end(),
                     [](const Event& a, const Event& b) { return a.ts < b.ts; });
  }
  return true;
}

// Reads one session object (the /recommend body or one entry of a batch) into `out` and
// the options it states into `options`. In a batch the walk goes on after a field error so
// that session_id can still be reported; the first error wins.
bool ReadSession(od::value& v, const RequestLimits& limits, bool keep_going, Ctx& c,
                 RecommendRequest* out, OptionFields* options, std::optional<SessionId>* id_out) {
  od::json_type t;
  if (!TypeOf(v, &t, c)) return false;
  if (t != od::json_type::object) return Fail(c, "session must be an object, got ", TypeName(t));
  od::object obj;
  if (error_code e = v.get_object().get(obj)) return Syntax(c, e);
  bool has_id = false, has_events = false;
  *options = OptionFields{};
  bool seen_option[3] = {false, false, false};
  Ctx first;  // the first semantic error, kept while the walk goes on
  for (auto field : obj) {
    std::string_view key;
    if (error_code e = field.unescaped_key().get(key)) return Syntax(c, e);
    od::value fv;
    if (error_code e = field.value().get(fv)) return Syntax(c, e);
    Ctx fc;
    bool ok = true;
    if (key == "session_id") {
      if (has_id) {
        ok = Fail(fc, "session_id: duplicate field");
      } else {
        has_id = true;
        ok = ReadInt<int64_t>(fv, "session_id", INT64_MIN, INT64_MAX, fc, &out->session_id);
        if (ok) *id_out = out->session_id;
      }
    } else if (key == "events") {
      if (has_events) {
        ok = Fail(fc, "events: duplicate field");
      } else {
        has_events = true;
        ok = ReadEvents(fv, limits, fc, &out->events);
      }
    } else {
      bool handled = false;
      const int slot = key == "top_k" ? 0 : key == "weights" ? 1 : key == "include_seen" ? 2 : -1;
      if (slot >= 0 && seen_option[slot]) {
        ok = Fail(fc, key, ": duplicate field");
      } else {
        if (slot >= 0) seen_option[slot] = true;
        ok = ReadOptionField(key, fv, limits, fc, options, &handled);
        if (ok && !handled) ok = Validate(fv, fc);
      }
    }
    if (!ok) {
      if (fc.syntax || !keep_going) {
        c = std::move(fc);
        return false;
      }
      if (first.error.empty()) first = std::move(fc);
    }
  }
  if (!first.error.empty()) {
    c = std::move(first);
    return false;
  }
  if (!has_id) return Fail(c, "session_id: required field missing");
  if (!has_events) return Fail(c, "events: required field missing");
  return true;
}

// Per-thread decoding state: the parser keeps its buffers between requests.
struct ThreadState {
  od::parser parser;
  std::string padded;  // the body plus SIMDJSON_PADDING bytes
};

// Starts the document; on success `doc` walks a copy of `body` in the thread's buffer,
// which `*text` views.
bool StartDocument(std::string_view body, od::document* doc, std::string_view* text, Ctx& c) {
  thread_local ThreadState state;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Fail(c, "request body is empty: expected a JSON object");
  }
  state.padded.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  state.padded.assign(body.data(), body.size());
  *text = state.padded;
  simdjson::padded_string_view view(state.padded.data(), state.padded.size(),
                                    state.padded.capacity());
  if (error_code e = state.parser.iterate(view).get(*doc)) return Syntax(c, e);
  od::json_type t;
  if (error_code e = doc->type().get(t)) return Syntax(c, e);
  if (t != od::json_type::object) {
    // "nonsense" starts like null: tell a malformed body from a real scalar.
    od::value root;
    if (error_code e = doc->get_value().get(root)) {
      if (e != simdjson::SCALAR_DOCUMENT_AS_VALUE) return Syntax(c, e);
    }
    if (t == od::json_type::null) {
      bool is_null = false;
      if (doc->is_null().get(is_null) || !is_null) return Syntax(c, simdjson::N_ATOM_ERROR);
    }
    return Fail(c, "request body must be a JSON object, got ", TypeName(t));
  }
  return true;
}

// On Demand (simdjson 3.0) does not reject content after the root value; do it here.
// `text` is the buffer the document walks.
bool CheckNoTrailingContent(std::string_view text, od::document& doc, Ctx& c) {
  std::string_view raw;
  if (error_code e = doc.raw_json().get(raw)) return Syntax(c, e);
  const size_t end = static_cast<size_t>(raw.data() - text.data()) + raw.size();
  if (text.find_first_not_of(" \t\r\n", end) != std::string_view::npos) {
    return Syntax(c, simdjson::TRAILING_CONTENT);
  }
  return true;
}

Status ToStatus(const Ctx& c) { return absl::InvalidArgumentError(c.error); }

}  // namespace

Status DecodeRecommendRequest(std::string_view body, const RequestLimits& limits,
                              RecommendRequest* out) {
  Ctx c;
  od::document doc;
  std::string_view text;
  if (!StartDocument(body, &doc, &text, c)) return ToStatus(c);
  od::value root;
  if (error_code e = doc.get_value().get(root)) {
    Syntax(c, e);
    return ToStatus(c);
  }
  std::optional<SessionId> id;
  OptionFields options;
  out->events.clear();
  if (!ReadSession(root, limits, /*keep_going=*/false, c, out, &options, &id)) {
    return ToStatus(c);
  }
  if (!CheckNoTrailingContent(text, doc, c)) return ToStatus(c);
  out->options = RecommendOptions{};
  options.ApplyTo(&out->options);
  return absl::OkStatus();
}

Status DecodeBatchRequest(std::string_view body, const RequestLimits& limits, BatchRequest* out) {
  Ctx c;
  od::document doc;
  std::string_view text;
  if (!StartDocument(body, &doc, &text, c)) return ToStatus(c);
  od::object obj;
  if (error_code e = doc.get_object().get(obj)) {
    Syntax(c, e);
    return ToStatus(c);
  }
  out->entries.clear();
  out->include_scores = false;
  OptionFields top;
  thread_local std::vector<OptionFields> own;  // each session's own options
  own.clear();
  bool has_sessions = false;
  bool seen[4] = {false, false, false, false};  // top_k, weights, include_seen, include_scores
  for (auto field : obj) {
    std::string_view key;
    if (error_code e = field.unescaped_key().get(key)) {
      Syntax(c, e);
      return ToStatus(c);
    }
    od::value fv;
    if (error_code e = field.value().get(fv)) {
      Syntax(c, e);
      return ToStatus(c);
    }
    if (key == "sessions") {
      if (has_sessions) return absl::InvalidArgumentError("sessions: duplicate field");
      has_sessions = true;
      od::json_type t;
      if (!TypeOf(fv, &t, c)) return ToStatus(c);
      if (t != od::json_type::array) {
        return absl::InvalidArgumentError(StrCat("sessions: must be an array, got ", TypeName(t)));
      }
      od::array arr;
      if (error_code e = fv.get_array().get(arr)) {
        Syntax(c, e);
        return ToStatus(c);
      }
      size_t n = 0;
      if (error_code e = arr.count_elements().get(n)) {
        Syntax(c, e);
        return ToStatus(c);
      }
      if (n > limits.max_sessions) {
        return absl::InvalidArgumentError(
            StrCat("sessions: at most ", limits.max_sessions, " sessions per batch, got ", n));
      }
      out->entries.resize(n);
      own.resize(n);
      size_t i = 0;
      for (auto element : arr) {
        od::value sv;
        if (error_code e = element.get(sv)) {
          Syntax(c, e);
          return ToStatus(c);
        }
        if (i >= n) {
          Syntax(c, simdjson::TAPE_ERROR);
          return ToStatus(c);
        }
        BatchEntry& entry = out->entries[i];
        Ctx sc;
        // Options are resolved after the walk: the top level's may come after "sessions".
        entry.session_id.reset();
        entry.error.clear();
        entry.request.events.clear();
        if (!ReadSession(sv, limits, /*keep_going=*/true, sc, &entry.request, &own[i],
                         &entry.session_id)) {
          if (sc.syntax) return ToStatus(sc);
          entry.error = std::move(sc.error);
        }
        ++i;
      }
      if (i != n) {
        Syntax(c, simdjson::TAPE_ERROR);
        return ToStatus(c);
      }
      continue;
    }
    const int slot = key == "top_k"            ? 0
                     : key == "weights"        ? 1
                     : key == "include_seen"   ? 2
                     : key == "include_scores" ? 3
                                               : -1;
    if (slot >= 0 && seen[slot])
      return absl::InvalidArgumentError(StrCat(key, ": duplicate field"));
    if (slot >= 0) seen[slot] = true;
    if (slot == 3) {
      std::optional<bool> include_scores;
      if (!ReadOptional(fv, c, &include_scores,
                        [&](bool* b) { return ReadBool(fv, "include_scores", c, b); })) {
        return ToStatus(c);
      }
      out->include_scores = include_scores.value_or(false);
      continue;
    }
    bool handled = false;
    if (!ReadOptionField(key, fv, limits, c, &top, &handled)) return ToStatus(c);
    if (!handled && !Validate(fv, c)) return ToStatus(c);
  }
  if (!CheckNoTrailingContent(text, doc, c)) return ToStatus(c);
  if (!has_sessions) return absl::InvalidArgumentError("sessions: required field missing");
  // The top level's options may come after "sessions": resolve them now.
  for (size_t i = 0; i < out->entries.size(); ++i) {
    RecommendOptions& opts = out->entries[i].request.options;
    opts = RecommendOptions{};
    top.ApplyTo(&opts);
    own[i].ApplyTo(&opts);
  }
  return absl::OkStatus();
}

}  // namespace sessionrec
