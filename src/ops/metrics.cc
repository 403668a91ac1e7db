#include "ops/metrics.h"

#include <prometheus/text_serializer.h>

#include <chrono>

namespace sessionrec {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// From 50 µs (a cached answer) to 5 s (a large batch).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   5};
const prometheus::Histogram::BucketBoundaries kBatchBuckets = {
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

}  // namespace

Metrics::Metrics(std::vector<std::string> endpoints)
    : registry_(std::make_shared<prometheus::Registry>()), endpoints_(std::move(endpoints)) {
  if (endpoints_.empty()) endpoints_.push_back("other");
  requests_ = &BuildCounter()
                   .Name("sessionrec_http_requests_total")
                   .Help("HTTP requests answered, by endpoint and status code")
                   .Register(*registry_);
  auto& latency = BuildHistogram()
                      .Name("sessionrec_http_request_duration_seconds")
                      .Help("Time from a request's header to its answer, by endpoint")
                      .Register(*registry_);
  for (const std::string& e : endpoints_) {
    by_status_.push_back(std::make_unique<std::array<std::atomic<prometheus::Counter*>, 500>>());
    for (auto& c : *by_status_.back()) c.store(nullptr, std::memory_order_relaxed);
    latency_.push_back(&latency.Add({{"endpoint", e}}, kLatencyBuckets));
  }
  batch_sizes_ = &BuildHistogram()
                      .Name("sessionrec_batch_sessions")
                      .Help("Sessions per /batch_recommend request")
                      .Register(*registry_)
                      .Add({}, kBatchBuckets);
  auto& hits = BuildCounter()
                   .Name("sessionrec_answer_cache_hits_total")
                   .Help("/recommend answers served from the answer cache, by tier")
                   .Register(*registry_);
  cache_hits_ = {&hits.Add({{"tier", "local"}}), &hits.Add({{"tier", "redis"}})};
  cache_misses_ = &BuildCounter()
                       .Name("sessionrec_answer_cache_misses_total")
                       .Help("/recommend answers computed because no cache tier had them")
                       .Register(*registry_)
                       .Add({});
  redis_errors_ = &BuildCounter()
                       .Name("sessionrec_redis_errors_total")
                       .Help("Redis calls that failed (refused, timed out, error reply)")
                       .Register(*registry_)
                       .Add({});
  redis_skipped_ = &BuildCounter()
                        .Name("sessionrec_redis_skipped_total")
                        .Help("Redis calls skipped during the back-off after a failure")
                        .Register(*registry_)
                        .Add({});
  auto& fallbacks = BuildCounter()
                        .Name("sessionrec_redis_fallbacks_total")
                        .Help("Requests served from process memory because Redis failed")
                        .Register(*registry_);
  redis_fallbacks_ = {&fallbacks.Add({{"use", "answer_cache"}}),
                      &fallbacks.Add({{"use", "session_store"}})};
  model_info_ = &BuildGauge()
                     .Name("sessionrec_model_info")
                     .Help("1 for the model being served, labelled with its version and dir")
                     .Register(*registry_);
  model_load_seconds_ = &BuildGauge()
                             .Name("sessionrec_model_load_seconds")
                             .Help("Seconds the served model took to load and validate")
                             .Register(*registry_)
                             .Add({});
  model_loaded_at_ = &BuildGauge()
                          .Name("sessionrec_model_loaded_timestamp_seconds")
                          .Help("Unix time at which the served model went live")
                          .Register(*registry_)
                          .Add({});
  auto& reloads = BuildCounter()
                      .Name("sessionrec_model_reloads_total")
                      .Help("Model reloads (SIGHUP, POST /admin/reload), by result")
                      .Register(*registry_);
  reloads_ok_ = &reloads.Add({{"result", "ok"}});
  reloads_failed_ = &reloads.Add({{"result", "failed"}});
}

Metrics::~Metrics() = default;

prometheus::Counter& Metrics::RequestCounter(size_t endpoint, unsigned status) {
  if (status < 100 || status > 599) status = 599;
  std::atomic<prometheus::Counter*>& slot = (*by_status_[endpoint])[status - 100];
  prometheus::Counter* c = slot.load(std::memory_order_acquire);
  if (c == nullptr) {
    // Family::Add returns the existing counter for the same labels, so racing threads
    // agree on one.
    c = &requests_->Add({{"endpoint", endpoints_[endpoint]}, {"status", std::to_string(status)}});
    slot.store(c, std::memory_order_release);
  }
  return *c;
}

void Metrics::ObserveRequest(size_t endpoint, unsigned status, double seconds) {
  if (endpoint >= endpoints_.size()) endpoint = endpoints_.size() - 1;
  RequestCounter(endpoint, status).Increment();
  latency_[endpoint]->Observe(seconds);
}

void Metrics::ObserveBatchSize(size_t sessions) {
  batch_sizes_->Observe(static_cast<double>(sessions));
}

void Metrics::CacheHit(CacheTier tier) { cache_hits_[static_cast<int>(tier)]->Increment(); }
void Metrics::CacheMiss() { cache_misses_->Increment(); }
void Metrics::RedisFallback(RedisUse use) { redis_fallbacks_[static_cast<int>(use)]->Increment(); }

void Metrics::SetRedisTotals(uint64_t errors, uint64_t skipped) {
  std::lock_guard<std::mutex> lock(redis_mu_);
  const double e = static_cast<double>(errors) - redis_errors_->Value();
  const double s = static_cast<double>(skipped) - redis_skipped_->Value();
  if (e > 0) redis_errors_->Increment(e);
  if (s > 0) redis_skipped_->Increment(s);
}

void Metrics::ModelLoaded(const std::string& version, const std::string& dir, double load_seconds) {
  std::lock_guard<std::mutex> lock(model_mu_);
  if (model_info_current_ != nullptr) model_info_->Remove(model_info_current_);
  model_info_current_ = &model_info_->Add({{"version", version}, {"dir", dir}});
  model_info_current_->Set(1);
  model_load_seconds_->Set(load_seconds);
  model_loaded_at_->Set(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void Metrics::ReloadFinished(bool ok) { (ok ? reloads_ok_ : reloads_failed_)->Increment(); }

std::string Metrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace sessionrec
