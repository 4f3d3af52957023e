// SessionHost: how an interface reaches a TrainingSession. Commands go in through send(); what the session is doing
// comes out as the latest immutable Snapshot. Two hosts:
//
//   SessionThread  runs the session on its own thread (the desktop window, and the page when it is cross-origin
//                  isolated). The interface's thread never runs a training step.
//   SlicedSession  runs it on the caller's thread, in the slices of time the caller gives it each frame (the page
//                  when threads are unavailable).
//
// Between SessionThread's thread and the others, two small exchanges and nothing else:
//   - commands: a queue behind `commands_mutex_`; send() appends and wakes the thread, which takes the whole
//     queue between training steps;
//   - snapshots: one shared_ptr to an immutable Snapshot behind `snapshot_mutex_`; the thread replaces it, readers
//     copy the pointer. A snapshot is never changed after it is published, so readers need no lock to use it.
// The session itself (the trainer, the model, the data it reads) is touched by the session's thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/training_session.hpp"

namespace latent {

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  // Queues a command; returns its number. Snapshot::commands reaches that number once it has been carried out.
  virtual std::uint64_t send(SessionCommand command) = 0;
  // The latest snapshot (never null).
  virtual std::shared_ptr<const Snapshot> latest() const = 0;
  // Called once per interface frame with the time the frame can spare; only the sliced host trains here.
  virtual void frame(double budget_seconds) { (void)budget_seconds; }
  virtual bool off_main_thread() const = 0;
};

class SessionThread final : public SessionHost {
 public:
  // While training, a snapshot is published this often (about 11 times a second: each one makes the interface
  // repaint, which costs CPU the training thread would otherwise have where GL runs in software), after the first
  // step past it, and after every batch of commands at once. A step longer than this publishes after each step.
  static constexpr double kPublishSeconds = 0.09;

  explicit SessionThread(std::unique_ptr<TrainingSession> session);
  ~SessionThread() override;  // stops the thread (after its current step) and joins it
  SessionThread(const SessionThread&) = delete;
  SessionThread& operator=(const SessionThread&) = delete;

  std::uint64_t send(SessionCommand command) override;
  std::shared_ptr<const Snapshot> latest() const override;
  bool off_main_thread() const override { return true; }

 private:
  using Clock = std::chrono::steady_clock;
  void run();
  void train(const TrainingSession::Interrupt& interrupted);
  void publish();
  void rest(double seconds);

  std::unique_ptr<TrainingSession> session_;  // the session thread's alone once it has started
  Clock::time_point published_{};             // when it last published (the session thread's alone)

  mutable std::mutex commands_mutex_;
  std::condition_variable wake_;
  std::vector<SessionCommand> queue_;
  std::uint64_t sent_ = 0;
  bool stop_ = false;
  std::atomic<bool> pending_{false};  // a hint that queue_ is not empty, so a training loop need not lock to look

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> latest_;

  std::thread thread_;  // last: it starts once everything above exists
};

class SlicedSession final : public SessionHost {
 public:
  explicit SlicedSession(std::unique_ptr<TrainingSession> session);
  std::uint64_t send(SessionCommand command) override;  // carried out at once
  std::shared_ptr<const Snapshot> latest() const override { return latest_; }
  void frame(double budget_seconds) override;
  bool off_main_thread() const override { return false; }

 private:
  std::unique_ptr<TrainingSession> session_;
  std::uint64_t sent_ = 0;
  std::shared_ptr<const Snapshot> latest_;
};

}  // namespace latent
