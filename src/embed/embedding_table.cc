#include "embed/embedding_table.h"

#include <cmath>

#include "core/str_cat.h"

namespace sessionrec {

float Dot(std::span<const float> a, std::span<const float> b) {
  SR_CHECK(a.size() == b.size());
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
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
