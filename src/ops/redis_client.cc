#include "ops/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <charconv>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

bool ParseWhole(std::string_view text, int* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

StatusOr<RedisOptions> ParseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(StrCat("--redis-url \"", url, "\": ", why,
                                             " (expected redis://[:password@]host[:port][/db])"));
  };
  if (!url.starts_with(kScheme)) return bad("must start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisOptions o;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = auth.find(':');
    o.password = std::string(colon == std::string_view::npos ? auth : auth.substr(colon + 1));
  }
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && (!ParseWhole(db, &o.db) || o.db < 0)) {
      return bad(StrCat("database \"", db, "\" is not an integer >= 0"));
    }
  }
  if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    if (!ParseWhole(port, &o.port) || o.port <= 0 || o.port > 65535) {
      return bad(StrCat("port \"", port, "\" is not in 1..65535"));
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return bad("the host is missing");
  o.host = std::string(rest);
  return o;
}

RedisClient::RedisClient(RedisOptions options)
    : options_(std::move(options)), where_(StrCat(options_.host, ":", options_.port)) {}

RedisClient::~RedisClient() {
  for (redisContext* c : idle_) redisFree(c);
}

Status RedisClient::Fail(std::string_view op, std::string_view why) {
  errors_.fetch_add(1, std::memory_order_relaxed);
  skip_until_ns_.store(
      NowNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(options_.retry_after).count(),
      std::memory_order_relaxed);
  return absl::UnavailableError(StrCat("redis ", where_, ": ", op, ": ", why));
}

StatusOr<redisContext*> RedisClient::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      redisContext* c = idle_.back();
      idle_.pop_back();
      return c;
    }
  }
  redisContext* c =
      redisConnectWithTimeout(options_.host.c_str(), options_.port, ToTimeval(options_.timeout));
  if (c == nullptr) return Fail("connect", "out of memory");
  if (c->err) {
    std::string why = c->errstr;
    redisFree(c);
    return Fail("connect", why);
  }
  if (redisSetTimeout(c, ToTimeval(options_.timeout)) != REDIS_OK) {
    redisFree(c);
    return Fail("connect", "cannot set the socket timeout");
  }
  // AUTH and SELECT once per connection.
  std::vector<std::vector<std::string>> setup;
  if (!options_.password.empty()) setup.push_back({"AUTH", options_.password});
  if (options_.db != 0) setup.push_back({"SELECT", std::to_string(options_.db)});
  for (const auto& cmd : setup) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const std::string& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    Reply r(static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      std::string why = r ? std::string(r->str, r->len) : std::string(c->errstr);
      redisFree(c);
      return Fail(cmd[0] == "AUTH" ? "AUTH" : "SELECT", why);
    }
  }
  return c;
}

void RedisClient::Release(redisContext* ctx, bool healthy) {
  if (healthy) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < options_.max_idle_connections) {
      idle_.push_back(ctx);
      return;
    }
  }
  redisFree(ctx);
}

template <typename OnReply>
Status RedisClient::Run(std::string_view op, std::span<const std::vector<std::string_view>> argvs,
                        OnReply&& on_reply) {
  if (NowNs() < skip_until_ns_.load(std::memory_order_relaxed)) {
    skipped_.fetch_add(1, std::memory_order_relaxed);
    return absl::UnavailableError(StrCat("redis ", where_,
                                         ": skipped after a recent failure (retrying in at most ",
                                         options_.retry_after.count(), " ms)"));
  }
  SR_ASSIGN_OR_RETURN(redisContext * c, Acquire());
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& cmd : argvs) {
    argv.clear();
    lens.clear();
    for (std::string_view a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      std::string why = c->errstr;
      Release(c, false);
      return Fail(op, why);
    }
  }
  for (size_t i = 0; i < argvs.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      // A timeout shows as an I/O error (EAGAIN): the connection is then out of sync.
      const bool timed_out =
          c->err == REDIS_ERR_IO &&
          (errno == EAGAIN || errno == EWOULDBLOCK ||
           std::string_view(c->errstr).find("temporarily unavailable") != std::string_view::npos);
      std::string why = timed_out ? StrCat("no answer within ", options_.timeout.count(), " ms")
                                  : std::string(c->errstr);
      Release(c, false);
      return Fail(op, why);
    }
    Reply r(static_cast<redisReply*>(raw));
    if (r->type == REDIS_REPLY_ERROR) {
      // The connection is fine, but the command failed (e.g. OOM, wrong type): drain the
      // pipeline's remaining replies before reusing it.
      std::string why(r->str, r->len);
      for (size_t j = i + 1; j < argvs.size(); ++j) {
        void* rest = nullptr;
        if (redisGetReply(c, &rest) != REDIS_OK) {
          Release(c, false);
          return Fail(op, why);
        }
        freeReplyObject(rest);
      }
      Release(c, true);
      return Fail(op, why);
    }
    if (Status s = on_reply(i, *r); !s.ok()) {
      Release(c, false);
      return Fail(op, std::string(s.message()));
    }
  }
  Release(c, true);
  return absl::OkStatus();
}

StatusOr<std::optional<std::string>> RedisClient::Get(std::string_view key) {
  const std::vector<std::string_view> cmd[] = {{"GET", key}};
  std::optional<std::string> value;
  SR_RETURN_IF_ERROR(Run("GET", cmd, [&](size_t, const redisReply& r) -> Status {
    if (r.type == REDIS_REPLY_NIL) return absl::OkStatus();
    if (r.type != REDIS_REPLY_STRING) return absl::InternalError("unexpected reply type");
    value.emplace(r.str, r.len);
    return absl::OkStatus();
  }));
  return value;
}

Status RedisClient::SetEx(std::string_view key, std::string_view value, int ttl_seconds) {
  const std::string ttl = std::to_string(ttl_seconds);
  const std::vector<std::string_view> cmd[] = {{"SET", key, value, "EX", ttl}};
  return Run("SET", cmd, [](size_t, const redisReply&) { return absl::OkStatus(); });
}

Status RedisClient::SetExMany(std::span<const std::pair<std::string, std::string>> items,
                              int ttl_seconds) {
  if (items.empty()) return absl::OkStatus();
  const std::string ttl = std::to_string(ttl_seconds);
  std::vector<std::vector<std::string_view>> cmds;
  cmds.reserve(items.size());
  for (const auto& [k, v] : items) cmds.push_back({"SET", k, v, "EX", ttl});
  return Run("SET", std::span<const std::vector<std::string_view>>(cmds),
             [](size_t, const redisReply&) { return absl::OkStatus(); });
}

Status RedisClient::Ping() {
  const std::vector<std::string_view> cmd[] = {{"PING"}};
  return Run("PING", cmd, [](size_t, const redisReply&) { return absl::OkStatus(); });
}

}  // namespace sessionrec
