// libFuzzer target: the configuration loader (YAML, kinds, keys, regexes, globs).
#include <cstddef>
#include <cstdint>
#include <string>

#include "checks/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  smokehook::Config config;
  smokehook::Finding err;
  smokehook::parse_config(std::string(reinterpret_cast<const char*>(data), size), ".smokehook.yml",
                          &config, &err);
  return 0;
}
