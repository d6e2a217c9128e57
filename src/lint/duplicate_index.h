// DuplicateIndex: the codes seen so far across the files `lint` and `convert` read, compared
// ignoring case (two codes that differ only in case are the same code), remembering where each
// was first seen so a duplicate can name both rows.
//
// Memory: each distinct code costs a 24-byte entry (its first location and where its text is),
// an 8-byte hash slot at most 3/4 full (10-21 bytes a code), and its case-folded text in an arena:
// about 60 bytes for a 20-character code, so ~60 MB for 1,000,000 codes. Reserve (from the
// reader's estimate of a file's rows) sizes the slots at once instead of doubling them from 1,024
// slots (each doubling hashes every code again). Strings are never
// compared on a hash hit alone: the 32 high bits of the 64-bit hash are kept in the slot to skip
// most mismatches, and a match is confirmed against the stored text, so there are no false
// duplicates.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/coupon_reader.h"

namespace coupongen {

/// Where a code was seen: a file (an index from DuplicateIndex::AddFile) and a row in it.
struct CodeLocation {
  uint32_t file = 0;
  RowNumber row;
  bool operator==(const CodeLocation&) const = default;
};

class DuplicateIndex {
 public:
  /// Sized for `expected_codes` without growing (it grows past that).
  explicit DuplicateIndex(size_t expected_codes = 0);

  /// Registers a file name for CodeLocation::file; returns its index.
  uint32_t AddFile(std::string name);
  const std::string& file_name(uint32_t file) const { return files_[file]; }

  /// Makes room for `more_codes` more codes without growing one step at a time (a hint: the
  /// index still grows past it).
  void Reserve(size_t more_codes);

  /// Records `code` first seen at `at`, unless a code equal to it ignoring ASCII case was recorded
  /// before: then records nothing and returns where that one was first seen.
  std::optional<CodeLocation> Insert(std::string_view code, CodeLocation at);

  /// "FILE:ROW" of a location.
  std::string Format(const CodeLocation& at) const;

  /// Distinct codes recorded.
  size_t size() const { return entries_.size(); }
  /// Approximate bytes held.
  size_t memory_bytes() const;

 private:
  struct Entry {
    const char* text;  // the folded code, in the arena
    uint32_t len;
    uint32_t file;
    RowNumber row;
  };

  static uint64_t Hash(std::string_view folded);
  // Room for `n` more bytes in the arena (a new block when the last one lacks it): where they go.
  char* ArenaSpace(size_t n);
  void Rehash(size_t slots);

  std::vector<uint64_t> slots_;  // (high 32 bits of the hash << 32) | (entry index + 1); 0: empty
  std::deque<Entry> entries_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // the arena
  size_t block_used_ = 0;
  size_t block_size_ = 0;
  size_t arena_bytes_ = 0;
  std::vector<std::string> files_;
};

}  // namespace coupongen
