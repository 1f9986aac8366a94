// libFuzzer target: the compose pipeline (parse, interpolate, schema, merge,
// profiles, consistency, model output). The input is split at the first
// "\n---8<---\n" into a base file and an overlay; a .env is fixed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compose_model.h"
#include "compose_project.h"

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
  Project p = load_project(spec, ctx);
  // As cmd_compose prints it: strings that are not UTF-8 are replaced, not thrown on.
  if (p.valid()) (void)project_json(p, "fuzz").dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  spec.profiles = {"*"};
  (void)load_project(spec, ctx);
  return 0;
}
