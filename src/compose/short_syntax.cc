// compose's short syntaxes for ports and volumes, read as compose-go reads them.
#include <arpa/inet.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/text.h"
#include "compose/schema.h"

namespace smokehook {
namespace {

bool port_number(const std::string& s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  size_t dash = s.find('-');
  auto digits = [](const std::string& d) {
    if (d.empty() || d.size() > 5) return false;
    for (char c : d)
      if (!isdigit(static_cast<unsigned char>(c))) return false;
    return std::stoi(d) <= 65535;
  };
  if (dash == std::string::npos) return digits(s);
  return digits(s.substr(0, dash)) && digits(s.substr(dash + 1));
}

// An IP address as Go's net.ParseIP reads it: dotted IPv4 without leading zeros, or IPv6.
bool ip_address(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    unsigned char buf[16];
    return inet_pton(AF_INET6, text.c_str(), buf) == 1;
  }
  std::vector<std::string> parts = split(text, '.');
  if (parts.size() != 4) return false;
  for (const auto& p : parts) {
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return false;
    for (char c : p)
      if (!isdigit(static_cast<unsigned char>(c))) return false;
    if (std::stoi(p) > 255) return false;
  }
  return true;
}

}  // namespace

bool parse_port(const std::string& text, PortSpec* out, std::string* err) {
  std::string s = text;
  size_t slash = s.rfind('/');
  if (slash != std::string::npos) {
    out->protocol = s.substr(slash + 1);
    s = s.substr(0, slash);
    if (out->protocol != "tcp" && out->protocol != "udp" && out->protocol != "sctp") {
      *err = "invalid port protocol '" + out->protocol + "' in '" + text + "'";
      return false;
    }
  }
  if (!s.empty() && s[0] == '[') {  // [::1]:8080:80
    size_t close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      *err = "invalid port '" + text + "'";
      return false;
    }
    out->host_ip = s.substr(1, close - 1);
    s = s.substr(close + 2);
  } else if (std::count(s.begin(), s.end(), ':') == 2) {
    size_t first = s.find(':');
    out->host_ip = s.substr(0, first);
    s = s.substr(first + 1);
  } else if (std::count(s.begin(), s.end(), ':') > 2) {
    *err = "invalid port '" + text + "' (too many ':')";
    return false;
  }
  size_t colon = s.find(':');
  if (colon != std::string::npos) {
    out->published = s.substr(0, colon);
    out->target = s.substr(colon + 1);
  } else {
    out->target = s;
  }
  if (out->target == "0") {
    *err = "port '" + text + "' is missing a target port";
    return false;
  }
  if (!out->host_ip.empty() && !ip_address(out->host_ip)) {
    *err = "invalid IP address '" + out->host_ip + "' in port '" + text + "'";
    return false;
  }
  if (!port_number(out->published, true) || !port_number(out->target, false)) {
    *err = "invalid port '" + text + "' (expected [HOST:][PUBLISHED:]TARGET[/PROTOCOL])";
    return false;
  }
  return true;
}

// As compose reads the short syntax: fields split at ':' (but a colon right
// after a one-letter field is a Windows drive's and stays in it, and so does one inside `${...}`):
// the source, the target, then options (unknown ones ignored). One field is an anonymous volume's
// target, as is any spec of one or two characters. The source is a host path (a bind) when it
// starts with '.', '/', '~', "\\" or a drive letter; anything else names a volume.
bool parse_volume(const std::string& text, VolumeSpec* out, std::string* err) {
  if (text.empty()) {
    *err = "empty volume specification";
    return false;
  }
  *out = VolumeSpec{};
  out->type = "volume";
  if (text.size() <= 2) {
    out->target = text;
    return true;
  }
  auto drive = [](const std::string& field) {
    return field.size() == 1 && isalpha(static_cast<unsigned char>(field[0]));
  };
  std::string field;
  int in_variable = 0;  // inside ${...}: its colons (`${V:-/x}`) are the variable's, not separators
  for (size_t i = 0; i <= text.size(); ++i) {
    bool end = i == text.size();
    if (!end && text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{')
      ++in_variable;
    else if (!end && text[i] == '}' && in_variable > 0)
      --in_variable;
    if (!end && (text[i] != ':' || in_variable > 0)) {
      field += text[i];
      continue;
    }
    if (!end && drive(field)) {
      field += ':';
      continue;
    }
    if (field.empty()) {
      *err = "invalid volume specification '" + text + "': empty section between colons";
      return false;
    }
    if (out->source.empty() && end) {
      out->target = field;
    } else if (out->source.empty()) {
      out->source = field;
    } else if (out->target.empty()) {
      out->target = field;
    } else if (!end) {
      *err = "invalid volume specification '" + text + "': too many colons";
      return false;
    } else {
      out->mode = field;
    }
    field.clear();
  }
  const std::string& src = out->source;
  bool host_path = !src.empty() && (src[0] == '.' || src[0] == '/' || src[0] == '~' ||
                                    src.compare(0, 2, "\\\\") == 0 ||
                                    (src.size() > 1 && drive(src.substr(0, 1)) && src[1] == ':'));
  if (host_path) out->type = "bind";
  return true;
}

}  // namespace smokehook
