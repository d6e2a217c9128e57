// CodeGenerator::DrawAhead (candidates drawn on a second thread) must give exactly the codes of
// drawing on one thread, from the same bytes, whatever the batch sizes and typo rules: the
// thread only changes who draws, never what is drawn or in which order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codes/code_rules.h"
#include "codes/generator.h"

namespace coupongen {
namespace {

Alphabet A(const char* spec) {
  std::string err;
  return *Alphabet::Parse(spec, &err);
}

std::vector<std::string> Make(const CodeShape& shape, const Alphabet& a, const CodeRules& rules, const char* seed,
                              size_t count, size_t set_size, const std::vector<size_t>& sizes, bool ahead,
                              uint64_t* redraws) {
  PredictableSeededRandom src(seed);
  CodeSet seen(set_size);
  CodeGenerator gen(shape, a, src, seen);
  gen.UseRules(rules);
  if (ahead) gen.DrawAhead();
  CodeBatch batch;
  std::vector<std::string> codes;
  for (size_t i = 0; codes.size() < count; ++i) {
    size_t n = std::min(sizes[i % sizes.size()], count - codes.size());
    EXPECT_TRUE(gen.NextBatch(n, &batch).ok());
    for (auto code : batch.codes()) codes.emplace_back(code);
  }
  *redraws = gen.redraws() + gen.blocked();
  return codes;
}

TEST(GeneratorAheadTest, SameCodesAsDrawingHere) {
  for (bool check : {false, true}) {
    for (bool blocklist : {false, true}) {
      Alphabet a = A("unambiguous");
      BlocklistSpec words;
      words.builtin = blocklist;
      auto rules = CodeRules::Make(a, 6, check, words);
      ASSERT_TRUE(rules.ok());
      CodeShape shape = CodeShape::FromParts("AH-", 6 + rules->check_length(), 0, "-", "");
      for (auto sizes : std::vector<std::vector<size_t>>{{4096}, {1}, {255, 256, 257}, {7, 1000, 3}}) {
        uint64_t r1 = 0, r2 = 0;
        auto expected = Make(shape, a, *rules, "ahead", 20000, 20000, sizes, false, &r1);
        auto got = Make(shape, a, *rules, "ahead", 20000, 20000, sizes, true, &r2);
        EXPECT_EQ(got, expected) << check << blocklist << sizes[0];
        EXPECT_EQ(r2, r1);
      }
    }
  }
}

TEST(GeneratorAheadTest, SameCodesWhenManyAreTakenAndStopsWhenExhausted) {
  Alphabet a = A("digits");
  CodeShape shape = CodeShape::FromParts("", 3, 0, "-", "");
  CodeRules none;
  uint64_t r1 = 0, r2 = 0;
  EXPECT_EQ(Make(shape, a, none, "dense", 900, 1000, {300}, true, &r2),
            Make(shape, a, none, "dense", 900, 1000, {300}, false, &r1));
  EXPECT_EQ(r2, r1);
  // All 1000 taken: the next code cannot be made, and the generator (and its thread) goes away.
  PredictableSeededRandom src("full");
  CodeSet seen(1000);
  CodeGenerator gen(shape, a, src, seen);
  gen.DrawAhead();
  CodeBatch batch;
  ASSERT_TRUE(gen.NextBatch(1000, &batch).ok());
  EXPECT_EQ(gen.NextBatch(1, &batch).code(), Status::Code::kInfeasible);
}

}  // namespace
}  // namespace coupongen
