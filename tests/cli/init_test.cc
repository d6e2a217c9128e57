// coupongen init, run against the built binary with COUPONGEN_TEMPLATES pointing at the source
// tree's templates/: every template is listed, every template init writes passes validate as
// written, and init never overwrites a file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

namespace fs = std::filesystem;
using testing::RunCoupongen;

const std::string kTemplates = std::string(COUPONGEN_SOURCE_DIR) + "/templates";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class InitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("COUPONGEN_TEMPLATES", kTemplates.c_str(), 1);
    char tmpl[] = "/tmp/coupongen-init-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    fs::remove_all(dir_);
    unsetenv("COUPONGEN_TEMPLATES");
  }
  std::string In(const std::string& name) const { return (dir_ / name).string(); }

  static std::vector<std::string> TemplateNames() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(kTemplates))
      if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

TEST_F(InitTest, ThereAreAtLeastFourTemplates) {
  auto names = TemplateNames();
  EXPECT_GE(names.size(), 4u);
  for (const char* required : {"basic", "per-recipient", "shared-code", "weekly-cron", "on-pack"})
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
}

// One line per template file, in name order, with the file's first comment line.
TEST_F(InitTest, ListDescribesEveryTemplateFile) {
  auto r = RunCoupongen({"init", "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::istringstream lines(r.out);
  std::string line;
  auto names = TemplateNames();
  size_t i = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(i, names.size()) << line;
    EXPECT_EQ(line.rfind(names[i] + "  ", 0), 0u) << line;
    std::string first = Slurp(kTemplates + "/" + names[i] + ".yaml");
    first = first.substr(2, first.find('\n') - 2);  // "# Description." -> "Description."
    EXPECT_NE(line.find(first), std::string::npos) << line;
    ++i;
  }
  EXPECT_EQ(i, names.size());
  EXPECT_NE(r.out.find("(the default)"), std::string::npos);
}

int ErrorCount(const std::string& err) {
  int n = 0;
  for (size_t at = err.find("coupongen: error: "); at != std::string::npos; at = err.find("coupongen: error: ", at + 1)) ++n;
  return n;
}

TEST_F(InitTest, EveryTemplateAsWrittenPassesValidate) {
  for (const auto& name : TemplateNames()) {
    fs::path sub = dir_ / name;
    fs::create_directory(sub);
    std::string spec = (sub / "campaign.yaml").string();
    auto w = RunCoupongen({"init", "--template", name, spec});
    ASSERT_EQ(w.exit_code, 0) << name << ": " << w.err;
    EXPECT_EQ(w.out, "");
    EXPECT_EQ(Slurp(spec), Slurp(kTemplates + "/" + name + ".yaml")) << name;
    // The placeholder promotion rule is the one thing to fill in: an error until it is replaced.
    std::string text = Slurp(spec);
    auto v = RunCoupongen({"validate", spec});
    if (text.find("promotion_rule_id: CHANGE-ME") != std::string::npos) {
      EXPECT_EQ(v.exit_code, 3) << name;
      EXPECT_NE(v.err.find("promotion_rule_id: is still the template's placeholder CHANGE-ME"), std::string::npos) << name << v.err;
      EXPECT_EQ(ErrorCount(v.err), 1) << name << v.err;
      text.replace(text.find("promotion_rule_id: CHANGE-ME") + 19, 9, "ABCRtyUpBa");
      { std::ofstream(spec) << text; }
      v = RunCoupongen({"validate", spec});
    }
    EXPECT_EQ(v.exit_code, 0) << name << ":\n" << v.err << v.out;
    EXPECT_EQ(v.err, "") << name;  // not even a warning
    EXPECT_NE(v.out.find("problems    none"), std::string::npos) << name << ":\n" << v.out;
  }
}

TEST_F(InitTest, DefaultIsBasicInCampaignYaml) {
  auto r = RunCoupongen({"init"}, "", dir_.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(In("campaign.yaml")), Slurp(kTemplates + "/basic.yaml"));
  EXPECT_NE(r.err.find("wrote campaign.yaml from template 'basic'"), std::string::npos) << r.err;
  struct stat st;
  ASSERT_EQ(stat(In("campaign.yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0133, 0u);  // at most 0644 (less the umask): a spec holds no secrets
}

TEST_F(InitTest, ADirectoryGetsCampaignYamlInside) {
  auto r = RunCoupongen({"init", "--template", "weekly-cron", dir_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(In("campaign.yaml")), Slurp(kTemplates + "/weekly-cron.yaml"));
}

TEST_F(InitTest, DashWritesToStdout) {
  auto r = RunCoupongen({"init", "--template", "shared-code", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Slurp(kTemplates + "/shared-code.yaml"));
}

TEST_F(InitTest, NeverOverwrites) {
  { std::ofstream(In("campaign.yaml")) << "mine\n"; }
  auto r = RunCoupongen({"init", In("campaign.yaml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "coupongen: error: " + In("campaign.yaml") +
                       " already exists: init never overwrites a file (choose another PATH, or remove it)\n");
  EXPECT_EQ(Slurp(In("campaign.yaml")), "mine\n");
}

TEST_F(InitTest, PerRecipientWritesExampleRecipientsPrivately) {
  auto r = RunCoupongen({"init", "--template", "per-recipient", In("mailing.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(In("recipients.csv")), Slurp(kTemplates + "/recipients.csv"));
  struct stat st;
  ASSERT_EQ(stat(In("recipients.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // email addresses are personal data
}

TEST_F(InitTest, PerRecipientKeepsExistingRecipients) {
  { std::ofstream(In("recipients.csv")) << "email\nzoe@example.com\n"; }
  auto r = RunCoupongen({"init", "--template", "per-recipient", In("mailing.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(In("recipients.csv")), "email\nzoe@example.com\n");
  EXPECT_NE(r.err.find("kept the existing"), std::string::npos) << r.err;
  std::string text = Slurp(In("mailing.yaml"));
  text.replace(text.find("promotion_rule_id: CHANGE-ME") + 19, 9, "ABCRtyUpBa");
  { std::ofstream(In("mailing.yaml")) << text; }
  auto v = RunCoupongen({"validate", In("mailing.yaml")});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("count       1 (one per recipient)"), std::string::npos) << v.out;
}

TEST_F(InitTest, UnknownTemplateSuggestsTheClosest) {
  auto r = RunCoupongen({"init", "--template", "weekly-corn", In("x.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("coupongen: error: init: unknown template 'weekly-corn', did you mean 'weekly-cron'?"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(In("x.yaml")));
}

TEST_F(InitTest, ListTakesNoOtherArguments) {
  auto r = RunCoupongen({"init", "--list", In("x.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(In("x.yaml")));
}

TEST_F(InitTest, MissingTemplateDirectoryIsARuntimeFailure) {
  setenv("COUPONGEN_TEMPLATES", In("nowhere").c_str(), 1);
  auto r = RunCoupongen({"init", "--list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "coupongen: error: COUPONGEN_TEMPLATES=" + In("nowhere") + " is not a directory\n");
}

}  // namespace
}  // namespace coupongen
