// --shard auto: the shard selection from each scheduler's environment (a pure function), and the
// built binary run as every task of each scheduler's array, whose parts must be disjoint and
// together exactly the unsharded run.
#include "cli/scheduler_shard.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ErrorLines;
using testing::Lines;
using testing::ListDir;
using testing::ReadFile;
using testing::RunResult;
using testing::WriteFile;

std::optional<SchedulerShard> Select(const Environment& env, std::optional<uint64_t> shards = std::nullopt,
                                     std::string* error = nullptr) {
  std::string why;
  auto s = ShardFromScheduler(env, shards, &why);
  if (error) *error = why;
  return s;
}

// The error for `env` (and --shards), or "" when a shard was selected.
std::string ErrorOf(const Environment& env, std::optional<uint64_t> shards = std::nullopt) {
  std::string why;
  return Select(env, shards, &why) ? "" : why;
}

void ExpectShard(const Environment& env, std::optional<uint64_t> shards, uint64_t i, uint64_t n,
                 const std::string& source) {
  std::string why;
  auto s = Select(env, shards, &why);
  ASSERT_TRUE(s) << why;
  EXPECT_EQ(s->shard.index, i);
  EXPECT_EQ(s->shard.count, n);
  EXPECT_EQ(s->source, source);
}

TEST(SchedulerShardTest, KubernetesIndexedJob) {
  ExpectShard({{"JOB_COMPLETION_INDEX", "3"}}, 8, 3, 8, "Kubernetes Indexed Job: JOB_COMPLETION_INDEX=3, --shards 8");
  ExpectShard({{"JOB_COMPLETION_INDEX", "0"}, {"COUPONGEN_SHARDS", "8"}}, std::nullopt, 0, 8,
              "Kubernetes Indexed Job: JOB_COMPLETION_INDEX=0, COUPONGEN_SHARDS=8");
  ExpectShard({{"JOB_COMPLETION_INDEX", "7"}, {"COUPONGEN_SHARDS", "8"}}, 8, 7, 8,
              "Kubernetes Indexed Job: JOB_COMPLETION_INDEX=7, --shards 8");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "3"}}),
            "Kubernetes Indexed Job: JOB_COMPLETION_INDEX=3 gives the index but not the number of shards: pass "
            "--shards N or set COUPONGEN_SHARDS");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "8"}}, 8),
            "JOB_COMPLETION_INDEX=8 is not below the number of shards, --shards 8 (shards are numbered 0 to 7)");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "1"}, {"COUPONGEN_SHARDS", "4"}}, 8),
            "--shards 8 and COUPONGEN_SHARDS=4 disagree");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "-1"}}, 8), "JOB_COMPLETION_INDEX='-1' is not a decimal number");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "1"}, {"COUPONGEN_SHARDS", "four"}}),
            "COUPONGEN_SHARDS='four' is not a decimal number");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "0"}, {"COUPONGEN_SHARDS", "0"}}),
            "COUPONGEN_SHARDS=0: the number of shards must be between 1 and 1,000,000");
}

TEST(SchedulerShardTest, SlurmJobArray) {
  // sbatch --array=1-4: ids 1..4, min 1, count 4.
  Environment env = {{"SLURM_ARRAY_TASK_ID", "3"},  {"SLURM_ARRAY_TASK_MIN", "1"},  {"SLURM_ARRAY_TASK_MAX", "4"},
                     {"SLURM_ARRAY_TASK_STEP", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  ExpectShard(env, std::nullopt, 2, 4,
              "Slurm job array: SLURM_ARRAY_TASK_ID=3 - SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_COUNT=4");
  ExpectShard(env, 4, 2, 4, "Slurm job array: SLURM_ARRAY_TASK_ID=3 - SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_COUNT=4");
  EXPECT_EQ(ErrorOf(env, 5), "--shards 5 contradicts SLURM_ARRAY_TASK_COUNT=4 (Slurm job array)");
  env["COUPONGEN_SHARDS"] = "3";
  EXPECT_EQ(ErrorOf(env), "COUPONGEN_SHARDS=3 contradicts SLURM_ARRAY_TASK_COUNT=4 (Slurm job array)");
  // Without MAX and STEP (older Slurm): id - min.
  ExpectShard({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}, {}, 0, 2,
              "Slurm job array: SLURM_ARRAY_TASK_ID=0 - SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=2");
  // --array=0-15:4: ids 0, 4, 8, 12.
  ExpectShard({{"SLURM_ARRAY_TASK_ID", "8"},
               {"SLURM_ARRAY_TASK_MIN", "0"},
               {"SLURM_ARRAY_TASK_MAX", "12"},
               {"SLURM_ARRAY_TASK_STEP", "4"},
               {"SLURM_ARRAY_TASK_COUNT", "4"}},
              {}, 2, 4,
              "Slurm job array: (SLURM_ARRAY_TASK_ID=8 - SLURM_ARRAY_TASK_MIN=0) / SLURM_ARRAY_TASK_STEP=4, "
              "SLURM_ARRAY_TASK_COUNT=4");
  // --array=1,3,7: gaps, refused in every task (here the first, whose index alone would fit).
  EXPECT_EQ(ErrorOf({{"SLURM_ARRAY_TASK_ID", "1"},
                     {"SLURM_ARRAY_TASK_MIN", "1"},
                     {"SLURM_ARRAY_TASK_MAX", "7"},
                     {"SLURM_ARRAY_TASK_STEP", "1"},
                     {"SLURM_ARRAY_TASK_COUNT", "3"}}),
            "Slurm job array: the array's tasks are not contiguous (SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_MAX=7, "
            "SLURM_ARRAY_TASK_STEP=1, SLURM_ARRAY_TASK_COUNT=3): submit it as --array=0-2");
  // Without MAX, a gap still shows as an index not below the count.
  EXPECT_EQ(ErrorOf({{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}),
            "SLURM_ARRAY_TASK_ID=7 - SLURM_ARRAY_TASK_MIN=1 is not below the number of shards, "
            "SLURM_ARRAY_TASK_COUNT=3 (shards are numbered 0 to 2)");
  EXPECT_EQ(ErrorOf({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
            "Slurm job array: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not");
  EXPECT_EQ(ErrorOf({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "0"}}),
            "Slurm job array: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
  EXPECT_EQ(ErrorOf({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
            "Slurm job array: SLURM_ARRAY_TASK_ID=0 - SLURM_ARRAY_TASK_MIN=1 is not a task index of the array");
}

TEST(SchedulerShardTest, AwsBatchArrayJob) {
  ExpectShard({{"AWS_BATCH_JOB_ARRAY_INDEX", "4"}}, 5, 4, 5, "AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX=4, --shards 5");
  EXPECT_EQ(ErrorOf({{"AWS_BATCH_JOB_ARRAY_INDEX", "4"}}),
            "AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX=4 gives the index but not the number of shards: pass "
            "--shards N or set COUPONGEN_SHARDS");
  EXPECT_EQ(ErrorOf({{"AWS_BATCH_JOB_ARRAY_INDEX", "5"}}, 5),
            "AWS_BATCH_JOB_ARRAY_INDEX=5 is not below the number of shards, --shards 5 (shards are numbered 0 to 4)");
}

TEST(SchedulerShardTest, NoneOrTwoSchedulersThatDisagree) {
  EXPECT_EQ(ErrorOf({}, 4),
            "no scheduler says which shard this is: none of JOB_COMPLETION_INDEX (Kubernetes Indexed Job), "
            "SLURM_ARRAY_TASK_ID (Slurm job array), AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set; outside a "
            "scheduler use --shard I/N");
  // Empty values count as unset.
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", ""}, {"COUPONGEN_SHARDS", "4"}}).rfind("no scheduler says", 0), 0u);
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "1"},
                     {"SLURM_ARRAY_TASK_ID", "2"},
                     {"SLURM_ARRAY_TASK_MIN", "0"},
                     {"SLURM_ARRAY_TASK_COUNT", "4"}},
                    4),
            "the schedulers' variables disagree: JOB_COMPLETION_INDEX=1, --shards 4 (Kubernetes Indexed Job: shard 1/4) "
            "but SLURM_ARRAY_TASK_ID=2 - SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=4 (Slurm job array: shard 2/4)");
  EXPECT_EQ(ErrorOf({{"JOB_COMPLETION_INDEX", "1"}, {"AWS_BATCH_JOB_ARRAY_INDEX", "0"}}, 2),
            "the schedulers' variables disagree: JOB_COMPLETION_INDEX=1, --shards 2 (Kubernetes Indexed Job: shard 1/2) "
            "but AWS_BATCH_JOB_ARRAY_INDEX=0, --shards 2 (AWS Batch array job: shard 0/2)");
  // Two that agree name both.
  ExpectShard({{"JOB_COMPLETION_INDEX", "1"}, {"AWS_BATCH_JOB_ARRAY_INDEX", "1"}}, 2, 1, 2,
              "Kubernetes Indexed Job: JOB_COMPLETION_INDEX=1, --shards 2; AWS Batch array job: "
              "AWS_BATCH_JOB_ARRAY_INDEX=1, --shards 2");
}

// Every task of each scheduler's array, as its own environment: the selected shards are exactly
// 0..N-1, once each.
TEST(SchedulerShardTest, EveryTaskOfAnArrayGetsADistinctShard) {
  std::vector<std::pair<std::string, std::vector<Environment>>> arrays;
  std::vector<Environment> k8s, slurm, slurm_step, aws;
  for (int i = 0; i < 6; ++i) {
    k8s.push_back({{"JOB_COMPLETION_INDEX", std::to_string(i)}, {"COUPONGEN_SHARDS", "6"}});
    slurm.push_back({{"SLURM_ARRAY_TASK_ID", std::to_string(10 + i)}, {"SLURM_ARRAY_TASK_MIN", "10"},
                     {"SLURM_ARRAY_TASK_MAX", "15"}, {"SLURM_ARRAY_TASK_STEP", "1"}, {"SLURM_ARRAY_TASK_COUNT", "6"}});
    slurm_step.push_back({{"SLURM_ARRAY_TASK_ID", std::to_string(3 * i)}, {"SLURM_ARRAY_TASK_MIN", "0"},
                          {"SLURM_ARRAY_TASK_MAX", "15"}, {"SLURM_ARRAY_TASK_STEP", "3"}, {"SLURM_ARRAY_TASK_COUNT", "6"}});
    aws.push_back({{"AWS_BATCH_JOB_ARRAY_INDEX", std::to_string(i)}, {"COUPONGEN_SHARDS", "6"}});
  }
  for (const auto& tasks : {k8s, slurm, slurm_step, aws}) {
    std::set<uint64_t> seen;
    for (const auto& env : tasks) {
      std::string why;
      auto s = Select(env, std::nullopt, &why);
      ASSERT_TRUE(s) << why;
      EXPECT_EQ(s->shard.count, 6u);
      EXPECT_TRUE(seen.insert(s->shard.index).second);
    }
    EXPECT_EQ(seen, (std::set<uint64_t>{0, 1, 2, 3, 4, 5}));
  }
}

// ---- The built binary, as each scheduler's tasks.

const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

class SchedulerShardE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    WriteFile(dir_ + "/campaign.key", kKeyHex);
    chmod((dir_ + "/campaign.key").c_str(), 0600);
    WriteFile(dir_ + "/s.yaml",
              "version: 1\ncampaign: sharded\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  mode: keyed\n"
              "  key_file: campaign.key\n  count: 3001\n  prefix: SH-\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // coupongen ARGS with exactly `env` of the scheduler variables (the others unset), under a timeout.
  RunResult RunWith(const Environment& env, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"timeout", "120", "env"};
    for (const auto& name : SchedulerVariables()) argv.insert(argv.end(), {"-u", name});
    for (const auto& [k, v] : env) argv.push_back(k + "=" + v);
    argv.push_back(COUPONGEN_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv, "", dir_);
  }

  // The codes of a CSV output, header dropped.
  static std::vector<std::string> Codes(const std::string& csv) {
    std::vector<std::string> codes;
    auto lines = Lines(csv);
    for (size_t i = 1; i < lines.size(); ++i) codes.push_back(lines[i].substr(0, lines[i].find(',')));
    return codes;
  }

  // Runs every task's environment, part I to part-I.csv; the parts are disjoint and, in order,
  // exactly the unsharded run.
  void ExpectPartsMakeTheWhole(const std::vector<Environment>& tasks, const std::vector<std::string>& extra) {
    auto whole = RunWith({}, {"generate", "s.yaml", "-q"});
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    auto expected = Codes(whole.out);
    ASSERT_EQ(expected.size(), 3001u);
    std::vector<std::string> joined;
    std::set<std::string> distinct;
    for (size_t i = 0; i < tasks.size(); ++i) {
      std::string out = "part-" + std::to_string(i) + ".csv";
      std::vector<std::string> args = {"generate", "s.yaml", "--shard", "auto", "-o", out};
      args.insert(args.end(), extra.begin(), extra.end());
      auto r = RunWith(tasks[i], args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_NE(r.err.find("coupongen: --shard auto: shard " + std::to_string(i) + "/" + std::to_string(tasks.size()) +
                           " ("),
                std::string::npos)
          << r.err;
      auto codes = Codes(ReadFile(dir_ + "/" + out));
      EXPECT_GE(codes.size(), 3001u / tasks.size());
      EXPECT_LE(codes.size(), 3001u / tasks.size() + 1);
      for (const auto& c : codes) EXPECT_TRUE(distinct.insert(c).second) << "in two parts: " << c;
      joined.insert(joined.end(), codes.begin(), codes.end());
    }
    EXPECT_EQ(joined, expected);
  }

  std::string dir_;
};

TEST_F(SchedulerShardE2ETest, KubernetesIndexedJobTasks) {
  std::vector<Environment> tasks;
  for (int i = 0; i < 4; ++i) tasks.push_back({{"JOB_COMPLETION_INDEX", std::to_string(i)}});
  ExpectPartsMakeTheWhole(tasks, {"--shards", "4"});
  // COUPONGEN_SHARDS instead of --shards.
  for (auto& env : tasks) env["COUPONGEN_SHARDS"] = "4";
  for (int i = 0; i < 4; ++i) std::filesystem::remove(dir_ + "/part-" + std::to_string(i) + ".csv");
  ExpectPartsMakeTheWhole(tasks, {});
}

TEST_F(SchedulerShardE2ETest, SlurmArrayTasks) {
  // sbatch --array=1-3
  std::vector<Environment> tasks;
  for (int id = 1; id <= 3; ++id)
    tasks.push_back({{"SLURM_ARRAY_TASK_ID", std::to_string(id)}, {"SLURM_ARRAY_TASK_MIN", "1"},
                     {"SLURM_ARRAY_TASK_MAX", "3"}, {"SLURM_ARRAY_TASK_STEP", "1"}, {"SLURM_ARRAY_TASK_COUNT", "3"}});
  ExpectPartsMakeTheWhole(tasks, {});
}

TEST_F(SchedulerShardE2ETest, AwsBatchArrayTasks) {
  std::vector<Environment> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back({{"AWS_BATCH_JOB_ARRAY_INDEX", std::to_string(i)}});
  ExpectPartsMakeTheWhole(tasks, {"--shards", "5"});
}

TEST_F(SchedulerShardE2ETest, MissingOrContradictoryVariablesAreUsageErrors) {
  struct Case {
    Environment env;
    std::vector<std::string> extra;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{}, {"--shards", "4"},
       "generate: --shard auto: no scheduler says which shard this is: none of JOB_COMPLETION_INDEX (Kubernetes "
       "Indexed Job), SLURM_ARRAY_TASK_ID (Slurm job array), AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set; "
       "outside a scheduler use --shard I/N"},
      {{{"JOB_COMPLETION_INDEX", "2"}}, {},
       "generate: --shard auto: Kubernetes Indexed Job: JOB_COMPLETION_INDEX=2 gives the index but not the number of "
       "shards: pass --shards N or set COUPONGEN_SHARDS"},
      {{{"JOB_COMPLETION_INDEX", "4"}}, {"--shards", "4"},
       "generate: --shard auto: JOB_COMPLETION_INDEX=4 is not below the number of shards, --shards 4 (shards are "
       "numbered 0 to 3)"},
      {{{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, {"--shards", "8"},
       "generate: --shard auto: --shards 8 contradicts SLURM_ARRAY_TASK_COUNT=4 (Slurm job array)"},
      {{{"JOB_COMPLETION_INDEX", "0"}, {"AWS_BATCH_JOB_ARRAY_INDEX", "1"}}, {"--shards", "2"},
       "generate: --shard auto: the schedulers' variables disagree: JOB_COMPLETION_INDEX=0, --shards 2 (Kubernetes "
       "Indexed Job: shard 0/2) but AWS_BATCH_JOB_ARRAY_INDEX=1, --shards 2 (AWS Batch array job: shard 1/2)"},
      {{{"JOB_COMPLETION_INDEX", "0"}}, {"--shards", "0"},
       "generate: --shards: must be a number of shards between 1 and 1,000,000, not '0'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"generate", "s.yaml", "--shard", "auto", "-o", "out.csv"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto r = RunWith(c.env, args);
    EXPECT_EQ(r.exit_code, 2) << c.error;
    EXPECT_EQ(ErrorLines(r.err), std::vector<std::string>{c.error});
  }
  auto stray = RunWith({}, {"generate", "s.yaml", "--shard", "0/2", "--shards", "2"});
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_EQ(ErrorLines(stray.err),
            std::vector<std::string>{"generate: --shards needs --shard auto (with --shard I/N, N is the number of shards)"});
  EXPECT_EQ(ListDir(dir_), (std::vector<std::string>{"campaign.key", "s.yaml"})) << "nothing written";
}

}  // namespace
}  // namespace coupongen
