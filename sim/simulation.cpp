#include "sim/simulation.hpp"

#include <cstdio>
#include <cstdlib>

namespace dreamsim::sim {

Simulation::Simulation() = default;
Simulation::~Simulation() = default;

uint32_t Simulation::take_slot() {
  if (free_head_ != UINT32_MAX) {
    const uint32_t i = free_head_;
    free_head_ = slot(i).next_free;
    return i;
  }
  if ((slots_used_ & (kChunkSize - 1)) == 0) {
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  }
  return slots_used_++;
}

void Simulation::free_slot(uint32_t i) {
  Slot& s = slot(i);
  s.action = nullptr;
  s.seq = 0;
  s.next_free = free_head_;
  free_head_ = i;
}

EventId Simulation::at(Time t, Action action) {
  if (t < now_) {
    std::fprintf(stderr,
                 "dreamsim: invariant broken: event scheduled at %s, before now %s "
                 "(after %llu events)\n",
                 format_duration(t.since_start()).c_str(),
                 format_duration(now_.since_start()).c_str(),
                 static_cast<unsigned long long>(events_run_));
    std::abort();
  }
  const uint32_t i = take_slot();
  Slot& s = slot(i);
  s.action = std::move(action);
  s.seq = next_seq_++;
  push(Entry{t.us(), s.seq, i});
  if (++live_ > peak_live_) peak_live_ = live_;
  return EventId{i, s.seq};
}

bool Simulation::cancel(EventId id) {
  if (id.seq == 0 || id.slot >= slots_used_) return false;
  if (slot(id.slot).seq != id.seq) return false;
  free_slot(id.slot);
  --live_;
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
  // Sift the last entry down from the root: children of i are 4i+1 .. 4i+4.
  size_t i = 0;
  for (;;) {
    const size_t first = 4 * i + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t end = first + 4 < n ? first + 4 : n;
    for (size_t c = first + 1; c < end; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    if (!before(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return top;
}

bool Simulation::settle_top() {
  while (!heap_.empty()) {
    const Entry& e = heap_.front();
    if (slot(e.slot).seq == e.seq) return true;
    pop();  // cancelled: its slot was freed (and maybe reused) already
  }
  return false;
}

void Simulation::run_top() {
  const Entry e = pop();
  Slot& s = slot(e.slot);
  now_ = Time::from_micros(e.time_us);
  --live_;
  ++events_run_;
  trace_.word(static_cast<uint64_t>(e.time_us));
  trace_.word(e.seq);
  trace_.end_record();
  // The chunk never moves, so the action may schedule (and grow the table)
  // while it runs; its slot is freed only after it returns. Marking the seq
  // first keeps a cancel() of the running event from freeing it twice.
  s.seq = 0;
  s.action();
  free_slot(e.slot);
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
