// `smokehook init`: a configuration written from what a repository holds.
// Reads the compose projects of a FileSource (every folder with a compose
// file, the overlays beside it, the profiles declared anywhere, the services
// that wait for a one-shot service) and how the repository runs docker
// compose (init_usage.h: scripts, CI, docs), and writes a commented
// .smokehook.yml. Every live check passed when init ran it; one that fails on
// the repository as it stands is written commented out, with the reason.
// docs/init.md has the rules.
#pragma once

#include <string>
#include <vector>

#include "base/file_source.h"
#include "compose/interpolate.h"

namespace smokehook {

struct InitConfig {
  std::string text;                // the configuration (YAML with comments)
  std::vector<std::string> notes;  // for stderr: projects invalid now, what could not be read
  size_t projects = 0;             // compose projects found
  size_t checks = 0;               // checks written live (not counting what is commented out)
  // What init left out, one line each, for the summary: checks that fail on the repository as it
  // stands (written commented out, with the reason) and compose files it could not check.
  std::vector<std::string> left_out;
};

// `source` lists and reads the repository's files (the index and the untracked
// files git does not ignore); `fallback` is where untracked `.env` files are
// looked for (may be null); `environment` is the process environment, as a run
// would see it.
InitConfig make_init_config(const FileSource& source, const FileSource* fallback,
                            const VariableLookup& environment);

}  // namespace smokehook
