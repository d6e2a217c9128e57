// End-to-end: `coupongen check` on codes the built binary generated (with a check character), as a
// support desk types them: valid, typos, swaps, look-alikes, the wrong shape, stdin; and `validate`
// and `generate` with codes.check and codes.blocklist.
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::MakeTempDir;
using testing::RunCoupongen;
using testing::WriteFile;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// No O, I, L, S, Z, G, B: typed look-alikes of 0, 1, 5, 2, 6, 8 are read as the digits.
const char* kSpec =
    "version: 1\ncampaign: support\ncodes:\n  count: 200\n  pattern: SPR-####-###\n"
    "  alphabet: \"0123456789ACDEFHJKMNPRTUVWXY\"\n  check: true\n";

class CheckE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/s.yaml", kSpec);
    auto r = RunCoupongen({"generate", "s.yaml", "--seed", "support desk", "-q"}, "", dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    codes_ = Lines(r.out);
    ASSERT_EQ(codes_.front(), "code");
    codes_.erase(codes_.begin());
    ASSERT_EQ(codes_.size(), 200u);
  }
  testing::RunResult Check(std::vector<std::string> codes, const std::string& stdin_text = "") {
    std::vector<std::string> args = {"check", "--spec", "s.yaml"};
    args.insert(args.end(), codes.begin(), codes.end());
    return RunCoupongen(args, stdin_text, dir_);
  }
  std::string dir_;
  std::vector<std::string> codes_;
};

TEST_F(CheckE2ETest, GeneratedCodesAreValid) {
  std::vector<std::string> some(codes_.begin(), codes_.begin() + 5);
  auto r = Check(some);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> want;
  for (const auto& c : some) want.push_back(c + "  valid");
  EXPECT_EQ(Lines(r.out), want);
  EXPECT_EQ(r.err, "");
  // All of them, one per line on stdin.
  std::string all;
  for (const auto& c : codes_) all += c + "\n";
  auto s = Check({}, all);
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(Lines(s.out).size(), 200u);
}

TEST_F(CheckE2ETest, TyposAndSwapsAreInvalid) {
  const std::string code = codes_[0];  // SPR-####-####
  std::string typo = code;
  typo[5] = typo[5] == 'A' ? 'C' : 'A';
  std::string swapped = code;
  size_t i = 4;
  while (swapped[i] == swapped[i + 1]) ++i;
  std::swap(swapped[i], swapped[i + 1]);
  auto r = Check({code, typo, swapped});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{code + "  valid",
                                                    typo + "  invalid: check character does not match (a typo?)",
                                                    swapped + "  invalid: check character does not match (a typo?)"}));
}

TEST_F(CheckE2ETest, TypedCodesAreNormalised) {
  // A code with a '0' or a '1': typed as a letter, in lower case, with spaces for separators.
  std::string code;
  for (const auto& c : codes_)
    if (c.find_first_of("01", 4) != std::string::npos) {
      code = c;
      break;
    }
  ASSERT_FALSE(code.empty());
  size_t at = code.find_first_of("01", 4);
  std::string typed = code;
  const char letter = code[at] == '0' ? 'o' : 'i';
  typed[at] = letter;
  for (char& ch : typed) ch = ch == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto r = Check({typed, "  " + code + " "});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{typed + "  valid as " + code + " (read " + letter + " as " + code[at] + ")",
                                                    "  " + code + "   valid as " + code}));
}

TEST_F(CheckE2ETest, WrongShapes) {
  auto r = Check({"SPR-123", "XYZ-0123-4567", "SPR-0123-456!", ""});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Lines(r.out),
            (std::vector<std::string>{
                "SPR-123  invalid: has 6 characters without spaces and separators, expected 11",
                "XYZ-0123-4567  invalid: character 1 is 'X' where the campaign's codes have 'S'",
                "SPR-0123-456!  invalid: character 13 is '!', which this campaign's codes never use",
                "  invalid: is empty"}));
}

TEST_F(CheckE2ETest, StdinMixedAndJson) {
  std::string typo = codes_[1];
  typo[12] = typo[12] == '9' ? '8' : '9';
  auto r = Check({}, codes_[0] + "\r\n\n   \n" + typo + "\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{codes_[0] + "  valid",
                                                    typo + "  invalid: check character does not match (a typo?)"}));
  auto j = RunCoupongen({"check", "--spec", "s.yaml", "--json", codes_[0], typo}, "", dir_);
  EXPECT_EQ(j.exit_code, 3);
  auto o = nlohmann::json::parse(j.out);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0]["valid"], true);
  EXPECT_EQ(o[0]["code"], codes_[0]);
  EXPECT_EQ(o[1]["valid"], false);
  EXPECT_EQ(o[1]["input"], typo);
  EXPECT_EQ(o[1]["problem"], "check character does not match (a typo?)");
}

TEST_F(CheckE2ETest, ErrorsAndExitCodes) {
  // No codes at all: a usage error.
  auto none = Check({}, "\n\n");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, "coupongen: error: check: no codes given (as arguments, or one per line on stdin)\n");
  // No spec.
  EXPECT_EQ(RunCoupongen({"check", "SPR-0000-0000"}, "", dir_).exit_code, 2);
  // A ledger that is not there is an error, not an empty ledger.
  auto ledger = RunCoupongen({"check", "--spec", "s.yaml", "--ledger", "issued.db", codes_[0]}, "", dir_);
  EXPECT_EQ(ledger.exit_code, 1);
  EXPECT_EQ(ledger.err, "coupongen: error: check: --ledger: issued.db: no such ledger\n");
  EXPECT_FALSE(testing::FileExists(dir_ + "/issued.db"));
  // A spec whose codes are wrong stops the check; other problems (an expiry past) do not.
  WriteFile(dir_ + "/bad.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 1\n  check: maybe\n");
  auto bad = RunCoupongen({"check", "--spec", "bad.yaml", "X"}, "", dir_);
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_EQ(Lines(bad.err).front(), "coupongen: error: bad.yaml:5:10: codes.check: must be true or false, not 'maybe'");
  WriteFile(dir_ + "/old.yaml", std::string(kSpec) + "coupon:\n  expires_at: 2001-01-01T00:00:00Z\n");
  auto old = RunCoupongen({"check", "--spec", "old.yaml", codes_[0]}, "", dir_);
  EXPECT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(old.err, "");
  // Without codes.check only the shape is checked, and a warning says so.
  WriteFile(dir_ + "/plain.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 1\n  pattern: SPR-####-####\n");
  auto plain = RunCoupongen({"check", "--spec", "plain.yaml", "spr-7kq9-m3xa"}, "", dir_);
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_EQ(plain.out, "spr-7kq9-m3xa  valid as SPR-7KQ9-M3XA\n");
  EXPECT_EQ(plain.err,
            "coupongen: warning: plain.yaml: codes.check is off: codes have no check character, so only their shape is "
            "checked\n");
}

TEST(TypoRulesE2ETest, ValidateShowsCheckAndBlocklist) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/words.txt", "# ours\nxx\nqq\n");
  WriteFile(dir + "/s.yaml",
            "version: 1\ncampaign: c\ncodes:\n  count: 10\n  length: 11\n  group: 4\n  alphabet: uppercase\n"
            "  check: true\n  blocklist: words.txt\n");
  auto r = RunCoupongen({"validate", "s.yaml"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("code shape  ####-####-#### (14 characters, 11 random + 1 check)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("check       the last character (GF(4)+ x Z_9): catches every mistyped character and every swap "
                       "of neighbours\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("blocklist   built-in (335 words, 7 languages) + 2 words from words.txt; "), std::string::npos) << r.out;
  auto j = RunCoupongen({"validate", "s.yaml", "--json"}, "", dir);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto o = nlohmann::json::parse(j.out);
  EXPECT_EQ(o["check_character"], true);
  EXPECT_EQ(o["check_group"], "GF(4)+ x Z_9");
  EXPECT_EQ(o["random_length"], 11);
  EXPECT_EQ(o["code_length"], 14);
  EXPECT_EQ(o["blocklist_builtin"], true);
  EXPECT_EQ(o["blocklist_file"], "words.txt");
  EXPECT_EQ(o["blocklist_removed_exact"], true);
  const double removed = o["blocklist_removed_fraction"].get<double>();
  EXPECT_GT(removed, 0.01);
  EXPECT_LT(removed, 0.05);
  const double before = o["keyspace_before_blocklist"].get<double>();
  EXPECT_DOUBLE_EQ(before, 131621703842267136.0);  // 36^11: the check character adds none
  EXPECT_NEAR(o["keyspace"].get<double>(), before * (1 - removed), before * 1e-9);
  // blocklist: none.
  WriteFile(dir + "/n.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 10\n  blocklist: none\n");
  auto n = RunCoupongen({"validate", "n.yaml", "--json"}, "", dir);
  auto no = nlohmann::json::parse(n.out);
  EXPECT_EQ(no["blocklist_builtin"], false);
  EXPECT_EQ(no["blocklist_removed_fraction"], 0.0);
  EXPECT_EQ(no["check_character"], false);
  EXPECT_NE(RunCoupongen({"validate", "n.yaml"}, "", dir).out.find("blocklist   none\n"), std::string::npos);
}

TEST(TypoRulesE2ETest, GenerateIsReproducibleAndEveryCodeChecks) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/s.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 2000\n  length: 8\n  group: 3\n  check: true\n");
  std::vector<std::string> args = {"generate", "s.yaml", "--seed", "x", "-q", "-o", "-"};
  auto a = RunCoupongen(args, "", dir), b = RunCoupongen(args, "", dir);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  auto codes = Lines(a.out);
  ASSERT_EQ(codes.size(), 2001u);
  EXPECT_EQ(codes[1].size(), 11u);  // ###-###-### : 8 random + 1 check
  codes.erase(codes.begin());
  std::string all;
  for (const auto& c : codes) all += c + "\n";
  auto r = RunCoupongen({"check", "--spec", "s.yaml"}, all, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// --ledger: a valid code must also have been issued through the ledger, for this campaign.
TEST_F(CheckE2ETest, LedgerSaysWhetherACodeWasIssued) {
  WriteFile(dir_ + "/other.yaml", std::string(kSpec).replace(std::string(kSpec).find("support"), 7, "other"));
  auto a = RunCoupongen({"generate", "s.yaml", "--ledger", "l.db", "-n", "3", "-q", "-o", "a.csv", "--now",
                         "2027-02-01T00:00:00Z"}, "", dir_);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = RunCoupongen({"generate", "other.yaml", "--ledger", "l.db", "-n", "1", "-q", "-o", "b.csv"}, "", dir_);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::string issued = Lines(testing::ReadFile(dir_ + "/a.csv"))[1];
  const std::string other = Lines(testing::ReadFile(dir_ + "/b.csv"))[1];
  std::string never;  // a valid code of this campaign that the ledger does not hold
  for (const auto& c : codes_)
    if (c != issued && c != other) {
      never = c;
      break;
    }
  std::string lower = issued;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto r = RunCoupongen({"check", "--spec", "s.yaml", "--ledger", "l.db", issued, lower, other, never}, "", dir_);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{issued + "  valid, issued 2027-02-01T00:00:00.000Z",
                                                    lower + "  valid as " + issued + ", issued 2027-02-01T00:00:00.000Z",
                                                    other + "  invalid: issued for campaign other, not support",
                                                    never + "  invalid: not issued through l.db"}));
  auto j = RunCoupongen({"check", "--spec", "s.yaml", "--ledger", "l.db", "--json", issued}, "", dir_);
  EXPECT_EQ(j.exit_code, 0) << j.err;
  auto o = nlohmann::json::parse(j.out);
  EXPECT_EQ(o[0]["issued"]["campaign"], "support");
  EXPECT_EQ(o[0]["issued"]["output"], "a.csv");
}

// lint --spec with codes.check verifies every code's check character (and so its shape).
TEST_F(CheckE2ETest, LintVerifiesCheckCharacters) {
  std::string file = "code\n";
  for (int i = 0; i < 5; ++i) file += codes_[i] + "\n";
  WriteFile(dir_ + "/codes.csv", file);
  auto ok = RunCoupongen({"lint", "codes.csv", "--spec", "s.yaml"}, "", dir_);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  std::string typo = codes_[1];
  typo[4] = typo[4] == 'A' ? 'C' : 'A';
  std::string swapped = codes_[2];
  size_t i = 9;
  while (swapped[i] == swapped[i + 1]) ++i;
  std::swap(swapped[i], swapped[i + 1]);
  WriteFile(dir_ + "/codes.csv", "code\n" + codes_[0] + "\n" + typo + "\n" + swapped + "\nSPR-0123-45678\n");
  auto bad = RunCoupongen({"lint", "codes.csv", "--spec", "s.yaml"}, "", dir_);
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_EQ(Lines(bad.err), (std::vector<std::string>{
                                "coupongen: error: codes.csv:3: code: check character does not match (a typo?)",
                                "coupongen: error: codes.csv:4: code: check character does not match (a typo?)",
                                "coupongen: error: codes.csv:5: code: not the campaign's shape SPR-####-####: has 14 "
                                "characters, expected 13"}));
  // Without --spec, lint knows nothing of check characters.
  EXPECT_EQ(RunCoupongen({"lint", "codes.csv"}, "", dir_).exit_code, 0);
}

}  // namespace
}  // namespace coupongen
