#include "git/index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/fd.h"

namespace smokehook {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kStatSize = 40;  // ctime, mtime, dev, ino, mode, uid, gid, size: 32 bits each
constexpr size_t kMaxDepth = 4096;

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint16_t be16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// A bounds-checked cursor over the file's bytes.
struct Cursor {
  const unsigned char* base;
  size_t pos;
  size_t end;

  bool has(size_t n) const { return end - pos >= n; }
  const unsigned char* at() const { return base + pos; }
  // The bytes up to the next `stop` (not included); the cursor moves past it.
  bool until(char stop, std::string_view* out) {
    const void* hit = std::memchr(base + pos, stop, end - pos);
    if (!hit) return false;
    size_t len = static_cast<const unsigned char*>(hit) - (base + pos);
    *out = std::string_view(reinterpret_cast<const char*>(base + pos), len);
    pos += len + 1;
    return true;
  }
  // git's offset varint (version 4 path compression).
  bool varint(uint64_t* out) {
    if (!has(1)) return false;
    unsigned char c = base[pos++];
    uint64_t value = c & 127;
    while (c & 128) {
      if (!has(1) || value > (UINT64_MAX >> 8)) return false;
      c = base[pos++];
      value = ((value + 1) << 7) | (c & 127);
    }
    *out = value;
    return true;
  }
};

// A decimal number as the cache-tree writes it; "-1" only when `allow_negative`.
bool parse_count(std::string_view s, bool allow_negative, int64_t* out) {
  bool negative = allow_negative && !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 10) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = negative ? -v : v;
  return true;
}

bool entry_less(const GitIndex::Entry& e, std::string_view path) { return e.path() < path; }

}  // namespace

std::string_view GitIndex::Entry::path() const {
  size_t len = flags() & 0xFFF;
  // 0: a split index's entry that took the place of a shared one, and its path (merge_shared()).
  return std::string_view(path_, len != 0 && len < 0xFFF ? len : std::strlen(path_));
}

uint32_t GitIndex::Entry::mode() const { return be32(record_ + 24); }

bool GitIndex::Entry::is_file() const {
  uint32_t m = mode();
  return m == 0100644 || m == 0100755 || m == 0120000;
}

GitIndex::Stat GitIndex::Entry::stat() const {
  const unsigned char* p = record_;
  return Stat{be32(p),      be32(p + 4),  be32(p + 8),  be32(p + 12), be32(p + 16),
              be32(p + 20), be32(p + 24), be32(p + 28), be32(p + 32), be32(p + 36)};
}

bool GitIndex::Entry::intent_to_add() const {
  return (flags() & 0x4000) && (be16(record_ + 62) & 0x2000);
}

GitIndex::Mapping::~Mapping() {
  if (addr) ::munmap(addr, size);
}

GitIndex::~GitIndex() = default;

bool GitIndex::map_file(const std::string& path, Mapping* map, struct timespec* written,
                        bool* missing, std::string* err) {
  *missing = false;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    *missing = errno == ENOENT;
    *err = "cannot read the index " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    *err = "cannot read the index " + path + ": " + std::strerror(errno);
    return false;
  }
  *written = st.st_mtim;
  if (st.st_size == 0) return true;
  // Every page is read: populating them in one go spares a page fault per page.
  void* addr = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                      MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (addr == MAP_FAILED) {
    *err = "cannot read the index " + path + ": " + std::strerror(errno);
    return false;
  }
  map->addr = addr;
  map->size = static_cast<size_t>(st.st_size);
  return true;
}

std::unique_ptr<GitIndex> GitIndex::open(const std::string& path, std::string* err,
                                         const std::string& shared_dir) {
  std::unique_ptr<GitIndex> index(new GitIndex());
  bool missing = false;
  if (!map_file(path, &index->map_, &index->written_, &missing, err)) {
    if (missing) {  // nothing added yet
      err->clear();
      return index;
    }
    return nullptr;
  }
  index->data_ = std::string_view(static_cast<const char*>(index->map_.addr), index->map_.size);
  std::string dir = shared_dir;
  if (dir.empty()) {
    size_t slash = path.rfind('/');
    dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  }
  if (!index->load(path, {}, dir, err)) return nullptr;
  return index;
}

std::unique_ptr<GitIndex> GitIndex::parse(std::string_view data, const std::string& label,
                                          std::string* err, std::string_view shared) {
  std::unique_ptr<GitIndex> index(new GitIndex());
  index->data_ = data;
  if (!index->load(label, shared, "", err)) return nullptr;
  return index;
}

bool GitIndex::read_file(std::string_view data, const std::string& label, bool shared,
                         std::vector<Entry>* entries, std::string* paths, Extensions* ext,
                         std::string* err) {
  auto fail = [&](size_t at, const std::string& what) {
    *err = "cannot read the index " + label + ": " + what + " at byte " + std::to_string(at);
    return false;
  };
  const auto* base = reinterpret_cast<const unsigned char*>(data.data());
  if (data.size() < kHeaderSize + kIdSize) return fail(0, "the file is too short to be an index");
  if (std::memcmp(base, "DIRC", 4) != 0) return fail(0, "it does not start with DIRC");
  unsigned version = be32(base + 4);
  if (version < 2 || version > 4)
    return fail(4, "unsupported index version " + std::to_string(version));
  if (!shared) version_ = version;
  uint32_t count = be32(base + 8);
  const size_t end = data.size() - kIdSize;  // the checksum trails everything
  // Every entry takes at least 62 bytes (v2/v3) or 64 (v4): a count the file cannot hold is
  // corrupt.
  if (count > (end - kHeaderSize) / 62) return fail(8, "an entry count larger than the file");
  entries->reserve(count);
  std::vector<uint32_t> v4_offsets;  // where each path starts in `paths`, fixed up at the end
  if (version == 4) {
    v4_offsets.reserve(count);
    paths->reserve(size_t{count} * 24);
  }
  size_t previous = 0, previous_offset = 0;  // version 4: the path the next one is relative to

  Cursor c{base, kHeaderSize, end};
  for (uint32_t i = 0; i < count; ++i) {
    size_t start = c.pos;
    if (!c.has(kStatSize + kIdSize + 2)) return fail(start, "a truncated entry");
    uint16_t flags = be16(base + start + kStatSize + kIdSize);
    size_t name_len = flags & 0xFFF;
    c.pos += kStatSize + kIdSize + 2;
    if (flags & 0x4000) {
      if (version < 3) return fail(start, "an extended entry in a version 2 index");
      if (!c.has(2)) return fail(start, "a truncated entry");
      c.pos += 2;
    }
    const char* path = nullptr;
    if (version == 4) {
      uint64_t strip = 0;
      std::string_view suffix;
      if (!c.varint(&strip) || strip > previous) return fail(start, "a bad path prefix");
      if (!c.until('\0', &suffix)) return fail(start, "an unterminated path");
      size_t keep = previous - static_cast<size_t>(strip);
      size_t offset = paths->size();
      paths->append(*paths, previous_offset, keep);
      paths->append(suffix);
      paths->push_back('\0');
      previous = keep + suffix.size();
      previous_offset = offset;
      if (previous != name_len && !(name_len == 0xFFF && previous > 0xFFF))
        return fail(start, "a bad path length");
      v4_offsets.push_back(static_cast<uint32_t>(offset));
    } else {
      size_t fixed = c.pos - start;
      std::string_view name;
      if (name_len < 0xFFF) {
        if (!c.has(name_len + 1) || base[c.pos + name_len] != 0)
          return fail(start, "a bad path length");
        name = std::string_view(reinterpret_cast<const char*>(c.at()), name_len);
      } else if (!c.until('\0', &name)) {
        return fail(start, "an unterminated path");
      }
      path = name.data();
      name_len = name.size();
      // 1 to 8 NUL bytes pad the entry to a multiple of 8.
      size_t size = (fixed + name.size() + 8) & ~size_t{7};
      if (end - start < size) return fail(start, "a truncated entry");
      c.pos = start + size;
    }
    entries->emplace_back(base + start, path);
  }
  if (version == 4) {
    for (size_t i = 0; i < entries->size(); ++i)
      (*entries)[i] = Entry((*entries)[i].id() - kStatSize, paths->data() + v4_offsets[i]);
  }
  // Extensions: a signature, a 32-bit size, the data. An unknown one whose
  // signature starts with an upper-case letter is optional; any other is not.
  while (c.pos < end) {
    size_t start = c.pos;
    if (!c.has(8)) return fail(start, "a truncated extension");
    std::string_view sig(reinterpret_cast<const char*>(c.at()), 4);
    uint32_t size = be32(c.at() + 4);
    c.pos += 8;
    if (!c.has(size)) return fail(start, "a truncated " + std::string(sig) + " extension");
    std::string_view body(reinterpret_cast<const char*>(c.at()), size);
    if (sig == "TREE") {
      ext->tree = body;
      ext->tree_offset = c.pos;
    } else if (sig == "link") {
      if (shared) return fail(start, "a shared index that is itself split");
      ext->link = body;
      ext->link_offset = c.pos;
      ext->has_link = true;
    } else if (sig == "sdir") {
      ext->sdir = true;
    } else if (!(sig[0] >= 'A' && sig[0] <= 'Z')) {
      return fail(start, "an extension this reader does not know: " + std::string(sig));
    }
    c.pos += size;
  }
  return true;
}

namespace {

// One EWAH-compressed bitmap of a `link` extension (git's ewah/ewah_io.c
// layout): the size in bits, a count of 64-bit words, the words, the position
// of the last run-length word; all big-endian. Calls `bit` with each set
// position, in order; false when the bytes are not a bitmap or `bit` says so.
template <class F>
bool each_ewah_bit(Cursor& c, F bit) {
  if (!c.has(8)) return false;
  uint32_t words = be32(c.at() + 4);
  c.pos += 8;
  if ((c.end - c.pos) / 8 < words || !c.has(size_t{words} * 8 + 4)) return false;
  const unsigned char* w = c.at();
  c.pos += size_t{words} * 8 + 4;
  auto word = [&](size_t k) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v = (v << 8) | w[k * 8 + b];
    return v;
  };
  uint64_t pos = 0;
  for (size_t k = 0; k < words;) {
    // run bit, 32 bits of run length (in words), 31 of literal word count
    uint64_t marker = word(k++);
    uint64_t run = (marker >> 1) & 0xFFFFFFFFu, literals = marker >> 33;
    if (marker & 1) {
      for (uint64_t n = 0; n < run * 64; ++n)
        if (!bit(pos++)) return false;  // `bit` refuses a position past what it can hold: bounded
    } else {
      pos += run * 64;
    }
    if (literals > words - k) return false;
    for (uint64_t n = 0; n < literals; ++n, ++k) {
      uint64_t v = word(k);
      for (int b = 0; b < 64; ++b, ++pos)
        if (((v >> b) & 1) && !bit(pos)) return false;
    }
  }
  return true;
}

bool all_zero(std::string_view id) {
  return std::all_of(id.begin(), id.end(), [](char ch) { return ch == 0; });
}

std::string hex(std::string_view id) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (char ch : id) {
    out += digits[static_cast<unsigned char>(ch) >> 4];
    out += digits[static_cast<unsigned char>(ch) & 15];
  }
  return out;
}

}  // namespace

bool GitIndex::load(const std::string& label, std::string_view shared,
                    const std::string& shared_dir, std::string* err) {
  auto fail = [&](size_t at, const std::string& what) {
    *err = "cannot read the index " + label + ": " + what + " at byte " + std::to_string(at);
    return false;
  };
  if (data_.empty()) return true;
  Extensions ext;
  if (!read_file(data_, label, false, &entries_, &paths_, &ext, err)) return false;
  if (ext.link.size() >= kIdSize && !all_zero(ext.link.substr(0, kIdSize))) {
    // A split index: most entries are in the shared file it names, which git keeps beside it.
    std::string name = "sharedindex." + hex(ext.link.substr(0, kIdSize));
    std::string shared_label = shared_dir.empty() ? name : shared_dir + "/" + name;
    if (shared.empty() && !shared_dir.empty()) {
      struct timespec written {};
      bool missing = false;
      if (!map_file(shared_label, &shared_map_, &written, &missing, err)) {
        if (missing)
          return fail(ext.link_offset,
                      "a split index whose shared index " + shared_label + " is missing");
        return false;
      }
      shared = std::string_view(static_cast<const char*>(shared_map_.addr), shared_map_.size);
      // Its entries' stat data is racy against the older of the two files.
      if (written.tv_sec < written_.tv_sec ||
          (written.tv_sec == written_.tv_sec && written.tv_nsec < written_.tv_nsec))
        written_ = written;
    }
    if (shared.empty())
      return fail(ext.link_offset,
                  "a split index whose shared index " + shared_label + " is missing");
    std::vector<Entry> base;
    Extensions shared_ext;
    if (!read_file(shared, shared_label, true, &base, &shared_paths_, &shared_ext, err))
      return false;
    if (!merge_shared(ext.link, ext.link_offset, std::move(base), label, err)) return false;
    split_ = true;
  } else if (ext.has_link && ext.link.size() < kIdSize) {
    return fail(ext.link_offset, "a truncated link extension");
  }
  sparse_ = ext.sdir;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    std::string_view path = e.path();
    // An empty path is legal only in a split index, in entries that take the place of shared ones.
    if (path.empty()) {
      auto at = reinterpret_cast<uintptr_t>(e.id() - kStatSize),
           from = reinterpret_cast<uintptr_t>(data_.data());
      return fail(at >= from && at < from + data_.size() ? at - from : kHeaderSize,
                  "an empty path");
    }
    if (e.is_sparse_dir() != (path.back() == '/') || (e.is_sparse_dir() && !sparse_))
      return fail(kHeaderSize,
                  "a folder entry ('" + std::string(path) + "') outside a sparse index");
    if (i == 0) continue;
    std::string_view a = entries_[i - 1].path();
    if (a > path || (a == path && entries_[i - 1].stage() >= e.stage()))
      return fail(kHeaderSize,
                  "entries out of order ('" + std::string(a) + "', '" + std::string(path) + "')");
  }
  if (!ext.tree.empty() && !load_cache_tree(ext.tree, ext.tree_offset, label, err)) return false;
  return true;
}

// git's merge of a split index with its shared index (split-index.c): the
// replace bitmap names the shared entries that this file's first entries take
// the place of (their paths are the shared ones'), the delete bitmap those
// that are gone; this file's other entries are added, and win over a shared
// entry of the same path and stage.
bool GitIndex::merge_shared(std::string_view link, size_t link_offset, std::vector<Entry> base,
                            const std::string& label, std::string* err) {
  auto fail = [&](size_t at, const std::string& what) {
    *err = "cannot read the index " + label + ": " + what + " at byte " + std::to_string(at);
    return false;
  };
  std::vector<Entry> own = std::move(entries_);
  entries_.clear();
  std::vector<char> deleted(base.size(), 0);
  size_t replaced = 0;
  if (link.size() > kIdSize) {
    Cursor c{reinterpret_cast<const unsigned char*>(link.data()), kIdSize, link.size()};
    auto remove = [&](uint64_t pos) {
      if (pos >= base.size()) return false;
      deleted[pos] = 1;
      return true;
    };
    if (!each_ewah_bit(c, remove))
      return fail(link_offset + c.pos, "a bad delete bitmap in the link extension");
    bool unnamed = false;
    auto replace = [&](uint64_t pos) {
      if (pos >= base.size() || replaced >= own.size()) return false;
      const Entry& by = own[replaced++];
      if ((by.flags() & 0xFFF) != 0) {
        unnamed = true;
        return false;
      }
      base[pos] = Entry(by.id() - kStatSize, base[pos].path_);
      return true;
    };
    if (!each_ewah_bit(c, replace)) {
      return fail(link_offset + c.pos, unnamed
                                           ? "a replacing entry with a path in the link extension"
                                           : "a bad replace bitmap in the link extension");
    }
    if (c.pos != c.end) return fail(link_offset + c.pos, "trailing bytes in the link extension");
  }
  entries_.reserve(base.size() + own.size() - replaced);
  for (size_t i = 0; i < base.size(); ++i)
    if (!deleted[i]) entries_.push_back(base[i]);
  for (size_t i = replaced; i < own.size(); ++i) entries_.push_back(own[i]);
  // Added entries come after the shared ones: the stable sort keeps them last among equals, and
  // they stay.
  auto less = [](const Entry& a, const Entry& b) {
    int c = a.path().compare(b.path());
    return c < 0 || (c == 0 && a.stage() < b.stage());
  };
  std::stable_sort(entries_.begin(), entries_.end(), less);
  std::vector<Entry> merged;
  merged.reserve(entries_.size());
  for (const Entry& e : entries_) {
    if (!merged.empty() && !less(merged.back(), e))
      merged.back() = e;
    else
      merged.push_back(e);
  }
  entries_.swap(merged);
  return true;
}

bool GitIndex::load_cache_tree(std::string_view data, size_t base_offset, const std::string& label,
                               std::string* err) {
  Cursor c{reinterpret_cast<const unsigned char*>(data.data()), 0, data.size()};
  trees_.reserve(data.size() / 24);  // a folder takes 24 bytes or more: a name, two counts, an id
  std::vector<uint32_t> open;        // the folders whose children are still being read
  std::vector<uint32_t> left;        // how many children each of them still expects
  auto fail = [&](const std::string& what) {
    *err = "cannot read the index " + label + ": " + what + " in the cache-tree at byte " +
           std::to_string(base_offset + c.pos);
    trees_.clear();
    return false;
  };
  do {
    Tree t{};
    std::string_view entries, children;
    int64_t n_entries = 0, n_children = 0;
    if (!c.until('\0', &t.name) || !c.until(' ', &entries) || !c.until('\n', &children) ||
        !parse_count(entries, true, &n_entries) || !parse_count(children, false, &n_children) ||
        n_entries < -1 || n_entries > static_cast<int64_t>(entries_.size()) ||
        n_children > UINT32_MAX)
      return fail("a malformed folder");
    t.entries = static_cast<int32_t>(n_entries);
    t.children = static_cast<uint32_t>(n_children);
    if (t.entries >= 0) {
      if (!c.has(kIdSize)) return fail("a truncated id");
      t.id = c.at();
      c.pos += kIdSize;
    }
    auto self = static_cast<uint32_t>(trees_.size());
    t.first_child = self + 1;
    trees_.push_back(t);
    if (!open.empty()) --left.back();
    if (t.children > 0) {
      if (open.size() >= kMaxDepth) return fail("folders nested too deep");
      open.push_back(self);
      left.push_back(t.children);
    } else {
      trees_[self].next = self + 1;
    }
    while (!open.empty() && left.back() == 0) {
      trees_[open.back()].next = static_cast<uint32_t>(trees_.size());
      open.pop_back();
      left.pop_back();
    }
  } while (!open.empty() && c.pos < c.end);
  if (!open.empty()) return fail("a truncated folder list");
  if (c.pos != c.end) return fail("trailing bytes");
  return true;
}

const GitIndex::Entry* GitIndex::find(std::string_view path) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path, entry_less);
  if (it == entries_.end() || it->path() != path || it->stage() != 0) return nullptr;
  return &*it;
}

const GitIndex::Entry* GitIndex::sparse_dir_of(std::string_view path) const {
  if (!sparse_) return nullptr;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path, entry_less);
  // Only the entry just before can hold it: every path between "a/b/" and "a/b/x" starts with
  // "a/b/".
  if (it == entries_.begin()) return nullptr;
  const Entry& dir = *(it - 1);
  std::string_view d = dir.path();
  if (!dir.is_sparse_dir() || dir.stage() != 0 || path.size() <= d.size() ||
      path.compare(0, d.size(), d) != 0)
    return nullptr;
  return &dir;
}

}  // namespace smokehook
