// Bad input, table-driven, through the built binary: malformed specs, recipient files and coupon
// files, each with the exact first error line it gets, the exit code, and nothing written.
//   spec        coupongen generate s.yaml -o out.csv --now 2027-02-01T00:00:00Z
//   recipients  the same, with a spec whose recipients.file is recipients.csv (the case's text)
//   data        coupongen convert in.dat -f json -o out.json --now 2027-02-01T00:00:00Z
//   exclusion   generate a valid spec with --exclude in.dat
// Set COUPONGEN_PRINT_ACTUAL=1 to print every case's actual result (to update the table), and
// COUPONGEN_DUMP_INPUTS=DIR to write the small inputs to DIR/spec_fuzzer/ and DIR/reader_fuzzer/
// (how the fuzz seed corpora got these cases).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "testing/subprocess.h"

namespace coupongen {
namespace {

using testing::ListDir;
using testing::MakeTempDir;
using testing::RunCoupongen;
using testing::WriteFile;

enum class Kind { kSpec, kRecipients, kData, kExclusion };

struct Case {
  const char* name;
  Kind kind;
  std::string input;       // the spec, the recipients CSV, or the coupon file
  int exit_code;
  std::string first_error;  // the first "coupongen: error: " line, without the prefix
};

const std::string kHead = "version: 1\ncampaign: c\n";
const std::string kCodes = "codes:\n  count: 5\n";
const std::string kValid = kHead + kCodes;

std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// metadata built of 9 levels of 10 aliases each: 10^9 nodes if expanded.
std::string AliasBomb() {
  std::string yaml = kValid + "coupon:\n  metadata:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char n = 'b'; n <= 'j'; ++n) {
    yaml += std::string("    ") + n + ": &" + n + " [";
    for (int i = 0; i < 10; ++i) yaml += std::string(i ? ", *" : "*") + prev;
    yaml += "]\n";
    prev = std::string(1, n);
  }
  return yaml;
}

// A bomb inside tags (a list of strings): 8 levels of 10 aliases.
std::string TagsAliasBomb() {
  std::string yaml = kValid + "coupon:\n  tags: [&a [t, t, t, t, t, t, t, t, t, t]";
  std::string prev = "a";
  for (char n = 'b'; n <= 'h'; ++n) {
    yaml += std::string(", &") + n + " [";
    for (int i = 0; i < 10; ++i) yaml += std::string(i ? ", *" : "*") + prev;
    yaml += "]";
    prev = std::string(1, n);
  }
  return yaml + "]\n";
}

std::vector<Case> Cases() {
  const std::string mib(1 << 20, 'x');
  const std::string nested(100000, '[');
  return {
      // --- specs: types and values ---------------------------------------------------------------
      {"count is a word", Kind::kSpec, kHead + "codes:\n  count: ten\n", 3, "s.yaml:4:10: codes.count: must be a whole number, not 'ten'"},
      {"count left empty", Kind::kSpec, kHead + "codes:\n  count:\n", 3, "s.yaml:4:3: codes.count: is required when there are no recipients"},
      {"count is negative", Kind::kSpec, kHead + "codes:\n  count: -5\n", 3, "s.yaml:4:10: codes.count: must be at least 1"},
      {"count is zero", Kind::kSpec, kHead + "codes:\n  count: 0\n", 3, "s.yaml:4:10: codes.count: must be at least 1"},
      {"count is huge", Kind::kSpec, kHead + "codes:\n  count: 99999999999999999999999999\n", 3, "s.yaml:4:10: codes.count: must be at most 10,000,000,000"},
      {"count is a fraction", Kind::kSpec, kHead + "codes:\n  count: 1.5\n", 3, "s.yaml:4:10: codes.count: must be a whole number, not '1.5'"},
      {"count in exponent form", Kind::kSpec, kHead + "codes:\n  count: 1e3\n", 3, "s.yaml:4:10: codes.count: must be a whole number, not '1e3'"},
      {"count is hexadecimal", Kind::kSpec, kHead + "codes:\n  count: 0x10\n", 3, "s.yaml:4:10: codes.count: must be a whole number, not '0x10'"},
      {"count is a list", Kind::kSpec, kHead + "codes:\n  count: [1, 2]\n", 3, "s.yaml:4:10: codes.count: must be a single value, not a list"},
      {"count is a mapping", Kind::kSpec, kHead + "codes:\n  count: {n: 1}\n", 3, "s.yaml:4:10: codes.count: must be a single value, not a mapping"},
      {"count above ten billion", Kind::kSpec, kHead + "codes:\n  count: 10000000001\n", 3, "s.yaml:4:10: codes.count: must be at most 10,000,000,000"},
      {"length is huge", Kind::kSpec, kValid + "  length: 100000\n", 3, "s.yaml:5:11: codes.length: must be at most 1,000"},
      {"length is zero", Kind::kSpec, kValid + "  length: 0\n", 3, "s.yaml:5:11: codes.length: must be at least 1"},
      {"length is boolean", Kind::kSpec, kValid + "  length: true\n", 3, "s.yaml:5:11: codes.length: must be a whole number, not 'true'"},
      {"group is negative", Kind::kSpec, kValid + "  group: -4\n", 3, "s.yaml:5:10: codes.group: must be at least 0"},
      {"version 2", Kind::kSpec, "version: 2\ncampaign: c\n" + kCodes, 3, "s.yaml:1:10: version: unsupported spec version 2 (this coupongen reads version 1)"},
      {"version missing", Kind::kSpec, "campaign: c\n" + kCodes, 3, "s.yaml:1:1: version: is required (add 'version: 1')"},
      {"version is text", Kind::kSpec, "version: one\ncampaign: c\n" + kCodes, 3, "s.yaml:1:10: version: must be a whole number, not 'one'"},
      {"campaign missing", Kind::kSpec, "version: 1\n" + kCodes, 3, "s.yaml:1:1: campaign: is required (a name of letters, digits, '.', '_', '-')"},
      {"campaign with a space", Kind::kSpec, "version: 1\ncampaign: spring sale\n" + kCodes, 3, "s.yaml:2:11: campaign: may hold only letters, digits, '.', '_' and '-'"},
      {"campaign too long", Kind::kSpec, "version: 1\ncampaign: " + std::string(101, 'c') + "\n" + kCodes, 3, "s.yaml:2:11: campaign: longer than 100 characters"},
      {"campaign is a list", Kind::kSpec, "version: 1\ncampaign: [a, b]\n" + kCodes, 3, "s.yaml:2:11: campaign: must be a single value, not a list"},
      // --- specs: keys --------------------------------------------------------------------------------
      {"unknown top-level key", Kind::kSpec, kValid + "campain: x\n", 3, "s.yaml:5:1: campain: unknown key (did you mean 'campaign'?)"},
      {"unknown key, a typo", Kind::kSpec, kValid + "  lenght: 8\n", 3, "s.yaml:5:3: codes.lenght: unknown key (did you mean 'length'?)"},
      {"unknown section", Kind::kSpec, kValid + "settings:\n  a: 1\n", 3, "s.yaml:5:1: settings: unknown key"},
      {"duplicate key", Kind::kSpec, kValid + "  count: 6\n", 3, "s.yaml:5:3: codes.count: duplicate key (first given on line 4)"},
      {"key not a plain name", Kind::kSpec, kValid + "? [a, b]\n: 1\n", 3, "s.yaml:5:3: keys must be plain names"},
      {"merge key", Kind::kSpec, kHead + "base: &b {count: 5}\ncodes:\n  <<: *b\n", 3, "s.yaml:3:1: base: unknown key"},
      {"section is a scalar", Kind::kSpec, kHead + "codes: 5\n", 3, "s.yaml:3:8: codes: must be a mapping (indented keys below it)"},
      // --- specs: alphabets and code text -------------------------------------------------------------
      {"empty alphabet", Kind::kSpec, kValid + "  alphabet: \"\"\n", 3, "s.yaml:5:13: codes.alphabet: must hold at least 2 distinct characters, or be a preset: unambiguous, uppercase, alphanumeric, letters, digits, hex"},
      {"one-character alphabet", Kind::kSpec, kValid + "  alphabet: A\n", 3, "s.yaml:5:13: codes.alphabet: must hold at least 2 distinct characters, or be a preset: unambiguous, uppercase, alphanumeric, letters, digits, hex"},
      {"duplicate alphabet characters", Kind::kSpec, kValid + "  alphabet: ABCA\n", 3, "s.yaml:5:13: codes.alphabet: repeats 'A' (each character may appear once)"},
      {"non-ASCII alphabet", Kind::kSpec, kValid + "  alphabet: ABCÄ\n", 3, "s.yaml:5:13: codes.alphabet: contains 'Ä' (U+00C4) (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"alphabet with a space", Kind::kSpec, kValid + "  alphabet: \"AB CD\"\n", 3, "s.yaml:5:13: codes.alphabet: contains a space (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"alphabet with a comma", Kind::kSpec, kValid + "  alphabet: \"AB,CD\"\n", 3, "s.yaml:5:13: codes.alphabet: contains ',' (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"non-ASCII prefix", Kind::kSpec, kValid + "  prefix: SPRÜNG-\n", 3, "s.yaml:5:11: codes.prefix: contains 'Ü' (U+00DC) (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"prefix with a quote", Kind::kSpec, kValid + "  prefix: \"O'NEIL-\"\n", 3, "s.yaml:5:11: codes.prefix: contains ''' (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"separator is a space", Kind::kSpec, kValid + "  group: 4\n  separator: \" \"\n", 3, "s.yaml:6:14: codes.separator: contains a space (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"suffix with a tab", Kind::kSpec, kValid + "  suffix: \"\\t\"\n", 3, "s.yaml:5:11: codes.suffix: contains a tab (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"pattern without #", Kind::kSpec, kValid + "  pattern: SPRING\n", 3, "s.yaml:5:12: codes.pattern: has no '#' placeholder (each '#' is one random character)"},
      {"pattern with non-ASCII", Kind::kSpec, kValid + "  pattern: \"ÉTÉ-########\"\n", 3, "s.yaml:5:12: codes.pattern: contains 'É' (U+00C9) (use printable ASCII without whitespace, comma, quote or backslash)"},
      {"pattern and length", Kind::kSpec, kValid + "  pattern: \"########\"\n  length: 8\n", 3, "s.yaml:5:12: codes.pattern: replaces length, prefix, suffix, group and separator: remove codes.length or the pattern"},
      {"min_length above max_length", Kind::kSpec, kValid + "  min_length: 30\n  max_length: 20\n", 3, "s.yaml:5:15: codes.min_length: is 30, above max_length 20"},
      {"code longer than max_length", Kind::kSpec, kValid + "  length: 40\n  prefix: SPRING-\n", 3, "s.yaml:5:11: codes.length: the whole code is 47 characters (prefix 7 + random 40 + separators 0 + suffix 0), above max_length 40"},
      {"code shorter than min_length", Kind::kSpec, kValid + "  length: 4\n", 3, "s.yaml:5:11: codes.length: the whole code is 4 characters (prefix 0 + random 4 + separators 0 + suffix 0), below min_length 8"},
      // --- specs: times ---------------------------------------------------------------------------
      {"expires_at 2027-02-30", Kind::kSpec, kValid + "coupon:\n  expires_at: 2027-02-30T00:00:00Z\n", 3, "s.yaml:6:15: coupon.expires_at: not a valid calendar date: '2027-02-30T00:00:00Z'"},
      {"expires_at offset +25:00", Kind::kSpec, kValid + "coupon:\n  expires_at: 2027-03-01T00:00:00+25:00\n", 3, "s.yaml:6:15: coupon.expires_at: UTC offset out of range (-14:00..+14:00): '2027-03-01T00:00:00+25:00'"},
      {"unknown time zone", Kind::kSpec, kValid + "timezone: Mars/Olympus\n", 3, "s.yaml:5:11: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Rome or America/New_York, or UTC)"},
      {"expires_at hour 24", Kind::kSpec, kValid + "coupon:\n  expires_at: 2027-03-01T24:00:00Z\n", 3, "s.yaml:6:15: coupon.expires_at: time of day out of range: '2027-03-01T24:00:00Z'"},
      {"expires_at in the past", Kind::kSpec, kValid + "coupon:\n  expires_at: 2026-01-01T00:00:00Z\n", 3, "s.yaml:6:15: coupon.expires_at: 2026-01-01T00:00:00.000Z is not in the future (now is 2027-02-01T00:00:00.000Z)"},
      {"expires_at is a word", Kind::kSpec, kValid + "coupon:\n  expires_at: tomorrow\n", 3, "s.yaml:6:15: coupon.expires_at: not an ISO 8601 timestamp (expected YYYY-MM-DDTHH:MM:SSZ or with an offset such as +02:00): 'tomorrow'"},
      {"expires_at and expires_in", Kind::kSpec, kValid + "coupon:\n  expires_at: 2027-03-01T00:00:00Z\n  expires_in: 7d\n", 3, "s.yaml:7:15: coupon.expires_in: give coupon.expires_at or coupon.expires_in, not both"},
      {"expires_in zero", Kind::kSpec, kValid + "coupon:\n  expires_in: 0d\n", 3, "s.yaml:6:15: coupon.expires_in: must be positive"},
      {"expires_in unknown unit", Kind::kSpec, kValid + "coupon:\n  expires_in: 14x\n", 3, "s.yaml:6:15: coupon.expires_in: not a duration (expected a positive whole number and a unit: s, m, h, d, w or mo (months), e.g. 14d)"},
      {"expires_in too long", Kind::kSpec, kValid + "coupon:\n  expires_in: 999999999d\n", 3, "s.yaml:6:15: coupon.expires_in: duration too long"},
      {"promotion ends before it starts", Kind::kSpec, kValid + "promotion:\n  starts_at: 2027-04-01T00:00:00Z\n  expires_at: 2027-03-01T00:00:00Z\n", 3, "s.yaml:7:15: promotion.expires_at: must be after promotion.starts_at (2027-04-01T00:00:00.000Z)"},
      {"expiry outside the promotion", Kind::kSpec, kValid + "promotion:\n  starts_at: 2027-03-01T00:00:00Z\n  expires_at: 2027-04-01T00:00:00Z\ncoupon:\n  expires_at: 2027-05-01T00:00:00Z\n", 3, "s.yaml:9:15: coupon.expires_at: 2027-05-01T00:00:00.000Z is after promotion.expires_at 2027-04-01T00:00:00.000Z (coupons must expire inside the promotion's window)"},
      // --- specs: coupon attributes and output ---------------------------------------------------------
      {"usage_limit zero", Kind::kSpec, kValid + "coupon:\n  usage_limit: 0\n", 3, "s.yaml:6:16: coupon.usage_limit: must be at least 1"},
      {"customer_single_use maybe", Kind::kSpec, kValid + "coupon:\n  customer_single_use: maybe\n", 3, "s.yaml:6:24: coupon.customer_single_use: must be true or false, not 'maybe'"},
      {"metadata not a mapping", Kind::kSpec, kValid + "coupon:\n  metadata: text\n", 3, "s.yaml:6:13: coupon.metadata: must be a mapping of keys to values"},
      {"metadata with csv", Kind::kSpec, kValid + "coupon:\n  metadata: {a: 1}\n", 3, "s.yaml:6:13: coupon.metadata: cannot be written as csv: use format json, jsonapi or imports"},
      {"tags with jsonapi", Kind::kSpec, kValid + "promotion_rule_id: R1\ncoupon:\n  tags: [a]\noutput:\n  format: jsonapi\n", 3, "s.yaml:7:9: coupon.tags: cannot be sent in jsonapi (POST /api/coupons does not accept _add_tags): use csv, json or imports, or remove tags"},
      {"reference with a line break", Kind::kSpec, kValid + "coupon:\n  reference: \"a\\nb\"\n", 3, "s.yaml:6:14: coupon.reference: must be on one line (no line breaks)"},
      {"reference of 1 MB on one line", Kind::kSpec, kValid + "coupon:\n  reference: " + mib + "\n", 3, "s.yaml:6:14: coupon.reference: longer than 1024 characters"},
      {"promotion_rule_id with a line break", Kind::kSpec, kValid + "promotion_rule_id: \"AB\\nCD\"\n", 3, "s.yaml:5:20: promotion_rule_id: must be a Commerce Layer resource id (letters and digits)"},
      {"imports without promotion_rule_id", Kind::kSpec, kValid + "output:\n  format: imports\n", 3, "s.yaml:6:11: promotion_rule_id: is required for imports output"},
      {"unknown output format", Kind::kSpec, kValid + "output:\n  format: xml\n", 3, "s.yaml:6:11: output.format: unknown format 'xml' (use csv, json, jsonapi, imports or xlsx)"},
      {"chunk_size too large", Kind::kSpec, kValid + "output:\n  chunk_size: 10001\n", 3, "s.yaml:6:15: output.chunk_size: must be at most 10,000"},
      // --- specs: recipients -------------------------------------------------------------------------
      {"email without a domain", Kind::kSpec, kHead + "recipients:\n  emails: [ann@]\n", 3, "s.yaml:4:12: recipients.emails[0]: not an email address (no domain after '@'): \"ann@\""},
      {"email without @", Kind::kSpec, kHead + "recipients:\n  emails: [ann.example.com]\n", 3, "s.yaml:4:12: recipients.emails[0]: not an email address (no '@'): \"ann.example.com\""},
      {"email with a space", Kind::kSpec, kHead + "recipients:\n  emails: [\"ann lee@example.com\"]\n", 3, "s.yaml:4:12: recipients.emails[0]: invalid character in the local part: \"ann lee@example.com\""},
      {"duplicate emails ignoring case", Kind::kSpec, kHead + "recipients:\n  emails: [ann@example.com, ANN@example.com]\n", 3, "s.yaml:4:29: recipients.emails[1]: duplicate of recipients.emails[0] on line 4 ('ANN@example.com', ignoring case)"},
      {"count differs from recipients", Kind::kSpec, kValid + "recipients:\n  emails: [ann@example.com]\n", 3, "s.yaml:4:10: codes.count: is 5 but there is 1 recipient (leave count out, or make them equal)"},
      {"recipients file and emails", Kind::kSpec, kHead + "recipients:\n  file: r.csv\n  emails: [ann@example.com]\n", 3, "s.yaml:5:11: recipients.emails: give recipients.file or recipients.emails, not both"},
      {"recipients file missing", Kind::kSpec, kHead + "recipients:\n  file: nowhere.csv\n", 3, "nowhere.csv: cannot read the recipients file: cannot open: No such file or directory"},
      // --- specs: the file itself ---------------------------------------------------------------------
      {"YAML syntax error", Kind::kSpec, kHead + "codes: [count: 5\n", 3, "s.yaml:4:1: yaml: end of sequence flow not found"},
      {"tab indentation", Kind::kSpec, kHead + "codes:\n\tcount: 5\n", 3, "s.yaml:4:1: yaml: tabs are not allowed in indentation, use spaces"},
      {"YAML alias bomb in metadata", Kind::kSpec, AliasBomb(), 3, "s.yaml:7:39: coupon.metadata.d[7][8][8][9]: too large or too deeply nested"},
      {"YAML alias bomb in tags", Kind::kSpec, TagsAliasBomb(), 3, "s.yaml:6:10: coupon.tags[0]: must be a single value, not a list"},
      {"undefined alias", Kind::kSpec, kHead + "codes:\n  count: *n\n", 3, "s.yaml:4:10: yaml: the referenced anchor is not defined"},
      {"deeply nested flow", Kind::kSpec, kHead + "x: " + nested + "\n", 3, "s.yaml:4:1: yaml: nested too deeply (brackets or indentation hundreds of levels deep)"},
      {"invalid UTF-8", Kind::kSpec, kHead + "codes:\n  count: 5\n  prefix: \"\xc3\x28\"\n", 3, "s.yaml:5:1: the spec is not valid UTF-8 text"},
      {"NUL byte", Kind::kSpec, kHead + std::string("codes:\n  count: 5\0\n", 20), 3, "s.yaml: the spec contains NUL bytes (not a text file)"},
      {"a list, not a mapping", Kind::kSpec, "- version: 1\n", 3, "s.yaml:1:1: the spec must be a mapping of keys (version, campaign, codes, ...)"},
      {"empty spec", Kind::kSpec, "", 3, "s.yaml:1:1: the spec is empty (expected a mapping with version, campaign and codes)"},
      {"larger than 16 MiB", Kind::kSpec, kValid + "# " + std::string(17 << 20, 'x') + "\n", 3, "s.yaml: the spec is larger than 16 MiB"},
      {"infeasible count", Kind::kSpec, kHead + "codes:\n  count: 600\n  alphabet: digits\n  length: 3\n  min_length: 3\n", 4, "cannot make 600 unique codes: shape ### has 1,000 possible codes (ignoring case), 998 of them without a blocked word, and at most half the keyspace may be used: make codes longer or the alphabet larger"},
      // --- recipient files ------------------------------------------------------------------------------
      {"recipients: no email column", Kind::kRecipients, "name\nAnn\n", 3, "recipients.csv:1: no email column in the header (name one 'email', 'e-mail', 'email address' or 'mail'; columns: \"name\")"},
      {"recipients: email without domain", Kind::kRecipients, "email\nann@example.com\nbob@\n", 3, "recipients.csv:3: email: not an email address (no domain after '@') (got \"bob@\")"},
      {"recipients: duplicate", Kind::kRecipients, "email\nann@example.com\nAnn@Example.com\n", 3, "recipients.csv:3: email: duplicate of row 2 (\"Ann@Example.com\", ignoring case)"},
      {"recipients: invalid UTF-8", Kind::kRecipients, "email\nj\xf6rg@example.de\n", 3, "recipients.csv:2: email: not valid UTF-8"},
      {"recipients: NUL byte", Kind::kRecipients, std::string("email\nann@example.com\0\n", 22), 3, "recipients.csv:2: NUL byte in the data (not a text file, or UTF-16 without a byte order mark?)"},
      {"recipients: empty", Kind::kRecipients, "", 3, "recipients.csv: the recipients file is empty (expected a header with an 'email' column)"},
      // --- coupon files (convert) -------------------------------------------------------------------
      {"csv without a code column", Kind::kData, "id,name\n1,x\n", 3, "in.dat: no 'code' column in the CSV header (columns: id, name)"},
      {"csv with a NUL byte", Kind::kData, std::string("code\nABCDEFGH\0\n", 15), 3, "in.dat: binary data, not a coupon file (expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one code per line)"},
      {"csv with invalid UTF-8", Kind::kData, "code,reference\nABCDEFGH,caf\xe9\n", 3, "in.dat:2: reference: not valid UTF-8"},
      {"csv unterminated quote", Kind::kData, "code,reference\nABCDEFGH,\"open\n", 3, "in.dat:2: unterminated quoted field: the '\"' opened on line 2 never closes"},
      {"csv non-ASCII code", Kind::kData, "code\nCAFÉ1234\n", 3, "in.dat:2: code: contains 'É' (U+00C9) (codes hold printable ASCII without whitespace, commas, quotes or backslashes)"},
      {"csv code of 1 MB", Kind::kData, "code\n" + mib + "\n", 3, "in.dat:2: code: too long: 1048576 characters (at most 40)"},
      {"csv quote never closing, 20 MiB", Kind::kData, "code,reference\nABCDEFGH,\"" + std::string(20 << 20, 'r') + "\n", 3, "in.dat:2: a CSV record longer than 8 MiB (a quoted field opened on line 2 may never close)"},
      {"csv expires_at 2027-02-30", Kind::kData, "code,expires_at\nABCDEFGH,2027-02-30T00:00:00Z\n", 3, "in.dat:2: expires_at: not a valid calendar date (got \"2027-02-30T00:00:00Z\")"},
      {"csv expires_at +25:00", Kind::kData, "code,expires_at\nABCDEFGH,2027-03-01T00:00:00+25:00\n", 3, "in.dat:2: expires_at: UTC offset out of range (-14:00..+14:00) (got \"2027-03-01T00:00:00+25:00\")"},
      {"csv email without domain", Kind::kData, "code,recipient_email\nABCDEFGH,ann@\n", 3, "in.dat:2: recipient_email: not an email address (no domain after '@') (got \"ann@\")"},
      {"csv usage_limit negative", Kind::kData, "code,usage_limit\nABCDEFGH,-1\n", 3, "in.dat:2: usage_limit: must be a positive integer (got -1)"},
      {"csv usage_limit huge", Kind::kData, "code,usage_limit\nABCDEFGH,99999999999999999999999\n", 3, "in.dat:2: usage_limit: out of range (got \"99999999999999999999999\")"},
      {"csv customer_single_use maybe", Kind::kData, "code,customer_single_use\nABCDEFGH,maybe\n", 3, "in.dat:2: customer_single_use: not true or false (got \"maybe\")"},
      {"csv duplicate codes ignoring case", Kind::kData, "code\nABCDEFGH\nabcdefgh\n", 3, "in.dat:3: code: duplicate of in.dat:2"},
      {"json truncated", Kind::kData, "[{\"code\":\"ABCDEFGH\"},{\"code\":\"AB", 3, "in.dat:2: truncated JSON: the input ends inside element 2 (which starts on line 1)"},
      {"json array of numbers", Kind::kData, "[1, 2]", 3, "in.dat:1: not a coupon object (got 1)"},
      {"json usage_limit 1.5", Kind::kData, "[{\"code\":\"ABCDEFGH\",\"usage_limit\":1.5}]", 3, "in.dat:1: usage_limit: not a whole number (got 1.5)"},
      {"json usage_limit 1e400", Kind::kData, "[{\"code\":\"ABCDEFGH\",\"usage_limit\":1e400}]", 3, "in.dat:1: usage_limit: not a whole number (got 1e400)"},
      {"json code with escaped NUL", Kind::kData, "[{\"code\":\"ABCD\\u0000EFGH\"}]", 3, "in.dat:1: code: contains control character U+0000 (codes hold printable ASCII without whitespace, commas, quotes or backslashes)"},
      {"json lone surrogate", Kind::kData, "[{\"code\":\"ABCDEFGH\",\"reference\":\"\\ud800\"}]", 3, "in.dat:1: reference: not valid UTF-8"},
      {"json nested 100,000 deep", Kind::kData, nested, 3, "in.dat:1: truncated JSON: the input ends inside element 1 (which starts on line 1)"},
      {"json nested 100,000 deep, closed", Kind::kData, nested + std::string(100000, ']'), 3, "in.dat:1: invalid JSON at line 1, column 130: nested more than 128 levels deep"},
      {"json code is a number", Kind::kData, "[{\"code\":12345678}]", 3, "in.dat:1: code: must be a string (got 12345678)"},
      {"jsonapi wrong type", Kind::kData, "{\"data\":{\"type\":\"skus\",\"attributes\":{\"code\":\"ABCDEFGH\"}}}\n", 3, "in.dat:1: a JSON:API document of type \"skus\" (expected \"coupons\", \"imports\" or a list of coupons)"},
      {"imports inputs not a list", Kind::kData, "{\"data\":{\"type\":\"imports\",\"attributes\":{\"inputs\":5}}}\n", 3, "in.dat:1: an imports document whose inputs are not an array"},
      {"gzip truncated", Kind::kData, Gzip("code\nABCDEFGH\n").substr(0, 12), 3, "in.dat: truncated gzip data (the compressed stream ends early)"},
      {"gzip of binary data", Kind::kData, Gzip(std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0", 12)), 3, "in.dat: binary data, not a coupon file (expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one code per line)"},
      {"UTF-16 text", Kind::kData, std::string("\xff\xfe" "c\0o\0d\0e\0\n\0", 12), 3, "in.dat: UTF-16 text; save the file as UTF-8 (expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one code per line)"},
      {"text code with a space", Kind::kData, "ABCD EFGH\n", 3, "in.dat:1: code: contains a space (codes hold printable ASCII without whitespace, commas, quotes or backslashes)"},
      {"empty file", Kind::kData, "", 3, "in.dat: empty file (expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one code per line)"},
      // --- exclusion files (generate --exclude) ---------------------------------------------------
      {"exclusion: binary data", Kind::kExclusion, std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10), 3, "exclusion file in.dat: binary data, not a coupon file (expected CSV with a 'code' column, a JSON array of coupons, JSON:API or imports documents, or one code per line)"},
      {"exclusion: json truncated", Kind::kExclusion, "[{\"code\":\"ABCDEFGH\"", 3, "exclusion file in.dat:1: truncated JSON: the input ends inside element 1 (which starts on line 1)"},
  };
}

TEST(BadInputTest, EveryCaseGetsItsExactErrorAndNothingIsWritten) {
  const bool print = std::getenv("COUPONGEN_PRINT_ACTUAL") != nullptr;
  const auto cases = Cases();
  EXPECT_GE(cases.size(), 60u);
  for (const auto& c : cases) {
    std::string dir = MakeTempDir();
    std::vector<std::string> args;
    std::vector<std::string> inputs;
    switch (c.kind) {
      case Kind::kSpec:
        WriteFile(dir + "/s.yaml", c.input);
        args = {"generate", "s.yaml", "-o", "out.csv", "--now", "2027-02-01T00:00:00Z"};
        inputs = {"s.yaml"};
        break;
      case Kind::kRecipients:
        WriteFile(dir + "/s.yaml", kHead + "recipients:\n  file: recipients.csv\n");
        WriteFile(dir + "/recipients.csv", c.input);
        args = {"generate", "s.yaml", "-o", "out.csv", "--now", "2027-02-01T00:00:00Z"};
        inputs = {"recipients.csv", "s.yaml"};
        break;
      case Kind::kData:
        WriteFile(dir + "/in.dat", c.input);
        args = {"convert", "in.dat", "-f", "json", "-o", "out.json", "--now", "2027-02-01T00:00:00Z"};
        inputs = {"in.dat"};
        break;
      case Kind::kExclusion:
        WriteFile(dir + "/s.yaml", kValid);
        WriteFile(dir + "/in.dat", c.input);
        args = {"generate", "s.yaml", "-o", "out.csv", "--exclude", "in.dat"};
        inputs = {"in.dat", "s.yaml"};
        break;
    }
    if (const char* dump = std::getenv("COUPONGEN_DUMP_INPUTS"); dump && c.input.size() <= 4096) {
      std::string name = c.name;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '-';
      WriteFile(std::string(dump) + (c.kind == Kind::kSpec ? "/spec_fuzzer/bad-" : "/reader_fuzzer/bad-") + name,
                c.input);
    }
    auto r = RunCoupongen(args, "", dir);
    std::string first;
    std::istringstream err(r.err);
    for (std::string line; std::getline(err, line);)
      if (line.rfind("coupongen: error: ", 0) == 0) {
        first = line.substr(18);
        break;
      }
    if (print) std::cout << "{\"" << c.name << "\", " << r.exit_code << ", \"" << first << "\"},\n";
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << "\n" << r.err.substr(0, 2000);
    EXPECT_EQ(first, c.first_error) << c.name;
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_EQ(ListDir(dir), inputs) << c.name << ": nothing written";
  }
}

}  // namespace
}  // namespace coupongen
