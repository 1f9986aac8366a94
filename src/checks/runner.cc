#include "checks/runner.h"

#include <algorithm>
#include <chrono>

#include "base/text.h"
#include "git/change_set.h"

namespace smokehook {

int Report::passed() const {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const ResultRow& r) {
    return r.result.status == CheckStatus::Pass;
  }));
}
int Report::failed() const {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const ResultRow& r) {
    return r.result.status == CheckStatus::Fail;
  }));
}
int Report::skipped() const {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const ResultRow& r) {
    return r.result.status == CheckStatus::Skip;
  }));
}

std::vector<std::string> split_ids(const std::string& list) {
  std::vector<std::string> out;
  for (const auto& part : split(list, ',')) {
    std::string_view id = trim(part);
    if (!id.empty()) out.emplace_back(id);
  }
  return out;
}

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool affected(const Check& check, RunContext& ctx) {
  Triggers t = check.triggers(ctx);
  for (const auto& path : ctx.changes->changed) {
    if (contains(t.paths, path)) return true;
    if (t.globs.matches(path)) return true;
  }
  return false;
}

}  // namespace

void run_checks(const Config& config, RunContext& ctx, const Selection& sel, const std::string& ref,
                const std::string& commit, Report* report) {
  if (report->config.empty())
    report->config = config.path == kBuiltinConfigName ? "built-in" : config.path;
  ctx.config_path = sel.config_path;
  if (ctx.changes) {
    report->changed_files = ctx.changes->changed.size();
    // A change to the configuration can change any verdict: everything runs, in full.
    if (ctx.changes->contains(sel.config_path)) ctx.full_scan = true;
  }
  // Which checks run, decided before any runs: a check that needs a compose
  // project names that project's validity check only when it runs too (else
  // the project's errors would be shown nowhere).
  std::vector<ResultRow> rows;
  ctx.collect_warnings = false;  // what the checks read is not yet what the run loads
  for (const auto& c : config.checks) {
    if (c->live && !sel.live) continue;
    if (!sel.only.empty() && !contains(sel.only, c->id)) continue;
    ResultRow row;
    row.check = c.get();
    row.ref = ref;
    row.commit = commit;
    if (contains(sel.skip, c->id)) {
      row.result.status = CheckStatus::Skip;
      row.result.message = "skipped by SMOKEHOOK_SKIP";
    } else if (ctx.changes && !ctx.full_scan && !affected(*c, ctx)) {
      row.result.status = CheckStatus::Skip;
      row.result.message = report->mode == "staged" ? "not affected by the staged changes"
                                                    : "not affected by the changes";
      row.not_affected = true;
    } else {
      for (const auto& spec : c->validates())
        ctx.validity_check_ids.emplace(project_key(spec), c->id);
    }
    rows.push_back(std::move(row));
  }
  ctx.collect_warnings = true;
  for (ResultRow& row : rows) {
    if (row.result.status != CheckStatus::Skip) {
      auto start = std::chrono::steady_clock::now();
      row.result = row.check->run(ctx);
      row.result.duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (ctx.changes) ++report->affected;
    }
    report->rows.push_back(std::move(row));
  }
  // SMOKEHOOK_SKIP may be set for several repositories: an id this configuration lacks only warns.
  for (const auto& id : sel.skip) {
    bool known = std::any_of(config.checks.begin(), config.checks.end(),
                             [&](const auto& c) { return c->id == id; });
    if (!known)
      ctx.warnings.push_back("warning: SMOKEHOOK_SKIP names '" + id +
                             "', which is no check of this configuration");
  }
  for (auto& w : ctx.warnings)
    if (!contains(report->warnings, w)) report->warnings.push_back(w);
}

}  // namespace smokehook
