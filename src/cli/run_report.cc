#include "cli/run_report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "codes/digest.h"
#include "ledger/ledger.h"

namespace coupongen {

unsigned long long OutputBytes(const std::string& path, const Output& out) {
  struct stat st;
  if (out.file && stat(path.c_str(), &st) == 0) return static_cast<unsigned long long>(st.st_size);
  return out.sink->bytes_written();
}

Result<std::string> FileSha256(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  Sha256 digest;
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      return Status::IoError("cannot read " + path + ": " + std::strerror(e));
    }
    digest.Update(std::string_view(buf, static_cast<size_t>(n)));
  }
  close(fd);
  return HexLower(digest.Finish());
}

namespace {

nlohmann::json FileEntry(const std::string& path) {
  nlohmann::json j = {{"path", path}};
  struct stat st;
  if (stat(path.c_str(), &st) == 0) j["bytes"] = static_cast<unsigned long long>(st.st_size);
  auto sha = FileSha256(path);
  j["sha256"] = sha.ok() ? nlohmann::json(*sha) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

int FinishReport(const RunReport& report, const std::optional<std::string>& path, const Plan& plan, double seconds,
                 bool force, Context& ctx, Diagnostics& diag) {
  if (!path) return kExitSuccess;
  nlohmann::json j;
  j["campaign"] = plan.campaign;
  j["count"] = plan.count;
  j["format"] = FormatName(plan.format);
  j["mode"] = plan.fixed_code ? "fixed" : plan.mode == CodeMode::kKeyed ? "keyed" : "random";
  j["now"] = FormatTimestamp(report.now);
  j["output"] = plan.output_path == "-" ? nlohmann::json{{"path", "-"}, {"sha256", nullptr}} : FileEntry(plan.output_path);
  if (plan.mailing_path) {
    j["mailing"] = FileEntry(*plan.mailing_path);
    j["mailing"]["rows"] = plan.recipients.size();
  }
  if (plan.rejects_path) {
    j["recipient_rejects"] = FileEntry(*plan.rejects_path);
    j["recipient_rejects"]["rows"] = plan.recipient_extras.rejects.size();
  }
  j["recipients"] = plan.recipients.size();
  j["expires_at"] = plan.expires_at ? nlohmann::json(FormatTimestamp(*plan.expires_at)) : nlohmann::json(nullptr);
  j["code_shape"] = plan.shape.Display();
  j["keyspace"] = plan.fixed_code ? 1.0 : static_cast<double>(plan.keyspace.size);
  j["entropy_bits"] = plan.fixed_code ? 0.0 : std::round(plan.keyspace.entropy_bits * 100) / 100;
  j["ledger"] = plan.ledger_path ? nlohmann::json(RedactLedgerName(*plan.ledger_path)) : nlohmann::json(nullptr);
  j["timings"] = {{"total_seconds", std::round(seconds * 1e6) / 1e6},
                  {"generate_seconds", std::round(report.generate_seconds * 1e6) / 1e6}};
  auto out = OpenOutput(*path, force, ctx);
  Status s = out.ok() ? out->sink->Append(j.dump(2) + "\n") : out.status();
  if (s.ok()) s = out->Close();
  if (s.ok()) s = out->Commit();
  if (!s.ok()) return diag.Fail(Status::IoError("the codes were written, but the report was not: " + s.message()));
  return kExitSuccess;
}

}  // namespace coupongen
