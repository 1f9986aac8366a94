// libFuzzer target: gitignore-style globs and service-name patterns. The
// input is "pattern\npath". A glob without classes or escapes is matched
// folder by folder; its RE2 translation must give the same answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string pattern = text.substr(0, nl);
  std::string path = nl == std::string::npos ? "a/b.py" : text.substr(nl + 1);
  std::string err;
  auto fast = smokehook::Glob::compile(pattern, &err);
  auto reference = smokehook::Glob::compile_as_regex(pattern, &err);
  if (bool(fast) != bool(reference)) std::abort();
  if (fast && !path.empty() && fast->matches(path) != reference->matches(path)) std::abort();
  (void)smokehook::name_matches(pattern, path);
  return 0;
}
