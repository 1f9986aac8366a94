// libFuzzer target: git's index file format (versions 2-4, extensions, the
// cache-tree, a split index's link extension and bitmaps, a sparse index's
// folder entries). Whatever the bytes, the reader returns an index or an
// error, and every accessor of an accepted index stays inside the input. An
// input holding "\nSHARED\n" is a split index, then its shared index file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "git/index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smokehook;
  std::string err;
  std::string_view bytes(reinterpret_cast<const char*>(data), size), shared;
  static constexpr std::string_view kCut = "\nSHARED\n";
  if (size_t cut = bytes.find(kCut); cut != std::string_view::npos) {
    shared = bytes.substr(cut + kCut.size());
    bytes = bytes.substr(0, cut);
  }
  std::unique_ptr<GitIndex> index = GitIndex::parse(bytes, "index", &err, shared);
  if (!index) return 0;
  size_t sum = 0;
  for (const GitIndex::Entry& e : index->entries()) {
    sum += e.path().size() + e.mode() + e.stage() + e.intent_to_add() + e.stat().size + e.id()[19];
    if (e.stage() == 0 && index->find(e.path()) != &e) __builtin_trap();
    if (e.path().empty()) __builtin_trap();
    if (e.is_sparse_dir()) sum += index->sparse_dir_of(std::string(e.path()) + "x") != nullptr;
  }
  const auto& trees = index->trees();
  for (size_t i = 0; i < trees.size(); ++i) {
    const GitIndex::Tree& t = trees[i];
    if (t.next <= i || t.next > trees.size() || (t.children && t.first_child != i + 1))
      __builtin_trap();
    sum += t.name.size() + (t.id ? t.id[0] : 0);
  }
  return sum == 1 ? 1 : 0;
}
