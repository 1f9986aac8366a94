// The compose engine on its own: merge, interpolation, profiles and
// validation rules of compose-rules, each on a small project in memory.
#include <catch2/catch.hpp>

#include "compose/compose_support.h"
#include "compose/go_values.h"
#include "compose/model.h"
#include "compose/project.h"
#include "compose/schema.h"

using namespace smokehook;
using namespace smokehook::test;

namespace {

Project load(MemorySource& src, std::vector<std::string> files,
             std::vector<std::string> profiles = {},
             std::map<std::string, std::string> environment = {}) {
  ComposeContext ctx;
  ctx.source = &src;
  ctx.environment = env(std::move(environment));
  return load_project(ProjectSpec{std::move(files), std::move(profiles)}, ctx);
}

std::string errors(const Project& p) {
  std::string out;
  for (const auto& e : p.errors) out += e.to_string() + "\n";
  return out;
}

nlohmann::ordered_json model(const Project& p) { return project_json(p, "test"); }

}  // namespace

TEST_CASE("merge: mappings merge, scalars are replaced, null overlays are ignored",
          "[compose][merge]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml",
       "services:\n  s:\n    image: a\n    user: root\n    environment: {A: '1', B: '2'}\n"},
      {"b.yml", "services:\n  s:\n    image: b\n    user:\n    environment: [B=3, C]\n"}});
  Project p = load(src, {"a.yml", "b.yml"});
  INFO(errors(p));
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK(s["image"] == "b");
  CHECK(s["user"] == "root");
  CHECK(s["environment"]["A"] == "1");
  CHECK(s["environment"]["B"] == "3");
  CHECK(s["environment"]["C"].is_null());
}

TEST_CASE("merge: command is replaced, and an overlay null removes it", "[compose][merge]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml", "services:\n  s:\n    image: a\n    command: [a, b]\n    entrypoint: sh\n"},
      {"b.yml", "services:\n  s:\n    command: c d\n    entrypoint: null\n"}});
  Project p = load(src, {"a.yml", "b.yml"});
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK(s["command"] == nlohmann::ordered_json({"c", "d"}));
  CHECK(s["entrypoint"].is_null());
}

TEST_CASE("merge: keyed sequences replace by key, plain ones append and de-duplicate",
          "[compose][merge]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml",
       "services:\n  s:\n    image: a\n    ports: ['8080:80', '9000:9000']\n"
       "    volumes: ['data:/data', './src:/src']\n    cap_add: [NET_ADMIN]\n    dns: [1.1.1.1]\n"
       "volumes: {data: {}, other: {}}\n"},
      {"b.yml",
       "services:\n  s:\n    ports: ['8080:80/tcp', '127.0.0.1:7000:7000']\n"
       "    volumes: [{type: volume, source: other, target: /data}]\n    cap_add: [NET_ADMIN, "
       "SYS_TIME]\n"
       "    dns: 8.8.8.8\n"}});
  Project p = load(src, {"a.yml", "b.yml"});
  INFO(errors(p));
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK(s["ports"].size() == 3);  // 8080:80 and 8080:80/tcp are one port
  CHECK(s["volumes"].size() == 2);
  CHECK(s["volumes"][0]["source"] == "other");
  CHECK(s["cap_add"] == nlohmann::ordered_json({"NET_ADMIN", "SYS_TIME"}));
  CHECK(s["dns"] == nlohmann::ordered_json({"1.1.1.1", "8.8.8.8"}));
}

TEST_CASE("merge: depends_on short form becomes the long form; an overlay changes the condition",
          "[compose][merge]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml", "services:\n  db: {image: db}\n  s:\n    image: a\n    depends_on: [db]\n"},
      {"b.yml",
       "services:\n  s:\n    depends_on:\n      db:\n        condition: service_healthy\n"}});
  Project p = load(src, {"a.yml"});
  REQUIRE(p.valid());
  CHECK(model(p)["services"]["s"]["depends_on"]["db"] ==
        nlohmann::ordered_json({{"condition", "service_started"}, {"required", true}}));
  Project q = load(src, {"a.yml", "b.yml"});
  REQUIRE(q.valid());
  CHECK(model(q)["services"]["s"]["depends_on"]["db"]["condition"] == "service_healthy");
  CHECK(model(q)["services"]["s"]["depends_on"]["db"]["required"] == true);
}

TEST_CASE("merge: !reset removes and !override replaces", "[compose][merge]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml",
       "services:\n  s:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n"},
      {"b.yml", "services:\n  s:\n    ports: !reset []\n    environment: !override {C: '3'}\n"}});
  Project p = load(src, {"a.yml", "b.yml"});
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK_FALSE(s.contains("ports"));
  CHECK(s["environment"] == nlohmann::ordered_json({{"C", "3"}}));
}

TEST_CASE("merge: logging options merge only with the same driver", "[compose][merge]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml",
       "services:\n  s:\n    image: a\n    logging: {driver: json-file, options: {max-size: "
       "1m}}\n"},
      {"b.yml", "services:\n  s:\n    logging: {driver: syslog, options: {tag: x}}\n"},
      {"c.yml", "services:\n  s:\n    logging: {options: {max-file: '3'}}\n"}});
  auto logging = [&](std::vector<std::string> files) {
    Project p = load(src, std::move(files));
    REQUIRE(p.valid());
    return model(p)["services"]["s"]["logging"];
  };
  CHECK(logging({"a.yml", "b.yml"})["options"] == nlohmann::ordered_json({{"tag", "x"}}));
  CHECK(logging({"a.yml", "c.yml"})["options"].size() == 2);
}

TEST_CASE("anchors and merge keys: explicit keys win, the first source wins", "[compose][yaml]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml",
       "x-a: &a {image: from-a, user: a}\nx-b: &b {image: from-b, working_dir: /b}\n"
       "services:\n  s:\n    <<: [*a, *b]\n    user: explicit\n"}});
  Project p = load(src, {"a.yml"});
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK(s["image"] == "from-a");
  CHECK(s["user"] == "explicit");
  CHECK(s["working_dir"] == "/b");
}

TEST_CASE("interpolation: environment over .env, defaults, $$, and values stay strings",
          "[compose][interpolation]") {
  MemorySource src(std::map<std::string, std::string>{
      {"app/compose.yml",
       "services:\n  s:\n    image: ${IMAGE:-busybox}:${TAG}\n    environment:\n      COST: $$5\n"
       "      MODE: ${MODE-unset}\n      PERMS: 0755\n      BIG: 1e3\n      YES: yes\n"},
      {"app/.env", "TAG=1.0\nIMAGE=from-dotenv\nMODE=\n"}});
  Project p = load(src, {"app/compose.yml"}, {}, {{"IMAGE", "from-env"}});
  INFO(errors(p));
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK(s["image"] == "from-env:1.0");
  CHECK(p.service("s")->find("environment")->find("COST")->text == "$5");
  CHECK(s["environment"]["COST"] == "$$5");  // printed as docker compose config prints it
  CHECK(s["environment"]["MODE"] == "");
  CHECK(s["environment"]["PERMS"] == "493");
  CHECK(s["environment"]["BIG"] == "1000");
  CHECK(s["environment"]["YES"] == "yes");
  CHECK(std::find(p.inputs.begin(), p.inputs.end(), "app/.env") != p.inputs.end());
}

TEST_CASE("interpolation: unset without default warns; ${VAR:?} unset is an error at its line",
          "[compose][interpolation]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml", "services:\n  s:\n    image: x${MISSING}\n    user: ${WHO:?who runs it}\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].line == 4);
  CHECK(p.errors[0].message == "required variable WHO is missing a value: who runs it");
  REQUIRE_FALSE(p.warnings.empty());
  CHECK(p.warnings[0].message.find("MISSING") != std::string::npos);
}

TEST_CASE("profiles: a service with profiles is enabled only when one is active",
          "[compose][profiles]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  a: {image: a}\n  b: {image: b, profiles: [debug]}\n"
       "  c: {image: c, profiles: [tools, debug]}\n"},
      {"o.yml", "services:\n  a:\n    profiles: [optional]\n"}});
  CHECK(load(src, {"c.yml"}).enabled_services() == std::vector<std::string>{"a"});
  CHECK(load(src, {"c.yml"}, {"debug"}).enabled_services() ==
        std::vector<std::string>{"a", "b", "c"});
  CHECK(load(src, {"c.yml"}, {"*"}).enabled_services().size() == 3);
  CHECK(load(src, {"c.yml"}, {}, {{"COMPOSE_PROFILES", "tools"}}).enabled_services() ==
        std::vector<std::string>{"a", "c"});
  // An overlay can make a base service optional.
  CHECK(load(src, {"c.yml", "o.yml"}).enabled_services().empty());
}

TEST_CASE("profiles: depending on a disabled service is an error unless required: false",
          "[compose][profiles]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  a:\n    image: a\n    depends_on: [b]\n  b: {image: b, profiles: [x]}\n"},
      {"d.yml",
       "services:\n  a:\n    image: a\n    depends_on:\n      b: {condition: service_started, "
       "required: false}\n"
       "  b: {image: b, profiles: [x]}\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].line == 4);
  CHECK(load(src, {"c.yml"}, {"x"}).valid());
  CHECK(load(src, {"d.yml"}).valid());
}

TEST_CASE(
    "a run's cache: projects naming the same files load them once, each with its own profiles",
    "[compose][profiles]") {
  MemorySource src(std::map<std::string, std::string>{
      {".env", "TAG=1.2\n"},
      {"c.yml",
       "services:\n  app:\n    image: app:${TAG}\n    depends_on: [db]\n    environment: [TAG]\n"
       "  db: {image: 'db:${MISSING}'}\n"
       "  worker:\n    image: w\n    profiles: [w]\n    env_file: [worker.env]\n    depends_on: "
       "[shard]\n"
       "    volumes: [wdata:/data]\n"
       "  shard: {image: s, profiles: [s], volumes: [sdata:/data]}\n"
       "volumes: {wdata: {}, sdata: {}}\n"},
      {"o.yml", "services:\n  app: {environment: {EXTRA: x}}\n  shard: {profiles: !reset []}\n"},
      {"worker.env", "W=1\n"}});
  const std::vector<ProjectSpec> specs = {
      {{"c.yml"}, {}},          {{"c.yml"}, {"w"}},          {{"c.yml"}, {"w", "s"}},
      {{"c.yml", "o.yml"}, {}}, {{"c.yml", "o.yml"}, {"w"}}, {{"c.yml"}, {}}};
  ComposeCache cache;
  ComposeContext shared;
  shared.source = &src;
  shared.environment = env({});
  shared.cache = &cache;
  for (const ProjectSpec& spec : specs) {
    ComposeContext alone = shared;
    alone.cache = nullptr;
    Project cached = load_project(spec, shared), fresh = load_project(spec, alone);
    INFO(describe_project(spec) << "\n" << errors(fresh));
    CHECK(model(cached) == model(fresh));
    CHECK(errors(cached) == errors(fresh));
    CHECK(cached.warnings.size() == fresh.warnings.size());
    CHECK(cached.inputs == fresh.inputs);
    CHECK(cached.active_profiles == fresh.active_profiles);
  }
  CHECK(cache.loaded({"c.yml"}) != nullptr);
  CHECK(cache.loaded({"c.yml", "o.yml"}) != nullptr);
  // What the profiles decide differs between projects of the same files.
  Project plain = load_project(specs[0], shared);
  CHECK(plain.valid());
  CHECK(std::count(plain.inputs.begin(), plain.inputs.end(), "worker.env") == 0);
  Project w = load_project(specs[1], shared);
  CHECK(errors(w).find("depends on service 'shard', which is not enabled") != std::string::npos);
  CHECK(std::count(w.inputs.begin(), w.inputs.end(), "worker.env") == 1);
  Project ws = load_project(specs[2], shared);
  CHECK(ws.valid());
  CHECK(model(ws)["services"]["worker"]["environment"]["W"] == "1");
  CHECK(load_project(specs[4], shared).valid());  // the overlay made shard's profile-free
}

TEST_CASE("validation: consistency errors only for enabled services, schema errors for all",
          "[compose][validation]") {
  MemorySource src(
      std::map<std::string, std::string>{{"c.yml",
                                          "services:\n  a: {image: a}\n  b:\n    image: b\n    "
                                          "profiles: [x]\n    volumes: [undeclared:/data]\n"},
                                         {"d.yml",
                                          "services:\n  a: {image: a}\n  b:\n    image: b\n    "
                                          "profiles: [x]\n    restart: [always]\n"}});
  CHECK(load(src, {"c.yml"}).valid());
  CHECK_FALSE(load(src, {"c.yml"}, {"x"}).valid());
  CHECK_FALSE(load(src, {"d.yml"}).valid());
}

TEST_CASE("validation: each rejected form is a finding at its line", "[compose][validation]") {
  struct Case {
    const char* yaml;
    int line;
    const char* words;
  };
  const Case cases[] = {
      {"services:\n  s:\n    image: a\n    deploy:\n      replicas: many\n", 5, "replicas must be"},
      {"services:\n  s:\n    build: .\n    ports: '80:80'\n", 4, "ports must be a list"},
      {"services:\n  s: {}\n", 2, "neither an image nor a build"},
      {"services:\n  s:\n    image: a\n    networks: [back]\n", 4, "undefined network 'back'"},
      {"services:\n  s:\n    image: a\n    secrets: [token]\n", 4, "undefined secret 'token'"},
      {"servicess:\n  s: {image: a}\n", 1, "did you mean 'services'"},
      {"services:\n  s:\n    image: a\n    ports: ['80:80:80:80']\n", 4, "invalid port"},
      {"services:\n  s:\n    image: ${A\n", 3, "invalid interpolation"},
      {"- a\n- b\n", 1, "must be a mapping"},
      {"services:\n  nil:\n", 2, "must be a mapping"},
      {"services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b, depends_on: [a]}\n", 0,
       "dependency cycle detected"},
      {"services:\n  a: {image: a, depends_on: [a]}\n", 2, "a -> a"},
      // Types as the compose schema has them: 123, true and null are not strings.
      {"services:\n  s:\n    image: 123\n", 3, "image must be a string, not an integer"},
      {"services:\n  s:\n    image: a\n    user: 1000\n", 4, "user must be a string"},
      {"services:\n  s:\n    image: a\n    restart:\n", 4, "restart must be a string, not null"},
      {"version: 3.8\nservices:\n  s: {image: a}\n", 1, "version must be a string"},
      {"services:\n  s: {image: a}\nvolumes:\n", 3, "volumes must be a mapping"},
      {"services:\n  s:\n    image: a\n    environment: [1]\n", 4,
       "environment[0] must be a string"},
      {"services:\n  s:\n    image: a\n    command: [true]\n", 4, "command[0] must be a string"},
      {"services:\n  s:\n    image: a\n    init: 1\n", 4, "init must be a boolean"},
      // What compose reads after the schema: durations, sizes, required parts of long forms.
      {"services:\n  s:\n    image: a\n    healthcheck: {interval: 10}\n", 4,
       "interval must be a string"},
      {"services:\n  s:\n    image: a\n    stop_grace_period: 1x\n", 4, "invalid duration '1x'"},
      {"services:\n  s:\n    image: a\n    mem_limit: lots\n", 4, "invalid size 'lots'"},
      {"services:\n  s:\n    image: a\n    healthcheck: {test: [curl, x]}\n", 4,
       "CMD, CMD-SHELL or NONE"},
      {"services:\n  s:\n    image: a\n    ports: [{published: 80}]\n", 4, "lacks 'target'"},
      {"services:\n  s:\n    image: a\n    ports: [0]\n", 4, "missing a target port"},
      {"services:\n  s:\n    image: a\n    ports: ['localhost:80:80']\n", 4,
       "invalid IP address 'localhost'"},
      {"services:\n  s:\n    image: a\n    ports: ['01.2.3.4:80:80']\n", 4, "invalid IP address"},
      {"services:\n  s:\n    image: a\n    devices: ['/dev/a:/dev/b:rwm:x']\n", 4,
       "confusing device mapping"},
      {"services:\n  s:\n    image: a\n    extra_hosts: [':10.0.0.1']\n", 4, "invalid extra host"},
      {"services:\n  s:\n    image: a\n    volumes: [{target: /d}]\n", 4, "lacks 'type'"},
      {"services:\n  s:\n    image: a\n    volumes: [{type: bind, target: /d}]\n", 4,
       "bind mount needs a source"},
      {"services:\n  s:\n    image: a\n    depends_on: {b: {required: true}}\n  b: {image: b}\n", 4,
       "lacks 'condition'"},
      {"services:\n  s: {image: a}\nsecrets:\n  t: {name: x}\n", 4,
       "one of file|environment must be set"},
      {"services:\n  s: {image: a}\nsecrets:\n  t: {file: a, environment: B}\n", 4,
       "mutually exclusive"},
      {"services:\n  s: {image: a}\nsecrets:\n  t: {environment: ''}\n", 4,
       "not external needs a file"},
      {"services:\n  s: {image: a}\nconfigs:\n  c: {}\n", 4,
       "one of file|environment|content must be set"},
      {"services:\n  s:\n    image: a\n    post_start: [{user: root}]\n", 4, "lacks 'command'"},
      {"services:\n  s:\n    image: a\n    env_file: [{required: false}]\n", 4, "lacks 'path'"},
      {"services:\n  s:\n    image: a\n    ulimits: {nofile: {soft: 1}}\n", 4, "lacks 'hard'"},
      {"services:\n  s:\n    image: a\n    models: [llm]\n", 4, "undefined model 'llm'"},
      {"services:\n  s:\n    build: {context: ., secrets: [npmrc]}\n", 3,
       "undefined build secret 'npmrc'"},
      {"services:\n  s:\n    image: a\n    secrets: [{target: /run/x}]\n", 4,
       "undefined secret ''"},
      {"services:\n  s:\n    build: {context: ., ssh: [mykey]}\n", 3, "invalid ssh key 'mykey'"},
      {"services:\n  s:\n    build: {context: ., additional_contexts: [base]}\n", 3,
       "invalid additional context 'base'"},
      {"services:\n  s:\n    build: {context: ., additional_contexts: {base: null}}\n", 3,
       "must be a string, not null"},
      {"services:\n  s:\n    build: {context: ., dockerfile: D, dockerfile_inline: FROM x}\n", 3,
       "mutually exclusive"},
      {"services:\n  s: {image: a}\nmodels:\n  llm: {context_size: 4}\n", 4, "lacks 'model'"},
      {"services:\n  s:\n    image: ${EMPTY}\n", 2, "neither an image nor a build"},
      {"version: '3'\n", 0, "empty compose file"},
      // A document that is there but null is no mapping; only a file without any document is empty.
      {"services:\n  s: {image: a}\n---\n", 0, "must be a mapping, not null"},
      {"~\n", 1, "must be a mapping, not null"},
      {"services:\n  s:\n    image: a\n    scale: 1\n    deploy: {replicas: 2}\n", 4,
       "distinct values on 'scale'"},
      {"include: {}\nservices: {}\n", 1, "include must be a list"},
      {"services: {}\ninclude: [1]\n", 2, "an include must be a path or a mapping"},
      {"services: {}\ninclude:\n  - path: [a.yml, 2]\n", 3,
       "path must be a string or a list of strings"},
      {"services: {}\ninclude:\n  - missing.yml\n", 3, "compose file not found"},
      // Numbers as compose reads them: unsigned fields refuse -1, strings cast by the field's Go
      // type.
      {"services:\n  s:\n    image: a\n    scale: -1\n", 4, "scale must be at least 0, not -1"},
      {"services:\n  s:\n    image: a\n    deploy: {replicas: '-1'}\n", 4,
       "replicas must be at least 0"},
      {"services:\n  s:\n    image: a\n    healthcheck: {retries: -1}\n", 4,
       "retries must be at least 0"},
      {"services:\n  s:\n    image: a\n    cpu_percent: 101\n", 4,
       "cpu_percent must be at most 100"},
      {"services:\n  s:\n    image: a\n    oom_score_adj: -1001\n", 4,
       "oom_score_adj must be at least -1000"},
      {"services:\n  s:\n    image: a\n    cpu_shares: '1.5'\n", 4, "'1.5' is not an integer"},
      {"services:\n  s:\n    image: a\n    cpus: 'true'\n", 4,
       "cpus must be a number, not a string"},
      {"services:\n  s:\n    image: a\n    mem_limit: '-1'\n", 4, "invalid size '-1'"},
      {"services:\n  s:\n    image: a\n    blkio_config: {weight: '300'}\n", 4,
       "weight must be an integer, not a string"},
      {"services:\n  s:\n    image: a\n    expose: [1.5]\n", 4,
       "expose[0] must be a string or an integer"},
      // YAML numbers as go-yaml reads them, strings as Go's strconv reads them.
      {"services:\n  s:\n    image: a\n    user: 1_000\n", 4,
       "user must be a string, not an integer"},
      {"services:\n  s:\n    image: a\n    scale: .inf\n", 4, "scale must be an integer"},
      {"services:\n  s:\n    image: a\n    cpus: '0x10'\n", 4,
       "cpus must be a number, not a string"},
      {"services:\n  s:\n    image: a\n    mem_limit: 1ki\n", 4, "invalid size '1ki'"},
      {"services:\n  s:\n    image: a\n    ulimits: {nofile: 2.0}\n", 4,
       "nofile must be an integer"},
      {"services:\n  s:\n    image: a\n    expose: [2.0]\n", 4,
       "expose[0] must be a string or an integer"},
      {"services:\n  s:\n    image: a\n    cpu_percent: '.5'\n", 4, "'.5' is not a whole number"},
      // uniqueItems, where compose's merge keeps duplicates (it drops them from cap_add, dns, ...).
      {"services:\n  s:\n    image: a\n    depends_on: [b, b]\n  b: {image: b}\n", 4,
       "items 0 and 1 are equal ('b')"},
      {"services:\n  s:\n    image: a\n    security_opt: [x, y, x]\n", 4,
       "items 0 and 2 are equal"},
      // The spec allows a null pid; docker compose 2.40.3 panics on one.
      {"services:\n  s:\n    image: a\n    pid:\n", 4, "pid must be a string, not null"},
      // Objects the schema closes, and what compose checks in them after it.
      {"services:\n  s:\n    image: a\n    develop: {watch: [{path: ., action: sync, bogus: 1}]}\n",
       4, "unknown key 'bogus' in services.s.develop.watch[0]"},
      {"services:\n  s:\n    image: a\n    develop: {watch: [{path: .}]}\n", 4, "lacks 'action'"},
      {"services:\n  s:\n    image: a\n    develop: {watch: [{path: '', action: rebuild}]}\n", 4,
       "can't be blank"},
      {"services:\n  s:\n    image: a\n    gpus: [{count: two}]\n", 4, "invalid count 'two'"},
      {"services:\n  s:\n    image: a\n    develop: {watch: [{path: ., action: sync+restart}]}\n",
       4, "target is required for the sync+restart action"},
      {"services:\n  s:\n    image: a\n    deploy: {resources: {reservations: {devices: [{driver: "
       "nvidia}]}}}\n",
       4, "lacks 'capabilities'"},
      {"services:\n  s:\n    image: a\n    deploy: {resources: {reservations: {generic_resources: "
       "[{gpu: 1}]}}}\n",
       4, "unknown key 'gpu'"},
      {"services:\n  s: {image: a}\nnetworks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/24, gw: "
       "10.0.0.1}]}\n",
       5, "unknown key 'gw'"},
      {"services:\n  s:\n    image: a\n    label_file: [missing.labels]\n", 4,
       "label file missing.labels not found"},
      // links has no container: form (volumes_from has); uts joins a service as network_mode does.
      {"services:\n  s:\n    image: a\n    links: ['container:x']\n", 4,
       "undefined service 'container'"},
      {"services:\n  s:\n    image: a\n    uts: 'service:x'\n", 4, "undefined service 'x'"},
      // An empty name is a service compose looks for, and does not find.
      {"services:\n  s:\n    image: a\n    volumes_from: ['']\n", 4, "undefined service ''"},
      {"services:\n  s:\n    image: a\n    network_mode: 'service:'\n", 4, "undefined service ''"},
  };
  for (const Case& c : cases) {
    MemorySource src(std::map<std::string, std::string>{{"c.yml", c.yaml}});
    Project p = load(src, {"c.yml"});
    INFO(c.yaml << "\n" << errors(p));
    REQUIRE_FALSE(p.valid());
    bool found = false;
    for (const auto& e : p.errors)
      if ((c.line == 0 || e.line == c.line) && e.path == "c.yml" &&
          e.message.find(c.words) != std::string::npos)
        found = true;
    CHECK(found);
  }
}

TEST_CASE("validation: each file is validated as merged onto the files before it",
          "[compose][validation]") {
  MemorySource src(std::map<std::string, std::string>{
      {"a.yml",
       "services:\n  s:\n    image: a\n    user: root\n    depends_on: {d: {condition: "
       "service_started}}\n"
       "  d: {image: d}\n"},
      {"null-over-value.yml",
       "services:\n  s:\n    user:\n    depends_on: {d: {required: false}}\n"},
      {"null-over-nothing.yml", "services:\n  s:\n    working_dir:\n"},
      {"reset.yml", "services:\n  s:\n    user: !reset null\n"},
      {"interpolated.yml", "services:\n  s:\n    user: ${UID}\n"},
      {"include.yml",
       "include:\n  - path: a.yml\n    whatever: 1\n  - {not_a_path: 2}\n  - null\n  - {path: "
       "null}\nservices: {}\n"},
      {"extends.yml", "services:\n  e:\n    extends: {service: d, file: a.yml, whatever: 1}\n"}});
  // The overlay's null leaves the value as it was, and the overlay may lack a condition the base
  // has.
  CHECK(load(src, {"a.yml", "null-over-value.yml"}).valid());
  // A null where nothing was is a null in the merged model: not a string.
  Project nothing = load(src, {"a.yml", "null-over-nothing.yml"});
  REQUIRE(nothing.errors.size() == 1);
  CHECK(nothing.errors[0].path == "null-over-nothing.yml");
  CHECK(nothing.errors[0].message == "services.s.working_dir must be a string, not null");
  CHECK(load(src, {"a.yml", "reset.yml"}).valid());
  // An interpolated value is a string, whatever its text.
  CHECK(load(src, {"a.yml", "interpolated.yml"}, {}, {{"UID", "1000"}}).valid());
  // include and extends are read, then gone: compose does not validate their other keys.
  Project inc = load(src, {"include.yml"});
  INFO(errors(inc));
  CHECK(inc.valid());
  Project ext = load(src, {"extends.yml"});
  INFO(errors(ext));
  CHECK(ext.valid());
}

// Each text, put under a service with an image, makes a valid project.
template <size_t N>
void check_valid_fields(const char* const (&fields)[N]) {
  for (const char* field : fields) {
    MemorySource src(std::map<std::string, std::string>{
        {"c.yml", std::string("services:\n  s:\n    image: a\n    ") + field + "\n"}});
    Project p = load(src, {"c.yml"});
    INFO(field << "\n" << errors(p));
    CHECK(p.valid());
  }
}

TEST_CASE("validation: numbers compose accepts stay valid", "[compose][validation]") {
  const char* const valid[] = {
      "mem_limit: -1",
      "memswap_limit: -1",
      "mem_limit: 1.5",
      "mem_swappiness: '1.5'",
      "mem_reservation: '1k'",
      "healthcheck: {retries: 1.5}",
      "healthcheck: {retries: '3'}",
      "cpu_shares: 1.5",
      "cpu_period: '-1'",
      "cpus: '1.5'",
      "oom_score_adj: '-1000'",
      "scale: '0'",
      "ports: [{target: 4294967296}]",
      "expose: ['1.5']",
      "volumes: [{type: tmpfs, target: /t, tmpfs: {size: '1.5'}}]",
      "init: tRue",
      "scale: 2.0",
      "deploy: {replicas: 1e1}",
      "cpus: '1_000'",
      "mem_limit: '1e3'",
      "shm_size: '2 KiB'",
      "cpu_percent: '50.0'",
      "environment: {A: 1_000}",
      "cap_add: [NET_ADMIN, NET_ADMIN]",
      "group_add: [1, '1']",
  };
  check_valid_fields(valid);
}

TEST_CASE("validation: open and optional parts compose accepts stay valid",
          "[compose][validation]") {
  const char* const valid[] = {
      "gpus: [{driver: nvidia, count: all, bogus: 1}]",
      "gpus: [{count: '-1'}]",
      "deploy: {resources: {reservations: {devices: [{capabilities: [gpu], driver: nvidia, count: "
      "1}]}}}",
      "develop: {watch: [{path: ., action: rebuild}, {path: ., action: restart}, {path: ., action: "
      "sync, target: /app}]}",
      "volumes_from: ['container:other']",
      "build: {context: ., ssh: [default, 'id=/key'], additional_contexts: ['base=../base']}",
      "ports: ['[::1]:8080:80', '0.0.0.0:81:81', ':82:82', '[1.2.3.4]:83:83']",
      "secrets: [t]\nsecrets:\n  t: {external: {name: y}}",  // external takes other keys for
                                                             // secrets
      "configs: [c]\nconfigs:\n  c: {content: ''}",
      "models: {llm: {endpoint_var: URL}}\nmodels:\n  llm: {model: ai/smollm2}",
  };
  check_valid_fields(valid);
}

TEST_CASE("volumes: the short syntax read as compose reads it", "[compose][model]") {
  struct Case {
    const char* spec;
    const char* type;
    const char* source;
    const char* target;
    const char* options;
  };
  const Case cases[] = {
      {"/data", "volume", "", "/data", ""},
      {"db:/var/lib/db:ro", "volume", "db", "/var/lib/db", "ro"},
      {"./src:/app:rw,z", "bind", "./src", "/app", "rw,z"},
      {"~/cache:/cache", "bind", "~/cache", "/cache", ""},
      {"C:\\data:/data", "bind", "C:\\data", "/data", ""},  // a drive letter keeps its colon
      {"a:b", "volume", "", "a:b", ""},                     // so does any one-letter field
      {"a:b:c:d", "bind", "a:b", "c:d", ""},
      {"ab", "volume", "", "ab", ""},         // two characters or fewer: a target
      {"x/y:/c", "volume", "x/y", "/c", ""},  // not a host path: a volume's name
  };
  for (const Case& c : cases) {
    VolumeSpec v;
    std::string err;
    INFO(c.spec);
    REQUIRE(parse_volume(c.spec, &v, &err));
    CHECK(v.type == c.type);
    CHECK(v.source == c.source);
    CHECK(v.target == c.target);
    CHECK(v.mode == c.options);
  }
  for (const char* bad : {"", "/a:/b:", "/a::/b", "/a:/b:ro:extra"}) {
    VolumeSpec v;
    std::string err;
    INFO(bad);
    CHECK_FALSE(parse_volume(bad, &v, &err));
    CHECK_FALSE(err.empty());
  }
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  s:\n    image: a\n    volumes: ['/h:/c:Z,rshared,ro', 'v:/d:nocopy', "
       "'ab']\nvolumes:\n  v: {}\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.valid());
  auto vols = model(p)["services"]["s"]["volumes"];
  CHECK(vols[0]["bind"]["selinux"] == "Z");
  CHECK(vols[0]["bind"]["propagation"] == "rshared");
  CHECK(vols[0]["read_only"] == true);
  CHECK(vols[1]["type"] == "bind");  // v: is a drive letter
  CHECK_FALSE(vols[2].contains("volume"));
}

TEST_CASE("label_file: labels from files, `labels` on top, the key itself gone",
          "[compose][model]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  s:\n    image: a\n    label_file: [a.labels, b.labels]\n    labels: {A: "
       "own}\n"},
      {"a.labels", "A=file\nB=x y\n"},
      {"b.labels", "export C=3\n# comment\n"},
      {"bad.yml", "services:\n  s:\n    image: a\n    label_file: bad.labels\n"},
      {"bad.labels", "key with space=1\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.valid());
  auto s = model(p)["services"]["s"];
  CHECK_FALSE(s.contains("label_file"));
  CHECK(s["labels"].size() == 3);
  CHECK(s["labels"]["A"] == "own");
  CHECK(s["labels"]["B"] == "x y");
  CHECK(s["labels"]["C"] == "3");
  Project bad = load(src, {"bad.yml"});
  REQUIRE_FALSE(bad.valid());
  CHECK(bad.errors[0].path == "bad.labels");
  CHECK(bad.errors[0].line == 1);
}

TEST_CASE("validation: version is a warning, services: {} is valid, an empty file is not",
          "[compose][validation]") {
  MemorySource src(std::map<std::string, std::string>{{"v.yml", "version: '3.8'\nservices: {}\n"},
                                                      {"e.yml", ""}});
  Project v = load(src, {"v.yml"});
  CHECK(v.valid());
  CHECK(v.warnings.size() == 1);
  CHECK_FALSE(load(src, {"e.yml"}).valid());
  CHECK_FALSE(load(src, {"missing.yml"}).valid());
}

TEST_CASE("extends: a service starts from another, in this file or another", "[compose][extends]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  base: {image: base, environment: {A: '1'}}\n"
       "  child:\n    extends: base\n    environment: {B: '2'}\n"
       "  remote:\n    extends: {file: sub/common.yml, service: web}\n"},
      {"sub/common.yml", "services:\n  web:\n    build: ./app\n    ports: ['80:80']\n"},
      {"loop.yml", "services:\n  a: {extends: b}\n  b: {extends: a}\n"}});
  Project p = load(src, {"c.yml"});
  INFO(errors(p));
  REQUIRE(p.valid());
  auto m = model(p)["services"];
  CHECK(m["child"]["image"] == "base");
  CHECK(m["child"]["environment"].size() == 2);
  CHECK(m["remote"]["build"]["context"] == "sub/app");
  CHECK(std::find(p.inputs.begin(), p.inputs.end(), "sub/common.yml") != p.inputs.end());
  Project loop = load(src, {"loop.yml"});
  REQUIRE_FALSE(loop.valid());
  CHECK(loop.errors[0].message.find("cycle") != std::string::npos);
}

TEST_CASE("include: another project's services join, a clash is an error", "[compose][include]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml", "include: [lib/db.yml]\nservices:\n  app: {image: app, depends_on: [db]}\n"},
      {"lib/db.yml", "services:\n  db: {image: 'postgres:${PG:-16}'}\n"},
      {"lib/.env", "PG=15\n"},
      {"clash.yml", "include: [lib/db.yml]\nservices:\n  db: {image: other}\n"},
      {"twice.yml",
       "include: [lib/db.yml, lib/same.yml]\nservices:\n  db: {image: 'postgres:15'}\n"},
      {"lib/same.yml", "services:\n  db: {image: 'postgres:15'}\n"}});
  Project p = load(src, {"c.yml"});
  INFO(errors(p));
  REQUIRE(p.valid());
  CHECK(model(p)["services"]["db"]["image"] == "postgres:15");
  CHECK_FALSE(load(src, {"clash.yml"}).valid());
  // The same definition met again, imported or written here, is no clash (as in compose).
  Project twice = load(src, {"twice.yml"});
  INFO(errors(twice));
  CHECK(twice.valid());
}

TEST_CASE("include: its env_file replaces the included project's .env, and must exist",
          "[compose][include]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml", "include:\n  - path: lib/db.yml\n    env_file: [pg.env]\nservices: {}\n"},
      {"missing.yml", "include:\n  - path: lib/db.yml\n    env_file: nope.env\nservices: {}\n"},
      {"lib/db.yml", "services:\n  db: {image: 'postgres:${PG:-16}'}\n"},
      {"lib/.env", "PG=15\n"},
      {"pg.env", "PG=17\n"}});
  Project p = load(src, {"c.yml"});
  INFO(errors(p));
  REQUIRE(p.valid());
  CHECK(model(p)["services"]["db"]["image"] == "postgres:17");
  Project missing = load(src, {"missing.yml"});
  REQUIRE_FALSE(missing.valid());
  CHECK(missing.errors[0].line == 3);
  CHECK(missing.errors[0].message == "env file nope.env not found");
}

TEST_CASE("env_file: missing is an error, unless optional or ignored by git",
          "[compose][env_file]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml", "services:\n  s:\n    image: a\n    env_file: local.env\n"},
      {"o.yml",
       "services:\n  s:\n    image: a\n    env_file: [{path: local.env, required: false}]\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE_FALSE(p.valid());
  CHECK(p.errors[0].line == 4);
  CHECK(load(src, {"o.yml"}).valid());
  src.set_ignored({"local.env"});
  Project ignored = load(src, {"c.yml"});
  CHECK(ignored.valid());
  CHECK_FALSE(ignored.warnings.empty());
}

TEST_CASE("a mistake in an anchored block is reported once, not once per service",
          "[compose][env_file]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "x-app: &app\n  image: a\n  env_file: missing.env\nservices:\n  s: *app\n  t: *app\n  u:\n  "
       "  <<: *app\n"}});
  Project p = load(src, {"c.yml"});
  INFO(errors(p));
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].line == 3);
  CHECK(p.errors[0].message == "env file missing.env not found");
}

TEST_CASE("implicit dependencies: links, volumes_from, network_mode service:", "[compose][model]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  db: {image: db}\n  a: {image: a, links: ['db:database']}\n"
       "  b: {image: b, network_mode: 'service:db', volumes_from: ['a:ro']}\n"},
      {"bad.yml", "services:\n  a: {image: a, links: [nope]}\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.valid());
  auto m = model(p)["services"];
  CHECK(m["a"]["depends_on"].contains("db"));
  CHECK(m["b"]["depends_on"].contains("db"));
  CHECK(m["b"]["depends_on"].contains("a"));
  Project bad = load(src, {"bad.yml"});
  REQUIRE_FALSE(bad.valid());
  CHECK(bad.errors[0].message.find("undefined service 'nope'") != std::string::npos);
}

TEST_CASE("environment: env_file first, environment on top, bare names from the environment",
          "[compose][model]") {
  MemorySource src(
      std::map<std::string, std::string>{{"c.yml",
                                          "services:\n  s:\n    image: a\n    env_file: "
                                          "[app.env]\n    environment: [B=explicit, FROM_SHELL]\n"},
                                         {"app.env", "A=from-file\nB=from-file\n"}});
  Project p = load(src, {"c.yml"}, {}, {{"FROM_SHELL", "shell"}});
  REQUIRE(p.valid());
  CHECK(model(p)["services"]["s"]["environment"] ==
        nlohmann::ordered_json({{"A", "from-file"}, {"B", "explicit"}, {"FROM_SHELL", "shell"}}));
}

TEST_CASE("the model reads dependencies, mounts and commands in long form", "[compose][model]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  db: {image: db}\n  s:\n    image: a\n    command: sh -c 'echo \"a b\"'\n"
       "    depends_on: {db: {condition: service_healthy}}\n"
       "    volumes: [data:/data:ro, ./src:/src, /anon]\nvolumes: {data: {}}\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.valid());
  const Node& s = *p.service("s");
  CHECK(command_words(s) == std::vector<std::string>{"sh", "-c", "echo \"a b\""});
  auto deps = dependencies(s);
  REQUIRE(deps.size() == 1);
  CHECK(deps[0].condition == "service_healthy");
  auto m = mounts(s);
  REQUIRE(m.size() == 3);
  CHECK((m[0].type == "volume" && m[0].source == "data" && m[0].read_only));
  CHECK(m[1].type == "bind");
  CHECK((m[2].type == "volume" && m[2].source.empty()));
}

TEST_CASE("paths: relative to the project folder; extends and include rebase theirs",
          "[compose][paths]") {
  MemorySource src(std::map<std::string, std::string>{
      {"p/c.yml", "services:\n  s:\n    extends: {file: sub/base.yml, service: b}\n"},
      {"p/sub/base.yml", "services:\n  b:\n    image: b\n    env_file: [base.env]\n"},
      {"p/sub/base.env", "A=1\n"},
      {"p/i.yml", "include:\n  - path: lib/svc.yml\n    project_directory: other\nservices: {}\n"},
      {"p/lib/svc.yml", "services:\n  t:\n    image: t\n    env_file: t.env\n"},
      {"p/other/t.env", "B=2\n"},
      {"p/o.yml", "services:\n  s:\n    image: a\n    env_file: o.env\n"},
      {"p/overlays/o2.yml", "services:\n  s:\n    env_file: o.env\n"},
      {"p/o.env", "C=3\n"}});
  CHECK(load(src, {"p/c.yml"}).valid());
  CHECK(load(src, {"p/i.yml"}).valid());
  // An overlay in another folder still resolves relative to the project (the first file's folder).
  CHECK(load(src, {"p/o.yml", "p/overlays/o2.yml"}).valid());
}

TEST_CASE("schema: free-form objects (ipam.config, develop) accept any keys",
          "[compose][validation]") {
  MemorySource src(
      std::map<std::string, std::string>{{"c.yml",
                                          "services:\n  s:\n    image: a\n    develop: {watch: "
                                          "[{path: ., action: sync, target: /app}]}\n"
                                          "networks:\n  n:\n    ipam:\n      config:\n        - "
                                          "subnet: 10.0.0.0/24\n          gateway: 10.0.0.1\n"}});
  Project p = load(src, {"c.yml"});
  INFO(errors(p));
  CHECK(p.valid());
}

TEST_CASE("durations and byte sizes: read as compose reads them, printed as Go prints them",
          "[compose][model]") {
  CHECK(format_go_duration(*parse_go_duration("90s")) == "1m30s");
  CHECK(format_go_duration(*parse_go_duration("1h2m")) == "1h2m0s");
  CHECK(format_go_duration(*parse_go_duration("1500ms")) == "1.5s");
  CHECK(format_go_duration(*parse_go_duration("500ms")) == "500ms");
  CHECK(format_go_duration(*parse_go_duration("1d")) == "24h0m0s");
  CHECK(format_go_duration(*parse_go_duration("0")) == "0s");
  CHECK(format_go_duration(2500) == "2.5\xC2\xB5s");
  CHECK_FALSE(parse_go_duration("10 parsecs"));
  CHECK(*parse_byte_size("1.5G") == 1610612736LL);
  CHECK(*parse_byte_size("64m") == 67108864LL);
  CHECK(*parse_byte_size("1gb") == 1073741824LL);
  CHECK(*parse_byte_size("512") == 512);
  CHECK_FALSE(parse_byte_size("lots"));
}

TEST_CASE("the model is typed as compose-go types it", "[compose][model]") {
  MemorySource src(std::map<std::string, std::string>{
      {"c.yml",
       "services:\n  s:\n    image: a\n    platform: ''\n    x-private: 1\n"
       "    healthcheck: {test: curl x, interval: 90s, retries: '3'}\n"
       "    deploy: {resources: {limits: {memory: 1.5G, cpus: '0.5'}}}\n"
       "  off: {image: b, profiles: [p], volumes: ['unused:/u']}\n"
       "volumes: {unused: {}}\nx-top: {a: 1}\n"}});
  Project p = load(src, {"c.yml"});
  REQUIRE(p.valid());
  auto m = project_json(p, "proj");
  const auto& s = m["services"]["s"];
  CHECK(s["command"].is_null());
  CHECK(s["entrypoint"].is_null());
  CHECK_FALSE(s.contains("platform"));
  CHECK_FALSE(s.contains("x-private"));
  CHECK(s["healthcheck"]["test"] == nlohmann::ordered_json({"CMD-SHELL", "curl x"}));
  CHECK(s["healthcheck"]["interval"] == "1m30s");
  CHECK(s["healthcheck"]["retries"] == 3);
  CHECK(s["deploy"]["resources"]["limits"]["memory"] == "1610612736");
  CHECK(s["deploy"]["resources"]["limits"]["cpus"] == 0.5);
  CHECK(s["deploy"]["placement"] == nlohmann::ordered_json::object());
  CHECK(s["networks"] == nlohmann::ordered_json({{"default", nullptr}}));
  CHECK(m["networks"]["default"]["name"] == "proj_default");
  CHECK_FALSE(m.contains("volumes"));  // only a disabled service uses it
  CHECK(m["x-top"]["a"] == 1);
}
