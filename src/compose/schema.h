// The compose file schema (compose-spec, as docker compose v2 validates it):
// every key of every object, and the forms each accepts. Validation reports
// each problem at its node: "unknown key 'volumez' in services.api (did you
// mean 'volumes'?)", "services.api.ports must be a list".
#pragma once

#include "base/finding.h"
#include "base/yaml_tree.h"

namespace smokehook {

// Validates one compose document (interpolated, its extends resolved) as it
// will merge onto `base`, the model the documents before it built (null for
// the first): docker compose validates the merged model after each
// document, so an overlay's null, which the merge ignores, is no error where
// the base has a value. `uninterpolated` (config --no-interpolate): a string holding a variable is
// not read as the number, duration or short syntax it will become.
void validate_compose_schema(const Node& doc, const Node* base, Findings* errors,
                             bool uninterpolated = false);

// Short syntax parsers, shared with the merge (keys) and the model (long form).
struct PortSpec {
  std::string host_ip, published, target, protocol = "tcp";
};
bool parse_port(const std::string& text, PortSpec* out, std::string* err);

struct VolumeSpec {
  std::string type;  // "volume", "bind" or "" (anonymous volume)
  std::string source, target, mode;
};
bool parse_volume(const std::string& text, VolumeSpec* out, std::string* err);

}  // namespace smokehook
