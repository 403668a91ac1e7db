#include "covisit/covisit_matrix.h"

#include <cmath>

#include "core/str_cat.h"

namespace sessionrec {

CovisitMatrix::CovisitMatrix(std::vector<uint64_t> offsets, std::vector<ItemIndex> neighbors,
                             std::vector<float> weights, std::string meta)
    : owned_(std::make_shared<Owned>()), meta_(std::move(meta)) {
  // The builder is the only producer of owned columns: a mismatch is a bug, not bad input.
  SR_CHECK(!offsets.empty() && offsets.front() == 0 && offsets.back() == neighbors.size());
  SR_CHECK(weights.size() == neighbors.size());
  owned_->offsets = std::move(offsets);
  owned_->neighbors = std::move(neighbors);
  owned_->weights = std::move(weights);
  offsets_ = owned_->offsets;
  neighbors_ = owned_->neighbors;
  weights_ = owned_->weights;
}

Status CovisitMatrix::Save(const std::string& path) const {
  ArtifactWriter w(kCovisitKind, kCovisitVersion);
  // A default-constructed matrix has no offsets; store it as zero rows.
  static const uint64_t kZero = 0;
  w.Add("offsets", offsets_.empty() ? std::span<const uint64_t>(&kZero, 1) : offsets_);
  w.Add("neighbors", neighbors_);
  w.Add("weights", weights_);
  w.AddText("meta", meta_);
  return w.Write(path);
}

StatusOr<CovisitMatrix> CovisitMatrix::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kCovisitKind, kCovisitVersion));
  CovisitMatrix m;
  m.mapped_ = std::make_shared<Artifact>(std::move(a));
  const Artifact& art = *m.mapped_;
  SR_ASSIGN_OR_RETURN(m.offsets_, art.Get<uint64_t>("offsets"));
  SR_ASSIGN_OR_RETURN(m.neighbors_, art.Get<ItemIndex>("neighbors"));
  SR_ASSIGN_OR_RETURN(m.weights_, art.Get<float>("weights"));
  SR_ASSIGN_OR_RETURN(std::string_view meta, art.GetText("meta"));
  m.meta_ = std::string(meta);

  // The CRC only proves the bytes are the ones written; these checks prove the writer
  // produced a usable matrix, since readers index with these values unchecked.
  auto bad = [&](const std::string& what) {
    return absl::DataLossError(StrCat(path, ": inconsistent co-visitation matrix: ", what));
  };
  const auto& off = m.offsets_;
  const size_t n = m.neighbors_.size();
  if (off.empty()) return bad("section 'offsets' is empty (needs rows+1 entries)");
  if (m.weights_.size() != n) {
    return bad(StrCat("'weights' has ", m.weights_.size(), " entries, 'neighbors' has ", n));
  }
  if (off.front() != 0) return bad(StrCat("offsets[0] is ", off.front(), ", not 0"));
  if (off.back() != n) {
    return bad(StrCat("last offset is ", off.back(), " but there are ", n, " entries"));
  }
  const size_t rows = off.size() - 1;
  if (rows > static_cast<size_t>(kNoItem)) return bad(StrCat(rows, " rows exceed the id space"));
  for (size_t r = 0; r < rows; ++r) {
    if (off[r] > off[r + 1]) {
      return bad(StrCat("offsets not monotone at row ", r, " (", off[r], " > ", off[r + 1], ")"));
    }
  }
  for (size_t r = 0; r < rows; ++r) {
    for (uint64_t e = off[r]; e < off[r + 1]; ++e) {
      if (m.neighbors_[e] >= rows) {
        return bad(
            StrCat("row ", r, ": neighbour ", m.neighbors_[e], " out of range (", rows, " rows)"));
      }
      if (!std::isfinite(m.weights_[e])) {
        return bad(StrCat("row ", r, ": weight ", e - off[r], " is not finite"));
      }
      if (e > off[r] && m.weights_[e] > m.weights_[e - 1]) {
        return bad(StrCat("row ", r, ": weights not sorted descending at entry ", e - off[r]));
      }
    }
  }
  return m;
}

}  // namespace sessionrec
