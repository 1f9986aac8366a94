// The command line's one definition, shared by the parser (cli/cli.cc) and the
// man page and completions written from it (cli/docs.cc).

#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/commands.h"

namespace smokehook {

// What the definition reads besides Options, turned into Options after parsing.
struct CommandLineText {
  std::string dir;       // -C DIR
  std::string format;    // --format FMT
  std::string only;      // --only ID[,ID...]
  std::string docs_dir;  // --generate-docs DIR (hidden)
};

// Adds every option and subcommand to app (made with the description and the name "smokehook").
void define_command_line(CLI::App& app, Options& o, CommandLineText& t);

// `smokehook --generate-docs DIR`: writes DIR/smokehook.1 and DIR/completions/{smokehook.bash,
// _smokehook,smokehook.fish} from app's options and subcommands (the hidden ones left out).
// Returns the exit status: 0, or 2 with a message when a file cannot be written.
int write_docs(CLI::App& app, const std::string& dir);

}  // namespace smokehook
