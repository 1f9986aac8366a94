#pragma once

namespace smokehook {

// The whole program: parses the command line, runs the command, returns the
// exit status (0 pass, 1 a check failed, 2 could not do the job).
int smokehook_main(int argc, char** argv);

}  // namespace smokehook
