#include "cli/cli.h"

int main(int argc, char** argv) { return smokehook::smokehook_main(argc, argv); }
