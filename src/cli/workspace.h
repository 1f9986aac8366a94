// What every command starts from: the repository (if any), the folder the
// checks read, and the configuration.
#pragma once

#include <optional>
#include <string>

#include "base/file_source.h"
#include "checks/config.h"
#include "git/repo.h"

namespace smokehook {

struct Options;

std::string current_dir();

// Opens the repository around the current folder. Returns false (after
// printing why) on a real failure; `repo` stays empty outside a repository.
bool open_repository(std::optional<Repository>* repo);

// Loads --config FILE from disk, else `.smokehook.yml` from `source`, else the
// built-in default. Prints the error (file:line:col: message) and returns false.
bool load_config(const Options& o, const FileSource& source, Config* config);

// --only names checks that exist; prints and returns false otherwise.
bool validate_only(const Options& o, const Config& config);

}  // namespace smokehook
