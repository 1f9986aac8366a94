// libFuzzer target: .env parsing and variable interpolation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compose/dotenv.h"
#include "compose/interpolate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smokehook;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  EnvVars vars;
  Finding err;
  parse_dotenv(text, ".env", lookup, &vars, &err);
  (void)interpolate(text, lookup);
  return 0;
}
