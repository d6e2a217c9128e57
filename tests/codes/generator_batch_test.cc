// NextBatch must give exactly the codes Next gives one at a time, from the same bytes, whatever
// the batch sizes: batching is a speed-up, never a change of output.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "codes/generator.h"
#include "testing/scripted_random.h"

namespace coupongen {
namespace {

Alphabet A(const char* spec) {
  std::string err;
  return *Alphabet::Parse(spec, &err);
}

std::vector<std::string> OneAtATime(const CodeShape& shape, const Alphabet& a, const char* seed, size_t count,
                                    size_t set_size) {
  PredictableSeededRandom src(seed);
  CodeSet seen(set_size);
  CodeGenerator gen(shape, a, src, seen);
  std::vector<std::string> codes(count);
  for (auto& c : codes) EXPECT_TRUE(gen.Next(&c).ok());
  return codes;
}

std::vector<std::string> Batched(const CodeShape& shape, const Alphabet& a, const char* seed, size_t count,
                                 size_t set_size, std::vector<size_t> sizes) {
  PredictableSeededRandom src(seed);
  CodeSet seen(set_size);
  CodeGenerator gen(shape, a, src, seen);
  CodeBatch batch;
  std::vector<std::string> codes;
  for (size_t i = 0; codes.size() < count; ++i) {
    size_t n = std::min(sizes[i % sizes.size()], count - codes.size());
    EXPECT_TRUE(gen.NextBatch(n, &batch).ok());
    EXPECT_EQ(batch.size(), n);
    EXPECT_EQ(batch.codes().size(), n);
    for (auto code : batch.codes()) codes.emplace_back(code);
  }
  return codes;
}

TEST(GeneratorBatchTest, SameCodesAsOneAtATime) {
  Alphabet a = A("unambiguous");
  CodeShape shape = CodeShape::FromPattern("SPR-####-####");
  auto expected = OneAtATime(shape, a, "batch", 5000, 5000);
  // Group boundaries (kGroup = 256) fall in different places with each mix of sizes.
  for (auto sizes : std::vector<std::vector<size_t>>{{4096}, {1}, {255, 256, 257}, {7, 1000, 3}})
    EXPECT_EQ(Batched(shape, a, "batch", 5000, 5000, sizes), expected) << sizes[0];
}

TEST(GeneratorBatchTest, SameCodesWhenManyAreTaken) {
  // 3 digits: 1000 codes; making 500 means many redraws, some inside one group.
  Alphabet a = A("digits");
  CodeShape shape = CodeShape::FromParts("", 3, 0, "-", "");
  auto expected = OneAtATime(shape, a, "dense", 500, 500);
  EXPECT_EQ(Batched(shape, a, "dense", 500, 500, {500}), expected);
  EXPECT_EQ(Batched(shape, a, "dense", 500, 500, {64, 300}), expected);
}

TEST(GeneratorBatchTest, CodesAreUniqueIgnoringCaseAcrossBatches) {
  Alphabet a = A("aAbBcC");
  CodeShape shape = CodeShape::FromParts("x-", 4, 2, ".", "");  // 81 codes ignoring case
  PredictableSeededRandom src("fold");
  CodeSet seen(81);
  CodeGenerator gen(shape, a, src, seen);
  CodeBatch batch;
  std::set<std::string> folded;
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(gen.NextBatch(27, &batch).ok());
    for (auto code : batch.codes()) {
      ASSERT_EQ(code.size(), 7u);
      EXPECT_EQ(code.substr(0, 2), "x-");
      EXPECT_EQ(code[4], '.');
      std::string up(code);
      for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      EXPECT_TRUE(folded.insert(up).second) << code;
    }
  }
  EXPECT_EQ(seen.size(), 81u);
  EXPECT_EQ(gen.NextBatch(1, &batch).code(), Status::Code::kInfeasible);
}

TEST(GeneratorBatchTest, InsertsOnlyTheCodesItMakes) {
  Alphabet a = A("hex");  // 16 symbols: no byte is rejected
  CodeShape shape = CodeShape::FromParts("", 8, 0, "-", "");
  testing::ScriptedRandom one_src({1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53});
  testing::ScriptedRandom batch_src({1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53});
  CodeSet one_seen(100), batch_seen(100);
  CodeGenerator one(shape, a, one_src, one_seen), batched(shape, a, batch_src, batch_seen);
  std::string code;
  CodeBatch batch;
  ASSERT_TRUE(one.Next(&code).ok());
  ASSERT_TRUE(batched.NextBatch(1, &batch).ok());
  EXPECT_EQ(batch[0], code);
  EXPECT_EQ(one_seen.size(), batch_seen.size());  // nothing inserted beyond the codes made
}

TEST(GeneratorBatchTest, PlainCodesOnlyFromSafeCharacters) {
  PredictableSeededRandom src("plain");
  CodeSet seen(10);
  Alphabet a = A("unambiguous");
  CodeShape safe = CodeShape::FromPattern("SPR-####_####");
  CodeShape comma = CodeShape::FromPattern("SPR,####");  // a spec would refuse it; the generator checks anyway
  CodeShape space = CodeShape::FromParts("A ", 4, 0, "-", "");
  EXPECT_TRUE(CodeGenerator(safe, a, src, seen).plain_codes());
  EXPECT_FALSE(CodeGenerator(comma, a, src, seen).plain_codes());
  EXPECT_FALSE(CodeGenerator(space, a, src, seen).plain_codes());
}

TEST(GeneratorBatchTest, PropagatesSourceFailure) {
  Alphabet a = A("unambiguous");
  CodeShape shape = CodeShape::FromParts("", 12, 0, "-", "");
  testing::FailingRandom src;
  CodeSet seen(10);
  CodeGenerator gen(shape, a, src, seen);
  CodeBatch batch;
  Status s = gen.NextBatch(10, &batch);
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_EQ(s.message(), "no randomness: test source failed");
  EXPECT_EQ(seen.size(), 0u);
}

}  // namespace
}  // namespace coupongen
