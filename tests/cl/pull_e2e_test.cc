// coupongen pull against the Commerce Layer emulator: exports split by id range, polled, fetched
// again for a fresh link, downloaded without the Authorization header, counted, written 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <nlohmann/json.hpp>

#include "testing/cl_emulator.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ClEmulator;
using testing::ReadFile;
using testing::RunAgainst;

class PullTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

TEST_F(PullTest, TwelveThousandCouponsInThreeExportsReadableByLintAndExclude) {
  ClEmulator emu;
  emu.Control("coupons", {{"rule", "RuleLive"}, {"promotion", "PromoOne"}, {"prefix", "LIVE"}, {"count", 12000}});
  emu.Control("coupons", {{"rule", "RuleOther"}, {"prefix", "OTHER"}, {"count", 50}});
  auto r = RunAgainst(&emu, {"pull", "--promotion-rule", "RuleLive", "-o", Path("live.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto stats = emu.Stats();
  EXPECT_EQ(stats["violations"], nlohmann::json::array()) << stats["violations"].dump(1);
  EXPECT_EQ(stats["exports"], 3);
  EXPECT_EQ(stats["attachment_auth_rejected"], 0);
  EXPECT_EQ(stats["attachment_stale_rejected"], 0);
  auto lines = testing::Lines(ReadFile(Path("live.csv")));
  ASSERT_EQ(lines.size(), 12001u);
  EXPECT_EQ(lines[0].rfind("code,promotion_rule_id,usage_limit", 0), 0u) << lines[0];
  struct stat st;
  ASSERT_EQ(stat(Path("live.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(r.err.find("metadata"), std::string::npos) << r.err;  // left out of csv, said so
  // Every code once.
  std::set<std::string> codes(lines.begin() + 1, lines.end());
  EXPECT_EQ(codes.size(), 12000u);
  auto lint = testing::RunCoupongen({"lint", Path("live.csv")});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  // An existing file needs --force.
  EXPECT_EQ(RunAgainst(&emu, {"pull", "--promotion-rule", "RuleLive", "-o", Path("live.csv")}).exit_code, 1);
}

TEST_F(PullTest, ByPromotionPrefixOrAllAndAsJson) {
  ClEmulator emu;
  emu.Control("coupons", {{"rule", "RuleA"}, {"promotion", "PromoA"}, {"prefix", "AAA"}, {"count", 30}});
  emu.Control("coupons", {{"rule", "RuleB"}, {"prefix", "BBB"}, {"count", 20}});
  auto by_promo = RunAgainst(&emu, {"pull", "--promotion", "PromoA", "-f", "json", "-o", Path("a.json")});
  ASSERT_EQ(by_promo.exit_code, 0) << by_promo.err;
  auto a = nlohmann::json::parse(ReadFile(Path("a.json")));
  ASSERT_EQ(a.size(), 30u);
  EXPECT_EQ(a[0]["metadata"]["batch"], "seed");
  auto by_prefix = RunAgainst(&emu, {"pull", "--prefix", "BBB", "-o", "-"});
  ASSERT_EQ(by_prefix.exit_code, 0) << by_prefix.err;
  EXPECT_EQ(testing::Lines(by_prefix.out).size(), 21u);
  auto all = RunAgainst(&emu, {"pull", "--all", "-o", "-"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(testing::Lines(all.out).size(), 51u);
  auto none = RunAgainst(&emu, {"pull", "--prefix", "ZZZ", "-o", "-"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "code\n");
  EXPECT_EQ(emu.Stats()["violations"], nlohmann::json::array());
  // Exactly one filter.
  EXPECT_EQ(RunAgainst(&emu, {"pull", "--all", "--prefix", "A"}).exit_code, 2);
  EXPECT_EQ(RunAgainst(&emu, {"pull"}).exit_code, 2);
}

TEST_F(PullTest, ThePulledFileExcludesLiveCodesFromGenerate) {
  ClEmulator emu;
  emu.Control("coupons", {{"rule", "RuleLive"}, {"prefix", "LIVE"}, {"count", 40}});
  ASSERT_EQ(RunAgainst(&emu, {"pull", "--all", "-o", Path("live.csv")}).exit_code, 0);
  testing::WriteFile(Path("spec.yaml"),
                     "version: 1\ncampaign: weekly\npromotion_rule_id: RuleLive\ncodes:\n  count: 10\n  length: 8\n"
                     "  alphabet: digits\n  prefix: LIVE\n");
  auto g = testing::RunCoupongen({"generate", Path("spec.yaml"), "--exclude", Path("live.csv"), "-o", "-"});
  EXPECT_EQ(g.exit_code, 0) << g.err;
}

}  // namespace
}  // namespace coupongen
