// WorkerPool: a fixed set of threads that run the parts of one job together. run(job) calls job(0) on the caller
// and job(1) ... job(n - 1) on the pool's threads, and returns when every part has finished, so a job may read
// anything the caller wrote before run() and the caller may read everything the parts wrote after it.
//
// Shared state, and nothing else: the job pointer, a generation number that tells the threads a new job is
// there, and the count of parts still running. The two counters are atomics (release when a job starts or a
// part ends, acquire where they are read); a thread that finds nothing to do spins on them for a moment (a
// training step hands out two jobs every few hundred microseconds, and a wake-up from sleep costs tens of
// them) and then sleeps on a condition variable, so an idle pool takes no CPU.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace latent {

// Threads this build can start: 1 in a WebAssembly build without pthreads (the page's fallback), else plenty.
constexpr int kThreadsAvailable =
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    1;
#else
    64;
#endif

class WorkerPool {
 public:
  explicit WorkerPool(int parts);  // parts - 1 threads; 1 runs everything on the caller
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int parts() const { return static_cast<int>(threads_.size()) + 1; }
  // job: anything callable as job(int part). Taken by reference, never copied: a run allocates nothing.
  template <class Job> void run(Job& job) {
    run_erased(&job, [](void* j, int part) { (*static_cast<Job*>(j))(part); });
  }

 private:
  using Call = void (*)(void* job, int part);
  void run_erased(void* job, Call call);
  void serve(int part);

  std::vector<std::thread> threads_;
  std::mutex mutex_;  // for the condition variables' sleeps and wake-ups
  std::condition_variable start_, done_;
  void* job_ = nullptr;  // written before generation_ is raised, read after
  Call call_ = nullptr;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> running_{0};
  std::atomic<bool> stop_{false};
};

// Splits [0, n) into `parts` contiguous ranges of whole `align`-element blocks (the last block may be short),
// as even as blocks allow: part k's is [first, first + count).
struct Range {
  std::size_t first = 0;
  std::size_t count = 0;
};
Range split_range(std::size_t n, int parts, int part, std::size_t align = 1);

}  // namespace latent
