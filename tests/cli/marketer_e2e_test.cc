// End-to-end, as a marketer works: time zones and months, spreadsheets (xlsx read back by Python's
// zipfile, not by us), recipient files as people export them, the mailing file, a shared code,
// plain-word errors, and the machine-readable bits (--report, lint --spec, convert's exit 5).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ErrorLines;
using testing::FileExists;
using testing::Lines;
using testing::ListDir;
using testing::ReadFile;
using testing::RunCoupongen;
using testing::WriteFile;

const std::string kNow = "2027-01-31T15:00:00Z";

class MarketerE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override {
    chmod(dir_.c_str(), 0700);
    std::filesystem::remove_all(dir_);
  }
  std::string In(const std::string& name) const { return dir_ + "/" + name; }
  // Writes a spec from lines and returns its path.
  std::string Spec(const std::string& name, const std::string& text) {
    WriteFile(In(name), text);
    return In(name);
  }
  testing::RunResult Gen(const std::vector<std::string>& args) {
    std::vector<std::string> a = {"generate"};
    a.insert(a.end(), args.begin(), args.end());
    return RunCoupongen(a, "", dir_);
  }
  // The column `name` of a CSV text (simple CSV: no quoted commas in the columns tested).
  static std::vector<std::string> Column(const std::string& csv, const std::string& name) {
    auto lines = Lines(csv);
    std::vector<std::string> out;
    if (lines.empty()) return out;
    auto split = [](const std::string& l) {
      std::vector<std::string> f;
      std::string cur;
      for (char c : l) {
        if (c == ',') {
          f.push_back(cur);
          cur.clear();
        } else {
          cur.push_back(c);
        }
      }
      f.push_back(cur);
      return f;
    };
    auto header = split(lines[0]);
    size_t col = std::find(header.begin(), header.end(), name) - header.begin();
    for (size_t i = 1; i < lines.size(); ++i) {
      auto f = split(lines[i]);
      out.push_back(col < f.size() ? f[col] : "");
    }
    return out;
  }
  // Reads an xlsx back with Python's zipfile and xml modules: one JSON object with the sheet
  // names, the rows (every cell's text), whether every cell is a string, and the frozen pane.
  nlohmann::json ReadXlsx(const std::string& path) {
    static const char* kScript = R"PY(
import json, sys, zipfile, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
wb = ET.fromstring(z.read("xl/workbook.xml"))
sheets = [s.get("name") for s in wb.find("m:sheets", ns)]
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
ws = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
rows, all_text = [], True
for row in ws.find("m:sheetData", ns):
    cells = []
    for c in row:
        t = c.get("t")
        if t == "inlineStr":
            cells.append("".join(x.text or "" for x in c.iter("{%s}t" % ns["m"])))
        elif t == "s":
            cells.append(shared[int(c.find("m:v", ns).text)])
        else:
            all_text = False
            v = c.find("m:v", ns)
            cells.append(v.text if v is not None else "")
    rows.append(cells)
pane = ws.find("m:sheetViews/m:sheetView/m:pane", ns)
frozen = pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"
print(json.dumps({"sheets": sheets, "rows": rows, "all_text": all_text, "frozen": frozen}))
)PY";
    auto r = coupongen::testing::Run({"python3", "-c", kScript, path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }
  static bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

  std::string dir_;
};

// ---- Time ----

TEST_F(MarketerE2ETest, MonthsAreCalendarMonthsInTheZoneKeepingTheTimeOfDay) {
  auto spec = Spec("m.yaml", "version: 1\ncampaign: m\ntimezone: Europe/Rome\ncodes:\n  count: 1\ncoupon:\n  expires_in: 1mo\n");
  // Jan 31 16:00 in Rome (15:00Z) + 1 month = Feb 28 16:00 in Rome = 15:00Z.
  auto r = Gen({spec, "--now", "2027-01-31T15:00:00Z", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-02-28T15:00:00.000Z"});
  // A leap year: Feb 29. Across the spring DST change the local time of day is kept (16:00 CET ->
  // 16:00 CEST is 14:00Z).
  r = Gen({spec, "--now", "2028-01-31T15:00:00Z", "-q"});
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2028-02-29T15:00:00.000Z"});
  r = Gen({spec, "--now", "2027-03-15T15:00:00Z", "-q"});
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-04-15T14:00:00.000Z"});
}

TEST_F(MarketerE2ETest, ADateAloneIsTheEndOfThatDayInTheZoneAndLocalTimesAreInTheZone) {
  auto spec = Spec("d.yaml", "version: 1\ncampaign: d\ntimezone: America/New_York\ncodes:\n  count: 1\n"
                             "coupon:\n  expires_at: 2027-03-31\n");
  auto r = Gen({spec, "--now", kNow, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-04-01T03:59:59.000Z"});  // EDT, -4
  // Without a timezone: UTC, still the end of the day.
  spec = Spec("u.yaml", "version: 1\ncampaign: u\ncodes:\n  count: 1\ncoupon:\n  expires_at: 2027-03-31\n");
  r = Gen({spec, "--now", kNow, "-q"});
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-03-31T23:59:59.000Z"});
  // A time without an offset is local; one with an offset is as written.
  spec = Spec("l.yaml", "version: 1\ncampaign: l\ntimezone: Asia/Tokyo\ncodes:\n  count: 1\n"
                        "coupon:\n  expires_at: 2027-06-01T09:00:00\n");
  r = Gen({spec, "--now", kNow, "-q"});
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-06-01T00:00:00.000Z"});
}

TEST_F(MarketerE2ETest, DaylightSavingGapAndOverlap) {
  // Rome, 2027-03-28: 02:00 jumps to 03:00, so 02:30 does not exist: it becomes 03:30 CEST.
  auto spec = Spec("g.yaml", "version: 1\ncampaign: g\ntimezone: Europe/Rome\ncodes:\n  count: 1\n"
                             "coupon:\n  expires_at: 2027-03-28T02:30:00\n");
  auto r = Gen({spec, "--now", kNow, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-03-28T01:30:00.000Z"});
  // 2027-10-31: 03:00 goes back to 02:00, so 02:30 happens twice: the first (CEST, +2).
  spec = Spec("o.yaml", "version: 1\ncampaign: o\ntimezone: Europe/Rome\ncodes:\n  count: 1\n"
                        "coupon:\n  expires_at: 2027-10-31T02:30:00\n");
  r = Gen({spec, "--now", kNow, "-q"});
  EXPECT_EQ(Column(r.out, "expires_at"), std::vector<std::string>{"2027-10-31T00:30:00.000Z"});
}

TEST_F(MarketerE2ETest, AnUnknownZoneIsALocatedErrorWithASuggestion) {
  auto spec = Spec("z.yaml", "version: 1\ncampaign: z\ntimezone: Europe/Rom\ncodes:\n  count: 1\n");
  auto r = Gen({spec, "--now", kNow, "-o", In("out.csv")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "z.yaml:3:11: timezone: unknown time zone 'Europe/Rom' (did you mean 'Europe/Rome'?)")) << r.err;
  EXPECT_FALSE(FileExists(In("out.csv")));
  spec = Spec("z2.yaml", "version: 1\ncampaign: z\ntimezone: america/new_york\ncodes:\n  count: 1\n");
  r = Gen({spec, "--now", kNow});
  EXPECT_TRUE(Has(r.err, "did you mean 'America/New_York'?")) << r.err;
}

TEST_F(MarketerE2ETest, ExpirySoonAndNowInThePastAreWarnings) {
  auto spec = Spec("s.yaml", "version: 1\ncampaign: s\ncodes:\n  count: 1\ncoupon:\n  expires_in: 3m\n");
  auto r = Gen({spec, "--now", kNow, "-o", In("s.csv")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "coupongen: warning: ") && Has(r.err, "less than an hour after now") &&
              Has(r.err, "did `m` mean minutes? months are `mo` (e.g. 3mo)"))
      << r.err;
  spec = Spec("p.yaml", "version: 1\ncampaign: p\ncodes:\n  count: 1\ncoupon:\n  expires_in: 7d\n");
  r = Gen({spec, "--now", "2001-01-01T00:00:00Z", "-o", In("p.csv")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "--now 2001-01-01T00:00:00.000Z is far in the past: the codes expire at 2001-01-08T00:00:00.000Z, "
                         "which has already passed"))
      << r.err;
  r = Gen({spec, "-o", In("q.csv")});  // the clock: no such warning
  EXPECT_FALSE(Has(r.err, "far in the past")) << r.err;
}

TEST_F(MarketerE2ETest, ThePlaceholderPromotionRuleIsAnErrorForEveryFormat) {
  auto spec = Spec("c.yaml", "version: 1\ncampaign: c\npromotion_rule_id: CHANGE-ME\ncodes:\n  count: 1\n");
  for (const char* f : {"csv", "json", "jsonapi", "imports", "xlsx"}) {
    auto r = Gen({spec, "--now", kNow, "-f", f, "-o", In(std::string("c.") + f)});
    EXPECT_EQ(r.exit_code, 3) << f;
    EXPECT_TRUE(Has(r.err, "c.yaml:3:20: promotion_rule_id: is still the template's placeholder CHANGE-ME")) << f << r.err;
    EXPECT_FALSE(FileExists(In(std::string("c.") + f))) << f;
  }
  auto v = RunCoupongen({"validate", spec});
  EXPECT_EQ(v.exit_code, 3);
}

// ---- Spreadsheets ----

TEST_F(MarketerE2ETest, XlsxHoldsTheCsvColumnsAsTextWithTheHeaderFrozen) {
  auto spec = Spec("x.yaml", "version: 1\ncampaign: x\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  count: 20\n  length: 8\n"
                             "  alphabet: digits\ncoupon:\n  usage_limit: 1\n  customer_single_use: true\n"
                             "  expires_at: 2027-03-31T23:59:59Z\n  tags: [spring, vip]\n");
  auto csv = Gen({spec, "--now", kNow, "--seed", "s", "-f", "csv", "-o", In("x.csv"), "-q"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto xlsx = Gen({spec, "--now", kNow, "--seed", "s", "-f", "xlsx", "-o", In("x.xlsx"), "-q"});
  ASSERT_EQ(xlsx.exit_code, 0) << xlsx.err;
  struct stat st;
  ASSERT_EQ(stat(In("x.xlsx").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto sheet = ReadXlsx(In("x.xlsx"));
  EXPECT_EQ(sheet["sheets"], nlohmann::json::array({"coupons"}));
  EXPECT_TRUE(sheet["all_text"].get<bool>());
  EXPECT_TRUE(sheet["frozen"].get<bool>());
  // The same rows as the csv, cell for cell (the csv's tags field is quoted: unquote it).
  auto lines = Lines(ReadFile(In("x.csv")));
  ASSERT_EQ(sheet["rows"].size(), lines.size());
  EXPECT_EQ(sheet["rows"][0], nlohmann::json::parse(R"(["code","promotion_rule_id","usage_limit","customer_single_use","expires_at","_add_tags"])"));
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto& row = sheet["rows"][i];
    std::string joined;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string v = row[c];
      joined += (c ? "," : "") + (v.find(',') != std::string::npos ? "\"" + v + "\"" : v);
    }
    EXPECT_EQ(joined, lines[i]);
  }
  EXPECT_EQ(ListDir(dir_), (std::vector<std::string>{"x.csv", "x.xlsx", "x.yaml"})) << "no temporary file left";
  // To a pipe, the bytes of the workbook.
  auto piped = Gen({spec, "--now", kNow, "-f", "xlsx", "-q"});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out.substr(0, 2), "PK");
}

TEST_F(MarketerE2ETest, CsvCodesASpreadsheetWouldChangeAreWarnedAboutAndTheCsvStaysExact) {
  auto spec = Spec("n.yaml", "version: 1\ncampaign: n\ncodes:\n  count: 50\n  length: 9\n  alphabet: digits\n");
  auto r = Gen({spec, "--now", kNow, "-o", In("n.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "50 codes look like a number to a spreadsheet") && Has(r.err, "-f xlsx")) << r.err;
  auto lines = Lines(ReadFile(In("n.csv")));
  ASSERT_EQ(lines.size(), 51u);
  EXPECT_EQ(lines[0], "code");
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 9u);  // as generated, leading zeros kept
  r = Gen({spec, "--now", kNow, "-f", "xlsx", "-o", In("n.xlsx")});
  EXPECT_FALSE(Has(r.err, "look like a number")) << r.err;
  // Letters: nothing to say.
  spec = Spec("l.yaml", "version: 1\ncampaign: l\ncodes:\n  count: 50\n  alphabet: letters\n");
  r = Gen({spec, "--now", kNow, "-o", In("l.csv")});
  EXPECT_FALSE(Has(r.err, "look like a number")) << r.err;
}

TEST_F(MarketerE2ETest, FormulaLikeValuesAreWarnedAboutInGenerateLintAndConvert) {
  auto spec = Spec("f.yaml", "version: 1\ncampaign: f\ncodes:\n  count: 2\ncoupon:\n  reference: \"=1+1\"\n  tags: [\"@x\"]\n");
  auto r = Gen({spec, "--now", kNow, "-o", In("f.csv")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "coupon.reference: starts with '=': a spreadsheet opening the file would run it as a formula")) << r.err;
  EXPECT_TRUE(Has(r.err, "coupon.tags: tag 1 starts with '@'")) << r.err;
  WriteFile(In("in.csv"), "code,reference,recipient_email\nABCDEFGH2345,+SUM(A1),ann@example.com\nBCDEFGH23456,ok,-bob@example.com\n");
  auto l = RunCoupongen({"lint", In("in.csv")});
  EXPECT_EQ(l.exit_code, 0) << l.err;  // warnings, not errors
  EXPECT_TRUE(Has(l.err, "in.csv:2: reference: starts with '+'")) << l.err;
  EXPECT_TRUE(Has(l.err, "in.csv:3: recipient_email: starts with '-'")) << l.err;
  auto c = RunCoupongen({"convert", In("in.csv"), "-f", "json", "-o", In("out.json")});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(Has(c.err, "in.csv:2: reference: starts with '+'")) << c.err;
}

// ---- Control characters ----

TEST_F(MarketerE2ETest, ControlCharactersNeverReachAnOutput) {
  WriteFile(In("in.csv"), std::string("code,reference\nABCDEFGH2345,ok\nBCDEFGH23456,a\x01") + "b\nCDEFGH234567,x\x7fy\n");
  auto l = RunCoupongen({"lint", In("in.csv")});
  EXPECT_EQ(l.exit_code, 3);
  EXPECT_TRUE(Has(l.err, "in.csv:3: reference: contains control character U+0001")) << l.err;
  EXPECT_TRUE(Has(l.err, "in.csv:4: reference: contains control character U+007F")) << l.err;
  auto c = RunCoupongen({"convert", In("in.csv"), "-f", "csv", "-o", In("out.csv")});
  EXPECT_EQ(c.exit_code, 3);
  EXPECT_FALSE(FileExists(In("out.csv")));
  c = RunCoupongen({"convert", In("in.csv"), "-f", "csv", "-o", In("out.csv"), "--rejects", In("bad.csv")});
  EXPECT_EQ(c.exit_code, 5) << c.err;  // rows set aside
  EXPECT_EQ(ReadFile(In("out.csv")), "code,reference\nABCDEFGH2345,ok\n");
  EXPECT_EQ(Lines(ReadFile(In("bad.csv"))).size(), 3u);
  // In a spec, a tab in a value is one too.
  auto spec = Spec("t.yaml", "version: 1\ncampaign: t\ncodes:\n  count: 1\ncoupon:\n  reference: \"a\\tb\"\n");
  auto r = Gen({spec, "--now", kNow});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "coupon.reference: contains a tab (control characters are not allowed)")) << r.err;
}

// ---- Recipients ----

std::string Utf16(const std::string& ascii, bool big_endian) {
  std::string out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (char c : ascii) {
    if (big_endian) out.push_back('\0');
    out.push_back(c);
    if (!big_endian) out.push_back('\0');
  }
  return out;
}

TEST_F(MarketerE2ETest, RecipientFilesAsPeopleExportThem) {
  struct Case {
    const char* name;
    std::string content;
  } cases[] = {
      {"semicolon.csv", "First name;Email Address;City\nAnn;ann@example.com;Rome\n;;\nBob;bob@example.com;Milan\n"},
      {"tab.csv", "E-Mail\tName\nann@example.com\tAnn\n\t\nbob@example.com\tBob\n"},
      {"mail.csv", "\xEF\xBB\xBFMAIL,x\r\nann@example.com,1\r\n,,,\r\nbob@example.com,2\r\n"},
      {"utf16le.csv", Utf16("Email;Name\r\nann@example.com;Ann\r\n;\r\nbob@example.com;Bob\r\n", false)},
      {"utf16be.csv", Utf16("email,Name\nann@example.com,Ann\nbob@example.com,Bob\n", true)},
  };
  for (const auto& c : cases) {
    WriteFile(In(c.name), c.content);
    auto spec = Spec("r.yaml", std::string("version: 1\ncampaign: r\nrecipients:\n  file: ") + c.name + "\n");
    auto r = Gen({spec, "--now", kNow, "-q"});
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    EXPECT_EQ(Column(r.out, "recipient_email"), (std::vector<std::string>{"ann@example.com", "bob@example.com"})) << c.name;
  }
}

TEST_F(MarketerE2ETest, RecipientFileLinesAreBoundedAndEchoedSafely) {
  // A 9 MiB line is an error, not 9 MiB of memory per copy, nor a 9 MiB message.
  WriteFile(In("long.csv"), "email\n" + std::string(9 << 20, 'a') + "@example.com\n");
  auto spec = Spec("l.yaml", "version: 1\ncampaign: l\nrecipients:\n  file: long.csv\n");
  auto r = Gen({spec, "--now", kNow});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "long.csv:2: a line longer than 8.0 MiB")) << r.err.substr(0, 300);
  EXPECT_LT(r.err.size(), 2000u);
  // Terminal escapes in a bad address are shown escaped.
  WriteFile(In("esc.csv"), "email\n\x1b]0;pwned\x07@x\n");
  spec = Spec("e.yaml", "version: 1\ncampaign: e\nrecipients:\n  file: esc.csv\n");
  r = Gen({spec, "--now", kNow});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_TRUE(Has(r.err, "esc.csv:2: email:")) << r.err;
}

TEST_F(MarketerE2ETest, SkipWritesRejectsAndTheMailingFileKeepsColumnsInRecipientOrder) {
  WriteFile(In("people.csv"),
            "first_name,email,city\nAnn,ann@example.com,Rome\nBob,not-an-email,Milan\nCy,ANN@example.com,Turin\n"
            "Dee,dee@example.com,Bari\n");
  auto spec = Spec("s.yaml", "version: 1\ncampaign: s\ntimezone: Europe/Rome\ncoupon:\n  expires_at: 2027-03-31\n"
                             "recipients:\n  file: people.csv\n  on_invalid: skip\n  rejects: skipped.csv\n  keep: [first_name]\n"
                             "output:\n  path: codes.csv\n  mailing: mailing.csv\n");
  auto r = Gen({spec, "--now", kNow, "--report", In("report.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "skipping 2 rows of the recipients file")) << r.err;
  EXPECT_EQ(ReadFile(In("skipped.csv")),
            "first_name,email,city,reason\n"
            "Bob,not-an-email,Milan,\"email: not an email address (no '@') (got \"\"not-an-email\"\")\"\n"
            "Cy,ANN@example.com,Turin,\"email: duplicate of row 2 (\"\"ANN@example.com\"\", ignoring case)\"\n");
  auto codes = ReadFile(In("codes.csv"));
  auto mailing = ReadFile(In("mailing.csv"));
  auto mail_lines = Lines(mailing);
  ASSERT_EQ(mail_lines.size(), 3u) << mailing;
  EXPECT_EQ(mail_lines[0], "email,code,expires_at,first_name");
  EXPECT_EQ(Column(mailing, "email"), (std::vector<std::string>{"ann@example.com", "dee@example.com"}));
  EXPECT_EQ(Column(mailing, "first_name"), (std::vector<std::string>{"Ann", "Dee"}));
  EXPECT_EQ(Column(mailing, "code"), Column(codes, "code"));
  EXPECT_EQ(Column(mailing, "expires_at"), (std::vector<std::string>{"2027-03-31T21:59:59.000Z", "2027-03-31T21:59:59.000Z"}));
  for (const char* f : {"codes.csv", "mailing.csv", "skipped.csv", "report.json"}) {
    struct stat st;
    ASSERT_EQ(stat(In(f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  // The report: counts, paths and the SHA-256 of each file (checked with Python's hashlib).
  auto report = nlohmann::json::parse(ReadFile(In("report.json")));
  EXPECT_EQ(report["campaign"], "s");
  EXPECT_EQ(report["count"], 2);
  EXPECT_EQ(report["format"], "csv");
  EXPECT_EQ(report["expires_at"], "2027-03-31T21:59:59.000Z");
  EXPECT_EQ(report["output"]["path"], "codes.csv");
  EXPECT_EQ(report["mailing"]["rows"], 2);
  EXPECT_EQ(report["recipient_rejects"]["rows"], 2);
  EXPECT_GT(report["keyspace"].get<double>(), 1e17);
  EXPECT_GT(report["entropy_bits"].get<double>(), 58);
  EXPECT_TRUE(report["timings"].contains("total_seconds"));
  auto sha = coupongen::testing::Run({"python3", "-c", "import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", In("codes.csv")});
  EXPECT_EQ(report["output"]["sha256"].get<std::string>() + "\n", sha.out);
  // Without skip, the bad rows are errors and nothing is written.
  auto strict = Spec("t.yaml", "version: 1\ncampaign: t\nrecipients:\n  file: people.csv\noutput:\n  path: t.csv\n");
  r = Gen({strict, "--now", kNow});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "people.csv:3: email: not an email address")) << r.err;
  EXPECT_TRUE(Has(r.err, "people.csv:4: email: duplicate of row 2")) << r.err;
  EXPECT_FALSE(FileExists(In("t.csv")));
  // skip without rejects is an error.
  auto no_rejects = Spec("n.yaml", "version: 1\ncampaign: n\nrecipients:\n  file: people.csv\n  on_invalid: skip\n");
  r = Gen({no_rejects, "--now", kNow});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "recipients.rejects: is required with on_invalid: skip")) << r.err;
}

TEST_F(MarketerE2ETest, AnXlsxMailingFileAndNothingLeftWhenOneOutputFails) {
  WriteFile(In("people.csv"), "email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n");
  auto spec = Spec("x.yaml", "version: 1\ncampaign: x\nrecipients:\n  file: people.csv\n  keep: [first_name]\n"
                             "output:\n  path: codes.csv\n  mailing: mailing.xlsx\n");
  auto r = Gen({spec, "--now", kNow, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto sheet = ReadXlsx(In("mailing.xlsx"));
  EXPECT_EQ(sheet["sheets"], nlohmann::json::array({"mailing"}));
  ASSERT_EQ(sheet["rows"].size(), 3u);
  EXPECT_EQ(sheet["rows"][0], nlohmann::json::parse(R"(["email","code","first_name"])"));
  EXPECT_EQ(sheet["rows"][2][0], "bob@example.com");
  EXPECT_EQ(sheet["rows"][2][2], "Bob");
  EXPECT_EQ(sheet["rows"][1][1], Column(ReadFile(In("codes.csv")), "code")[0]);
  // The mailing file exists already: without --force nothing is written, the output neither.
  std::filesystem::remove(In("codes.csv"));
  r = Gen({spec, "--now", kNow, "-q"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.err, "mailing.xlsx already exists")) << r.err;
  EXPECT_FALSE(FileExists(In("codes.csv")));
}

TEST_F(MarketerE2ETest, OneSharedCode) {
  WriteFile(In("people.csv"), "email\nann@example.com\nbob@example.com\n");
  auto spec = Spec("f.yaml", "version: 1\ncampaign: f\ncodes:\n  fixed: SUMMER25\ncoupon:\n  usage_limit: 1000\n"
                             "recipients:\n  file: people.csv\noutput:\n  path: code.csv\n  mailing: mailing.csv\n");
  auto r = Gen({spec, "--now", kNow, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(In("code.csv")), "code,usage_limit\nSUMMER25,1000\n");
  EXPECT_EQ(ReadFile(In("mailing.csv")), "email,code\nann@example.com,SUMMER25\nbob@example.com,SUMMER25\n");
  auto bad = Spec("b.yaml", "version: 1\ncampaign: b\ncodes:\n  fixed: SUMMER\n  count: 5\n");
  r = Gen({bad, "--now", kNow});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "codes.fixed: is 6 characters, below min_length 8")) << r.err;
  EXPECT_TRUE(Has(r.err, "codes.count: a fixed code is one shared code")) << r.err;
  bad = Spec("c.yaml", "version: 1\ncampaign: c\ncodes:\n  fixed: SUMMER,25\n");
  r = Gen({bad, "--now", kNow});
  EXPECT_TRUE(Has(r.err, "codes.fixed: contains ','")) << r.err;
}

// ---- Plain words ----

TEST_F(MarketerE2ETest, SpecErrorsInPlainWords) {
  auto spec = Spec("p.yaml", "version: 1\ncampaign: p\nprefix: SPRING-\ncodes:\n  count: 1\n  alphabet: Uppercase\n"
                             "  suffix: FRÜHLING-\n");
  auto r = RunCoupongen({"validate", spec});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "p.yaml:3:1: prefix: belongs under 'codes:'")) << r.err;
  EXPECT_TRUE(Has(r.err, "codes.alphabet: 'Uppercase' is not a preset (preset names are lowercase): did you mean 'uppercase'?")) << r.err;
  EXPECT_TRUE(Has(r.err, "codes.suffix: contains 'Ü' (U+00DC)")) << r.err;
  EXPECT_FALSE(Has(r.err, "0xc3")) << r.err;
  spec = Spec("t.yaml", "version: 1\ncampaign: t\ncodes:\n\tcount: 1\n");
  r = RunCoupongen({"validate", spec});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "t.yaml:4:1: yaml: tabs are not allowed in indentation, use spaces")) << r.err;
  spec = Spec("f.yaml", "version: 1\ncampaign: f\ncodes:\n  count: 1\noutput:\n  format: CSV\n");
  r = RunCoupongen({"validate", spec});
  EXPECT_TRUE(Has(r.err, "did you mean 'csv'?")) << r.err;
}

TEST_F(MarketerE2ETest, ErrorsCarryTheSystemsReason) {
  auto r = RunCoupongen({"validate", dir_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.err, "Is a directory")) << r.err;
  auto spec = Spec("s.yaml", "version: 1\ncampaign: s\ncodes:\n  count: 1\n");
  r = Gen({spec, "-o", In("missing/dir/out.csv")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.err, "No such file or directory")) << r.err;
  auto rec = Spec("r.yaml", "version: 1\ncampaign: r\nrecipients:\n  file: nobody.csv\n");
  r = Gen({rec});
  EXPECT_TRUE(Has(r.err, "cannot read the recipients file: cannot open: No such file or directory")) << r.err;
}

TEST_F(MarketerE2ETest, HelpHelpAndUsageLinesListEveryOption) {
  for (const char* arg : {"help", "--help", "-h"}) {
    auto r = RunCoupongen({"help", arg});
    EXPECT_EQ(r.exit_code, 0) << arg;
    EXPECT_TRUE(Has(r.out, "Commands:")) << arg;
  }
  for (const char* cmd : {"generate", "validate", "lint", "convert", "check", "init", "keygen"}) {
    auto r = RunCoupongen({"help", cmd});
    ASSERT_EQ(r.exit_code, 0) << cmd;
    std::string usage = Lines(r.out)[0];
    // Every option the help lists is on the usage line (by its short or long name).
    for (const auto& line : Lines(r.out)) {
      size_t dash = line.find("--");
      if (line.rfind("  -", 0) != 0 || dash == std::string::npos) continue;
      std::string name = line.substr(dash, line.find_first_of(" =", dash) - dash);
      if (name == "--help") continue;
      std::string shortname = line.substr(2, 2);
      EXPECT_TRUE(Has(usage, name) || (shortname[0] == '-' && shortname[1] != '-' && (Has(usage, shortname + " ") || Has(usage, shortname + "]"))))
          << cmd << ": " << name << " missing from " << usage;
    }
  }
}

// ---- Machines ----

TEST_F(MarketerE2ETest, LintSpecChecksEveryAttributeTheSpecSets) {
  auto spec = Spec("s.yaml", "version: 1\ncampaign: s\npromotion_rule_id: ABCRtyUpBa\ncodes:\n  count: 2\n  prefix: SPR-\n"
                             "coupon:\n  usage_limit: 1\n  customer_single_use: true\n  expires_at: 2027-03-31T23:59:59Z\n"
                             "  reference: spring\n  tags: [a, b]\n");
  auto g = Gen({spec, "--now", kNow, "-o", In("good.csv"), "-q"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto l = RunCoupongen({"lint", In("good.csv"), "--spec", spec, "--now", kNow});
  EXPECT_EQ(l.exit_code, 0) << l.err;
  WriteFile(In("bad.csv"), "code,promotion_rule_id,usage_limit,customer_single_use,expires_at,reference,_add_tags\n"
                           "SPR-ABCDEFGH2345,XYZ,2,false,2027-03-30T23:59:59.000Z,autumn,a\n"
                           "ABCDEFGH2345,ABCRtyUpBa,1,true,2027-03-31T23:59:59.000Z,spring,\"a,b\"\n");
  l = RunCoupongen({"lint", In("bad.csv"), "--spec", spec, "--now", kNow});
  EXPECT_EQ(l.exit_code, 3);
  for (const char* e : {"bad.csv:2: promotion_rule_id: is \"XYZ\", the spec says \"ABCRtyUpBa\"",
                        "bad.csv:2: usage_limit: is 2, the spec says 1", "bad.csv:2: customer_single_use: is false, the spec says true",
                        "bad.csv:2: expires_at: is 2027-03-30T23:59:59.000Z, the spec says 2027-03-31T23:59:59.000Z",
                        "bad.csv:2: reference: is \"autumn\", the spec says \"spring\"", "bad.csv:2: _add_tags: is \"a\", the spec says \"a,b\"",
                        "bad.csv:3: code: not the campaign's shape"})
    EXPECT_TRUE(Has(l.err, e)) << e << "\n" << l.err;
}

TEST_F(MarketerE2ETest, ConvertSaysASharedProblemOnceAndExitsFiveWhenRowsWereSetAside) {
  std::string csv = "code\n";
  for (int i = 0; i < 2000; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "CODE%08d", i);
    csv += std::string(code) + "\n";
  }
  WriteFile(In("in.csv"), csv);
  auto c = RunCoupongen({"convert", In("in.csv"), "-f", "jsonapi", "-o", In("out.ndjson")});
  EXPECT_EQ(c.exit_code, 3);
  EXPECT_LT(Lines(c.err).size(), 5u) << c.err.substr(0, 500);
  EXPECT_TRUE(Has(c.err, "in.csv:2: promotion_rule_id: is required for jsonapi output (give --promotion-rule ID) (and 1,999 more rows)"))
      << c.err;
  c = RunCoupongen({"convert", In("in.csv"), "-f", "jsonapi", "-o", In("out.ndjson"), "--rejects", In("rejects.csv")});
  EXPECT_EQ(c.exit_code, 5) << c.err;
  EXPECT_LT(Lines(c.err).size(), 5u);
  EXPECT_EQ(Lines(ReadFile(In("rejects.csv"))).size(), 2001u);
  // Numeric codes into csv: the spreadsheet warning, once.
  c = RunCoupongen({"convert", In("in.csv"), "-f", "csv", "-o", In("out.csv")});
  EXPECT_EQ(c.exit_code, 0) << c.err;
}

}  // namespace
}  // namespace coupongen
