// A fast 128-bit hash that is the same in every process and on every run (unlike
// absl::Hash), for keys shared between server replicas through Redis. Not cryptographic.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sessionrec {

class StableHasher {
 public:
  void AddU64(uint64_t v) {
    a_ = Mix(a_ ^ v);
    b_ = Mix(b_ + v * 0xC2B2AE3D27D4EB4FULL);
    ++n_;
  }
  void AddBytes(std::string_view s) {
    AddU64(s.size());
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      AddU64(w);
    }
    uint64_t tail = 0;
    std::memcpy(&tail, s.data() + i, s.size() - i);
    AddU64(tail);
  }
  // 32 lowercase hex digits.
  std::string Hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(32, '0');
    const uint64_t parts[2] = {Mix(a_ ^ n_), Mix(b_ ^ (n_ << 1))};
    for (int p = 0; p < 2; ++p) {
      for (int i = 0; i < 16; ++i) out[p * 16 + i] = kDigits[(parts[p] >> (60 - 4 * i)) & 0xF];
    }
    return out;
  }

 private:
  // splitmix64's finaliser: every input bit affects every output bit.
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
  }
  uint64_t a_ = 0x9E3779B97F4A7C15ULL;
  uint64_t b_ = 0x6A09E667F3BCC909ULL;
  uint64_t n_ = 0;
};

}  // namespace sessionrec
