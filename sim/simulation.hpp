// The discrete-event engine: a clock, a queue of pending events and a trace.
//
// Events run in (time, insertion sequence) order: two events at the same time
// run in the order they were scheduled, whatever queue holds them (ns-3's
// (ts, uid) rule). That total order is what makes a run a function of its
// seed; nothing depends on addresses or hash order.
//
// The queue is an implicit 4-ary min-heap of 24-byte entries (time, seq, slot).
// The callbacks live apart from the heap, in a slot table in fixed-size chunks
// whose addresses never move, so a sift moves 24 bytes rather than a closure,
// and a callback that schedules more events never sees its own storage move.
// Why a 4-ary heap: PHOLD-like loads are hold-model loads (one pop, one push)
// with a wide spread of times, where a d-ary heap's halved depth and
// cache-line-sized child groups beat a binary heap, while a calendar or ladder
// queue's speed depends on tuning its bucket width to the time distribution,
// which differs wildly between a 1 s tick loop and a PHOLD run. bench/ keeps
// the comparison against std::priority_queue honest.
//
// Cancellation is lazy: cancel() frees the slot at once and the heap entry is
// skipped when it surfaces (its sequence number no longer matches the slot's).
// The engine holds no globals; two simulations live side by side in one test.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace dreamsim::sim {

// Names one scheduled event, for cancel(). A default id names nothing.
struct EventId {
  uint32_t slot = UINT32_MAX;
  uint64_t seq = 0;
  friend bool operator==(const EventId&, const EventId&) = default;
};

class Simulation {
 public:
  using Action = std::function<void()>;

  Simulation();
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Schedules `action` at `t`, which must not be before now() (an event in
  // the past is a bug in the caller and aborts with the time and event count).
  EventId at(Time t, Action action);
  EventId after(Duration d, Action action) { return at(now_ + d, std::move(action)); }
  // Cancels a pending event: it will never run. False if it already ran, was
  // already cancelled, or `id` names nothing.
  bool cancel(EventId id);

  // Runs every event with time <= limit, then sets the clock to `limit` (if
  // not stopped first). Returns the number of events run.
  uint64_t run_until(Time limit);
  uint64_t run_for(Duration d) { return run_until(now_ + d); }
  // Runs at most `n` events.
  uint64_t run_events(uint64_t n);
  // Runs until `done()` is true before the next event, or nothing is pending.
  uint64_t run_while_not(const std::function<bool()>& done);
  // Called from inside an event: the current run_* call returns after it.
  void stop() { stop_requested_ = true; }

  Time now() const { return now_; }
  uint64_t events_run() const { return events_run_; }
  size_t pending() const { return live_; }
  size_t peak_pending() const { return peak_live_; }
  // Bytes held by the queue and slot table, for memory-per-event figures.
  size_t memory_bytes() const;

  // Every executed event is folded in as (time, seq); controllers add their
  // decisions as records of their own.
  TraceHasher& trace() { return trace_; }
  const TraceHasher& trace() const { return trace_; }

 private:
  struct Entry {
    int64_t time_us;
    uint64_t seq;
    uint32_t slot;
  };
  struct Slot {
    Action action;
    uint64_t seq = 0;  // 0 when the slot is free
    uint32_t next_free = UINT32_MAX;
  };
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;

  static bool before(const Entry& a, const Entry& b) {
    return a.time_us < b.time_us || (a.time_us == b.time_us && a.seq < b.seq);
  }
  Slot& slot(uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  uint32_t take_slot();
  void free_slot(uint32_t i);
  void push(Entry e);
  Entry pop();
  // Drops cancelled entries from the top; true if a live event is on top.
  bool settle_top();
  void run_top();

  Time now_;
  uint64_t next_seq_ = 1;
  uint64_t events_run_ = 0;
  size_t live_ = 0;
  size_t peak_live_ = 0;
  bool stop_requested_ = false;
  std::vector<Entry> heap_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t slots_used_ = 0;
  uint32_t free_head_ = UINT32_MAX;
  TraceHasher trace_;
};

}  // namespace dreamsim::sim
