// The CRM export (issue #19): a CRM history that rebuilds the results file exactly.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;
const std::string CLI = FUNNELSIM_CLI;

}  // namespace

TEST_CASE("A CRM export rebuilds the results file's bookings and funnel, every variant",
          "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string results = (directory.path() / "results.h5").string();
  const std::string crm = (directory.path() / "crm").string();
  // Every variant (--crm-variants), replications 1 and 2 of 4 (FIRST:COUNT, 0-based).
  const std::string run = CLI + " run " + SOURCE + "/scenarios/prospecting-vs-winrate.yaml -o " +
                          results + " -n 4 -q --forecast-samples 0 --crm-export " + crm +
                          " --crm-variants --crm-replications 1:2";
  REQUIRE(std::system(run.c_str()) == 0);
  // Won amounts by the quarter of their close_day against bookings (exactly, up to the order
  // of summation); open opportunities by measured week, segment and stage against
  // funnel_count and funnel_amount; each opportunity's stage rows consecutive, from its
  // created_day, with the scenario's probabilities; dates start_date + floor(day).
  const std::string check = "/usr/bin/python3 - '" + results + "' '" + crm + R"(' 2>&1 <<'PY'
import csv, collections, datetime, sys, h5py
f = h5py.File(sys.argv[1]); crm = sys.argv[2]
weeks = int(f.attrs['weeks_per_quarter'])
start = datetime.date(2026, 1, 5)
opps = list(csv.DictReader(open(crm + '/opportunities.csv')))
exported = sorted({(r['variant'], int(r['replication'])) for r in opps})
variants = sorted(f['variants'])
assert exported == [(v, r) for v in variants for r in (1, 2)], exported
won = collections.defaultdict(float)
for r in opps:
    assert r['opportunity_id'] == r['variant'] + ':' + r['replication'] + ':' + r['opportunity_id'].split(':')[2]
    day = float(r['created_day'])
    assert r['created_date'] == str(start + datetime.timedelta(days=int(day // 1))), r
    assert r['customer'] in ('new', 'existing') and r['source'] == 'prospecting'
    if r['outcome'] == 'won':
        close = float(r['close_day'])
        if close >= 0:
            won[(r['variant'], int(r['replication']), int(close // (7 * weeks)))] += float(r['amount'])
cells = 0
for v, rep in exported:
    booked = f['variants'][v]['bookings'][rep]
    for q in range(len(booked)):
        assert abs(won[(v, rep, q)] - booked[q]) <= 1e-9 * max(1.0, booked[q]), (v, rep, q, won[(v, rep, q)], booked[q])
        cells += 1
count = collections.Counter(); amount = collections.Counter()
for r in csv.DictReader(open(crm + '/snapshots.csv')):
    key = (r['variant'], int(r['replication']), int(r['measured_week']), r['segment'], r['stage'])
    count[key] += 1; amount[key] += float(r['amount'])
for v, rep in exported:
    for seg in f['variants'][v]['segments']:
        g = f['variants'][v]['segments'][seg]
        for week in range(g['funnel_count'].shape[1]):
            for i, stage in enumerate(g.attrs['stages']):
                key = (v, rep, week, seg, stage)
                assert count[key] == g['funnel_count'][rep, week, i], key
                assert abs(amount[key] - g['funnel_amount'][rep, week, i]) < 1e-3 * (1 + count[key]), key
stays = collections.defaultdict(list)
for r in csv.DictReader(open(crm + '/stage_history.csv')):
    stays[r['opportunity_id']].append(r)
by_id = {r['opportunity_id']: r for r in opps}
assert set(stays) == set(by_id)
probability = {'intent': 0.2, 'solution': 0.35, 'negotiation': 0.7, 'potential': 0.1,
               'approved': 0.3, 'recognized': 0.5}
for oid, rows in stays.items():
    assert rows[0]['entered_day'] == by_id[oid]['created_day'], oid
    for a, b in zip(rows, rows[1:]):
        assert a['left_day'] == b['entered_day'], oid
    assert rows[-1]['left_day'] == by_id[oid]['close_day'], oid
    assert rows[-1]['stage'] == by_id[oid]['last_stage'], oid
    for r in rows:
        assert r['forecast_category'] in ('', 'commit', 'best_case', 'pipeline')
        if r['variant'] != 'better-win-rate' or r['stage'] != 'intent':
            assert float(r['probability']) == probability[r['stage']], r
print('bookings cells', cells, 'opportunities', len(opps))
PY)";
  const auto outcome = funnelsim::testing::shell_output(check);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("bookings cells 40"));
  // An existing export is not replaced without --force.
  CHECK(std::system((run + " 2>/dev/null").c_str()) != 0);
}

TEST_CASE("A CRM export names people, sources and customers as a CRM does", "[crm][process]") {
  // every-feature.yaml: referrals, a trade fair, existing customers, attrition, hires. A rep
  // who leaves and is replaced is another person; a hire is a person of its own.
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string results = (directory.path() / "results.h5").string();
  const std::string crm = (directory.path() / "crm").string();
  const std::string run = CLI + " run " + SOURCE + "/tests/data/every-feature.yaml -o " + results +
                          " -n 3 -q --forecast-samples 0 --crm-export " + crm +
                          " --set calendar.start_date=2027-03-01";
  REQUIRE(std::system(run.c_str()) == 0);
  const std::string check = "/usr/bin/python3 - '" + results + "' '" + crm + R"(' 2>&1 <<'PY'
import csv, collections, sys, h5py
f = h5py.File(sys.argv[1]); crm = sys.argv[2]
opps = list(csv.DictReader(open(crm + '/opportunities.csv')))
assert {int(r['replication']) for r in opps} == {0, 1, 2}
sources = collections.Counter(r['source'] for r in opps)
assert set(sources) == {'prospecting', 'referrals', 'trade-fairs'}, sources
customers = collections.Counter(r['customer'] for r in opps)
share = customers['existing'] / len(opps)
assert 0.17 < share < 0.23, share   # existing_share 0.2 of opportunities
people = {r['rep_id'] for r in opps}
territories = {p.rsplit('.', 1)[0] for p in people}
assert len(territories) == 14, sorted(territories)   # 8 + 2 hires, 3 + 1 hire
assert len(people) > len(territories), 'attrition at 15-20% a year replaces someone'
for r in opps:
    assert r['rep_id'].startswith(r['team'] + '-'), r
    d = float(r['created_day'])
    if 0 <= d < 1:
        assert r['created_date'] == '2027-03-01', r
print('people', len(people))
PY)";
  const auto outcome = funnelsim::testing::shell_output(check);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
}

TEST_CASE("A CRM export of replications outside the run is refused before it", "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  for (const char* bad : {"4:2", "x", "1:", ":2", "-1:2", "-3", "0:6"}) {
    INFO(bad);
    const auto outcome = funnelsim::testing::shell_output(
        CLI + " run " + SOURCE + "/scenarios/branch.yaml -n 5 -q -o " +
        (directory.path() / "r.h5").string() + " --crm-export " +
        (directory.path() / "crm").string() + " --crm-replications " + bad + " 2>&1");
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Catch::Contains("--crm-replications"));
    CHECK(!std::filesystem::exists(directory.path() / "r.h5"));
  }
}

TEST_CASE("The trace, the CRM export and the results file number the same events alike",
          "[crm][process]") {
  // analysis/RESULTS.md, "Numbering": replication K of --replication K is replication K of the
  // export and row 0 of its file; days and weeks count from the first measured day, 0-based.
  const funnelsim::testing::TemporaryDirectory directory;
  const auto path = [&](const char* name) { return (directory.path() / name).string(); };
  const std::string run = CLI + " run " + SOURCE + "/tests/data/every-feature.yaml -o " +
                          path("r.h5") + " --replication 5 -q --forecast-samples 0 --trace " +
                          path("trace.csv") + " --crm-export " + path("crm");
  REQUIRE(std::system(run.c_str()) == 0);
  const std::string check = "/usr/bin/python3 - '" + directory.path().string() + R"(' 2>&1 <<'PY'
import csv, math, sys, h5py
d = sys.argv[1]
opps = {r['opportunity_id']: r for r in csv.DictReader(open(d + '/crm/opportunities.csv'))}
assert {r['replication'] for r in opps.values()} == {'5'}
wins = 0
for t in csv.DictReader(open(d + '/trace.csv')):
    if t['event'] != 'win':
        continue
    o = opps['baseline:5:' + t['opportunity']]
    assert o['outcome'] == 'won' and o['close_day'] == t['day'], (t, o)
    assert int(t['measured_week']) == math.floor(float(t['day']) / 7), t
    wins += 1
f = h5py.File(d + '/r.h5')
assert f['variants/baseline/bookings'].shape[0] == 1
print('wins', wins)
PY)";
  const auto outcome = funnelsim::testing::shell_output(check);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("wins "));
}

TEST_CASE("A malformed --crm-replications is refused even without an export", "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const auto outcome = funnelsim::testing::shell_output(
      CLI + " run " + SOURCE + "/scenarios/branch.yaml -n 5 -q -o " +
      (directory.path() / "r.h5").string() + " --crm-replications -3 2>&1");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("--crm-replications: expected COUNT or FIRST:COUNT"));
}
