// Ledger::Stats of both backends: issued codes (per run or per range) and upload states folded
// into one CampaignStats per campaign.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/timestamp.h"
#include "ledger/ledger.h"

namespace coupongen::ledger_internal {

class CampaignTally {
 public:
  /// Adds `n` codes of `campaign` issued at `issued_at`: by a keyed range (`keyed`) or one by one;
  /// `delivered` false when their run never renamed its output into place.
  void Add(std::string_view campaign, TimeMs issued_at, uint64_t n, bool delivered, bool keyed) {
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

  /// Adds `n` codes in upload state `state` to a campaign Add has seen (codes are never removed,
  /// so every recorded state's campaign has issued codes; any other is ignored).
  void AddUploads(std::string_view campaign, std::string_view state, uint64_t n) {
    if (auto it = by_campaign_.find(campaign); it != by_campaign_.end()) it->second.AddUploads(state, n);
  }

  /// The campaigns, by name.
  std::vector<CampaignStats> Take() {
    std::vector<CampaignStats> stats;
    for (auto& [name, c] : by_campaign_) stats.push_back(std::move(c));
    by_campaign_.clear();
    return stats;
  }

 private:
  std::map<std::string, CampaignStats, std::less<>> by_campaign_;
};

}  // namespace coupongen::ledger_internal
