// CPython's `random` module, bit for bit, for the parts the official OTTO scripts use:
// `random.seed(int)` and `random.randint(a, b)` (MT19937 seeded by init_by_array, and
// randint's rejection sampling over getrandbits). With it our split draws the same
// truncation points as otto-de/recsys-dataset src/testset.py for the same seed.
// Not thread-safe (one instance per user); cheap to copy.
#pragma once

#include <array>
#include <cstdint>

namespace sessionrec {

class PythonRandom {
 public:
  // random.seed(seed): the seed's absolute value as little-endian 32-bit words.
  explicit PythonRandom(int64_t seed);

  // random.getrandbits(k) for 0 < k <= 32.
  uint32_t GetRandBits(int k);
  // random.randint(a, b): uniform in [a, b], a <= b, b - a < 2^32 - 1.
  int64_t RandInt(int64_t a, int64_t b);

 private:
  uint32_t NextUint32();
  void InitGenrand(uint32_t s);

  std::array<uint32_t, 624> mt_{};
  int mti_ = 625;
};

}  // namespace sessionrec
