// coupongen init: write a starting spec from templates/, and list the templates.
// A template is templates/NAME.yaml; its first comment line is its description, so `init --list`
// cannot drift from the files. A template that reads a recipients file shipped beside it (its
// `recipients.file`) gets a copy of that file beside the new spec, so it validates as written.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/exit_codes.h"
#include "base/strings.h"
#include "cli/command.h"
#include "spec/campaign_parser.h"

namespace coupongen {

namespace fs = std::filesystem;

po::options_description InitOptions() {
  po::options_description d("Options");
  d.add_options()
      ("path", po::value<std::string>(), "where to write the spec (default campaign.yaml; a directory: DIR/campaign.yaml; '-': stdout)")
      ("template", po::value<std::string>()->value_name("NAME"), "the template to start from (default: basic; see --list)")
      ("list", "list the templates, one line each: name and description");
  return d;
}

namespace {

constexpr const char* kDefaultTemplate = "basic";
constexpr const char* kDefaultSpecName = "campaign.yaml";

struct Template {
  std::string name;         // file name without .yaml
  std::string path;
  std::string description;  // the first comment line
};

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// The installed templates beside this executable: BINDIR/../share/coupongen/templates, wherever the
// tree was installed (/usr from the Debian package, a cmake --install prefix, an unpacked package).
// "" when /proc/self/exe cannot be read.
std::string TemplateDirBesideExecutable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return "";
  return (exe.parent_path() / COUPONGEN_RELATIVE_TEMPLATE_DIR).lexically_normal().string();
}

// The templates directory: $COUPONGEN_TEMPLATES when set (and then only it: an explicit choice must
// not fall back silently), else the installed one beside the executable, else the one under the
// configured install prefix, else the source tree's (an uninstalled build).
Result<std::string> TemplateDir() {
  if (const char* env = std::getenv("COUPONGEN_TEMPLATES"); env && *env) {
    if (!IsDirectory(env)) return Status::IoError(std::string("COUPONGEN_TEMPLATES=") + env + " is not a directory");
    return std::string(env);
  }
  std::vector<std::string> looked;
  for (const std::string& dir :
       {TemplateDirBesideExecutable(), std::string(COUPONGEN_INSTALLED_TEMPLATE_DIR), std::string(COUPONGEN_TEMPLATE_DIR)}) {
    if (dir.empty() || std::find(looked.begin(), looked.end(), dir) != looked.end()) continue;
    if (IsDirectory(dir)) return dir;
    looked.push_back(dir);
  }
  return Status::IoError("no templates found (looked in " + Join(looked, ", ") +
                         "): set COUPONGEN_TEMPLATES to the templates directory");
}

// "# One line.\n..." -> "One line."
std::string FirstCommentLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    if (t[0] != '#') break;
    t.remove_prefix(1);
    t = Trim(t);
    if (!t.empty()) return std::string(t);
  }
  return "(no description)";
}

Result<std::vector<Template>> ListTemplates(const std::string& dir) {
  std::vector<Template> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".yaml" || !entry.is_regular_file(ec)) continue;
    out.push_back({p.stem().string(), p.string(), FirstCommentLine(p.string())});
  }
  if (ec) return Status::IoError("cannot list templates in " + dir + ": " + ec.message());
  if (out.empty()) return Status::IoError("no templates (*.yaml) in " + dir);
  std::sort(out.begin(), out.end(), [](const Template& a, const Template& b) { return a.name < b.name; });
  return out;
}

Result<std::string> ReadFile(Env* env, const std::string& path) {
  auto text = env->ReadFile(path);
  if (!text.ok()) return Because("cannot read " + path, text.status());
  return text;
}

// Creates `path` with `text`, never replacing anything: an exclusive create makes "exists" and
// "create" one step, so a file that appears meanwhile is not overwritten either. A partial file
// is removed.
Status WriteNewFile(Env* env, const std::string& path, const std::string& text, mode_t mode) {
  Status st = env->WriteNewFile(path, text, mode, CreateMode::kLessUmask, path);
  if (SysErrno(st) == EEXIST)
    return Status::IoError(path + " already exists: init never overwrites a file (choose another PATH, or remove it)");
  return st;
}

int PrintList(Context& ctx) {
  auto dir = TemplateDir();
  if (!dir.ok()) return Diagnostics(ctx.err, false).Fail(dir.status());
  auto templates = ListTemplates(*dir);
  if (!templates.ok()) return Diagnostics(ctx.err, false).Fail(templates.status());
  size_t width = 0;
  for (const auto& t : *templates) width = std::max(width, t.name.size());
  for (const auto& t : *templates)
    ctx.out << t.name << std::string(width + 2 - t.name.size(), ' ') << t.description
            << (t.name == kDefaultTemplate ? " (the default)" : "") << '\n';
  return kExitSuccess;
}

// The recipients file a template reads, when the template ships it: a plain relative name that
// exists in the templates directory. "" otherwise.
std::string ShippedRecipientsFile(const Template& t, const std::string& text, const std::string& dir) {
  Problems ignored;
  Campaign c = ParseCampaign(text, t.path, &ignored);
  if (!c.recipients.file) return "";
  const std::string& name = *c.recipients.file;
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') return "";
  return fs::exists(fs::path(dir) / name) ? name : "";
}

std::string SiblingPath(const std::string& spec_path, const std::string& name) {
  fs::path parent = fs::path(spec_path).parent_path();
  return parent.empty() ? name : (parent / name).string();
}

// The template named NAME (or NAME.yaml), or a usage error listing them with a "did you mean".
Result<Template> FindTemplate(const std::string& dir, std::string name) {
  auto templates = ListTemplates(dir);
  if (!templates.ok()) return templates.status();
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0) name.resize(name.size() - 5);
  for (const auto& t : *templates)
    if (t.name == name) return t;
  std::vector<std::string> names;
  for (const auto& t : *templates) names.push_back(t.name);
  std::string hint = ClosestMatch(name, names);
  return Status::Usage("init: unknown template '" + name + "'" + (hint.empty() ? "" : ", did you mean '" + hint + "'?") +
                       " (templates: " + Join(names, ", ") + "; 'coupongen init --list' describes them)");
}

// The template's example recipients file beside the spec at `path`, unless one is there: personal
// data, so 0600.
Status WriteRecipients(const std::string& dir, const std::string& recipients, const std::string& path, Context& ctx,
                       Diagnostics& diag) {
  std::string target = SiblingPath(path, recipients);
  if (fs::exists(target)) {
    diag.Info("coupongen: kept the existing " + target + " (the spec reads it)");
    return Status::Ok();
  }
  auto sample = ReadFile(ctx.env, (fs::path(dir) / recipients).string());
  if (!sample.ok()) return sample.status();
  COUPONGEN_RETURN_IF_ERROR(WriteNewFile(ctx.env, target, *sample, 0600));
  diag.Info("coupongen: wrote " + target + " (example recipients: replace them with yours)");
  return Status::Ok();
}

}  // namespace

int RunInit(const po::variables_map& vm, Context& ctx) {
  Diagnostics diag(ctx.err, false);
  if (vm.count("list")) {
    if (vm.count("template") || vm.count("path"))
      return diag.Fail(Status::Usage("init: --list takes no other arguments (usage: coupongen init --list)"));
    return PrintList(ctx);
  }

  // 1. Find the template.
  auto dir = TemplateDir();
  if (!dir.ok()) return diag.Fail(dir.status());
  auto found = FindTemplate(*dir, vm.count("template") ? vm["template"].as<std::string>() : kDefaultTemplate);
  if (!found.ok()) return diag.Fail(found.status());
  auto text = ReadFile(ctx.env, found->path);
  if (!text.ok()) return diag.Fail(text.status());

  // 2. Where the spec goes: PATH, PATH/campaign.yaml for a directory, or stdout.
  std::string path = vm.count("path") ? vm["path"].as<std::string>() : kDefaultSpecName;
  std::string recipients = ShippedRecipientsFile(*found, *text, *dir);
  if (path == "-") {
    ctx.out << *text;
    if (!recipients.empty())
      diag.Warn("template '" + found->name + "' reads " + recipients + ": create one beside the spec (an 'email' column)");
    return kExitSuccess;
  }
  if (IsDirectory(path)) path = (fs::path(path) / kDefaultSpecName).string();

  // 3. Write it, never over an existing file. A spec holds no secrets (no codes, no keys) and is
  //    meant to be shared and reviewed: 0644, less the umask.
  if (Status s = WriteNewFile(ctx.env, path, *text, 0644); !s.ok()) return diag.Fail(s);
  diag.Info("coupongen: wrote " + path + " from template '" + found->name + "'");
  if (!recipients.empty())
    if (Status s = WriteRecipients(*dir, recipients, path, ctx, diag); !s.ok()) return diag.Fail(s);
  diag.Info("next: edit " + path + ", then run 'coupongen validate " + path + "'");
  return kExitSuccess;
}

}  // namespace coupongen
