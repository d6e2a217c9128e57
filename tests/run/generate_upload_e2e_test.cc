// generate --upload whose upload fails after the codes were delivered: the messages name the
// command that resumes the upload (coupongen upload FILE --ledger DB), not "the same command",
// which would generate new codes.
#include <gtest/gtest.h>


#include "testing/cl_emulator.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ClEmulator;
using testing::RunAgainst;
using testing::WriteFile;

class GenerateUploadTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return dir_ / name; }
  testing::TempDir dir_;
};

TEST_F(GenerateUploadTest, AFailedUploadNamesTheCommandThatResumesIt) {
  ClEmulator emu;
  emu.Control("faults", {{{"method", "POST"}, {"path", "/api/imports"}, {"action", "500"}, {"times", 1000}}});
  WriteFile(Path("weekly.yaml"), "version: 1\ncampaign: weekly\npromotion_rule_id: RuleWeekly\ncodes:\n  count: 50\n"
                                 "coupon:\n  usage_limit: 1\n");
  auto r = RunAgainst(&emu, {"generate", Path("weekly.yaml"), "-o", Path("weekly.csv"), "--ledger", Path("l.db"),
                             "--upload"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(testing::Lines(testing::ReadFile(Path("weekly.csv"))).size(), 51u);  // delivered before the upload
  const std::string resume = "'coupongen upload " + Path("weekly.csv") + " --ledger " + Path("l.db") + "'";
  EXPECT_NE(r.err.find("the journal " + Path("weekly.csv") + ".upload-journal lets " + resume + " resume"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("the same command"), std::string::npos) << r.err;

  // Without a ledger the command has no --ledger.
  auto plain = RunAgainst(&emu, {"generate", Path("weekly.yaml"), "-o", Path("plain.csv"), "--upload"});
  EXPECT_EQ(plain.exit_code, 1) << plain.err;
  EXPECT_NE(plain.err.find("lets 'coupongen upload " + Path("plain.csv") + "' resume"), std::string::npos) << plain.err;
  EXPECT_EQ(plain.err.find("the same command"), std::string::npos) << plain.err;
}

}  // namespace
}  // namespace coupongen
