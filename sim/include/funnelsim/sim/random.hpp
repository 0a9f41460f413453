#pragma once
/// Counter-based random streams: every draw is a pure function of
/// (seed, replication, entity, purpose, index, position).
///
/// Why counter-based (Random123's Philox4x64-10, Salmon et al., SC'11): a stream costs
/// nothing to create, so every opportunity, rep and lead source gets streams of its own.
/// Results then do not depend on the thread count or the order of events, and a change to
/// one entity (a rep added, a win probability raised) leaves the draws of all others
/// untouched: the common random numbers that variant comparisons rely on. A sequential
/// engine (mt19937) would need a jump-ahead per entity and would couple entities through
/// the order in which they draw.

#include <Random123/philox.h>

#include <array>
#include <cstdint>
#include <limits>

namespace funnelsim::sim {

/// What a stream is used for; an entity's streams for different purposes are independent.
enum class Purpose : std::uint32_t {
  lead_arrivals = 1,    ///< a territory's Poisson points (time gaps and thinning levels)
  intake = 2,           ///< an opportunity's customer kind and deal size
  stage = 3,            ///< an opportunity's outcome and duration in one stage (index = stage)
  referrals = 4,        ///< the number and delays of a won customer's referrals
  source_arrivals = 5,  ///< a branch-level source's Poisson points
  rep_traits = 7,       ///< a rep's skill multipliers
  tenure = 8,           ///< how long a rep stays
  forecast = 9,         ///< the analysis layer's simulation forecast model (index = week)
  departures = 10,      ///< which reps a team's planned departure picks (index = departure)
};

/// The 128-bit identity of an entity within a replication.
struct EntityKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
};

/// The round keys of Philox4x64-10 under one key (seed, replication). Random123 derives them
/// for every block, adding a Weyl sequence to the key between rounds (two 64-bit immediates
/// and two additions a round, a fifth of a block's instructions); every stream of a
/// replication has the same key, so the engine computes them once per replication.
class RoundKeys {
 public:
  RoundKeys(std::uint64_t seed, std::uint64_t replication) {
    for (std::size_t round = 0; round < ROUNDS; ++round) {
      keys_[2 * round] = seed;
      keys_[2 * round + 1] = replication;
      seed += 0x9E3779B97F4A7C15ULL;  // Random123's PHILOX_W64_0 and PHILOX_W64_1
      replication += 0xBB67AE8584CAA73BULL;
    }
  }

  /// Philox4x64-10 of `counter`, bit for bit Random123's r123::Philox4x64.
  r123::Philox4x64::ctr_type block(const r123::Philox4x64::ctr_type& counter) const {
    std::uint64_t x0 = counter.v[0];
    std::uint64_t x1 = counter.v[1];
    std::uint64_t x2 = counter.v[2];
    std::uint64_t x3 = counter.v[3];
    for (std::size_t round = 0; round < ROUNDS; ++round) {
      std::uint64_t hi0 = 0;
      std::uint64_t hi1 = 0;
      const std::uint64_t lo0 = mulhilo64(0xD2E7470EE14C6C93ULL, x0, &hi0);
      const std::uint64_t lo1 = mulhilo64(0xCA5A826395121157ULL, x2, &hi1);
      x0 = hi1 ^ x1 ^ keys_[2 * round];
      x1 = lo1;
      x2 = hi0 ^ x3 ^ keys_[2 * round + 1];
      x3 = lo0;
    }
    return {{x0, x1, x2, x3}};
  }

 private:
  static constexpr std::size_t ROUNDS = 10;
  std::array<std::uint64_t, 2 * ROUNDS> keys_;
};

/// A UniformRandomBitGenerator over one Philox counter space, for Boost.Random
/// distributions. Key = (seed, replication); counter = (entity.hi, entity.lo,
/// purpose << 32 | index, block number).
class RandomStream {
 public:
  using result_type = std::uint64_t;

  RandomStream(std::uint64_t seed, std::uint64_t replication, EntityKey entity, Purpose purpose,
               std::uint32_t index = 0)
      : key_{{seed, replication}},
        counter_{{entity.hi, entity.lo, (static_cast<std::uint64_t>(purpose) << 32) | index, 0}} {}

  /// The same stream as under (seed, replication), with the key's round keys computed once;
  /// `keys` must outlive the stream.
  RandomStream(const RoundKeys& keys, EntityKey entity, Purpose purpose, std::uint32_t index = 0)
      : counter_{{entity.hi, entity.lo, (static_cast<std::uint64_t>(purpose) << 32) | index, 0}},
        round_keys_(&keys) {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    if (position_ == 4) {
      block_ = round_keys_ != nullptr ? round_keys_->block(counter_)
                                      : r123::Philox4x64{}(counter_, key_);
      ++counter_.v[3];
      position_ = 0;
    }
    return block_.v[position_++];
  }

  /// A double uniform on [0, 1) from the top 53 bits of one draw.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  r123::Philox4x64::key_type key_{};
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type block_{};
  const RoundKeys* round_keys_ = nullptr;  ///< when set, key_ is unused
  unsigned position_ = 4;
};

/// Mixes two words into one (splitmix64 finaliser), for keys derived from other keys.
constexpr std::uint64_t mix64(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace funnelsim::sim
