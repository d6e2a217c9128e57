#include "cl/pull.h"

#include "coupon/commerce_layer_limits.h"
#include "io/coupon_reader.h"

namespace coupongen::cl {
namespace {

std::string ListQuery(const PullFilter& f) {
  std::string q = "/coupons?sort=id&fields[coupons]=id&page[size]=1";
  if (!f.key.empty()) q += "&filter[q][" + f.key + "]=" + UrlEncode(f.value);
  return q;
}

Result<nlohmann::json> GetJson(Client& client, const std::string& path) {
  auto r = client.Call("GET", path, nullptr);
  if (!r.ok()) return r.status();
  if (r->status != 200 || !r->body.is_object()) return Status::IoError("GET " + path + ": " + ApiErrorText(*r));
  return r->body;
}

Result<nlohmann::json> ExportAttributes(Client& client, const std::string& id) {
  auto body = GetJson(client, "/exports/" + UrlEncode(id));
  if (!body.ok()) return body.status();
  auto data = body->value("data", nlohmann::json::object());
  return data.value("attributes", nlohmann::json::object());
}

}  // namespace

Result<PullResult> Pull(Client& client, const PullFilter& filter,
                        const std::function<void(int, int, uint64_t)>& on_export) {
  PullResult result;
  // 1. How many, and the id at the end of every export's range (keyset paging by id).
  auto first = GetJson(client, ListQuery(filter));
  if (!first.ok()) return first.status();
  auto meta = first->value("meta", nlohmann::json::object());
  if (!meta.contains("record_count") || !meta["record_count"].is_number_integer())
    return Status::IoError("GET /coupons: the answer has no meta.record_count");
  result.expected = meta["record_count"].get<uint64_t>();
  if (result.expected == 0) return result;
  const uint64_t per = kCommerceLayerExportRecords;
  const uint64_t n = (result.expected + per - 1) / per;
  std::vector<std::string> stops;  // n - 1 boundaries: the last export is open-ended
  for (uint64_t k = 1; k < n; ++k) {
    auto page = GetJson(client, ListQuery(filter) + "&page[number]=" + std::to_string(k * per));
    if (!page.ok()) return page.status();
    auto data = page->value("data", nlohmann::json::array());
    if (!data.is_array() || data.empty() || !data[0].contains("id") || !data[0]["id"].is_string())
      return Status::IoError("GET /coupons: no record at position " + std::to_string(k * per) +
                             " (coupons deleted during the pull? run it again)");
    stops.push_back(data[0]["id"].get<std::string>());
  }
  result.exports = static_cast<int>(n);
  // 2. One export per range: create, poll, fetch again for a fresh link, download, check.
  for (uint64_t k = 0; k < n; ++k) {
    nlohmann::json filters = nlohmann::json::object();
    if (!filter.key.empty()) filters[filter.key] = filter.value;
    if (k > 0) filters["id_gt"] = stops[k - 1];
    if (k + 1 < n) filters["id_lteq"] = stops[k];
    nlohmann::json body = {{"data",
                            {{"type", "exports"},
                             {"attributes", {{"resource_type", "coupons"}, {"format", "json"}, {"filters", filters}}}}}};
    auto created = client.Call("POST", "/exports", &body);
    if (!created.ok()) return created.status();
    if (created->status != 201 && created->status != 200)
      return Status::IoError("Commerce Layer refused the export: " + ApiErrorText(*created));
    auto data = created->body.value("data", nlohmann::json::object());
    if (!data.contains("id") || !data["id"].is_string()) return Status::IoError("POST /exports: no export id in the answer");
    const std::string id = data["id"].get<std::string>();
    std::string status;
    nlohmann::json attrs;
    for (;;) {
      if (!client.Sleep(client.policy().Scaled(1.0))) return Client::TimedOut();
      auto a = ExportAttributes(client, id);
      if (!a.ok()) return a.status();
      attrs = *a;
      status = attrs.value("status", "");
      if (status == "completed") break;
      if (status == "interrupted" || status == "failed")
        return Status::IoError("export " + id + " ended " + status + " in Commerce Layer: run pull again");
    }
    auto fresh = ExportAttributes(client, id);  // the link lives 5 minutes: take a new one now
    if (!fresh.ok()) return fresh.status();
    const std::string url = fresh->value("attachment_url", "");
    if (url.empty()) return Status::IoError("export " + id + " is completed but has no attachment_url");
    const uint64_t records = fresh->value("records_count", uint64_t{0});
    auto bytes = client.Download(url);
    if (!bytes.ok()) return bytes.status();
    auto reader = CouponReader::FromString("export " + id, std::move(bytes).value());
    if (!reader.ok()) return Status::IoError("export " + id + ": " + reader.status().message());
    CouponRow row;
    uint64_t got = 0;
    while ((*reader)->Next(&row)) {
      if (!row.problems.empty()) return Status::IoError(row.problems.front().ToString());
      result.coupons.push_back(row.coupon);
      ++got;
    }
    if (!(*reader)->status().ok()) return Status::IoError((*reader)->status().message());
    if (got != records)
      return Status::IoError("export " + id + " holds " + std::to_string(got) + " coupons but Commerce Layer counted " +
                             std::to_string(records) + ": run pull again");
    if (on_export) on_export(static_cast<int>(k + 1), static_cast<int>(n), got);
  }
  return result;
}

}  // namespace coupongen::cl
