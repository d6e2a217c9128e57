// The fault cases of faults_e2e_test.cc that need root and a mount namespace there (a full disk
// under the output, a read-only output file system), and those no mount can make (an I/O error
// at fsync, at the rename, at the directory sync), run here without privileges: the commands run
// in this process (RunCommandLine) with a Context whose Env fails the chosen call
// (testing/fault_env.h). The ledger itself (SQLite) does not go through the Env: its full disk
// stays in faults_e2e_test.cc. After each: the error, exit 1, the earlier output intact, no
// temporary file left, the ledger unchanged (or, when the rename failed after the ledger's commit,
// the codes reserved), and a later run that issues no code twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <sstream>

#include "cli/fault_cases.h"
#include "cli/subcommands.h"
#include "codes/random_source.h"
#include "testing/fault_env.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::CsvCodes;
using testing::ErrorLines;
using testing::kPrecious;
using testing::FaultEnv;
using testing::ListDir;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using Op = FaultEnv::Op;

struct InProcessResult {
  int exit_code;
  std::string out, err;
};

// coupongen ARGS..., in this process, its file system calls through `env`.
InProcessResult RunInProcess(const std::vector<std::string>& args, Env* env = Env::Default()) {
  std::ostringstream out, err;
  OpenSslRandom random;
  Context ctx{out, err, false, random};
  ctx.env = env;
  int code = RunCommandLine(args, ctx);
  return {code, out.str(), err.str()};
}

class FaultEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(spec_, testing::kFaultSpec);
    auto first = Generate({"-o", dir_ / "first.csv"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    WriteFile(output_, kPrecious);
    ledger_bytes_ = ReadFile(ledger_);
    issued_ = LedgerCodes();
    ASSERT_EQ(issued_.size(), 2000u);
    files_ = ListDir(dir_.path());
  }

  InProcessResult Generate(std::vector<std::string> args, Env* env = Env::Default()) {
    std::vector<std::string> all = {"generate", spec_, "--ledger", ledger_, "-q"};
    all.insert(all.end(), args.begin(), args.end());
    return RunInProcess(all, env);
  }

  std::set<std::string> LedgerCodes() {
    auto r = RunInProcess({"ledger", "export", "-f", "csv", "--ledger", ledger_, "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return CsvCodes(r.out);
  }

  void ExpectNothingChanged() {
    EXPECT_EQ(ReadFile(output_), kPrecious) << "the earlier output is intact";
    EXPECT_EQ(ListDir(dir_.path()), files_) << "no temporary file left";
    EXPECT_TRUE(ReadFile(ledger_) == ledger_bytes_) << "the ledger is unchanged";
  }

  // A later run through the same ledger issues 2,000 codes none of which was issued (or reserved)
  // before.
  void ExpectALaterRunIssuesNoCodeTwice(const std::set<std::string>& reserved = {}) {
    auto r = Generate({"-o", dir_ / "later.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto later = CsvCodes(ReadFile(dir_ / "later.csv"));
    EXPECT_EQ(later.size(), 2000u);
    for (const auto& c : later) {
      EXPECT_EQ(issued_.count(c), 0u) << c << " issued twice";
      EXPECT_EQ(reserved.count(c), 0u) << c << " was reserved by the failed run";
    }
  }

  TempDir dir_;
  const std::string spec_ = dir_ / "s.yaml", ledger_ = dir_ / "l.db", output_ = dir_ / "codes.csv";
  std::string ledger_bytes_;
  std::set<std::string> issued_;
  std::vector<std::string> files_;
  FaultEnv env_;
};

TEST_F(FaultEnvTest, DiskFullUnderTheOutput) {
  for (int nth : {1, 3}) {
    env_.FailAt(Op::kWrite, ENOSPC, nth, "codes.csv");
    auto r = Generate({"-n", "200000", "-o", output_, "--force"}, &env_);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot write " + output_ + ": No space left on device"}));
    EXPECT_GE(env_.Calls(Op::kWrite), nth);
    ExpectNothingChanged();
    env_.Clear();
  }
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultEnvTest, OutputOnAReadOnlyFileSystem) {
  env_.FailAt(Op::kCreate, EROFS, 1, "codes.csv");
  auto r = Generate({"-o", output_, "--force"}, &env_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot create a file in " + dir_.path() + ": Read-only file system"}));
  ExpectNothingChanged();
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultEnvTest, IoErrorWhenTheOutputIsSynced) {
  for (Op op : {Op::kSync, Op::kClose}) {
    env_.FailAt(op, EIO, 1, "codes.csv");
    auto r = Generate({"-o", output_, "--force"}, &env_);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot write " + output_ + ": Input/output error"}));
    ExpectNothingChanged();
    env_.Clear();
  }
  ExpectALaterRunIssuesNoCodeTwice();
}

TEST_F(FaultEnvTest, IoErrorAtTheRenameLeavesTheCodesReserved) {
  // The ledger has committed when the rename fails: its codes stay reserved (never reissued),
  // and the error says so. The earlier output is intact and no temporary file is left.
  env_.FailAt(Op::kRename, EIO, 1, "codes.csv");
  auto r = Generate({"-o", output_, "--force"}, &env_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ErrorLines(r.err),
            (std::vector<std::string>{"cannot rename into " + output_ + ": Input/output error; its 2,000 codes stay "
                                      "reserved in ledger " + ledger_ + " as undelivered (never reissued)"}));
  EXPECT_EQ(ReadFile(output_), kPrecious);
  EXPECT_EQ(ListDir(dir_.path()), files_) << "no temporary file left";
  std::set<std::string> reserved;
  for (const auto& c : LedgerCodes())
    if (!issued_.count(c)) reserved.insert(c);
  EXPECT_EQ(reserved.size(), 2000u);
  ExpectALaterRunIssuesNoCodeTwice(reserved);
}

TEST_F(FaultEnvTest, KeygenOnAFullDiskLeavesNoKeyFile) {
  const std::string key = dir_ / "k.key";
  env_.FailAt(Op::kWrite, ENOSPC);
  auto r = RunInProcess({"keygen", key}, &env_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot write key file " + key + ": No space left on device"}));
  EXPECT_EQ(ListDir(dir_.path()), files_);
  // generate --create-key the same.
  WriteFile(dir_ / "keyed.yaml", "version: 1\ncampaign: faults-keyed\ncodes:\n  count: 100\n  length: 12\n  mode: keyed\n"
                                 "  key_file: " + key + "\n");
  auto g = RunInProcess({"generate", dir_ / "keyed.yaml", "--create-key", "-q", "-o", dir_ / "keyed.csv"}, &env_);
  EXPECT_EQ(g.exit_code, 1) << g.err;
  EXPECT_EQ(ErrorLines(g.err), (std::vector<std::string>{"cannot write key file " + key + ": No space left on device"}));
  auto listing = ListDir(dir_.path());
  EXPECT_EQ(std::count(listing.begin(), listing.end(), "k.key"), 0);
  EXPECT_EQ(std::count(listing.begin(), listing.end(), "keyed.csv"), 0);
}

TEST_F(FaultEnvTest, InitOnAFullDiskLeavesNoSpec) {
  const std::string path = dir_ / "new.yaml";
  for (Op op : {Op::kWrite, Op::kSync}) {
    env_.FailAt(op, op == Op::kWrite ? ENOSPC : EIO);
    auto r = RunInProcess({"init", path}, &env_);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(ErrorLines(r.err), (std::vector<std::string>{"cannot write " + path + ": " +
                                                           (op == Op::kWrite ? "No space left on device" : "Input/output error")}));
    EXPECT_EQ(ListDir(dir_.path()), files_);
    env_.Clear();
  }
  env_.FailAt(Op::kRead, EIO);
  auto r = RunInProcess({"init", path}, &env_);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(ErrorLines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(ErrorLines(r.err)[0].rfind("cannot read ", 0), 0u) << r.err;
  EXPECT_NE(ErrorLines(r.err)[0].find(".yaml: Input/output error"), std::string::npos) << r.err;
  EXPECT_EQ(ListDir(dir_.path()), files_);
}

}  // namespace
}  // namespace coupongen
