#include "codes/ff1.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coupongen {
namespace {

std::vector<uint8_t> Hex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// "0123456789abcdefghi" -> {0, 1, ..., 18}: the samples' notation for radix <= 36.
std::vector<uint16_t> Numerals(std::string_view s) {
  std::vector<uint16_t> out;
  for (char c : s) out.push_back(static_cast<uint16_t>(c <= '9' ? c - '0' : c - 'a' + 10));
  return out;
}

std::string Text(const std::vector<uint16_t>& x) {
  std::string out;
  for (uint16_t d : x) out.push_back(static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10));
  return out;
}

const char kKey128[] = "2B7E151628AED2A6ABF7158809CF4F3C";
const char kKey192[] = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F";
const char kKey256[] = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";

struct Sample {
  int number;
  const char* key;
  uint32_t radix;
  const char* tweak;
  const char* plaintext;
  const char* ciphertext;
};

// NIST SP 800-38G FF1 samples 1-9 (csrc.nist.gov Examples/FF1samples.pdf), cross-checked against
// three independent implementations' tests: capitalone/fpe ff1/ff1_test.go, bcgit/bc-java
// core/src/test/java/org/bouncycastle/crypto/test/SP80038GTest.java and ubiqsecurity/ubiq-fpe-c
// src/test/ff1.cpp, which all agree on every value below.
const Sample kSamples[] = {
    {1, kKey128, 10, "", "0123456789", "2433477484"},
    {2, kKey128, 10, "39383736353433323130", "0123456789", "6124200773"},
    {3, kKey128, 36, "3737373770717273373737", "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
    {4, kKey192, 10, "", "0123456789", "2830668132"},
    {5, kKey192, 10, "39383736353433323130", "0123456789", "2496655549"},
    {6, kKey192, 36, "3737373770717273373737", "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
    {7, kKey256, 10, "", "0123456789", "6657667009"},
    {8, kKey256, 10, "39383736353433323130", "0123456789", "1001623463"},
    {9, kKey256, 36, "3737373770717273373737", "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
};

TEST(Ff1Test, NistSamples) {
  for (const Sample& s : kSamples) {
    SCOPED_TRACE("sample " + std::to_string(s.number));
    auto ff1 = Ff1::Create(Hex(s.key), s.radix, 6, 64);
    ASSERT_TRUE(ff1.ok()) << ff1.status().message();
    std::vector<uint8_t> tweak = Hex(s.tweak);
    std::vector<uint16_t> pt = Numerals(s.plaintext), ct(pt.size()), back(pt.size());
    ASSERT_TRUE(ff1->Encrypt(tweak, pt, ct).ok());
    EXPECT_EQ(Text(ct), s.ciphertext);
    ASSERT_TRUE(ff1->Decrypt(tweak, ct, back).ok());
    EXPECT_EQ(Text(back), s.plaintext);
  }
}

// Beyond the samples (which all have d <= 16 and one-block Q tails): vectors from
// tests/codes/ff1_reference.py, a direct big-integer transcription of the standard, for the radixes
// and lengths coupon codes use, radix 65536 and a tweak long enough for multi-block Q.
struct Reference {
  const char* key;
  uint32_t radix;
  const char* tweak;
  std::vector<uint16_t> plaintext;
  std::vector<uint16_t> ciphertext;
};

const char kCampaignTweak[] = "737072696e672d73616c652d32303237";  // "spring-sale-2027"

std::vector<uint16_t> Sequence(size_t n, uint32_t mul, uint32_t radix) {
  std::vector<uint16_t> x;
  for (size_t i = 0; i < n; ++i) x.push_back(static_cast<uint16_t>(i * mul % radix));
  return x;
}

std::vector<uint16_t> Descending(size_t n, uint32_t radix) {
  std::vector<uint16_t> x;
  for (size_t i = 0; i < n; ++i) x.push_back(static_cast<uint16_t>(radix - 1 - i % radix));
  return x;
}

TEST(Ff1Test, ReferenceVectors) {
  const std::string tweak80(80, 'x');
  const Reference refs[] = {
      {kKey256, 94, kCampaignTweak, Sequence(40, 7, 94),
       {92, 76, 62, 11, 43, 58, 18, 22, 8, 81, 61, 15, 15, 54, 53, 36, 76, 6, 93, 79,
        24, 45, 29, 70, 93, 20, 87, 91, 34, 79, 92, 30, 60, 93, 77, 81, 71, 13, 76, 20}},
      {kKey256, 30, kCampaignTweak, Sequence(12, 1, 30), {18, 9, 19, 10, 28, 7, 19, 3, 1, 18, 16, 28}},
      {kKey256, 30, "", std::vector<uint16_t>(12, 0), {23, 24, 1, 22, 10, 17, 7, 1, 3, 7, 0, 11}},
      {kKey256, 65536, kCampaignTweak, {0, 1, 65535, 4660, 22136, 39612, 48350, 61680, 7},
       {41158, 14150, 42181, 27184, 14045, 29187, 50975, 62685, 21693}},
      // Tweak: "ab" * 40 (80 bytes), so Q is six blocks of which five are the same every round.
      {kKey128, 94, "61626162616261626162616261626162616261626162616261626162616261626162616261626162"
                    "61626162616261626162616261626162616261626162616261626162616261626162616261626162",
       Descending(33, 94),
       {12, 20, 79, 80, 25, 84, 0, 31, 61, 86, 70, 30, 45, 37, 82, 59, 45, 4, 16, 9, 7, 83, 33, 52,
        57, 20, 58, 48, 35, 28, 93, 57, 0}},
  };
  for (const Reference& r : refs) {
    SCOPED_TRACE("radix " + std::to_string(r.radix) + " length " + std::to_string(r.plaintext.size()));
    auto len = static_cast<uint32_t>(r.plaintext.size());
    auto ff1 = Ff1::Create(Hex(r.key), r.radix, len, len);
    ASSERT_TRUE(ff1.ok()) << ff1.status().message();
    std::vector<uint16_t> ct(r.plaintext.size()), back(r.plaintext.size());
    ASSERT_TRUE(ff1->Encrypt(Hex(r.tweak), r.plaintext, ct).ok());
    EXPECT_EQ(ct, r.ciphertext);
    ASSERT_TRUE(ff1->Decrypt(Hex(r.tweak), ct, back).ok());
    EXPECT_EQ(back, r.plaintext);
  }
}

// ubiqsecurity/ubiq-fpe-c src/test/ff1.cpp (TEST ff1 base2_c): 446 binary numerals, so b = 28 and
// d = 32: S needs a second AES block. Also reproduced by ff1_reference.py.
TEST(Ff1Test, LongBinaryVector) {
  auto bits = [](std::string_view s) {
    std::vector<uint16_t> x;
    for (char c : s) x.push_back(static_cast<uint16_t>(c - '0'));
    return x;
  };
  const std::vector<uint16_t> pt = bits(
      "00001100010001110001000111100100001111110110000000001010000001111100000111100101110111101100101011001010"
      "01001000101110000010010001110001011111100011110101011101011001100100001000010100010000011101100100001000"
      "01110010101001011110111111001111111010100011111011111010001011111011001010010000101101010111000110110011"
      "10101101001100100101101000000111100100110000001111011000110011110000011011101111001110101101111001001111"
      "010101011001100011001111001110");
  const std::vector<uint16_t> ct = bits(
      "10101101001111110110110001010101110111011010101001110011111101101101000001110010100110110011011101000101"
      "01000111110110000011000010111000000011000101100010000011100111101110101110001110001010000101001111010001"
      "00010010000011011100101101111000101010010001001000000101111000001010000101000110011000111111100111001111"
      "10011100111111011001101011100010100110001100111000100000101011111110100011110011101001010110001000011010"
      "011011101001101000001100110100");
  ASSERT_EQ(pt.size(), 446u);
  auto ff1 = Ff1::Create(Hex("f4a116d6ee406a53a56cbe0f4aa7b1001cdc0a55cac963cf5ace390488b3477a"), 2, 20, 1024);
  ASSERT_TRUE(ff1.ok());
  const std::vector<uint8_t> tweak = Hex("fd7f4b9945a3c535adb4720027116ca0f4987d7f3fdba9bbc40e75375feaa63c");
  std::vector<uint16_t> out(pt.size());
  ASSERT_TRUE(ff1->Encrypt(tweak, pt, out).ok());
  EXPECT_EQ(out, ct);
  ASSERT_TRUE(ff1->Decrypt(tweak, ct, out).ok());
  EXPECT_EQ(out, pt);
}

TEST(Ff1Test, CacheFollowsTweakAndLengthChanges) {
  // One instance, alternating tweaks and lengths: the per-(length, tweak) state must follow.
  auto ff1 = Ff1::Create(Hex(kKey256), 36, 4, 64);
  ASSERT_TRUE(ff1.ok());
  for (int pass = 0; pass < 2; ++pass) {
    for (const Sample& s : {kSamples[6], kSamples[8], kSamples[7]}) {
      auto fresh = Ff1::Create(Hex(s.key), 36, 4, 64);
      ASSERT_TRUE(fresh.ok());
      std::vector<uint16_t> pt = Numerals(s.plaintext), want(pt.size()), got(pt.size());
      ASSERT_TRUE(fresh->Encrypt(Hex(s.tweak), pt, want).ok());
      ASSERT_TRUE(ff1->Encrypt(Hex(s.tweak), pt, got).ok());
      EXPECT_EQ(got, want) << "sample " << s.number;
      if (s.radix == 36) EXPECT_EQ(Text(got), s.ciphertext) << "sample " << s.number;
    }
  }
}

TEST(Ff1Test, EncryptsInPlace) {
  auto ff1 = Ff1::Create(Hex(kKey128), 10, 6, 64);
  ASSERT_TRUE(ff1.ok());
  std::vector<uint16_t> x = Numerals("0123456789");
  ASSERT_TRUE(ff1->Encrypt({}, x, x).ok());
  EXPECT_EQ(Text(x), "2433477484");
  ASSERT_TRUE(ff1->Decrypt({}, x, x).ok());
  EXPECT_EQ(Text(x), "0123456789");
}

TEST(Ff1Test, RoundTripsCodeAlphabetsAtEveryLength) {
  std::mt19937 rng(12345);
  for (uint32_t radix : {30u, 36u, 94u}) {
    uint32_t min_length = radix == 30 ? 5 : 4;  // 30^4 = 810,000 is below the floor
    auto ff1 = Ff1::Create(Hex(kKey256), radix, min_length, 40);
    ASSERT_TRUE(ff1.ok()) << ff1.status().message();
    for (uint32_t len = min_length; len <= 40; ++len) {
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<uint16_t> pt(len), ct(len), back(len);
        for (auto& d : pt) d = static_cast<uint16_t>(rng() % radix);
        std::vector<uint8_t> tweak(trial % 3 == 0 ? 0 : trial);
        for (auto& b : tweak) b = static_cast<uint8_t>(rng());
        ASSERT_TRUE(ff1->Encrypt(tweak, pt, ct).ok());
        EXPECT_TRUE(std::all_of(ct.begin(), ct.end(), [&](uint16_t d) { return d < radix; }));
        ASSERT_TRUE(ff1->Decrypt(tweak, ct, back).ok());
        ASSERT_EQ(back, pt) << "radix " << radix << " length " << len;
      }
    }
  }
}

TEST(Ff1Test, IsAPermutationOfASmallDomain) {
  // Radix 10, length 6: exactly the 1,000,000-string floor. Every input maps to a distinct output.
  auto ff1 = Ff1::Create(Hex(kKey128), 10, 6, 6);
  ASSERT_TRUE(ff1.ok());
  std::vector<bool> seen(1000000);
  std::vector<uint16_t> x(6), y(6);
  for (uint32_t n = 0; n < 1000000; ++n) {
    for (uint32_t k = 0, v = n; k < 6; ++k, v /= 10) x[5 - k] = static_cast<uint16_t>(v % 10);
    ASSERT_TRUE(ff1->Encrypt({}, x, y).ok());
    uint32_t out = 0;
    for (uint16_t d : y) out = out * 10 + d;
    ASSERT_FALSE(seen[out]) << n << " collides";
    seen[out] = true;
  }
}

TEST(Ff1Test, RefusesWhatTheStandardForbids) {
  struct Case {
    size_t key_size;
    uint32_t radix, min_length, max_length;
    const char* error;
  } cases[] = {
      {32, 30, 4, 40, "FF1 needs at least 1,000,000 possible inputs (radix^min_length); 30^4 = 810,000 is too small"},
      {32, 10, 5, 10, "FF1 needs at least 1,000,000 possible inputs (radix^min_length); 10^5 = 100,000 is too small"},
      {32, 94, 1, 10, "FF1 needs numeral strings of at least 2 symbols; min length is 1"},
      {32, 1, 30, 40, "FF1 radix must be 2..65536; got 1"},
      {32, 65537, 2, 40, "FF1 radix must be 2..65536; got 65537"},
      {32, 94, 12, 10, "FF1 max length 10 is below min length 12"},
      {32, 94, 12, 65537, "FF1 max length 65537 is above this implementation's 65536"},
      {20, 94, 12, 12, "FF1 key must be 16, 24 or 32 bytes (AES-128, -192 or -256); got 20"},
  };
  for (const Case& c : cases) {
    auto ff1 = Ff1::Create(std::vector<uint8_t>(c.key_size, 7), c.radix, c.min_length, c.max_length);
    ASSERT_FALSE(ff1.ok()) << c.error;
    EXPECT_EQ(ff1.status().code(), Status::Code::kInvalid);
    EXPECT_EQ(ff1.status().message(), c.error);
  }
  EXPECT_TRUE(Ff1::Create(std::vector<uint8_t>(32, 7), 65536, 2, 2).ok());  // 2^32 >= 10^6
  EXPECT_TRUE(Ff1::Create(std::vector<uint8_t>(32, 7), 2, 20, 20).ok());    // 2^20 = 1,048,576
  EXPECT_FALSE(Ff1::Create(std::vector<uint8_t>(32, 7), 2, 19, 20).ok());   // 2^19 = 524,288
}

TEST(Ff1Test, RefusesBadInput) {
  auto ff1 = Ff1::Create(Hex(kKey128), 10, 6, 12, 4);
  ASSERT_TRUE(ff1.ok());
  std::vector<uint16_t> x = Numerals("0123456789"), y(10), shorter(5), longer(13);
  EXPECT_EQ(ff1->Encrypt({}, x, shorter).message(), "FF1: output has 5 numerals, input 10");
  EXPECT_EQ(ff1->Encrypt({}, shorter, shorter).message(), "FF1: input has 5 numerals; this instance takes 6..12");
  EXPECT_EQ(ff1->Decrypt({}, longer, longer).message(), "FF1: input has 13 numerals; this instance takes 6..12");
  EXPECT_EQ(ff1->Encrypt(std::vector<uint8_t>(5), x, y).message(), "FF1: tweak has 5 bytes; at most 4");
  x[3] = 10;
  EXPECT_EQ(ff1->Encrypt({}, x, y).message(), "FF1: numeral 10 at 3 is not below the radix 10");
}

// Throughput, not a check: ./coupongen_tests --gtest_also_run_disabled_tests --gtest_filter='*Benchmark*'
// Thread CPU time, best of three, so that other work on a shared machine does not count.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TEST(Ff1Test, DISABLED_Benchmark) {
  struct Shape {
    uint32_t radix, length;
  };
  for (Shape shape : {Shape{30, 12}, Shape{94, 40}, Shape{10, 6}}) {
    auto ff1 = Ff1::Create(Hex(kKey256), shape.radix, shape.length, shape.length);
    ASSERT_TRUE(ff1.ok());
    std::vector<uint8_t> tweak = Hex(kCampaignTweak);
    std::vector<uint16_t> x(shape.length, 1);
    const int kCount = 1000000;
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      double start = CpuSeconds();
      for (int i = 0; i < kCount; ++i) {
        x[shape.length - 1] = static_cast<uint16_t>(i % shape.radix);
        ASSERT_TRUE(ff1->Encrypt(tweak, x, x).ok());
      }
      best = std::min(best, CpuSeconds() - start);
    }
    std::printf("radix %u length %u: %.0f encryptions/s (%.0f ns each)\n", shape.radix, shape.length,
                kCount / best, best / kCount * 1e9);
  }
}

}  // namespace
}  // namespace coupongen
