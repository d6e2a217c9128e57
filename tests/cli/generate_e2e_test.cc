// End-to-end: the built binary on the samples and on bad input, checking exit codes, the exact
// error lines, the files left behind (and those not), and modes.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

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
const std::string kNow = "2027-02-01T00:00:00Z";

int Mode(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

TEST(GenerateE2ETest, EverySampleRunsAsWritten) {
  struct Sample {
    const char* spec;
    const char* output;  // the spec's output.path
    size_t lines;
  } samples[] = {
      {"vip-per-recipient.yaml", "vip-codes.csv", 12},           // header + 11 recipients
      {"onpack-2027.yaml", "summer-caps-2027.ndjson", 10},       // 100,000 codes in 10 imports
      {"spring-sale.yaml", "spring-sale-2027.ndjson", 5000},     // one POST body per line
  };
  for (const auto& s : samples) {
    std::string dir = MakeTempDir();
    auto r = RunCoupongen({"generate", kSamples + "/" + s.spec, "--now", kNow}, "", dir);
    EXPECT_EQ(r.exit_code, 0) << s.spec << "\n" << r.err;
    EXPECT_EQ(r.out, "") << s.spec;  // data went to the file
    std::string path = dir + "/" + s.output;
    ASSERT_TRUE(FileExists(path)) << s.spec;
    EXPECT_EQ(Mode(path), 0600) << s.spec;
    EXPECT_EQ(Lines(ReadFile(path)).size(), s.lines) << s.spec;
    EXPECT_EQ(ListDir(dir), (std::vector<std::string>{s.output})) << "no temporary file left";
    EXPECT_NE(r.err.find("coupongen: "), std::string::npos) << "a run summary on stderr";
  }
}

TEST(GenerateE2ETest, WeeklyCronSampleToStdoutIsDataOnly) {
  auto r = RunCoupongen({"generate", kSamples + "/weekly-newsletter.yaml", "--now", "2027-01-04T06:00:00+01:00", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // -q: nothing but errors
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 500u);
  std::set<std::string> codes;
  for (auto& c : j) {
    EXPECT_EQ(c["expires_at"], "2027-01-11T05:00:00.000Z");  // 7 days from --now, in UTC
    EXPECT_EQ(c["metadata"]["channel"], "email");
    std::string code = c["code"];
    EXPECT_EQ(code.substr(0, 5), "NEWS-");
    codes.insert(code);
  }
  EXPECT_EQ(codes.size(), 500u);
}

TEST(GenerateE2ETest, PerRecipientCodesFollowTheFile) {
  std::string dir = MakeTempDir();
  auto r = RunCoupongen({"generate", kSamples + "/vip-per-recipient.yaml", "--now", kNow, "-o", "-", "-q"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[0], "code,promotion_rule_id,usage_limit,customer_single_use,recipient_email,expires_at,reference,reference_origin,_add_tags");
  EXPECT_NE(lines[1].find(",ann.lee@example.com,2027-06-30T21:59:59.000Z,"), std::string::npos);
  EXPECT_NE(lines[11].find(",kate.obrien@example.ie,"), std::string::npos);
  EXPECT_TRUE(ListDir(dir).empty());
}

TEST(GenerateE2ETest, ThreeMistakesThreeErrorsNothingWritten) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/bad.yaml",
            "version: 1\n"
            "campaign: spring\n"
            "codes:\n"
            "  count: ten\n"
            "  length: 0\n"
            "coupon:\n"
            "  expires_at: 2027-02-30T00:00:00Z\n"
            "output:\n"
            "  path: out.csv\n");
  auto r = RunCoupongen({"generate", "bad.yaml", "--now", kNow}, "", dir);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{
                                   "bad.yaml:4:10: codes.count: must be a whole number, not 'ten'",
                                   "bad.yaml:5:11: codes.length: must be at least 1",
                                   "bad.yaml:7:15: coupon.expires_at: not a valid calendar date: '2027-02-30T00:00:00Z'",
                               }));
  // The offending line and a caret follow each error.
  EXPECT_NE(r.err.find("  5 |   length: 0\n    |           ^\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"bad.yaml"}));
}

TEST(GenerateE2ETest, ExistingOutputIsLeftAloneWithoutForce) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/codes.csv", "precious\n");
  auto r = RunCoupongen({"generate", kSamples + "/onpack-2027.yaml", "--now", kNow, "-f", "csv", "-o", "codes.csv",
                         "-n", "10"}, "", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"codes.csv already exists (use --force to replace it)"}));
  EXPECT_EQ(ReadFile(dir + "/codes.csv"), "precious\n");
  auto forced = RunCoupongen({"generate", kSamples + "/onpack-2027.yaml", "--now", kNow, "-f", "csv", "-o",
                              "codes.csv", "-n", "10", "--force", "-q"}, "", dir);
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(Lines(ReadFile(dir + "/codes.csv")).size(), 11u);
  EXPECT_EQ(Mode(dir + "/codes.csv"), 0600);
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"codes.csv"}));
}

TEST(GenerateE2ETest, SeedIsReproducibleAndWarned) {
  std::vector<std::string> args = {"generate", kSamples + "/spring-sale.yaml", "--now", kNow, "-o", "-", "--seed", "demo"};
  auto a = RunCoupongen(args), b = RunCoupongen(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.err.find("coupongen: warning: --seed makes every code predictable"), std::string::npos);
  args.back() = "other";
  EXPECT_NE(RunCoupongen(args).out, a.out);
  // Without a seed, two runs differ.
  auto c = RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--now", kNow, "-o", "-", "-n", "3", "-q"});
  auto d = RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--now", kNow, "-o", "-", "-n", "3", "-q"});
  EXPECT_NE(c.out, d.out);
}

TEST(GenerateE2ETest, InfeasibleExits4BeforeWriting) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/tiny.yaml", "version: 1\ncampaign: tiny\ncodes:\n  count: 600\n  alphabet: digits\n  length: 3\n  prefix: TINY-\n");
  auto r = RunCoupongen({"generate", "tiny.yaml", "-o", "out.csv"}, "", dir);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{
                                   "cannot make 600 unique codes: shape TINY-### has 1,000 possible codes (ignoring case), "
                                   "998 of them without a blocked word, and at most half the keyspace may be used: make codes longer or the alphabet larger"}));
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"tiny.yaml"}));
}

TEST(GenerateE2ETest, UsageErrorsExit2) {
  EXPECT_EQ(RunCoupongen({"generate"}).exit_code, 2);
  EXPECT_EQ(RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "-n", "0"}).exit_code, 2);
  EXPECT_EQ(RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "-f", "xml"}).exit_code, 2);
  EXPECT_EQ(RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--now", "tomorrow"}).exit_code, 2);
  auto r = RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--frce"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"generate: unknown option '--frce', did you mean '--force'?"}));
  auto missing = RunCoupongen({"generate", "/nonexistent/spec.yaml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(ErrorLines(missing.err), (std::vector<std::string>{"cannot read spec /nonexistent/spec.yaml: No such file or directory"}));
}

TEST(GenerateE2ETest, WriteFailuresLeaveNothing) {
  std::string dir = MakeTempDir();
  // A file-size limit mid-write (a full disk): a clear error, exit 1, no file, no temporary file.
  auto r = testing::Run({"/bin/sh", "-c", std::string("ulimit -f 64; exec ") + COUPONGEN_BINARY + " generate " + kSamples +
                                              "/onpack-2027.yaml --now " + kNow + " -o big.ndjson"},
                        "", dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("coupongen: error: cannot write big.ndjson: File too large"), std::string::npos) << r.err;
  EXPECT_TRUE(ListDir(dir).empty());
  // stdout on a full device.
  auto full = testing::Run({"/bin/sh", "-c", std::string(COUPONGEN_BINARY) + " generate " + kSamples +
                                                 "/onpack-2027.yaml --now " + kNow + " -o - > /dev/full"});
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_NE(full.err.find("coupongen: error: cannot write to stdout"), std::string::npos) << full.err;
  // /dev/null discards (never renamed over); another device is refused.
  auto null = RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--now", kNow, "-o", "/dev/null", "-q"});
  EXPECT_EQ(null.exit_code, 0) << null.err;
  EXPECT_EQ(null.out, "");
  auto zero = RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--now", kNow, "-o", "/dev/zero", "-q"});
  EXPECT_EQ(zero.exit_code, 1) << zero.err;
  // A directory that does not exist.
  auto nodir = RunCoupongen({"generate", kSamples + "/spring-sale.yaml", "--now", kNow, "-o", "/nonexistent/x.csv"});
  EXPECT_EQ(nodir.exit_code, 1);
}

TEST(GenerateE2ETest, InterruptLeavesNoTemporaryFile) {
  for (int sig : {SIGINT, SIGTERM}) {
    std::string dir = MakeTempDir();
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 2);
      execl(COUPONGEN_BINARY, COUPONGEN_BINARY, "generate", (kSamples + "/onpack-2027.yaml").c_str(), "--now",
            kNow.c_str(), "-n", "50000000", "-o", "big.ndjson", static_cast<char*>(nullptr));
      _exit(127);
    }
    // Wait until the temporary file exists and is growing, then interrupt.
    for (int i = 0; i < 500 && ListDir(dir).empty(); ++i) usleep(10000);
    ASSERT_FALSE(ListDir(dir).empty());
    usleep(100000);
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "dies of the signal it got";
    EXPECT_TRUE(ListDir(dir).empty()) << "temporary file removed";
  }
}

TEST(ValidateE2ETest, SummaryAndJson) {
  auto r = RunCoupongen({"validate", kSamples + "/onpack-2027.yaml", "--now", kNow});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("count       100,000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("code shape  ####-####-#### (14 characters, 12 random)\n"), std::string::npos) << r.out;
  // The built-in blocklist removes 1.22% of the 5.31e+17 codes.
  EXPECT_NE(r.out.find("keyspace    5.25e+17 codes (ignoring case)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("entropy     58.9 bits per code\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expires at  2027-09-30T23:59:59.000Z (absolute)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("problems    none\n"), std::string::npos) << r.out;
  auto j = RunCoupongen({"validate", kSamples + "/onpack-2027.yaml", "--now", kNow, "--json"});
  ASSERT_EQ(j.exit_code, 0);
  auto o = nlohmann::json::parse(j.out);
  EXPECT_EQ(o["valid"], true);
  EXPECT_EQ(o["count"], 100000);
  EXPECT_EQ(o["random_length"], 12);
  EXPECT_DOUBLE_EQ(o["entropy_bits"].get<double>(), 58.86);
  EXPECT_EQ(o["guess_odds_text"], "1 in 5,249,326,303,724");
  EXPECT_EQ(o["expires_at"], "2027-09-30T23:59:59.000Z");
}

TEST(ValidateE2ETest, ProblemsAndExitCodes) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/s.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 5\n  lenght: 4\n");
  auto r = RunCoupongen({"validate", "s.yaml", "--json"}, "", dir);
  EXPECT_EQ(r.exit_code, 3);
  auto o = nlohmann::json::parse(r.out);
  EXPECT_EQ(o["valid"], false);
  ASSERT_EQ(o["problems"].size(), 1u);
  EXPECT_EQ(o["problems"][0]["text"], "s.yaml:5:3: codes.lenght: unknown key (did you mean 'length'?)");
  EXPECT_EQ(o["problems"][0]["line"], 5);
  WriteFile(dir + "/t.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 600\n  alphabet: digits\n  pattern: 'T-#######'\n  min_length: 4\n");
  EXPECT_EQ(RunCoupongen({"validate", "t.yaml"}, "", dir).exit_code, 0);
  WriteFile(dir + "/t.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 600\n  alphabet: digits\n  pattern: 'T-###'\n  min_length: 4\n");
  auto inf = RunCoupongen({"validate", "t.yaml"}, "", dir);
  EXPECT_EQ(inf.exit_code, 4);
  EXPECT_NE(inf.out.find("problems    1 error, 0 warnings"), std::string::npos) << inf.out;
}

}  // namespace
}  // namespace coupongen
