// End-to-end: lint, convert, exclusions and the ledger through the built binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/strings.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ErrorLines;
using testing::Lines;

using testing::FileExists;
using testing::ListDir;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::RunCoupongen;
using testing::WriteFile;

const std::string kSamples = COUPONGEN_SOURCE_DIR "/samples";
const std::string kExisting = kSamples + "/existing";
const std::string kBefore = "2027-03-01T00:00:00Z";  // before the sample codes expire

// The codes of a CSV whose first column is `code`.
std::set<std::string> CsvCodes(const std::string& text) {
  std::set<std::string> codes;
  auto lines = Lines(text);
  for (size_t i = 1; i < lines.size(); ++i) codes.insert(ToUpperAscii(lines[i].substr(0, lines[i].find(','))));
  return codes;
}

TEST(LintE2ETest, EveryReadableFormatLintsClean) {
  for (const char* f : {"existing.csv", "existing.json", "existing.jsonapi.ndjson", "existing.imports.ndjson",
                        "existing-list.json", "existing.txt", "cl-export.csv.gz", "cl-export.json.gz"}) {
    auto r = RunCoupongen({"lint", kExisting + "/" + f, "--now", kBefore});
    EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.err;
    EXPECT_NE(r.out.find("20 rows, 0 problems"), std::string::npos) << f << "\n" << r.out;
  }
}

TEST(LintE2ETest, ProblemsWithRowsAndExit3) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/a.csv",
            "code,usage_limit,recipient_email,expires_at\n"
            "GOODCODE1,1,ann@example.com,2027-03-31T23:59:59Z\n"
            "SHORT,0,not-an-email,2020-01-01T00:00:00Z\n"
            "goodcode1,2,,\n");
  auto r = RunCoupongen({"lint", "a.csv", "--now", kBefore}, "", dir);
  EXPECT_EQ(r.exit_code, 3);
  auto errors = ErrorLines(r.err);
  ASSERT_GE(errors.size(), 4u) << r.err;
  EXPECT_EQ(errors[0].substr(0, 12), "a.csv:3: cod");
  bool duplicate = false;
  for (const auto& e : errors) duplicate |= e == "a.csv:4: code: duplicate of a.csv:2";
  EXPECT_TRUE(duplicate) << r.err;
  auto j = RunCoupongen({"lint", "a.csv", "--now", kBefore, "--json"}, "", dir);
  EXPECT_EQ(j.exit_code, 3);
  auto o = nlohmann::json::parse(j.out);
  EXPECT_EQ(o["valid"], false);
  EXPECT_EQ(o["rows"], 3);
  EXPECT_EQ(o["problem_count"].get<int>(), static_cast<int>(errors.size()));
}

TEST(LintE2ETest, UnreadableFiles) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/nocode.csv", "id,name\n1,x\n");
  WriteFile(dir + "/trunc.json", "[{\"code\":\"ABCDEFGH\"},{\"code\":\"AB");
  auto r = RunCoupongen({"lint", "nocode.csv"}, "", dir);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"nocode.csv: no 'code' column in the CSV header (columns: id, name)"}));
  auto t = RunCoupongen({"lint", "trunc.json"}, "", dir);
  EXPECT_EQ(t.exit_code, 3);
  ASSERT_EQ(ErrorLines(t.err).size(), 1u);
  EXPECT_EQ(ErrorLines(t.err)[0].substr(0, 25), "trunc.json:2: truncated J");
  EXPECT_EQ(RunCoupongen({"lint", "missing.csv"}, "", dir).exit_code, 1);
}

TEST(ConvertE2ETest, CommerceLayerExportsConvertToEveryFormat) {
  std::string dir = MakeTempDir();
  for (const char* f : {"json", "jsonapi", "imports"}) {
    auto r = RunCoupongen({"convert", kExisting + "/cl-export.json.gz", "-f", f, "-o", std::string("out.") + f, "--now", kBefore}, "", dir);
    EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.err;
    // What was written lints clean and holds the same 20 codes.
    auto lint = RunCoupongen({"lint", std::string("out.") + f, "--now", kBefore, "--json"}, "", dir);
    EXPECT_EQ(lint.exit_code, 0) << lint.err;
    EXPECT_EQ(nlohmann::json::parse(lint.out)["rows"], 20);
  }
  // The CSV export (no metadata column values beyond JSON text) converts to csv only if metadata is
  // empty: it is not, so csv needs --rejects or another format.
  auto csv = RunCoupongen({"convert", kExisting + "/cl-export.csv.gz", "-f", "csv", "--now", kBefore}, "", dir);
  EXPECT_EQ(csv.exit_code, 3);
  EXPECT_EQ(ErrorLines(csv.err).back(), "20 rows are invalid: nothing written (fix them, or pass --rejects PATH to set them aside)");
  EXPECT_EQ(ErrorLines(csv.err).front(), kExisting + "/cl-export.csv.gz:2: metadata: cannot be written as csv: convert to json, jsonapi or imports (and 19 more rows)");
  // Our csv -> json -> csv comes back byte for byte.
  auto to_json = RunCoupongen({"convert", kExisting + "/existing.csv", "-f", "json", "-o", "back.json", "--now", kBefore, "-q"}, "", dir);
  ASSERT_EQ(to_json.exit_code, 0) << to_json.err;
  auto ours = RunCoupongen({"convert", "back.json", "-f", "csv", "--now", kBefore, "-q"}, "", dir);
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, ReadFile(kExisting + "/existing.csv"));
}

TEST(ConvertE2ETest, RejectsKeepInvalidRowsUnchanged) {
  std::string dir = MakeTempDir();
  const std::string input =
      "code,usage_limit,reference\n"
      "VALIDCODE1,1,\"a, b\"\n"
      "BAD,1,x\n"
      "VALIDCODE2,zero,y\n"
      "VALIDCODE3,2,z\n";
  WriteFile(dir + "/in.csv", input);
  auto stop = RunCoupongen({"convert", "in.csv", "-f", "json", "-o", "out.json"}, "", dir);
  EXPECT_EQ(stop.exit_code, 3);
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"in.csv"}));  // nothing written
  auto r = RunCoupongen({"convert", "in.csv", "-f", "json", "-o", "out.json", "--rejects", "rejects.csv"}, "", dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;  // partial: rows were set aside
  EXPECT_EQ(ReadFile(dir + "/rejects.csv"), "code,usage_limit,reference\nBAD,1,x\nVALIDCODE2,zero,y\n");
  auto out = nlohmann::json::parse(ReadFile(dir + "/out.json"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]["code"], "VALIDCODE1");
  EXPECT_EQ(out[0]["reference"], "a, b");
  EXPECT_EQ(out[1]["code"], "VALIDCODE3");
  EXPECT_NE(r.err.find("coupongen: warning: in.csv:3: code: "), std::string::npos) << r.err;
  // The promotion rule is set by --promotion-rule, which jsonapi needs.
  auto api = RunCoupongen({"convert", "out.json", "-f", "jsonapi", "--promotion-rule", "RULE123", "-q"}, "", dir);
  ASSERT_EQ(api.exit_code, 0) << api.err;
  auto first = nlohmann::json::parse(Lines(api.out)[0]);
  EXPECT_EQ(first["data"]["relationships"]["promotion_rule"]["data"]["id"], "RULE123");
  auto norule = RunCoupongen({"convert", "out.json", "-f", "jsonapi"}, "", dir);
  EXPECT_EQ(norule.exit_code, 3);
  EXPECT_EQ(ErrorLines(norule.err)[0], "out.json:1: promotion_rule_id: is required for jsonapi output (give --promotion-rule ID) (and 1 more row)");
}

TEST(ExcludeE2ETest, GeneratedCodesNeverCollideWithExclusions) {
  std::string dir = MakeTempDir();
  // A keyspace of 1,000 codes (TINY-###, digits), 400 of them excluded: the other 100 asked for
  // must all come from the 600 free ones.
  std::string excluded = "code\n";
  std::set<std::string> taken;
  for (int i = 0; i < 400; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "tiny-%03d", (i * 7) % 1000);
    taken.insert(ToUpperAscii(code));
    excluded += std::string(code) + "\n";
  }
  WriteFile(dir + "/old.csv", excluded);
  // blocklist: none keeps the keyspace at exactly 1,000 (the built-in words remove 2 of them).
  WriteFile(dir + "/tiny.yaml", "version: 1\ncampaign: tiny\ncodes:\n  count: 100\n  alphabet: digits\n  length: 3\n  prefix: TINY-\n  exclude: old.csv\n  blocklist: none\n");
  for (int run = 0; run < 5; ++run) {
    auto r = RunCoupongen({"generate", "tiny.yaml", "-q"}, "", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto codes = CsvCodes(r.out);
    EXPECT_EQ(codes.size(), 100u);
    for (const auto& c : codes) EXPECT_EQ(taken.count(c), 0u) << c;
  }
  // 100 + 400 <= 500: feasible; 101 + 400 is not (exit 4).
  auto over = RunCoupongen({"generate", "tiny.yaml", "-n", "101"}, "", dir);
  EXPECT_EQ(over.exit_code, 4);
  auto bad = RunCoupongen({"generate", "tiny.yaml", "--exclude", "nonexistent.csv"}, "", dir);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("exclusion file nonexistent.csv"), std::string::npos) << bad.err;
}

TEST(ExcludeE2ETest, RestockSampleAvoidsEveryExistingCode) {
  auto r = RunCoupongen({"generate", kSamples + "/spring-restock.yaml", "-o", "-", "--now", kBefore, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto codes = CsvCodes(r.out);
  EXPECT_EQ(codes.size(), 2000u);
  for (const auto& c : CsvCodes(ReadFile(kExisting + "/existing.csv"))) EXPECT_EQ(codes.count(c), 0u);
}

TEST(LedgerE2ETest, FiftyWeeklyRunsNeverRepeatACode) {
  std::string dir = MakeTempDir();
  std::set<std::string> all;
  size_t total = 0;
  for (int week = 0; week < 50; ++week) {
    auto r = RunCoupongen({"generate", kSamples + "/weekly-ledger.yaml", "--ledger", "weekly.db", "-q", "-o",
                           "week" + std::to_string(week) + ".csv", "-n", "40"}, "", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto codes = CsvCodes(ReadFile(dir + "/week" + std::to_string(week) + ".csv"));
    total += codes.size();
    all.insert(codes.begin(), codes.end());
  }
  EXPECT_EQ(total, 2000u);
  EXPECT_EQ(all.size(), 2000u);
  auto stats = RunCoupongen({"ledger", "stats", "--ledger", "weekly.db"}, "", dir);
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_NE(stats.out.find("weekly-loyalty  2,000 codes"), std::string::npos) << stats.out;
  std::string some = *all.begin();
  auto find = RunCoupongen({"ledger", "find", ToLowerAscii(some), "NOTACODE1", "--ledger", "weekly.db"}, "", dir);
  EXPECT_EQ(find.exit_code, 3);
  EXPECT_NE(find.out.find("for campaign weekly-loyalty (promotion rule WkLyRuLe01) into week"), std::string::npos) << find.out;
  EXPECT_NE(find.out.find("NOTACODE1      not issued through this ledger"), std::string::npos) << find.out;
  auto exported = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "weekly.db", "-q"}, "", dir);
  ASSERT_EQ(exported.exit_code, 0);
  EXPECT_EQ(CsvCodes(exported.out), all);
}

TEST(LedgerE2ETest, AFailedRunLeavesTheLedgerUnchanged) {
  std::string dir = MakeTempDir();
  ASSERT_EQ(RunCoupongen({"generate", kSamples + "/weekly-ledger.yaml", "--ledger", "l.db", "-q", "-o", "a.csv"}, "", dir).exit_code, 0);
  // The output exists: the run fails after generating, and the ledger keeps only the first run.
  WriteFile(dir + "/b.csv", "precious");
  auto r = testing::Run({"/bin/sh", "-c", std::string("ulimit -f 4; exec ") + COUPONGEN_BINARY + " generate " + kSamples +
                                              "/weekly-ledger.yaml --ledger l.db -n 100000 -o big.csv"}, "", dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto stats = RunCoupongen({"ledger", "stats", "--ledger", "l.db"}, "", dir);
  EXPECT_NE(stats.out.find("weekly-loyalty  250 codes"), std::string::npos) << stats.out;
  EXPECT_FALSE(FileExists(dir + "/big.csv"));
  EXPECT_EQ(RunCoupongen({"ledger", "stats", "--ledger", "nope.db"}, "", dir).exit_code, 1);
}

TEST(LedgerE2ETest, TwoConcurrentRunsNeverShareACode) {
  std::string dir = MakeTempDir();
  // Small keyspace (digits, 8 random) and many codes per run, so a shared code would be likely
  // without the ledger: 2 x 20,000 of 10^8.
  WriteFile(dir + "/s.yaml", "version: 1\ncampaign: race\nledger: race.db\ncodes:\n  count: 20000\n  alphabet: digits\n  length: 8\n");
  pid_t pids[2];
  for (int i = 0; i < 2; ++i) {
    pids[i] = fork();
    ASSERT_GE(pids[i], 0);
    if (pids[i] == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      std::string out = "run" + std::to_string(i) + ".csv";
      execl(COUPONGEN_BINARY, COUPONGEN_BINARY, "generate", "s.yaml", "-q", "-o", out.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto a = CsvCodes(ReadFile(dir + "/run0.csv")), b = CsvCodes(ReadFile(dir + "/run1.csv"));
  EXPECT_EQ(a.size(), 20000u);
  EXPECT_EQ(b.size(), 20000u);
  for (const auto& c : a) ASSERT_EQ(b.count(c), 0u) << c;
  auto exported = RunCoupongen({"ledger", "export", "-f", "csv", "--ledger", "race.db", "-q"}, "", dir);
  EXPECT_EQ(CsvCodes(exported.out).size(), 40000u);
}

}  // namespace
}  // namespace coupongen
