// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts and ends by PID. Its output goes to a log file that is printed when the
 * test fails to help find out why.
 */
final class ExternalProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ExternalProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ExternalProcess start(List<String> command, Path log) throws IOException {
    return start(command, java.util.Map.of(), log);
  }

  /** Starts {@code command} with {@code env} added to this process' environment. */
  static ExternalProcess start(List<String> command, java.util.Map<String, String> env, Path log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new ExternalProcess(pb.start(), log);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Sends SIGTERM (a graceful stop) without waiting. */
  void terminate() {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
  }

  /** Sends SIGKILL (kill -9) and waits for the process to be gone. */
  void kill() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * Waits for the process to exit.
   *
   * @return its exit code
   * @throws AssertionError if it is still running after {@code seconds}
   */
  int exitCode(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + seconds + " s:\n" + output());
    }
    return process.exitValue();
  }

  /** Sends SIGTERM, waits up to 10 s, then SIGKILL. */
  @Override
  public void close() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
