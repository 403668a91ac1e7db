#include "serve/shared_session_store.h"

#include <bit>
#include <cstring>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the Redis value formats are little-endian memory images");

constexpr char kEventsMagic[4] = {'S', 'R', 'E', '1'};
constexpr size_t kEventBytes = 8 + 8 + 1;  // aid, ts, type

}  // namespace

std::string EncodeEvents(std::span<const Event> events) {
  std::string out(4 + events.size() * kEventBytes, '\0');
  std::memcpy(out.data(), kEventsMagic, 4);
  char* p = out.data() + 4;
  for (const Event& e : events) {
    std::memcpy(p, &e.aid, 8);
    std::memcpy(p + 8, &e.ts, 8);
    p[16] = static_cast<char>(e.type);
    p += kEventBytes;
  }
  return out;
}

bool DecodeEvents(std::string_view in, std::vector<Event>* out) {
  if (in.size() < 4 || std::memcmp(in.data(), kEventsMagic, 4) != 0 ||
      (in.size() - 4) % kEventBytes != 0) {
    return false;
  }
  const size_t n = (in.size() - 4) / kEventBytes;
  out->resize(n);
  const char* p = in.data() + 4;
  for (size_t i = 0; i < n; ++i, p += kEventBytes) {
    Event& e = (*out)[i];
    std::memcpy(&e.aid, p, 8);
    std::memcpy(&e.ts, p + 8, 8);
    const auto type = static_cast<uint8_t>(p[16]);
    if (type >= kNumEventTypes) return false;
    e.type = static_cast<EventType>(type);
  }
  return true;
}

SharedSessionStore::SharedSessionStore(SessionStore& local, RedisClient* redis, Metrics* metrics,
                                       SharedSessionStoreOptions options)
    : local_(local), redis_(redis), metrics_(metrics), options_(std::move(options)) {}

std::string SharedSessionStore::Key(SessionId id) const {
  return StrCat(options_.redis_prefix, "session:", id);
}

void SharedSessionStore::Put(SessionId id, std::span<const Event> events) {
  local_.Put(id, events);
  if (redis_ && !redis_->SetEx(Key(id), EncodeEvents(events), options_.ttl_seconds).ok() &&
      metrics_) {
    metrics_->RedisFallback(RedisUse::kSessionStore);
  }
}

void SharedSessionStore::PutMany(
    std::span<const std::pair<SessionId, std::span<const Event>>> sessions) {
  for (const auto& [id, events] : sessions) local_.Put(id, events);
  if (!redis_ || sessions.empty()) return;
  std::vector<std::pair<std::string, std::string>> items;
  items.reserve(sessions.size());
  for (const auto& [id, events] : sessions) items.emplace_back(Key(id), EncodeEvents(events));
  if (!redis_->SetExMany(items, options_.ttl_seconds).ok() && metrics_) {
    metrics_->RedisFallback(RedisUse::kSessionStore);
  }
}

std::optional<std::vector<Event>> SharedSessionStore::Get(SessionId id) {
  if (redis_) {
    StatusOr<std::optional<std::string>> v = redis_->Get(Key(id));
    if (v.ok() && v->has_value()) {
      std::vector<Event> events;
      if (DecodeEvents(**v, &events)) return events;
    }
    if (!v.ok() || v->has_value()) {  // failed, or a value we cannot read
      if (metrics_) metrics_->RedisFallback(RedisUse::kSessionStore);
    }
  }
  return local_.Get(id);
}

}  // namespace sessionrec
