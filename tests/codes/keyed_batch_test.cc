// KeyedGenerator::NextBatch (two threads, FF1 batched, sequence numbers stepped with
// AllowedIndex::Advance) must give exactly the codes Next gives one at a time, in order, for every
// combination of typo rules, skipped numbers, range starts and batch sizes (below and above the
// size that splits a batch over two threads). And Advance must agree with Unrank.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "codes/allowed_index.h"
#include "codes/code_rules.h"
#include "codes/keyed_generator.h"

namespace coupongen {
namespace {

Alphabet Parse(const std::string& a) {
  std::string err;
  return *Alphabet::Parse(a, &err);
}

struct Case {
  const char* alphabet;
  size_t random_length;
  bool check;
  bool blocklist;
  uint64_t start;
};

TEST(KeyedBatchTest, NextBatchGivesTheCodesNextGives) {
  const Case cases[] = {
      {"unambiguous", 12, false, false, 0},   {"unambiguous", 12, false, true, 0},
      {"unambiguous", 12, true, true, 1000},  {"unambiguous", 8, true, false, 5},
      {"digits", 7, false, true, 123456},     {"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", 20, false, true, 77},
      {"unambiguous", 14, false, true, 0},    {"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 30, true, true, 3},
  };
  std::mt19937_64 rng(7);
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.alphabet) + " length " + std::to_string(c.random_length) + (c.check ? " check" : "") +
                 (c.blocklist ? " blocklist" : ""));
    Alphabet alphabet = Parse(c.alphabet);
    BlocklistSpec blocklist;
    blocklist.builtin = c.blocklist;
    auto rules = CodeRules::Make(alphabet, c.random_length, c.check, blocklist);
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    CodeShape shape = CodeShape::FromParts("X-", c.random_length + rules->check_length(), 4, "-", "");
    const uint64_t count = 9000;
    std::vector<uint64_t> skips;
    for (int i = 0; i < 40; ++i) skips.push_back(c.start + rng() % count);
    skips.push_back(c.start + 1);
    skips.push_back(c.start + 2);  // a run of skipped numbers, and the range's last
    skips.push_back(c.start + count - 1);
    auto one = KeyedGenerator::Create(shape, alphabet, std::vector<uint8_t>(32, 3), "summer", {c.start, count}, &*rules);
    auto batched = KeyedGenerator::Create(shape, alphabet, std::vector<uint8_t>(32, 3), "summer", {c.start, count}, &*rules);
    ASSERT_TRUE(one.ok()) << one.status().message();
    ASSERT_TRUE(batched.ok());
    one->SkipSequences(skips);
    batched->SkipSequences(skips);
    std::vector<std::string> expected;
    std::string code;
    while (one->remaining() > 0) {
      ASSERT_TRUE(one->Next(&code).ok());
      expected.push_back(code);
    }
    std::vector<std::string> got;
    CodeBatch batch;
    for (size_t n : {size_t{1}, size_t{7}, size_t{1023}, size_t{1024}, size_t{3001}}) {
      ASSERT_TRUE(batched->NextBatch(n, &batch).ok());
      ASSERT_EQ(batch.size(), n);
      for (std::string_view v : batch.codes()) got.emplace_back(v);
    }
    const size_t rest = static_cast<size_t>(batched->remaining());
    ASSERT_TRUE(batched->NextBatch(rest, &batch).ok());
    for (std::string_view v : batch.codes()) got.emplace_back(v);
    EXPECT_EQ(got, expected);
    EXPECT_EQ(batched->last_sequence(), one->last_sequence());
    EXPECT_EQ(batched->skipped(), one->skipped());
    EXPECT_EQ(batched->remaining(), 0u);
    Status past = batched->NextBatch(1, &batch);
    EXPECT_EQ(past.code(), Status::Code::kInfeasible);
    EXPECT_EQ(batch.size(), 0u);
  }
}

TEST(KeyedBatchTest, AdvanceStepsThroughTheAllowedCodesAsUnrankDoes) {
  Alphabet alphabet = Parse("unambiguous");
  for (bool check : {false, true}) {
    BlocklistSpec blocklist;
    blocklist.builtin = true;
    auto rules = CodeRules::Make(alphabet, 5, check, blocklist);
    ASSERT_TRUE(rules.ok());
    std::vector<uint8_t> fold;
    for (size_t i = 0; i < alphabet.size(); ++i) fold.push_back(static_cast<uint8_t>(alphabet.FoldedIndex(alphabet.symbol(i))));
    auto index = AllowedIndex::Build(rules->blocklist(), rules->check(), fold, 5);
    ASSERT_TRUE(index.ok());
    AllowedIndex::Cursor cursor;
    std::vector<uint16_t> expected(5);
    for (uint64_t start : {uint64_t{0}, uint64_t{1234567}, index->size() - 40000}) {
      index->Start(start, &cursor);
      for (uint64_t n = start; n < start + 40000 && n < index->size(); ++n) {
        index->Unrank(n, expected);
        ASSERT_EQ(cursor.numerals, expected) << n;
        const bool more = index->Advance(&cursor);
        ASSERT_EQ(more, n + 1 < index->size()) << n;
      }
    }
    std::vector<uint16_t> last = cursor.numerals;
    EXPECT_FALSE(index->Advance(&cursor));
    EXPECT_EQ(cursor.numerals, last);  // left alone at the last code
  }
}

}  // namespace
}  // namespace coupongen
