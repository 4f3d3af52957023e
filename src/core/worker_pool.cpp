// WorkerPool: see worker_pool.hpp.
#include "core/worker_pool.hpp"

#include <algorithm>
#include <chrono>

namespace latent {

namespace {

// Spins until `ready()` or about 200 microseconds have passed; returns ready().
template <class Ready> bool spin_until(Ready ready) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
  for (int i = 0;; ++i) {
    if (ready()) return true;
    if ((i & 255) == 255 && std::chrono::steady_clock::now() > give_up) return ready();
  }
}

}  // namespace

WorkerPool::WorkerPool(int parts) {
  for (int part = 1; part < std::max(1, parts); ++part) threads_.emplace_back([this, part] { serve(part); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true, std::memory_order_release);
  }
  start_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::run_erased(void* job, Call call) {
  if (threads_.empty()) {
    call(job, 0);
    return;
  }
  job_ = job;
  call_ = call;
  running_.store(static_cast<int>(threads_.size()), std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);  // so that a thread about to sleep cannot miss the new generation
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  call(job, 0);
  const auto finished = [this] { return running_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished)) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, finished);
  }
}

void WorkerPool::serve(int part) {
  std::uint64_t seen = 0;
  const auto news = [&] {
    return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
  };
  for (;;) {
    if (!spin_until(news)) {
      std::unique_lock lock(mutex_);
      start_.wait(lock, news);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    call_(job_, part);
    if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex_);  // so that the caller, if it went to sleep, cannot miss this
      done_.notify_one();
    }
  }
}

Range split_range(std::size_t n, int parts, int part, std::size_t align) {
  const auto p = static_cast<std::size_t>(std::max(1, parts));
  const std::size_t units = (n + align - 1) / align;  // whole aligned blocks, the last one maybe short
  const std::size_t base = units / p, extra = units % p;
  const auto k = static_cast<std::size_t>(part);
  const std::size_t first_unit = k * base + std::min(k, extra);
  const std::size_t unit_count = base + (k < extra ? 1 : 0);
  const std::size_t first = std::min(n, first_unit * align);
  return {first, std::min(n, (first_unit + unit_count) * align) - first};
}

}  // namespace latent
