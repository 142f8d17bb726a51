// The discrete-event engine: a clock, a queue of pending events and a trace.
//
// Events run in (time, insertion sequence) order: two events at the same time
// run in the order they were scheduled, whatever queue holds them (ns-3's
// (ts, uid) rule). That total order is what makes a run a function of its
// seed; nothing depends on addresses or hash order.
//
// The queue is an implicit 4-ary min-heap of 16-byte entries: the time, and
// one word holding the sequence number in its high 38 bits and the slot of the
// callback in its low 26. Compared as one 128-bit key, that is exactly the
// (time, seq) order, and four children fill one 64-byte cache line. The
// limits (2^38 events scheduled per run, 2^26 pending at once) are far above
// any scenario; passing one aborts with a message rather than misordering.
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

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>
#include <memory>
#include <vector>

#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace dreamsim::sim {

// A type-erased `void()` callable stored inline, without the indirect manager
// calls of std::function on every move and destroy: a small, trivially
// copyable callable (the common case: a lambda capturing a pointer and an
// index) is moved with memcpy and needs no destructor. Larger or non-trivial
// callables are boxed on the heap. Move-only; used for the engine's events.
class Action {
 public:
  static constexpr size_t kInlineBytes = 32;

  Action() = default;
  template <typename F>
    requires(!std::is_same_v<std::decay_t<F>, Action> && std::is_invocable_r_v<void, F&>)
  Action(F&& f) {  // NOLINT: implicit, like std::function
    emplace(std::forward<F>(f));
  }
  Action(Action&& o) noexcept { take(o); }
  Action& operator=(Action&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  Action(const Action&) = delete;
  Action& operator=(const Action&) = delete;
  ~Action() { reset(); }

  // Replaces the callable in place, with no temporary Action.
  template <typename F>
  void assign(F&& f) {
    reset();
    emplace(std::forward<F>(f));
  }

  explicit operator bool() const { return invoke_ != nullptr; }
  void operator()() { invoke_(buf_); }
  void reset() {
    if (destroy_ != nullptr) destroy_(buf_);
    invoke_ = nullptr;
    destroy_ = nullptr;
  }

 private:
  template <typename F>
  void emplace(F&& f) {
    using T = std::decay_t<F>;
    if constexpr (sizeof(T) <= kInlineBytes && alignof(T) <= alignof(std::max_align_t) &&
                  std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>) {
      ::new (static_cast<void*>(buf_)) T(std::forward<F>(f));
      invoke_ = [](void* p) { (*static_cast<T*>(p))(); };
    } else {
      // Boxed: the buffer holds a pointer; moving copies the pointer.
      T* boxed = new T(std::forward<F>(f));
      std::memcpy(buf_, &boxed, sizeof boxed);
      invoke_ = [](void* p) {
        T* b;
        std::memcpy(&b, p, sizeof b);
        (*b)();
      };
      destroy_ = [](void* p) {
        T* b;
        std::memcpy(&b, p, sizeof b);
        delete b;
      };
    }
  }
  void take(Action& o) {
    if (o.invoke_ == nullptr) return;
    std::memcpy(buf_, o.buf_, kInlineBytes);
    invoke_ = o.invoke_;
    destroy_ = o.destroy_;
    o.invoke_ = nullptr;
    o.destroy_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char buf_[kInlineBytes] = {};
  void (*invoke_)(void*) = nullptr;
  void (*destroy_)(void*) = nullptr;
};

// Names one scheduled event, for cancel(). A default id names nothing.
struct EventId {
  uint32_t slot = UINT32_MAX;
  uint64_t seq = 0;
  friend bool operator==(const EventId&, const EventId&) = default;
};

class Simulation {
 public:
  Simulation();
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Schedules `action` at `t`, which must not be before now() (an event in
  // the past is a bug in the caller and aborts with the time and event count).
  template <typename F>
  EventId at(Time t, F&& action) {
    if (t < now_) fail_in_past(t);
    const uint32_t i = take_slot();
    Slot& s = slot(i);
    s.action.assign(std::forward<F>(action));
    if (next_seq_ > kMaxSeq) fail_limit();
    s.seq = next_seq_++;
    push(Entry{t.us(), (s.seq << kSlotBits) | i});
    if (++live_ > peak_live_) peak_live_ = live_;
    return EventId{i, s.seq};
  }
  template <typename F>
  EventId after(Duration d, F&& action) {
    return at(now_ + d, std::forward<F>(action));
  }
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
  static constexpr int kSlotBits = 26;
  static constexpr uint64_t kMaxSeq = (uint64_t{1} << (64 - kSlotBits)) - 1;
  static constexpr uint32_t kMaxSlots = uint32_t{1} << kSlotBits;
  struct Entry {
    int64_t time_us;
    uint64_t seq_slot;  // seq << kSlotBits | slot
    uint64_t seq() const { return seq_slot >> kSlotBits; }
    uint32_t slot() const { return static_cast<uint32_t>(seq_slot & (kMaxSlots - 1)); }
  };
  struct Slot {
    Action action;
    uint64_t seq = 0;  // 0 when the slot is free
    uint32_t next_free = UINT32_MAX;
  };
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;

  // (time, seq) as one 128-bit unsigned key: times are never negative, so the
  // order is the same, and the compiler compares it without branches.
  __extension__ typedef unsigned __int128 Key;
  static Key key(const Entry& e) {
    return (static_cast<Key>(static_cast<uint64_t>(e.time_us)) << 64) | e.seq_slot;
  }
  static bool before(const Entry& a, const Entry& b) { return key(a) < key(b); }
  Slot& slot(uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  uint32_t take_slot() {
    if (free_head_ != UINT32_MAX) {
      const uint32_t i = free_head_;
      free_head_ = slot(i).next_free;
      return i;
    }
    return grow_slots();
  }
  uint32_t grow_slots();
  [[noreturn]] void fail_in_past(Time t) const;
  [[noreturn]] void fail_limit() const;
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
  size_t cancelled_in_heap_ = 0;  // heap entries whose event was cancelled
  std::vector<Entry> heap_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t slots_used_ = 0;
  uint32_t free_head_ = UINT32_MAX;
  TraceHasher trace_;
};

}  // namespace dreamsim::sim
