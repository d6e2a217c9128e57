#include "run/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace coupongen {

OutputKind ClassifyOutput(const std::string& path) {
  static const char* const kStdout[] = {"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"};
  for (const char* name : kStdout)
    if (path == name) return OutputKind::kStdout;
  if (path == "/proc/" + std::to_string(getpid()) + "/fd/1") return OutputKind::kStdout;
  if (path == "/dev/null") return OutputKind::kDiscard;
  return OutputKind::kFile;
}

bool WouldReplace(const std::string& path) {
  struct stat st;
  return ClassifyOutput(path) == OutputKind::kFile && lstat(path.c_str(), &st) == 0 &&
         (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode));
}

void RunFiles::AddLedger(const std::string& path) {
  if (path.rfind("postgres", 0) == 0) return;  // postgres:// and postgresql:// URIs: not a file
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) Add(path + suffix);
}

namespace {

// The path with its directory's symlinks resolved (the file itself may not exist yet), and the
// file's own final symlink too when it has one.
std::string Canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : p.string();
}

}  // namespace

Status CheckOutputsAreNotInputs(const std::vector<std::string>& outputs, const RunFiles& files) {
  struct Named {
    std::string path, canonical;
    bool exists;
    struct stat st;
  };
  auto named = [](const std::string& path) {
    Named n{path, Canonical(path), false, {}};
    n.exists = stat(path.c_str(), &n.st) == 0;
    return n;
  };
  std::vector<Named> inputs;
  for (const auto& in : files.inputs)
    if (!in.empty() && in != "-") inputs.push_back(named(in));
  std::vector<Named> outs;
  for (const auto& o : outputs)
    if (!o.empty() && ClassifyOutput(o) == OutputKind::kFile) outs.push_back(named(o));
  auto same = [](const Named& a, const Named& b) {
    return a.canonical == b.canonical || (a.exists && b.exists && a.st.st_dev == b.st.st_dev && a.st.st_ino == b.st.st_ino);
  };
  for (size_t i = 0; i < outs.size(); ++i) {
    for (const auto& in : inputs)
      if (same(outs[i], in))
        return Status::Usage(outs[i].path + " is an input of this run" +
                             (in.path == outs[i].path ? std::string() : " (the same file as " + in.path + ")") +
                             ": the output never replaces an input, --force or not; choose another output path");
    for (size_t j = 0; j < i; ++j)
      if (same(outs[i], outs[j]))
        return Status::Usage(outs[i].path + " and " + outs[j].path + " are the same file: give each output its own path");
  }
  return Status::Ok();
}

Result<Output> OpenOutput(const std::string& path, bool force, std::ostream& stdout_stream, Env* env) {
  Output out;
  switch (ClassifyOutput(path)) {
    case OutputKind::kStdout:
      out.stdout_sink = std::make_unique<OstreamSink>(stdout_stream);
      out.sink = out.stdout_sink.get();
      return out;
    case OutputKind::kDiscard:
      out.discard_sink = std::make_unique<DiscardSink>();
      out.sink = out.discard_sink.get();
      return out;
    case OutputKind::kFile:
      break;
  }
  InstallCleanupSignalHandlers();
  auto file = AtomicFile::Create(path, force, env);
  if (!file.ok()) return file.status();
  out.file = std::move(file).value();
  out.sink = out.file.get();
  return out;
}

WriterOptions WriterOptionsFor(const Plan& plan) {
  WriterOptions wo;
  wo.format = plan.format;
  wo.fields = plan.fields;
  wo.campaign = plan.campaign;
  wo.parent_rule_id = plan.base.promotion_rule_id;
  wo.chunk_size = plan.chunk_size;
  return wo;
}

}  // namespace coupongen
