// Session embeddings (docs/embeddings.md).
//
// Definition. For a session of n events (in time order; index i = 0 .. n-1) with items x_i
// and types t_i, and item vectors v(x) (unit length; absent for some items):
//
//   w_i = type_weights[t_i] * 2^(-(n-1-i) / half_life_events)
//   e   = sum over i with a vector of w_i * v(x_i);   embedding = e / |e|
//
// Events whose item has no vector still count in n (they happened) but add nothing. The
// embedding is absent when no event has a vector or |e| = 0.
//
// The training sessions' embeddings are stored as artifact kind "SESSEMB":
//
//   shape        uint32[3]        {dim, num_sessions, encoding (RowEncoding)}
//   session_ids  int64[S]         strictly ascending (lookup by binary search)
//   vectors      float[S * dim]   encoding kFloat32: unit rows
//   codes        int8[S * dim]    encoding kInt8: row r ≈ codes[r] * scales[r]
//   scales       float[S]         encoding kInt8: max |component| / 127 of row r
//   meta         text             JSON: parameters and statistics
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kSessionEmbedKind[] = "SESSEMB";
inline constexpr uint32_t kSessionEmbedVersion = 1;

// Writes the embedding of the session (items[i], types[i]) into `out` (table.dim() floats)
// and returns true; returns false with `out` zeroed when it is absent. `items` may hold
// kNoItem for unknown items; types must be EventType values. Allocates nothing, so the
// server may call it per request; thread-safe (reads the table only).
bool ComputeSessionEmbedding(const EmbeddingTable& table, std::span<const ItemIndex> items,
                             std::span<const uint8_t> types, const SessionEmbeddingParams& p,
                             std::span<float> out);

class SessionEmbeddingStore {
 public:
  SessionEmbeddingStore() = default;

  // Embeds every session of `train` that has an embedding and, when params.store.last_days
  // > 0, whose last event is within last_days of the store's newest event. Duplicate
  // session ids keep the first session in store order. Uses params.threads.
  static StatusOr<SessionEmbeddingStore> Build(const EventStore& train, const EmbeddingTable& table,
                                               const EmbedParams& params);

  int dim() const { return dim_; }
  size_t size() const { return ids_.size(); }
  RowEncoding encoding() const { return encoding_; }
  std::span<const SessionId> session_ids() const { return ids_; }
  const std::string& meta() const { return meta_; }

  // Writes the stored embedding of session `id` (dim() floats, unit length; int8 rows are
  // decoded and renormalised) into `out`; false when the session is not stored.
  bool Lookup(SessionId id, std::span<float> out) const;
  // The row in place for kFloat32 stores; empty when absent or the store is kInt8.
  std::span<const float> FloatRow(SessionId id) const;
  // Bytes of the row data (vectors or codes + scales) plus ids, as stored.
  size_t payload_bytes() const;

  Status Save(const std::string& path) const;
  // Maps and validates: sizes agree, ids strictly ascending, values finite.
  static StatusOr<SessionEmbeddingStore> Open(const std::string& path);

 private:
  // Position of `id` in ids_, or -1.
  int64_t Find(SessionId id) const;

  struct Owned {
    std::vector<SessionId> ids;
    std::vector<float> vectors;
    std::vector<int8_t> codes;
    std::vector<float> scales;
  };
  std::shared_ptr<Owned> owned_;
  std::shared_ptr<Artifact> mapped_;
  int dim_ = 0;
  RowEncoding encoding_ = RowEncoding::kFloat32;
  std::span<const SessionId> ids_;
  std::span<const float> vectors_;
  std::span<const int8_t> codes_;
  std::span<const float> scales_;
  std::string meta_ = "{}";
};

}  // namespace sessionrec
