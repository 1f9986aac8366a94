// `smokehook --generate-docs DIR`: the man page and the bash, zsh and fish
// completions, written from the CLI11 definition the parser uses
// (define_command_line in cli.cc), so that none of them can drift from it.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/definition.h"
#include "version.h"

namespace smokehook {

namespace {

struct Opt {
  std::vector<std::string> shorts, longs;  // without their dashes
  std::string description;
  std::string value;                 // FILE, DIR, ...; empty for a flag
  std::vector<std::string> choices;  // from a validator described as {a,b,c}
  bool repeatable = false;
};

struct Command {
  std::string name;  // empty: the top level
  std::string description;
  std::vector<Opt> options;
  std::string positional;  // e.g. SERVICE
  std::string positional_description;
  bool has_options() const {  // besides --help
    for (const Opt& o : options)
      if (o.longs != std::vector<std::string>{"help"}) return true;
    return false;
  }
};

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

Command read_command(CLI::App& app, const std::string& name) {
  Command c;
  c.name = name;
  c.description = app.get_description();
  for (CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    if (!o->nonpositional()) {
      c.positional = o->get_name(true, false);
      c.positional_description = o->get_description();
      continue;
    }
    Opt opt;
    opt.shorts = o->get_snames();
    opt.longs = o->get_lnames();
    opt.description = o->get_description();
    if (o->get_items_expected_max() > 0) {
      std::string type = o->get_type_name();
      std::string::size_type colon = type.find(":{");
      if (colon != std::string::npos && type.back() == '}') {
        opt.choices = split_on(type.substr(colon + 2, type.size() - colon - 3), ',');
        type.resize(colon);
      }
      opt.value = type.empty() ? "VALUE" : type;
      opt.repeatable = o->get_items_expected_max() >= (1 << 20);
    }
    c.options.push_back(std::move(opt));
  }
  return c;
}

std::vector<Command> read_definition(CLI::App& app) {
  std::vector<Command> commands{read_command(app, "")};
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    commands.push_back(read_command(*sub, sub->get_name()));
  return commands;
}

// Every spelling of an option: -q, --quiet.
std::vector<std::string> spellings(const Opt& o) {
  std::vector<std::string> out;
  for (const auto& s : o.shorts) out.push_back("-" + s);
  for (const auto& l : o.longs) out.push_back("--" + l);
  return out;
}

// --- the man page ---

std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  std::string safe;
  bool line_start = true;
  for (char c : out) {
    if (line_start && (c == '.' || c == '\'')) safe += "\\&";
    safe += c;
    line_start = c == '\n';
  }
  return safe;
}

void man_options(std::ostream& m, const std::vector<Opt>& options) {
  for (const Opt& o : options) {
    m << ".TP\n";
    std::string sep;
    for (const auto& s : spellings(o)) {
      m << sep << "\\fB" << roff(s) << "\\fR";
      sep = ", ";
    }
    if (!o.value.empty()) m << " \\fI" << roff(o.value) << "\\fR";
    m << "\n" << roff(o.description) << "\n";
  }
}

std::string man_page(const std::vector<Command>& commands) {
  std::ostringstream m;
  const Command& top = commands.front();
  std::vector<std::string> paragraphs;
  {
    std::string para, line;
    std::istringstream in(top.description);
    while (std::getline(in, line)) {
      if (line.empty()) {
        if (!para.empty()) paragraphs.push_back(para);
        para.clear();
      } else {
        para += line + "\n";
      }
    }
    if (!para.empty()) paragraphs.push_back(para);
  }
  std::string summary =
      paragraphs.empty() ? "" : paragraphs.front().substr(0, paragraphs.front().find('\n'));
  if (summary.rfind("smokehook: ", 0) == 0) summary = summary.substr(11);

  m << ".\\\" Written by `smokehook --generate-docs` from the command line's definition; do not "
       "edit.\n"
    << ".TH SMOKEHOOK 1 \"\" \"smokehook " << SMOKEHOOK_VERSION << "\" \"User Commands\"\n"
    << ".SH NAME\nsmokehook \\- " << roff(summary) << "\n"
    << ".SH SYNOPSIS\n.B smokehook\n[\\fIOPTIONS\\fR]\n";
  for (size_t i = 1; i < commands.size(); ++i) {
    m << ".br\n.B smokehook " << roff(commands[i].name) << "\n";
    if (commands[i].has_options()) m << "[\\fIOPTIONS\\fR]";
    if (!commands[i].positional.empty())
      m << " [\\fI" << roff(commands[i].positional) << "\\fR...]";
    m << "\n";
  }
  m << ".SH DESCRIPTION\n";
  std::string exit_status;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    std::string p = paragraphs[i];
    if (i == 0 && p.rfind("smokehook: ", 0) == 0) p = "smokehook is " + p.substr(11);
    if (p.rfind("Exit status:", 0) == 0) {
      exit_status = p.substr(std::strlen("Exit status:"));
      continue;
    }
    if (p.rfind("  ", 0) == 0) {
      m << ".PP\n.RS 2\n.nf\n";
      for (const auto& line : split_on(p, '\n')) m << roff(line.substr(2)) << "\n";
      m << ".fi\n.RE\n";
    } else {
      m << ".PP\n" << roff(p);
    }
  }
  m << ".SH OPTIONS\n";
  man_options(m, top.options);
  m << ".SH COMMANDS\n";
  for (size_t i = 1; i < commands.size(); ++i) {
    const Command& c = commands[i];
    m << ".SS " << roff(c.name) << "\n" << roff(c.description) << "\n";
    if (!c.positional.empty())
      m << ".TP\n\\fI" << roff(c.positional) << "\\fR...\n"
        << roff(c.positional_description) << "\n";
    std::vector<Opt> own;
    for (const Opt& o : c.options)
      if (o.longs != std::vector<std::string>{"help"}) own.push_back(o);
    man_options(m, own);
  }
  m << ".SH EXIT STATUS\n" << roff(exit_status.empty() ? "" : exit_status.substr(1));
  m << ".SH ENVIRONMENT\n"
    << ".TP\n.B SMOKEHOOK_SKIP\nID[,ID...]: skip these checks (reported as skipped, with the "
       "reason).\n"
    << ".TP\n.B SMOKEHOOK_TIMEOUT\nthe run's time budget in seconds (0: none); by default 120 for "
       "hooks, 5 for "
       "pre\\-receive, none for \\-\\-all.\n"
    << ".TP\n.B SMOKEHOOK_CACHE_DIR\nwhere parsed configurations are kept (default: the user's "
       "cache folder).\n"
    << ".TP\n.B NO_COLOR\nset: no colour unless \\-\\-color always.\n"
    << ".SH FILES\n.TP\n.I .smokehook.yml\nthe repository's checks, read from what is checked (the "
       "index, a commit's "
       "tree or the working tree); without one, the built\\-in suite.\n"
    << ".SH SEE ALSO\n.BR git (1),\n.BR githooks (5),\n.BR docker\\-compose (1)\n";
  return m.str();
}

// --- bash ---

std::string words(const std::vector<std::string>& ws) {
  std::string out;
  for (const auto& w : ws) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The completion of an option's value in bash: files, folders, refs, choices or nothing.
std::string bash_value(const Opt& o) {
  if (!o.choices.empty()) return "COMPREPLY=($(compgen -W '" + words(o.choices) + "' -- \"$cur\"))";
  if (o.value == "FILE") return "COMPREPLY=($(compgen -f -- \"$cur\"))";
  if (o.value == "DIR") return "COMPREPLY=($(compgen -d -- \"$cur\"))";
  if (o.value == "REV" || o.value == "A" || o.value == "B")
    return "COMPREPLY=($(compgen -W \"$(git for-each-ref --format='%(refname:short)' "
           "2>/dev/null)\" -- \"$cur\"))";
  return "COMPREPLY=()";
}

std::string bash_completion(const std::vector<Command>& commands) {
  std::ostringstream b;
  std::vector<std::string> names;
  for (size_t i = 1; i < commands.size(); ++i) names.push_back(commands[i].name);
  b << "# bash completion for smokehook " << SMOKEHOOK_VERSION
    << "\n# Written by `smokehook --generate-docs` from the command line's definition; do not "
       "edit.\n"
    << "_smokehook() {\n"
    << "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} sub= i\n"
    << "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
    << "        case ${COMP_WORDS[i]} in\n"
    << "            " <<
      [&] {
        std::string alt;
        for (const auto& n : names) alt += (alt.empty() ? "" : "|") + n;
        return alt;
      }()
    << ") sub=${COMP_WORDS[i]}; break ;;\n"
    << "        esac\n    done\n"
    << "    # an option's value\n    case $sub:$prev in\n";
  // A command's own options first, then the top level's (CLI11 lets them follow a command).
  for (size_t i = commands.size(); i-- > 0;) {
    const Command& c = commands[i];
    for (const Opt& o : c.options) {
      if (o.value.empty()) continue;
      std::string pat;
      for (const auto& s : spellings(o))
        pat += (pat.empty() ? "" : "|") + (i ? c.name : std::string("*")) + ":" + s;
      b << "        " << pat << ") " << bash_value(o) << "; return ;;\n";
    }
  }
  b << "    esac\n    case $sub in\n";
  for (size_t i = 1; i < commands.size(); ++i) {
    std::vector<std::string> ws;
    for (const Opt& o : commands[i].options)
      for (const auto& s : spellings(o)) ws.push_back(s);
    b << "        " << commands[i].name << ") COMPREPLY=($(compgen -W '" << words(ws)
      << "' -- \"$cur\")) ;;\n";
  }
  std::vector<std::string> top;
  for (const Opt& o : commands.front().options)
    for (const auto& s : spellings(o)) top.push_back(s);
  b << "        *) COMPREPLY=($(compgen -W '" << words(top) << " " << words(names)
    << "' -- \"$cur\")) ;;\n"
    << "    esac\n}\ncomplete -o filenames -o bashdefault -F _smokehook smokehook\n";
  return b.str();
}

// --- zsh ---

std::string zsh_quote(const std::string& s) {  // inside '...'
  std::string out;
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else if (c == '[' || c == ']' || c == ':')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

std::string zsh_specs(const std::vector<Opt>& options, const std::string& indent) {
  std::ostringstream z;
  for (const Opt& o : options) {
    std::vector<std::string> sp = spellings(o);
    std::string action;
    if (!o.value.empty()) {
      std::string what;
      if (!o.choices.empty())
        what = "(" + words(o.choices) + ")";
      else if (o.value == "FILE")
        what = "_files";
      else if (o.value == "DIR")
        what = "_files -/";
      action = ":" + zsh_quote(o.value) + ":" + what;
    }
    std::string desc = "[" + zsh_quote(o.description) + "]";
    std::string rep = o.repeatable ? "*" : "";
    std::string eq = o.value.empty() ? "" : "=";
    if (sp.size() == 1) {
      z << indent << "'" << rep << sp[0] << eq << desc << action << "' \\\n";
    } else {
      std::string excl = o.repeatable ? "*" : "(" + words(sp) + ")";
      std::string alts;
      for (const auto& s : sp) alts += (alts.empty() ? "" : ",") + s + eq;
      z << indent << "'" << excl << "'{" << alts << "}'" << desc << action << "' \\\n";
    }
  }
  return z.str();
}

std::string zsh_completion(const std::vector<Command>& commands) {
  std::ostringstream z;
  z << "#compdef smokehook\n# zsh completion for smokehook " << SMOKEHOOK_VERSION
    << "\n# Written by `smokehook --generate-docs` from the command line's definition; do not "
       "edit.\n"
    << "_smokehook() {\n    local curcontext=$curcontext state line ret=1\n    typeset -A "
       "opt_args\n"
    << "    local -a commands\n    commands=(\n";
  for (size_t i = 1; i < commands.size(); ++i)
    z << "        '" << commands[i].name << ":" << zsh_quote(commands[i].description) << "'\n";
  z << "    )\n    _arguments -C \\\n"
    << zsh_specs(commands.front().options, "        ") << "        '1: :->command' \\\n"
    << "        '*:: :->args' && ret=0\n"
    << "    case $state in\n"
    << "        command) _describe -t commands 'smokehook command' commands && ret=0 ;;\n"
    << "        args)\n            case $line[1] in\n";
  for (size_t i = 1; i < commands.size(); ++i) {
    const Command& c = commands[i];
    z << "                " << c.name << ") _arguments \\\n"
      << zsh_specs(c.options, "                    ");
    if (!c.positional.empty())
      z << "                    '*:" << zsh_quote(c.positional) << ":' \\\n";
    z << "                    && ret=0 ;;\n";
  }
  z << "            esac ;;\n    esac\n    return ret\n}\n_smokehook \"$@\"\n";
  return z.str();
}

// --- fish ---

std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string fish_completion(const std::vector<Command>& commands) {
  std::ostringstream f;
  std::vector<std::string> names;
  for (size_t i = 1; i < commands.size(); ++i) names.push_back(commands[i].name);
  f << "# fish completion for smokehook " << SMOKEHOOK_VERSION
    << "\n# Written by `smokehook --generate-docs` from the command line's definition; do not "
       "edit.\n"
    << "complete -c smokehook -f\n";
  for (size_t i = 1; i < commands.size(); ++i) {
    f << "complete -c smokehook -n __fish_use_subcommand -a " << commands[i].name << " -d "
      << fish_quote(commands[i].description) << "\n";
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    const Command& c = commands[i];
    for (const Opt& o : c.options) {
      std::string cond;
      if (i) {
        cond = "__fish_seen_subcommand_from " + c.name;
      } else {
        // A top-level option a command spells differently (compose's --format) is the command's
        // there.
        std::vector<std::string> others;
        for (size_t k = 1; k < commands.size(); ++k) {
          for (const Opt& x : commands[k].options) {
            for (const auto& s : spellings(x)) {
              for (const auto& t : spellings(o))
                if (s == t && !(o.longs.size() == 1 && o.longs[0] == "help"))
                  others.push_back(commands[k].name);
            }
          }
        }
        if (!others.empty()) cond = "not __fish_seen_subcommand_from " + words(others);
      }
      f << "complete -c smokehook";
      if (!cond.empty()) f << " -n " << fish_quote(cond);
      for (const auto& s : o.shorts) f << " -s " << s;
      for (const auto& l : o.longs) f << " -l " << l;
      if (!o.value.empty()) {
        if (!o.choices.empty())
          f << " -x -a " << fish_quote(words(o.choices));
        else if (o.value == "FILE" || o.value == "DIR")
          f << " -r -F";
        else
          f << " -x";
      }
      f << " -d " << fish_quote(o.description) << "\n";
    }
  }
  return f.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "smokehook: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

}  // namespace

int write_docs(CLI::App& app, const std::string& dir) {
  std::vector<Command> commands = read_definition(app);
  for (const std::string& d : {dir, dir + "/completions"}) {
    if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
      std::cerr << "smokehook: cannot make " << d << ": " << std::strerror(errno) << "\n";
      return 2;
    }
  }
  bool ok = write_file(dir + "/smokehook.1", man_page(commands)) &&
            write_file(dir + "/completions/smokehook.bash", bash_completion(commands)) &&
            write_file(dir + "/completions/_smokehook", zsh_completion(commands)) &&
            write_file(dir + "/completions/smokehook.fish", fish_completion(commands));
  return ok ? 0 : 2;
}

}  // namespace smokehook
