// Blobs a text gate has found nothing in, kept between a server's pushes.
//
// A pre-receive hook has no working tree: every blob of a pushed tree is
// inflated, ~80 % of a full scan's time (bench/README.md). Most of a push's
// blobs were in the previous pushes too, and a gate's verdict on a blob is a
// function of the blob's bytes and the gate's settings alone. So a blob id a
// gate found clean is kept, in a file named by the gate's fingerprint (its kind,
// pattern, literal and size limit) and smokehook's version, and is not read
// again under the same rules. Only clean verdicts are kept: a blob with a
// finding is always scanned, so its findings are always current.
//
// The files live beside the configuration cache (config_cache.h), outside any
// repository, and are trusted only from a folder and file that the user owns
// and no one else can write to. A blob id is the SHA-1 of the blob's bytes,
// computed by git when it received them (index-pack, with collision detection):
// the same id is the same content.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smokehook {

using BlobId = std::array<uint8_t, 20>;
// 40 hex digits (FileSource::blob_id) to a BlobId; false for anything else.
bool blob_id_from_hex(std::string_view hex, BlobId* id);

// One gate's clean blobs: known() may be called from many threads at once;
// add() from one, after them.
class CleanBlobs {
 public:
  bool known(const BlobId& id) const;
  void add(const BlobId& id) { added_.push_back(id); }

 private:
  friend class VerdictCache;
  std::vector<BlobId> loaded_;  // sorted
  std::vector<BlobId> added_;
};

class VerdictCache {
 public:
  explicit VerdictCache(std::string dir) : dir_(std::move(dir)) {}
  // The clean blobs of the gate whose settings are `fingerprint`, read on first use.
  CleanBlobs* gate(const std::string& fingerprint);
  // Writes what the gates added (a temporary file, then a rename); failures are silent.
  void save() const;
  std::string file_for(const std::string& fingerprint) const;

 private:
  std::string dir_;
  std::map<std::string, std::unique_ptr<CleanBlobs>> gates_;
};

}  // namespace smokehook
