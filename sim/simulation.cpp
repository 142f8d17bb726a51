#include "sim/simulation.hpp"

#include <cstdio>
#include <cstdlib>

namespace dreamsim::sim {

Simulation::Simulation() = default;
Simulation::~Simulation() = default;

uint32_t Simulation::grow_slots() {
  if (slots_used_ >= kMaxSlots) fail_limit();
  if ((slots_used_ & (kChunkSize - 1)) == 0) {
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  }
  return slots_used_++;
}

void Simulation::free_slot(uint32_t i) {
  Slot& s = slot(i);
  s.action.reset();
  s.seq = 0;
  s.next_free = free_head_;
  free_head_ = i;
}

void Simulation::fail_in_past(Time t) const {
  std::fprintf(stderr,
               "dreamsim: invariant broken: event scheduled at %s, before now %s "
               "(after %llu events)\n",
               format_duration(t.since_start()).c_str(), format_duration(now_.since_start()).c_str(),
               static_cast<unsigned long long>(events_run_));
  std::abort();
}

void Simulation::fail_limit() const {
  std::fprintf(stderr,
               "dreamsim: engine limit reached at %s after %llu events: at most 2^26 pending "
               "events and 2^38 scheduled events per run\n",
               format_duration(now_.since_start()).c_str(),
               static_cast<unsigned long long>(events_run_));
  std::abort();
}

bool Simulation::cancel(EventId id) {
  if (id.seq == 0 || id.slot >= slots_used_) return false;
  if (slot(id.slot).seq != id.seq) return false;
  free_slot(id.slot);
  --live_;
  ++cancelled_in_heap_;
  return true;
}

void Simulation::push(Entry e) {
  // Sift up in a 4-ary heap: the parent of i is (i - 1) / 4.
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) >> 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

Simulation::Entry Simulation::pop() {
  const Entry top = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return top;
  // Bottom-up deletion (Floyd's trick, as libstdc++'s pop_heap does): move
  // the hole from the root down to a leaf along the smallest children,
  // without comparing against `last`, then sift `last` up from the hole. The
  // last entry of a heap nearly always belongs near the bottom, so this saves
  // a comparison per level. Children of i are 4i+1 .. 4i+4.
  size_t hole = 0;
  for (;;) {
    const size_t first = 4 * hole + 1;
    if (first >= n) break;
    size_t best = first;
    Key best_key = key(heap_[first]);
    const size_t end = first + 4 < n ? first + 4 : n;
    for (size_t c = first + 1; c < end; ++c) {
      const Key k = key(heap_[c]);
      const bool smaller = k < best_key;
      best = smaller ? c : best;
      best_key = smaller ? k : best_key;
    }
    heap_[hole] = heap_[best];
    hole = best;
  }
  const Key last_key = key(last);
  while (hole > 0) {
    const size_t parent = (hole - 1) >> 2;
    if (key(heap_[parent]) <= last_key) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = last;
  return top;
}

bool Simulation::settle_top() {
  // Without cancellations every entry is live; skip the slot look-up.
  if (cancelled_in_heap_ == 0) return !heap_.empty();
  while (!heap_.empty()) {
    const Entry& e = heap_.front();
    if (slot(e.slot()).seq == e.seq()) return true;
    pop();  // cancelled: its slot was freed (and maybe reused) already
    --cancelled_in_heap_;
  }
  return false;
}

void Simulation::run_top() {
  const Entry e = pop();
  Slot& s = slot(e.slot());
  now_ = Time::from_micros(e.time_us);
  --live_;
  ++events_run_;
  trace_.word(static_cast<uint64_t>(e.time_us));
  trace_.word(e.seq());
  trace_.end_record();
  // The chunk never moves, so the action may schedule (and grow the table)
  // while it runs; its slot is freed only after it returns. Marking the seq
  // first keeps a cancel() of the running event from freeing it twice.
  s.seq = 0;
  s.action();
  free_slot(e.slot());
}

uint64_t Simulation::run_until(Time limit) {
  stop_requested_ = false;
  uint64_t n = 0;
  while (!stop_requested_ && settle_top() && heap_.front().time_us <= limit.us()) {
    run_top();
    ++n;
  }
  if (!stop_requested_ && limit > now_) now_ = limit;
  return n;
}

uint64_t Simulation::run_events(uint64_t count) {
  stop_requested_ = false;
  uint64_t n = 0;
  while (n < count && !stop_requested_ && settle_top()) {
    run_top();
    ++n;
  }
  return n;
}

uint64_t Simulation::run_while_not(const std::function<bool()>& done) {
  stop_requested_ = false;
  uint64_t n = 0;
  while (!stop_requested_ && settle_top() && !done()) {
    run_top();
    ++n;
  }
  return n;
}

size_t Simulation::memory_bytes() const {
  return heap_.capacity() * sizeof(Entry) + chunks_.size() * kChunkSize * sizeof(Slot) +
         chunks_.capacity() * sizeof(chunks_[0]);
}

}  // namespace dreamsim::sim
