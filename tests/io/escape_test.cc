#include "io/escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace coupongen {
namespace {

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

TEST(EscapeTest, JsonStrings) {
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Json("tab\there\nnl\rcr"), "\"tab\\there\\nnl\\rcr\"");
  EXPECT_EQ(Json(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(Json("\x1f\x7f"), "\"\\u001f\\u007f\"");
  EXPECT_EQ(Json("caf\xc3\xa9 \xe2\x82\xac"), "\"caf\xc3\xa9 \xe2\x82\xac\"");  // UTF-8 as is
  EXPECT_EQ(Json("line\xe2\x80\xa8sep"), "\"line\\u2028sep\"");
}

// Whatever we write, an independent JSON parser reads back the same string.
TEST(EscapeTest, JsonRoundTripsThroughNlohmann) {
  std::mt19937 rng(42);  // test inputs only
  const std::vector<std::string> pieces = {"a", "\"", "\\", "\n", "\t", "\x01", "\x7f", "\xc3\xa9", "\xe2\x80\xa8",
                                           "\xf0\x9f\x8e\x9f", "/", " ", "{", "}", ",", "'"};
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 20);
    for (int j = 0; j < n; ++j) s += pieces[rng() % pieces.size()];
    std::string encoded = Json(s);
    auto parsed = nlohmann::json::parse(encoded);
    ASSERT_EQ(parsed.get<std::string>(), s) << encoded;
  }
}

TEST(EscapeTest, CsvFields) {
  auto csv = [](std::string_view s) {
    std::string out;
    AppendCsvField(out, s);
    return out;
  };
  EXPECT_EQ(csv("plain"), "plain");
  EXPECT_EQ(csv("spring,vip"), "\"spring,vip\"");
  EXPECT_EQ(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv(""), "");
  EXPECT_TRUE(CsvNeedsQuotes("a\nb"));
  EXPECT_FALSE(CsvNeedsQuotes("a b"));
}

}  // namespace
}  // namespace coupongen
