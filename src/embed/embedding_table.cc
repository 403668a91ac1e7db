#include "embed/embedding_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/str_cat.h"

namespace sessionrec {

namespace {

// Lanes of the dot product: independent partial sums (a single running sum is one long
// chain of dependent adds). 8 lanes = two 4-float vectors per row, so four rows at once
// keep 8 accumulators and the query in the 16 SSE registers. Dot and DotRows both go
// through DotLanes + FoldLanes, so they agree to the bit.
constexpr size_t kLanes = 8;
// GCC/Clang vector extension: SSE on x86-64, NEON on arm64; no -march needed.
using V4 = float __attribute__((vector_size(16)));

inline V4 Load4(const float* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}

// Rows r of `rows` (R of them, n floats each) against q: acc[r][j] = sum over k = j mod 8,
// in k order. The tail (n mod 8) goes to lane k - n8, so any length works.
template <size_t R>
inline void DotLanes(const float* q, const float* const* rows, size_t n, float (&acc)[R][kLanes]) {
  V4 lo[R], hi[R];
  for (size_t r = 0; r < R; ++r) lo[r] = hi[r] = V4{0, 0, 0, 0};
  size_t k = 0;
  for (; k + kLanes <= n; k += kLanes) {
    const V4 q_lo = Load4(q + k), q_hi = Load4(q + k + 4);
    for (size_t r = 0; r < R; ++r) {
      lo[r] += q_lo * Load4(rows[r] + k);
      hi[r] += q_hi * Load4(rows[r] + k + 4);
    }
  }
  for (size_t r = 0; r < R; ++r) {
    std::memcpy(acc[r], &lo[r], sizeof(V4));
    std::memcpy(acc[r] + 4, &hi[r], sizeof(V4));
  }
  for (size_t j = 0; k + j < n; ++j) {
    for (size_t r = 0; r < R; ++r) acc[r][j] += q[k + j] * rows[r][k + j];
  }
}

// The lanes summed pairwise (4 + 4, 2 + 2, 1 + 1): a fixed order.
inline float FoldLanes(float (&acc)[kLanes]) {
  for (size_t w = kLanes / 2; w > 0; w /= 2) {
    for (size_t j = 0; j < w; ++j) acc[j] += acc[j + w];
  }
  return acc[0];
}

// Asks the cache for the n floats at p (one prefetch per 64-byte line).
inline void PrefetchRow(const float* p, size_t n) {
  const char* c = reinterpret_cast<const char*>(p);
  const size_t bytes = n * sizeof(float);
  for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(c + b);
  __builtin_prefetch(c + bytes - 1);
}

}  // namespace

float Dot(std::span<const float> a, std::span<const float> b) {
  SR_CHECK(a.size() == b.size());
  const float* rows[1] = {b.data()};
  float acc[1][kLanes];
  DotLanes<1>(a.data(), rows, a.size(), acc);
  return FoldLanes(acc[0]);
}

void EmbeddingTable::DotRows(std::span<const float> q, std::span<const ItemIndex> items,
                             std::span<float> out) const {
  const size_t dim = static_cast<size_t>(dim_);
  SR_CHECK(q.size() == dim && out.size() == items.size());
  for (ItemIndex item : items) SR_CHECK(item < num_items());
  const float* base = vectors_.data();
  auto row = [&](size_t i) { return base + size_t{items[i]} * dim; };
  // Blocks of 4 rows; the rows of the block after next are prefetched, so their lines are
  // on the way while this block's are summed (the pool's rows are scattered over the table).
  constexpr size_t kBlock = 4, kAhead = 2 * kBlock;
  const size_t n = items.size();
  for (size_t i = 0; i < std::min(n, kAhead); ++i) PrefetchRow(row(i), dim);
  size_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    for (size_t p = i + kAhead; p < std::min(n, i + kAhead + kBlock); ++p) PrefetchRow(row(p), dim);
    const float* rows[kBlock] = {row(i), row(i + 1), row(i + 2), row(i + 3)};
    float acc[kBlock][kLanes];
    DotLanes<kBlock>(q.data(), rows, dim, acc);
    for (size_t r = 0; r < kBlock; ++r) out[i + r] = FoldLanes(acc[r]);
  }
  for (; i < n; ++i) {
    const float* rows[1] = {row(i)};
    float acc[1][kLanes];
    DotLanes<1>(q.data(), rows, dim, acc);
    out[i] = FoldLanes(acc[0]);
  }
}

EmbeddingTable::EmbeddingTable(int dim, std::vector<ItemId> item_ids, std::vector<float> vectors,
                               std::vector<uint8_t> has_vector, std::string meta)
    : owned_(std::make_shared<Owned>()), dim_(dim), meta_(std::move(meta)) {
  SR_CHECK(dim > 0);
  SR_CHECK(has_vector.size() == item_ids.size());
  SR_CHECK(vectors.size() == item_ids.size() * static_cast<size_t>(dim));
  for (size_t i = 0; i < item_ids.size(); ++i) {
    float* row = vectors.data() + i * dim;
    double norm2 = 0.0;
    for (int k = 0; k < dim; ++k) norm2 += double{row[k]} * row[k];
    const bool keep = has_vector[i] != 0 && norm2 > 0.0 && std::isfinite(norm2);
    const float scale = keep ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;
    for (int k = 0; k < dim; ++k) row[k] *= scale;
    has_vector[i] = keep ? 1 : 0;
    num_with_vector_ += keep ? 1 : 0;
  }
  owned_->item_ids = std::move(item_ids);
  owned_->has_vector = std::move(has_vector);
  owned_->vectors = std::move(vectors);
  item_ids_ = owned_->item_ids;
  has_vector_ = owned_->has_vector;
  vectors_ = owned_->vectors;
}

Status EmbeddingTable::Save(const std::string& path) const {
  const std::vector<uint32_t> shape = {static_cast<uint32_t>(dim_),
                                       static_cast<uint32_t>(num_items())};
  ArtifactWriter w(kEmbedKind, kEmbedVersion);
  w.Add("shape", shape);
  w.Add("item_ids", item_ids_);
  w.Add("has_vector", has_vector_);
  w.Add("vectors", vectors_);
  w.AddText("meta", meta_);
  return w.Write(path);
}

StatusOr<EmbeddingTable> EmbeddingTable::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kEmbedKind, kEmbedVersion));
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(StrCat(path, ": invalid embedding table: ", what));
  };
  SR_ASSIGN_OR_RETURN(auto shape, a.Get<uint32_t>("shape"));
  if (shape.size() != 2) return bad("section shape must hold {dim, num_items}");
  const size_t dim = shape[0], n = shape[1];
  if (dim == 0 || dim > 4096) return bad(StrCat("dim ", dim, " outside 1..4096"));
  EmbeddingTable t;
  t.dim_ = static_cast<int>(dim);
  SR_ASSIGN_OR_RETURN(t.item_ids_, a.Get<ItemId>("item_ids"));
  SR_ASSIGN_OR_RETURN(t.has_vector_, a.Get<uint8_t>("has_vector"));
  SR_ASSIGN_OR_RETURN(t.vectors_, a.Get<float>("vectors"));
  SR_ASSIGN_OR_RETURN(auto meta, a.GetText("meta"));
  if (t.item_ids_.size() != n)
    return bad(StrCat("item_ids has ", t.item_ids_.size(), " rows, shape says ", n));
  if (t.has_vector_.size() != n)
    return bad(StrCat("has_vector has ", t.has_vector_.size(), " rows, shape says ", n));
  if (t.vectors_.size() != n * dim) {
    return bad(StrCat("vectors has ", t.vectors_.size(), " floats, want ", n * dim));
  }
  for (size_t i = 0; i < n; ++i) {
    const uint8_t flag = t.has_vector_[i];
    if (flag > 1) return bad(StrCat("has_vector[", i, "] = ", int{flag}));
    const float* row = t.vectors_.data() + i * dim;
    double norm2 = 0.0;
    for (size_t k = 0; k < dim; ++k) norm2 += double{row[k]} * row[k];
    if (flag == 1 && !(std::abs(std::sqrt(norm2) - 1.0) <= 1e-3)) {
      return bad(StrCat("row ", i, " (aid ", t.item_ids_[i], ") is not unit length"));
    }
    if (flag == 0 && norm2 != 0.0) return bad(StrCat("row ", i, " has no vector but is not zero"));
    t.num_with_vector_ += flag;
  }
  t.meta_ = std::string(meta);
  t.mapped_ = std::make_shared<Artifact>(std::move(a));
  return t;
}

}  // namespace sessionrec
