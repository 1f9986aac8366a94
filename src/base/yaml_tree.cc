#include "base/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <istream>
#include <mutex>
#include <streambuf>
#include <unordered_map>

#include "base/text.h"

namespace smokehook {

const Node* Node::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}
Node* Node::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}
const Entry* Node::find_entry(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}
Node& Node::set(std::string key, Node value) {
  kind = NodeKind::Mapping;
  for (auto& e : entries)
    if (e.key == key) return e.value = std::move(value);
  Entry e;
  e.key = std::move(key);
  e.line = value.line;
  e.column = value.column;
  e.value = std::move(value);
  entries.push_back(std::move(e));
  return entries.back().value;
}
bool Node::erase(std::string_view key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->key == key) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

Finding Node::at(std::string message) const {
  return Finding{file ? *file : std::string(), line, column, std::move(message)};
}
Finding Entry::at(const Node& owner, std::string message) const {
  return Finding{owner.file ? *owner.file : std::string(), line, column, std::move(message)};
}

Node Node::scalar(std::string text, bool plain) {
  Node n;
  n.kind = NodeKind::Scalar;
  n.text = std::move(text);
  n.plain = plain;
  return n;
}
Node Node::mapping() {
  Node n;
  n.kind = NodeKind::Mapping;
  return n;
}
Node Node::sequence() {
  Node n;
  n.kind = NodeKind::Sequence;
  return n;
}

const std::string* intern_path(std::string_view path) {
  static std::mutex mu;
  static std::deque<std::string> pool;
  static std::unordered_map<std::string_view, const std::string*> index;
  std::lock_guard<std::mutex> lock(mu);
  auto it = index.find(path);
  if (it != index.end()) return it->second;
  pool.emplace_back(path);
  const std::string* p = &pool.back();
  index.emplace(*p, p);
  return p;
}

namespace {

bool is_null_text(std::string_view t) {
  return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}

// Builds our tree straight from yaml-cpp's parse events: no yaml-cpp node
// graph (faster, less memory), aliases copied under a node budget, merge keys
// and duplicate keys handled as compose wants them.
class TreeBuilder : public YAML::EventHandler {
 public:
  struct Failure {
    Finding finding;
  };

  TreeBuilder(const std::string* file, const YamlLimits& limits) : file_(file), limits_(limits) {}

  // Per document.
  void OnDocumentStart(const YAML::Mark& mark) override {
    stack_.clear();
    root_ = Node();
    has_root_ = false;
    start_ = mark;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    last_quoted_ = false;
    Node n = located(mark);
    n.kind = NodeKind::Null;
    finish(std::move(n), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    last_quoted_ = false;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail(mark, "unknown alias");
    count(it->second, mark);
    add(Node(it->second), mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n = located(mark);
    n.kind = NodeKind::Scalar;
    n.text = value;
    n.plain = tag == "?";
    last_quoted_ = !n.plain;
    last_scalar_ = mark;
    if (tag != "?" && tag != "!") n.tag = tag;
    if (n.plain && is_null_text(n.text)) n.kind = NodeKind::Null;
    finish(std::move(n), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, NodeKind::Sequence);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, NodeKind::Mapping);
  }
  void OnMapEnd() override { close(); }

  // The last scalar of the text, when it was not plain: yaml-cpp takes a quote never closed for a
  // string that runs to the end of the text, so only the last scalar can be one.
  const YAML::Mark* last_quoted() const { return last_quoted_ ? &last_scalar_ : nullptr; }
  bool has_root() const { return has_root_; }
  Node take_root() { return std::move(root_); }
  const YAML::Mark& start() const { return start_; }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    bool have_key = false;
    Entry key;
    bool key_is_merge = false;
    std::vector<Node> merge_sources;
    // key -> position in node.entries, once there are many
    std::unordered_map<std::string, size_t> index;
  };

  // The entry already holding `key` in the mapping being built. A linear search while the mapping
  // is small (most are: no allocation per key), a hash index, brought up to date here, once it is
  // large.
  static const Entry* find_key(Frame& f, std::string_view key) {
    std::vector<Entry>& entries = f.node.entries;
    if (entries.size() <= 16) {
      for (const Entry& e : entries)
        if (e.key == key) return &e;
      return nullptr;
    }
    for (size_t i = f.index.size(); i < entries.size(); ++i) f.index.emplace(entries[i].key, i);
    auto it = f.index.find(std::string(key));
    return it == f.index.end() ? nullptr : &entries[it->second];
  }

  Node located(const YAML::Mark& mark) const {
    Node n;
    n.file = file_;
    n.line = mark.line + 1;
    n.column = mark.column + 1;
    return n;
  }

  [[noreturn]] void fail(const YAML::Mark& mark, std::string message) const {
    throw Failure{Finding{*file_, mark.line + 1, mark.column + 1, std::move(message)}};
  }

  // Counts a node about to be created (an alias copies a whole subtree).
  void count(const Node& n, const YAML::Mark& mark) {
    if (n.items.empty() && n.entries.empty() && count_ < limits_.max_nodes) {  // a leaf: no walk
      ++count_;
      return;
    }
    size_t nodes = 1;
    std::vector<const Node*> todo{&n};
    while (!todo.empty()) {
      const Node* cur = todo.back();
      todo.pop_back();
      for (const auto& i : cur->items) todo.push_back(&i), ++nodes;
      for (const auto& e : cur->entries) todo.push_back(&e.value), ++nodes;
      if (count_ + nodes > limits_.max_nodes) break;
    }
    count_ += nodes;
    if (count_ > limits_.max_nodes) {
      fail(mark, "document too large after alias expansion (more than " +
                     std::to_string(limits_.max_nodes) + " nodes): an alias bomb?");
    }
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, NodeKind kind) {
    last_quoted_ = false;
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      fail(mark, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    Frame f;
    f.node = located(mark);
    f.node.kind = kind;
    if (tag != "?" && tag != "!" && !tag.empty()) f.node.tag = tag;
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    // Merge keys: explicit keys win; among several sources the first wins (shallow).
    for (Node& src : f.merge_sources) {
      for (auto& e : src.entries) {
        if (find_key(f, e.key)) continue;
        f.node.entries.push_back(std::move(e));
      }
    }
    YAML::Mark mark;
    mark.line = f.node.line - 1;
    mark.column = f.node.column - 1;
    finish(std::move(f.node), f.anchor, mark);
  }

  void finish(Node n, YAML::anchor_t anchor, YAML::Mark mark = YAML::Mark()) {
    if (mark.line == 0 && mark.column == 0) mark.line = n.line - 1, mark.column = n.column - 1;
    if (n.kind != NodeKind::Sequence && n.kind != NodeKind::Mapping) count(n, mark);
    if (anchor) anchors_[anchor] = n;
    add(std::move(n), mark);
  }

  void add(Node n, const YAML::Mark& mark) {
    if (stack_.empty()) {
      root_ = std::move(n);
      has_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == NodeKind::Sequence) {
      top.node.items.push_back(std::move(n));
      return;
    }
    if (!top.have_key) {
      if (n.kind == NodeKind::Sequence || n.kind == NodeKind::Mapping) {
        fail(mark, std::string("mapping keys must be strings, not ") +
                       (n.kind == NodeKind::Mapping ? "a mapping" : "a list"));
      }
      top.key = Entry();
      top.key.key = n.kind == NodeKind::Scalar ? n.text : std::string();
      top.key.line = n.line;
      top.key.column = n.column;
      top.key_is_merge = n.kind == NodeKind::Scalar && n.plain && n.text == "<<";
      if (!top.key_is_merge) {
        if (const Entry* first = find_key(top, top.key.key))
          fail(mark, "duplicate key '" + top.key.key + "' (first defined at line " +
                         std::to_string(first->line) + ")");
      }
      top.have_key = true;
      return;
    }
    top.have_key = false;
    if (top.key_is_merge) {
      if (n.kind == NodeKind::Mapping) {
        top.merge_sources.push_back(std::move(n));
      } else if (n.kind == NodeKind::Sequence) {
        for (Node& item : n.items) {
          if (item.kind != NodeKind::Mapping)
            fail(mark, "a merge key '<<' takes a mapping or a list of mappings");
          top.merge_sources.push_back(std::move(item));
        }
      } else {
        fail(mark, "a merge key '<<' takes a mapping or a list of mappings");
      }
      return;
    }
    // A null value (`key:` with nothing after it) is located at its key.
    if (n.kind == NodeKind::Null && n.tag.empty()) {
      n.line = top.key.line;
      n.column = top.key.column;
    }
    top.key.value = std::move(n);
    top.node.entries.push_back(std::move(top.key));
  }

  const std::string* file_;
  const YamlLimits& limits_;
  size_t count_ = 0;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Node> anchors_;
  Node root_;
  bool has_root_ = false;
  YAML::Mark start_;
  bool last_quoted_ = false;
  YAML::Mark last_scalar_;
};

// yaml-cpp notices an unclosed '[' or '{' only where the next line fails to
// parse (docker compose too): find the bracket that was never closed, which is
// where the mistake is. Quotes and comments are skipped; block scalars are rare
// enough in flow-broken files not to matter.
bool find_unclosed_flow(std::string_view text, int err_line, int* line, int* column,
                        char* bracket) {
  struct Open {
    int line, column;
    char ch;
  };
  std::vector<Open> open;
  int l = 1, c = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    ++c;
    if (ch == '\n') {
      if (l >= err_line) break;
      ++l;
      c = 0;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t'))
      comment = true;
    else if ((ch == '"' || ch == '\'') && !open.empty())
      quote = ch;
    else if (ch == '[' || ch == '{')
      open.push_back(Open{l, c, ch});
    else if ((ch == ']' || ch == '}') && !open.empty())
      open.pop_back();
  }
  if (open.empty()) return false;
  *line = open.back().line;
  *column = open.back().column;
  *bracket = open.back().ch;
  return true;
}

// Where a person's YAML mistake is, when the parser's message does not say:
// yaml-cpp reports a tab in the indentation as "end of map not found" or
// "illegal map value" at some later place, and takes a quote never closed as
// a string that runs to the end of the file. A scan of the lines (comments,
// quoted strings, block scalars and flow brackets told apart) finds both.
struct TextScan {
  struct Place {
    int line = 0, column = 0;  // 1-based; line 0: none
    char quote = 0;
    // a quoted string: the line it ends on (or the last line, when never closed)
    int last_line = 0;
  };
  Place tab;          // the first tab in a line's indentation, in block context
  Place blank_tab;    // the first tab on a line of blanks, in block context
  Place multiline;    // the first quoted string that goes on past its line
  Place open_at_end;  // a quoted string still open at the end of the text
};

// `first_line`, `first_column`: where `text` starts in its file (a scan from the middle of a line).
TextScan scan_text(std::string_view text, int first_line = 1, int first_column = 1) {
  TextScan scan;
  int flow = 0;           // depth of [ and {
  TextScan::Place open;   // the quoted string being read
  int block_indent = -1;  // in a block scalar's body: the indentation of the line that opened it
  int line = first_line - 1;
  for (size_t pos = 0; pos < text.size();) {
    ++line;
    // columns before `text` on its first line
    int shift = line == first_line ? first_column - 1 : 0;
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    size_t lead = l.find_first_not_of(" \t");
    size_t spaces = std::min(l.find_first_not_of(' '), l.size());
    bool blank = lead == std::string_view::npos;
    if (block_indent >= 0) {  // a block scalar's body: what is more indented, or blank, is its text
      if (blank || static_cast<int>(spaces) > block_indent) continue;
      block_indent = -1;
    }
    size_t i = 0;
    bool token_start = true;  // where a quote or a bracket opens a node (not inside a plain scalar)
    if (!open.quote) {
      if (blank && flow == 0 && l.find('\t') != std::string_view::npos && !scan.blank_tab.line)
        scan.blank_tab = TextScan::Place{line, static_cast<int>(l.find('\t')) + 1 + shift};
      if (blank || l[lead] == '#') continue;
      if (flow == 0 && !scan.tab.line && l.substr(0, lead).find('\t') != std::string_view::npos)
        scan.tab = TextScan::Place{line, static_cast<int>(l.find('\t')) + 1 + shift};
      i = lead;
    }
    for (; i < l.size(); ++i) {
      char c = l[i];
      if (open.quote) {
        if (open.quote == '"' && c == '\\') {
          ++i;
        } else if (c == open.quote && open.quote == '\'' && i + 1 < l.size() && l[i + 1] == '\'') {
          ++i;
        } else if (c == open.quote) {
          open.last_line = line;
          if (open.line != line && !scan.multiline.line) scan.multiline = open;
          open = TextScan::Place{};
          token_start = false;
        }
        continue;
      }
      if (c == ' ' || c == '\t') {
        if (i + 1 < l.size() && l[i + 1] == '#') break;  // a comment
        continue;
      }
      if ((c == '"' || c == '\'') && token_start) {
        open = TextScan::Place{line, static_cast<int>(i) + 1 + shift, c};
      } else if ((c == '[' || c == '{') && (token_start || flow > 0)) {
        ++flow;
        token_start = true;
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
        token_start = false;
      } else if (c == ',' && flow > 0) {
        token_start = true;
      } else if ((c == ':' || c == '-' || c == '?') &&
                 (i + 1 == l.size() || l[i + 1] == ' ' || l[i + 1] == '\t' ||
                  (flow > 0 && c == ':'))) {
        token_start = true;  // `key: `, `- `, `? `: a node follows
      } else if ((c == '|' || c == '>') && token_start && flow == 0) {
        size_t k = i + 1;  // a block scalar's header: its body is the lines below
        while (k < l.size() && (l[k] == '-' || l[k] == '+' || (l[k] >= '0' && l[k] <= '9'))) ++k;
        while (k < l.size() && (l[k] == ' ' || l[k] == '\t')) ++k;
        if (k == l.size() || l[k] == '#') block_indent = static_cast<int>(spaces);
        break;
      } else if ((c == '&' || c == '!' || c == '*') && token_start) {
        while (i + 1 < l.size() && l[i + 1] != ' ' && l[i + 1] != '\t')
          ++i;  // an anchor, tag or alias
      } else {
        token_start = false;
      }
    }
  }
  if (open.quote) {
    open.last_line = line;
    scan.open_at_end = open;
    if (!scan.multiline.line || scan.multiline.line > open.line) scan.multiline = open;
  }
  return scan;
}

// yaml-cpp failed at `err`'s line: when a tab indents a line up to there, or a quoted string opened
// before it runs on to it, that is the mistake, and `err` says so at its place.
void name_the_cause(const TextScan& scan, Finding* err) {
  int at = err->line;
  const TextScan::Place* tab = scan.tab.line && scan.tab.line <= at ? &scan.tab
                               : scan.blank_tab.line == at          ? &scan.blank_tab
                                                                    : nullptr;
  const TextScan::Place& q = scan.multiline;
  const TextScan::Place* quote = q.line && q.line <= at && q.last_line >= at ? &q : nullptr;
  if (tab && (!quote || tab->line <= quote->line)) {
    err->line = tab->line;
    err->column = tab->column;
    err->message = "YAML syntax error: a tab indents this line (YAML indents with spaces only)";
  } else if (quote) {
    err->line = quote->line;
    err->column = quote->column;
    err->message = std::string("YAML syntax error: ") +
                   (scan.open_at_end.line == q.line && scan.open_at_end.column == q.column
                        ? std::string("this '") + q.quote + "' is never closed"
                        : std::string("the string this '") + q.quote + "' opens runs on to line " +
                              std::to_string(q.last_line) + " (is its closing quote missing?)");
  }
}

// A read-only stream buffer over text held elsewhere.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(
        text.data());  // never written: no put area, putback only of the same byte
    setg(begin, begin, begin + text.size());
  }
};

// yaml-cpp says "yaml-cpp: error at line N, column M: msg"; keep only msg.
std::string yaml_cpp_message(const YAML::Exception& e) {
  std::string msg = e.msg;
  if (msg.empty()) msg = e.what();
  if (msg == "bad file") msg = "nested too deeply to parse";  // yaml-cpp's depth guard
  return msg;
}

}  // namespace

// go-yaml (so docker compose) refuses text that is not UTF-8; yaml-cpp takes it.
// Returns the offset of the first invalid byte, or npos.
size_t invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 99;
    if (n == 99 || (n > 0 && c < 0xC2 && n == 1) || i + n >= s.size() + (n == 0 ? 1 : 0)) return i;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

bool parse_yaml(std::string_view text, std::string_view file, std::vector<Node>* docs, Finding* err,
                const YamlLimits& limits) {
  const std::string* name = intern_path(file);
  if (size_t bad = invalid_utf8(text); bad != std::string_view::npos) {
    int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n'));
    size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    int column =
        static_cast<int>(bad -
                         (line_start == std::string_view::npos || bad == 0 ? 0 : line_start + 1)) +
        1;
    *err = Finding{*name, line, column, "not valid UTF-8 (YAML files must be UTF-8)"};
    return false;
  }
  docs->clear();
  ViewBuffer buffer(
      text);  // yaml-cpp reads a stream: this one reads `text` where it is, with no copy
  std::istream in(&buffer);
  TreeBuilder builder(name, limits);
  try {
    YAML::Parser parser(in);
    YAML::Mark previous;
    previous.line = -1;
    while (parser.HandleNextDocument(builder)) {
      if (!builder.has_root()) continue;
      Node root = builder.take_root();
      // yaml-cpp 0.7 (its bug #1040) hands out the same empty document forever
      // on a stray ',' where a block node should be: stop at the first repeat.
      if (root.is_null() && builder.start().line == previous.line &&
          builder.start().column == previous.column) {
        *err = Finding{*name, root.line, root.column,
                       "YAML syntax error: unexpected ',' outside a flow collection"};
        return false;
      }
      // A document after the first begins with '---'. yaml-cpp also starts one where a line leaves
      // the indentation of an indented top level, or after '...'; go-yaml, and so compose, refuses
      // both.
      size_t at = static_cast<size_t>(builder.start().pos);
      if (!docs->empty() && text.compare(at, 3, "---") != 0) {
        *err = Finding{*name, builder.start().line + 1, builder.start().column + 1,
                       at < text.size() && text[at] == ','
                           ? "YAML syntax error: unexpected ',' outside a flow collection"
                           : "YAML syntax error: a new document must start with '---' (is this "
                             "line less indented "
                             "than the ones before it?)"};
        return false;
      }
      previous = builder.start();
      docs->push_back(std::move(root));
    }
  } catch (const TreeBuilder::Failure& f) {
    *err = f.finding;
    return false;
  } catch (const YAML::Exception& e) {
    *err = Finding{*name, e.mark.line + 1, e.mark.column + 1,
                   "YAML syntax error: " + yaml_cpp_message(e)};
    if (e.mark.is_null()) err->line = err->column = 0;
    int line, column;
    char bracket;
    if (e.msg.find("flow not found") != std::string::npos &&
        find_unclosed_flow(text, err->line, &line, &column, &bracket)) {
      err->line = line;
      err->column = column;
      err->message = std::string("YAML syntax error: this '") + bracket + "' is never closed";
    } else if (err->line > 0) {
      name_the_cause(scan_text(text), err);
    }
    return false;
  } catch (const std::exception& e) {
    *err = Finding{*name, 0, 0, std::string("cannot parse YAML: ") + e.what()};
    return false;
  }
  if (const YAML::Mark* quoted = builder.last_quoted()) {
    if (TextScan scan = scan_text(text.substr(static_cast<size_t>(quoted->pos)), quoted->line + 1,
                                  quoted->column + 1);
        scan.open_at_end.line) {
      *err = Finding{
          *name, scan.open_at_end.line, scan.open_at_end.column,
          std::string("YAML syntax error: this '") + scan.open_at_end.quote + "' is never closed"};
      return false;
    }
  }
  // A stream with only empty documents is one null document, as before.
  return true;
}

namespace {

bool all_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    int v = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : 99;
    if (v >= base) return false;
  }
  return true;
}

// The text go-yaml v3 reads a number from: a plain scalar that starts like
// a number (a digit, a sign or a dot) loses every underscore ("1_000" is
// 1000, "10_" is 10); any other text is read as it is.
std::string number_text(std::string_view t) {
  std::string out(t);
  if (!t.empty() &&
      (isdigit(static_cast<unsigned char>(t[0])) || t[0] == '+' || t[0] == '-' || t[0] == '.'))
    out.erase(std::remove(out.begin(), out.end(), '_'), out.end());
  return out;
}

// Parses an integer as go-yaml v3 does (after number_text): decimal, 0x, 0o,
// 0b, and a leading zero as octal (YAML 1.1 habit kept by go-yaml).
std::optional<long long> parse_int(std::string_view t) {
  bool neg = false;
  std::string_view s = t;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (starts_with(s, "0x") || starts_with(s, "0X"))
    base = 16, s.remove_prefix(2);
  else if (starts_with(s, "0o"))
    base = 8, s.remove_prefix(2);
  else if (starts_with(s, "0b"))
    base = 2, s.remove_prefix(2);
  else if (s.size() > 1 && s[0] == '0')
    base = 8, s.remove_prefix(1);
  if (!all_digits(s, base)) return std::nullopt;
  unsigned long long v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (r.ec != std::errc() || v > 0x7fffffffffffffffULL) return std::nullopt;
  return neg ? -static_cast<long long>(v) : static_cast<long long>(v);
}

bool is_float_text(std::string_view t) {
  if (t == ".inf" || t == "+.inf" || t == "-.inf" || t == ".Inf" || t == "+.Inf" || t == "-.Inf" ||
      t == ".INF" || t == "+.INF" || t == "-.INF" || t == ".nan" || t == ".NaN" || t == ".NAN")
    return true;
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  size_t digits = 0;
  while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    size_t exp = 0;
    while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == t.size();
}

}  // namespace

ScalarType scalar_type(const Node& n) {
  if (n.is_null()) return ScalarType::Null;
  if (!n.plain || n.tag == "tag:yaml.org,2002:str") return ScalarType::String;
  const std::string& t = n.text;
  if (t == "true" || t == "True" || t == "TRUE" || t == "false" || t == "False" || t == "FALSE")
    return ScalarType::Bool;
  // only when there are underscores: this runs for every scalar compose validates
  std::string stripped;
  std::string_view number = t;
  if (t.find('_') != std::string::npos) number = stripped = number_text(t);
  if (parse_int(number)) return ScalarType::Int;
  if (is_float_text(number)) return ScalarType::Float;
  return ScalarType::String;
}

std::optional<long long> scalar_int(const Node& n) {
  if (!n.is_scalar()) return std::nullopt;
  if (!n.plain || n.text.find('_') == std::string::npos) return parse_int(n.text);
  return parse_int(number_text(n.text));
}

std::optional<bool> scalar_bool(const Node& n) {
  if (!n.is_scalar()) return std::nullopt;
  const std::string& t = n.text;
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  return std::nullopt;
}

std::string scalar_string(const Node& n) {
  switch (scalar_type(n)) {
    case ScalarType::Null:
      return "";
    case ScalarType::Bool:
      return *scalar_bool(n) ? "true" : "false";
    case ScalarType::Int:
      return std::to_string(*parse_int(number_text(n.text)));
    case ScalarType::Float: {
      std::string number = number_text(n.text);
      double d = std::strtod(number.c_str(), nullptr);
      if (std::isnan(d) || std::isinf(d) || n.text.find_first_of("iInN") != std::string::npos)
        return n.text;
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    case ScalarType::String:
      return n.text;
  }
  return n.text;
}

const char* kind_name(const Node& n) {
  switch (n.kind) {
    case NodeKind::Null:
      return "null";
    case NodeKind::Sequence:
      return "a list";
    case NodeKind::Mapping:
      return "a mapping";
    case NodeKind::Scalar:
      switch (scalar_type(n)) {
        case ScalarType::Bool:
          return "a boolean";
        case ScalarType::Int:
          return "an integer";
        case ScalarType::Float:
          return "a number";
        default:
          return "a string";
      }
  }
  return "a value";
}

// The encoded form: per node its kind, plain flag, line, column, tag, text and
// children (a mapping's entries each with its key, line and column first);
// numbers as LEB128, strings length-first.
namespace {

void put_number(std::string* out, uint64_t v) {
  do {
    unsigned char byte = v & 0x7f;
    v >>= 7;
    out->push_back(static_cast<char>(byte | (v ? 0x80 : 0)));
  } while (v);
}

void put_string(std::string* out, std::string_view s) {
  put_number(out, s.size());
  out->append(s);
}

void put_node(std::string* out, const Node& n) {
  out->push_back(static_cast<char>(n.kind));
  out->push_back(n.plain ? 1 : 0);
  put_number(out, static_cast<uint64_t>(n.line));
  put_number(out, static_cast<uint64_t>(n.column));
  put_string(out, n.tag);
  put_string(out, n.text);
  if (n.is_seq()) {
    put_number(out, n.items.size());
    for (const Node& item : n.items) put_node(out, item);
  } else if (n.is_map()) {
    put_number(out, n.entries.size());
    for (const Entry& e : n.entries) {
      put_string(out, e.key);
      put_number(out, static_cast<uint64_t>(e.line));
      put_number(out, static_cast<uint64_t>(e.column));
      put_node(out, e.value);
    }
  }
}

struct Decoder {
  std::string_view in;
  const std::string* file;
  size_t pos = 0;

  bool number(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && pos < in.size(); shift += 7) {
      unsigned char byte = static_cast<unsigned char>(in[pos++]);
      *v |= uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool small(int* v) {
    uint64_t n;
    if (!number(&n) || n > INT32_MAX) return false;
    *v = static_cast<int>(n);
    return true;
  }
  bool string(std::string* s) {
    uint64_t len;
    if (!number(&len) || len > in.size() - pos) return false;
    s->assign(in.substr(pos, len));
    pos += len;
    return true;
  }
  bool node(Node* n, int depth) {
    if (depth > 200 || in.size() - pos < 2) return false;
    unsigned char kind = static_cast<unsigned char>(in[pos++]);
    if (kind > static_cast<unsigned char>(NodeKind::Mapping)) return false;
    n->kind = static_cast<NodeKind>(kind);
    n->plain = in[pos++] != 0;
    n->file = file;
    uint64_t count = 0;
    if (!small(&n->line) || !small(&n->column) || !string(&n->tag) || !string(&n->text))
      return false;
    if (!n->is_seq() && !n->is_map()) return true;
    // A node takes two bytes at least: a count the rest cannot hold is damage. Children are
    // added as they decode, so what is allocated is bounded by what was read.
    if (!number(&count) || count > (in.size() - pos) / 2) return false;
    if (n->is_seq()) {
      n->items.reserve(std::min<uint64_t>(count, 64));
      for (uint64_t i = 0; i < count; ++i)
        if (!node(&n->items.emplace_back(), depth + 1)) return false;
    } else {
      n->entries.reserve(std::min<uint64_t>(count, 64));
      for (uint64_t i = 0; i < count; ++i) {
        Entry& e = n->entries.emplace_back();
        if (!string(&e.key) || !small(&e.line) || !small(&e.column) || !node(&e.value, depth + 1))
          return false;
      }
    }
    return true;
  }
};

}  // namespace

std::string encode_nodes(const std::vector<Node>& docs) {
  std::string out;
  put_number(&out, docs.size());
  for (const Node& d : docs) put_node(&out, d);
  return out;
}

bool decode_nodes(std::string_view data, std::string_view file, std::vector<Node>* docs) {
  Decoder d{data, intern_path(file)};
  uint64_t count;
  if (!d.number(&count) || count > data.size() / 2) return false;
  docs->clear();
  for (uint64_t i = 0; i < count; ++i)
    if (!d.node(&docs->emplace_back(), 0)) return false;
  return d.pos == data.size();
}

}  // namespace smokehook
