#include "serve/response_writer.h"

#include <fmt/format.h>
#include <rapidjson/writer.h>

#include <cmath>

namespace sessionrec {
namespace {

// rapidjson output stream appending to a std::string (no intermediate StringBuffer copy).
class StringStream {
 public:
  using Ch = char;
  explicit StringStream(std::string* s) : s_(s) {}
  void Put(char c) { s_->push_back(c); }
  void Flush() {}

 private:
  std::string* s_;
};

using Writer = rapidjson::Writer<StringStream>;

void Float(Writer& w, float f) {
  if (!std::isfinite(f)) {
    w.Null();
    return;
  }
  // fmt's "{}" prints the shortest text that reads back as the same float (Dragonbox).
  char buf[32];
  const auto res = fmt::format_to_n(buf, sizeof(buf), "{}", f);
  w.RawValue(buf, res.size, rapidjson::kNumberType);
}

void FloatArray(Writer& w, std::span<const float> values) {
  w.StartArray();
  for (float f : values) Float(w, f);
  w.EndArray();
}

void Key(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Items(Writer& w, const std::vector<ItemId>& items) {
  w.StartArray();
  for (ItemId aid : items) w.Uint64(aid);
  w.EndArray();
}

void Scores(Writer& w, const Recommendations& recs) {
  w.StartObject();
  for (EventType t : kAllEventTypes) {
    Key(w, EventTypeName(t));
    FloatArray(w, recs.scores[static_cast<int>(t)]);
  }
  Key(w, "combined");
  FloatArray(w, recs.combined);
  w.EndObject();
}

void Embedding(Writer& w, std::span<const float> vec) {
  Key(w, "embedding");
  FloatArray(w, vec);
  Key(w, "dimension");
  w.Uint64(vec.size());
}

}  // namespace

void WriteError(std::string_view message, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "error");
  String(w, message);
  w.EndObject();
}

void WriteHealth(const BundleStats& stats, bool models_loaded, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "status");
  String(w, "healthy");
  Key(w, "models_loaded");
  w.Bool(models_loaded);
  Key(w, "embeddings_loaded");
  w.Bool(stats.embeddings_loaded);
  Key(w, "feature_columns");
  w.Uint64(stats.feature_dimension);
  w.EndObject();
}

void WriteStats(const BundleStats& stats, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "models");
  w.StartArray();
  for (const std::string& m : stats.models) String(w, m);
  w.EndArray();
  Key(w, "total_items");
  w.Uint64(stats.total_items);
  Key(w, "total_sessions");
  w.Uint64(stats.total_sessions);
  Key(w, "embedding_dimension");
  w.Uint64(stats.embedding_dimension);
  Key(w, "feature_dimension");
  w.Uint64(stats.feature_dimension);
  w.EndObject();
}

void WriteRecommendation(SessionId session_id, const Recommendations& recs, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "session_id");
  w.Int64(session_id);
  Key(w, "recommendations");
  Items(w, recs.items);
  Key(w, "scores");
  Scores(w, recs);
  w.EndObject();
}

void WriteBatch(std::span<const BatchOutcome> outcomes, bool include_scores, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "results");
  w.StartArray();
  size_t success = 0;
  for (const BatchOutcome& o : outcomes) {
    if (o.recs == nullptr) continue;
    ++success;
    w.StartObject();
    Key(w, "session_id");
    w.Int64(*o.session_id);
    Key(w, "recommendations");
    Items(w, o.recs->items);
    if (include_scores) {
      Key(w, "scores");
      Scores(w, *o.recs);
    }
    w.EndObject();
  }
  w.EndArray();
  Key(w, "errors");
  w.StartArray();
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const BatchOutcome& o = outcomes[i];
    if (o.recs != nullptr) continue;
    w.StartObject();
    Key(w, "index");
    w.Uint64(i);
    Key(w, "session_id");
    if (o.session_id) {
      w.Int64(*o.session_id);
    } else {
      w.Null();
    }
    Key(w, "error");
    String(w, o.error);
    w.EndObject();
  }
  w.EndArray();
  Key(w, "total");
  w.Uint64(outcomes.size());
  Key(w, "success");
  w.Uint64(success);
  Key(w, "failed");
  w.Uint64(outcomes.size() - success);
  w.EndObject();
}

void WriteItemEmbedding(ItemId aid, std::span<const float> vec, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "aid");
  w.Uint64(aid);
  Embedding(w, vec);
  w.EndObject();
}

void WriteSessionEmbedding(SessionId id, std::span<const float> vec, std::string* out) {
  out->clear();
  StringStream os(out);
  Writer w(os);
  w.StartObject();
  Key(w, "session_id");
  w.Int64(id);
  Embedding(w, vec);
  w.EndObject();
}

}  // namespace sessionrec
