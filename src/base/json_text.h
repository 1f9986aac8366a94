// JSON text as nlohmann-json's dump(indent, ' ', false, replace) writes it, byte for byte, faster:
// its serializer decodes every string through a UTF-8 state machine; most strings of a compose
// model are plain ASCII and are copied here as they are.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace smokehook {

// Appends `j` to `out`, indented by `indent` spaces a level (as dump(indent) does; -1: one line).
void append_json(std::string* out, const nlohmann::ordered_json& j, int indent);

// The same text written to `os` a piece at a time (about 32 KB): the whole text of a large model
// held at once is fresh memory, and fresh pages cost a fault each. False when `os` fails.
bool write_json(std::ostream& os, const nlohmann::ordered_json& j, int indent);

}  // namespace smokehook
