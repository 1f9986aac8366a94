#include "support/test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "base/text.h"
#include "git/change_set.h"

namespace smokehook::test {

MemorySource example_app() {
  namespace fs = std::filesystem;
  MemorySource src;
  fs::path root(SMOKEHOOK_EXAMPLE_DIR);
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string text, err;
    REQUIRE(read_whole_file(entry.path().string(), &text, &err));
    src.put(fs::relative(entry.path(), root).generic_string(), text);
  }
  return src;
}

void edit(MemorySource& src, const std::string& path, const std::string& from,
          const std::string& to) {
  std::string text, err;
  REQUIRE(src.read(path, &text, &err) == ReadStatus::Ok);
  size_t pos = text.find(from);
  INFO("editing " << path << ": looking for '" << from << "'");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  src.put(path, text);
}

const CheckResult& Outcome::operator[](const std::string& id) const {
  auto it = by_id.find(id);
  INFO("check " << id);
  REQUIRE(it != by_id.end());
  return it->second;
}

std::vector<std::string> Outcome::failed() const {
  std::vector<std::string> out;
  for (const auto& row : report.rows)
    if (row.result.status == CheckStatus::Fail) out.push_back(row.check->id);
  return out;
}

namespace {

// Runs a configuration on `src`; with `changes`, as staged mode does.
Outcome run(const FileSource& src, const std::string& config_text, const ChangeSet* changes,
            const Selection& sel = Selection{}) {
  static std::vector<std::unique_ptr<Config>> keep;  // reports point at checks
  keep.push_back(std::make_unique<Config>());
  Finding err;
  std::string text = config_text.empty() ? std::string(default_config_text()) : config_text;
  INFO(err.to_string());
  REQUIRE(parse_config(text, ".smokehook.yml", keep.back().get(), &err));
  RunContext ctx(src, &src, env({}));
  ctx.changes = changes;
  ctx.full_scan = changes == nullptr;
  Outcome out;
  out.report.mode = changes ? "staged" : "all";
  out.report.source = "memory";
  run_checks(*keep.back(), ctx, sel, "", "", &out.report);
  for (const auto& row : out.report.rows) out.by_id[row.check->id] = row.result;
  return out;
}

}  // namespace

Outcome run_staged(const FileSource& src, std::vector<std::string> changed) {
  std::sort(changed.begin(), changed.end());
  ChangeSet changes;
  changes.changed = changed;
  changes.present = changed;
  return run(src, "", &changes);
}

Outcome run_all(const FileSource& src, const std::string& config_text) {
  return run(src, config_text, nullptr);
}

Outcome run_selected(const FileSource& src, const std::string& config_text, const Selection& sel) {
  return run(src, config_text, nullptr, sel);
}

}  // namespace smokehook::test
