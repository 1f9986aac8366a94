// Small string helpers shared by the parsers and reporters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smokehook {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::vector<std::string> split(std::string_view s, char sep);

// Levenshtein distance, for "did you mean ...?".
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// Joins a directory and a relative path and folds "." and ".." lexically.
// "a/b" + "../c" = "a/c". Returns the path unchanged when it is absolute.
std::string join_path(std::string_view dir, std::string_view rel);
std::string normalize_path(std::string_view path);
std::string dirname(std::string_view path);  // "" for a top-level file
std::string_view basename(std::string_view path);

// Shell-like word splitting (quotes and backslashes), as compose splits a string command.
std::vector<std::string> shell_split(std::string_view s);
// A string command split exactly as compose's loader splits it (go-shellwords' rules): a word ends
// at blanks outside quotes; '\\' escapes any character outside single quotes; `...` and $(...) stay
// in their word; parsing stops at ; & | < > outside quotes (with "2>" the digits are dropped too).
// False for what compose refuses: an open quote, a '(' not after '$', an unpaired ')'.
bool compose_words(std::string_view s, std::vector<std::string>* words);

bool read_whole_file(const std::string& path, std::string* out, std::string* err);
// Reads an open file whose size should be `expected` bytes (UINT64_MAX: unknown, read to the end).
bool read_fd(int fd, uint64_t expected, std::string* out, std::string* err);

}  // namespace smokehook
