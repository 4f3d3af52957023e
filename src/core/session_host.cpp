// SessionThread and SlicedSession (see session_host.hpp for what they share and how).
#include "core/session_host.hpp"

#include <chrono>

namespace latent {

// ---------------------------------------------------------------------------------------------------------
// SessionThread
// ---------------------------------------------------------------------------------------------------------

SessionThread::SessionThread(std::unique_ptr<TrainingSession> session) : session_(std::move(session)) {
  latest_ = std::make_shared<const Snapshot>(session_->snapshot());
  thread_ = std::thread([this] { run(); });
}

SessionThread::~SessionThread() {
  {
    std::lock_guard lock(commands_mutex_);
    stop_ = true;
  }
  pending_.store(true, std::memory_order_release);
  wake_.notify_one();
  thread_.join();
}

std::uint64_t SessionThread::send(SessionCommand command) {
  std::uint64_t number = 0;
  {
    std::lock_guard lock(commands_mutex_);
    queue_.push_back(std::move(command));
    number = ++sent_;
  }
  pending_.store(true, std::memory_order_release);
  wake_.notify_one();
  return number;
}

std::shared_ptr<const Snapshot> SessionThread::latest() const {
  std::lock_guard lock(snapshot_mutex_);
  return latest_;
}

void SessionThread::publish() {
  auto next = std::make_shared<const Snapshot>(session_->snapshot());  // built outside the lock
  published_ = Clock::now();
  std::lock_guard lock(snapshot_mutex_);
  latest_ = std::move(next);
}

// Between steps: take every queued command and carry them out, then publish at once. While training, one step
// at a time (so a command waits at most one step), publishing every kPublishSeconds, and in slow motion after every
// step (then resting until the next is due). While paused, sleep until a command comes.
void SessionThread::run() {
  const TrainingSession::Interrupt interrupted = [this] { return pending_.load(std::memory_order_acquire); };
  std::vector<SessionCommand> commands;
  for (;;) {
    {
      std::unique_lock lock(commands_mutex_);
      if (!session_->training() && !session_->unfinished()) {
        wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      }
      if (stop_) return;
      commands.swap(queue_);
      pending_.store(false, std::memory_order_relaxed);
    }
    for (const SessionCommand& c : commands) session_->handle(c);
    const bool had_commands = !commands.empty();
    commands.clear();
    if (had_commands) publish();  // the commands' effect at once
    // What is left to do (a test evaluation, of new weights or of the last epoch), unless a command is waiting.
    if (session_->finish(interrupted)) publish();
    train(interrupted);
  }
}

// Steps while training and no command waits.
void SessionThread::train(const TrainingSession::Interrupt& interrupted) {
  bool unpublished = false;
  while (session_->training() && !interrupted()) {
    if (const double wait = session_->seconds_to_next_step(); wait > 0) {  // slow motion: show the step, then rest
      if (unpublished) publish();
      unpublished = false;
      rest(wait);
      continue;
    }
    session_->run_for(0.0, interrupted);  // one step (with the epoch's evaluation, if it ends one)
    unpublished = true;
    if (!session_->training() || std::chrono::duration<double>(Clock::now() - published_).count() >= kPublishSeconds) {
      publish();
      unpublished = false;
    }
  }
}

// Sleeps up to `seconds`, or until a command comes.
void SessionThread::rest(double seconds) {
  std::unique_lock lock(commands_mutex_);
  wake_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return stop_ || !queue_.empty(); });
}

// ---------------------------------------------------------------------------------------------------------
// SlicedSession
// ---------------------------------------------------------------------------------------------------------

SlicedSession::SlicedSession(std::unique_ptr<TrainingSession> session) : session_(std::move(session)) {
  session_->finish();
  latest_ = std::make_shared<const Snapshot>(session_->snapshot());
}

std::uint64_t SlicedSession::send(SessionCommand command) {
  session_->handle(command);
  session_->finish();
  latest_ = std::make_shared<const Snapshot>(session_->snapshot());
  return ++sent_;
}

// A new snapshot only when something happened: in slow motion most frames wait for the next step's turn.
void SlicedSession::frame(double budget_seconds) {
  if (!session_->training()) return;
  const bool evaluating = session_->unfinished();
  const int steps = session_->run_for(budget_seconds);
  if (steps == 0 && evaluating == session_->unfinished() && session_->training()) return;
  latest_ = std::make_shared<const Snapshot>(session_->snapshot());
}

}  // namespace latent
