// The check kinds a configuration may use. Each kind is a factory that reads
// its keys from the check's mapping.
#pragma once

#include <memory>
#include <vector>

#include "checks/check.h"
#include "checks/config.h"

namespace smokehook {

using CheckFactory = std::unique_ptr<Check> (*)(CheckReader&);

struct KindInfo {
  const char* name;
  const char* summary;
  std::vector<const char*> keys;  // the kind's own keys, besides id, kind, title, section
  CheckFactory make;
};

const std::vector<KindInfo>& check_kinds();

// check_compose.cc
std::unique_ptr<Check> make_compose_valid(CheckReader& r);
std::unique_ptr<Check> make_compose_service(CheckReader& r);
std::unique_ptr<Check> make_compose_depends(CheckReader& r);
std::unique_ptr<Check> make_compose_volumes(CheckReader& r);
// check_text.cc
std::unique_ptr<Check> make_forbid(CheckReader& r);
std::unique_ptr<Check> make_require(CheckReader& r);
// check_live.cc
std::unique_ptr<Check> make_http(CheckReader& r);

}  // namespace smokehook
