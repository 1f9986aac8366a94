// The typed model: a value in compose-go's canonical form, written as Go's encoding/json (or
// go-yaml) writes the struct compose-go decodes it into. Internal to the compose engine.
#pragma once

#include <nlohmann/json.hpp>

namespace smokehook {

enum class TypedStruct { Service, Network, Volume, FileObject, Model };

// Fields in the struct's order, empty ones left out as the encoder's tags say, each value in its
// Go type's form. `yaml`: go-yaml's rules (a nil command and empty struct values left out,
// extensions kept).
nlohmann::ordered_json typed_struct(const nlohmann::ordered_json& in, TypedStruct type, bool yaml);

}  // namespace smokehook
