// The server's Prometheus metrics (prometheus-cpp), served by GET /metrics in the text
// exposition format 0.0.4. Every family is created up front, and the hot-path calls touch
// only pre-resolved counters and histograms (no label lookups per request).
//
//   sessionrec_http_requests_total{endpoint,status}         counter
//   sessionrec_http_request_duration_seconds{endpoint}      histogram (header read -> answer)
//   sessionrec_batch_sessions                               histogram (sessions per batch)
//   sessionrec_answer_cache_hits_total{tier="local|redis"}  counter
//   sessionrec_answer_cache_misses_total                    counter
//   sessionrec_redis_errors_total                           counter (failed Redis calls)
//   sessionrec_redis_skipped_total                          counter (calls skipped in back-off)
//   sessionrec_redis_fallbacks_total{use}                   counter (requests served without
//                                                           Redis:
//                                                           use="answer_cache|session_store")
//   sessionrec_model_info{version,dir}                      gauge, 1 for the loaded model
//   sessionrec_model_load_seconds                           gauge (load time of that model)
//   sessionrec_model_loaded_timestamp_seconds               gauge (Unix time it went live)
//   sessionrec_model_reloads_total{result="ok|failed"}      counter
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sessionrec {

enum class CacheTier : uint8_t { kLocal = 0, kRedis = 1 };
enum class RedisUse : uint8_t { kAnswerCache = 0, kSessionStore = 1 };

class Metrics {
 public:
  // `endpoints` are the label values of `endpoint`; requests name them by index.
  explicit Metrics(std::vector<std::string> endpoints);
  ~Metrics();

  // One answered request: `endpoint` indexes the constructor's list (out of range: the
  // last one), `status` is the HTTP status, `seconds` the time to answer.
  void ObserveRequest(size_t endpoint, unsigned status, double seconds);
  void ObserveBatchSize(size_t sessions);
  void CacheHit(CacheTier tier);
  void CacheMiss();
  void RedisFallback(RedisUse use);
  // Brings the Redis counters up to the client's running totals (call before Serialize).
  void SetRedisTotals(uint64_t errors, uint64_t skipped);
  // A model went live (start-up or reload).
  void ModelLoaded(const std::string& version, const std::string& dir, double load_seconds);
  void ReloadFinished(bool ok);

  // Every metric in the Prometheus text format.
  std::string Serialize() const;

 private:
  prometheus::Counter& RequestCounter(size_t endpoint, unsigned status);

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::string> endpoints_;
  prometheus::Family<prometheus::Counter>* requests_;
  // [endpoint][status - 100], filled on first use.
  std::vector<std::unique_ptr<std::array<std::atomic<prometheus::Counter*>, 500>>> by_status_;
  std::vector<prometheus::Histogram*> latency_;
  prometheus::Histogram* batch_sizes_;
  std::array<prometheus::Counter*, 2> cache_hits_;
  prometheus::Counter* cache_misses_;
  prometheus::Counter* redis_errors_;
  prometheus::Counter* redis_skipped_;
  std::array<prometheus::Counter*, 2> redis_fallbacks_;
  prometheus::Family<prometheus::Gauge>* model_info_;
  prometheus::Gauge* model_info_current_ = nullptr;  // guarded by model_mu_
  prometheus::Gauge* model_load_seconds_;
  prometheus::Gauge* model_loaded_at_;
  prometheus::Counter* reloads_ok_;
  prometheus::Counter* reloads_failed_;
  std::mutex model_mu_;
  std::mutex redis_mu_;
};

}  // namespace sessionrec
