// The trace hash: every executed event and every recorded decision folded, in
// order, into one 64-bit value that each run prints and tests compare.
//
// A record is a sequence of 64-bit words (times, ids, numbers) and strings
// (names, reasons). Each word is folded as h = mix64(h ^ (word + k)) with a
// per-position constant, so that swapping two fields changes the hash; a
// string is folded as its stable_hash and its length. The fold is a plain
// sequential function: the same records in the same order give the same hash
// on every machine. Doubles are folded by their bit pattern, so a record must
// hold values that are themselves deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dreamsim::sim {

class TraceHasher {
 public:
  void word(uint64_t w);
  void integer(int64_t v) { word(static_cast<uint64_t>(v)); }
  void real(double v);
  void text(std::string_view s);
  // Marks the end of a record so that ("ab", "c") and ("a", "bc") differ.
  void end_record();

  uint64_t value() const { return h_; }
  uint64_t records() const { return records_; }

 private:
  uint64_t h_ = 0x6a09e667f3bcc908ULL;  // any fixed start; this is sqrt(2)'s
  uint64_t position_ = 0;
  uint64_t records_ = 0;
};

// Sixteen lower-case hex digits, as outcome.json and the command line print it.
std::string format_hash(uint64_t h);

}  // namespace dreamsim::sim
