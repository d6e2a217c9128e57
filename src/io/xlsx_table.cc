#include "io/xlsx_table.h"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/strings.h"
#include "io/atomic_file.h"

namespace coupongen {

struct XlsxTable::Impl {
  OutputSink* sink = nullptr;
  std::string path;            // where libxlsxwriter writes the zip
  bool own_file = false;       // a private temporary file, copied into the sink and removed
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* text = nullptr;
  unsigned long long rows = 0;  // data rows written
  size_t columns = 0;

  ~Impl() {
    if (workbook) lxw_workbook_free(workbook);  // abandoned: nothing is written
    if (own_file && !path.empty()) unlink(path.c_str());
  }

  Status Write(lxw_row_t row, const std::vector<std::string_view>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      if (cells[c].empty()) continue;
      if (cells[c].size() > 32767) return Status::Invalid("a value longer than 32,767 characters does not fit an xlsx cell");
      std::string cell(cells[c]);
      lxw_error e = worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), cell.c_str(), text);
      if (e != LXW_NO_ERROR) return Status::IoError(std::string("cannot write the xlsx sheet: ") + lxw_strerror(e));
    }
    return Status::Ok();
  }
};

Result<std::unique_ptr<XlsxTable>> XlsxTable::Open(OutputSink& sink, const std::vector<std::string>& header,
                                                   const std::string& sheet_name) {
  std::unique_ptr<XlsxTable> t(new XlsxTable);
  t->impl_ = std::make_unique<Impl>();
  Impl& m = *t->impl_;
  m.sink = &sink;
  m.columns = header.size();
  if (auto* file = dynamic_cast<AtomicFile*>(&sink)) {
    m.path = file->temp_path();
  } else {
    const char* dir = std::getenv("TMPDIR");
    std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/coupongen-xlsx-XXXXXX";
    int fd = mkstemp(templ.data());  // mode 0600
    if (fd < 0) return Status::IoError("cannot create a temporary file for the xlsx output: " + std::string(std::strerror(errno)));
    close(fd);
    m.path = templ;
    m.own_file = true;
  }
  lxw_workbook_options options;
  std::memset(&options, 0, sizeof options);
  options.constant_memory = LXW_TRUE;  // rows go to a temporary file as they come, not to memory
  options.use_zip64 = LXW_TRUE;        // sheets larger than 4 GB uncompressed
  m.workbook = workbook_new_opt(m.path.c_str(), &options);
  if (!m.workbook) return Status::IoError("cannot create the xlsx workbook (out of memory?)");
  m.sheet = workbook_add_worksheet(m.workbook, sheet_name.c_str());
  m.text = workbook_add_format(m.workbook);
  if (!m.sheet || !m.text) return Status::IoError("cannot create the xlsx sheet");
  format_set_num_format(m.text, "@");  // Text: what a person types in later stays text too
  worksheet_set_column(m.sheet, 0, static_cast<lxw_col_t>(header.size() ? header.size() - 1 : 0), 20, m.text);
  worksheet_freeze_panes(m.sheet, 1, 0);
  std::vector<std::string_view> cells(header.begin(), header.end());
  COUPONGEN_RETURN_IF_ERROR(m.Write(0, cells));
  return t;
}

XlsxTable::~XlsxTable() = default;

Status XlsxTable::AddRow(const std::vector<std::string_view>& cells) {
  Impl& m = *impl_;
  if (m.rows >= kXlsxMaxRows)
    return Status::Invalid("an xlsx sheet holds at most " + WithThousands(kXlsxMaxRows) + " rows: use csv for more");
  ++m.rows;
  return m.Write(static_cast<lxw_row_t>(m.rows), cells);
}

Status XlsxTable::Finish() {
  Impl& m = *impl_;
  lxw_error e = workbook_close(m.workbook);
  m.workbook = nullptr;
  if (e != LXW_NO_ERROR) {
    std::string why = lxw_strerror(e);
    if (e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE || e == LXW_ERROR_ZIP_FILE_OPERATION)
      why += std::string(": ") + std::strerror(errno ? errno : EIO);
    return Status::IoError("cannot write the xlsx file: " + why);
  }
  if (!m.own_file) return Status::Ok();
  int fd = open(m.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read back the xlsx file: " + std::string(std::strerror(errno)));
  char buf[1 << 16];
  Status s;
  while (s.ok()) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) s = Status::IoError("cannot read back the xlsx file: " + std::string(std::strerror(errno)));
    if (n <= 0) break;
    s = m.sink->Append(std::string_view(buf, static_cast<size_t>(n)));
  }
  close(fd);
  return s;
}

}  // namespace coupongen
