// End-to-end: keyed mode through the built binary. Keys (keygen, --create-key, refused keys),
// shards run as separate concurrent processes, ranges, determinism, and every format and shape.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "base/strings.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::FileExists;
using testing::ListDir;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::RunCoupongen;
using testing::WriteFile;

const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<std::string> ErrorLines(const std::string& err) {
  std::vector<std::string> out;
  for (auto& l : Lines(err))
    if (l.rfind("coupongen: error: ", 0) == 0) out.push_back(l.substr(18));
  return out;
}

// The code column of a CSV output (header dropped).
std::vector<std::string> CsvCodes(const std::string& csv) {
  std::vector<std::string> codes;
  auto lines = Lines(csv);
  for (size_t i = 1; i < lines.size(); ++i) codes.push_back(lines[i].substr(0, lines[i].find(',')));
  return codes;
}

int Mode(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

void WriteKey(const std::string& path, const std::string& hex = kKeyHex) {
  WriteFile(path, hex);
  chmod(path.c_str(), 0600);
}

// A campaign directory with a key and a keyed spec: `codes` lines go under codes:.
std::string Campaign(const std::string& codes, const std::string& extra = "", const std::string& name = "spring-keyed") {
  std::string dir = MakeTempDir();
  WriteKey(dir + "/campaign.key");
  WriteFile(dir + "/s.yaml", "version: 1\ncampaign: " + name +
                                 "\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  mode: keyed\n  key_file: campaign.key\n" +
                                 codes + extra);
  return dir;
}

TEST(KeyedE2ETest, KeygenWritesAPrivateKeyAndNeverOverwrites) {
  std::string dir = MakeTempDir();
  auto r = RunCoupongen({"keygen", "k.key"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Mode(dir + "/k.key"), 0600);
  std::string key = ReadFile(dir + "/k.key");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_NE(r.err.find("coupongen: created key file k.key (key id "), std::string::npos) << r.err;

  auto again = RunCoupongen({"keygen", "k.key"}, "", dir);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(ErrorLines(again.err), std::vector<std::string>{"key file k.key already exists; not overwriting it"});
  EXPECT_EQ(ReadFile(dir + "/k.key"), key);

  EXPECT_EQ(RunCoupongen({"keygen"}, "", dir).exit_code, 2);
  auto help = RunCoupongen({"--help"});
  EXPECT_NE(help.out.find("  keygen    create a key file for keyed mode"), std::string::npos) << help.out;
}

TEST(KeyedE2ETest, SpecErrorsAreLocated) {
  std::string dir = MakeTempDir();
  WriteFile(dir + "/s.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 10\n  mode: bogus\n");
  auto r = RunCoupongen({"generate", "s.yaml"}, "", dir);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(ErrorLines(r.err), std::vector<std::string>{"s.yaml:5:9: codes.mode: unknown mode 'bogus' (use random or keyed)"});
  WriteFile(dir + "/s.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 10\n  mode: keyed\n  alphabet: alphanumeric\n"
                             "  length: 3\n  prefix: KEYEDX\n");
  r = RunCoupongen({"generate", "s.yaml"}, "", dir);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(ErrorLines(r.err),
            (std::vector<std::string>{
                "s.yaml:5:9: codes.key_file: is required in keyed mode (make a key with: coupongen keygen FILE)",
                "s.yaml:6:13: codes.alphabet: keyed mode cannot use an alphabet with a letter in both cases: codes "
                "that differ only in case count as the same code, and keyed codes are distinct only as exact strings",
                "s.yaml:7:11: codes.length: keyed mode needs at least 1,000,000 possible codes (radix^length); 62^3 = "
                "238,328 is too small"}))
      << r.err;
  EXPECT_EQ(ListDir(dir), std::vector<std::string>{"s.yaml"});
}

TEST(KeyedE2ETest, MissingOrExposedKeysAreRefused) {
  std::string dir = Campaign("  count: 10\n", "output:\n  path: out.csv\n");
  unlink((dir + "/campaign.key").c_str());
  auto missing = RunCoupongen({"generate", "s.yaml"}, "", dir);
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(ErrorLines(missing.err),
            std::vector<std::string>{"s.yaml:6:13: codes.key_file: key file campaign.key does not exist (create one "
                                     "with: coupongen keygen campaign.key)"});
  EXPECT_NE(missing.err.find("  6 |   key_file: campaign.key\n    |             ^\n"), std::string::npos) << missing.err;
  EXPECT_EQ(RunCoupongen({"validate", "s.yaml"}, "", dir).exit_code, 3);

  WriteKey(dir + "/campaign.key");
  for (int mode : {0644, 0640, 0604}) {
    chmod((dir + "/campaign.key").c_str(), mode);
    auto exposed = RunCoupongen({"generate", "s.yaml"}, "", dir);
    EXPECT_EQ(exposed.exit_code, 3) << mode;
    ASSERT_EQ(ErrorLines(exposed.err).size(), 1u) << exposed.err;
    EXPECT_EQ(ErrorLines(exposed.err)[0].rfind("s.yaml:6:13: codes.key_file: campaign.key is readable by ", 0), 0u)
        << exposed.err;
    EXPECT_EQ(RunCoupongen({"validate", "s.yaml"}, "", dir).exit_code, 3);
  }
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"campaign.key", "s.yaml"})) << "nothing written";
}

TEST(KeyedE2ETest, CreateKeyMakesTheKeyOnFirstUseOnly) {
  std::string dir = Campaign("  count: 20\n");
  unlink((dir + "/campaign.key").c_str());
  auto first = RunCoupongen({"generate", "s.yaml", "--create-key", "-o", "a.csv"}, "", dir);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Mode(dir + "/campaign.key"), 0600);
  EXPECT_NE(first.err.find(", created now, mode 0600)"), std::string::npos) << first.err;
  std::string key = ReadFile(dir + "/campaign.key");
  auto second = RunCoupongen({"generate", "s.yaml", "--create-key", "-o", "b.csv"}, "", dir);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(ReadFile(dir + "/campaign.key"), key) << "an existing key is used, never replaced";
  EXPECT_EQ(ReadFile(dir + "/a.csv"), ReadFile(dir + "/b.csv"));

  auto sharded = RunCoupongen({"generate", "s.yaml", "--create-key", "--shard", "0/2"}, "", dir);
  EXPECT_EQ(sharded.exit_code, 2);
  EXPECT_EQ(ErrorLines(sharded.err),
            std::vector<std::string>{"generate: --create-key cannot be used with --range or --shard: every part of a "
                                     "campaign must use the same key, so create it once (coupongen keygen FILE) and "
                                     "copy it to each machine"});
}

// 4 shards of one campaign, run as 4 concurrent processes sharing nothing but the spec and key.
TEST(KeyedE2ETest, FourShardsAsSeparateProcessesNeverOverlap) {
  std::string dir = Campaign("  count: 40000\n  prefix: SPR-\n  group: 4\n");
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) {
    std::string shard = std::to_string(i) + "/4", out = "shard" + std::to_string(i) + ".csv";
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      execl(COUPONGEN_BINARY, COUPONGEN_BINARY, "generate", "s.yaml", "--shard", shard.c_str(), "-o", out.c_str(), "-q",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::set<std::string> folded;
  std::vector<std::string> in_order;
  for (int i = 0; i < 4; ++i) {
    auto codes = CsvCodes(ReadFile(dir + "/shard" + std::to_string(i) + ".csv"));
    EXPECT_EQ(codes.size(), 10000u) << i;
    for (const auto& c : codes) {
      EXPECT_TRUE(std::regex_match(c, std::regex("SPR-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}"))) << c;
      EXPECT_TRUE(folded.insert(ToLowerAscii(c)).second) << "duplicate " << c;
    }
    in_order.insert(in_order.end(), codes.begin(), codes.end());
  }
  EXPECT_EQ(folded.size(), 40000u);
  // The shards are the unsharded run cut in four: same codes, same order.
  auto whole = RunCoupongen({"generate", "s.yaml", "-q"}, "", dir);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(CsvCodes(whole.out), in_order);
}

TEST(KeyedE2ETest, SameKeyAndRangeGiveByteIdenticalOutputAndOtherKeysOtherCodes) {
  std::string dir = Campaign("  count: 1000\n", "coupon:\n  usage_limit: 1\n  expires_at: 2030-01-01T00:00:00Z\n");
  auto a = RunCoupongen({"generate", "s.yaml", "--range", "5000:1000", "-q"}, "", dir);
  auto b = RunCoupongen({"generate", "s.yaml", "--range", "5000:1000", "-q"}, "", dir);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(Lines(a.out).size(), 1001u);
  // The slice 5500:10 of the same run is the same 10 codes.
  auto part = RunCoupongen({"generate", "s.yaml", "--range", "5500:10", "-q"}, "", dir);
  auto codes = CsvCodes(a.out);
  EXPECT_EQ(CsvCodes(part.out), std::vector<std::string>(codes.begin() + 500, codes.begin() + 510));

  // The raw 32-byte form of the same key: the same codes.
  std::string raw;
  for (int i = 0; i < 32; ++i) raw.push_back(static_cast<char>(i));
  WriteKey(dir + "/campaign.key", raw);
  EXPECT_EQ(RunCoupongen({"generate", "s.yaml", "--range", "5000:1000", "-q"}, "", dir).out, a.out);

  // A wrong key (one bit off) or another campaign: unrelated codes.
  std::set<std::string> mine(codes.begin(), codes.end());
  WriteKey(dir + "/campaign.key", "100102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto wrong = RunCoupongen({"generate", "s.yaml", "--range", "5000:1000", "-q"}, "", dir);
  ASSERT_EQ(wrong.exit_code, 0);
  int same = 0;
  for (const auto& c : CsvCodes(wrong.out)) same += mine.count(c) ? 1 : 0;
  EXPECT_EQ(same, 0);
  std::string other = Campaign("  count: 1000\n", "coupon:\n  usage_limit: 1\n  expires_at: 2030-01-01T00:00:00Z\n", "autumn");
  auto theirs = RunCoupongen({"generate", "s.yaml", "--range", "5000:1000", "-q"}, "", other);
  same = 0;
  for (const auto& c : CsvCodes(theirs.out)) same += mine.count(c) ? 1 : 0;
  EXPECT_EQ(same, 0);
}

TEST(KeyedE2ETest, EveryFormatAndShape) {
  std::string dir = Campaign("  count: 2500\n  pattern: 'SUM-####-####'\n  alphabet: uppercase\n",
                             "coupon:\n  usage_limit: 1\n  tags: [summer]\noutput:\n  chunk_size: 1000\n");
  std::regex shape("SUM-[A-Z0-9]{4}-[A-Z0-9]{4}");
  std::vector<std::string> reference;
  for (const char* format : {"csv", "json", "jsonapi", "imports"}) {
    if (std::string(format) == "jsonapi") continue;  // tags cannot go to jsonapi: checked below without them
    auto r = RunCoupongen({"generate", "s.yaml", "-f", format, "-q"}, "", dir);
    ASSERT_EQ(r.exit_code, 0) << format << r.err;
    std::vector<std::string> codes;
    if (std::string(format) == "csv") {
      codes = CsvCodes(r.out);
    } else if (std::string(format) == "json") {
      for (auto& c : nlohmann::json::parse(r.out)) codes.push_back(c["code"]);
    } else {
      auto docs = Lines(r.out);
      EXPECT_EQ(docs.size(), 3u);
      for (auto& line : docs) {
        auto doc = nlohmann::json::parse(line);
        for (auto& c : doc["data"]["attributes"]["inputs"]) codes.push_back(c["code"]);
      }
    }
    for (const auto& c : codes) EXPECT_TRUE(std::regex_match(c, shape)) << c;
    if (reference.empty()) reference = codes;
    EXPECT_EQ(codes, reference) << format << ": every format carries the same codes";
  }
  EXPECT_EQ(reference.size(), 2500u);

  WriteFile(dir + "/t.yaml", "version: 1\ncampaign: spring-keyed\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  mode: keyed\n"
                             "  key_file: campaign.key\n  count: 300\n  prefix: VIP\n  length: 10\n  group: 5\n"
                             "  separator: '.'\n  suffix: '-27'\n  alphabet: digits\n");
  auto r = RunCoupongen({"generate", "t.yaml", "-f", "jsonapi", "-q"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> codes;
  for (auto& line : Lines(r.out)) {
    std::string code = nlohmann::json::parse(line)["data"]["attributes"]["code"];
    EXPECT_TRUE(std::regex_match(code, std::regex("VIP[0-9]{5}\\.[0-9]{5}-27"))) << code;
    codes.insert(code);
  }
  EXPECT_EQ(codes.size(), 300u);
}

TEST(KeyedE2ETest, CheckCharactersAndTheBlocklistWorkAsInRandomMode) {
  std::string dir = Campaign("  count: 2000\n  length: 11\n  group: 4\n  check: true\n  alphabet: uppercase\n");
  auto r = RunCoupongen({"generate", "s.yaml", "-q", "-f", "json"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string codes;
  std::set<std::string> distinct;
  for (auto& c : nlohmann::json::parse(r.out)) {
    std::string code = c["code"];
    EXPECT_TRUE(std::regex_match(code, std::regex("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"))) << code;
    distinct.insert(code);
    codes += code + "\n";
  }
  EXPECT_EQ(distinct.size(), 2000u);
  // `coupongen check` accepts every one: the check character is right.
  auto checked = RunCoupongen({"check", "--spec", "s.yaml", "--json"}, codes, dir);
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  for (auto& v : nlohmann::json::parse(checked.out)) EXPECT_EQ(v["valid"], true) << v.dump();
  // A mistyped character is caught.
  std::string typo = *distinct.begin();
  typo[0] = typo[0] == 'A' ? 'B' : 'A';
  EXPECT_NE(RunCoupongen({"check", "--spec", "s.yaml", typo}, "", dir).exit_code, 0);
}

TEST(KeyedE2ETest, RecipientsGetTheCodesOfTheirPositions) {
  std::string dir = Campaign("", "recipients:\n  emails: [a@x.io, b@x.io, c@x.io, d@x.io, e@x.io]\n");
  auto whole = RunCoupongen({"generate", "s.yaml", "-q"}, "", dir);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  auto all = Lines(whole.out);
  ASSERT_EQ(all.size(), 6u);
  auto second = RunCoupongen({"generate", "s.yaml", "--shard", "1/2", "-q"}, "", dir);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // Shard 1/2 of 5 is positions 2..4: c, d and e, with the codes they get in the whole run.
  EXPECT_EQ(Lines(second.out), (std::vector<std::string>{all[0], all[3], all[4], all[5]}));
  EXPECT_NE(all[3].find(",c@x.io"), std::string::npos) << all[3];
}

TEST(KeyedE2ETest, RangeAndOptionErrors) {
  // 30^5 = 24,300,000 codes (no blocklist: every string of the shape is a code).
  std::string dir = Campaign("  count: 1000\n  pattern: 'KE-#####'\n  blocklist: none\n");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string error;
  } cases[] = {
      {{"-n", "500", "--range", "0:1000"}, 2,
       "generate: -n 500 and --range 0:1000 give different counts: --range's COUNT is the count (leave -n out)"},
      {{"--range", "10:x"}, 2,
       "generate: --range: must be START:COUNT in decimal, e.g. 0:10000 (sequence numbers START to START+COUNT-1), "
       "not '10:x'"},
      {{"--shard", "4/4"}, 2, "generate: --shard: I must be below N (shards are numbered 0 to 3), not '4/4'"},
      {{"--shard", "0/2000"}, 2, "generate: --shard 0/2000: the run has 1,000 codes, fewer than 2000 shards"},
      {{"--seed", "x"}, 2,
       "generate: --seed cannot be used in keyed mode: the key decides every code (the same key and range always "
       "give the same codes)"},
      {{"--range", "24299000:1001"}, 4,
       "keyed mode: sequence numbers 24,299,000..24,300,000 go past the last code of shape KE-#####: its sequence "
       "numbers are 0..24,299,999"},
      {{"--range", "24299000:1001", "--shard", "0/4"}, 4,
       "keyed mode: sequence numbers 24,299,000..24,300,000 go past the last code of shape KE-#####: its sequence "
       "numbers are 0..24,299,999"},
      {{"-n", "12150001"}, 4,
       "cannot make 12,150,001 unique codes: shape KE-##### has 24,300,000 possible codes (ignoring case), and at most "
       "half the keyspace may be used: make codes longer or the alphabet larger"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"generate", "s.yaml", "-o", "out.csv"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = RunCoupongen(args, "", dir);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.error;
    EXPECT_EQ(ErrorLines(r.err), std::vector<std::string>{c.error});
  }
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"campaign.key", "s.yaml"})) << "nothing written";

  // The last codes of the keyspace can be issued.
  auto last = RunCoupongen({"generate", "s.yaml", "--range", "24299000:1000", "-q"}, "", dir);
  EXPECT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(Lines(last.out).size(), 1001u);

  // With the built-in blocklist the sequence numbers run over the 24,213,398 codes it allows.
  WriteFile(dir + "/b.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 10\n  pattern: 'KE-#####'\n  mode: keyed\n"
                             "  key_file: campaign.key\n");
  EXPECT_NE(RunCoupongen({"validate", "b.yaml"}, "", dir).out.find("keyspace    24,213,398 codes (ignoring case)"), std::string::npos);
  EXPECT_EQ(RunCoupongen({"generate", "b.yaml", "--range", "24213388:10", "-q"}, "", dir).exit_code, 0);
  auto past = RunCoupongen({"generate", "b.yaml", "--range", "24213388:11", "-q"}, "", dir);
  EXPECT_EQ(past.exit_code, 4);
  EXPECT_EQ(ErrorLines(past.err),
            std::vector<std::string>{"keyed mode: sequence numbers 24,213,388..24,213,398 go past the last code of shape "
                                     "KE-#####: its sequence numbers are 0..24,213,397"});

  // The keyed options need keyed mode.
  WriteFile(dir + "/r.yaml", "version: 1\ncampaign: c\ncodes:\n  count: 10\n");
  auto random = RunCoupongen({"generate", "r.yaml", "--shard", "0/2"}, "", dir);
  EXPECT_EQ(random.exit_code, 2);
  EXPECT_EQ(ErrorLines(random.err),
            std::vector<std::string>{"generate: --shard needs keyed mode ('mode: keyed' under codes in the spec): "
                                     "random codes cannot be split or reproduced without a key"});
}

TEST(KeyedE2ETest, TheLedgerRecordsRangesAndRefusesOverlapsAndAnotherKey) {
  std::string dir = Campaign("  count: 10000\n");
  auto first = RunCoupongen({"generate", "s.yaml", "--ledger", "l.db", "--shard", "0/2", "-o", "a.csv"}, "", dir);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("  sequence    0..4,999 (shard 0/2 of 0..9,999), recorded in l.db\n"), std::string::npos)
      << first.err;

  // The same shard again, or a range reaching into it: refused, nothing written, the ledger unchanged.
  for (std::vector<std::string> part : {std::vector<std::string>{"--shard", "0/2"}, {"--range", "4000:2000"}}) {
    std::vector<std::string> args = {"generate", "s.yaml", "--ledger", "l.db", "-o", "b.csv"};
    args.insert(args.end(), part.begin(), part.end());
    auto again = RunCoupongen(args, "", dir);
    EXPECT_EQ(again.exit_code, 4) << again.err;
    ASSERT_EQ(ErrorLines(again.err).size(), 1u) << again.err;
    EXPECT_NE(ErrorLines(again.err)[0].find(" overlaps range 0..4999, already issued: its codes cannot be issued twice"),
              std::string::npos)
        << again.err;
    EXPECT_FALSE(FileExists(dir + "/b.csv"));
  }
  auto second = RunCoupongen({"generate", "s.yaml", "--ledger", "l.db", "--shard", "1/2", "-o", "b.csv"}, "", dir);
  ASSERT_EQ(second.exit_code, 0) << second.err;

  // Without --range or --shard, a run with the ledger continues after the highest range issued:
  // the codes of 10,000..19,999, the same as --range 10000:10000 without a ledger.
  auto next = RunCoupongen({"generate", "s.yaml", "--ledger", "l.db", "-o", "c.csv"}, "", dir);
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("  sequence    10,000..19,999, recorded in l.db\n"), std::string::npos) << next.err;
  auto same = RunCoupongen({"generate", "s.yaml", "--range", "10000:10000", "-q"}, "", dir);
  EXPECT_EQ(same.out, ReadFile(dir + "/c.csv"));

  // Another key for the same campaign: the wrong key file, refused before anything is written.
  WriteKey(dir + "/campaign.key", "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto wrong = RunCoupongen({"generate", "s.yaml", "--ledger", "l.db", "--range", "50000:10", "-o", "d.csv"}, "", dir);
  EXPECT_EQ(wrong.exit_code, 3);
  ASSERT_EQ(ErrorLines(wrong.err).size(), 1u) << wrong.err;
  EXPECT_EQ(ErrorLines(wrong.err)[0].rfind("s.yaml:6:13: codes.key_file: key ", 0), 0u) << wrong.err;
  EXPECT_NE(ErrorLines(wrong.err)[0].find(" (campaign.key) is not the key campaign spring-keyed was issued with in ledger "
                                          "l.db (key "),
            std::string::npos)
      << wrong.err;
  EXPECT_FALSE(FileExists(dir + "/d.csv"));
}

TEST(KeyedE2ETest, CheckWithTheLedgerFindsKeyedCodesThroughTheirRanges) {
  std::string dir = Campaign("  count: 100\n");
  auto issued = RunCoupongen({"generate", "s.yaml", "--ledger", "l.db", "--range", "1000:100", "-o", "a.csv",
                              "--now", "2027-02-01T00:00:00Z"}, "", dir);
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  auto codes = CsvCodes(ReadFile(dir + "/a.csv"));
  auto later = CsvCodes(RunCoupongen({"generate", "s.yaml", "--range", "1100:1", "-q"}, "", dir).out);
  auto r = RunCoupongen({"check", "--spec", "s.yaml", "--ledger", "l.db", codes[0], ToLowerAscii(codes[99]), later[0]},
                        "", dir);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{
                              codes[0] + "  valid, issued 2027-02-01T00:00:00.000Z",
                              ToLowerAscii(codes[99]) + "  valid as " + codes[99] + ", issued 2027-02-01T00:00:00.000Z",
                              later[0] + "  invalid: not issued through l.db"}))
      << r.err;
}

TEST(KeyedE2ETest, ExcludedCodesAreSkipped) {
  std::string dir = Campaign("  count: 10\n");
  auto all = RunCoupongen({"generate", "s.yaml", "-q"}, "", dir);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  auto codes = CsvCodes(all.out);
  ASSERT_EQ(codes.size(), 10u);
  // Codes 3 and 7 of the run, in lower case and in a plain list: excluded ignoring case.
  WriteFile(dir + "/old.txt", ToLowerAscii(codes[3]) + "\n" + codes[7] + "\nOTHER-CODE-1\n");
  auto r = RunCoupongen({"generate", "s.yaml", "--exclude", "old.txt"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> expected = codes;
  expected.erase(expected.begin() + 7);
  expected.erase(expected.begin() + 3);
  EXPECT_EQ(CsvCodes(r.out), expected);
  EXPECT_NE(r.err.find("coupongen: excluding 3 codes from 1 file (2 of this shape)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  sequence    0..9, 2 skipped (their codes are excluded or issued)\n"), std::string::npos) << r.err;

  // With recipients a skipped number would leave a recipient without a code: refused.
  std::string with = Campaign("", "recipients:\n  emails: [a@x.io, b@x.io, c@x.io, d@x.io, e@x.io]\n");
  auto mine = CsvCodes(RunCoupongen({"generate", "s.yaml", "-q"}, "", with).out);
  WriteFile(with + "/old.txt", mine[2] + "\n");
  auto refused = RunCoupongen({"generate", "s.yaml", "--exclude", "old.txt", "-o", "out.csv"}, "", with);
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_EQ(ErrorLines(refused.err),
            std::vector<std::string>{"keyed mode: the codes of 1 recipient (the first at sequence number 2) are excluded "
                                     "or already issued: issue the campaign at other sequence numbers (--range START:5)"});
  EXPECT_FALSE(FileExists(with + "/out.csv"));
}

TEST(KeyedE2ETest, ValidateShowsTheMode) {
  std::string dir = Campaign("  count: 1000\n");
  auto r = RunCoupongen({"validate", "s.yaml"}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mode        keyed (key file campaign.key)\n"), std::string::npos) << r.out;
  auto j = nlohmann::json::parse(RunCoupongen({"validate", "s.yaml", "--json"}, "", dir).out);
  EXPECT_EQ(j["mode"], "keyed");
  EXPECT_EQ(j["key_file"], "campaign.key");
}

}  // namespace
}  // namespace coupongen
