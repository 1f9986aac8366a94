// Google Benchmark microbenchmarks: the compose engine on the example's five
// projects, the YAML layer, and the forbid gate's scan.
//   cmake -DSMOKEHOOK_BENCH=ON ...; ./build/bench/smokehook_micro_bench
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "base/text.h"
#include "base/yaml_tree.h"
#include "checks/check.h"
#include "checks/config.h"
#include "checks/runner.h"
#include "compose/project.h"

namespace {

using namespace smokehook;

MemorySource example() {
  MemorySource src;
  namespace fs = std::filesystem;
  for (const auto& e : fs::recursive_directory_iterator(SMOKEHOOK_EXAMPLE_DIR)) {
    if (!e.is_regular_file()) continue;
    std::string text, err;
    read_whole_file(e.path().string(), &text, &err);
    src.put(fs::relative(e.path(), SMOKEHOOK_EXAMPLE_DIR).generic_string(), text);
  }
  return src;
}

VariableLookup no_environment() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

void BM_ParseYaml(benchmark::State& state) {
  MemorySource src = example();
  std::string text, err;
  src.read("docker-compose.yml", &text, &err);
  for (auto _ : state) {
    std::vector<Node> docs;
    Finding f;
    benchmark::DoNotOptimize(parse_yaml(text, "docker-compose.yml", &docs, &f));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseYaml);

// A repository's .smokehook.yml (here the default's 4 KiB text): parsed by yaml-cpp,
// against decoded from what the configuration cache keeps (config_cache.h).
void BM_ConfigParsed(benchmark::State& state) {
  std::string text(default_config_text());
  for (auto _ : state) {
    std::vector<Node> docs;
    Finding f;
    benchmark::DoNotOptimize(parse_yaml(text, ".smokehook.yml", &docs, &f));
  }
}
BENCHMARK(BM_ConfigParsed);

void BM_ConfigFromCache(benchmark::State& state) {
  std::vector<Node> docs;
  Finding f;
  parse_yaml(default_config_text(), ".smokehook.yml", &docs, &f);
  std::string kept = encode_nodes(docs);
  for (auto _ : state) {
    std::vector<Node> decoded;
    benchmark::DoNotOptimize(decode_nodes(kept, ".smokehook.yml", &decoded));
  }
}
BENCHMARK(BM_ConfigFromCache);

void BM_FiveComposeProjects(benchmark::State& state) {
  MemorySource src = example();
  ComposeContext ctx;
  ctx.source = &src;
  ctx.environment = no_environment();
  const std::vector<ProjectSpec> specs = {
      {{"docker-compose.yml"}, {}},
      {{"docker-compose.yml", "docker-compose.prod.yml"}, {}},
      {{"docker-compose.yml"}, {"multi-worker"}},
      {{"docker-compose.yml"}, {"multi-shard"}},
      {{"docker-compose.yml", "docker-compose.prod.yml"}, {"multi-worker", "multi-shard"}}};
  for (auto _ : state)
    for (const auto& spec : specs) benchmark::DoNotOptimize(load_project(spec, ctx).valid());
}
BENCHMARK(BM_FiveComposeProjects);

void BM_DefaultSuiteAll(benchmark::State& state) {
  MemorySource src = example();
  Config config;
  Finding err;
  parse_config(default_config_text(), ".smokehook.yml", &config, &err);
  for (auto _ : state) {
    RunContext ctx(src, &src, no_environment());
    Report report;
    run_checks(config, ctx, Selection{}, "", "", &report);
    benchmark::DoNotOptimize(report.failed());
  }
}
BENCHMARK(BM_DefaultSuiteAll);

void BM_ForbidGate(benchmark::State& state) {
  // N source files of ~4 KiB, none containing the word: the common case.
  MemorySource src;
  std::mt19937 rng(42);
  const char* words[] = {"account", "service", "handler", "queue",
                         "worker",  "shard",   "router",  "BAILEYS_URL"};
  for (int i = 0; i < state.range(0); ++i) {
    std::string text;
    while (text.size() < 4096) text += std::string(words[rng() % 8]) + (rng() % 5 ? " " : "\n");
    src.put("src/m" + std::to_string(i % 50) + "/f" + std::to_string(i) + ".py", text);
  }
  Config config;
  Finding err;
  parse_config(
      "version: 1\nchecks:\n  - {id: ssot, kind: forbid, word: BAILEYS_BASE_URL, paths: ['*.py', "
      "'*.js'],"
      " except: ['config.*', 'tests/', 'node_modules/']}\n",
      ".smokehook.yml", &config, &err);
  for (auto _ : state) {
    RunContext ctx(src, &src, no_environment());
    Report report;
    run_checks(config, ctx, Selection{}, "", "", &report);
    benchmark::DoNotOptimize(report.failed());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * state.range(0) * 4096));
}
BENCHMARK(BM_ForbidGate)->Arg(1000)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
