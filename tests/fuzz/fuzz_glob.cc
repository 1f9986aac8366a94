// libFuzzer target: gitignore-style globs and service-name patterns. The
// input is "pattern\npath".
#include <cstddef>
#include <cstdint>
#include <string>

#include "glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string pattern = text.substr(0, nl);
  std::string path = nl == std::string::npos ? "a/b.py" : text.substr(nl + 1);
  std::string err;
  if (auto g = smokehook::Glob::compile(pattern, &err)) (void)g->matches(path);
  (void)smokehook::name_matches(pattern, path);
  return 0;
}
