// A service of a merged compose model read in long form: its dependencies,
// its mounts and its command, whichever syntax the file used.
#pragma once

#include <string>
#include <vector>

#include "base/finding.h"
#include "base/yaml_tree.h"

namespace smokehook {

struct Dependency {
  std::string service;
  std::string condition = "service_started";
  bool required = true;
  const Node* node = nullptr;            // the list item, or the entry's value
  const Node* condition_node = nullptr;  // where the condition is written, if it is
  const Entry* entry = nullptr;          // long form: the entry (its key is the dependency's name)
  const Node* owner = nullptr;           // the depends_on mapping holding `entry`

  Finding at(std::string message) const;            // at the dependency's name
  Finding condition_at(std::string message) const;  // at its condition, else its name
};
std::vector<Dependency> dependencies(const Node& service);

struct Mount {
  std::string type;  // volume, bind, tmpfs, ...
  std::string source, target;
  bool read_only = false;
  std::string options;  // the short syntax's last field, e.g. "ro,z"; empty for the long syntax
  const Node* node = nullptr;
};
std::vector<Mount> mounts(const Node& service);

// `command` (or `entrypoint`) as words: a string is split as a shell would.
std::vector<std::string> command_words(const Node& service, const char* key = "command");

}  // namespace smokehook
