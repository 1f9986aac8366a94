// The built-in default suite on copies of examples/prod-app: every check
// catches the regression it exists for, at the right place, and the
// legitimate ways of writing the same thing still pass.
#include <catch2/catch.hpp>

#include <set>

#include "git/change_set.h"
#include "support/test_support.h"

using namespace smokehook;
using namespace smokehook::test;

namespace {

const char kBase[] = "docker-compose.yml";
const char kProd[] = "docker-compose.prod.yml";

int line_of(const MemorySource& src, const std::string& path, const std::string& needle) {
  std::string text, err;
  REQUIRE(src.read(path, &text, &err) == ReadStatus::Ok);
  size_t pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

bool has_finding(const CheckResult& r, const std::string& path, int line,
                 const std::string& words = "") {
  for (const auto& f : r.findings)
    if (f.path == path && (line == 0 || f.line == line) &&
        f.message.find(words) != std::string::npos)
      return true;
  return false;
}

std::string describe(const CheckResult& r) {
  std::string out = std::string(status_name(r.status)) + ": " + r.message;
  for (const auto& f : r.findings) out += "\n  " + f.to_string();
  return out;
}

}  // namespace

TEST_CASE("the example app passes every default check", "[checks]") {
  MemorySource app = example_app();
  Outcome o = run_all(app);
  CHECK(o.report.rows.size() == 14);
  CHECK(o.failed().empty());
  CHECK(o.report.passed() == 14);
}

TEST_CASE("compose.base: an invalid base file fails it, at the offending line",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kBase, "    volumes:\n      - pgdata", "    volume:\n      - pgdata");
  Outcome o = run_all(app);
  INFO(describe(o["compose.base"]));
  CHECK(o["compose.base"].status == CheckStatus::Fail);
  CHECK(has_finding(o["compose.base"], kBase, line_of(app, kBase, "    volume:"),
                    "did you mean 'volumes'"));
  // The checks that need the base project name the validity check.
  CHECK(o["migrate.service"].status == CheckStatus::Fail);
  CHECK(o["migrate.service"].message.find("compose.base") != std::string::npos);
  CHECK(o["wiring.metrics"].status == CheckStatus::Pass);
}

TEST_CASE("compose.prod: an invalid overlay fails it and not the base", "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kProd, "          memory: 1g", "          memry: 1g");
  Outcome o = run_all(app);
  INFO(describe(o["compose.prod"]));
  CHECK(o["compose.prod"].status == CheckStatus::Fail);
  CHECK(has_finding(o["compose.prod"], kProd, line_of(app, kProd, "memry"), "unknown key 'memry'"));
  CHECK(o["compose.profile.combined"].status == CheckStatus::Fail);
  CHECK(o["compose.base"].status == CheckStatus::Pass);
  CHECK(o["migrate.service"].status == CheckStatus::Pass);
}

TEST_CASE("compose.profile.multi-worker: a worker missing from the profile fails it",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kBase, "python -m server.worker --queues low\n    profiles: [multi-worker]",
       "python -m server.worker --queues low\n    profiles: [low-priority]");
  Outcome o = run_all(app);
  INFO(describe(o["compose.profile.multi-worker"]));
  CHECK(o.failed() == std::vector<std::string>{"compose.profile.multi-worker"});
  CHECK(has_finding(o["compose.profile.multi-worker"], kBase, 0, "worker-low"));
}

TEST_CASE("compose.profile.multi-shard: the second shard outside the profile fails it",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kBase, "profiles: [multi-shard]", "profiles: [multi-shards]");
  Outcome o = run_all(app);
  INFO(describe(o["compose.profile.multi-shard"]));
  CHECK(o["compose.profile.multi-shard"].status == CheckStatus::Fail);
  CHECK(has_finding(o["compose.profile.multi-shard"], kBase, 0, "baileys-2"));
  CHECK(o["compose.base"].status == CheckStatus::Pass);
}

TEST_CASE("compose.profile.combined: an error only the combined project has fails only it",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kProd, "  baileys-2:\n    restart: unless-stopped",
       "  baileys-2:\n    restart: unless-stopped\n    volumes:\n      - whatsapp_backup:/backup");
  Outcome o = run_all(app);
  INFO(describe(o["compose.profile.combined"]));
  CHECK(o.failed() == std::vector<std::string>{"compose.profile.combined", "migrate.ordering"});
  CHECK(has_finding(o["compose.profile.combined"], kProd, line_of(app, kProd, "whatsapp_backup"),
                    "undefined volume 'whatsapp_backup'"));
}

TEST_CASE("migrate.service: renaming the migrate service fails it", "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kBase, "\n  migrate:\n    <<: *app", "\n  db-migrate:\n    <<: *app");
  edit(app, kBase, "  migrate:\n    condition: service_completed_successfully",
       "  db-migrate:\n    condition: service_completed_successfully");
  Outcome o = run_all(app);
  INFO(describe(o["migrate.service"]));
  CHECK(o["compose.base"].status == CheckStatus::Pass);
  CHECK(o["migrate.service"].status == CheckStatus::Fail);
  CHECK(has_finding(o["migrate.service"], kBase, 0, "service 'migrate' is not defined"));
  CHECK(o["migrate.command"].status == CheckStatus::Fail);
  CHECK(o["migrate.ordering"].status == CheckStatus::Fail);
}

TEST_CASE("migrate.command: another module fails it, at the command", "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kBase, "command: python -m server.db_migrate",
       "command: python -m server.db_migrate_old");
  Outcome o = run_all(app);
  INFO(describe(o["migrate.command"]));
  CHECK(o.failed() == std::vector<std::string>{"migrate.command"});
  CHECK(has_finding(o["migrate.command"], kBase, line_of(app, kBase, "server.db_migrate_old"),
                    "server.db_migrate"));
}

TEST_CASE("migrate.ordering: the api no longer waiting for migrate fails it",
          "[checks][regression]") {
  MemorySource app = example_app();
  std::string api =
      "--port\", \"8000\"]\n    ports:\n      - \"${API_PORT:-8000}:8000\"\n    depends_on: "
      "*after-migrate";
  edit(app, kBase, api,
       "--port\", \"8000\"]\n    ports:\n      - \"${API_PORT:-8000}:8000\"\n    depends_on: "
       "[redis]");
  Outcome o = run_all(app);
  INFO(describe(o["migrate.ordering"]));
  CHECK(o.failed() == std::vector<std::string>{"migrate.ordering"});
  CHECK(has_finding(o["migrate.ordering"], kBase, line_of(app, kBase, "depends_on: [redis]"),
                    "service 'api' does not depend on 'migrate'"));
}

TEST_CASE("migrate.ordering: a worker waiting only for migrate to start fails it",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kProd, "  worker-low:\n    restart: unless-stopped",
       "  worker-low:\n    restart: unless-stopped\n    depends_on:\n      migrate:\n        "
       "condition: service_started");
  Outcome o = run_all(app);
  INFO(describe(o["migrate.ordering"]));
  CHECK(o.failed() == std::vector<std::string>{"migrate.ordering"});
  CHECK(has_finding(o["migrate.ordering"], kProd, line_of(app, kProd, "condition: service_started"),
                    "'worker-low' depends on 'migrate' with condition service_started"));
}

TEST_CASE("shards.volumes: the second shard on the first shard's volume fails it",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, kBase, "source: whatsapp_auth_shard2", "source: whatsapp_auth");
  Outcome o = run_all(app);
  INFO(describe(o["shards.volumes"]));
  CHECK(o.failed() == std::vector<std::string>{"shards.volumes"});
  CHECK(has_finding(o["shards.volumes"], kBase, 0,
                    "does not mount the named volume 'whatsapp_auth_shard2'"));
  CHECK(has_finding(o["shards.volumes"], kBase, 0, "mounted by both 'baileys' and 'baileys-2'"));
}

TEST_CASE("ssot.baileys-base-url: a direct use outside config fails it, at the use",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, "server/calls.py", "import threading\n",
       "import os\nimport threading\n\nURL = os.environ[\"BAILEYS_BASE_URL\"]\n");
  app.put("web/src/client.ts", "export const url = process.env.BAILEYS_BASE_URL;\n");
  Outcome o = run_all(app);
  INFO(describe(o["ssot.baileys-base-url"]));
  CHECK(o.failed() == std::vector<std::string>{"ssot.baileys-base-url"});
  CHECK(has_finding(o["ssot.baileys-base-url"], "server/calls.py", 4));
  const auto& f = o["ssot.baileys-base-url"].findings;
  REQUIRE(f.size() == 2);
  CHECK(f[0].column == 19);
  CHECK(has_finding(o["ssot.baileys-base-url"], "web/src/client.ts", 1));
}

TEST_CASE("wiring.metrics: importing without calling fails it", "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, "server/app_factory.py", "    register_metrics_endpoint(app)\n", "");
  Outcome o = run_all(app);
  INFO(describe(o["wiring.metrics"]));
  CHECK(o.failed() == std::vector<std::string>{"wiring.metrics"});
  CHECK(has_finding(o["wiring.metrics"], "server/app_factory.py", 0));
}

TEST_CASE("wiring.calls-capacity: dropping the capacity fails it", "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, "server/routes_twilio.py",
       "\"\"\"Twilio voice webhooks. Every call holds one slot of calls_capacity until it "
       "ends.\"\"\"",
       "\"\"\"Twilio voice webhooks.\"\"\"");
  edit(app, "server/routes_twilio.py",
       "from server.config import CALLS_CAPACITY as calls_capacity\n", "");
  edit(app, "server/routes_twilio.py", "f\"all {calls_capacity} call slots busy\"", "\"busy\"");
  Outcome o = run_all(app);
  INFO(describe(o["wiring.calls-capacity"]));
  CHECK(o.failed() == std::vector<std::string>{"wiring.calls-capacity"});
  CHECK(has_finding(o["wiring.calls-capacity"], "server/routes_twilio.py", 0, "calls_capacity"));
}

TEST_CASE("wiring.calls-slots: a slot acquired but never released fails it",
          "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, "server/routes_twilio.py", "    release_call_slot()\n", "");
  Outcome o = run_all(app);
  INFO(describe(o["wiring.calls-slots"]));
  CHECK(o.failed() == std::vector<std::string>{"wiring.calls-slots"});
  CHECK(has_finding(o["wiring.calls-slots"], "server/routes_twilio.py", 0, "release_call_slot"));
}

TEST_CASE("migrations.whatsapp-shard: a missing migration fails it", "[checks][regression]") {
  MemorySource app = example_app();
  edit(app, "server/db_migrate.py",
       "    (139, \"whatsapp_shard\", \"ALTER TABLE whatsapp_sessions ADD COLUMN shard_id INTEGER "
       "NOT NULL DEFAULT 1\"),\n",
       "");
  Outcome o = run_all(app);
  INFO(describe(o["migrations.whatsapp-shard"]));
  CHECK(o.failed() == std::vector<std::string>{"migrations.whatsapp-shard"});
  CHECK(has_finding(o["migrations.whatsapp-shard"], "server/db_migrate.py", 0, "whatsapp_shard"));
}

TEST_CASE("a deleted required file fails its check", "[checks][regression]") {
  MemorySource app = example_app();
  app.remove("server/routes_twilio.py");
  Outcome o = run_all(app);
  CHECK(o.failed() == std::vector<std::string>{"wiring.calls-capacity", "wiring.calls-slots"});
  CHECK(has_finding(o["wiring.calls-slots"], "server/routes_twilio.py", 0, "missing"));
}

// ---- legitimate variants ------------------------------------------------

TEST_CASE("variants: command as a list, or inside sh -c, still runs the module",
          "[checks][variants]") {
  for (std::string cmd :
       {"command: [\"python\", \"-m\", \"server.db_migrate\"]",
        "command:\n      - python\n      - -m\n      - server.db_migrate\n      - --verbose",
        "command: sh -c \"python -m server.db_migrate && echo migrated\"",
        "command: python server/db_migrate.py",
        "command: python -m ${MIGRATE_MODULE:-server.db_migrate}"}) {
    MemorySource app = example_app();
    edit(app, kBase, "command: python -m server.db_migrate", cmd);
    Outcome o = run_all(app);
    INFO(cmd << "\n" << describe(o["migrate.command"]));
    CHECK(o.failed().empty());
  }
}

TEST_CASE("variants: a module name that only starts like the required one does not count",
          "[checks][variants]") {
  for (std::string cmd :
       {"command: python -m server.db_migrate2", "command: python -m server.db_migrate.old",
        "command: [\"python\", \"-m\", \"server.db_migrate_old\"]", "command: python -m other"}) {
    MemorySource app = example_app();
    edit(app, kBase, "command: python -m server.db_migrate", cmd);
    Outcome o = run_all(app);
    INFO(cmd);
    CHECK(o.failed() == std::vector<std::string>{"migrate.command"});
  }
}

TEST_CASE("variants: depends_on in long form without anchors, short form elsewhere",
          "[checks][variants]") {
  MemorySource app = example_app();
  edit(app, kBase, "    depends_on:\n      postgres:\n        condition: service_healthy",
       "    depends_on: [postgres, redis]");
  std::string api = "\"${API_PORT:-8000}:8000\"\n    depends_on: *after-migrate";
  edit(app, kBase, api,
       "\"${API_PORT:-8000}:8000\"\n    depends_on:\n      redis: {condition: service_started}\n"
       "      migrate:\n        condition: service_completed_successfully\n        required: true");
  Outcome o = run_all(app);
  INFO(describe(o["migrate.ordering"]) << "\n" << describe(o["compose.base"]));
  CHECK(o.failed().empty());
}

TEST_CASE("variants: volumes in short and long syntax", "[checks][variants]") {
  MemorySource app = example_app();
  edit(app, kBase, "      - whatsapp_auth:/app/auth",
       "      - type: volume\n        source: whatsapp_auth\n        target: /app/auth");
  edit(app, kBase,
       "      - type: volume\n        source: whatsapp_auth_shard2\n        target: /app/auth",
       "      - whatsapp_auth_shard2:/app/auth:rw");
  Outcome o = run_all(app);
  INFO(describe(o["shards.volumes"]));
  CHECK(o.failed().empty());
}

TEST_CASE("variants: the same project without anchors or merge keys", "[checks][variants]") {
  MemorySource app = example_app();
  std::string text, err;
  app.read(kBase, &text, &err);
  // Expand the x-app anchor by hand into the migrate service only; the others keep <<.
  edit(app, kBase, "  migrate:\n    <<: *app\n",
       "  migrate:\n    build: .\n    image: prod-app:${APP_VERSION:-latest}\n    env_file: "
       ".env.defaults\n"
       "    environment:\n      - DATABASE_URL=postgresql://app:app@postgres:5432/app\n");
  Outcome o = run_all(app);
  CHECK(o.failed().empty());
}

TEST_CASE("variants: CRLF line endings everywhere", "[checks][variants]") {
  MemorySource app = example_app();
  MemorySource crlf;
  for (const auto& path : app.paths()) {
    std::string text, err, out;
    app.read(path, &text, &err);
    for (char c : text) {
      if (c == '\n') out += '\r';
      out += c;
    }
    crlf.put(path, out);
  }
  Outcome o = run_all(crlf);
  for (const auto& id : o.failed()) INFO(id << ": " << describe(o[id]));
  CHECK(o.failed().empty());
}

TEST_CASE("variants: the ssot gate allows config, router, tests and node_modules, and other words",
          "[checks][variants]") {
  MemorySource app = example_app();
  app.put("server/config.py", "BAILEYS_BASE_URL = 'x'\n");
  app.put("web/router.ts", "const u = process.env.BAILEYS_BASE_URL;\n");
  app.put("web/config/index.js", "module.exports = process.env.BAILEYS_BASE_URL;\n");
  app.put("server/tests/test_urls.py", "BAILEYS_BASE_URL\n");
  app.put("web/node_modules/lib/index.js", "BAILEYS_BASE_URL\n");
  app.put("server/legacy.py", "LEGACY_BAILEYS_BASE_URL = 1\nBAILEYS_BASE_URL_V2 = 2\n");
  app.put("docs/setup.md", "Set BAILEYS_BASE_URL in config.\n");
  app.put("scripts/deploy.sh", "echo $BAILEYS_BASE_URL\n");
  Outcome o = run_all(app);
  INFO(describe(o["ssot.baileys-base-url"]));
  CHECK(o.failed().empty());
}

TEST_CASE("variants: ${VAR:-default} and $$ in the compose files", "[checks][variants]") {
  MemorySource app = example_app();
  edit(app, kBase, "image: redis:7-alpine",
       "image: redis:${REDIS_TAG:-7-alpine}\n    command: [\"sh\", \"-c\", \"echo $$HOSTNAME\"]");
  Outcome o = run_all(app);
  CHECK(o.failed().empty());
}

// ---- compose failures: the right check, the right file and line -------------

TEST_CASE("compose failures are findings of compose.base at the right place", "[checks][compose]") {
  struct Case {
    const char* name;
    const char* from;
    const char* to;
    const char* at;  // text on the line the finding must point at
    const char* words;
  };
  const Case cases[] = {
      {"syntax error", "  redis:\n    image: redis:7-alpine",
       "  redis:\n    image: [redis:7-alpine", "image: [redis", "YAML"},
      {"unknown key", "    image: redis:7-alpine", "    imagee: redis:7-alpine", "imagee",
       "did you mean 'image'"},
      {"wrong type", "    ports:\n      - \"${API_PORT:-8000}:8000\"", "    ports: \"8000:8000\"",
       "ports: \"8000", "must be a list"},
      {"undefined dependency", "  redis:\n    condition: service_started",
       "  cache:\n    condition: service_started", "  cache:", "undefined service 'cache'"},
      {"undeclared volume", "      - pgdata:/var/lib", "      - pg_data:/var/lib", "pg_data",
       "undefined volume 'pg_data'"},
      {"cycle", "    image: redis:7-alpine", "    image: redis:7-alpine\n    depends_on: [api]",
       nullptr, "dependency cycle detected"},
      {"required variable", "image: postgres:16", "image: postgres:${PG_VERSION:?set PG_VERSION}",
       "PG_VERSION", "required variable PG_VERSION is missing a value: set PG_VERSION"},
      {"duplicate key", "    image: redis:7-alpine",
       "    image: redis:7-alpine\n    image: redis:6", "image: redis:6", "duplicate key 'image'"},
      {"bad enum", "condition: service_healthy", "condition: service_health", "service_health",
       "did you mean 'service_healthy'"},
  };
  for (const Case& c : cases) {
    MemorySource app = example_app();
    edit(app, kBase, c.from, c.to);
    Outcome o = run_all(app);
    INFO(c.name << "\n" << describe(o["compose.base"]));
    CHECK(o["compose.base"].status == CheckStatus::Fail);
    CHECK(has_finding(o["compose.base"], kBase, c.at ? line_of(app, kBase, c.at) : 0, c.words));
  }
}

TEST_CASE("staged selection: an unrelated change reads only what it must", "[checks][selection]") {
  MemorySource app = example_app();
  edit(app, "server/worker.py", "import argparse", "import argparse  # tuned");
  size_t reads_before = app.reads().size();
  Outcome o = run_staged(app, {"server/worker.py"});
  CHECK(o.report.affected == 1);  // the ssot gate: *.py
  // The gate reads the changed file; the compose checks only glance at their
  // files' text to see whether they could pull the changed file in.
  std::set<std::string> read(app.reads().begin() + static_cast<long>(reads_before),
                             app.reads().end());
  CHECK(read ==
        std::set<std::string>{"docker-compose.yml", "docker-compose.prod.yml", "server/worker.py"});
}

TEST_CASE("staged selection: a file a compose project pulls in makes its checks affected",
          "[checks][selection]") {
  MemorySource app = example_app();
  Outcome o = run_staged(app, {".env.defaults"});
  CHECK(o.report.affected == 9);
  CHECK(o.failed().empty());
}

TEST_CASE("staged selection: an env_file named through a variable or an alias may be any file",
          "[checks][selection]") {
  // stage.env is deleted: no compose text names it, yet the base project reads it.
  struct Case {
    const char* name;
    const char* from;
    const char* to;
  };
  const Case cases[] = {
      {"variable", "env_file: .env.defaults", "env_file: ./${DEFAULTS:-.env.defaults}"},
      {"variable in a list below the key", "env_file: .env.defaults",
       "env_file:\n    - ./${DEFAULTS:-.env.defaults}"},
      {"label_file", "env_file: .env.defaults",
       "env_file: .env.defaults\n  label_file: ./${DEFAULTS:-.env.defaults}"},
      // An alias: the anchored text is elsewhere, and may hold a variable.
      {"alias",
       "x-app: &app\n  build: .\n  image: prod-app:${APP_VERSION:-latest}\n  env_file: "
       ".env.defaults",
       "x-defaults: &defaults ./${DEFAULTS:-.env.defaults}\n"
       "x-app: &app\n  build: .\n  image: prod-app:${APP_VERSION:-latest}\n  env_file: *defaults"},
  };
  for (const Case& c : cases) {
    MemorySource app = example_app();
    edit(app, "docker-compose.yml", c.from, c.to);
    app.put(".env", "DEFAULTS=stage.env\n");
    Outcome o = run_staged(app, {"stage.env"});
    INFO(c.name << "\n" << describe(o["compose.base"]));
    CHECK(o.report.affected == 9);
    CHECK(o["compose.base"].status == CheckStatus::Fail);
    CHECK(has_finding(o["compose.base"], "docker-compose.yml", 0, " file stage.env not found"));
  }
}

TEST_CASE("a regex that parses but is too large for RE2 fails its check, never passes it",
          "[checks][regex]") {
  // Regexes are checked when the configuration is read and compiled when first used;
  // one that only the compiler rejects must not read as "no match" or "nothing found".
  std::string big;
  for (int i = 0; i < 40; ++i) big += "[\\\\p{L}\\\\p{N}]{1000}";
  MemorySource app = example_app();
  Outcome o = run_all(app,
                      "version: 1\nchecks:\n"
                      "  - {id: req, kind: require, path: server/app_factory.py, patterns: [\"" +
                          big +
                          "\"]}\n"
                          "  - {id: gate, kind: forbid, pattern: \"" +
                          big + "\", paths: [\"server/app_factory.py\"]}\n");
  INFO(describe(o["req"]) << "\n" << describe(o["gate"]));
  CHECK(o["req"].status == CheckStatus::Fail);
  CHECK(has_finding(o["req"], "server/app_factory.py", 0, "cannot be compiled"));
  CHECK(o["gate"].status == CheckStatus::Fail);
  CHECK(has_finding(o["gate"], "server/app_factory.py", 0, "cannot be compiled"));
}

// ---- No false pass: a check passes only what it checked --------------------

namespace {

std::string config_with(const std::string& checks) { return "version: 1\nchecks:\n" + checks; }

bool message_has(const CheckResult& r, const std::string& words) {
  return r.message.find(words) != std::string::npos;
}

}  // namespace

TEST_CASE("no false pass: a compose-depends glob that matches no service fails, naming it",
          "[checks][nofalse]") {
  MemorySource app = example_app();
  Outcome o =
      run_all(app, config_with("  - {id: dep, kind: compose-depends, files: [docker-compose.yml],\n"
                               "     services: [api, 'snuba-*-consumerz'], depend_on: migrate}\n"));
  INFO(describe(o["dep"]));
  CHECK(o["dep"].status == CheckStatus::Fail);
  CHECK(has_finding(o["dep"], kBase, 0,
                    "services: 'snuba-*-consumerz' matches no service of docker-compose.yml"));
  CHECK(o["dep"].findings.size() == 1);  // api itself is fine
}

TEST_CASE("no false pass: a compose-depends glob matching only disabled services fails",
          "[checks][nofalse]") {
  // worker-h* is defined, but only under the multi-worker profile, which the base project does not
  // activate.
  MemorySource app = example_app();
  Outcome o = run_all(
      app, config_with("  - {id: dep, kind: compose-depends, files: [docker-compose.yml],\n"
                       "     services: ['worker-h*'], depend_on: migrate}\n"
                       "  - {id: self, kind: compose-depends, files: [docker-compose.yml],\n"
                       "     services: ['migr*'], depend_on: migrate}\n"));
  INFO(describe(o["dep"]) << "\n" << describe(o["self"]));
  CHECK(o["dep"].status == CheckStatus::Fail);
  CHECK(message_has(
      o["dep"],
      "'worker-h*' matches no enabled service of docker-compose.yml (1 defined, none enabled)"));
  CHECK(o["self"].status ==
        CheckStatus::Fail);  // the only service it matches is the one depended on
  CHECK(message_has(o["self"], "besides 'migrate' itself"));
}

TEST_CASE("no false pass: each project of a compose-depends check needs its own match",
          "[checks][nofalse]") {
  // worker-high exists in both projects, but is enabled only in the one with the multi-worker
  // profile.
  MemorySource app = example_app();
  std::string config = config_with(
      "  - id: dep\n    kind: compose-depends\n    projects:\n"
      "      - files: [docker-compose.yml]\n        profiles: [multi-worker]\n"
      "      - files: [docker-compose.yml]\n"
      "    services: ['worker-hi*']\n    depend_on: migrate\n");
  Outcome o = run_all(app, config);
  INFO(describe(o["dep"]));
  CHECK(o["dep"].status == CheckStatus::Fail);
  REQUIRE(o["dep"].findings.size() == 1);
  CHECK(o["dep"].findings[0].message.find("no enabled service of docker-compose.yml (1 defined") !=
        std::string::npos);
  CHECK(o["dep"].findings[0].message.find("profile") ==
        std::string::npos);  // the base project, not the profiled one
}

TEST_CASE("no false pass: compose-volumes selectors that select nothing fail",
          "[checks][nofalse]") {
  MemorySource app = example_app();
  Outcome o =
      run_all(app, config_with("  - {id: none, kind: compose-volumes, files: [docker-compose.yml], "
                               "profiles: [multi-shard], distinct_among: 'bailey*z'}\n"
                               "  - {id: one, kind: compose-volumes, files: [docker-compose.yml], "
                               "distinct_among: 'baileys*'}\n"
                               "  - {id: two, kind: compose-volumes, files: [docker-compose.yml], "
                               "profiles: [multi-shard], distinct_among: 'baileys*'}\n"
                               "  - {id: mounts, kind: compose-volumes, files: "
                               "[docker-compose.yml], mounts: {bailys: whatsapp_auth}}\n"));
  INFO(describe(o["none"]) << "\n" << describe(o["one"]) << "\n" << describe(o["mounts"]));
  CHECK(o["none"].status == CheckStatus::Fail);
  CHECK(message_has(o["none"], "distinct_among: 'bailey*z' matches no service"));
  CHECK(o["one"].status == CheckStatus::Fail);  // baileys-2 is not enabled without the profile
  CHECK(message_has(o["one"], "distinct_among: 'baileys*' matches only one enabled service"));
  CHECK(o["two"].status == CheckStatus::Pass);
  CHECK(o["mounts"].status == CheckStatus::Fail);
  CHECK(message_has(o["mounts"], "mounts: service 'bailys' is not defined"));
}

TEST_CASE("no false pass: a require_enabled service that is not defined fails, naming it",
          "[checks][nofalse]") {
  MemorySource app = example_app();
  Outcome o = run_all(
      app,
      config_with("  - {id: v, kind: compose-valid, files: [docker-compose.yml],\n"
                  "     profiles: [multi-worker], require_enabled: [worker-high, worker-hihg]}\n"));
  INFO(describe(o["v"]));
  CHECK(o["v"].status == CheckStatus::Fail);
  CHECK(message_has(o["v"], "require_enabled: service 'worker-hihg' is not defined"));
  CHECK(o["v"].findings.size() == 1);
}

TEST_CASE("brace globs select services in compose-depends and compose-volumes",
          "[checks][nofalse][glob]") {
  MemorySource app = example_app();
  std::string config = config_with(
      "  - {id: dep, kind: compose-depends, files: [docker-compose.yml], services: "
      "['{api,worker}'],\n"
      "     depend_on: migrate, condition: service_completed_successfully}\n"
      "  - {id: vol, kind: compose-volumes, files: [docker-compose.yml], profiles: [multi-shard],\n"
      "     distinct_among: '{baileys,baileys-{2,3}}'}\n");
  Outcome good = run_all(app, config);
  INFO(describe(good["dep"]) << "\n" << describe(good["vol"]));
  CHECK(good["dep"].status == CheckStatus::Pass);
  CHECK(message_has(good["dep"], "2 service dependencies"));
  CHECK(good["vol"].status == CheckStatus::Pass);
  // Each alternative is really checked: the worker (second) and baileys-2 (nested) break.
  edit(app, kBase,
       "command: python -m server.worker --queues default\n    depends_on: *after-migrate",
       "command: python -m server.worker --queues default");
  edit(app, kBase, "source: whatsapp_auth_shard2", "source: whatsapp_auth");
  Outcome bad = run_all(app, config);
  INFO(describe(bad["dep"]) << "\n" << describe(bad["vol"]));
  CHECK(bad["dep"].status == CheckStatus::Fail);
  CHECK(message_has(bad["dep"], "service 'worker' does not depend on 'migrate'"));
  CHECK(bad["vol"].status == CheckStatus::Fail);
  CHECK(message_has(bad["vol"], "mounted by both 'baileys' and 'baileys-2'"));
  // A brace selector that matches nothing fails like any other.
  Outcome none =
      run_all(app, config_with("  - {id: dep, kind: compose-depends, files: [docker-compose.yml],\n"
                               "     services: ['{postgress,rediss}'], depend_on: migrate}\n"));
  CHECK(none["dep"].status == CheckStatus::Fail);
  CHECK(message_has(none["dep"], "'{postgress,rediss}' matches no service"));
}

TEST_CASE("brace globs select files in forbid paths", "[checks][nofalse][glob]") {
  MemorySource app = example_app();
  app.put("web/app.ts", "const u = BAILEYS_BASE_URL;\n");
  app.put("web/app.tsx", "const u = BAILEYS_BASE_URL;\n");
  Outcome o = run_all(
      app,
      config_with("  - {id: gate, kind: forbid, word: BAILEYS_BASE_URL, paths: ['*.{py,ts}']}\n"));
  INFO(describe(o["gate"]));
  CHECK(o["gate"].status == CheckStatus::Fail);
  CHECK(has_finding(o["gate"], "web/app.ts", 1, "BAILEYS_BASE_URL"));
  CHECK_FALSE(has_finding(o["gate"], "web/app.tsx", 0));
}

TEST_CASE("no false pass: a file over max_file_size fails the gate, naming the file and the limit",
          "[checks][nofalse]") {
  MemorySource app = example_app();
  app.put("server/generated.py", std::string(5000, 'x') + "\n");
  Outcome o = run_all(app, config_with("  - {id: gate, kind: forbid, word: NOWHERE_ELSE, paths: "
                                       "['*.py'], max_file_size: 4096}\n"));
  INFO(describe(o["gate"]));
  CHECK(o["gate"].status == CheckStatus::Fail);
  CHECK(
      has_finding(o["gate"], "server/generated.py", 0, "5001 bytes, more than max_file_size 4096"));
  CHECK(o["gate"].findings.size() == 1);  // the other .py files are small and clean
}

TEST_CASE("a large file is scanned whole, with the right line of a use near its end",
          "[checks][nofalse]") {
  // 24 MiB of generated lines (above the old 16 MiB limit), the word on the last one, a lookalike
  // before it.
  std::string big;
  big.reserve(24u << 20);
  std::string line =
      "x = 'generated line of code that is long enough to take some room'  # 0123456789\n";
  int lines = 0;
  while (big.size() < (24u << 20)) {
    big += line;
    ++lines;
  }
  big += "y = LEGACY_BAILEYS_BASE_URL + xBAILEYS_BASE_URL\n";
  big += "z = BAILEYS_BASE_URL\n";
  MemorySource app = example_app();
  app.put("server/generated.py", big);
  Outcome o = run_all(app);
  INFO(describe(o["ssot.baileys-base-url"]));
  CHECK(o["ssot.baileys-base-url"].status == CheckStatus::Fail);
  REQUIRE(o["ssot.baileys-base-url"].findings.size() == 1);
  CHECK(has_finding(o["ssot.baileys-base-url"], "server/generated.py", lines + 2, ""));
  CHECK(o["ssot.baileys-base-url"].findings[0].column == 5);
}

TEST_CASE("no false pass: a forbid does not scan the configuration file unless its paths name it",
          "[checks][nofalse]") {
  MemorySource app = example_app();
  std::string checks =
      "  - {id: gate, kind: forbid, word: TODO_SECRET}\n"
      "  - {id: yml, kind: forbid, word: TODO_SECRET, paths: ['*.yml']}\n"
      "  - {id: named, kind: forbid, word: TODO_SECRET, paths: ['.smokehook.yml']}\n"
      "  - {id: rooted, kind: forbid, word: TODO_SECRET, paths: ['/.smokehook.yml']}\n";
  app.put(".smokehook.yml", config_with(checks));
  Outcome o = run_all(app, config_with(checks));
  INFO(describe(o["gate"]) << "\n" << describe(o["named"]));
  CHECK(o["gate"].status == CheckStatus::Pass);
  CHECK(o["yml"].status == CheckStatus::Pass);
  CHECK(o["named"].status == CheckStatus::Fail);
  CHECK(has_finding(o["named"], ".smokehook.yml", 3, "TODO_SECRET"));
  CHECK(o["rooted"].status == CheckStatus::Fail);
  // Any other file holding the word is still found by the default paths.
  app.put("notes.md", "TODO_SECRET\n");
  Outcome again = run_all(app, config_with(checks));
  CHECK(again["gate"].status == CheckStatus::Fail);
  CHECK(has_finding(again["gate"], "notes.md", 1, ""));
  CHECK_FALSE(has_finding(again["gate"], ".smokehook.yml", 0, ""));
}

TEST_CASE("no false pass: a forbid whose paths match no file says so, and passes",
          "[checks][nofalse]") {
  MemorySource app = example_app();
  std::string config = config_with(
      "  - {id: gate, kind: forbid, word: BAILEYS_BASE_URL, paths: ['*.rb'], except: ['vendor/']}\n"
      "  - {id: used, kind: forbid, word: BAILEYS_BASE_URL, paths: ['*.js']}\n");
  Outcome o = run_all(app, config);
  INFO(describe(o["gate"]));
  CHECK(o["gate"].status == CheckStatus::Pass);
  CHECK(o["gate"].message ==
        "warning: no file matches paths [*.rb] except [vendor/]: nothing was scanned");
  CHECK(o["gate"].warning == o["gate"].message);
  CHECK(o["used"].warning.empty());
  CHECK(message_has(o["used"], "1 file scanned"));
  // In staged mode a gate looks at the changed files only: selecting none of them is no news.
  edit(app, "server/worker.py", "import argparse", "import argparse  # tuned");
  Outcome staged = run_staged(app, {"server/worker.py"});
  CHECK(staged["ssot.baileys-base-url"].warning.empty());
}

TEST_CASE("no false pass: SMOKEHOOK_SKIP naming no check warns, naming it", "[checks][nofalse]") {
  MemorySource app = example_app();
  Selection sel;
  sel.skip = {"migrate.ordering", "migrate.orderin"};
  Outcome o = run_selected(app, "", sel);
  CHECK(o["migrate.ordering"].status == CheckStatus::Skip);
  REQUIRE(o.report.warnings.size() == 1);
  CHECK(o.report.warnings[0].find("SMOKEHOOK_SKIP names 'migrate.orderin'") != std::string::npos);
  CHECK(o.failed().empty());
}

TEST_CASE(
    "no false pass: a check whose project's validity check does not run reports the errors itself",
    "[checks][nofalse]") {
  MemorySource app = example_app();
  edit(app, kBase, "    image: redis:7-alpine", "    imag: redis:7-alpine");
  int line = line_of(app, kBase, "    imag: redis");
  // Both run: the dependent check names the validity check, which shows the error.
  Outcome both = run_all(app);
  CHECK(message_has(both["migrate.service"], "see check compose.base"));
  CHECK(both["migrate.service"].findings.empty());
  CHECK(has_finding(both["compose.base"], kBase, line, "imag"));
  // Skipped, or left out by --only: the error is this check's own finding.
  Selection skip;
  skip.skip = {"compose.base"};
  Selection only;
  only.only = {"migrate.service"};
  for (const Selection& sel : {skip, only}) {
    Outcome o = run_selected(app, "", sel);
    INFO(describe(o["migrate.service"]));
    CHECK(o["migrate.service"].status == CheckStatus::Fail);
    CHECK_FALSE(message_has(o["migrate.service"], "see check"));
    CHECK(has_finding(o["migrate.service"], kBase, line, "unknown key 'imag'"));
  }
}

namespace {
// Runs `config` on `src` as staged mode does with `changed` (every changed path present), or as
// --all does when `changed` is null; returns the run's warnings.
std::vector<std::string> warnings_of(const MemorySource& src, const std::string& config,
                                     const std::vector<std::string>* changed) {
  Config c;
  Finding err;
  REQUIRE(parse_config(config, ".smokehook.yml", &c, &err));
  RunContext ctx(src, &src, env({}));
  ChangeSet changes;
  if (changed) {
    changes.changed = changes.present = *changed;
    ctx.changes = &changes;
    ctx.full_scan = false;
  }
  Report report;
  report.mode = changed ? "staged" : "all";
  run_checks(c, ctx, Selection{}, "", "", &report);
  return report.warnings;
}
}  // namespace

TEST_CASE("warnings: an unset variable once per run, and only for the files the run loads",
          "[checks][compose]") {
  // The development file runs alone; its comment names the base file, so a commit touching the base
  // loads it to learn what it pulls in, but its check is not affected.
  MemorySource src(
      {{"docker-compose.yml", "services:\n  web:\n    image: nginx\n"},
       {"docker-compose.dev.yml",
        "# alone, not with docker-compose.yml\nservices:\n  dev:\n    image: dev:${DEV_TAG}\n"
        "    environment:\n      TAG: ${DEV_TAG}\n"}});
  std::string config =
      "version: 1\nchecks:\n"
      "  - {id: base, kind: compose-valid, files: [docker-compose.yml]}\n"
      "  - {id: dev, kind: compose-valid, files: [docker-compose.dev.yml]}\n"
      "  - {id: dev.again, kind: compose-service, files: [docker-compose.dev.yml], service: dev}\n";
  std::vector<std::string> base = {"docker-compose.yml"}, dev = {"docker-compose.dev.yml"};
  CHECK(warnings_of(src, config, &base).empty());
  std::vector<std::string> expected = {
      "warning: docker-compose.dev.yml:4:12: the \"DEV_TAG\" variable is not set; defaulting to a "
      "blank string"};
  CHECK(warnings_of(src, config, &dev) == expected);
  CHECK(warnings_of(src, config, nullptr) == expected);
}
