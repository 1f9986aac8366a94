#include "checks/verdict_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "base/text.h"
#include "checks/config_cache.h"
#include "version.h"

namespace smokehook {
namespace {

constexpr char kMagic[] = "smokehook clean blobs 1\n";
constexpr size_t kMagicSize = sizeof kMagic - 1;
// ~80 MB: past it a file starts again from the latest push's blobs.
constexpr size_t kMaxEntries = size_t{1} << 22;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool blob_id_from_hex(std::string_view hex, BlobId* id) {
  if (hex.size() != 2 * id->size()) return false;
  for (size_t i = 0; i < id->size(); ++i) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*id)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool CleanBlobs::known(const BlobId& id) const {
  return std::binary_search(loaded_.begin(), loaded_.end(), id);
}

std::string VerdictCache::file_for(const std::string& fingerprint) const {
  return dir_ + "/clean-" + ParsedConfigCache::text_id(fingerprint) + "-" + SMOKEHOOK_VERSION;
}

CleanBlobs* VerdictCache::gate(const std::string& fingerprint) {
  if (dir_.empty()) return nullptr;
  std::unique_ptr<CleanBlobs>& slot = gates_[fingerprint];
  if (slot) return slot.get();
  slot = std::make_unique<CleanBlobs>();
  std::string data;
  if (!read_private_file(dir_, file_for(fingerprint), &data)) return slot.get();
  if (data.compare(0, kMagicSize, kMagic) != 0 || (data.size() - kMagicSize) % sizeof(BlobId) != 0)
    return slot.get();
  size_t n = (data.size() - kMagicSize) / sizeof(BlobId);
  slot->loaded_.resize(n);
  if (n) std::memcpy(slot->loaded_.data(), data.data() + kMagicSize, n * sizeof(BlobId));
  if (!std::is_sorted(slot->loaded_.begin(), slot->loaded_.end()))
    slot->loaded_.clear();  // not ours: a miss
  return slot.get();
}

void VerdictCache::save() const {
  for (const auto& [fingerprint, blobs] : gates_) {
    if (blobs->added_.empty()) continue;
    std::vector<BlobId> added = blobs->added_;
    std::sort(added.begin(), added.end());
    added.erase(std::unique(added.begin(), added.end()), added.end());
    std::vector<BlobId> all;
    if (blobs->loaded_.size() + added.size() <= kMaxEntries) {
      all.reserve(blobs->loaded_.size() + added.size());
      std::set_union(blobs->loaded_.begin(), blobs->loaded_.end(), added.begin(), added.end(),
                     std::back_inserter(all));
    } else {
      all = std::move(added);
    }
    std::string data(kMagic, kMagicSize);
    data.append(reinterpret_cast<const char*>(all.data()), all.size() * sizeof(BlobId));
    write_private_file(dir_, file_for(fingerprint), data);
  }
}

}  // namespace smokehook
