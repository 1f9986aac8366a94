// A compose project: files in (through a FileSource), the merged model and its
// findings out. Knows nothing of git or checks; `smokehook compose` and the
// compose checks share it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "file_source.h"
#include "finding.h"
#include "interpolate.h"
#include "yaml_tree.h"

namespace smokehook {

struct ProjectSpec {
  std::vector<std::string> files;     // repository paths, in -f order
  std::vector<std::string> profiles;  // --profile; empty = COMPOSE_PROFILES (environment, then .env)
  bool operator==(const ProjectSpec& o) const { return files == o.files && profiles == o.profiles; }
};

// Parsed compose files, by path, for one run: five projects naming the same
// files parse them once. Holds documents before interpolation.
class ParsedFiles {
 public:
  struct File {
    ReadStatus status = ReadStatus::Ok;
    std::string read_error;
    bool parsed = false;
    Finding parse_error;
    std::vector<Node> docs;
  };
  const File* find(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
  }
  const File& put(const std::string& path, File file) { return files_[path] = std::move(file); }

 private:
  std::map<std::string, File> files_;
};

struct ComposeContext {
  const FileSource* source = nullptr;
  // Where `.env` and env_file targets are looked for when `source` lacks them
  // (they are usually untracked): the working tree. May be null.
  const FileSource* fallback = nullptr;
  VariableLookup environment;  // the process environment; wins over .env
  ParsedFiles* parsed = nullptr;  // optional cache shared by the projects of a run
};

struct Project {
  Node model;  // merged and interpolated; short forms normalized
  Findings errors;
  Findings warnings;
  std::vector<std::string> inputs;  // every file read or looked for (compose files, .env, env_file, extends, include)
  std::vector<std::string> active_profiles;

  bool valid() const { return errors.empty(); }
  const Node* service(const std::string& name) const;
  bool enabled(const Node& service) const;
  std::vector<std::string> service_names() const;
  std::vector<std::string> enabled_services() const;
};

Project load_project(const ProjectSpec& spec, const ComposeContext& ctx);

VariableLookup process_environment();

}  // namespace smokehook
