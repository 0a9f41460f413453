#pragma once
/// The pending-event set, ordered by (time, insertion sequence): simultaneous events run in
/// the order they were scheduled, so a replication is deterministic (as in SimCpp20).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace funnelsim::sim {

enum class EventKind : std::uint8_t {
  prospect,           ///< a territory takes its Poisson points (leads by thinning) up to a horizon
  source_candidate,   ///< a Poisson point of a marketing source
  opportunity_start,  ///< a scheduled lead (a referral) enters its first stage
  win,                ///< an opportunity leaves its last stage won: bookings, referrals
  stage_end,          ///< only with a trace: an opportunity advances, loses or stalls
  hire,               ///< a vacant territory gets a new rep
  leave,              ///< a rep leaves
  week_end,           ///< funnel snapshot
  quarter_end,        ///< the last week end of a quarter
  departure,          ///< a team's planned departure: reps leave for good (target: the team)
};

struct Event {
  double time = 0.0;  ///< days, never negative
  /// Insertion order, to break ties in time. 32 bits keep an event at 24 bytes; a replication
  /// of over 4 billion events would wrap it, which changes (deterministically) only the order
  /// of events scheduled for the very same instant.
  std::uint32_t sequence = 0;
  std::uint32_t target = 0;      ///< opportunity, territory or source index
  std::uint32_t generation = 0;  ///< guards against stale events (a recycled opportunity)
  EventKind kind = EventKind::week_end;
};

/// A calendar queue of 1/8-day buckets. Why not one binary heap: a company-sized funnel keeps
/// thousands of events pending (wins ahead, territories' next sweeps), most of them days
/// ahead, and a heap of all of them costs a cache-missing sift per event. Here an event for a later
/// bucket is pushed onto that bucket's list in O(1); only the current bucket's events (a few)
/// are ordered, sorted once when the bucket begins and popped from the back. The lists live in one
/// pool of nodes recycled last-in first-out, so scheduling writes to memory that is still in cache.
/// Events beyond the ring's horizon wait in a heap of their own.
class EventQueue {
 public:
  EventQueue() { head_.fill(NONE); }

  void clear() {
    head_.fill(NONE);
    nodes_.clear();
    free_ = NONE;
    today_.clear();
    unsorted_.clear();
    later_.clear();
    day_ = 0;
    in_ring_ = 0;
    size_ = 0;
    next_sequence_ = 0;
    buckets_begun_ = 0;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void schedule(double time, EventKind kind, std::uint32_t target, std::uint32_t generation = 0) {
    const Event event{time, next_sequence_++, target, generation, kind};
    const auto day = static_cast<std::int64_t>(time * BUCKETS_PER_DAY);
    if (day <= day_) {
      // Rare (an event due within the current bucket): insert it in order, from the back,
      // where the earliest events are.
      auto position = today_.end();
      while (position != today_.begin() && Later{}(event, *(position - 1)))
        --position;
      today_.insert(position, event);
    } else if (day < day_ + RING) {
      std::uint32_t& head = head_[static_cast<std::size_t>(day) % RING];
      if (head == NONE || nodes_[head].count == EVENTS_PER_NODE) {
        std::uint32_t node = free_;
        if (node == NONE) {
          node = static_cast<std::uint32_t>(nodes_.size());
          nodes_.emplace_back();
        } else {
          free_ = nodes_[node].next;
        }
        nodes_[node].count = 0;
        nodes_[node].next = head;
        head = node;
      }
      Node& node = nodes_[head];
      node.events[node.count++] = event;
      ++in_ring_;
    } else {
      later_.push_back(event);
      std::push_heap(later_.begin(), later_.end(), Later{});
    }
    ++size_;
  }

  /// The earliest event; the queue must not be empty.
  const Event& next() {
    advance();
    return today_.back();
  }

  /// The current bucket's events, latest first (the earliest is next()): a hint of what is
  /// coming, for prefetching what it will touch.
  const std::vector<Event>& bucket() const { return today_; }
  /// How many buckets have begun: it changes when next() has moved to a new bucket.
  std::uint64_t buckets_begun() const { return buckets_begun_; }

  /// Removes the earliest event, the one next() returned.
  void pop_next() {
    today_.pop_back();
    --size_;
  }

  Event pop() {
    advance();
    const Event event = today_.back();
    pop_next();
    return event;
  }

 private:
  // Buckets are 1/8 of a day wide and the ring spans 512 days, past the common cycle
  // lengths. Since only wins and sweeps are queued (not every stage end), the queue is
  // sparse: with 1/32-day buckets a branch replication walked mostly empty ones, 4% more
  // instructions than 1/8; on the company the widths from 1/32 to 1/2 are within 1%.
  static constexpr double BUCKETS_PER_DAY = 8.0;
  static constexpr std::int64_t RING = 4096;

  static constexpr std::uint32_t NONE = 0xffffffff;
  static constexpr std::int64_t SLICES = 64;  ///< of a bucket, for its counting sort
  /// Buckets of at most this many events are insertion-sorted alone: the counting sort's
  /// 65 counters cost more than it saves.
  static constexpr std::size_t SMALL_BUCKET = 16;

  /// Events waiting in a bucket's list, several to a node so that walking a bucket misses
  /// the cache once per node rather than once per event.
  static constexpr std::uint32_t EVENTS_PER_NODE = 5;  // 5 x 24 + 8 bytes: two cache lines
  struct Node {
    std::array<Event, EVENTS_PER_NODE> events;
    std::uint32_t count = 0;
    std::uint32_t next = NONE;
  };

  // A function object, not a function pointer, so that the heap algorithms inline it.
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
    }
  };

  /// Moves to the first bucket with events and sorts it into the current events.
  void advance() {
    while (today_.empty()) {
      if (in_ring_ == 0) {
        // Nothing in the ring: jump straight to the day of the earliest far event.
        day_ = std::max(day_ + 1, static_cast<std::int64_t>(later_.front().time * BUCKETS_PER_DAY));
      } else {
        ++day_;
      }
      std::uint32_t& head = head_[static_cast<std::size_t>(day_) % RING];
      while (head != NONE) {
        Node& node = nodes_[head];
        today_.insert(today_.end(), node.events.begin(), node.events.begin() + node.count);
        in_ring_ -= node.count;
        const std::uint32_t next = node.next;
        node.next = free_;
        free_ = head;
        head = next;
      }
      while (!later_.empty() &&
             static_cast<std::int64_t>(later_.front().time * BUCKETS_PER_DAY) <= day_) {
        std::pop_heap(later_.begin(), later_.end(), Later{});
        today_.push_back(later_.back());
        later_.pop_back();
      }
      sort_bucket();
      ++buckets_begun_;
    }
  }

  /// Orders the current bucket latest first, so that the earliest is popped from the back.
  /// A comparison sort of a bucket's few dozen events mispredicts about half its branches (40%
  /// of the run's mispredictions with std::sort); instead a counting sort by 1/64 of the
  /// bucket, whose index is monotone in time, leaves only the events that share a slice out of
  /// order, and an insertion sort by (time, sequence) finishes: the same order, in about
  /// one predictable comparison an event.
  void sort_bucket() {
    const std::size_t n = today_.size();
    if (n < 2)
      return;
    if (n > SMALL_BUCKET) {
      counting_sort();
    }
    for (std::size_t i = 1; i < n; ++i) {
      const Event event = today_[i];
      std::size_t j = i;
      for (; j > 0 && Later{}(event, today_[j - 1]); --j)
        today_[j] = today_[j - 1];
      today_[j] = event;
    }
  }

  /// Orders the current bucket by slice: a counting sort.
  void counting_sort() {
    std::array<std::uint32_t, SLICES + 1> start{};
    unsorted_.assign(today_.begin(), today_.end());
    for (const Event& event : unsorted_)
      ++start[slice(event) + 1];
    for (std::size_t i = 1; i <= SLICES; ++i)
      start[i] += start[i - 1];
    for (const Event& event : unsorted_)
      today_[start[slice(event)]++] = event;
  }

  /// The event's slice of the current bucket, counted from its end: 0 is the latest.
  std::size_t slice(const Event& event) const {
    // time x 2048 is (time x 32) x 64 exactly, so slices refine the bucket.
    const std::int64_t fine = static_cast<std::int64_t>(event.time * (BUCKETS_PER_DAY * SLICES));
    const std::int64_t within = std::clamp<std::int64_t>(fine - day_ * SLICES, 0, SLICES - 1);
    return static_cast<std::size_t>(SLICES - 1 - within);
  }

  std::array<std::uint32_t, RING> head_;  ///< first node of each bucket's list
  std::vector<Node> nodes_;
  std::uint32_t free_ = NONE;    ///< recycled nodes, last freed first
  std::vector<Event> today_;     ///< the current bucket, latest first
  std::vector<Event> unsorted_;  ///< scratch for sort_bucket
  std::vector<Event> later_;
  std::int64_t day_ = 0;  ///< the current bucket's number: floor(time x BUCKETS_PER_DAY)
  std::size_t in_ring_ = 0;
  std::size_t size_ = 0;
  std::uint32_t next_sequence_ = 0;
  std::uint64_t buckets_begun_ = 0;
};

}  // namespace funnelsim::sim
