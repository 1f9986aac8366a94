#include "cli/workspace.h"

#include <unistd.h>

#include <iostream>

#include "base/text.h"
#include "checks/config_cache.h"
#include "cli/commands.h"

namespace smokehook {

std::string current_dir() {
  char buf[4096];
  if (!::getcwd(buf, sizeof buf)) return ".";
  return buf;
}

bool open_repository(std::optional<Repository>* repo) {
  std::string err;
  *repo = Repository::open(current_dir(), &err);
  if (!err.empty()) {
    usage_error(err);
    return false;
  }
  return true;
}

bool load_config(const Options& o, const FileSource& source, Config* config) {
  std::string text, err, name, id;
  if (!o.config.empty()) {
    name = o.config;
    if (!read_whole_file(o.config, &text, &err)) {
      usage_error(o.config + ": cannot read the configuration: " + err);
      return false;
    }
  } else {
    name = ".smokehook.yml";
    ReadStatus st = source.read(name, &text, &err);
    if (st == ReadStatus::Error) {
      usage_error(name + ": cannot read the configuration: " + err);
      return false;
    }
    if (st == ReadStatus::NotFound) {
      Finding f;
      if (load_default_config(config, &f)) return true;
      std::cerr << f.to_string() << "\n";
      return false;
    }
    id = source.blob_id(name);
  }
  // Parsed once per distinct text, then read back from the user's cache (config_cache.h).
  Finding f;
  std::vector<Node> docs;
  ParsedConfigCache cache(ParsedConfigCache::default_dir());
  if (id.empty() && cache.enabled()) id = ParsedConfigCache::text_id(text);
  if (!cache.load(id, name, &docs)) {
    if (!parse_yaml(text, name, &docs, &f)) {
      std::cerr << f.to_string() << "\n";
      return false;
    }
    cache.store(id, docs);
  }
  if (!build_config(docs, name, config, &f)) {
    std::cerr << f.to_string() << "\n";
    return false;
  }
  return true;
}

bool validate_only(const Options& o, const Config& config) {
  std::vector<std::string> ids;
  for (const auto& c : config.checks) ids.push_back(c->id);
  for (const auto& id : o.only) {
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    std::string msg = "--only: unknown check id '" + id + "'";
    if (auto near = closest_match(id, ids))
      msg += " (did you mean '" + *near + "'?)";
    else
      msg += "; 'smokehook list' shows the checks";
    usage_error(msg);
    return false;
  }
  return true;
}

}  // namespace smokehook
