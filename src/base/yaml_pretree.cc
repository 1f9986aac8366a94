// A build-time tool: parses a YAML file with the program's own YAML layer and
// writes its encoded tree (encode_nodes) as a C++ source defining
//   extern const char SYMBOL[]; extern const std::size_t SYMBOLSize;
// A file that does not parse fails the build, with its line and column.
//
//   smokehook_pretree INPUT OUTPUT SYMBOL LABEL    (LABEL: the file name nodes report)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/yaml_tree.h"

int main(int argc, char** argv) {
  using namespace smokehook;
  if (argc != 5) {
    std::cerr << "usage: smokehook_pretree INPUT OUTPUT SYMBOL LABEL\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    std::cerr << argv[1] << ": cannot read\n";
    return 1;
  }
  std::vector<Node> docs;
  Finding err;
  if (!parse_yaml(text.str(), argv[4], &docs, &err)) {
    std::cerr << argv[1] << ": " << err.to_string() << "\n";
    return 1;
  }
  std::string encoded = encode_nodes(docs);
  std::ofstream out(argv[2], std::ios::binary);
  out << "// Generated from " << argv[1]
      << " by smokehook_pretree; do not edit.\n#include <cstddef>\n"
      << "namespace smokehook {\nextern const char " << argv[3] << "[] = {";
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (i % 16 == 0) out << "\n ";
    out << " '\\x"
        << "0123456789abcdef"[(encoded[i] >> 4) & 0xf] << "0123456789abcdef"[encoded[i] & 0xf]
        << "',";
  }
  out << "\n  '\\0'};\nextern const std::size_t " << argv[3] << "Size = sizeof(" << argv[3]
      << ") - 1;\n}\n";
  return out ? 0 : 1;
}
