// upload --ledger and generate --upload with a ledger, against the Commerce Layer emulator: the
// ledger records which codes were uploaded, refused (with the message) or not sent, `ledger stats`
// counts them per campaign and `ledger find` shows them; reruns never count a code twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "testing/cl_emulator.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ClEmulator;
using testing::ReadFile;
using testing::RunAgainst;
using testing::WriteFile;

class UploadLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Generates `count` codes of campaign `campaign` into `file`, recorded in ledger l.db; returns them in file order.
  std::vector<std::string> Generate(const std::string& campaign, int count, const std::string& file) {
    WriteFile(Path(campaign + ".yaml"), "version: 1\ncampaign: " + campaign +
                                            "\npromotion_rule_id: RuleAbcDef\ncodes:\n  count: " + std::to_string(count) +
                                            "\ncoupon:\n  usage_limit: 1\n");
    auto r = testing::RunCoupongen({"generate", Path(campaign + ".yaml"), "-o", Path(file), "--ledger", Path("l.db"), "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Codes(file);
  }

  std::vector<std::string> Codes(const std::string& file) const {
    auto lines = testing::Lines(ReadFile(Path(file)));
    EXPECT_FALSE(lines.empty());
    EXPECT_EQ(lines[0].rfind("code,", 0), 0u) << lines[0];
    std::vector<std::string> codes;
    for (size_t i = 1; i < lines.size(); ++i) codes.push_back(lines[i].substr(0, lines[i].find(',')));
    return codes;
  }

  nlohmann::json Stats(const std::string& campaign) const {
    auto r = testing::RunCoupongen({"ledger", "stats", "--ledger", Path("l.db"), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto stats = nlohmann::json::parse(r.out);
    for (const auto& c : stats["campaigns"])
      if (c["campaign"] == campaign) return c;
    ADD_FAILURE() << "no campaign " << campaign << " in " << r.out;
    return nlohmann::json::object();
  }

  static void ExpectCounts(const nlohmann::json& s, int uploaded, int refused, int not_sent, int unfinished) {
    EXPECT_EQ(s["uploaded"], uploaded) << s.dump();
    EXPECT_EQ(s["refused"], refused) << s.dump();
    EXPECT_EQ(s["not_sent"], not_sent) << s.dump();
    EXPECT_EQ(s["not_sent_unfinished"], unfinished) << s.dump();
  }

  std::string dir_;
};

// Three imports of 50: the first refuses 2 codes (completed), the second refuses its first 6
// (more than 10%: interrupted there, its other 44 never imported), the third takes all.
TEST_F(UploadLedgerTest, RefusedInterruptedAndUploadedCodesAreCountedPerCampaign) {
  ClEmulator emu;
  auto codes = Generate("spring", 150, "spring.csv");
  ASSERT_EQ(codes.size(), 150u);
  Generate("summer", 20, "summer.csv");  // another campaign, never uploaded
  std::vector<std::string> refused = {codes[3], codes[17]};
  for (int i = 50; i < 56; ++i) refused.push_back(codes[static_cast<size_t>(i)]);
  emu.Control("refuse", {{"codes", refused}});
  auto r = RunAgainst(&emu, {"upload", Path("spring.csv"), "--chunk-size", "50", "--concurrency", "2", "--ledger", Path("l.db")});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.err.find("not in ledger"), std::string::npos) << r.err;
  for (const auto& c : codes) EXPECT_EQ(r.err.find(c), std::string::npos) << "a code in the output";
  ExpectCounts(Stats("spring"), 48 + 0 + 50, 2 + 6, 44, 44);
  ExpectCounts(Stats("summer"), 0, 0, 20, 0);

  auto text = testing::RunCoupongen({"ledger", "stats", "--ledger", Path("l.db")});
  EXPECT_NE(text.out.find("98 uploaded, 8 refused, 44 not sent (44 of them left by unfinished imports)"), std::string::npos)
      << text.out;
  auto find = testing::RunCoupongen({"ledger", "find", "--ledger", Path("l.db"), "--json", codes[17], codes[0], codes[60]});
  ASSERT_EQ(find.exit_code, 0) << find.err;
  auto found = nlohmann::json::parse(find.out)["codes"];
  EXPECT_EQ(found[0]["upload"]["state"], "refused");
  EXPECT_EQ(found[0]["upload"]["message"], "code: has already been taken");
  EXPECT_EQ(found[0]["upload"]["reference"], "spring-0001");
  EXPECT_EQ(found[1]["upload"]["state"], "uploaded");
  EXPECT_EQ(found[2]["upload"]["state"], "not_sent");
  EXPECT_NE(found[2]["upload"]["message"].get<std::string>().find("interrupted"), std::string::npos);
  auto find_text = testing::RunCoupongen({"ledger", "find", "--ledger", Path("l.db"), codes[3]});
  EXPECT_NE(find_text.out.find("refused"), std::string::npos) << find_text.out;
  EXPECT_NE(find_text.out.find("has already been taken"), std::string::npos) << find_text.out;

  // The refused codes are accepted later (in a file of their own): now uploaded, counted once.
  emu.Control("refuse", {{"codes", nlohmann::json::array()}, {"replace", true}});
  std::string again = "code,promotion_rule_id,usage_limit\n";
  for (const auto& c : refused) again += c + ",RuleAbcDef,1\n";
  again += "OTHERTOOL0001,RuleAbcDef,1\n";  // not in the ledger
  WriteFile(Path("again.csv"), again);
  auto second = RunAgainst(&emu, {"upload", Path("again.csv"), "--ledger", Path("l.db")});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("1 code is not in ledger"), std::string::npos) << second.err;
  ExpectCounts(Stats("spring"), 106, 0, 44, 44);
}

// A run that stops (the whole-run timeout) records its codes as not sent; a run killed with -9
// records nothing; the reruns finish and count every code once.
TEST_F(UploadLedgerTest, StoppedAndKilledRunsThenResumedCountEachCodeOnce) {
  ClEmulator emu;
  Generate("stop", 300, "stop.csv");
  emu.Control("faults", {{{"method", "GET"}, {"path", "/api/imports/"}, {"action", "delay"}, {"seconds", 3}, {"times", 1}}});
  const std::vector<std::string> args = {"upload", Path("stop.csv"), "--chunk-size", "100", "--concurrency", "1",
                                         "--ledger", Path("l.db")};
  std::vector<std::string> stopping = args;
  stopping.insert(stopping.end(), {"--timeout", "1s"});
  auto stopped = RunAgainst(&emu, stopping);
  EXPECT_EQ(stopped.exit_code, 1) << stopped.err;
  ExpectCounts(Stats("stop"), 0, 0, 300, 300);
  auto resumed = RunAgainst(&emu, args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  ExpectCounts(Stats("stop"), 300, 0, 0, 0);

  Generate("kill", 300, "kill.csv");
  std::vector<std::string> kill_args = args;
  kill_args[1] = Path("kill.csv");
  auto killed = RunAgainst(&emu, kill_args, {"COUPONGEN_TEST_CRASH_AT=after-journal"});
  EXPECT_EQ(killed.exit_code, 128 + 9) << killed.err;
  ExpectCounts(Stats("kill"), 0, 0, 300, 0);
  for (int run = 0; run < 2; ++run) {  // the second finds everything done: records it again
    auto r = RunAgainst(&emu, kill_args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ExpectCounts(Stats("kill"), 300, 0, 0, 0);
  }
  // Sent again under another journal (Commerce Layer updates the coupons): still counted once.
  kill_args.insert(kill_args.end(), {"--journal", Path("other-journal")});
  auto twice = RunAgainst(&emu, kill_args);
  ASSERT_EQ(twice.exit_code, 0) << twice.err;
  ExpectCounts(Stats("kill"), 300, 0, 0, 0);
  ExpectCounts(Stats("stop"), 300, 0, 0, 0);
  auto total = nlohmann::json::parse(testing::RunCoupongen({"ledger", "stats", "--ledger", Path("l.db"), "--json"}).out);
  EXPECT_EQ(total["total"]["uploaded"], 600);
}

// generate --upload with the spec's ledger: the file is written, recorded, uploaded, and the
// ledger knows every code was uploaded.
TEST_F(UploadLedgerTest, GenerateUploadRecordsTheStatesInTheSpecsLedger) {
  ClEmulator emu;
  WriteFile(Path("weekly.yaml"), "version: 1\ncampaign: weekly\npromotion_rule_id: RuleWeekly\nledger: l.db\n"
                                 "codes:\n  count: 150\ncoupon:\n  usage_limit: 1\n");
  emu.Control("refuse", {{"codes", {"NOT-A-GENERATED-CODE"}}});
  auto r = RunAgainst(&emu, {"generate", Path("weekly.yaml"), "-o", Path("weekly.csv"), "--upload"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(emu.Stats()["coupons"], 150);
  ExpectCounts(Stats("weekly"), 150, 0, 0, 0);
  auto codes = Codes("weekly.csv");
  auto find = testing::RunCoupongen({"ledger", "find", "--spec", Path("weekly.yaml"), codes[42]});
  EXPECT_EQ(find.exit_code, 0) << find.err;
  EXPECT_NE(find.out.find("uploaded"), std::string::npos) << find.out;
  EXPECT_NE(find.out.find("in import weekly-0001"), std::string::npos) << find.out;
}

}  // namespace
}  // namespace coupongen
