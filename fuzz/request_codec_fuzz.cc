// libFuzzer target: arbitrary bytes as /recommend and /batch_recommend bodies. The decoder
// must never crash, hang or read out of bounds, and whatever it accepts must satisfy the
// API's rules (checked below; a violation aborts).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "serve/request_codec.h"

namespace {

using sessionrec::RecommendRequest;
using sessionrec::RequestLimits;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckValid(const RecommendRequest& r, const RequestLimits& limits) {
  Check(!r.events.empty() && r.events.size() <= limits.max_events);
  Check(r.options.top_k >= 1 && r.options.top_k <= limits.max_top_k);
  double sum = 0;
  for (double w : r.options.weights.w) {
    Check(std::isfinite(w) && w >= 0);
    sum += w;
  }
  Check(sum > 0);
  for (size_t i = 0; i < r.events.size(); ++i) {
    // ts >= 0; values above 10^11 were divided by 1000 (they may still be large).
    Check(r.events[i].ts >= 0);
    if (i > 0) Check(r.events[i - 1].ts <= r.events[i].ts);
    Check(static_cast<int>(r.events[i].type) < sessionrec::kNumEventTypes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  RequestLimits limits;
  limits.max_sessions = 64;  // keep single inputs cheap
  RecommendRequest req;
  if (sessionrec::DecodeRecommendRequest(body, limits, &req).ok()) CheckValid(req, limits);
  sessionrec::BatchRequest batch;
  if (sessionrec::DecodeBatchRequest(body, limits, &batch).ok()) {
    Check(batch.entries.size() <= limits.max_sessions);
    for (const auto& e : batch.entries) {
      if (e.error.empty()) {
        CheckValid(e.request, limits);
        Check(e.session_id.has_value() && *e.session_id == e.request.session_id);
      }
    }
  }
  return 0;
}
