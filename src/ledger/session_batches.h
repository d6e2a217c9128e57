// What both backends' issue sessions remember of the batch rows they insert: a batch is one
// (campaign, promotion rule, issue time, output path), and the codes of a run share one row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/timestamp.h"

namespace coupongen::ledger_internal {

class SessionBatches {
 public:
  /// The row of the previous batch when these are its attributes (most runs use one), else 0:
  /// the caller inserts a row and passes its id to Add.
  int64_t Current(std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
                  std::string_view output_path) const {
    const bool same = issued_at == issued_at_ && campaign == campaign_ && promotion_rule_id == rule_ &&
                      output_path == output_;
    return same ? current_ : 0;
  }

  /// Remembers a row this session inserted, as the current batch.
  void Add(int64_t id, std::string_view campaign, std::string_view promotion_rule_id, TimeMs issued_at,
           std::string_view output_path) {
    ids_.push_back(current_ = id);
    campaign_ = campaign;
    rule_ = promotion_rule_id;
    output_ = output_path;
    issued_at_ = issued_at;
  }

  /// Every batch row this session inserted (MarkDelivered marks them).
  const std::vector<int64_t>& ids() const { return ids_; }

 private:
  std::vector<int64_t> ids_;
  int64_t current_ = 0;
  std::string campaign_, rule_, output_;
  TimeMs issued_at_ = 0;
};

}  // namespace coupongen::ledger_internal
