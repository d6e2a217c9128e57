#include "cli/run_report.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
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
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      EVP_MD_CTX_free(md);
      return Status::IoError("cannot read " + path + ": " + std::strerror(e));
    }
    EVP_DigestUpdate(md, buf, static_cast<size_t>(n));
  }
  close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, digest, &len);
  EVP_MD_CTX_free(md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
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
