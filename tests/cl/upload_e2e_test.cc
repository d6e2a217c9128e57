// coupongen upload against the Commerce Layer emulator (tests/cl/cl_emulator.py): a real HTTP
// server on 127.0.0.1 that validates every request and counts the imports per reference.
// The heart: kill -9 at every step of a chunk's life, rerun, and no chunk is imported twice.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "testing/cl_emulator.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ClEmulator;
using testing::CouponsCsv;
using testing::ReadFile;
using testing::RunAgainst;
using testing::WriteFile;

class UploadTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Every reference imported exactly once, nothing the emulator refused as malformed.
  static void ExpectEachOnce(const nlohmann::json& stats, size_t references) {
    EXPECT_EQ(stats["violations"], nlohmann::json::array()) << stats["violations"].dump(1);
    EXPECT_EQ(stats["imports_by_reference"].size(), references) << stats["imports_by_reference"].dump();
    for (const auto& [ref, n] : stats["imports_by_reference"].items()) EXPECT_EQ(n, 1) << ref;
  }

  static void ExpectNoSecrets(const testing::RunResult& r) {
    for (const auto* s : {&r.out, &r.err}) {
      EXPECT_EQ(s->find(testing::kClientSecret), std::string::npos) << *s;
      EXPECT_EQ(s->find("eyJ"), std::string::npos) << *s;  // a JWT
    }
  }

  std::string dir_;
};

TEST_F(UploadTest, TwentyFiveThousandCouponsInThreeImportsThenARerunSendsNothing) {
  ClEmulator emu;
  WriteFile(Path("spring.csv"), CouponsCsv("SPRING", 25000));
  auto r = RunAgainst(&emu, {"upload", Path("spring.csv"), "--report", Path("report.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoSecrets(r);
  auto stats = emu.Stats();
  ExpectEachOnce(stats, 3);
  EXPECT_EQ(stats["coupons"], 25000);
  for (const char* ref : {"spring-0001", "spring-0002", "spring-0003"}) {
    EXPECT_EQ(stats["imports_by_reference"][ref], 1) << ref;
    EXPECT_NE(r.err.find(std::string("import ") + ref + " completed"), std::string::npos) << r.err;
  }
  // Every import as the contract describes it.
  for (const auto& [id, imp] : stats["imports"].items()) {
    EXPECT_EQ(imp["resource_type"], "coupons");
    EXPECT_EQ(imp["format"], "json");
    EXPECT_EQ(imp["parent_resource_id"], "RuleAbcDef");
    EXPECT_EQ(imp["reference_origin"], "coupongen");
    EXPECT_LE(imp["inputs_size"].get<int>(), 10000);
  }
  auto report = nlohmann::json::parse(ReadFile(Path("report.json")));
  ASSERT_EQ(report["imports"].size(), 3u);
  int64_t processed = 0;
  for (const auto& i : report["imports"]) {
    EXPECT_EQ(i["status"], "completed");
    EXPECT_EQ(i["errors_count"], 0);
    EXPECT_TRUE(i["errors_log"].is_object());
    processed += i["processed_count"].get<int64_t>();
  }
  EXPECT_EQ(processed, 25000);
  EXPECT_TRUE(testing::FileExists(Path("spring.csv.upload-journal")));
  struct stat st;
  ASSERT_EQ(stat(Path("spring.csv.upload-journal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const int posts = emu.Stats()["import_posts"];
  auto again = RunAgainst(&emu, {"upload", Path("spring.csv")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(emu.Stats()["import_posts"], posts);  // all done before: nothing sent again
  EXPECT_NE(again.err.find("in an earlier run"), std::string::npos) << again.err;
}

// kill -9 at each step of a chunk's life, then the same command again: every chunk imported
// exactly once, every coupon there.
TEST_F(UploadTest, KilledAtEveryStepThenRerunImportsEveryChunkExactlyOnce) {
  for (const char* step : {"before-post", "after-post", "polling", "after-complete", "after-journal"}) {
    SCOPED_TRACE(step);
    ClEmulator emu;
    const std::string file = Path(std::string("crash-") + step + ".csv");
    WriteFile(file, CouponsCsv("CRASH", 500));
    const std::vector<std::string> args = {"upload", file, "--chunk-size", "100", "--concurrency", "2"};
    auto killed = RunAgainst(&emu, args, {std::string("COUPONGEN_TEST_CRASH_AT=") + step});
    EXPECT_EQ(killed.exit_code, 128 + 9) << killed.err;
    auto r = RunAgainst(&emu, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto stats = emu.Stats();
    ExpectEachOnce(stats, 5);
    EXPECT_EQ(stats["import_posts"], 5);
    EXPECT_EQ(stats["coupons"], 500);
  }
}

// Killed twice in a row at the ambiguous moment (sent, answer not recorded), then finished.
TEST_F(UploadTest, KilledTwiceAfterPostStillOnce) {
  ClEmulator emu;
  WriteFile(Path("twice.csv"), CouponsCsv("TWICE", 300));
  const std::vector<std::string> args = {"upload", Path("twice.csv"), "--chunk-size", "100", "--concurrency", "1"};
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(RunAgainst(&emu, args, {"COUPONGEN_TEST_CRASH_AT=after-post"}).exit_code, 137);
  auto r = RunAgainst(&emu, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto stats = emu.Stats();
  ExpectEachOnce(stats, 3);
  EXPECT_EQ(stats["coupons"], 300);
}

TEST_F(UploadTest, ThrottledServerErrorsAndAnExpiredTokenAreRidden) {
  ClEmulator emu;
  emu.Control("faults", {{{"method", "POST"}, {"path", "/api/imports"}, {"action", "429"}, {"times", 2}},
                         {{"method", "POST"}, {"path", "/api/imports"}, {"action", "500-after-create"}, {"times", 1}},
                         {{"method", "POST"}, {"path", "/api/imports"}, {"action", "drop-after-create"}, {"times", 1}},
                         {{"method", "GET"}, {"path", "/api/imports/"}, {"action", "401"}, {"times", 1}},
                         {{"method", "GET"}, {"path", "/api/imports/"}, {"action", "500"}, {"times", 2}},
                         {{"method", "GET"}, {"path", "/api/imports/"}, {"action", "drop"}, {"times", 1}}});
  WriteFile(Path("faults.csv"), CouponsCsv("FAULT", 400));
  auto r = RunAgainst(&emu, {"upload", Path("faults.csv"), "--chunk-size", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoSecrets(r);
  auto stats = emu.Stats();
  ExpectEachOnce(stats, 4);  // the 500 and the dropped answer created imports: adopted, not resent
  EXPECT_EQ(stats["coupons"], 400);
  EXPECT_GE(stats["tokens_issued"].get<int>(), 2);  // renewed after the 401
}

TEST_F(UploadTest, ATokenThatExpiresMidRunIsRenewed) {
  ClEmulator emu({"--token-ttl", "2", "--slow", "0.3"});
  WriteFile(Path("ttl.csv"), CouponsCsv("TTL", 600));
  auto r = RunAgainst(&emu, {"upload", Path("ttl.csv"), "--chunk-size", "100", "--concurrency", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto stats = emu.Stats();
  ExpectEachOnce(stats, 6);
  EXPECT_GE(stats["tokens_issued"].get<int>(), 2);
}

TEST_F(UploadTest, RefusedInputsGoToRejectsAndExitFive) {
  ClEmulator emu;
  emu.Control("refuse", {{"codes", {"PART00000003", "PART00000007"}}});
  WriteFile(Path("part.csv"), CouponsCsv("PART", 100));
  auto r = RunAgainst(&emu, {"upload", Path("part.csv"), "--rejects", Path("rejects.csv"), "--report", Path("r.json")});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(ReadFile(Path("rejects.csv")),
            "code,attribute,message\nPART00000003,code,has already been taken\nPART00000007,code,has already been taken\n");
  auto report = nlohmann::json::parse(ReadFile(Path("r.json")));
  EXPECT_EQ(report["imports"][0]["errors_count"], 2);
  EXPECT_EQ(report["imports"][0]["errors_log"]["PART00000003"]["code"][0], "has already been taken");
  EXPECT_NE(r.err.find("2 errors"), std::string::npos) << r.err;
}

TEST_F(UploadTest, AnInterruptedImportIsPartial) {
  ClEmulator emu;
  std::vector<std::string> refused;
  for (int i = 0; i < 20; ++i) refused.push_back("INTR" + std::string(i < 10 ? "0000000" : "000000") + std::to_string(i));
  emu.Control("refuse", {{"codes", refused}});
  WriteFile(Path("intr.csv"), CouponsCsv("INTR", 100));
  auto r = RunAgainst(&emu, {"upload", Path("intr.csv"), "--report", Path("r.json")});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(nlohmann::json::parse(ReadFile(Path("r.json")))["imports"][0]["status"], "interrupted");
  EXPECT_NE(r.err.find("interrupted"), std::string::npos);
}

TEST_F(UploadTest, InvalidRowsSendNothing) {
  ClEmulator emu;
  WriteFile(Path("bad.csv"), "code,promotion_rule_id,usage_limit\nGOODCODE1,RuleAbcDef,1\nBAD,RuleAbcDef,0\n");
  auto r = RunAgainst(&emu, {"upload", Path("bad.csv")});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("bad.csv:3: code:"), std::string::npos) << r.err;
  EXPECT_EQ(emu.Stats()["requests"], 1);  // only this stats call
  EXPECT_FALSE(testing::FileExists(Path("bad.csv.upload-journal")));
  // No promotion rule anywhere: also invalid, unless --promotion-rule gives one.
  WriteFile(Path("norule.csv"), "code\nNORULE0001\n");
  EXPECT_EQ(RunAgainst(&emu, {"upload", Path("norule.csv")}).exit_code, 3);
  auto ok = RunAgainst(&emu, {"upload", Path("norule.csv"), "--promotion-rule", "OtherRule"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(UploadTest, DryRunContactsNothing) {
  WriteFile(Path("dry.csv"), CouponsCsv("DRYRUN", 250));
  auto r = RunAgainst(nullptr, {"upload", Path("dry.csv"), "--chunk-size", "100", "--dry-run", "--api-url",
                                "http://127.0.0.1:9"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("dry-0001\t100 inputs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dry-0003\t50 inputs"), std::string::npos) << r.out;
  EXPECT_FALSE(testing::FileExists(Path("dry.csv.upload-journal")));
}

TEST_F(UploadTest, CredentialProblemsAreUsageErrorsOrExitSix) {
  ClEmulator emu;
  WriteFile(Path("c.csv"), CouponsCsv("CRED", 10));
  auto missing = RunAgainst(&emu, {"upload", Path("c.csv")}, {"CL_CLIENT_SECRET="});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("CL_CLIENT_SECRET"), std::string::npos) << missing.err;
  WriteFile(Path("creds.yaml"), "client_id: test-client-id\nclient_secret: test-client-secret\n");
  chmod(Path("creds.yaml").c_str(), 0644);
  auto open_file = RunAgainst(&emu, {"upload", Path("c.csv"), "--credentials", Path("creds.yaml")});
  EXPECT_EQ(open_file.exit_code, 2);
  EXPECT_NE(open_file.err.find("0600"), std::string::npos) << open_file.err;
  chmod(Path("creds.yaml").c_str(), 0600);
  auto from_file = RunAgainst(&emu, {"upload", Path("c.csv"), "--credentials", Path("creds.yaml")},
                              {"CL_CLIENT_ID=", "CL_CLIENT_SECRET="});
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  WriteFile(Path("d.csv"), CouponsCsv("WRONG", 10));
  auto refused = RunAgainst(&emu, {"upload", Path("d.csv")}, {"CL_CLIENT_SECRET=not-the-secret"});
  EXPECT_EQ(refused.exit_code, 6) << refused.err;
  EXPECT_EQ(refused.err.find("not-the-secret"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("refused the credentials"), std::string::npos) << refused.err;
}

TEST_F(UploadTest, UnreachableApiFailsAfterBoundedRetriesAndResumesLater) {
  int port;
  {
    ClEmulator gone;
    port = gone.port();
  }
  WriteFile(Path("net.csv"), CouponsCsv("NET", 200));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto r = RunAgainst(nullptr, {"upload", Path("net.csv"), "--chunk-size", "100", "--auth-url", url + "/oauth/token",
                                "--api-url", url});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("gave up after"), std::string::npos) << r.err;
  ClEmulator emu;
  auto again = RunAgainst(&emu, {"upload", Path("net.csv"), "--chunk-size", "100"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  ExpectEachOnce(emu.Stats(), 2);
}

TEST_F(UploadTest, TheWholeRunTimeoutStopsAndARerunFinishes) {
  ClEmulator emu;
  emu.Control("faults", {{{"method", "GET"}, {"path", "/api/imports/"}, {"action", "delay"}, {"seconds", 3}, {"times", 1}}});
  WriteFile(Path("slow.csv"), CouponsCsv("SLOW", 100));
  auto r = RunAgainst(&emu, {"upload", Path("slow.csv"), "--timeout", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--timeout"), std::string::npos) << r.err;
  auto again = RunAgainst(&emu, {"upload", Path("slow.csv")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  auto stats = emu.Stats();
  ExpectEachOnce(stats, 1);
  EXPECT_EQ(stats["coupons"], 100);
}

TEST_F(UploadTest, OptionsAreChecked) {
  WriteFile(Path("o.csv"), CouponsCsv("OPTS", 10));
  EXPECT_EQ(RunAgainst(nullptr, {"upload", Path("o.csv"), "--concurrency", "11"}).exit_code, 2);
  EXPECT_EQ(RunAgainst(nullptr, {"upload", Path("o.csv"), "--concurrency", "0"}).exit_code, 2);
  EXPECT_EQ(RunAgainst(nullptr, {"upload", Path("o.csv"), "--chunk-size", "10001"}).exit_code, 2);
  EXPECT_EQ(RunAgainst(nullptr, {"upload", Path("o.csv"), "--timeout", "soon"}).exit_code, 2);
}

TEST_F(UploadTest, AJournalOfAnotherUploadIsRefused) {
  ClEmulator emu;
  WriteFile(Path("a.csv"), CouponsCsv("JRNA", 10));
  ASSERT_EQ(RunAgainst(&emu, {"upload", Path("a.csv"), "--journal", Path("j")}).exit_code, 0);
  WriteFile(Path("a.csv"), CouponsCsv("JRNB", 10));
  auto r = RunAgainst(&emu, {"upload", Path("a.csv"), "--journal", Path("j")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("belongs to another upload"), std::string::npos) << r.err;
}

TEST_F(UploadTest, GenerateUploadWritesTheFileThenUploadsIt) {
  ClEmulator emu;
  WriteFile(Path("weekly.yaml"), "version: 1\ncampaign: weekly\npromotion_rule_id: RuleWeekly\ncodes:\n  count: 150\n"
                                 "coupon:\n  usage_limit: 1\n");
  auto r = RunAgainst(&emu, {"generate", Path("weekly.yaml"), "-o", Path("weekly.csv"), "--upload"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::Lines(ReadFile(Path("weekly.csv"))).size(), 151u);
  EXPECT_TRUE(testing::FileExists(Path("weekly.csv.upload-journal")));
  auto stats = emu.Stats();
  ExpectEachOnce(stats, 1);
  EXPECT_EQ(stats["imports_by_reference"]["weekly-0001"], 1);
  EXPECT_EQ(stats["coupons"], 150);
  // stdout and --seed are usage errors, before anything is generated or sent.
  auto to_stdout = RunAgainst(&emu, {"generate", Path("weekly.yaml"), "-o", "-", "--upload"});
  EXPECT_EQ(to_stdout.exit_code, 2) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, "");
  auto seeded = RunAgainst(&emu, {"generate", Path("weekly.yaml"), "-o", Path("w2.csv"), "--upload", "--seed", "x"});
  EXPECT_EQ(seeded.exit_code, 2) << seeded.err;
  EXPECT_FALSE(testing::FileExists(Path("w2.csv")));
  EXPECT_EQ(emu.Stats()["import_posts"], 1);
}

}  // namespace
}  // namespace coupongen
