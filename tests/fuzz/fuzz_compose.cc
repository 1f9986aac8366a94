// libFuzzer target: the compose pipeline (parse, interpolate, schema, merge,
// profiles, consistency, model output). The input is split at the first
// "\n---8<---\n" into a base file and an overlay; a .env is fixed. Loading
// through a run's cache must give what loading alone gives, for each profile.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compose/model.h"
#include "compose/project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smokehook;
  std::string text(reinterpret_cast<const char*>(data), size);
  const std::string cut = "\n---8<---\n";
  size_t pos = text.find(cut);
  MemorySource src;
  src.put("app/compose.yml", text.substr(0, pos));
  src.put("app/.env", "TAG=1\nCOMPOSE_PROFILES=a\n");
  ProjectSpec spec;
  spec.files.push_back("app/compose.yml");
  if (pos != std::string::npos) {
    src.put("app/override.yml", text.substr(pos + cut.size()));
    spec.files.push_back("app/override.yml");
  }
  ComposeContext ctx;
  ctx.source = &src;
  ctx.environment = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  // As a run does: one cache for several projects of the same files. Each
  // must come out as it does when loaded alone.
  ComposeCache cache;
  ComposeContext shared = ctx;
  shared.cache = &cache;
  auto text_of = [](const Project& p) {
    std::string out;
    for (const auto& f : p.errors) out += f.to_string() + "\n";
    for (const auto& f : p.warnings) out += f.to_string() + "\n";
    for (const auto& in : p.inputs) out += in + "\n";
    // As cmd_compose prints it: strings that are not UTF-8 are replaced, not thrown on.
    if (p.valid())
      out += project_json(p, "fuzz").dump(2, ' ', false,
                                          nlohmann::ordered_json::error_handler_t::replace);
    return out;
  };
  for (const auto& profiles :
       {std::vector<std::string>{}, std::vector<std::string>{"*"}, std::vector<std::string>{"b"}}) {
    spec.profiles = profiles;
    if (text_of(load_project(spec, ctx)) != text_of(load_project(spec, shared))) __builtin_trap();
  }
  return 0;
}
