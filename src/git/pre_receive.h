// git's pre-receive protocol: one line per ref the push updates, on stdin,
// "<old oid> SP <new oid> SP <ref name> LF" (githooks(5)). An all-zero old id
// creates the ref, an all-zero new id deletes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smokehook {

struct ReceivedRef {
  std::string old_oid, new_oid, ref;
  bool deletion() const;  // the new id is all zeros
  bool creation() const;  // the old id is all zeros
  // refs/heads/... or refs/tags/...: the refs whose content is checked.
  bool branch_or_tag() const;
};

// On a malformed line, sets `err` ("line N: ...") and returns false. Blank
// lines are ignored; a line may end in CR LF.
bool parse_pre_receive(std::string_view input, std::vector<ReceivedRef>* out, std::string* err);

}  // namespace smokehook
