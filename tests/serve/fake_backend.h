// A deterministic ServiceBackend for tests of the HTTP layer: item i's scores are simple
// functions of i, embeddings are known vectors, and a session containing kThrowAid makes
// Recommend throw (to test the 500 path).
#pragma once

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "serve/handlers.h"

namespace sessionrec::testing {

class FakeBackend : public ServiceBackend {
 public:
  static constexpr ItemId kThrowAid = 666;

  explicit FakeBackend(bool with_embeddings = true) {
    stats_.total_items = 100;
    stats_.total_sessions = 10;
    stats_.embedding_dimension = with_embeddings ? 4 : 0;
    stats_.feature_dimension = 0;
    stats_.models = {"clicks", "carts", "orders"};
    stats_.embeddings_loaded = with_embeddings;
    for (ItemId aid = 0; aid < 100; ++aid) {
      vectors_.push_back({static_cast<float>(aid), 0.5f, -0.25f, 0.1f});
    }
  }

  const BundleStats& stats() const override { return stats_; }

  // Recommends the catalogue (aids 0..99) by descending aid, skipping seen aids unless
  // include_seen; scores depend on the aid and the session's last aid.
  Recommendations Recommend(std::span<const Event> events,
                            const RecommendOptions& opts) const override {
    for (const Event& e : events) {
      if (e.aid == kThrowAid) throw std::runtime_error("fake failure");
    }
    Recommendations r;
    const float last = events.empty() ? 0.f : static_cast<float>(events.back().aid % 7);
    for (ItemId aid = 100; aid-- > 0 && static_cast<int>(r.items.size()) < opts.top_k;) {
      bool seen =
          std::any_of(events.begin(), events.end(), [&](const Event& e) { return e.aid == aid; });
      if (seen && !opts.include_seen) continue;
      r.items.push_back(aid);
      float s[3] = {aid / 100.f, (aid + last) / 200.f, 0.125f};
      float combined = 0;
      for (int t = 0; t < 3; ++t) {
        r.scores[t].push_back(s[t]);
        combined += static_cast<float>(opts.weights.w[t]) * s[t];
      }
      r.combined.push_back(combined);
    }
    return r;
  }

  std::optional<std::span<const float>> ItemEmbedding(ItemId aid) const override {
    if (!stats_.embeddings_loaded || aid >= vectors_.size() || aid == 50) return std::nullopt;
    return std::span<const float>(vectors_[aid]);
  }

  // The mean of the session's item vectors.
  std::optional<std::vector<float>> SessionEmbedding(std::span<const Event> events) const override {
    std::vector<float> sum(4, 0.f);
    int n = 0;
    for (const Event& e : events) {
      if (auto v = ItemEmbedding(e.aid)) {
        for (int d = 0; d < 4; ++d) sum[d] += (*v)[d];
        ++n;
      }
    }
    if (n == 0) return std::nullopt;
    for (float& x : sum) x /= static_cast<float>(n);
    return sum;
  }

  // Training sessions 0..9 have the vector of item id*10.
  std::optional<std::span<const float>> TrainingSessionEmbedding(SessionId id) const override {
    if (!stats_.embeddings_loaded || id < 0 || id >= 10) return std::nullopt;
    return std::span<const float>(vectors_[static_cast<size_t>(id) * 10]);
  }

 private:
  BundleStats stats_;
  std::vector<std::vector<float>> vectors_;
};

}  // namespace sessionrec::testing
