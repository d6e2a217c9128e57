// What the fault tests share: faults_e2e_test.cc (the built binary, real full disks and mounts)
// and faults_env_test.cc (in process, faults injected through the test Env).
#pragma once

#include <set>
#include <string>

#include "base/strings.h"
#include "testing/subprocess.h"

namespace coupongen::testing {

// A keyspace of 10^6 codes (F-######): two batches of 2,000 would share about four codes by
// chance, so "no code issued twice" means something.
inline constexpr char kFaultSpec[] =
    "version: 1\n"
    "campaign: faults\n"
    "promotion_rule_id: RULE1\n"
    "codes:\n"
    "  count: 2000\n"
    "  alphabet: digits\n"
    "  length: 6\n"
    "  prefix: F-\n";

// The earlier output every failed run is asked to replace (--force), and must leave intact.
inline constexpr char kPrecious[] = "an earlier output: precious\n";

// The codes of a CSV output or ledger export (first column, header skipped), upper-cased.
inline std::set<std::string> CsvCodes(const std::string& text) {
  std::set<std::string> codes;
  auto lines = Lines(text);
  for (size_t i = 1; i < lines.size(); ++i) codes.insert(ToUpperAscii(lines[i].substr(0, lines[i].find(','))));
  return codes;
}

}  // namespace coupongen::testing
