// git's pre-push protocol: one line per ref on stdin,
// "<local ref> SP <local oid> SP <remote ref> SP <remote oid> LF".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smokehook {

struct PushedRef {
  std::string local_ref, local_oid, remote_ref, remote_oid;
  bool deletion() const;  // the local oid is all zeros
};

// On a malformed line, sets `err` ("line N: ...") and returns false.
bool parse_pre_push(std::string_view input, std::vector<PushedRef>* out, std::string* err);

}  // namespace smokehook
