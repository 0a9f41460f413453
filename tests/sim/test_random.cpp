// The random streams and samplers: golden values pin their behaviour (a change of Random123,
// Boost or of our code that alters draws shows up here, not as a silent shift of results),
// and each sampler's moments are checked against its closed form.

#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/sampler.hpp"

namespace sim = funnelsim::sim;

namespace {

struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

Moments moments(const sim::Distribution& distribution, int draws, std::uint64_t seed = 1) {
  const sim::Sampler sampler(distribution);
  double sum = 0.0;
  double sum_squares = 0.0;
  for (int i = 0; i < draws; ++i) {
    sim::RandomStream stream(seed, 0, {0, static_cast<std::uint64_t>(i)}, sim::Purpose::stage);
    const double x = sampler(stream);
    sum += x;
    sum_squares += x * x;
  }
  Moments m;
  m.mean = sum / draws;
  m.variance = (sum_squares - draws * m.mean * m.mean) / (draws - 1);
  return m;
}

/// |estimate - truth| within 4 standard errors of a mean of `draws` values of variance `var`.
void check_mean(double estimate, double truth, double variance, int draws) {
  INFO("mean " << estimate << " expected " << truth);
  CHECK(std::abs(estimate - truth) < 4.0 * std::sqrt(variance / draws));
}

}  // namespace

TEST_CASE("Streams are pure functions of their key", "[random]") {
  sim::RandomStream a(42, 7, {1, 2}, sim::Purpose::intake, 3);
  sim::RandomStream b(42, 7, {1, 2}, sim::Purpose::intake, 3);
  for (int i = 0; i < 10; ++i)
    CHECK(a() == b());
  // Any change of key gives another stream.
  const std::uint64_t first = sim::RandomStream(42, 7, {1, 2}, sim::Purpose::intake, 3)();
  CHECK(sim::RandomStream(43, 7, {1, 2}, sim::Purpose::intake, 3)() != first);
  CHECK(sim::RandomStream(42, 8, {1, 2}, sim::Purpose::intake, 3)() != first);
  CHECK(sim::RandomStream(42, 7, {1, 3}, sim::Purpose::intake, 3)() != first);
  CHECK(sim::RandomStream(42, 7, {1, 2}, sim::Purpose::stage, 3)() != first);
  CHECK(sim::RandomStream(42, 7, {1, 2}, sim::Purpose::intake, 4)() != first);
}

TEST_CASE("Golden values of Philox4x64-10 streams", "[random][golden]") {
  // Regenerate by printing these draws if the stream layout changes on purpose; a change
  // alters every result file, so say so in the commit.
  sim::RandomStream stream(0, 0, {0, 0}, static_cast<sim::Purpose>(0));
  // Philox4x64-10 of counter 0, key 0: the Random123 known-answer test (kat_vectors).
  CHECK(stream() == 0x16554d9eca36314cULL);
  CHECK(stream() == 0xdb20fe9d672d0fdcULL);
  CHECK(stream() == 0xd7e772cee186176bULL);
  CHECK(stream() == 0x7e68b68aec7ba23bULL);
}

TEST_CASE("Streams on precomputed round keys are Random123's streams", "[random][golden]") {
  for (const std::uint64_t seed : {0ULL, 42ULL, 0xffffffffffffffffULL}) {
    for (const std::uint64_t replication : {0ULL, 7ULL, 0x8000000000000001ULL}) {
      const sim::RoundKeys keys(seed, replication);
      sim::RandomStream plain(seed, replication, {3, 4}, sim::Purpose::stage, 2);
      sim::RandomStream shared(keys, {3, 4}, sim::Purpose::stage, 2);
      for (int i = 0; i < 41; ++i)
        REQUIRE(plain() == shared());
    }
  }
  // The known answer of counter 0, key 0, as above.
  const sim::RoundKeys zero(0, 0);
  sim::RandomStream stream(zero, {0, 0}, static_cast<sim::Purpose>(0));
  CHECK(stream() == 0x16554d9eca36314cULL);
}

TEST_CASE("uniform01 lies in the half-open unit interval", "[random][statistical]") {
  sim::RandomStream stream(1, 2, {3, 4}, sim::Purpose::intake);
  double sum = 0.0;
  constexpr int N = 100000;
  for (int i = 0; i < N; ++i) {
    const double u = stream.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  check_mean(sum / N, 0.5, 1.0 / 12.0, N);
}

namespace {

/// Replays fixed 64-bit words, as a UniformRandomBitGenerator.
struct Replay {
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() { return words.at(next++); }
  std::vector<std::uint64_t> words;
  std::size_t next = 0;
};

}  // namespace

TEST_CASE("boost_uniform01 is Boost's uniform_01 bit for bit", "[random]") {
  // The words where rounding to double matters: exact up to 2^53, ties and near-ties above,
  // the top bit set (the branch Boost's conversion takes), and the words that round to 2^64,
  // for which both draw again.
  std::vector<std::uint64_t> words = {0,
                                      1,
                                      (1ULL << 53) - 1,
                                      (1ULL << 53) + 1,
                                      (1ULL << 54) + 2,
                                      (1ULL << 54) + 6,
                                      (1ULL << 63) - 1,
                                      1ULL << 63,
                                      (1ULL << 63) + 1024,
                                      (1ULL << 63) + 1025,
                                      0xfffffffffffff3ffULL,
                                      0xfffffffffffffbffULL,
                                      0xfffffffffffffc00ULL,
                                      ~0ULL,
                                      12345};
  sim::RandomStream stream(5, 6, {7, 8}, sim::Purpose::stage);
  for (int i = 0; i < 100000; ++i)
    words.push_back(stream());
  Replay ours{words};
  Replay boosts{words};
  boost::random::uniform_01<double> uniform;
  while (ours.next < words.size()) {
    const double expected = uniform(boosts);
    REQUIRE(sim::boost_uniform01(ours) == expected);
    REQUIRE(ours.next == boosts.next);  // the same words consumed, redraws included
  }
}
TEST_CASE("Samplers reproduce their distributions' moments", "[random][closed-form][statistical]") {
  constexpr int N = 200000;
  SECTION("fixed") {
    const Moments m = moments(sim::Distribution::fixed(7.0), 100);
    CHECK(m.mean == 7.0);
    CHECK(m.variance == Approx(0.0).margin(1e-12));
  }
  SECTION("exponential") {
    const Moments m = moments(sim::Distribution::exponential(5.0), N);
    check_mean(m.mean, 5.0, 25.0, N);
    CHECK(m.variance == Approx(25.0).epsilon(0.03));
  }
  SECTION("gamma, shape above one (Marsaglia-Tsang)") {
    const Moments m = moments(sim::Distribution::gamma(7.0, 0.3), N);
    const double variance = std::pow(7.0 * 0.3, 2);
    check_mean(m.mean, 7.0, variance, N);
    CHECK(m.variance == Approx(variance).epsilon(0.03));
  }
  SECTION("gamma, shape below one (boosted)") {
    const Moments m = moments(sim::Distribution::gamma(10.0, 2.0), N);
    const double variance = std::pow(10.0 * 2.0, 2);
    check_mean(m.mean, 10.0, variance, N);
    CHECK(m.variance == Approx(variance).epsilon(0.08));
  }
  SECTION("lognormal") {
    const Moments m = moments(sim::Distribution::lognormal(2.0, 0.5), N);
    check_mean(m.mean, 2.0, 1.0, N);
    CHECK(m.variance == Approx(1.0).epsilon(0.05));
  }
  SECTION("uniform") {
    const Moments m = moments(sim::Distribution::uniform(2.0, 6.0), N);
    check_mean(m.mean, 4.0, 16.0 / 12.0, N);
  }
  SECTION("triangular") {
    const Moments m = moments(sim::Distribution::triangular(1.0, 2.0, 6.0), N);
    const double variance = (1 + 4 + 36 - 2 - 6 - 12) / 18.0;
    check_mean(m.mean, 3.0, variance, N);
    CHECK(m.variance == Approx(variance).epsilon(0.03));
  }
}

TEST_CASE("The playbook's deal-size table is reproduced", "[random][closed-form][statistical]") {
  // Playbook §3: one branch's year of closed deals, 1625 deals averaging 27,331 RMB.
  const std::vector<sim::EmpiricalBucket> table = {
      {0, 2, 1106, 1.0657},  {2, 5, 389, 2.9448},         {5, 10, 82, 6.7803},
      {10, 20, 27, 12.3326}, {20, INFINITY, 21, 58.4855},
  };
  const sim::Distribution distribution = sim::Distribution::empirical(table);
  CHECK(distribution.expected_value() == Approx(44413251.0 / 1625 / 1e4).epsilon(1e-4));

  const sim::Sampler sampler(distribution);
  constexpr int N = 400000;
  std::vector<double> count(table.size(), 0.0);
  std::vector<double> sum(table.size(), 0.0);
  double total = 0.0;
  double total_squares = 0.0;
  for (int i = 0; i < N; ++i) {
    sim::RandomStream stream(3, 0, {0, static_cast<std::uint64_t>(i)}, sim::Purpose::intake);
    const double x = sampler(stream);
    total += x;
    total_squares += x * x;
    for (std::size_t b = 0; b < table.size(); ++b) {
      if (x >= table[b].min && x < table[b].max) {
        ++count[b];
        sum[b] += x;
      }
    }
  }
  const double mean = total / N;
  const double variance = total_squares / N - mean * mean;
  check_mean(mean, 2.7331, variance, N);
  for (std::size_t b = 0; b < table.size(); ++b) {
    const double share = table[b].weight / 1625.0;
    INFO("bucket " << b);
    // Binomial share, 4 standard errors.
    CHECK(std::abs(count[b] / N - share) < 4.0 * std::sqrt(share * (1 - share) / N));
    // Each bucket keeps its own average (the maximum-entropy law honours the mean).
    CHECK(sum[b] / count[b] == Approx(table[b].mean).epsilon(0.02));
  }
}

TEST_CASE("The truncated exponential's tilt solves for the bucket mean", "[random]") {
  for (const double fraction : {0.05, 0.2, 0.5, 0.533, 0.8, 0.97}) {
    const double tilt = sim::truncated_exponential_tilt(fraction);
    CHECK(sim::truncated_exponential_mean_fraction(tilt) == Approx(fraction).epsilon(1e-9));
  }
  CHECK(sim::truncated_exponential_tilt(0.5) == Approx(0.0).margin(1e-9));
}

TEST_CASE("A large empirical table is sampled by bisection with its bucket shares",
          "[random][closed-form][statistical]") {
  // 40 buckets, more than the counted search takes: weights 1 ... 40 on [b, b + 1).
  std::vector<sim::EmpiricalBucket> table;
  double weights = 0.0;
  for (int b = 0; b < 40; ++b) {
    table.push_back({static_cast<double>(b), b + 1.0, b + 1.0, b + 0.5});
    weights += b + 1.0;
  }
  const sim::Sampler sampler(sim::Distribution::empirical(table));
  constexpr int N = 200000;
  std::vector<double> count(table.size(), 0.0);
  for (int i = 0; i < N; ++i) {
    sim::RandomStream stream(9, 0, {0, static_cast<std::uint64_t>(i)}, sim::Purpose::intake);
    const double x = sampler(stream);
    REQUIRE(x >= 0.0);
    REQUIRE(x < 40.0);
    ++count[static_cast<std::size_t>(x)];
  }
  for (std::size_t b = 0; b < table.size(); ++b) {
    const double share = table[b].weight / weights;
    INFO("bucket " << b);
    // Binomial share, 4.5 standard errors (40 buckets, fixed seed).
    CHECK(std::abs(count[b] / N - share) < 4.5 * std::sqrt(share * (1 - share) / N));
  }
}

TEST_CASE("PoissonSampler is Boost's poisson_distribution bit for bit", "[random]") {
  for (const double mean : {0.05, 0.3, 2.5, 9.99, 10.0, 25.0}) {
    const sim::PoissonSampler ours(mean);
    const boost::random::poisson_distribution<int, double> boosts(mean);
    double sum = 0.0;
    constexpr int N = 20000;
    for (int i = 0; i < N; ++i) {
      sim::RandomStream a(11, 0, {1, static_cast<std::uint64_t>(i)}, sim::Purpose::referrals);
      sim::RandomStream b(11, 0, {1, static_cast<std::uint64_t>(i)}, sim::Purpose::referrals);
      const int x = ours(a);
      INFO("mean " << mean << ", draw " << i);
      REQUIRE(x == boosts(b));
      REQUIRE(a() == b());  // the same words consumed
      sum += x;
    }
    check_mean(sum / N, mean, mean, N);
  }
}
