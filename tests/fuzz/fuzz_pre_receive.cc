// libFuzzer target: git's pre-receive lines on stdin, and the alternates list git passes with them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "git/pre_receive.h"
#include "git/repo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<smokehook::ReceivedRef> refs;
  std::string err;
  smokehook::parse_pre_receive(text, &refs, &err);
  for (const auto& r : refs) (void)(r.deletion() + r.creation() + r.branch_or_tag());
  (void)smokehook::split_object_dirs(text);
  return 0;
}
