// `smokehook init`: a configuration written from what a repository holds.
// Reads the compose projects of a FileSource (every folder with a compose
// file, the overlays beside it, the profiles it declares, the services that
// wait for a one-shot service) and writes a commented .smokehook.yml whose
// checks pass on the repository as it is. docs/init.md has the rules.
#pragma once

#include <string>
#include <vector>

#include "base/file_source.h"
#include "compose/interpolate.h"

namespace smokehook {

struct InitConfig {
  std::string text;                 // the configuration (YAML with comments)
  std::vector<std::string> notes;   // for stderr: projects invalid now, what could not be read
  size_t projects = 0;              // compose projects found
  size_t checks = 0;                // checks written (not counting commented suggestions)
};

// `source` lists and reads the repository's files (the index and the untracked
// files git does not ignore); `fallback` is where untracked `.env` files are
// looked for (may be null); `environment` is the process environment, as a run
// would see it.
InitConfig make_init_config(const FileSource& source, const FileSource* fallback, const VariableLookup& environment);

}  // namespace smokehook
