// The synthetic CRM export: what a CRM would hold, consistent with the results file.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

TEST_CASE("A CRM export's weekly snapshots add up to the results file's funnel", "[crm]") {
  namespace fs = std::filesystem;
  const fs::path scratch =
      fs::temp_directory_path() / ("funnelsim-crm-" + std::to_string(getpid()));
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const std::string results = (scratch / "results.h5").string();
  const std::string crm = (scratch / "crm").string();
  const std::string branch = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  const std::string run = std::string(FUNNELSIM_CLI) + " run " + branch + " -o " + results +
                          " -n 4 -q --forecast-samples 0 --crm-export " + crm +
                          " --crm-replications 2";
  REQUIRE(std::system(run.c_str()) == 0);
  REQUIRE(fs::exists(fs::path(crm) / "snapshots.csv"));
  REQUIRE(fs::exists(fs::path(crm) / "outcomes.csv"));
  // Counts and amounts per (replication, week, segment, stage) against funnel_count and
  // funnel_amount; won amounts per measured quarter against bookings.
  const std::string check = R"(/usr/bin/python3 - <<'PY'
import csv, collections, sys, h5py, numpy
f = h5py.File(sys.argv[1] if len(sys.argv) > 1 else ')" +
                            results + R"(')
count = collections.Counter(); amount = collections.Counter()
for r in csv.DictReader(open(')" +
                            crm + R"(/snapshots.csv')):
    key = (int(r['replication']), int(r['week']) - 1, r['segment'], r['stage'])
    count[key] += 1; amount[key] += float(r['amount'])
bad = 0
for seg in f['variants/baseline/segments']:
    g = f['variants/baseline/segments'][seg]
    stages = list(g.attrs['stages'])
    for rep in range(2):
        for week in range(g['funnel_count'].shape[1]):
            for i, stage in enumerate(stages):
                key = (rep, week, seg, stage)
                bad += count[key] != g['funnel_count'][rep, week, i]
                bad += abs(amount[key] - g['funnel_amount'][rep, week, i]) > 1e-3 * (1 + count[key])
won = collections.Counter()
weeks = int(f.attrs['weeks_per_quarter'])
for r in csv.DictReader(open(')" +
                            crm + R"(/outcomes.csv')):
    if r['outcome'] == 'win' and int(r['closed_week']) > 0:
        won[(int(r['replication']), (int(r['closed_week']) - 1) // weeks)] += float(r['amount'])
for rep in range(2):
    for q in range(f['variants/baseline/bookings'].shape[1]):
        bad += abs(won[(rep, q)] - f['variants/baseline/bookings'][rep, q]) > 1e-2
sys.exit(1 if bad else 0)
PY)";
  CHECK(std::system(check.c_str()) == 0);
  // An existing export is not replaced without --force.
  CHECK(std::system((run + " 2>/dev/null").c_str()) != 0);
  fs::remove_all(scratch);
}
