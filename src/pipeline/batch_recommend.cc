#include "pipeline/batch_recommend.h"

#include <fmt/format.h>
#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

int Threads(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

// Sessions per parallel block: bounds the CSV text held in memory at once.
constexpr size_t kBlockSessions = 16384;

}  // namespace

std::vector<TypedAids> RecommendSessions(const Recommender& rec, std::span<const Session> sessions,
                                         const BatchRecommendParams& params) {
  std::vector<TypedAids> out(sessions.size());
  const int64_t n = static_cast<int64_t>(sessions.size());
#pragma omp parallel for schedule(dynamic, 64) num_threads(Threads(params.threads))
  for (int64_t s = 0; s < n; ++s) {
    out[s] = rec.RecommendPerType(sessions[s].events, params.top_k, params.include_seen);
  }
  return out;
}

void AppendPredictionRows(SessionId session, const TypedAids& aids, std::string* out) {
  for (EventType t : kAllEventTypes) {
    fmt::format_to(std::back_inserter(*out), "{}_{},", session, EventTypeName(t));
    const auto& list = aids[static_cast<int>(t)];
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out->push_back(' ');
      fmt::format_to(std::back_inserter(*out), "{}", list[i]);
    }
    out->push_back('\n');
  }
}

StatusOr<uint64_t> WriteRecommendationsCsv(const Recommender& rec, const EventStore& store,
                                           const BatchRecommendParams& params,
                                           const std::string& path) {
  const std::string tmp = path + ".tmp";
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!f) return absl::InternalError(StrCat(tmp, ": cannot open for writing"));
  auto put = [&](const std::string& text) {
    return std::fwrite(text.data(), 1, text.size(), f.get()) == text.size();
  };
  bool ok = put("session_type,labels\n");
  std::vector<std::string> rows(kBlockSessions);
  const size_t total = store.num_sessions();
  for (size_t begin = 0; ok && begin < total; begin += kBlockSessions) {
    const int64_t count = static_cast<int64_t>(std::min(kBlockSessions, total - begin));
#pragma omp parallel num_threads(Threads(params.threads))
    {
      std::vector<Event> events;  // reused for every session of this thread
#pragma omp for schedule(dynamic, 64)
      for (int64_t i = 0; i < count; ++i) {
        const SessionView v = store.session(begin + i);
        events.clear();
        for (size_t e = 0; e < v.size(); ++e) {
          events.push_back({store.item_id(v.items[e]), static_cast<Timestamp>(v.ts[e]), v.type(e)});
        }
        rows[i].clear();
        AppendPredictionRows(v.id, rec.RecommendPerType(events, params.top_k, params.include_seen),
                             &rows[i]);
      }
    }
    for (int64_t i = 0; ok && i < count; ++i) ok = put(rows[i]);
  }
  ok = ok && std::fflush(f.get()) == 0;
  FILE* raw = f.release();
  ok = (std::fclose(raw) == 0) && ok;
  std::error_code ec;
  if (!ok) {
    std::filesystem::remove(tmp, ec);
    return absl::InternalError(StrCat(tmp, ": write failed (disk full?)"));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::InternalError(StrCat(path, ": cannot rename: ", ec.message()));
  return total;
}

}  // namespace sessionrec
