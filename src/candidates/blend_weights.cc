#include "candidates/blend_weights.h"

namespace sessionrec {
namespace {

struct Entry {
  std::string_view name;
  float pool;                                 // DefaultBlendWeight
  std::array<float, kNumEventTypes> serving;  // clicks, carts, orders
};

// docs/candidates.md explains every row; the pool weights follow the per-source new-items
// recall@100, the serving weights the evaluate Recall@20 runs of both samples.
constexpr Entry kWeights[] = {
    {"session", 1.0f, {3.0f, 3.0f, 3.0f}},
    {"covisit_clicks", 1.0f, {1.0f, 1.0f, 1.0f}},
    {"covisit_carts_orders", 1.0f, {1.0f, 1.0f, 1.0f}},
    {"covisit_buy2buy", 0.3f, {0.3f, 0.3f, 0.3f}},
    {"covisit_adjacent", 0.5f, {0.5f, 0.5f, 0.5f}},
    {"covisit_forward", 1.0f, {1.0f, 1.0f, 1.0f}},
    {"covisit_time_decay", 0.5f, {0.5f, 0.5f, 0.5f}},
    {"covisit_click_to_buy", 0.3f, {0.3f, 0.3f, 0.3f}},
    {"covisit_recent_week", 0.3f, {0.3f, 0.3f, 0.3f}},
    {"covisit_buy2buy_decay", 0.3f, {0.3f, 0.3f, 0.3f}},
    {"embed_neighbors", 0.3f, {0.1f, 0.0f, 0.0f}},
    {"session_embed", 0.3f, {0.1f, 0.0f, 0.0f}},
    {"category_pop", 0.5f, {0.5f, 0.5f, 0.5f}},
    {"pop_all", 0.02f, {0.02f, 0.02f, 0.02f}},
    {"pop_recent", 0.05f, {0.05f, 0.05f, 0.05f}},
    {"pop_clicks", 0.02f, {0.02f, 0.02f, 0.02f}},
    {"pop_carts", 0.02f, {0.02f, 0.02f, 0.02f}},
    {"pop_orders", 0.02f, {0.02f, 0.02f, 0.02f}},
};
constexpr float kUnknownWeight = 0.1f;

const Entry* Find(std::string_view name) {
  for (const Entry& e : kWeights) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace

float DefaultBlendWeight(std::string_view name) {
  const Entry* e = Find(name);
  return e != nullptr ? e->pool : kUnknownWeight;
}

std::array<float, kNumEventTypes> ServingBlendWeights(std::string_view name) {
  const Entry* e = Find(name);
  if (e != nullptr) return e->serving;
  return {kUnknownWeight, kUnknownWeight, kUnknownWeight};
}

}  // namespace sessionrec
