// libFuzzer target: decoding parsed YAML trees (the built-in default, the
// configuration cache): damage is refused, never a crash or an allocation out
// of proportion; what decodes encodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/yaml_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<smokehook::Node> docs;
  if (smokehook::decode_nodes(bytes, "f", &docs) && smokehook::encode_nodes(docs) != bytes) {
    // Varints may be written longer than needed; their re-encoding is canonical,
    // and decoding it must give the same trees.
    std::vector<smokehook::Node> again;
    if (!smokehook::decode_nodes(smokehook::encode_nodes(docs), "f", &again) ||
        smokehook::encode_nodes(again) != smokehook::encode_nodes(docs))
      std::abort();
  }
  return 0;
}
