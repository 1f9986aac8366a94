// What init reads of a repository before it writes anything: the compose projects a tree holds
// (each base file and the overlays beside it), the names checks take from them, and what a loaded
// project declares (profiles, their services, one-shot services others wait for).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/file_source.h"
#include "compose/project.h"

namespace smokehook::init_detail {

int base_rank(std::string_view name);

std::string_view stem_of(std::string_view name);

// "compose.prod.yaml" -> "prod", "docker-compose.override.yml" -> "override"; "" for any other
// name.
std::string overlay_name(std::string_view name);

// A check id's part from a name: letters, digits, '.', '-', '_' kept; '/' becomes '.'; anything
// else '-'.
std::string slug(std::string_view s);

// A folder as the start of check ids: "deploy/eu" -> "deploy.eu."; a hidden folder's dot is dropped
// (".devcontainer" -> "devcontainer."), so that an id never starts with '.' nor holds "..".
std::string folder_prefix(std::string_view dir);

// A YAML scalar: plain when it reads back as the same string, else double-quoted.
std::string q(std::string_view s);

// A block value (a title, a section): plain also with spaces, '+', ',' and parentheses inside.
std::string text_value(std::string_view s);

std::string flow(const std::vector<std::string>& items);

std::string words_list(const std::vector<std::string>& items);

// A compose project as a folder holds it: its base file and the overlays beside it.
struct Found {
  std::string dir;                    // "" at the repository root
  std::string base;                   // repository path
  std::vector<std::string> overlays;  // repository paths, sorted
  // Of its check ids: "" at the root, else "folder." (+ stem. for a second base).
  std::string prefix;
  // A compose.NAME.yaml in a folder with no base: a project if valid alone.
  bool standalone = false;
};

std::vector<Found> discover(const FileSource& source);

// Why a compose file is not a project by itself ("" when it is): an error, no service, or a service
// with neither an image nor a build (a fragment merged onto something else).
std::string not_alone(const Project& p);

// The profiles the services of a model declare, in order of first appearance.
std::vector<std::string> declared_profiles(const Project& p);

std::vector<std::string> services_in_profile(const Project& p, const std::string& profile);

// Enabled services that depend on `target` with condition service_completed_successfully.
std::vector<std::string> waiting_for(const Project& p, const std::string& target);

// The one-shot services of a model: those some enabled service waits for to complete.
std::vector<std::string> one_shot_targets(const Project& p);

// The name a file has in a check id: "prod" for compose.prod.yaml, "jibri" for jibri.yml, its
// folder's name for a base (ci/basic/compose.yaml: "basic"), "prod" for an env file
// deploy/prod.env.
std::string short_name(std::string_view path);

// Names of env files a repository ships as examples, tried in this order before any other *.env.
bool example_env_name(std::string_view name);

bool env_file_name(std::string_view name);

}  // namespace smokehook::init_detail
