// The layers are written down once, in README's source map (the table between the `layers`
// markers), and three things must agree with it: each folder's CMake library (src/<folder>/
// CMakeLists.txt: DEPENDS and the third-party targets it links), the folders each source file
// includes from, and the third-party headers it includes. A new dependency is a deliberate edit
// of all three; an include that sneaks across a layer fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/strings.h"
#include "testing/subprocess.h"

namespace coupongen {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;

// A library as the map names it: how its headers are included, and its CMake target.
struct Library {
  std::string header_prefix;  // an #include <...> starting with this belongs to the library
  std::string cmake_target;
};
const std::map<std::string, Library>& KnownLibraries() {
  static const std::map<std::string, Library> libs = {
      {"date", {"date/", "date::date-tz"}},
      {"OpenSSL", {"openssl/", "OpenSSL::Crypto"}},
      {"zlib", {"zlib.h", "ZLIB::ZLIB"}},
      {"libxlsxwriter", {"xlsxwriter", "PkgConfig::XLSXWRITER"}},
      {"yaml-cpp", {"yaml-cpp/", "yaml-cpp"}},
      {"SQLite", {"sqlite3.h", "SQLite::SQLite3"}},
      {"libpq", {"libpq-fe.h", "PkgConfig::LIBPQ"}},
      {"libcurl", {"curl/", "CURL::libcurl"}},
      {"Boost.Program_options", {"boost/", "Boost::program_options"}},
      {"nlohmann-json", {"nlohmann/", "nlohmann_json::nlohmann_json"}},
  };
  return libs;
}

struct Layer {
  std::set<std::string> folders;    // the folders below it that it may use
  std::set<std::string> libraries;  // third-party libraries it may use
};

std::set<std::string> Words(std::string cell) {
  for (char& c : cell)
    if (c == '`' || c == ',') c = ' ';
  std::istringstream in(cell);
  std::set<std::string> out;
  for (std::string w; in >> w;)
    if (w != "-" && w != "—") out.insert(w);
  return out;
}

// README's table: | `folder` | folders it uses | libraries it uses | what it holds |
std::map<std::string, Layer> ReadMap() {
  std::istringstream readme(ReadFile(std::string(COUPONGEN_SOURCE_DIR) + "/README.md"));
  std::map<std::string, Layer> map;
  bool inside = false;
  for (std::string line; std::getline(readme, line);) {
    if (line.find("<!-- layers -->") != std::string::npos) inside = true;
    else if (line.find("<!-- /layers -->") != std::string::npos) break;
    else if (inside && line.starts_with("| `")) {
      std::vector<std::string> cells;
      std::stringstream row(line.substr(1));
      for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
      if (cells.size() < 3) continue;
      auto name = Words(cells[0]);
      if (name.size() != 1) continue;
      map[*name.begin()] = Layer{Words(cells[1]), Words(cells[2])};
    }
  }
  return map;
}

std::vector<fs::path> SourcesOf(const std::string& folder) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(COUPONGEN_SOURCE_DIR) / "src" / folder))
    if (e.path().extension() == ".cc" || e.path().extension() == ".h") out.push_back(e.path());
  return out;
}

TEST(Layers, ReadmeMapNamesEveryFolderOfSrc) {
  auto map = ReadMap();
  ASSERT_GE(map.size(), 5u) << "README.md has no layers table between <!-- layers --> markers";
  for (const auto& e : fs::directory_iterator(fs::path(COUPONGEN_SOURCE_DIR) / "src")) {
    if (e.is_directory()) {
      EXPECT_TRUE(map.count(e.path().filename().string())) << e.path() << " is not in README's map";
    }
  }
  for (const auto& [folder, layer] : map) {
    for (const auto& dep : layer.folders) EXPECT_TRUE(map.count(dep)) << folder << " uses unknown folder " << dep;
    for (const auto& lib : layer.libraries)
      EXPECT_TRUE(KnownLibraries().count(lib)) << folder << " uses " << lib << ", unknown to this test";
  }
}

TEST(Layers, IncludesStayInsideTheMap) {
  const std::regex include_re(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  for (const auto& [folder, layer] : ReadMap()) {
    for (const auto& file : SourcesOf(folder)) {
      std::istringstream text(ReadFile(file.string()));
      int line_no = 0;
      for (std::string line; std::getline(text, line);) {
        ++line_no;
        std::smatch m;
        if (!std::regex_search(line, m, include_re)) continue;
        std::string where = file.lexically_relative(COUPONGEN_SOURCE_DIR).string() + ":" + std::to_string(line_no);
        std::string header = m[2];
        if (m[1] == "\"") {
          std::string dep = header.substr(0, header.find('/'));
          EXPECT_TRUE(dep == folder || layer.folders.count(dep))
              << where << ": " << folder << " includes " << header << ", but README's map says " << folder
              << " uses only " << Join({layer.folders.begin(), layer.folders.end()}, ", ");
          continue;
        }
        for (const auto& [lib, known] : KnownLibraries()) {
          if (header.starts_with(known.header_prefix)) {
            EXPECT_TRUE(layer.libraries.count(lib))
                << where << ": " << folder << " includes <" << header << "> of " << lib << ", not in README's map";
          }
        }
      }
    }
  }
}

// src/<folder>/CMakeLists.txt: coupongen_library(<folder> SOURCES ... DEPENDS ... PUBLIC ... PRIVATE ...)
TEST(Layers, EachFolderIsACMakeLibraryLinkingWhatTheMapSays) {
  for (const auto& [folder, layer] : ReadMap()) {
    std::string path = std::string(COUPONGEN_SOURCE_DIR) + "/src/" + folder + "/CMakeLists.txt";
    ASSERT_TRUE(fs::exists(path)) << path;
    std::string cmake = ReadFile(path);
    std::string call = "coupongen_library(" + folder;
    auto at = cmake.find(call);
    ASSERT_NE(at, std::string::npos) << path << " does not call " << call;
    std::string args = cmake.substr(at + call.size(), cmake.find(')', at) - at - call.size());
    std::istringstream words(args);
    std::string section;
    std::set<std::string> depends, links, sources;
    for (std::string w; words >> w;) {
      if (w == "SOURCES" || w == "DEPENDS" || w == "PUBLIC" || w == "PRIVATE") section = w;
      else if (section == "DEPENDS") depends.insert(w);
      else if (section == "SOURCES") sources.insert(w);
      else links.insert(w);
    }
    EXPECT_EQ(depends, layer.folders) << path << ": DEPENDS differs from README's map";
    std::set<std::string> expected_links;
    for (const auto& lib : layer.libraries) expected_links.insert(KnownLibraries().at(lib).cmake_target);
    links.erase("Threads::Threads");
    EXPECT_EQ(links, expected_links) << path << ": third-party links differ from README's map";
    // Sources are listed, not globbed: every .cc of the folder, and nothing else.
    std::set<std::string> on_disk;
    for (const auto& f : SourcesOf(folder))
      if (f.extension() == ".cc") on_disk.insert(f.filename().string());
    EXPECT_EQ(sources, on_disk) << path << ": SOURCES must list every .cc file of src/" << folder;
  }
}

}  // namespace
}  // namespace coupongen
