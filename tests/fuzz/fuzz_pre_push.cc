// libFuzzer target: git's pre-push lines on stdin.
#include <cstddef>
#include <cstdint>
#include <string>

#include "git/pre_push.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<smokehook::PushedRef> refs;
  std::string err;
  smokehook::parse_pre_push(std::string_view(reinterpret_cast<const char*>(data), size), &refs,
                            &err);
  for (const auto& r : refs) (void)r.deletion();
  return 0;
}
