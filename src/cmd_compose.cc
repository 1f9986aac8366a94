// `smokehook compose`: the merged, interpolated model, like `docker compose config`.
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "compose_model.h"
#include "compose_project.h"
#include "dotenv.h"
#include "text.h"
#include "workspace.h"

namespace smokehook {
namespace {

void emit_yaml(YAML::Emitter& e, const nlohmann::ordered_json& j) {
  if (j.is_object()) {
    e << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      e << YAML::Key << it.key() << YAML::Value;
      emit_yaml(e, it.value());
    }
    e << YAML::EndMap;
  } else if (j.is_array()) {
    e << YAML::BeginSeq;
    for (const auto& item : j) emit_yaml(e, item);
    e << YAML::EndSeq;
  } else if (j.is_string()) {
    e << YAML::DoubleQuoted << j.get<std::string>();
  } else if (j.is_null()) {
    e << YAML::Null;
  } else {
    e << j.dump();
  }
}

// docker compose's default project name: the folder's name, lower-cased, [a-z0-9_-] only.
std::string project_name(const Project& p, const std::string& first_file, const Options& o) {
  if (!o.compose_project_name.empty()) return o.compose_project_name;
  if (const Node* name = p.model.find("name"); name && name->is_scalar()) return name->text;
  std::string dir = dirname(first_file);
  if (dir.empty() || dir == ".") dir = current_dir();
  std::string base(basename(normalize_path(dir.front() == '/' ? dir : join_path(current_dir(), dir))));
  std::string out;
  for (char c : base) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(l)) || l == '_' || l == '-') out += l;
  }
  return out;
}

}  // namespace

int cmd_compose(const Options& o) {
  // Files as docker compose reads them, relative to this folder: no repository needed.
  DiskSource source(current_dir(), nullptr);
  ProjectSpec spec;
  spec.files = o.compose_files;
  spec.profiles = o.compose_profiles;
  if (spec.files.empty()) {
    // COMPOSE_FILE, from the environment or this folder's .env, names the files as docker compose reads it.
    std::string compose_file, separator = ":";
    if (const char* v = std::getenv("COMPOSE_FILE")) compose_file = v;
    if (const char* v = std::getenv("COMPOSE_PATH_SEPARATOR"); v && *v) separator = v;
    std::string dotenv_text, err;
    if (compose_file.empty() && source.read(".env", &dotenv_text, &err) == ReadStatus::Ok) {
      EnvVars vars;
      Finding bad;
      if (parse_dotenv(dotenv_text, ".env", process_environment(), &vars, &bad))
        for (const auto& [k, v] : vars) {
          if (k == "COMPOSE_FILE") compose_file = v;
          if (k == "COMPOSE_PATH_SEPARATOR" && !v.empty()) separator = v;
        }
    }
    for (size_t start = 0; !compose_file.empty() && start <= compose_file.size();) {
      size_t end = compose_file.find(separator, start);
      if (end == std::string::npos) end = compose_file.size();
      if (end > start) spec.files.push_back(compose_file.substr(start, end - start));
      start = end + separator.size();
    }
  }
  if (spec.files.empty()) {
    for (const char* name : {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"})
      if (source.exists(name)) {
        spec.files.push_back(name);
        std::string stem = std::string(name).substr(0, std::string(name).rfind('.'));
        for (const char* ext : {".yaml", ".yml"})
          if (source.exists(stem + ".override" + ext)) spec.files.push_back(stem + ".override" + ext);
        break;
      }
    if (spec.files.empty()) return usage_error("compose: no compose file here (compose.yaml, docker-compose.yml, ...); name one with -f");
  }
  for (auto& f : spec.files) f = normalize_path(f);
  ComposeContext ctx;
  ctx.source = &source;
  ctx.fallback = nullptr;
  ctx.environment = process_environment();
  Project p = load_project(spec, ctx);
  for (const auto& w : p.warnings) std::cerr << "smokehook: warning: " << w.to_string() << "\n";
  if (!p.valid()) {
    for (const auto& e : p.errors) std::cerr << e.to_string() << "\n";
    return 1;
  }
  std::string first = spec.files.front();
  std::string folder = first.rfind('/') == std::string::npos ? "" : first.substr(0, first.rfind('/'));
  std::string directory = first[0] == '/' ? folder : join_path(current_dir(), folder);
  // The project's variables, as its build args read them: the environment, then the project's .env.
  EnvVars dotenv;
  {
    std::string text, err;
    Finding bad;
    if (source.read(join_path(folder, ".env"), &text, &err) == ReadStatus::Ok)
      parse_dotenv(text, ".env", process_environment(), &dotenv, &bad);
  }
  VariableLookup lookup = [&dotenv](std::string_view name) -> std::optional<std::string> {
    if (const char* v = std::getenv(std::string(name).c_str())) return std::string(v);
    for (auto it = dotenv.rbegin(); it != dotenv.rend(); ++it)
      if (it->first == name) return it->second;
    return std::nullopt;
  };
  nlohmann::ordered_json model = project_json(p, project_name(p, first, o), directory, lookup);
  if (o.compose_format == "json") {
    std::cout << model.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    YAML::Emitter e;
    emit_yaml(e, model);
    std::cout << e.c_str() << "\n";
  }
  return 0;
}

}  // namespace smokehook
