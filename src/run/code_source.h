// Where a run's codes come from, a batch at a time: random mode's CodeGenerator (with its
// draw-ahead thread, and the ledger look-up for ledgers too large to read) or keyed mode's
// KeyedGenerator (which splits each batch over two threads). The write loop (run/write_codes.h)
// knows only this interface: one virtual call per batch, none per code.
#pragma once

#include <cstddef>

#include "base/status.h"
#include "codes/generator.h"
#include "codes/keyed_generator.h"
#include "ledger/ledger.h"

namespace coupongen {

class CodeSource {
 public:
  virtual ~CodeSource() = default;
  /// Replaces the contents of *batch with the next `n` codes.
  virtual Status NextBatch(size_t n, CodeBatch* batch) = 0;
  /// How many codes a batch should hold. Divides 65,536, so that progress (which looks every
  /// 65,536 codes) still ticks.
  virtual size_t batch_size() const = 0;
  /// True when no code ever needs CSV quotes or JSON escapes (CodeGenerator::plain_codes).
  virtual bool plain_codes() const = 0;
};

class RandomCodeSource final : public CodeSource {
 public:
  /// With `lookup` (a ledger too large to read into the uniqueness set): each code the ledger
  /// holds is replaced by a new one that it does not. Both must outlive this object.
  RandomCodeSource(CodeGenerator& gen, Ledger* lookup) : gen_(gen), lookup_(lookup) {}
  Status NextBatch(size_t n, CodeBatch* batch) override;
  size_t batch_size() const override { return 4096; }
  bool plain_codes() const override { return gen_.plain_codes(); }

 private:
  CodeGenerator& gen_;
  Ledger* lookup_;
};

class KeyedCodeSource final : public CodeSource {
 public:
  explicit KeyedCodeSource(KeyedGenerator& gen) : gen_(gen) {}
  Status NextBatch(size_t n, CodeBatch* batch) override { return gen_.NextBatch(n, batch); }
  /// Larger than random batches, so that handing half of each to the other thread costs little
  /// beside the work.
  size_t batch_size() const override { return 16384; }
  bool plain_codes() const override { return gen_.plain_codes(); }

 private:
  KeyedGenerator& gen_;
};

}  // namespace coupongen
