#include "serve/answer_cache.h"

#include <bit>
#include <cstring>

#include "ops/stable_hash.h"

namespace sessionrec {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the Redis value formats are little-endian memory images");

constexpr char kAnswerMagic[4] = {'S', 'R', 'A', '1'};

template <typename T>
void Append(std::string* out, const T* data, size_t n) {
  out->append(reinterpret_cast<const char*>(data), n * sizeof(T));
}

template <typename T>
bool Take(std::string_view* in, T* data, size_t n) {
  const size_t bytes = n * sizeof(T);
  if (in->size() < bytes) return false;
  std::memcpy(data, in->data(), bytes);
  in->remove_prefix(bytes);
  return true;
}

}  // namespace

std::string AnswerKey(std::string_view model_version, std::span<const Event> events,
                      const RecommendOptions& options) {
  StableHasher h;
  h.AddBytes(model_version);
  h.AddU64(events.size());
  for (const Event& e : events) {
    h.AddU64(e.aid);
    h.AddU64(static_cast<uint64_t>(e.ts));
    h.AddU64(static_cast<uint64_t>(e.type));
  }
  h.AddU64(static_cast<uint64_t>(options.top_k));
  for (double w : options.weights.w) h.AddU64(std::bit_cast<uint64_t>(w));
  h.AddU64(options.include_seen ? 1 : 0);
  std::string key = "answer:";
  key.append(model_version);
  key.push_back(':');
  key.append(h.Hex());
  return key;
}

std::string EncodeRecommendations(const Recommendations& recs) {
  const uint32_t n = static_cast<uint32_t>(recs.items.size());
  std::string out;
  out.reserve(8 + n * (8 + 4 * (kNumEventTypes + 1)));
  out.append(kAnswerMagic, 4);
  Append(&out, &n, 1);
  Append(&out, recs.items.data(), n);
  for (const auto& s : recs.scores) Append(&out, s.data(), n);
  Append(&out, recs.combined.data(), n);
  return out;
}

bool DecodeRecommendations(std::string_view in, Recommendations* out) {
  uint32_t n = 0;
  if (in.size() < 8 || std::memcmp(in.data(), kAnswerMagic, 4) != 0) return false;
  in.remove_prefix(4);
  Take(&in, &n, 1);
  if (in.size() != static_cast<size_t>(n) * (8 + 4 * (kNumEventTypes + 1))) return false;
  out->items.resize(n);
  Take(&in, out->items.data(), n);
  for (auto& s : out->scores) {
    s.resize(n);
    Take(&in, s.data(), n);
  }
  out->combined.resize(n);
  return Take(&in, out->combined.data(), n);
}

AnswerCache::AnswerCache(AnswerCacheOptions options, RedisClient* redis, Metrics* metrics)
    : options_(std::move(options)), redis_(redis), metrics_(metrics) {
  if (options_.local_entries > 0) {
    local_ = std::make_unique<LruCache<std::string, Recommendations>>(
        options_.local_entries, std::chrono::seconds(options_.ttl_seconds));
  }
}

bool AnswerCache::Lookup(const std::string& key, Recommendations* out) {
  if (local_ && local_->Get(key, out)) {
    if (metrics_) metrics_->CacheHit(CacheTier::kLocal);
    return true;
  }
  if (redis_) {
    StatusOr<std::optional<std::string>> v = redis_->Get(options_.redis_prefix + key);
    if (!v.ok()) {
      if (metrics_) metrics_->RedisFallback(RedisUse::kAnswerCache);
    } else if (v->has_value()) {
      if (DecodeRecommendations(**v, out)) {
        if (metrics_) metrics_->CacheHit(CacheTier::kRedis);
        if (local_) local_->Put(key, *out);
        return true;
      }
      // A value this server cannot read (another version, or damaged): a miss; the
      // fresh answer overwrites it.
      if (metrics_) metrics_->RedisFallback(RedisUse::kAnswerCache);
    }
  }
  if (metrics_) metrics_->CacheMiss();
  return false;
}

void AnswerCache::Store(const std::string& key, const Recommendations& recs) {
  if (local_) local_->Put(key, recs);
  if (redis_) {
    // A failure is counted by the client (redis errors); the lookup already counted this
    // request's fallback.
    (void)redis_->SetEx(options_.redis_prefix + key, EncodeRecommendations(recs),
                        options_.ttl_seconds);
  }
}

}  // namespace sessionrec
