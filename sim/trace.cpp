#include "sim/trace.hpp"

#include <bit>

#include "sim/random.hpp"

namespace dreamsim::sim {

void TraceHasher::word(uint64_t w) {
  h_ = mix64(h_ ^ (w + 0x9e3779b97f4a7c15ULL * ++position_));
}

void TraceHasher::real(double v) {
  // -0.0 and 0.0 compare equal and should hash equal.
  word(v == 0.0 ? 0 : std::bit_cast<uint64_t>(v));
}

void TraceHasher::text(std::string_view s) {
  word(stable_hash(s));
  word(s.size());
}

void TraceHasher::end_record() {
  word(0xfeedfacecafebeefULL);
  position_ = 0;
  ++records_;
}

std::string format_hash(uint64_t h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = kDigits[h & 0xf];
  return out;
}

}  // namespace dreamsim::sim
