#include "embed/session_embedding.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/str_cat.h"

namespace sessionrec {

bool ComputeSessionEmbedding(const EmbeddingTable& table, std::span<const ItemIndex> items,
                             std::span<const uint8_t> types, const SessionEmbeddingParams& p,
                             std::span<float> out) {
  SR_CHECK(items.size() == types.size());
  SR_CHECK(out.size() == static_cast<size_t>(table.dim()));
  std::fill(out.begin(), out.end(), 0.0f);
  const size_t n = items.size();
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    const std::span<const float> v = table.Row(items[i]);  // empty for kNoItem too
    if (v.empty()) continue;
    SR_CHECK(types[i] < kNumEventTypes);
    const float w =
        p.type_weights[types[i]] * std::exp2(-static_cast<float>(n - 1 - i) / p.half_life_events);
    float* o = out.data();
#pragma omp simd
    for (size_t k = 0; k < v.size(); ++k) o[k] += w * v[k];
    any = true;
  }
  if (!any) return false;
  double norm2 = 0.0;
  for (float x : out) norm2 += double{x} * x;
  if (!(norm2 > 0.0) || !std::isfinite(norm2)) {
    std::fill(out.begin(), out.end(), 0.0f);
    return false;
  }
  const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
  for (float& x : out) x *= inv;
  return true;
}

StatusOr<SessionEmbeddingStore> SessionEmbeddingStore::Build(const EventStore& train,
                                                             const EmbeddingTable& table,
                                                             const EmbedParams& params) {
  SR_RETURN_IF_ERROR(ValidateEmbedParams(params));
  if (table.num_items() != train.num_items()) {
    return absl::InvalidArgumentError(StrCat("session embeddings: the table has ",
                                             table.num_items(), " items, the store ",
                                             train.num_items()));
  }
  const size_t dim = table.dim();
  uint32_t min_last_ts = 0;
  if (params.store.last_days > 0 && train.num_events() > 0) {
    const uint32_t max_ts = *std::max_element(train.ts().begin(), train.ts().end());
    const int64_t cut = int64_t{max_ts} - int64_t{params.store.last_days} * 86400;
    min_last_ts = static_cast<uint32_t>(std::max<int64_t>(0, cut));
  }
  // Which sessions qualify: recent enough and with at least one item vector.
  std::vector<uint32_t> order;
  for (size_t s = 0; s < train.num_sessions(); ++s) {
    const SessionView v = train.session(s);
    if (v.size() == 0 || v.ts.back() < min_last_ts) continue;
    if (std::any_of(v.items.begin(), v.items.end(),
                    [&](ItemIndex it) { return table.HasVector(it); })) {
      order.push_back(static_cast<uint32_t>(s));
    }
  }
  const auto ids = train.session_ids();
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
  const size_t before = order.size();
  order.erase(std::unique(order.begin(), order.end(),
                          [&](uint32_t a, uint32_t b) { return ids[a] == ids[b]; }),
              order.end());
  const size_t duplicates = before - order.size();

  SessionEmbeddingStore st;
  st.owned_ = std::make_shared<Owned>();
  st.dim_ = table.dim();
  st.encoding_ = params.store.encoding;
  Owned& o = *st.owned_;
  const size_t S = order.size();
  o.ids.resize(S);
  const bool quantise = st.encoding_ == RowEncoding::kInt8;
  if (quantise) {
    o.codes.resize(S * dim);
    o.scales.resize(S);
  } else {
    o.vectors.resize(S * dim);
  }
#pragma omp parallel num_threads(EffectiveThreads(params.threads))
  {
    std::vector<float> row(dim);
#pragma omp for schedule(static)
    for (size_t r = 0; r < S; ++r) {
      const SessionView v = train.session(order[r]);
      o.ids[r] = v.id;
      float* dst = quantise ? row.data() : o.vectors.data() + r * dim;
      ComputeSessionEmbedding(table, v.items, v.types, params.session, {dst, dim});
      if (!quantise) continue;
      float amax = 0.0f;
      for (float x : row) amax = std::max(amax, std::abs(x));
      const float scale = amax / 127.0f;
      o.scales[r] = scale;
      for (size_t k = 0; k < dim; ++k) {
        o.codes[r * dim + k] = static_cast<int8_t>(std::lrint(row[k] / scale));
      }
    }
  }
  st.ids_ = o.ids;
  st.vectors_ = o.vectors;
  st.codes_ = o.codes;
  st.scales_ = o.scales;
  st.meta_ =
      StrCat("{\"params\":", EmbedParamsJson(params), ",\"sessions\":", S,
             ",\"sessions_in_store\":", train.num_sessions(),
             ",\"duplicate_ids_dropped\":", duplicates, ",\"min_last_ts\":", min_last_ts, "}");
  return st;
}

int64_t SessionEmbeddingStore::Find(SessionId id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  if (it == ids_.end() || *it != id) return -1;
  return it - ids_.begin();
}

bool SessionEmbeddingStore::Lookup(SessionId id, std::span<float> out) const {
  SR_CHECK(out.size() == static_cast<size_t>(dim_));
  const int64_t r = Find(id);
  if (r < 0) return false;
  const size_t dim = dim_;
  if (encoding_ == RowEncoding::kFloat32) {
    std::copy_n(vectors_.data() + r * dim, dim, out.data());
    return true;
  }
  double norm2 = 0.0;
  for (size_t k = 0; k < dim; ++k) {
    out[k] = codes_[r * dim + k] * scales_[r];
    norm2 += double{out[k]} * out[k];
  }
  const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
  for (float& x : out) x *= inv;
  return true;
}

std::span<const float> SessionEmbeddingStore::FloatRow(SessionId id) const {
  if (encoding_ != RowEncoding::kFloat32) return {};
  const int64_t r = Find(id);
  if (r < 0) return {};
  return vectors_.subspan(r * dim_, dim_);
}

size_t SessionEmbeddingStore::payload_bytes() const {
  return ids_.size_bytes() + vectors_.size_bytes() + codes_.size_bytes() + scales_.size_bytes();
}

Status SessionEmbeddingStore::Save(const std::string& path) const {
  const std::vector<uint32_t> shape = {static_cast<uint32_t>(dim_),
                                       static_cast<uint32_t>(ids_.size()),
                                       static_cast<uint32_t>(encoding_)};
  ArtifactWriter w(kSessionEmbedKind, kSessionEmbedVersion);
  w.Add("shape", shape);
  w.Add("session_ids", ids_);
  if (encoding_ == RowEncoding::kFloat32) {
    w.Add("vectors", vectors_);
  } else {
    w.Add("codes", codes_);
    w.Add("scales", scales_);
  }
  w.AddText("meta", meta_);
  return w.Write(path);
}

StatusOr<SessionEmbeddingStore> SessionEmbeddingStore::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kSessionEmbedKind, kSessionEmbedVersion));
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(StrCat(path, ": invalid session embeddings: ", what));
  };
  SR_ASSIGN_OR_RETURN(auto shape, a.Get<uint32_t>("shape"));
  if (shape.size() != 3) return bad("section shape must hold {dim, num_sessions, encoding}");
  const size_t dim = shape[0], S = shape[1];
  if (dim == 0 || dim > 4096) return bad(StrCat("dim ", dim, " outside 1..4096"));
  if (shape[2] > 1) return bad(StrCat("unknown encoding ", shape[2]));
  SessionEmbeddingStore st;
  st.dim_ = static_cast<int>(dim);
  st.encoding_ = static_cast<RowEncoding>(shape[2]);
  SR_ASSIGN_OR_RETURN(st.ids_, a.Get<SessionId>("session_ids"));
  if (st.ids_.size() != S)
    return bad(StrCat("session_ids has ", st.ids_.size(), " rows, shape says ", S));
  for (size_t i = 1; i < S; ++i) {
    if (st.ids_[i - 1] >= st.ids_[i]) return bad(StrCat("session_ids not ascending at row ", i));
  }
  auto all_finite = [](std::span<const float> xs) {
    return std::all_of(xs.begin(), xs.end(), [](float x) { return std::isfinite(x); });
  };
  if (st.encoding_ == RowEncoding::kFloat32) {
    SR_ASSIGN_OR_RETURN(st.vectors_, a.Get<float>("vectors"));
    if (st.vectors_.size() != S * dim)
      return bad(StrCat("vectors has ", st.vectors_.size(), " floats, want ", S * dim));
    if (!all_finite(st.vectors_)) return bad("vectors hold a non-finite value");
  } else {
    SR_ASSIGN_OR_RETURN(st.codes_, a.Get<int8_t>("codes"));
    SR_ASSIGN_OR_RETURN(st.scales_, a.Get<float>("scales"));
    if (st.codes_.size() != S * dim)
      return bad(StrCat("codes has ", st.codes_.size(), " bytes, want ", S * dim));
    if (st.scales_.size() != S)
      return bad(StrCat("scales has ", st.scales_.size(), " rows, want ", S));
    if (!std::all_of(st.scales_.begin(), st.scales_.end(),
                     [](float x) { return std::isfinite(x) && x > 0.0f; })) {
      return bad("scales must be finite and > 0");
    }
  }
  SR_ASSIGN_OR_RETURN(auto meta, a.GetText("meta"));
  st.meta_ = std::string(meta);
  st.mapped_ = std::make_shared<Artifact>(std::move(a));
  return st;
}

}  // namespace sessionrec
