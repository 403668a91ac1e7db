#include "embed/center_vectors.h"

#include <cmath>
#include <vector>

#include "core/status.h"

namespace sessionrec {

void CenterRows(int dim, std::span<float> vectors, std::span<const uint8_t> has_vector) {
  SR_CHECK(dim > 0 && vectors.size() == has_vector.size() * static_cast<size_t>(dim));
  const size_t d = static_cast<size_t>(dim);
  std::vector<double> mean(d, 0.0);
  std::vector<double> inv_norm(has_vector.size(), 0.0);
  size_t n = 0;
  for (size_t i = 0; i < has_vector.size(); ++i) {
    if (!has_vector[i]) continue;
    const float* row = vectors.data() + i * d;
    double norm2 = 0;
    for (size_t k = 0; k < d; ++k) norm2 += double{row[k]} * row[k];
    if (!(norm2 > 0) || !std::isfinite(norm2)) continue;
    inv_norm[i] = 1.0 / std::sqrt(norm2);
    for (size_t k = 0; k < d; ++k) mean[k] += row[k] * inv_norm[i];
    ++n;
  }
  if (n < 2) return;  // one vector minus itself is nothing
  for (double& m : mean) m /= static_cast<double>(n);
  for (size_t i = 0; i < has_vector.size(); ++i) {
    if (inv_norm[i] == 0) continue;
    float* row = vectors.data() + i * d;
    for (size_t k = 0; k < d; ++k) row[k] = static_cast<float>(row[k] * inv_norm[i] - mean[k]);
  }
}

}  // namespace sessionrec
