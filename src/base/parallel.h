// Work over many files on the machine's cores: each index of [0, n) is given
// to one worker, in no particular order; callers keep one result per index
// and merge them in order afterwards, so the output does not depend on timing.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace smokehook {

// How many workers a scan of `n` items deserves: one for a handful (a staged
// commit), else the hardware threads, at most 8.
inline unsigned workers_for(size_t n) {
  if (n < 64) return 1;
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return std::min(hw, 8u);
}

// Calls fn(worker, i) for every i in [0, n); `worker` is in [0, workers_for(n)).
// Workers take runs of 32 neighbours: sorted paths share folders, and a
// worker reading files of one folder keeps that folder open.
template <typename Fn>
void parallel_for(size_t n, Fn&& fn) {
  constexpr size_t kRun = 32;
  unsigned workers = workers_for(n);
  std::atomic<size_t> next{0};
  auto work = [&](unsigned worker) {
    for (size_t first; (first = next.fetch_add(kRun, std::memory_order_relaxed)) < n;)
      for (size_t i = first; i < std::min(n, first + kRun); ++i) fn(worker, i);
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
}

}  // namespace smokehook
