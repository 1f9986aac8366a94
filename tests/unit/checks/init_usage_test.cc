// How a repository runs docker compose, as `smokehook init` reads it from
// scripts, Makefiles, package.json, CI workflows and docs.
#include <catch2/catch.hpp>

#include "checks/init_usage.h"
#include "support/test_support.h"

using namespace smokehook;

namespace {

std::vector<ComposeUsage> usages(const MemorySource& src) {
  return find_compose_usages(src, [](const std::string& dir) {
    return dir.empty() ? std::vector<std::string>{"compose.yaml"} : std::vector<std::string>{};
  });
}

std::vector<std::vector<std::string>> chains(const std::vector<ComposeUsage>& found) {
  std::vector<std::vector<std::string>> out;
  for (const auto& u : found) out.push_back(u.files);
  return out;
}

using Chains = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("usages: -f, --file and --file= in scripts, Makefiles and package.json, in order",
          "[init][usage]") {
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services: {}\n"},
      {"compose.dev.yml", "services: {}\n"},
      {"docker/jibri.yml", "services: {}\n"},
      {"package.json",
       "{\"scripts\": {\"dev\": \"docker compose -f ./compose.dev.yml up -d\",\n"
       "  \"down\": \"docker compose --file=compose.dev.yml down\"}}\n"},
      {"Makefile", "up:\n\tdocker-compose -f compose.yaml -f docker/jibri.yml up -d\n"},
      {"docs/setup.md",
       "```\ndocker compose -f compose.yaml \\\n  -f docker/jibri.yml \\\n  up -d\n```\n"}});
  std::vector<ComposeUsage> found = usages(src);
  CHECK(chains(found) == Chains{{"compose.yaml", "docker/jibri.yml"}, {"compose.dev.yml"}});
  REQUIRE(found.size() == 2);
  CHECK(found[0].where == "Makefile:2");
  CHECK(found[1].where == "package.json:1");
}

TEST_CASE("usages: what is not a chain of the repository's files is left alone", "[init][usage]") {
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services: {}\n"},
      {"run.sh",
       "docker compose logs -f web\n"  // -f after the subcommand: follow
       "curl -s https://x/compose.yml | docker compose -f - up\n"  // stdin
       "docker compose -f /etc/app/compose.yaml up\n"              // absolute
       "docker compose -f missing.yml up\n"                        // not in the repository
       "docker compose -f compose.yaml -f gone.yml up\n"  // a chain is checked whole or not at all
       "docker compose --project-directory x -f compose.yaml up\n"
       "docker compose -f \"$TEST_COMPOSE_PATH\" up\n"  // a whole name unknown
       "echo \"PODMAN_COMPOSE_PROVIDER=podman-compose\" >> $GITHUB_ENV\n"
       "cat docker-compose.yml\n"}});
  CHECK(usages(src).empty());
}

TEST_CASE("usages: --env-file, --profile and variables set on the command", "[init][usage]") {
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services: {}\n"},
      {"deploy/defaults.env", "A=1\n"},
      {"deploy/compose.main.yml", "services: {}\n"},
      {"manage.sh",
       "docker compose -f deploy/compose.main.yml --env-file deploy/defaults.env up\n"
       "COMPOSE_PROFILES=db,cache KONG_DATABASE=postgres docker compose up -d\n"
       "DOCO=\"docker compose -f ./compose.yaml --profile tools\"\n"}});
  std::vector<ComposeUsage> found = usages(src);
  REQUIRE(found.size() == 3);
  CHECK(found[0].files == std::vector<std::string>{"deploy/compose.main.yml"});
  CHECK(found[0].env_files == std::vector<std::string>{"deploy/defaults.env"});
  // No -f: the files docker compose reads by default where it runs.
  CHECK(found[1].files == std::vector<std::string>{"compose.yaml"});
  CHECK(found[1].profiles == std::vector<std::string>{"db", "cache"});
  CHECK(found[1].environment ==
        std::vector<std::pair<std::string, std::string>>{{"KONG_DATABASE", "postgres"}});
  // A command kept in a variable: no prefix of it is a variable of the command.
  CHECK(found[2].files == std::vector<std::string>{"compose.yaml"});
  CHECK(found[2].profiles == std::vector<std::string>{"tools"});
  CHECK(found[2].environment.empty());
}

TEST_CASE(
    "usages: COMPOSE_FILE in a workflow's env, a matrix placeholder, and the mapping's variables",
    "[init][usage]") {
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services: {}\n"},
      {"ci/base.yaml", "services: {}\n"},
      {"ci/base.env", "A=1\n"},
      {"ci/basic/compose.yaml", "services: {}\n"},
      {"ci/tls/compose.yaml", "services: {}\n"},
      {".github/workflows/test.yml",
       "jobs:\n  compose:\n    env:\n"
       "      IMAGE: zulip/server:pr-${{ github.event.number }}\n"
       "      # replaces COMPOSE_FILE rather than extending it\n"
       "      COMPOSE_FILE: compose.yaml:ci/base.yaml:${{ matrix.dir }}compose.yaml\n"
       "      COMPOSE_ENV_FILES: ci/base.env\n"
       "    steps:\n      - run: docker compose config\n"}});
  std::vector<ComposeUsage> found = usages(src);
  // compose.yaml itself matches `${{ matrix.dir }}compose.yaml` too: a file twice is no chain.
  CHECK(chains(found) == Chains{{"compose.yaml", "ci/base.yaml", "ci/basic/compose.yaml"},
                                {"compose.yaml", "ci/base.yaml", "ci/tls/compose.yaml"}});
  REQUIRE(found.size() == 2);
  CHECK(found[0].env_files == std::vector<std::string>{"ci/base.env"});
  CHECK(found[0].environment ==
        std::vector<std::pair<std::string, std::string>>{{"IMAGE", "zulip/server:pr-x"}});
  CHECK(found[0].from_variable);
  CHECK(found[0].where == ".github/workflows/test.yml:6");
}

TEST_CASE("usages: a path from the mentioning file's folder when the root has no such file",
          "[init][usage]") {
  MemorySource src(std::map<std::string, std::string>{
      {"compose.yaml", "services: {}\n"},
      {"rtcstats/mongodb/mongodb.yml", "services: {}\n"},
      {"rtcstats/README.md", "    docker compose -f compose.yaml -f mongodb/mongodb.yml up -d\n"},
      {"big.md", std::string(2 << 20, 'x') +
                     "\ndocker compose -f compose.yaml -f rtcstats/mongodb/mongodb.yml up\n"}});
  CHECK(chains(usages(src)) == Chains{{"compose.yaml", "rtcstats/mongodb/mongodb.yml"}});
}
