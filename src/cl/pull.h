// `coupongen pull`: the coupons that exist in Commerce Layer, through exports of at most
// kCommerceLayerExportRecords records each (larger sets split by id range, as Commerce Layer's
// own CLI does), each polled, fetched again for a fresh attachment_url just before the download,
// downloaded without the Authorization header, gunzipped and its record count checked.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "cl/client.h"
#include "coupon/coupon.h"

namespace coupongen::cl {

struct PullFilter {
  std::string key;    // Ransack predicate: promotion_rule_id_eq, promotion_rule_promotion_id_eq, code_start; "" = all
  std::string value;
};

struct PullResult {
  std::vector<Coupon> coupons;
  uint64_t expected = 0;  // the count Commerce Layer gave before the exports
  int exports = 0;
};

/// `on_export(done, total)` is called after each export is downloaded (for progress lines).
Result<PullResult> Pull(Client& client, const PullFilter& filter,
                        const std::function<void(int, int, uint64_t)>& on_export = nullptr);

}  // namespace coupongen::cl
