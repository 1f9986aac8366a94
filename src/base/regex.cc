#include "base/regex.h"

#include <re2/re2.h>
#include <re2/set.h>

namespace smokehook {

namespace {
RE2::Options options() { return RE2::Options(RE2::Quiet); }
}  // namespace

std::shared_ptr<const Regex> Regex::parse(const std::string& pattern, std::string* error) {
  // RE2's public API parses without compiling only through a set.
  RE2::Set syntax(options(), RE2::UNANCHORED);
  if (syntax.Add(pattern, error) < 0) return nullptr;
  return std::make_shared<const Regex>(pattern);
}

Regex::Regex(std::string pattern) : pattern_(std::move(pattern)) {}
Regex::~Regex() = default;

const RE2& Regex::re2() const {
  std::call_once(compiled_, [this] { re_ = std::make_unique<RE2>(pattern_, options()); });
  return *re_;
}

bool Regex::search(std::string_view text) const {
  const RE2& re = re2();
  return re.ok() && RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re);
}

}  // namespace smokehook
