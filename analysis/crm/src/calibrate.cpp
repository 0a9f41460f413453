#include "funnelsim/crm/calibrate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "funnelsim/error.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "funnelsim/stats/html.hpp"
#include "funnelsim/stats/json.hpp"
#include "html_style.hpp"

namespace funnelsim::analysis::crm {
namespace {

constexpr double Z95 = 1.959963984540054;
constexpr double DAYS_PER_WEEK = 7.0;
constexpr double MIN_DAYS = 1e-3;  ///< the shortest stay a fit takes (days)

std::string num(double value, int digits = 4) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}
std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

Estimate normal_estimate(double value, double se) {
  return {value, se, value - Z95 * se, value + Z95 * se};
}
/// An estimate whose logarithm is about normal with standard error `se_log`.
Estimate log_estimate(double value, double se_log) {
  return {value, value * se_log, value * std::exp(-Z95 * se_log), value * std::exp(Z95 * se_log)};
}

/// Nelder-Mead on two parameters, minimising f.
std::array<double, 2> minimise(const std::function<double(const std::array<double, 2>&)>& f,
                               std::array<double, 2> start, double step) {
  std::array<std::array<double, 2>, 3> p = {start, start, start};
  p[1][0] += step;
  p[2][1] += step;
  std::array<double, 3> v{f(p[0]), f(p[1]), f(p[2])};
  for (int iteration = 0; iteration < 400; ++iteration) {
    std::array<int, 3> order{0, 1, 2};
    std::sort(order.begin(), order.end(), [&](int a, int b) { return v[a] < v[b]; });
    const int best = order[0], middle = order[1], worst = order[2];
    if (std::abs(v[worst] - v[best]) < 1e-10 * (1.0 + std::abs(v[best])) &&
        std::abs(p[worst][0] - p[best][0]) + std::abs(p[worst][1] - p[best][1]) < 1e-9)
      break;
    const std::array<double, 2> centre{(p[best][0] + p[middle][0]) / 2,
                                       (p[best][1] + p[middle][1]) / 2};
    const auto along = [&](double t) {
      return std::array<double, 2>{centre[0] + t * (p[worst][0] - centre[0]),
                                   centre[1] + t * (p[worst][1] - centre[1])};
    };
    const auto reflected = along(-1.0);
    const double fr = f(reflected);
    if (fr < v[best]) {
      const auto expanded = along(-2.0);
      const double fe = f(expanded);
      if (fe < fr) {
        p[worst] = expanded;
        v[worst] = fe;
      } else {
        p[worst] = reflected;
        v[worst] = fr;
      }
    } else if (fr < v[middle]) {
      p[worst] = reflected;
      v[worst] = fr;
    } else {
      const auto contracted = fr < v[worst] ? along(-0.5) : along(0.5);
      const double fc = f(contracted);
      if (fc < std::min(fr, v[worst])) {
        p[worst] = contracted;
        v[worst] = fc;
      } else {
        for (int k : {middle, worst}) {
          p[k] = {(p[k][0] + p[best][0]) / 2, (p[k][1] + p[best][1]) / 2};
          v[k] = f(p[k]);
        }
      }
    }
  }
  int best = 0;
  for (int k = 1; k < 3; ++k)
    best = v[k] < v[best] ? k : best;
  return p[best];
}

/// The inverse of the 2x2 Hessian of f at x (the observed information's inverse), by central
/// differences.
std::array<double, 3> inverse_hessian(const std::function<double(const std::array<double, 2>&)>& f,
                                      const std::array<double, 2>& x) {
  const double h = 1e-3;
  const auto at = [&](double d0, double d1) { return f({x[0] + d0, x[1] + d1}); };
  const double f0 = at(0, 0);
  const double a = (at(h, 0) - 2 * f0 + at(-h, 0)) / (h * h);
  const double c = (at(0, h) - 2 * f0 + at(0, -h)) / (h * h);
  const double b = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
  const double det = a * c - b * b;
  if (!(det > 0) || !(a > 0))
    return {NAN, NAN, NAN};
  return {c / det, -b / det, a / det};
}

/// The durations of a stage: whole ones, and censored ones (at least this long).
struct Durations {
  std::vector<double> complete;
  std::vector<double> censored;
};

DurationFit fit_durations(const Durations& d) {
  DurationFit fit;
  const double n = static_cast<double>(d.complete.size());
  double sum = 0.0, sum_log = 0.0, sum_log2 = 0.0, censored_sum = 0.0;
  for (double t : d.complete) {
    t = std::max(t, MIN_DAYS);
    sum += t;
    sum_log += std::log(t);
    sum_log2 += std::log(t) * std::log(t);
  }
  for (const double c : d.censored)
    censored_sum += std::max(c, MIN_DAYS);
  // Exponential: closed form.
  const double exp_mean = (sum + censored_sum) / std::max(n, 1.0);
  const double exp_ll = -n * std::log(exp_mean) - (sum + censored_sum) / exp_mean;
  // Gamma and lognormal in (ln mean, ln cv).
  const auto gamma_nll = [&](const std::array<double, 2>& x) {
    const double mean = std::exp(x[0]), cv = std::exp(x[1]);
    const double k = 1.0 / (cv * cv), theta = mean * cv * cv;
    if (!(k > 1e-4 && k < 1e6))
      return 1e300;
    double ll = (k - 1) * sum_log - sum / theta - n * (k * std::log(theta) + std::lgamma(k));
    for (const double c : d.censored)
      ll += std::log(std::max(gamma_q(k, std::max(c, MIN_DAYS) / theta), 1e-300));
    return -ll;
  };
  const auto lognormal_nll = [&](const std::array<double, 2>& x) {
    const double mean = std::exp(x[0]), cv = std::exp(x[1]);
    const double s2 = std::log1p(cv * cv);
    const double s = std::sqrt(s2), mu = x[0] - s2 / 2;
    if (!(s > 1e-6 && s < 100))
      return 1e300;
    (void)mean;
    double ll = -sum_log - n * std::log(s) - n * 0.5 * std::log(2 * M_PI) -
                (sum_log2 - 2 * mu * sum_log + n * mu * mu) / (2 * s2);
    for (const double c : d.censored) {
      const double z = (std::log(std::max(c, MIN_DAYS)) - mu) / (s * M_SQRT2);
      ll += std::log(std::max(0.5 * std::erfc(z), 1e-300));
    }
    return -ll;
  };
  // Start from the whole durations' moments.
  const double m = n > 0 ? sum / n : exp_mean;
  double var = 0.0;
  for (const double t : d.complete)
    var += (t - m) * (t - m);
  const double cv0 = n > 1 ? std::clamp(std::sqrt(var / (n - 1)) / m, 0.05, 5.0) : 1.0;
  const std::array<double, 2> start{std::log(exp_mean), std::log(cv0)};
  const auto g = minimise(gamma_nll, start, 0.1);
  const auto l = minimise(lognormal_nll, start, 0.1);
  const double g_ll = -gamma_nll(g), l_ll = -lognormal_nll(l);
  fit.aic[0] = 2 * 1 - 2 * exp_ll;
  fit.aic[1] = 2 * 2 - 2 * g_ll;
  fit.aic[2] = 2 * 2 - 2 * l_ll;
  const int best = fit.aic[0] <= std::min(fit.aic[1], fit.aic[2]) ? 0
                   : fit.aic[1] <= fit.aic[2]                     ? 1
                                                                  : 2;
  if (best == 0) {
    fit.kind = sim::DistributionKind::exponential;
    fit.mean = log_estimate(exp_mean, 1.0 / std::sqrt(std::max(n, 1.0)));
    fit.cv = 1.0;
    fit.log_likelihood = exp_ll;
  } else {
    const auto& x = best == 1 ? g : l;
    const auto inverse =
        inverse_hessian(best == 1 ? std::function(gamma_nll) : std::function(lognormal_nll), x);
    fit.kind = best == 1 ? sim::DistributionKind::gamma : sim::DistributionKind::lognormal;
    fit.mean = log_estimate(std::exp(x[0]), std::sqrt(std::max(inverse[0], 0.0)));
    fit.cv = std::exp(x[1]);
    fit.log_likelihood = best == 1 ? g_ll : l_ll;
  }
  return fit;
}

/// The between-group coefficient of variation of a multiplier, by moments: the spread of the
/// groups' estimates less what their sampling error explains; 0 when that explains it all.
double spread_cv(const std::vector<double>& values, const std::vector<double>& sampling_variance) {
  if (values.size() < 2)
    return 0.0;
  const double k = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / k;
  double var = 0.0;
  for (const double v : values)
    var += (v - mean) * (v - mean);
  var /= k - 1;
  const double noise = std::accumulate(sampling_variance.begin(), sampling_variance.end(), 0.0) / k;
  const double between = var - noise;
  return between > 0 && mean > 0 ? std::sqrt(between) / mean : 0.0;
}

std::string kind_name(sim::DistributionKind kind) {
  switch (kind) {
    case sim::DistributionKind::gamma:
      return "gamma";
    case sim::DistributionKind::lognormal:
      return "lognormal";
    default:
      return "exponential";
  }
}

}  // namespace

double gamma_q(double a, double x) {
  if (x <= 0)
    return 1.0;
  const double log_prefix = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    // The series of P(a, x).
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::abs(term) < std::abs(sum) * 1e-15)
        break;
    }
    return std::max(0.0, 1.0 - sum * std::exp(log_prefix));
  }
  // Lentz's continued fraction of Q(a, x).
  double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < 1e-300)
      d = 1e-300;
    c = b + an / c;
    if (std::abs(c) < 1e-300)
      c = 1e-300;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-15)
      break;
  }
  return std::exp(log_prefix) * h;
}

Calibration calibrate(const History& history, const CalibrateOptions& options) {
  Calibration fit;
  fit.opportunities = history.opportunities.size();
  fit.end = history.end;
  fit.start = INFINITY;
  for (const Opportunity& o : history.opportunities)
    fit.start = std::min(fit.start, o.created);
  if (history.opportunities.empty())
    throw Error(ErrorKind::input, history.opportunities_file + ": no opportunities to fit");
  std::vector<std::string> problems;

  for (const std::string& segment : segments(history)) {
    SegmentFit s;
    s.name = segment;
    const std::vector<std::string> names = stage_order(history, segment);
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < names.size(); ++i)
      index[names[i]] = i;
    const std::size_t stages = names.size();
    // Per stage: outcomes (new customers, and existing ones), durations (everyone).
    std::vector<std::size_t> adv(stages), lost(stages), censored(stages), entered(stages);
    std::vector<std::size_t> adv_existing(stages), lost_existing(stages), stalled(stages);
    std::vector<Durations> durations(stages);
    std::vector<std::vector<double>> stall(stages);
    std::vector<double> amounts;
    bool any_new = false;
    for (const Opportunity& o : history.opportunities)
      any_new = any_new || (o.segment == segment && !o.existing);
    for (const Opportunity& o : history.opportunities) {
      if (o.segment != segment)
        continue;
      ++s.opportunities;
      s.existing += o.existing ? 1 : 0;
      amounts.push_back(o.amount);
      const bool counts = !o.existing || !any_new;
      for (std::size_t k = 0; k < o.stays.size(); ++k) {
        const Stay& stay = o.stays[k];
        const std::size_t i = index[stay.stage];
        const bool last = k + 1 == o.stays.size();
        enum { ADVANCED, LOST, CENSORED } outcome = CENSORED;
        // A move back to an earlier stage (a CRM's correction) says nothing of the outcome:
        // censored, though its duration is whole.
        const bool back = !last && index[o.stays[k + 1].stage] <= i;
        if ((!last && !back) || (last && o.outcome == Outcome::won))
          outcome = ADVANCED;
        else if (last && o.outcome == Outcome::lost)
          outcome = LOST;
        if (counts) {
          ++entered[i];
          (outcome == ADVANCED ? adv : outcome == LOST ? lost : censored)[i] += 1;
        } else if (outcome != CENSORED) {
          (outcome == ADVANCED ? adv_existing : lost_existing)[i] += 1;
        }
        double so_far = stay.left.value_or(history.end) - stay.entered;
        // A history of dates alone: a same-day change took some part of the day.
        if (history.whole_days && so_far < 0.5)
          so_far = 0.5;
        if (outcome != CENSORED || back) {
          durations[i].complete.push_back(so_far);
        } else {
          durations[i].censored.push_back(so_far);
          if (last && o.outcome == Outcome::stalled) {
            ++stalled[i];
            stall[i].push_back(so_far);
          }
        }
      }
    }
    // The advances, then the cumulative probabilities from the last stage back.
    std::vector<double> var_log(stages);
    for (std::size_t i = 0; i < stages; ++i) {
      StageFit st;
      st.name = names[i];
      st.entered = entered[i];
      st.advanced = adv[i];
      st.lost = lost[i];
      st.censored = censored[i];
      st.stalled = stalled[i];
      const std::size_t closed = adv[i] + lost[i];
      if (closed < options.min_closed || adv[i] == 0 || (lost[i] == 0 && i + 1 < stages)) {
        problems.push_back("segment '" + segment + "', stage '" + names[i] +
                           "': " + std::to_string(closed) + " closed opportunities (" +
                           std::to_string(adv[i]) + " advanced or won, " + std::to_string(lost[i]) +
                           " lost); a fit needs at least " + std::to_string(options.min_closed) +
                           ", with both outcomes");
        s.stages.push_back(st);
        continue;
      }
      const double a = static_cast<double>(adv[i]) / static_cast<double>(closed);
      var_log[i] = (1 - a) / (static_cast<double>(closed) * a);
      st.advance = normal_estimate(a, std::sqrt(a * (1 - a) / static_cast<double>(closed)));
      st.complete_stays = durations[i].complete.size();
      st.censored_stays = durations[i].censored.size();
      double total = 0.0;
      for (const double t : durations[i].complete)
        total += t;
      st.observed_mean_days =
          st.complete_stays ? total / static_cast<double>(st.complete_stays) : 0.0;
      if (!stall[i].empty()) {
        std::sort(stall[i].begin(), stall[i].end());
        st.stall_days = stall[i][stall[i].size() / 2];
      }
      if (st.complete_stays < 2) {
        problems.push_back("segment '" + segment + "', stage '" + names[i] +
                           "': fewer than 2 whole durations");
      } else {
        st.days = fit_durations(durations[i]);
      }
      s.stages.push_back(st);
    }
    if (problems.empty()) {
      double p = 1.0, v = 0.0;
      for (std::size_t i = stages; i-- > 0;) {
        p *= s.stages[i].advance.value;
        v += var_log[i];
        s.stages[i].win_probability = log_estimate(p, std::sqrt(v));
      }
      // Existing customers: their own advances through every stage.
      if (s.existing > 0 && any_new) {
        double q = 1.0, w = 0.0;
        bool enough = true;
        for (std::size_t i = 0; i < stages; ++i) {
          const std::size_t closed = adv_existing[i] + lost_existing[i];
          if (closed == 0 || adv_existing[i] == 0) {
            enough = false;
            break;
          }
          const double a = static_cast<double>(adv_existing[i]) / static_cast<double>(closed);
          q *= a;
          w += (1 - a) / (static_cast<double>(closed) * a);
        }
        if (enough)
          s.existing_win_probability = log_estimate(std::min(q, 1.0), std::sqrt(w));
      }
    }
    const double n = static_cast<double>(s.opportunities);
    const double share = static_cast<double>(s.existing) / n;
    s.existing_share = normal_estimate(share, std::sqrt(share * (1 - share) / n));
    // Deal sizes: an empirical table of equal-count buckets, bounded by the midpoints between
    // neighbouring buckets' deals; each bucket's count and mean are the history's.
    std::sort(amounts.begin(), amounts.end());
    DealSizeFit& deal = s.deal_size;
    deal.deals = amounts.size();
    const double mean = std::accumulate(amounts.begin(), amounts.end(), 0.0) / n;
    double var = 0.0;
    for (const double x : amounts)
      var += (x - mean) * (x - mean);
    deal.sd = amounts.size() > 1 ? std::sqrt(var / (n - 1)) : 0.0;
    deal.mean = normal_estimate(mean, deal.sd / std::sqrt(n));
    const std::size_t buckets =
        std::clamp<std::size_t>(amounts.size() / 20, 1, options.max_buckets);
    std::vector<std::size_t> edges{0};
    for (std::size_t b = 1; b < buckets; ++b) {
      const std::size_t e = amounts.size() * b / buckets;
      if (amounts[e] > amounts[e - 1] && e > edges.back())
        edges.push_back(e);
    }
    edges.push_back(amounts.size());
    for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
      sim::EmpiricalBucket bucket;
      const std::size_t from = edges[b], to = edges[b + 1];
      bucket.min = b == 0 ? amounts.front() : (amounts[from - 1] + amounts[from]) / 2;
      bucket.max = b + 2 == edges.size() ? amounts.back() : (amounts[to - 1] + amounts[to]) / 2;
      bucket.weight = static_cast<double>(to - from);
      bucket.mean = std::accumulate(amounts.begin() + static_cast<std::ptrdiff_t>(from),
                                    amounts.begin() + static_cast<std::ptrdiff_t>(to), 0.0) /
                    bucket.weight;
      deal.buckets.push_back(bucket);
    }
    fit.segments.push_back(std::move(s));
  }
  if (!problems.empty()) {
    std::string message = "the history cannot support a fit:";
    for (const std::string& p : problems)
      message += "\n  " + p;
    throw Error(ErrorKind::input, history.history_file + ": " + message);
  }

  // Teams: each rep's own prospects between its first and last.
  struct Rep {
    std::string team;
    std::vector<double> created;
    std::size_t from_sources = 0;
    std::size_t first_closed = 0, first_advanced = 0;
    double amount = 0.0, amount2 = 0.0;
    std::size_t deals = 0;
    double won = 0.0;
    std::map<std::string, std::size_t> segments;
  };
  std::map<std::string, Rep> reps;
  std::map<std::string, std::map<std::string, std::size_t>> team_segments;
  for (const Opportunity& o : history.opportunities) {
    Rep& r = reps[o.rep];
    r.team = o.team;
    ++team_segments[o.team][o.segment];
    if (o.source == "prospecting")
      r.created.push_back(o.created);
    else
      ++r.from_sources;
    r.amount += o.amount;
    r.amount2 += o.amount * o.amount;
    ++r.deals;
    if (o.outcome == Outcome::won && o.closed)
      r.won += o.amount;
    if (!o.existing && !o.stays.empty()) {
      const bool last = o.stays.size() == 1;
      if (!last || o.outcome == Outcome::won) {
        ++r.first_closed;
        ++r.first_advanced;
      } else if (o.outcome == Outcome::lost) {
        ++r.first_closed;
      }
    }
  }
  std::set<std::string> team_names;
  for (const auto& [name, r] : reps)
    team_names.insert(r.team);
  for (const std::string& team : team_names) {
    TeamFit t;
    t.name = team;
    std::size_t best = 0;
    for (const auto& [segment, count] : team_segments[team]) {
      if (count > best) {
        best = count;
        t.segment = segment;
      }
    }
    double events = 0.0;
    std::vector<double> rates, rate_noise, win, win_noise, size, size_noise;
    double won = 0.0, weeks_all = 0.0;
    for (auto& [id, r] : reps) {
      if (r.team != team)
        continue;
      ++t.reps;
      t.from_sources += r.from_sources;
      t.prospected += r.created.size();
      std::sort(r.created.begin(), r.created.end());
      if (!r.created.empty() && r.created.back() > history.end - 13 * DAYS_PER_WEEK)
        ++t.headcount;
      if (r.created.size() >= 2) {
        const double weeks = (r.created.back() - r.created.front()) / DAYS_PER_WEEK;
        if (weeks > 0) {
          t.rep_weeks += weeks;
          events += static_cast<double>(r.created.size() - 1);
          const double rate = static_cast<double>(r.created.size() - 1) / weeks;
          rates.push_back(rate);
          rate_noise.push_back(rate / weeks);
        }
      }
      const double span =
          r.created.empty()
              ? 0.0
              : (std::min(history.end, r.created.back() + DAYS_PER_WEEK) - r.created.front()) /
                    DAYS_PER_WEEK;
      weeks_all += std::max(span, 0.0);
      won += r.won;
      if (r.first_closed >= 10) {
        const double p =
            static_cast<double>(r.first_advanced) / static_cast<double>(r.first_closed);
        win.push_back(p);
        win_noise.push_back(p * (1 - p) / static_cast<double>(r.first_closed));
      }
      if (r.deals >= 10) {
        const double m = r.amount / static_cast<double>(r.deals);
        const double v = std::max(0.0, r.amount2 / static_cast<double>(r.deals) - m * m);
        size.push_back(m);
        size_noise.push_back(v / static_cast<double>(r.deals));
      }
    }
    if (t.rep_weeks <= 0 || events < 2) {
      throw Error(ErrorKind::input, history.opportunities_file + ": team '" + team +
                                        "': too few prospects of its own to fit a rate");
    }
    // A history of several worlds (funnelsim's replications) holds each team once per world.
    const int worlds = std::max<int>(1, static_cast<int>(history.worlds.size()));
    t.headcount = static_cast<int>(std::lround(static_cast<double>(t.headcount) / worlds));
    const double rate = events / t.rep_weeks;
    t.prospects_per_week = log_estimate(rate, 1.0 / std::sqrt(events));
    t.prospecting_cv = spread_cv(rates, rate_noise);
    t.win_cv = spread_cv(win, win_noise);
    t.deal_size_cv = spread_cv(size, size_noise);
    t.bookings_per_rep_quarter = weeks_all > 0 ? won / weeks_all * 13.0 : 0.0;
    fit.teams.push_back(t);
  }
  return fit;
}

std::string calibration_yaml(const Calibration& fit, const std::string& name,
                             const std::string& source) {
  std::string y;
  double longest = 0.0;
  for (const SegmentFit& s : fit.segments) {
    double total = 0.0;
    for (const StageFit& st : s.stages)
      total += st.days.mean.value;
    longest = std::max(longest, total);
  }
  const int warmup = std::clamp(static_cast<int>(std::ceil(2.0 * longest / DAYS_PER_WEEK)), 4, 520);
  y += "# Calibrated by `funnelsim calibrate` from " + source + ":\n";
  y += "# " + std::to_string(fit.opportunities) + " opportunities created " + iso_date(fit.start) +
       " to " + iso_date(fit.end) + ".\n";
  y += "# Each fitted value is followed by its standard error (se) and 95% interval. Win\n"
       "# probabilities are cumulative, from the stage exits seen (open deals censored, not\n"
       "# lost); durations are maximum-likelihood fits with censoring, the law chosen by AIC.\n";
  y += "name: " + json_string(name) + "\n";
  y += "description: " + json_string("Calibrated from " + source) + "\n\n";
  y += "calendar:\n  weeks_per_quarter: 13\n  quarters: 4\n";
  y +=
      "  warmup_weeks: " + std::to_string(warmup) + "   # twice the longest funnel, to fill it\n\n";
  y += "segments:\n";
  for (const SegmentFit& s : fit.segments) {
    y += "  - name: " + json_string(scenario_name(s.name)) + "\n";
    y += "    # " + std::to_string(s.opportunities) + " opportunities\n";
    y += "    stages:\n";
    for (const StageFit& st : s.stages) {
      const Estimate& p = st.win_probability;
      const Estimate& m = st.days.mean;
      y += "      - name: " + json_string(scenario_name(st.name)) + "\n";
      y += "        win_probability: " + num(p.value, 6) + "   # se " + num(p.se, 2) + ", 95% " +
           num(p.low, 4) + "-" + num(p.high, 4) + "; " + std::to_string(st.advanced) +
           " advanced, " + std::to_string(st.lost) + " lost, " + std::to_string(st.censored) +
           " open\n";
      y += "        days: {dist: " + kind_name(st.days.kind) + ", mean: " + num(m.value, 6);
      if (st.days.kind != sim::DistributionKind::exponential)
        y += ", cv: " + num(st.days.cv, 4);
      y += "}   # mean se " + num(m.se, 2) + ", 95% " + num(m.low, 4) + "-" + num(m.high, 4) +
           "; " + std::to_string(st.complete_stays) + " whole, " +
           std::to_string(st.censored_stays) + " censored\n";
      if (st.stall_days)
        y += "        stall_days: " + num(*st.stall_days, 6) + "   # " +
             std::to_string(st.stalled) + " stalled deals\n";
    }
    const DealSizeFit& d = s.deal_size;
    y += "    deal_size:        # mean " + num(d.mean.value, 6) + " 万, se " + num(d.mean.se, 2) +
         ", 95% " + num(d.mean.low, 5) + "-" + num(d.mean.high, 5) + "; " +
         std::to_string(d.deals) + " deals\n";
    if (d.buckets.size() == 1 && d.buckets[0].min == d.buckets[0].max) {
      y += "      {dist: fixed, value: " + num(d.buckets[0].min, 10) + "}\n";
    } else {
      y += "      dist: empirical\n      buckets:\n";
      for (const sim::EmpiricalBucket& b : d.buckets) {
        const double width = b.max - b.min;
        const double margin = 0.0025 * width;
        const double mean = std::clamp(b.mean, b.min + margin, b.max - margin);
        y += "        - {min: " + num(b.min, 10) + ", max: " + num(b.max, 10) +
             ", count: " + fixed(b.weight, 0) + ", mean: " + num(mean, 10) + "}\n";
      }
    }
    if (s.existing > 0 && s.existing_win_probability) {
      const Estimate& e = s.existing_share;
      const Estimate& q = *s.existing_win_probability;
      y += "    existing_share: " + num(e.value, 6) + "   # se " + num(e.se, 2) + "\n";
      y += "    existing_win_probability: " + num(q.value, 6) + "   # se " + num(q.se, 2) +
           ", 95% " + num(q.low, 4) + "-" + num(q.high, 4) + "\n";
    }
  }
  y += "\nteams:\n";
  for (const TeamFit& t : fit.teams) {
    const Estimate& r = t.prospects_per_week;
    y += "  - name: " + json_string(scenario_name(t.name)) + "\n";
    y += "    segment: " + json_string(scenario_name(t.segment)) + "\n";
    y += "    headcount: " + std::to_string(std::max(1, t.headcount)) +
         "   # reps active in the last 13 weeks; " + std::to_string(t.reps) +
         " people over the history\n";
    y += "    prospects_per_week: " + num(r.value, 6) + "   # se " + num(r.se, 2) + ", 95% " +
         num(r.low, 4) + "-" + num(r.high, 4) + "; " + fixed(t.rep_weeks, 0) + " rep-weeks\n";
    if (t.from_sources > 0)
      y += "    # " + std::to_string(t.from_sources) +
           " opportunities came from lead sources, not fitted: add them under sources:\n";
    y += "    quota_per_quarter: [" + num(std::max(t.bookings_per_rep_quarter, 0.01), 6) +
         "]   # the history's bookings per rep-quarter, 万: set your own\n";
    if (t.prospecting_cv > 0 || t.win_cv > 0 || t.deal_size_cv > 0)
      y += "    skill: {prospecting_cv: " + num(t.prospecting_cv, 3) +
           ", win_cv: " + num(t.win_cv, 3) + ", deal_size_cv: " + num(t.deal_size_cv, 3) +
           "}   # between-rep spread beyond chance\n";
  }
  return y;
}

std::string calibration_text(const Calibration& fit, const std::string& source) {
  std::string t = "Calibration of " + source + ": " + std::to_string(fit.opportunities) +
                  " opportunities, " + iso_date(fit.start) + " to " + iso_date(fit.end) + "\n";
  char line[512];
  for (const SegmentFit& s : fit.segments) {
    t += "\nSegment " + s.name + " (" + std::to_string(s.opportunities) + " opportunities)\n";
    t += "  Stage conversion   entered  advanced  lost  open  observed*  fitted  cumulative p "
         "(95%)\n";
    for (const StageFit& st : s.stages) {
      const double naive =
          st.entered ? static_cast<double>(st.advanced) / static_cast<double>(st.entered) : 0.0;
      std::snprintf(line, sizeof line,
                    "  %-17s %8zu %9zu %5zu %5zu %9.3f %7.3f  %.4f (%.4f-%.4f)\n", st.name.c_str(),
                    st.entered, st.advanced, st.lost, st.censored, naive, st.advance.value,
                    st.win_probability.value, st.win_probability.low, st.win_probability.high);
      t += line;
    }
    t += "  * advanced / entered, open deals counted as not advanced; fitted: open ones censored\n";
    t +=
        "  Durations (days)   whole  censored  observed mean  law          fitted mean (95%)  cv\n";
    for (const StageFit& st : s.stages) {
      std::snprintf(
          line, sizeof line, "  %-17s %6zu %9zu %14.2f  %-11s %7.2f (%.2f-%.2f) %5.2f%s\n",
          st.name.c_str(), st.complete_stays, st.censored_stays, st.observed_mean_days,
          kind_name(st.days.kind).c_str(), st.days.mean.value, st.days.mean.low, st.days.mean.high,
          st.days.cv, st.stall_days ? (" stall " + num(*st.stall_days, 4)).c_str() : "");
      t += line;
    }
    const DealSizeFit& d = s.deal_size;
    std::snprintf(line, sizeof line,
                  "  Deal sizes (万): %zu deals, mean %.3f (95%% %.3f-%.3f), sd %.3f\n", d.deals,
                  d.mean.value, d.mean.low, d.mean.high, d.sd);
    t += line;
    t += "    bucket            deals  observed mean  table mean\n";
    for (const sim::EmpiricalBucket& b : d.buckets) {
      const double margin = 0.0025 * (b.max - b.min);
      std::snprintf(line, sizeof line, "    %7.3f-%-9.3f %6.0f %14.3f %11.3f\n", b.min, b.max,
                    b.weight, b.mean, std::clamp(b.mean, b.min + margin, b.max - margin));
      t += line;
    }
    if (s.existing > 0) {
      std::snprintf(line, sizeof line, "  Existing customers: %zu (%.1f%%)", s.existing,
                    100 * s.existing_share.value);
      t += line;
      if (s.existing_win_probability)
        t += ", win probability " + num(s.existing_win_probability->value, 4);
      t += "\n";
    }
  }
  t += "\nTeams               segment      reps  headcount  rep-weeks  prospects/week (95%)   "
       "skill cv: prospecting win deal\n";
  for (const TeamFit& tm : fit.teams) {
    std::snprintf(line, sizeof line,
                  "  %-17s %-12s %5zu %10d %10.0f  %6.3f (%.3f-%.3f)  %.2f %.2f %.2f\n",
                  tm.name.c_str(), tm.segment.c_str(), tm.reps, tm.headcount, tm.rep_weeks,
                  tm.prospects_per_week.value, tm.prospects_per_week.low,
                  tm.prospects_per_week.high, tm.prospecting_cv, tm.win_cv, tm.deal_size_cv);
    t += line;
  }
  return t;
}

std::string calibration_html(const Calibration& fit, const std::string& source) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
      "charset=\"utf-8\"><title>Calibration</title>\n"
      "<style>" +
      std::string(HTML_STYLE) + "</style></head><body>\n";
  h += "<h1>Calibration of " + html_text(source) + "</h1>\n<p>" +
       std::to_string(fit.opportunities) + " opportunities, " + iso_date(fit.start) + " to " +
       iso_date(fit.end) + ". Observed against fitted; intervals are 95%; amounts in 万.</p>\n";
  for (const SegmentFit& s : fit.segments) {
    h += "<h2>Segment " + html_text(s.name) +
         "</h2>\n<table><tr><th>stage</th><th>entered</th>"
         "<th>advanced</th><th>lost</th><th>open</th><th>observed advance</th><th>fitted advance"
         "</th><th>cumulative win probability</th></tr>\n";
    for (const StageFit& st : s.stages) {
      const double naive =
          st.entered ? static_cast<double>(st.advanced) / static_cast<double>(st.entered) : 0.0;
      h += "<tr><td>" + html_text(st.name) + "</td><td>" + std::to_string(st.entered) +
           "</td><td>" + std::to_string(st.advanced) + "</td><td>" + std::to_string(st.lost) +
           "</td><td>" + std::to_string(st.censored) + "</td><td>" + fixed(naive, 3) + "</td><td>" +
           fixed(st.advance.value, 3) + "</td><td>" + fixed(st.win_probability.value, 4) + " (" +
           fixed(st.win_probability.low, 4) + "–" + fixed(st.win_probability.high, 4) +
           ")</td></tr>\n";
    }
    h += "</table>\n<table><tr><th>stage</th><th>whole stays</th><th>censored</th><th>observed "
         "mean days</th><th>law</th><th>fitted mean days</th><th>cv</th></tr>\n";
    for (const StageFit& st : s.stages) {
      h += "<tr><td>" + html_text(st.name) + "</td><td>" + std::to_string(st.complete_stays) +
           "</td><td>" + std::to_string(st.censored_stays) + "</td><td>" +
           fixed(st.observed_mean_days, 2) + "</td><td>" + kind_name(st.days.kind) + "</td><td>" +
           fixed(st.days.mean.value, 2) + " (" + fixed(st.days.mean.low, 2) + "–" +
           fixed(st.days.mean.high, 2) + ")</td><td>" + fixed(st.days.cv, 2) + "</td></tr>\n";
    }
    h += "</table>\n<table><tr><th>deal size bucket, 万</th><th>deals</th><th>mean</th></tr>\n";
    for (const sim::EmpiricalBucket& b : s.deal_size.buckets) {
      h += "<tr><td>" + fixed(b.min, 3) + "–" + fixed(b.max, 3) + "</td><td>" + fixed(b.weight, 0) +
           "</td><td>" + fixed(b.mean, 3) + "</td></tr>\n";
    }
    h += "<tr><th>all</th><th>" + std::to_string(s.deal_size.deals) + "</th><th>" +
         fixed(s.deal_size.mean.value, 3) + "</th></tr></table>\n";
  }
  h += "<h2>Teams</h2>\n<table><tr><th>team</th><th>segment</th><th>headcount</th><th>rep-weeks"
       "</th><th>prospects per rep-week</th><th>prospecting cv</th><th>win cv</th><th>deal size cv"
       "</th></tr>\n";
  for (const TeamFit& t : fit.teams) {
    h += "<tr><td>" + html_text(t.name) + "</td><td>" + html_text(t.segment) + "</td><td>" +
         std::to_string(t.headcount) + "</td><td>" + fixed(t.rep_weeks, 0) + "</td><td>" +
         fixed(t.prospects_per_week.value, 3) + " (" + fixed(t.prospects_per_week.low, 3) + "–" +
         fixed(t.prospects_per_week.high, 3) + ")</td><td>" + fixed(t.prospecting_cv, 2) +
         "</td><td>" + fixed(t.win_cv, 2) + "</td><td>" + fixed(t.deal_size_cv, 2) + "</td></tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

std::string calibration_json(const Calibration& fit, const std::string& source) {
  const auto estimate = [](const Estimate& e) {
    return "{\"value\": " + json_number(e.value) + ", \"se\": " + json_number(e.se) +
           ", \"low\": " + json_number(e.low) + ", \"high\": " + json_number(e.high) + "}";
  };
  std::string j = "{\"source\": " + json_string(source) +
                  ", \"opportunities\": " + json_integer(fit.opportunities) + ", \"segments\": [";
  for (std::size_t k = 0; k < fit.segments.size(); ++k) {
    const SegmentFit& s = fit.segments[k];
    j += std::string(k ? ", " : "") + "{\"name\": " + json_string(s.name) + ", \"stages\": [";
    for (std::size_t i = 0; i < s.stages.size(); ++i) {
      const StageFit& st = s.stages[i];
      j += std::string(i ? ", " : "") + "{\"name\": " + json_string(st.name) +
           ", \"advanced\": " + json_integer(st.advanced) + ", \"lost\": " + json_integer(st.lost) +
           ", \"open\": " + json_integer(st.censored) + ", \"advance\": " + estimate(st.advance) +
           ", \"win_probability\": " + estimate(st.win_probability) +
           ", \"days\": {\"dist\": " + json_string(kind_name(st.days.kind)) +
           ", \"mean\": " + estimate(st.days.mean) + ", \"cv\": " + json_number(st.days.cv) + "}" +
           (st.stall_days ? ", \"stall_days\": " + json_number(*st.stall_days) : std::string()) +
           "}";
    }
    j += "], \"deal_size\": {\"deals\": " + json_integer(s.deal_size.deals) +
         ", \"mean\": " + estimate(s.deal_size.mean) +
         "}, \"existing_share\": " + estimate(s.existing_share) + "}";
  }
  j += "], \"teams\": [";
  for (std::size_t k = 0; k < fit.teams.size(); ++k) {
    const TeamFit& t = fit.teams[k];
    j += std::string(k ? ", " : "") + "{\"name\": " + json_string(t.name) +
         ", \"segment\": " + json_string(t.segment) +
         ", \"headcount\": " + std::to_string(t.headcount) +
         ", \"prospects_per_week\": " + estimate(t.prospects_per_week) +
         ", \"prospecting_cv\": " + json_number(t.prospecting_cv) +
         ", \"win_cv\": " + json_number(t.win_cv) +
         ", \"deal_size_cv\": " + json_number(t.deal_size_cv) + "}";
  }
  j += "]}\n";
  return j;
}

}  // namespace funnelsim::analysis::crm
