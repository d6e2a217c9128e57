// What the two ledger backends (SQLite and PostgreSQL) share below the Ledger interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/timestamp.h"
#include "ledger/ledger.h"

namespace coupongen::ledger_internal {

// The batch (campaign, promotion rule, issue time, output path) a session's previous Record went
// to: most runs record every code into one batch, so a new batch row is inserted only when these
// change.
struct LastBatch {
  int64_t id = 0;  // 0: none yet
  std::string campaign, rule, output;
  TimeMs issued_at = 0;

  /// True when a code with these attributes goes to batch `id`.
  bool Matches(std::string_view c, std::string_view r, TimeMs at, std::string_view out) const {
    return id != 0 && at == issued_at && c == campaign && r == rule && out == output;
  }
  /// The batch just inserted for these attributes.
  void Remember(int64_t new_id, std::string_view c, std::string_view r, TimeMs at, std::string_view out) {
    id = new_id;
    campaign = c;
    rule = r;
    output = out;
    issued_at = at;
  }
};

// Stats(): the counts of the batches and ranges folded into their campaigns, in name order.
class CampaignTally {
 public:
  /// `n` codes of `campaign` issued at `issued_at`: a batch's, or a keyed range's.
  void AddIssued(std::string_view campaign, TimeMs issued_at, uint64_t n, bool delivered, bool keyed) {
    auto [it, added] = by_campaign_.try_emplace(std::string(campaign));
    CampaignStats& c = it->second;
    if (added) {
      c.campaign = campaign;
      c.first_issued_at = c.last_issued_at = issued_at;
    }
    c.first_issued_at = std::min(c.first_issued_at, issued_at);
    c.last_issued_at = std::max(c.last_issued_at, issued_at);
    c.count += n;
    if (keyed) c.keyed += n;
    if (!delivered) c.undelivered += n;
  }
  /// `n` codes of `campaign` in upload state `state` (CampaignStats::AddUploads), added after
  /// the issued ones. A campaign with no issued codes cannot be (codes are never removed): ignored.
  void AddUploads(std::string_view campaign, std::string_view state, uint64_t n) {
    auto it = by_campaign_.find(campaign);
    if (it != by_campaign_.end()) it->second.AddUploads(state, n);
  }
  /// The campaigns, by name.
  std::vector<CampaignStats> Take() {
    std::vector<CampaignStats> stats;
    for (auto& [name, c] : by_campaign_) stats.push_back(std::move(c));
    return stats;
  }

 private:
  std::map<std::string, CampaignStats, std::less<>> by_campaign_;
};

}  // namespace coupongen::ledger_internal
