// `smokehook init` from what a repository holds (init_config), the variables a
// check gives its compose project (env_file, environment, COMPOSE_*), and the
// report saying which configuration ran.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "checks/config.h"
#include "checks/init_config.h"
#include "compose/project.h"
#include "git/change_set.h"
#include "report/report.h"
#include "support/test_support.h"

using namespace smokehook;
using namespace smokehook::test;

namespace {

InitConfig init(const MemorySource& src) { return make_init_config(src, &src, env({})); }

std::vector<std::string> ids_of(const std::string& text) {
  Config c;
  Finding err;
  INFO(text);
  REQUIRE(parse_config(text, ".smokehook.yml", &c, &err));
  std::vector<std::string> ids;
  for (const auto& check : c.checks) ids.push_back(check->id);
  return ids;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The configuration with check `id` uncommented, as a user would: "  # - id: x" -> "  - id: x", and
// the "  #   key: value" lines below it.
std::string uncomment(std::string text, const std::string& id) {
  size_t at = text.find("  # - id: " + id + "\n");
  REQUIRE(at != std::string::npos);
  text.erase(at + 2, 2);
  for (size_t line = text.find('\n', at) + 1; text.compare(line, 6, "  #   ") == 0;
       line = text.find('\n', line) + 1)
    text.erase(line + 2, 2);
  return text;
}

const char kMigrating[] =
    "services:\n"
    "  db:\n    image: postgres:16\n    volumes: [data:/var/lib/postgresql/data]\n"
    "  migrate:\n    image: app\n    command: python -m app.migrate\n    depends_on: [db]\n"
    "  seed:\n    image: app\n    command: ./seed.sh\n    depends_on:\n      migrate: {condition: "
    "service_completed_successfully}\n"
    "  web:\n    image: app\n    depends_on:\n      migrate: {condition: "
    "service_completed_successfully}\n"
    "      seed: {condition: service_completed_successfully}\n"
    "  jobs:\n    image: app\n    profiles: [jobs]\n    depends_on:\n"
    "      migrate: {condition: service_completed_successfully}\n"
    "volumes:\n  data:\n";

}  // namespace

TEST_CASE(
    "init: on the example app, checks for the base, the prod overlay, both profiles and the "
    "migration order",
    "[init]") {
  MemorySource app = example_app();
  InitConfig out = init(app);
  INFO(out.text);
  CHECK(out.notes.empty());
  CHECK(out.projects == 1);
  std::vector<std::string> ids = ids_of(out.text);
  for (const char* id :
       {"compose.base", "compose.prod", "compose.profile.multi-worker",
        "compose.profile.multi-shard", "compose.prod.profiles", "migrate.ordering"})
    CHECK(has(ids, id));
  CHECK(out.checks == ids.size());
  // Suggested, commented out: the one-shot service and what it runs, the shards' own volumes.
  CHECK(out.text.find("#   command_runs_module: server.db_migrate") != std::string::npos);
  CHECK(out.text.find("#   distinct_among: \"baileys*\"") != std::string::npos);

  Outcome healthy = run_all(app, out.text);
  CHECK(healthy.failed().empty());
  CHECK(healthy["migrate.ordering"].status == CheckStatus::Pass);

  MemorySource broken = app;
  edit(broken, "docker-compose.prod.yml", "    restart: unless-stopped\n",
       "    restart: [unless-stopped]\n");
  std::vector<std::string> failed = run_all(broken, out.text).failed();
  CHECK(has(failed, "compose.prod"));
  CHECK(has(failed, "compose.prod.profiles"));
  CHECK_FALSE(has(failed, "compose.base"));

  broken = app;
  edit(broken, "docker-compose.yml",
       "    profiles: [multi-worker]\n    depends_on: *after-migrate\n\n  worker-default",
       "    profiles: [multi-workers]\n    depends_on: *after-migrate\n\n  worker-default");
  CHECK(has(run_all(broken, out.text).failed(), "compose.profile.multi-worker"));

  broken = app;
  edit(broken, "docker-compose.yml", "  migrate:\n    condition: service_completed_successfully",
       "  migrate:\n    condition: service_started");
  CHECK(run_all(broken, out.text).failed() == std::vector<std::string>{"migrate.ordering"});
}

TEST_CASE("init: a project in a subfolder, paths from the root, its .env for interpolation",
          "[init]") {
  MemorySource src(std::map<std::string, std::string>{
      {"README.md", "hello\n"},
      {"deploy/compose.yaml", "services:\n  web:\n    image: nginx:${TAG:?set TAG}\n"},
      {"deploy/compose.prod.yaml", "services:\n  web:\n    restart: always\n"},
      {"deploy/.env", "TAG=1.27\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.notes.empty());
  CHECK(ids_of(out.text) == std::vector<std::string>{"deploy.compose.base", "deploy.compose.prod"});
  CHECK(out.text.find("files: [deploy/compose.yaml, deploy/compose.prod.yaml]") !=
        std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());
  src.remove("deploy/.env");
  CHECK(run_all(src, out.text).failed() ==
        std::vector<std::string>{"deploy.compose.base", "deploy.compose.prod"});
}

TEST_CASE("init: two projects, profiles, and several waiting for one-shot services", "[init]") {
  MemorySource src(std::map<std::string, std::string>{
      {"docker-compose.yml", kMigrating},
      {"tools/compose.yml", "services:\n  a: {image: a}\n  b: {image: b, profiles: [debug]}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.projects == 2);
  std::vector<std::string> ids = ids_of(out.text);
  CHECK(ids == std::vector<std::string>{"compose.base", "compose.profile.jobs", "migrate.ordering",
                                        "seed.ordering", "tools.compose.base",
                                        "tools.compose.profile.debug"});
  // Everything that waits for migrate, the profile's service included.
  CHECK(out.text.find("services: [seed, web, jobs]") != std::string::npos);
  CHECK(out.text.find("profiles: [jobs]") != std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());

  MemorySource broken = src;
  edit(broken, "docker-compose.yml",
       "  jobs:\n    image: app\n    profiles: [jobs]\n    depends_on:\n"
       "      migrate: {condition: service_completed_successfully}",
       "  jobs:\n    image: app\n    profiles: [jobs]\n    depends_on:\n      migrate: {condition: "
       "service_healthy}");
  CHECK(run_all(broken, out.text).failed() == std::vector<std::string>{"migrate.ordering"});
  broken = src;
  edit(broken, "tools/compose.yml", "profiles: [debug]", "profiles: [debugging]");
  CHECK(run_all(broken, out.text).failed() ==
        std::vector<std::string>{"tools.compose.profile.debug"});
}

TEST_CASE("init: shared named volumes are a commented suggestion, not a check", "[init]") {
  MemorySource src(
      std::map<std::string, std::string>{{"compose.yaml",
                                          "services:\n  a: {image: x, volumes: ['shared:/d']}\n  "
                                          "b: {image: y, volumes: ['shared:/d']}\n"
                                          "volumes:\n  shared:\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(ids_of(out.text) == std::vector<std::string>{"compose.base"});
  CHECK(out.text.find("#   distinct_among: \"{a,b}\"") != std::string::npos);
}

TEST_CASE("init: no compose file gives a valid configuration with no check, that says why",
          "[init]") {
  MemorySource src(std::map<std::string, std::string>{{"main.py", "print(1)\n"},
                                                      {"compose.prod.yaml", "services: {}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.projects == 0);
  CHECK(out.checks == 0);
  CHECK(ids_of(out.text).empty());
  // compose.prod.yaml has no base beside it and no service of its own: left out, and listed.
  CHECK(out.text.find("No compose project was found") != std::string::npos);
  CHECK(out.text.find("#   compose.prod.yaml\n") != std::string::npos);
  CHECK(run_all(src, out.text).report.rows.empty());
  src.remove("compose.prod.yaml");
  CHECK(init(src).text.find("No compose file was found") != std::string::npos);
}

TEST_CASE("init: a check that fails as the repository stands is written commented out, with why",
          "[init]") {
  MemorySource src(
      std::map<std::string, std::string>{{"compose.yaml",
                                          "services:\n  web:\n    image: app\n    environment:\n   "
                                          "   URL: https://${DOMAIN:?set DOMAIN}/\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(ids_of(out.text).empty());
  CHECK(out.checks == 0);
  REQUIRE(out.left_out.size() == 1);
  CHECK(out.left_out[0].find("compose.base: fails as the repository stands (compose.yaml:5:") == 0);
  CHECK(out.left_out[0].find("DOMAIN") != std::string::npos);
  CHECK(out.text.find("  # - id: compose.base\n") != std::string::npos);
  CHECK(out.text.find("#   # environment: {DOMAIN: ...}") != std::string::npos);
  CHECK(run_all(src, out.text).report.rows.empty());
  // Uncommented with the variable it needs, it passes; broken, it fails.
  std::string given = uncomment(out.text, "compose.base");
  given.replace(given.find("checks: []"), 10, "checks:");  // as its comment says
  given.replace(given.find("# environment: {DOMAIN: ...}"),
                std::string("# environment: {DOMAIN: ...}").size(),
                "environment: {DOMAIN: example.com}");
  CHECK(run_all(src, given).failed().empty());
  edit(src, "compose.yaml", "image: app", "image: [app]");
  CHECK(run_all(src, given).failed() == std::vector<std::string>{"compose.base"});
}

TEST_CASE("init: the variables hint goes only where the check's files require the variable",
          "[init]") {
  // As in a template whose production overlay needs ${DOMAIN:?} and whose base and dev overlay do
  // not.
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yml", "services:\n  web:\n    image: app\n"},
      {"compose.override.yml", "services:\n  web:\n    ports: ['8000:8000']\n"},
      {"compose.deploy.yml",
       "services:\n  web:\n    labels:\n      host: ${DOMAIN:?Variable not set}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  // compose.deploy fails without DOMAIN: left out (commented), with the hint in it.
  CHECK(ids_of(out.text) == std::vector<std::string>{"compose.base", "compose.override"});
  size_t hint = out.text.find("# environment: {DOMAIN: ...}");
  REQUIRE(hint != std::string::npos);
  CHECK(out.text.find("# environment: {DOMAIN: ...}", hint + 1) == std::string::npos);
  CHECK(out.text.rfind("- id: ", hint) == out.text.find("- id: compose.deploy"));
  CHECK(run_all(src, out.text).failed().empty());
  // Uncommented as the hint says, it passes.
  std::string given = uncomment(out.text, "compose.deploy");
  hint = given.find("# environment: {DOMAIN: ...}");
  given.replace(hint, std::string("# environment: {DOMAIN: ...}").size(),
                "environment: {DOMAIN: example.com}");
  CHECK(ids_of(given) ==
        std::vector<std::string>{"compose.base", "compose.deploy", "compose.override"});
  CHECK(run_all(src, given).failed().empty());
}

TEST_CASE(
    "init: a folder of compose.NAME.yml files and no base: each valid one is a project of its own",
    "[init]") {
  // As a repository that ships one file per variant (docker compose -f docker-compose.postgres.yml
  // up), and a proxy overlay in a folder of its own that merges onto the root's base.
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services:\n  app:\n    image: app\n"},
      {"variants/docker-compose.postgres.yml",
       "services:\n  db: {image: postgres}\n  app:\n    image: app\n    depends_on: [db]\n"},
      {"variants/docker-compose.sqlite.yml", "services:\n  app: {image: app, profiles: [dev]}\n"},
      {"proxy/docker-compose.caddy.yml",
       "services:\n  caddy: {image: caddy}\n  app:\n    labels: [a=b]\n"},
      {"variants/docker-compose.portainer.yml",
       "services:\n  app: {image: app, env_file: stack.env}\n"},
      {".devcontainer/compose.yaml", "services:\n  dev: {image: dev}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.projects == 4);
  CHECK(ids_of(out.text) == std::vector<std::string>{"compose.base", "devcontainer.compose.base",
                                                     "variants.postgres.compose.base",
                                                     "variants.sqlite.compose.base",
                                                     "variants.sqlite.compose.profile.dev"});
  CHECK(out.text.find("files: [variants/docker-compose.postgres.yml]") != std::string::npos);
  // Not valid alone (app has no image there): left out, and said, in the file and on stderr.
  // Invalid alone for a file its platform writes (stack.env): left out too, not a check that fails
  // now.
  CHECK(out.text.find("#   proxy/docker-compose.caddy.yml\n") != std::string::npos);
  CHECK(out.text.find("#   variants/docker-compose.portainer.yml\n") != std::string::npos);
  REQUIRE(out.left_out.size() == 2);
  CHECK(out.left_out[0].find("proxy/docker-compose.caddy.yml: not a project alone") == 0);
  CHECK(out.left_out[1].find("variants/docker-compose.portainer.yml: not a project alone") == 0);
  CHECK(out.left_out[1].find("stack.env") != std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());
  MemorySource broken = src;
  edit(broken, "variants/docker-compose.sqlite.yml", "profiles: [dev]", "profiles: [devel]");
  CHECK(run_all(broken, out.text).failed() ==
        std::vector<std::string>{"variants.sqlite.compose.profile.dev"});
}

TEST_CASE("init: no .env but a .env.example: the checks that need its values use it", "[init]") {
  // As a starter kit whose .env is git-ignored and whose README says `cp .env.example .env`.
  MemorySource src(std::map<std::string, std::string>{
      {"docker-compose.yml",
       "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_USER: "
       "${PGUSER:?}\n"},
      {"docker-compose.debug.yml", "services:\n  db:\n    command: postgres -d 2\n"},
      {".env.example", "PGUSER=root\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.text.find("files: [docker-compose.yml]\n    env_file: [.env.example]\n") !=
        std::string::npos);
  CHECK(out.text.find("files: [docker-compose.yml, docker-compose.debug.yml]\n    env_file: "
                      "[.env.example]\n") != std::string::npos);
  CHECK(out.text.find("# with .env.example, the repository's values for its variables") !=
        std::string::npos);
  CHECK(out.left_out.empty());
  CHECK(run_all(src, out.text).failed().empty());
  // With a .env that gives the values, nothing needs the example.
  src.put(".env", "PGUSER=me\n");
  CHECK(init(src).text.find("env_file: [.env.example]") == std::string::npos);
  // A project that loads without it only hears of it.
  MemorySource plain(std::map<std::string, std::string>{
      {"docker-compose.yml", "services:\n  db:\n    image: postgres\n"},
      {".env.example", "PGUSER=root\n"}});
  CHECK(init(plain).text.find("add `env_file: [.env.example]` beside `files`") !=
        std::string::npos);
}

TEST_CASE("variables: ${VAR:?} passes with the check's environment or env_file, fails without",
          "[init][variables]") {
  MemorySource src(
      std::map<std::string, std::string>{{"compose.yaml",
                                          "services:\n  web:\n    image: app\n    environment:\n   "
                                          "   URL: https://${DOMAIN:?set DOMAIN}/\n"},
                                         {"deploy/prod.env", "DOMAIN=example.com\n"},
                                         {".env", "OTHER=1\n"}});
  const std::string head =
      "version: 1\nchecks:\n  - id: c\n    kind: compose-valid\n    files: [compose.yaml]\n";
  CHECK(run_all(src, head).failed() == std::vector<std::string>{"c"});
  CHECK(run_all(src, head + "    environment: {DOMAIN: example.org}\n").failed().empty());
  CHECK(run_all(src, head + "    env_file: [deploy/prod.env]\n").failed().empty());
  CHECK(run_all(src, head + "    env_file: deploy/missing.env\n").failed() ==
        std::vector<std::string>{"c"});
  // In a projects: item, for the other compose kinds.
  const std::string depends =
      "version: 1\nchecks:\n  - id: d\n    kind: compose-service\n    service: web\n    projects:\n"
      "      - files: [compose.yaml]\n";
  CHECK(run_all(src, depends).failed() == std::vector<std::string>{"d"});
  CHECK(run_all(src, depends + "        environment: {DOMAIN: example.org}\n").failed().empty());
  CHECK(run_all(src, depends + "        env_file: [deploy/prod.env]\n").failed().empty());
}

TEST_CASE(
    "variables: the process environment wins over the check's environment, which wins over env "
    "files",
    "[init][variables]") {
  MemorySource src(
      std::map<std::string, std::string>{{"c.yml", "services:\n  s:\n    image: ${IMAGE}:${TAG}\n"},
                                         {"v.env", "IMAGE=from-file\nTAG=file\n"}});
  ComposeContext ctx;
  ctx.source = &src;
  ctx.environment = env({{"IMAGE", "from-process"}});
  ProjectSpec spec;
  spec.files = {"c.yml"};
  spec.env_files = {"v.env"};
  spec.environment = {{"IMAGE", "from-check"}, {"TAG", "check"}};
  Project p = load_project(spec, ctx);
  REQUIRE(p.valid());
  CHECK(p.service("s")->find("image")->text == "from-process:check");
  CHECK(std::find(p.inputs.begin(), p.inputs.end(), "v.env") != p.inputs.end());
  CHECK(std::find(p.inputs.begin(), p.inputs.end(), ".env") ==
        p.inputs.end());  // replaced, not read
  ProjectSpec other = spec;
  other.environment.clear();
  CHECK(project_key(spec) != project_key(other));
  CHECK(load_project(other, ctx).service("s")->find("image")->text == "from-process:file");
  // One run's cache keeps projects with different variables apart.
  ComposeCache cache;
  ctx.cache = &cache;
  CHECK(load_project(spec, ctx).service("s")->find("image")->text == "from-process:check");
  CHECK(load_project(other, ctx).service("s")->find("image")->text == "from-process:file");
}

TEST_CASE(
    "variables: COMPOSE_PROFILES and COMPOSE_PROJECT_NAME from .env, the check's environment or "
    "env_file",
    "[init][variables]") {
  MemorySource src(std::map<std::string, std::string>{
      {"app/compose.yml", "services:\n  a: {image: a}\n  b: {image: b, profiles: [debug]}\n"},
      {"app/.env", "COMPOSE_PROFILES=debug\nCOMPOSE_PROJECT_NAME=demo\n"},
      {"quiet.env", "COMPOSE_PROFILES=\n"}});
  ComposeContext ctx;
  ctx.source = &src;
  ctx.environment = env({});
  ProjectSpec spec;
  spec.files = {"app/compose.yml"};
  Project p = load_project(spec, ctx);
  CHECK(p.enabled_services() == std::vector<std::string>{"a", "b"});
  CHECK(p.project_name_variable == "demo");
  spec.profiles = {"other"};  // profiles given: COMPOSE_PROFILES does not apply
  CHECK(load_project(spec, ctx).enabled_services() == std::vector<std::string>{"a"});
  spec.profiles.clear();
  spec.env_files = {"quiet.env"};  // in place of app/.env
  CHECK(load_project(spec, ctx).enabled_services() == std::vector<std::string>{"a"});
  spec.environment = {{"COMPOSE_PROFILES", "debug"}};
  CHECK(load_project(spec, ctx).enabled_services() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("variables: env_file is an input of the check in staged mode, in place of .env",
          "[init][variables]") {
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services:\n  web: {image: 'app:${TAG:?}'}\n"}, {"ci/vars.env", "TAG=1\n"}});
  Config c;
  Finding err;
  REQUIRE(parse_config(
      "version: 1\nchecks:\n  - id: c\n    kind: compose-depends\n    services: ['*']\n"
      "    depend_on: x\n    projects:\n      - files: [compose.yaml]\n"
      "        env_file: [ci/vars.env]\n  - id: v\n    kind: compose-valid\n"
      "    files: compose.yaml\n    env_file: ci/vars.env\n",
      ".smokehook.yml", &c, &err));
  ChangeSet changes;
  changes.changed = {"ci/vars.env"};
  RunContext ctx(src, &src, env({}));
  ctx.changes = &changes;
  ctx.full_scan = false;
  for (const auto& check : c.checks) {
    std::vector<std::string> paths = check->triggers(ctx).paths;
    INFO(check->id);
    CHECK(paths == std::vector<std::string>{"compose.yaml", "ci/vars.env"});
  }
}

TEST_CASE("variables: env_file and environment are checked where they are written",
          "[init][variables][config]") {
  struct Case {
    std::string keys;
    int line;
    const char* words;
  };
  const Case cases[] = {
      {"    env_file: {a: b}\n", 5, "'env_file' must be a path or a list of paths"},
      {"    environment: [A=1]\n", 5, "'environment' must be a mapping"},
      {"    environment:\n      A: {b: c}\n", 6, "'environment.A' must be a string"},
      {"    projects:\n      - files: [c.yml]\n        env_fil: [x]\n", 7,
       "did you mean 'env_file'"},
  };
  for (const Case& k : cases) {
    std::string text =
        "version: 1\nchecks:\n  - id: a\n    kind: compose-service\n" + k.keys + "    service: s\n";
    if (k.keys.find("projects") == std::string::npos) text += "    files: [c.yml]\n";
    Config c;
    Finding err;
    INFO(text);
    REQUIRE_FALSE(parse_config(text, ".smokehook.yml", &c, &err));
    INFO(err.to_string());
    CHECK(err.line == k.line);
    CHECK(err.message.find(k.words) != std::string::npos);
  }
}

TEST_CASE("report: which configuration ran, first in human output and as JSON's config",
          "[init][report]") {
  MemorySource app = example_app();
  Outcome o = run_all(app);
  Report r = o.report;
  CHECK(r.config == ".smokehook.yml");  // the text was given as a file
  std::ostringstream human, json;
  report_human(r, HumanStyle{}, human);
  CHECK(human.str().rfind("smokehook: no .smokehook.yml", 0) == std::string::npos);
  report_json(r, json);
  CHECK(json.str().find("\"config\": \".smokehook.yml\"") != std::string::npos);

  Config builtin;
  Finding err;
  REQUIRE(load_default_config(&builtin, &err));
  RunContext ctx(app, &app, env({}));
  Report b;
  b.mode = "staged";
  b.source = "index";
  ChangeSet none;
  ctx.changes = &none;
  ctx.full_scan = false;
  run_checks(builtin, ctx, Selection{}, "", "", &b);
  CHECK(b.config == "built-in");
  std::ostringstream h2, j2;
  report_human(b, HumanStyle{}, h2);
  INFO(h2.str());
  CHECK(h2.str().rfind(
            "smokehook: no .smokehook.yml here: running the built-in production smoke suite", 0) ==
        0);
  CHECK(h2.str().find("`smokehook init` writes a configuration for this repository") !=
        std::string::npos);
  report_json(b, j2);
  CHECK(j2.str().find("\"config\": \"built-in\"") != std::string::npos);
}

TEST_CASE(
    "variables: ${COMPOSE_PROJECT_NAME} is the project's name when nothing sets it, as in docker "
    "compose",
    "[init][variables]") {
  // docker compose 2.40.3: the folder's name, else the files' interpolated `name:`, lower-cased; a
  // COMPOSE_PROJECT_NAME in .env or the environment wins.
  MemorySource src(
      std::map<std::string, std::string>{{"My_App/compose.yaml",
                                          "services:\n  a:\n    image: a\n    environment:\n      "
                                          "N: ${COMPOSE_PROJECT_NAME:-unset}\n"},
                                         {"My_App/name.yaml", "name: ${X:-Dflt}\n"}});
  ComposeContext ctx;
  ctx.source = &src;
  ctx.environment = env({});
  auto n = [&](std::vector<std::string> files) {
    ProjectSpec spec;
    spec.files = std::move(files);
    Project p = load_project(spec, ctx);
    INFO(p.errors.size());
    return p.valid() ? p.service("a")->find("environment")->find("N")->text : "invalid";
  };
  CHECK(n({"My_App/compose.yaml"}) == "my_app");
  CHECK(n({"My_App/compose.yaml", "My_App/name.yaml"}) == "dflt");
  ctx.environment = env({{"X", "from-x"}});
  CHECK(n({"My_App/compose.yaml", "My_App/name.yaml"}) == "from-x");
  src.put("My_App/.env", "COMPOSE_PROJECT_NAME=explicit\n");
  CHECK(n({"My_App/compose.yaml", "My_App/name.yaml"}) == "explicit");
  src.put("My_App/.env", "COMPOSE_PROJECT_NAME=Explicit\n");  // refused, not normalized
  CHECK(n({"My_App/compose.yaml", "My_App/name.yaml"}) == "invalid");
  ctx.project_name = "given";  // -p: over everything, and the .env's is not read
  CHECK(n({"My_App/compose.yaml", "My_App/name.yaml"}) == "given");
}

TEST_CASE(
    "init: COMPOSE_FILE in a project's .env is the files docker compose reads there: a check of "
    "its own",
    "[init]") {
  MemorySource src(std::map<std::string, std::string>{
      {"ops/compose.yaml", "services:\n  a: {image: a}\n"},
      {"ops/monitoring.yaml", "services:\n  m: {image: m}\n"},
      {"ops/.env", "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=compose.yaml;monitoring.yaml\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(ids_of(out.text) == std::vector<std::string>{"ops.compose.base", "ops.compose.default"});
  CHECK(out.text.find("files: [ops/compose.yaml, ops/monitoring.yaml]") != std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());
  edit(src, "ops/monitoring.yaml", "image: m", "imag: m");
  CHECK(run_all(src, out.text).failed() == std::vector<std::string>{"ops.compose.default"});
  src.put("ops/.env", "COMPOSE_FILE=compose.yaml\n");  // the base alone: nothing more to check
  CHECK(ids_of(init(src).text) == std::vector<std::string>{"ops.compose.base"});
}

TEST_CASE("init: a profile declared only in a file of the .env's COMPOSE_FILE keeps its services",
          "[init]") {
  MemorySource src(std::map<std::string, std::string>{
      {"ops/compose.yaml", "services:\n  a: {image: a}\n"},
      {"ops/monitoring.yaml",
       "services:\n  m: {image: m}\n  grafana: {image: grafana, profiles: [dashboards]}\n"},
      {"ops/.env", "COMPOSE_FILE=compose.yaml:monitoring.yaml\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(ids_of(out.text) == std::vector<std::string>{"ops.compose.base", "ops.compose.default",
                                                     "ops.compose.default.profile.dashboards"});
  CHECK(run_all(src, out.text).failed().empty());
  edit(src, "ops/monitoring.yaml", "profiles: [dashboards]", "profiles: [dashboard]");
  CHECK(run_all(src, out.text).failed() ==
        std::vector<std::string>{"ops.compose.default.profile.dashboards"});
}

TEST_CASE("init: profiles that cannot be active together are checked one at a time", "[init]") {
  // Two variants of one service, each under its own profile, with one container_name: docker
  // compose refuses both profiles at once, so no check may turn them on together.
  const char kVariants[] =
      "services:\n"
      "  init:\n    image: app\n    command: ./pull.sh\n"
      "  gpu:\n    image: ollama\n    container_name: ollama\n    profiles: [gpu]\n    "
      "depends_on:\n"
      "      init: {condition: service_completed_successfully}\n"
      "  cpu:\n    image: ollama\n    container_name: ollama\n    profiles: [cpu]\n    "
      "depends_on:\n"
      "      init: {condition: service_completed_successfully}\n";
  MemorySource src(std::map<std::string, std::string>{{"compose.yaml", kVariants}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.text.find("profiles: [gpu, cpu]") == std::string::npos);
  CHECK(out.text.find("profiles: [cpu, gpu]") == std::string::npos);
  // Both waiting services are still checked, each under its own profile.
  CHECK(out.text.find("profiles: [gpu]") != std::string::npos);
  CHECK(out.text.find("profiles: [cpu]") != std::string::npos);
  CHECK(has(ids_of(out.text), "init.ordering"));
  CHECK(run_all(src, out.text).failed().empty());

  MemorySource broken = src;
  edit(broken, "compose.yaml",
       "profiles: [cpu]\n    depends_on:\n      init: {condition: service_completed_successfully}",
       "profiles: [cpu]\n    depends_on:\n      init: {condition: service_started}");
  std::vector<std::string> failed = run_all(broken, out.text).failed();
  CHECK(failed.size() == 1);
  CHECK(failed.front().rfind("init.ordering", 0) == 0);
}

TEST_CASE("init: an overlay the repository runs alone is checked alone too, and merged", "[init]") {
  // As langfuse: package.json starts docker-compose.dev.yml by itself; merged onto the base, a
  // service without an image still gets the base's, alone docker compose refuses it.
  MemorySource src(std::map<std::string, std::string>{
      {"docker-compose.yml", "services:\n  web: {image: web}\n  clickhouse: {image: clickhouse}\n"},
      {"docker-compose.dev.yml",
       "services:\n  clickhouse:\n    image: clickhouse\n    ports: ['8123:8123']\n"},
      {"docker-compose.build.yml", "services:\n  web:\n    build: .\n"},
      {"docker-compose.ports.yml", "services:\n  web:\n    ports: ['80:80']\n"},
      {"package.json",
       "{\"scripts\": {\"infra:dev:up\": \"docker compose -f ./docker-compose.dev.yml up "
       "-d\"}}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  std::vector<std::string> ids = ids_of(out.text);
  CHECK(has(ids, "compose.dev"));
  CHECK(has(ids, "compose.dev.alone"));
  CHECK(out.text.find("the repository runs it alone (package.json:1)") != std::string::npos);
  // Loads alone (its one service has a build) though nothing runs it alone: checked alone too.
  CHECK(has(ids, "compose.build.alone"));
  // Not a project alone (web has no image there), and not run alone: merged only.
  CHECK_FALSE(has(ids, "compose.ports.alone"));
  CHECK(run_all(src, out.text).failed().empty());
  edit(src, "docker-compose.dev.yml", "    image: clickhouse\n", "");
  CHECK(run_all(src, out.text).failed() == std::vector<std::string>{"compose.dev.alone"});
}

TEST_CASE("init: a profile declared only in an overlay keeps its services", "[init]") {
  // As langfuse's worker-tests and appwrite's gitea: the profile exists only in the overlay.
  MemorySource src(std::map<std::string, std::string>{
      {"docker-compose.yml",
       "services:\n  web: {image: web}\n  mail: {image: mail, profiles: [debug]}\n"},
      {"docker-compose.override.yml",
       "services:\n  gitea: {image: gitea, profiles: [gitea]}\n  mail2: {image: mail, profiles: "
       "[debug]}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  std::vector<std::string> ids = ids_of(out.text);
  CHECK(has(ids, "compose.profile.debug"));
  CHECK(has(ids, "compose.override.profile.gitea"));
  // The overlay adds a service to a profile of the base: that profile is checked merged as well.
  CHECK(has(ids, "compose.override.profile.debug"));
  CHECK(out.text.find("require_enabled: [gitea]") != std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());
  MemorySource broken = src;
  edit(broken, "docker-compose.override.yml", "  gitea: {image: gitea, profiles: [gitea]}\n", "");
  CHECK(run_all(broken, out.text).failed() ==
        std::vector<std::string>{"compose.override.profile.gitea"});
}

TEST_CASE("init: a file that needs variables is checked with the env file the repository gives it",
          "[init]") {
  // As penpot's devenv: `--env-file docker/devenv/defaults.env` in its script; and mattermost's
  // env.example beside a base whose README says `cp env.example .env`.
  MemorySource src(std::map<std::string, std::string>{
      {"docker/devenv/docker-compose.main.yml",
       "services:\n  main:\n    image: penpot/devenv\n    ports: ['${PORT:?}:80']\n"},
      {"docker/devenv/defaults.env", "PORT=3449\n"},
      {"docker/devenv/other.env", "NOTHING=1\n"},
      {"manage.sh",
       "#!/bin/sh\ndocker compose -f docker/devenv/docker-compose.main.yml \\\n"
       "  --env-file docker/devenv/defaults.env up -d\n"},
      {"mm/docker-compose.yml",
       "services:\n  db:\n    image: postgres:${PG_TAG}\n    volumes: ['${DATA}:/data']\n"},
      {"mm/env.example", "PG_TAG=16\nDATA=./data\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(out.left_out.empty());
  CHECK(out.text.find("files: [docker/devenv/docker-compose.main.yml]\n    env_file: "
                      "[docker/devenv/defaults.env]") != std::string::npos);
  CHECK(out.text.find("files: [mm/docker-compose.yml]\n    env_file: [mm/env.example]") !=
        std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());
  edit(src, "docker/devenv/defaults.env", "PORT=3449", "PORT=");
  CHECK(run_all(src, out.text).failed() ==
        std::vector<std::string>{"docker.devenv.main.compose.base"});
}

TEST_CASE(
    "init: COMPOSE_FILE chains of a CI workflow are checked, and what fails as the repository "
    "stands is left out",
    "[init]") {
  // As docker-zulip: compose.yaml alone expects secrets the example override defines; CI combines
  // it with ci/base.yaml and one scenario per matrix entry.
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services:\n  zulip:\n    image: zulip\n    secrets: [pw]\n"},
      {"ci/base.yaml",
       "secrets:\n  pw: {environment: PW}\nservices:\n  zulip:\n    image: ${IMAGE:?error}\n"},
      {"ci/base.env", "PW=x\n"},
      {"ci/basic/compose.yaml", "services:\n  zulip:\n    environment: {A: '1'}\n"},
      {"ci/tls/compose.yaml", "services:\n  zulip:\n    environment: {B: '1'}\n"},
      {".github/workflows/test.yaml",
       "jobs:\n  t:\n    env:\n      IMAGE: zulip:pr-${{ github.event.number }}\n"
       "      COMPOSE_FILE: compose.yaml:ci/base.yaml:${{ matrix.dir }}compose.yaml\n"
       "      COMPOSE_ENV_FILES: ci/base.env\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(ids_of(out.text) ==
        std::vector<std::string>{"compose.base.basic.env.base", "compose.base.tls.env.base"});
  // ci/basic/compose.yaml is no project alone (no image): checked in its chains only, not left out.
  REQUIRE(out.left_out.size() == 1);
  CHECK(out.left_out[0].find("compose.base: fails as the repository stands (compose.yaml:") == 0);
  CHECK(out.text.find("  # LEFT OUT: this check fails on the repository as it stands") !=
        std::string::npos);
  CHECK(out.text.find("  # - id: compose.base\n") != std::string::npos);
  CHECK(run_all(src, out.text).failed().empty());
  edit(src, "ci/tls/compose.yaml", "environment: {B: '1'}", "environment: [B: '1']");
  CHECK(run_all(src, out.text).failed() == std::vector<std::string>{"compose.base.tls.env.base"});
}

TEST_CASE(
    "init: right after init --all passes: a profile that clashes through extends is left out, said "
    "why",
    "[init]") {
  // As nextcloud all-in-one's php/tests: two profiles whose services extend one with a
  // container_name.
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml",
       "services:\n"
       "  base: {image: app, container_name: master, profiles: [none]}\n"
       "  from-image: {extends: base, profiles: [none, image]}\n"
       "  local: {extends: base, profiles: [none, local]}\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  CHECK(run_all(src, out.text).failed().empty());
  std::vector<std::string> ids = ids_of(out.text);
  CHECK_FALSE(has(ids, "compose.profile.none"));
  CHECK(has(ids, "compose.profile.image"));
  REQUIRE(out.left_out.size() == 1);
  CHECK(out.left_out[0].find("compose.profile.none: fails as the repository stands") == 0);
  CHECK(out.left_out[0].find("container name") != std::string::npos);
  CHECK(out.checks == ids.size());
}

TEST_CASE("init: titles are unique and ids the same from one run to the next", "[init]") {
  // As all-in-one: an overlay changes who waits for the one-shot service; two checks, two titles.
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml",
       "services:\n  npm: {image: node, command: npm ci}\n"
       "  app:\n    image: app\n    depends_on:\n      npm: {condition: "
       "service_completed_successfully}\n"},
      {"compose.more.yaml",
       "services:\n  worker:\n    image: app\n    depends_on:\n      npm: {condition: "
       "service_completed_successfully}\n"},
      {"Makefile",
       "up:\n\tdocker compose -f compose.yaml up\nci:\n\tdocker compose -f compose.yaml --env-file "
       "ci.env up\n"},
      {"ci.env", "A=1\n"}});
  InitConfig out = init(src);
  INFO(out.text);
  Config c;
  Finding err;
  REQUIRE(parse_config(out.text, ".smokehook.yml", &c, &err));
  std::set<std::string> titles;
  for (const auto& check : c.checks) CHECK(titles.insert(check->title).second);
  CHECK(titles.size() >= 4);
  CHECK(init(src).text == out.text);
}
