#include "base/file_source.h"

#include <algorithm>

namespace smokehook {

BoundedRead FileSource::read_at_most(std::string_view path, uint64_t limit, std::string* content,
                                     std::string* err) const {
  BoundedRead r;
  if (std::optional<uint64_t> size = this->size(path); size && *size > limit) {
    r.status = ReadStatus::Ok;
    r.too_large = true;
    r.size = *size;
    return r;
  }
  r.status = read(path, content, err);
  r.size = content->size();
  return r;
}

BoundedRead FileSource::visit_at_most(std::string_view path, uint64_t limit, std::string* scratch,
                                      ContentVisitor use, std::string* err) const {
  BoundedRead r = read_at_most(path, limit, scratch, err);
  if (r.status == ReadStatus::Ok && !r.too_large) use(*scratch);
  return r;
}

BoundedRead MemorySource::visit_at_most(std::string_view path, uint64_t limit, std::string*,
                                        ContentVisitor use, std::string*) const {
  {
    std::lock_guard<std::mutex> lock(reads_lock_.m);
    reads_.emplace_back(path);
  }
  BoundedRead r;
  auto it = files_.find(std::string(path));
  if (it == files_.end()) return r;
  r.status = ReadStatus::Ok;
  r.size = it->second.size();
  r.too_large = r.size > limit;
  if (!r.too_large) use(it->second);
  return r;
}

ReadStatus MemorySource::read(std::string_view path, std::string* content, std::string*) const {
  {
    std::lock_guard<std::mutex> lock(reads_lock_.m);
    reads_.emplace_back(path);
  }
  auto it = files_.find(std::string(path));
  if (it == files_.end()) return ReadStatus::NotFound;
  *content = it->second;
  return ReadStatus::Ok;
}

const std::vector<std::string>& MemorySource::paths() const {
  if (paths_.empty())
    for (const auto& [p, _] : files_) paths_.push_back(p);
  return paths_;
}

bool MemorySource::ignored(std::string_view path) const {
  return std::find(ignored_.begin(), ignored_.end(), path) != ignored_.end();
}

}  // namespace smokehook
