// The code each fuzz target drives, shared with the regression test that replays every saved
// crashing input (tests/regressions/) in the normal GCC build. Each function runs one input
// through its parsers and checks the invariants that must hold for any input; a violation
// aborts (so libFuzzer keeps the input, and the regression test dies loudly).
#pragma once

#include <cstddef>
#include <cstdint>

namespace coupongen::fuzz {

/// ParseCampaign + BuildPlan (with a fixed now and no file access), then, for a valid plan, a few
/// codes from a seeded source checked against the shape.
void RunSpec(const uint8_t* data, size_t size);

/// CouponReader over the input as it is (format detected from the content, gzip included), and
/// again gzip-compressed; every row goes through lint's checks.
void RunReader(const uint8_t* data, size_t size);

/// ParseTimestamp (and the round trip through FormatTimestamp), ParseDuration, IsValidEmail and
/// Alphabet::Parse on the input as text.
void RunText(const uint8_t* data, size_t size);

}  // namespace coupongen::fuzz
