#include "io/csv_split.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace coupongen {
namespace {

// What SplitPlainRecord must find, byte by byte.
struct Expected {
  SplitResult result = SplitResult::kNoNewline;
  std::vector<std::string> fields;
  size_t len = 0, advance = 0;
  bool ascii = true, nul = false;
};

Expected Reference(const std::string& s) {
  Expected e;
  size_t nl = s.find('\n');
  size_t quote = s.find('"');
  if (quote != std::string::npos && (nl == std::string::npos || quote < nl)) {
    e.result = SplitResult::kQuote;
    return e;
  }
  if (nl == std::string::npos) return e;
  e.result = SplitResult::kSplit;
  e.advance = nl + 1;
  e.len = nl > 0 && s[nl - 1] == '\r' ? nl - 1 : nl;
  std::string record = s.substr(0, e.len);
  size_t start = 0;
  while (true) {
    size_t comma = record.find(',', start);
    e.fields.push_back(record.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  for (size_t i = 0; i < e.len; ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) e.ascii = false;
    if (s[i] == '\0') e.nul = true;
  }
  return e;
}

// Splits `s` held in a heap block of exactly its size, so that a read past its end is caught
// (AddressSanitizer), and compares with Reference.
// (Both versions: 16 bytes at a time and a byte at a time.)
void ExpectSplit(const std::string& s) {
  SCOPED_TRACE(::testing::PrintToString(s));
  std::unique_ptr<char[]> exact(new char[s.size() + 1]);  // +1: new char[0] is not dereferenceable either
  std::copy(s.begin(), s.end(), exact.get());
  const Expected want = Reference(s);
  for (auto split : {&SplitPlainRecord, &SplitPlainRecordBytewise}) {
    std::vector<std::string_view> fields = {"stale"};
    PlainRecord rec;
    SplitResult got = split(exact.get(), exact.get() + s.size(), &fields, &rec);
    ASSERT_EQ(static_cast<int>(got), static_cast<int>(want.result));
    if (got != SplitResult::kSplit) continue;
    EXPECT_EQ(rec.len, want.len);
    EXPECT_EQ(rec.advance, want.advance);
    EXPECT_EQ(rec.ascii, want.ascii);
    EXPECT_EQ(rec.nul, want.nul);
    std::vector<std::string> got_fields(fields.begin(), fields.end());
    EXPECT_EQ(got_fields, want.fields);
    for (std::string_view f : fields) {
      EXPECT_GE(f.data(), exact.get());
      EXPECT_LE(f.data() + f.size(), exact.get() + rec.len);
    }
  }
}

TEST(CsvSplitTest, Records) {
  for (const char* s : {"a,b,c\n", "a,b,c\r\n", "a,b,c\nnext,row\n", "\n", "\r\n", ",\n", ",,\r\n", "a,\r\n",
                        "a\rb,c\n", "a,b\r\r\n", "ABCDEFGHJKLM,ABCRtyUpBa,1,true,2099-12-31T23:59:59.000Z,spring-2027\n"})
    ExpectSplit(s);
}

TEST(CsvSplitTest, QuotesAreLeftToTheGeneralReader) {
  for (const char* s : {"\"a\",b\n", "a,\"b\"\n", "a\"b\n", "a,b\"\n", "\"", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p\"\n"})
    ExpectSplit(s);
  // A quote after the line end belongs to the next record.
  ExpectSplit("a,b\n\"c\"\n");
}

TEST(CsvSplitTest, NoLineEnd) {
  for (const char* s : {"", "a", "a,b,c", "a,b\r", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) ExpectSplit(s);
}

// Each special byte at every offset of records 0..80 bytes long (16-byte blocks and their tails),
// with the buffer ending right after the record or some bytes later.
TEST(CsvSplitTest, EverySpecialByteAtEveryOffset) {
  const char specials[] = {',', '\n', '"', '\r', '\0', '\x80', '\xC3', '\xFF', '\x7F', 'a'};
  for (size_t len = 0; len <= 80; ++len) {
    for (size_t tail : {size_t{0}, size_t{1}, size_t{7}, size_t{16}, size_t{33}}) {
      std::string base(len, 'k');
      base += '\n';
      base += std::string(tail, tail % 2 ? ',' : '\xE9');
      ExpectSplit(base);
      for (size_t at = 0; at < base.size(); ++at)
        for (char c : specials) {
          std::string s = base;
          s[at] = c;
          ExpectSplit(s);
        }
    }
  }
}

// Non-ASCII and NUL bytes count only before the line end.
TEST(CsvSplitTest, FlagsStopAtTheLineEnd) {
  std::vector<std::string_view> fields;
  PlainRecord rec;
  std::string s = "abc,def\n\xC3\xA9\0x\n";
  s.push_back('\0');
  ASSERT_EQ(SplitPlainRecord(s.data(), s.data() + s.size(), &fields, &rec), SplitResult::kSplit);
  EXPECT_TRUE(rec.ascii);
  EXPECT_FALSE(rec.nul);
  std::string t = std::string(20, 'a') + "\xC3\xA9," + std::string(20, 'b') + '\0' + "\n";
  ASSERT_EQ(SplitPlainRecord(t.data(), t.data() + t.size(), &fields, &rec), SplitResult::kSplit);
  EXPECT_FALSE(rec.ascii);
  EXPECT_TRUE(rec.nul);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0], std::string(20, 'a') + "\xC3\xA9");
}

TEST(CsvSplitTest, RandomRecords) {
  std::mt19937 rng(20261130);
  const std::string alphabet = std::string("ab,,,\n\r\"\xC3\xA9 ") + '\0';
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 90, ' ');
    for (char& c : s) c = rng() % 4 ? 'x' : alphabet[rng() % alphabet.size()];
    ExpectSplit(s);
  }
}

}  // namespace
}  // namespace coupongen
