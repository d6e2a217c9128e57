// Ff1::EncryptBatch (the batched, integer-halves path keyed mode uses) must give exactly what
// Ff1::Encrypt gives one string at a time: against the NIST samples, against vectors computed by
// tests/codes/ff1_reference.py (a big-integer transcription of SP 800-38G), and against Encrypt
// for many radixes, lengths (both sides of the 64-bit limit where the batch falls back to
// Encrypt), tweaks and batch sizes (across the batch's internal chunk of 2,048 strings).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "codes/ff1.h"

namespace coupongen {
namespace {

std::vector<uint8_t> Hex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::vector<uint16_t> Numerals(std::string_view s) {
  std::vector<uint16_t> out;
  for (char c : s) out.push_back(static_cast<uint16_t>(c <= '9' ? c - '0' : c - 'a' + 10));
  return out;
}

const char kKey128[] = "2B7E151628AED2A6ABF7158809CF4F3C";
const char kKey192[] = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F";
const char kKey256[] = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";

// Three strings per vector, back to back, through one EncryptBatch call.
struct BatchVector {
  const char* key;
  uint32_t radix;
  const char* tweak;
  size_t length;
  std::vector<uint16_t> plaintexts;
  std::vector<uint16_t> ciphertexts;
};

TEST(Ff1BatchTest, NistSamplesThroughTheBatch) {
  struct Sample {
    const char* key;
    uint32_t radix;
    const char* tweak;
    const char* plaintext;
    const char* ciphertext;
  };
  // SP 800-38G samples 1, 2, 3, 6, 7 and 9 (d = 8 for radix 10, d = 12 for radix 36).
  const Sample samples[] = {
      {kKey128, 10, "", "0123456789", "2433477484"},
      {kKey128, 10, "39383736353433323130", "0123456789", "6124200773"},
      {kKey128, 36, "3737373770717273373737", "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
      {kKey192, 36, "3737373770717273373737", "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
      {kKey256, 10, "", "0123456789", "6657667009"},
      {kKey256, 36, "3737373770717273373737", "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
  };
  for (const Sample& s : samples) {
    auto ff1 = Ff1::Create(Hex(s.key), s.radix, 6, 64);
    ASSERT_TRUE(ff1.ok());
    std::vector<uint16_t> pt = Numerals(s.plaintext), ct = Numerals(s.ciphertext), batch;
    for (int copy = 0; copy < 5; ++copy) batch.insert(batch.end(), pt.begin(), pt.end());
    ASSERT_TRUE(ff1->EncryptBatch(Hex(s.tweak), pt.size(), batch).ok());
    for (int copy = 0; copy < 5; ++copy)
      EXPECT_EQ(std::vector<uint16_t>(batch.begin() + copy * ct.size(), batch.begin() + (copy + 1) * ct.size()), ct)
          << s.plaintext << " radix " << s.radix;
  }
}

TEST(Ff1BatchTest, ReferenceVectors) {
  // From ff1_reference.py: keyed mode's shape (radix 30, 12 numerals, a 4-block tweak), radix 2 at
  // 40 numerals, radix 65536 (d = 12), radix 10 at 19 numerals (b = 5), radix 36 at 24 numerals
  // (36^12: b = 8, the most the batch path takes), and radix 30 at an odd length.
  const BatchVector vectors[] = {
      {kKey256, 30, "636f75706f6e67656e2d6b657965642d310073756d6d65720023232323232323232323232300323334353637383941424344454647484a4b4c4d4e505152535455565758", 12, {0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,1,20,24,4,22,3,2, 0,0,0,0,0,3,11,18,9,14,6,4}, {25,19,25,10,27,14,7,12,5,3,23,11, 0,24,21,20,21,13,15,2,21,9,2,15, 23,19,18,15,20,18,27,26,8,25,8,19}},
      {kKey128, 2, "", 40, {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,1,0,0,1,0,0,1,1,0,0,1,0,1,1,0,0,0,0,0,0,0,1,0,1,1,0,1,0,1,0,0, 0,0,0,0,0,0,0,0,1,0,0,1,0,0,1,1,0,0,1,0,1,1,0,0,0,0,0,0,0,1,0,1,1,0,1,0,1,0,0,0}, {0,0,1,0,1,0,0,0,1,0,1,1,0,1,0,1,1,1,0,0,0,0,1,1,1,1,1,0,1,0,1,0,0,0,1,1,1,1,0,1, 0,0,0,1,0,0,0,1,0,0,1,1,1,1,1,0,0,0,1,0,0,1,0,0,0,1,0,0,1,1,1,1,1,0,1,0,1,1,0,0, 1,0,1,1,1,0,1,0,0,0,1,1,0,0,0,0,1,1,1,1,1,1,1,0,1,1,1,0,1,1,0,1,0,0,0,0,0,0,1,1}},
      {kKey192, 65536, "747765616b", 6, {0,0,0,0,0,0, 0,0,0,0,18838,724, 0,0,0,0,37676,1448}, {65011,12620,9974,50118,10243,61952, 17317,65023,12464,48644,17221,19740, 15895,57361,1867,58749,7701,41638}},
      {kKey256, 10, "000102030405060708090a0b0c0d0e0f", 19, {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,1,2,3,4,5,6,7,8,9,2, 0,0,0,0,0,0,0,0,0,2,4,6,9,1,3,5,7,8,4}, {5,3,7,6,8,5,5,9,9,5,7,4,4,6,7,6,6,6,5, 3,7,6,6,9,8,8,1,1,8,2,5,9,1,5,9,5,4,3, 5,0,4,9,4,6,1,9,3,9,5,7,7,7,8,6,8,1,1}},
      {kKey128, 36, "", 24, {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,20,15,1,2,24,20, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,4,30,2,5,13,4}, {6,0,19,13,34,14,28,27,25,7,17,29,32,4,33,12,9,9,18,13,17,28,12,33, 9,35,19,1,13,22,1,8,34,6,9,28,19,25,1,21,30,24,34,27,10,19,31,33, 10,23,18,6,28,12,24,31,31,32,15,9,27,35,6,7,15,10,8,16,34,18,16,2}},
      {kKey256, 30, "", 13, {0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,1,20,24,4,22,3,2, 0,0,0,0,0,0,3,11,18,9,14,6,4}, {26,25,22,20,14,19,18,26,6,2,18,19,26, 4,27,15,14,15,28,13,9,1,14,28,4,27, 28,26,29,11,29,5,23,24,25,19,13,0,23}},
  };
  for (const BatchVector& v : vectors) {
    SCOPED_TRACE("radix " + std::to_string(v.radix) + " length " + std::to_string(v.length));
    auto ff1 = Ff1::Create(Hex(v.key), v.radix, static_cast<uint32_t>(v.length), static_cast<uint32_t>(v.length), 256);
    ASSERT_TRUE(ff1.ok()) << ff1.status().message();
    std::vector<uint16_t> x = v.plaintexts;
    ASSERT_TRUE(ff1->EncryptBatch(Hex(v.tweak), v.length, x).ok());
    EXPECT_EQ(x, v.ciphertexts);
    // And one at a time, so the vectors check Encrypt as well.
    for (size_t k = 0; k < 3; ++k) {
      std::vector<uint16_t> one(v.plaintexts.begin() + k * v.length, v.plaintexts.begin() + (k + 1) * v.length);
      ASSERT_TRUE(ff1->Encrypt(Hex(v.tweak), one, one).ok());
      EXPECT_EQ(one, std::vector<uint16_t>(v.ciphertexts.begin() + k * v.length, v.ciphertexts.begin() + (k + 1) * v.length));
    }
  }
}

TEST(Ff1BatchTest, EqualsOneAtATimeForManyRadixesLengthsAndTweaks) {
  std::mt19937_64 rng(2026);
  const std::vector<uint8_t> key = Hex(kKey256);
  size_t fast_lengths = 0, fallback_lengths = 0;
  for (uint32_t radix : {2u, 10u, 26u, 30u, 32u, 36u, 62u, 94u, 256u, 1000u, 65535u, 65536u}) {
    uint32_t min_length = 2;
    for (uint64_t domain = radix * uint64_t{radix}; domain < Ff1::kMinDomainSize; domain *= radix) ++min_length;
    const uint32_t max_length = min_length + 36;
    auto ff1 = Ff1::Create(key, radix, min_length, max_length, 100);
    ASSERT_TRUE(ff1.ok()) << ff1.status().message();
    auto copy = ff1->Clone();  // and a clone gives the same results
    ASSERT_TRUE(copy.ok());
    for (uint32_t length = min_length; length <= max_length; ++length) {
      uint64_t half = 0;
      ++(RadixPower(radix, length - length / 2, &half) ? fast_lengths : fallback_lengths);
      for (size_t tweak_length : {size_t{0}, size_t{1}, size_t{13}, size_t{16}, size_t{71}}) {
        std::vector<uint8_t> tweak(tweak_length);
        for (auto& b : tweak) b = static_cast<uint8_t>(rng());
        const size_t count = 1 + rng() % 40;
        std::vector<uint16_t> batch(count * length);
        for (auto& d : batch) d = static_cast<uint16_t>(rng() % radix);
        if (rng() % 4 == 0) std::fill(batch.begin(), batch.begin() + length, static_cast<uint16_t>(radix - 1));  // the top
        std::vector<uint16_t> expected = batch;
        for (size_t k = 0; k < count; ++k) {
          std::span<uint16_t> one(expected.data() + k * length, length);
          ASSERT_TRUE(ff1->Encrypt(tweak, one, one).ok());
        }
        std::vector<uint16_t> got = batch;
        ASSERT_TRUE((length % 2 ? *copy : *ff1).EncryptBatch(tweak, length, got).ok());
        ASSERT_EQ(got, expected) << "radix " << radix << " length " << length << " tweak " << tweak_length;
      }
    }
  }
  EXPECT_GT(fast_lengths, 100u);
  EXPECT_GT(fallback_lengths, 100u);
}

TEST(Ff1BatchTest, ManyStringsAcrossChunks) {
  auto ff1 = Ff1::Create(Hex(kKey128), 30, 12, 12, 64);
  ASSERT_TRUE(ff1.ok());
  std::vector<uint8_t> tweak(57, 0x5a);
  const size_t count = 5000;  // more than two internal chunks of 2,048
  std::vector<uint16_t> batch(count * 12);
  for (size_t k = 0; k < count; ++k)
    for (size_t j = 0, v = k * 7919; j < 12; ++j, v /= 30) batch[k * 12 + 11 - j] = static_cast<uint16_t>(v % 30);
  std::vector<uint16_t> expected = batch;
  for (size_t k = 0; k < count; ++k) {
    std::span<uint16_t> one(expected.data() + k * 12, 12);
    ASSERT_TRUE(ff1->Encrypt(tweak, one, one).ok());
  }
  ASSERT_TRUE(ff1->EncryptBatch(tweak, 12, batch).ok());
  EXPECT_EQ(batch, expected);
}

TEST(Ff1BatchTest, RefusesWhatEncryptRefuses) {
  auto ff1 = Ff1::Create(Hex(kKey128), 10, 6, 12, 8);
  ASSERT_TRUE(ff1.ok());
  std::vector<uint16_t> x(20, 1);
  EXPECT_FALSE(ff1->EncryptBatch({}, 6, x).ok());  // 20 is not a multiple of 6
  EXPECT_FALSE(ff1->EncryptBatch({}, 0, x).ok());
  EXPECT_FALSE(ff1->EncryptBatch({}, 5, x).ok());  // below the min length
  std::vector<uint8_t> long_tweak(9);
  EXPECT_FALSE(ff1->EncryptBatch(long_tweak, 10, x).ok());
  x[13] = 10;  // not below the radix
  EXPECT_FALSE(ff1->EncryptBatch({}, 10, x).ok());
  EXPECT_TRUE(ff1->EncryptBatch({}, 10, std::span<uint16_t>()).ok());  // nothing to do
}

}  // namespace
}  // namespace coupongen
