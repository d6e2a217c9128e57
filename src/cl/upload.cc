#include "cl/upload.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "base/strings.h"
#include "codes/digest.h"
#include "coupon/commerce_layer_limits.h"
#include "io/coupon_reader.h"
#include "io/coupon_writer.h"
#include "lint/coupon_checks.h"

namespace coupongen::cl {
namespace {

std::string Sha256Hex(const std::string& a, const std::string& b) {
  Sha256 h;
  h.Update(a);
  h.Update("\n");
  h.Update(b);
  return HexLower(h.Finish());
}

bool Final(const std::string& status) { return status == "completed" || status == "interrupted"; }

ImportOutcome OutcomeOf(const ChunkRecord& rec) {
  ImportOutcome o;
  static_cast<ImportCounts&>(o) = rec;
  o.reference = rec.reference;
  o.id = rec.import_id;
  o.status = rec.status;
  auto log = nlohmann::json::parse(rec.errors_log, nullptr, false);
  o.errors_log = log.is_discarded() ? nlohmann::json::object() : log;
  return o;
}

int64_t IntAttr(const nlohmann::json& attrs, const char* key) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) return std::atoll(it->get<std::string>().c_str());
  return 0;
}

std::string LogText(const nlohmann::json& attrs, const char* key) {
  auto it = attrs.find(key);
  if (it == attrs.end() || it->is_null()) return "{}";
  return it->dump();
}

}  // namespace

void MaybeCrash(const char* step) {
  static const char* at = std::getenv("COUPONGEN_TEST_CRASH_AT");
  if (at && std::string(at) == step) kill(getpid(), SIGKILL);
}

std::string ReferenceName(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (name == "-" || name.empty()) return "stdin";
  auto dot = name.find('.', 1);
  if (dot != std::string::npos) name.erase(dot);
  return name;
}

Result<UploadPlan> PlanUpload(const UploadOptions& o) {
  CheckOptions checks;
  checks.now = o.now;
  CouponChecker checker(checks);
  const size_t chunk_size = o.chunk_size ? std::min(o.chunk_size, kCommerceLayerMaxImportInputs) : kCommerceLayerMaxImportInputs;
  UploadPlan plan;
  std::set<std::string> names;
  int number = 0;
  CouponRow row;
  Problems found;
  for (const auto& file : o.files) {
    auto reader = CouponReader::Open(file);
    if (!reader.ok()) return reader.status();
    CouponReader& r = **reader;
    const std::string name = ReferenceName(file);
    if (!names.insert(name).second)
      return Status::Usage("two input files would share the import references '" + name +
                           "-NNNN': rename one, or upload them in separate runs");
    checker.BeginFile(r.name());
    const bool imports = r.format() == InputFormat::kImports;
    int file_chunk = 0;
    uint32_t doc = 0;
    ImportChunk cur;
    auto flush = [&] {
      if (cur.inputs == 0) return;
      cur.inputs_json += ']';
      cur.digest = Sha256Hex(cur.parent_rule, cur.inputs_json);
      plan.chunks.push_back(std::move(cur));
      cur = ImportChunk();
    };
    while (r.Next(&row)) {
      if (o.promotion_rule) row.coupon.promotion_rule_id = o.promotion_rule;
      found.clear();
      checker.Check(row, &found);
      std::optional<std::string> rule = row.coupon.promotion_rule_id;
      if (!rule && imports) rule = r.imports_parent_resource_id();
      if (!rule) {
        Problem p;
        p.where = RowWhere(r.name(), row.number);
        p.key = "promotion_rule_id";
        p.message = "is required to upload (give --promotion-rule ID)";
        found.push_back(p);
      }
      if (HasErrors(found)) {
        for (auto& p : found) plan.problems.push_back(std::move(p));
        continue;
      }
      for (auto& p : found) plan.problems.push_back(std::move(p));  // warnings
      const bool new_chunk = cur.inputs == 0 || cur.inputs >= static_cast<int64_t>(chunk_size) ||
                             (imports && row.number.number != doc) || *rule != cur.parent_rule;
      if (new_chunk) {
        flush();
        cur.number = ++number;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d", ++file_chunk);
        cur.reference = name + "-" + buf;
        cur.parent_rule = *rule;
        cur.inputs_json = "[";
        cur.file = r.name();
        doc = row.number.number;
      } else {
        cur.inputs_json += ',';
      }
      AppendFlatCouponJson(cur.inputs_json, row.coupon);
      ++cur.inputs;
      ++plan.coupons;
    }
    if (!r.status().ok()) return r.status();
    flush();
  }
  return plan;
}

bool UploadResult::partial() const {
  for (const auto& i : imports)
    if (i.errors > 0 || i.status == "interrupted") return true;
  return false;
}

Result<bool> Uploader::Adopt(const ImportChunk& chunk, ChunkRecord& rec) {
  auto r = client_.Call("GET", "/imports?filter[q][reference_eq]=" + UrlEncode(chunk.reference) +
                                   "&fields[imports]=reference,status,metadata&page[size]=25", nullptr);
  if (!r.ok()) return r.status();
  if (r->status != 200 || !r->body.is_object() || !r->body.contains("data") || !r->body["data"].is_array())
    return Status::IoError("looking up import " + chunk.reference + " failed: " + ApiErrorText(*r));
  for (const auto& item : r->body["data"]) {
    if (!item.is_object() || !item.contains("attributes")) continue;
    const auto& attrs = item["attributes"];
    auto meta = attrs.find("metadata");
    if (meta == attrs.end() || !meta->is_object() || meta->value("coupongen_upload", "") != journal_.upload_id())
      continue;
    if (!item.contains("id") || !item["id"].is_string()) continue;
    rec.import_id = item["id"].get<std::string>();
    rec.status = attrs.value("status", "");
    rec.state = "created";
    COUPONGEN_RETURN_IF_ERROR(journal_.Save(rec));
    return true;
  }
  return false;
}

Status Uploader::Poll(ChunkRecord& rec) {
  // About once a second per import, and at most ~400 GETs a minute in all (the cacheable limit
  // of a test organisation is 500/min): slower when many imports are in flight.
  const double interval = std::max(1.0, concurrency_ * 60.0 / 400.0);
  for (;;) {
    if (!client_.Sleep(client_.policy().Scaled(interval))) return Client::TimedOut();
    auto r = client_.Call("GET", "/imports/" + UrlEncode(rec.import_id), nullptr);
    if (!r.ok()) return r.status();
    if (r->status == 404)
      return Status::IoError("import " + rec.reference + " (" + rec.import_id +
                             ") no longer exists in Commerce Layer (deleted?): check it in the dashboard; the journal "
                             "still lists it as sent");
    if (r->status != 200 || !r->body.contains("data") || !r->body["data"].is_object())
      return Status::IoError("GET /imports/" + rec.import_id + ": " + ApiErrorText(*r));
    MaybeCrash("polling");
    const auto& attrs = r->body["data"].value("attributes", nlohmann::json::object());
    rec.status = attrs.value("status", "");
    if (!Final(rec.status)) continue;
    MaybeCrash("after-complete");
    rec.processed = IntAttr(attrs, "processed_count");
    rec.errors = IntAttr(attrs, "errors_count");
    rec.warnings = IntAttr(attrs, "warnings_count");
    rec.errors_log = LogText(attrs, "errors_log");
    rec.warnings_log = LogText(attrs, "warnings_log");
    rec.state = "done";
    COUPONGEN_RETURN_IF_ERROR(journal_.Save(rec));
    MaybeCrash("after-journal");
    return Status::Ok();
  }
}

Status Uploader::RunChunk(const ImportChunk& chunk, ChunkRecord& rec) {
  if (rec.state == "posting") {
    // The last run sent (or was about to send) this chunk and never learnt the outcome.
    auto adopted = Adopt(chunk, rec);
    if (!adopted.ok()) return adopted.status();
  }
  int tries = 0;
  while (rec.state == "new" || rec.state == "posting") {
    rec.state = "posting";
    COUPONGEN_RETURN_IF_ERROR(journal_.Save(rec));  // durable before the request goes out
    MaybeCrash("before-post");
    nlohmann::json body = {
        {"data",
         {{"type", "imports"},
          {"attributes",
           {{"resource_type", "coupons"},
            {"format", "json"},
            {"parent_resource_id", chunk.parent_rule},
            {"reference", chunk.reference},
            {"reference_origin", "coupongen"},
            {"metadata", {{"coupongen_upload", journal_.upload_id()}, {"chunk_items", std::to_string(chunk.inputs)}}},
            {"inputs", nlohmann::json::parse(chunk.inputs_json)}}}}}};
    bool ambiguous = false;
    auto r = client_.Call("POST", "/imports", &body, Client::Retry::kNoAmbiguousRetry, &ambiguous);
    if (!r.ok()) {
      if (!ambiguous) return r.status();
      // The import may exist although the answer was lost or a 5xx: look before resending.
      if (++tries >= client_.policy().max_attempts) return r.status();
      const double wait = std::min(client_.policy().max_backoff_s, client_.policy().base_backoff_s * std::pow(2.0, tries - 1));
      if (!client_.Sleep(client_.policy().Scaled(wait))) return Client::TimedOut();
      auto adopted = Adopt(chunk, rec);
      if (!adopted.ok()) return adopted.status();
      continue;
    }
    MaybeCrash("after-post");
    if (r->status != 201 && r->status != 200) {
      rec.state = "new";  // refused: nothing was created
      COUPONGEN_RETURN_IF_ERROR(journal_.Save(rec));
      return Status::IoError("Commerce Layer refused import " + chunk.reference + ": " + ApiErrorText(*r));
    }
    const auto& data = r->body.is_object() ? r->body.value("data", nlohmann::json::object()) : nlohmann::json::object();
    if (!data.contains("id") || !data["id"].is_string())
      return Status::IoError("POST /imports for " + chunk.reference + ": the answer holds no import id");
    rec.import_id = data["id"].get<std::string>();
    rec.status = data.value("attributes", nlohmann::json::object()).value("status", "pending");
    rec.state = "created";
    COUPONGEN_RETURN_IF_ERROR(journal_.Save(rec));
  }
  if (rec.state == "created") return Poll(rec);
  return Status::Ok();
}

UploadResult Uploader::Run(const UploadPlan& plan) {
  UploadResult result;
  std::vector<ChunkRecord> planned;
  for (const auto& c : plan.chunks) {
    ChunkRecord rec;
    rec.number = c.number;
    rec.reference = c.reference;
    rec.inputs = c.inputs;
    rec.digest = c.digest;
    planned.push_back(rec);
  }
  result.status = journal_.Plan(planned);
  if (!result.status.ok()) return result;
  auto records = journal_.Chunks();
  if (!records.ok()) {
    result.status = records.status();
    return result;
  }
  std::vector<ChunkRecord>& recs = *records;
  std::vector<std::optional<ImportOutcome>> outcomes(recs.size());
  std::mutex mutex;
  Status first_error;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto finish = [&](size_t i, bool resumed) {
    ImportOutcome o = OutcomeOf(recs[i]);
    o.resumed = resumed;
    std::lock_guard<std::mutex> lock(mutex);
    outcomes[i] = o;
    if (on_import) on_import(o);
  };
  auto worker = [&] {
    for (;;) {
      if (stop) return;
      size_t i = next++;
      if (i >= recs.size()) return;
      if (recs[i].state == "done") {
        finish(i, true);
        continue;
      }
      Status s = RunChunk(plan.chunks[i], recs[i]);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first_error.ok()) first_error = s;
        stop = true;
        return;
      }
      finish(i, false);
    }
  };
  if (Status s = client_.EnsureToken(); !s.ok() &&
      std::any_of(recs.begin(), recs.end(), [](const ChunkRecord& r) { return r.state != "done"; })) {
    result.status = s;
    return result;
  }
  const int n = std::max(1, std::min<int>(concurrency_, static_cast<int>(recs.size())));
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  for (auto& o : outcomes)
    if (o) result.imports.push_back(std::move(*o));
  result.status = first_error;
  return result;
}

}  // namespace coupongen::cl
