#include "base/json_text.h"

namespace smokehook {
namespace {

using json = nlohmann::ordered_json;

// A string nlohmann would write as it is between quotes: no byte below 0x20, no '"' or '\\', and
// nothing beyond ASCII (other strings go through nlohmann's own escaping and UTF-8 checks).
bool copies_as_is(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  return true;
}

void append_string(std::string* out, const std::string& s) {
  if (!copies_as_is(s)) {
    out->append(json(s).dump(-1, ' ', false, json::error_handler_t::replace));
    return;
  }
  out->push_back('"');
  out->append(s);
  out->push_back('"');
}

// Where the text goes: a string, handed to `os` whenever it holds kPiece bytes (when there is an
// `os`).
constexpr size_t kPiece = 32 * 1024;

void flush_piece(std::string* out, std::ostream* os) {
  if (!os || out->size() < kPiece) return;
  os->write(out->data(), static_cast<std::streamsize>(out->size()));
  out->clear();
}

void newline(std::string* out, int indent, int level) {
  if (indent < 0) return;
  out->push_back('\n');
  out->append(static_cast<size_t>(indent) * static_cast<size_t>(level), ' ');
}

void append_value(std::string* out, const json& j, int indent, int level, std::ostream* os) {
  switch (j.type()) {
    case json::value_t::object: {
      if (j.empty()) {
        out->append("{}");
        return;
      }
      out->push_back('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out->push_back(',');
        first = false;
        newline(out, indent, level + 1);
        append_string(out, it.key());
        out->append(indent < 0 ? ":" : ": ");
        append_value(out, it.value(), indent, level + 1, os);
        flush_piece(out, os);
      }
      newline(out, indent, level);
      out->push_back('}');
      return;
    }
    case json::value_t::array: {
      if (j.empty()) {
        out->append("[]");
        return;
      }
      out->push_back('[');
      bool first = true;
      for (const json& item : j) {
        if (!first) out->push_back(',');
        first = false;
        newline(out, indent, level + 1);
        append_value(out, item, indent, level + 1, os);
        flush_piece(out, os);
      }
      newline(out, indent, level);
      out->push_back(']');
      return;
    }
    case json::value_t::string:
      append_string(out, j.get_ref<const std::string&>());
      return;
    case json::value_t::null:
      out->append("null");
      return;
    case json::value_t::boolean:
      out->append(j.get<bool>() ? "true" : "false");
      return;
    case json::value_t::number_integer:
      out->append(std::to_string(j.get<std::int64_t>()));
      return;
    case json::value_t::number_unsigned:
      out->append(std::to_string(j.get<std::uint64_t>()));
      return;
    default:  // floating point (nlohmann's own shortest form), binary, discarded
      out->append(j.dump(-1, ' ', false, json::error_handler_t::replace));
      return;
  }
}

}  // namespace

void append_json(std::string* out, const json& j, int indent) {
  append_value(out, j, indent, 0, nullptr);
}

bool write_json(std::ostream& os, const json& j, int indent) {
  std::string piece;
  piece.reserve(kPiece + 4096);
  append_value(&piece, j, indent, 0, &os);
  os.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  return static_cast<bool>(os);
}

}  // namespace smokehook
