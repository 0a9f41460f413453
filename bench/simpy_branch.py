#!/usr/bin/python3
"""The playbook's branch (scenarios/branch.yaml) written as a SimPy user would write it.

This is the comparison model for funnelsim: the same reps, Poisson prospecting, stages with
cumulative win probabilities and gamma durations, empirical deal-size table, warm-up and
measured quarters, but as one SimPy process per rep and one per opportunity, with Python's
`random` module. It reads the scenario file and refuses any feature it does not implement
(skill, ramp-up, attrition, referrals, marketing sources, existing customers, stalls), so a
comparison can never silently run two different models. The reps' weekly calls and funnel
snapshots are reporting only in funnelsim (they change no outcome) and are left out.

Debian 12 ships SimPy 2.3 (python3-simpy, `SimPy.Simulation`), which is what this uses.

    bench/simpy_branch.py [--scenario scenarios/branch.yaml] --replications N [--seed 42]
                          [--first-replication 0]

prints CSV on stdout, one row per replication and measured quarter:
    replication,quarter,wins,bookings
and its wall time on stderr:
    simpy_branch: N replications in T s (R replications/s)
"""

import argparse
import math
import random
import sys
import time

import yaml
from SimPy.Simulation import Process, Simulation, hold

DAYS_PER_WEEK = 7.0


def fail(message):
    sys.exit(f"simpy_branch: {message}")


def truncated_exponential_tilt(mean_fraction):
    """Tilt t of the density t e^{t x} / (e^t - 1) on [0, 1] whose mean is mean_fraction."""

    def fraction(tilt):
        if abs(tilt) < 1e-6:
            return 0.5 + tilt / 12.0
        return 1.0 / -math.expm1(-tilt) - 1.0 / tilt

    low, high = -700.0, 700.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if fraction(mid) < mean_fraction:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


class DealSize:
    """Empirical table: pick a bucket by count, then the maximum-entropy law in the bucket
    (truncated exponential with the bucket's mean; shifted exponential above an open top)."""

    def __init__(self, spec):
        if spec.get("dist") != "empirical":
            fail(f"deal_size dist {spec.get('dist')!r} is not implemented (only empirical)")
        self.buckets = []
        total = sum(bucket["count"] for bucket in spec["buckets"])
        cumulative = 0.0
        for bucket in spec["buckets"]:
            cumulative += bucket["count"] / total
            low, high, mean = bucket["min"], bucket.get("max", math.inf), bucket["mean"]
            tilt = 0.0 if math.isinf(high) else truncated_exponential_tilt((mean - low) / (high - low))
            self.buckets.append((cumulative, low, high, mean, tilt))

    def draw(self, rng):
        pick = rng.random()
        chosen = self.buckets[-1]
        for bucket in self.buckets:
            if pick < bucket[0]:
                chosen = bucket
                break
        _, low, high, mean, tilt = chosen
        if math.isinf(high):
            return low + rng.expovariate(1.0 / (mean - low))
        u = rng.random()
        if tilt == 0.0:
            return low + u * (high - low)
        return low + (high - low) * math.log1p(u * math.expm1(tilt)) / tilt


class Segment:
    def __init__(self, spec):
        self.stages = []  # (advance probability, gamma shape, gamma scale in days)
        stages = spec["stages"]
        for i, stage in enumerate(stages):
            unknown = set(stage) - {"name", "win_probability", "days"}
            if unknown:
                fail(f"stage key(s) {sorted(unknown)} not implemented")
            days = stage["days"]
            if days.get("dist") != "gamma":
                fail(f"stage days dist {days.get('dist')!r} not implemented (only gamma)")
            shape = 1.0 / days["cv"] ** 2
            following = stages[i + 1]["win_probability"] if i + 1 < len(stages) else 1.0
            self.stages.append((stage["win_probability"] / following, shape, days["mean"] / shape))
        unknown = set(spec) - {"name", "stages", "deal_size"}
        if unknown:
            fail(f"segment key(s) {sorted(unknown)} not implemented")
        self.deal_size = DealSize(spec["deal_size"])


class Branch:
    """What one replication records: wins and bookings (万) per measured quarter."""

    def __init__(self, sim, measured_start, quarter_days, quarters):
        self.sim = sim
        self.measured_start = measured_start
        self.quarter_days = quarter_days
        self.wins = [0] * quarters
        self.bookings = [0.0] * quarters

    def book(self, amount):
        now = self.sim.now()
        if now < self.measured_start:
            return
        quarter = min(int((now - self.measured_start) / self.quarter_days), len(self.wins) - 1)
        self.wins[quarter] += 1
        self.bookings[quarter] += amount


class Opportunity(Process):
    def life(self, branch, segment, rng):
        amount = segment.deal_size.draw(rng)
        for advance, shape, scale in segment.stages:
            yield hold, self, rng.gammavariate(shape, scale)
            if rng.random() >= advance:
                return  # lost
        branch.book(amount)


class Rep(Process):
    def prospect(self, branch, segment, leads_per_day, rng):
        while True:
            yield hold, self, rng.expovariate(leads_per_day)
            opportunity = Opportunity(sim=self.sim)
            self.sim.activate(opportunity, opportunity.life(branch, segment, rng))


def replicate(scenario, seed, replication):
    calendar = scenario.get("calendar", {})
    weeks_per_quarter = calendar.get("weeks_per_quarter", 13)
    quarters = calendar.get("quarters", 4)
    warmup_weeks = calendar.get("warmup_weeks", 0)
    segments = {spec["name"]: Segment(spec) for spec in scenario["segments"]}

    rng = random.Random(seed * 1_000_003 + replication)
    sim = Simulation()
    sim.initialize()
    branch = Branch(sim, warmup_weeks * DAYS_PER_WEEK, weeks_per_quarter * DAYS_PER_WEEK, quarters)
    for team in scenario["teams"]:
        for _ in range(team["headcount"]):
            rep = Rep(sim=sim)
            sim.activate(rep, rep.prospect(branch, segments[team["segment"]],
                                           team["prospects_per_week"] / DAYS_PER_WEEK, rng))
    sim.simulate(until=(warmup_weeks + weeks_per_quarter * quarters) * DAYS_PER_WEEK)
    return branch


def check_supported(scenario):
    unknown = set(scenario) - {"name", "description", "calendar", "segments", "teams", "quota"}
    if unknown:
        fail(f"scenario key(s) {sorted(unknown)} not implemented")
    for team in scenario["teams"]:
        unknown = set(team) - {"name", "segment", "headcount", "prospects_per_week",
                               "quota_per_quarter", "cost_per_rep_per_quarter", "commission_rate"}
        if unknown:
            fail(f"team {team['name']}: key(s) {sorted(unknown)} not implemented")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="scenarios/branch.yaml")
    parser.add_argument("--replications", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--first-replication", type=int, default=0,
                        help="number the replications from here, to split a run over processes")
    args = parser.parse_args()
    with open(args.scenario, encoding="utf-8") as file:
        scenario = yaml.safe_load(file)
    check_supported(scenario)

    start = time.perf_counter()
    rows = ["replication,quarter,wins,bookings"]
    first = args.first_replication
    for replication in range(first, first + args.replications):
        branch = replicate(scenario, args.seed, replication)
        for quarter, (wins, bookings) in enumerate(zip(branch.wins, branch.bookings)):
            rows.append(f"{replication},{quarter},{wins},{bookings!r}")
    wall = time.perf_counter() - start
    print("\n".join(rows))
    print(f"simpy_branch: {args.replications} replications in {wall:.3f} s "
          f"({args.replications / wall:.3f} replications/s)", file=sys.stderr)


if __name__ == "__main__":
    main()
