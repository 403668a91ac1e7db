// Removing the common direction of item vectors ("centering"): SGNS vectors of a small or
// sparse log share a large mean component (mean cosine to a random item ~0.96 on the
// samples, docs/embeddings.md), which hides the item-specific part. CenterRows subtracts
// the mean of the L2-normalised rows from every row with a vector; the EmbeddingTable then
// normalises the rows again.
#pragma once

#include <cstdint>
#include <span>

namespace sessionrec {

// vectors: row-major, has_vector.size() rows of `dim` floats. Rows with has_vector == 0 or
// a zero norm are left alone and do not count towards the mean. Deterministic (sums in
// row order, in double).
void CenterRows(int dim, std::span<float> vectors, std::span<const uint8_t> has_vector);

}  // namespace sessionrec
