#include "git/index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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
  return std::string_view(path_, len < 0xFFF ? len : std::strlen(path_));
}

uint32_t GitIndex::Entry::mode() const { return be32(record_ + 24); }

bool GitIndex::Entry::is_file() const {
  uint32_t m = mode();
  return m == 0100644 || m == 0100755 || m == 0120000;
}

GitIndex::Stat GitIndex::Entry::stat() const {
  const unsigned char* p = record_;
  return Stat{be32(p), be32(p + 4), be32(p + 8), be32(p + 12), be32(p + 16),
              be32(p + 20), be32(p + 24), be32(p + 28), be32(p + 32), be32(p + 36)};
}

bool GitIndex::Entry::intent_to_add() const {
  return (flags() & 0x4000) && (be16(record_ + 62) & 0x2000);
}

GitIndex::~GitIndex() {
  if (map_) ::munmap(map_, map_size_);
}

std::unique_ptr<GitIndex> GitIndex::open(const std::string& path, std::string* err) {
  std::unique_ptr<GitIndex> index(new GitIndex());
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return index;  // nothing added yet
    *err = "cannot read the index " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    *err = "cannot read the index " + path + ": " + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  index->written_ = st.st_mtim;
  if (st.st_size > 0) {
    // Every page is read: populating them in one go spares a page fault per page.
    void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
      *err = "cannot read the index " + path + ": " + std::strerror(errno);
      ::close(fd);
      return nullptr;
    }
    index->map_ = map;
    index->map_size_ = static_cast<size_t>(st.st_size);
    index->data_ = std::string_view(static_cast<const char*>(map), index->map_size_);
  }
  ::close(fd);
  if (!index->load(path, err)) return nullptr;
  return index;
}

std::unique_ptr<GitIndex> GitIndex::parse(std::string_view data, const std::string& label, std::string* err) {
  std::unique_ptr<GitIndex> index(new GitIndex());
  index->data_ = data;
  if (!index->load(label, err)) return nullptr;
  return index;
}

bool GitIndex::load(const std::string& label, std::string* err) {
  auto fail = [&](size_t at, const std::string& what) {
    *err = "cannot read the index " + label + ": " + what + " at byte " + std::to_string(at);
    return false;
  };
  if (data_.empty()) return true;
  const auto* base = reinterpret_cast<const unsigned char*>(data_.data());
  if (data_.size() < kHeaderSize + kIdSize) return fail(0, "the file is too short to be an index");
  if (std::memcmp(base, "DIRC", 4) != 0) return fail(0, "it does not start with DIRC");
  version_ = be32(base + 4);
  if (version_ < 2 || version_ > 4) return fail(4, "unsupported index version " + std::to_string(version_));
  uint32_t count = be32(base + 8);
  const size_t end = data_.size() - kIdSize;  // the checksum trails everything
  // Every entry takes at least 62 bytes (v2/v3) or 64 (v4): a count the file cannot hold is corrupt.
  if (count > (end - kHeaderSize) / 62) return fail(8, "an entry count larger than the file");
  entries_.reserve(count);
  std::vector<uint32_t> v4_offsets;  // where each path starts in paths_, fixed up at the end
  if (version_ == 4) {
    v4_offsets.reserve(count);
    paths_.reserve(size_t{count} * 24);
  }
  size_t previous = 0, previous_offset = 0;  // version 4: the path the next one is relative to
  size_t first_empty = 0;                    // where the first entry without a path starts

  Cursor c{base, kHeaderSize, end};
  for (uint32_t i = 0; i < count; ++i) {
    size_t start = c.pos;
    if (!c.has(kStatSize + kIdSize + 2)) return fail(start, "a truncated entry");
    uint16_t flags = be16(base + start + kStatSize + kIdSize);
    size_t name_len = flags & 0xFFF;
    c.pos += kStatSize + kIdSize + 2;
    if (flags & 0x4000) {
      if (version_ < 3) return fail(start, "an extended entry in a version 2 index");
      if (!c.has(2)) return fail(start, "a truncated entry");
      c.pos += 2;
    }
    const char* path = nullptr;
    if (version_ == 4) {
      uint64_t strip = 0;
      std::string_view suffix;
      if (!c.varint(&strip) || strip > previous) return fail(start, "a bad path prefix");
      if (!c.until('\0', &suffix)) return fail(start, "an unterminated path");
      size_t keep = previous - static_cast<size_t>(strip);
      size_t offset = paths_.size();
      paths_.append(paths_, previous_offset, keep);
      paths_.append(suffix);
      paths_.push_back('\0');
      previous = keep + suffix.size();
      previous_offset = offset;
      if (previous != name_len && !(name_len == 0xFFF && previous > 0xFFF)) return fail(start, "a bad path length");
      v4_offsets.push_back(static_cast<uint32_t>(offset));
    } else {
      size_t fixed = c.pos - start;
      std::string_view name;
      if (name_len < 0xFFF) {
        if (!c.has(name_len + 1) || base[c.pos + name_len] != 0) return fail(start, "a bad path length");
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
    // An empty path is legal only in a split index, where it marks an entry
    // that replaces one of the shared index's; the extensions say which.
    if (name_len == 0 && first_empty == 0) first_empty = start;
    entries_.emplace_back(base + start, path);
  }
  if (version_ == 4)
    for (size_t i = 0; i < entries_.size(); ++i)
      entries_[i] = Entry(entries_[i].id() - kStatSize, paths_.data() + v4_offsets[i]);
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
      if (!load_cache_tree(body, c.pos, label, err)) return false;
    } else if (sig == "link") {
      return fail(start, "a split index (git update-index --no-split-index turns it off)");
    } else if (sig == "sdir") {
      return fail(start, "a sparse index (git sparse-checkout init --no-sparse-index turns it off)");
    } else if (!(sig[0] >= 'A' && sig[0] <= 'Z')) {
      return fail(start, "an extension this reader does not know: " + std::string(sig));
    }
    c.pos += size;
  }
  if (first_empty != 0) return fail(first_empty, "an empty path");
  for (size_t i = 1; i < entries_.size(); ++i) {
    std::string_view a = entries_[i - 1].path(), b = entries_[i].path();
    if (a > b || (a == b && entries_[i - 1].stage() >= entries_[i].stage()))
      return fail(kHeaderSize, "entries out of order ('" + std::string(a) + "', '" + std::string(b) + "')");
  }
  return true;
}

bool GitIndex::load_cache_tree(std::string_view data, size_t base_offset, const std::string& label,
                               std::string* err) {
  Cursor c{reinterpret_cast<const unsigned char*>(data.data()), 0, data.size()};
  trees_.reserve(data.size() / 24);  // a folder takes 24 bytes or more: a name, two counts, an id
  std::vector<uint32_t> open;  // the folders whose children are still being read
  std::vector<uint32_t> left;  // how many children each of them still expects
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
        n_entries < -1 || n_entries > static_cast<int64_t>(entries_.size()) || n_children > UINT32_MAX)
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

}  // namespace smokehook
