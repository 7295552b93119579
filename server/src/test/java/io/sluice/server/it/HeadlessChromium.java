// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Chromium run headless as a process per page: {@code --dump-dom} prints the DOM once the
 * page has loaded, {@code --screenshot} saves a PNG of the window. Each run has a profile directory
 * of its own and is ended, with every process it started, by PID. Skips the test when Chromium is
 * not installed ({@code apt-get install chromium}), fails under CI.
 */
final class HeadlessChromium {
  private static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 90;

  private final Path work;
  private int runs;

  /**
   * @param work where profiles and logs go
   */
  HeadlessChromium(Path work) {
    this.work = work;
    if (!Files.isExecutable(BINARY)) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("chromium is not installed; CI must install Debian's chromium");
      }
      assumeTrue(false, "chromium is not installed (apt-get install chromium); skipping");
    }
  }

  /** {@return the DOM of {@code url} after it loaded, as Chromium serializes it} */
  String dumpDom(String url, int width, int height) throws IOException, InterruptedException {
    Path out = work.resolve("dom-" + runs + ".html");
    run(out, "--window-size=" + width + "," + height, "--dump-dom", url);
    return Files.readString(out);
  }

  /** Saves a PNG of {@code url} in a window of {@code width} × {@code height} to {@code png}. */
  void screenshot(String url, int width, int height, Path png)
      throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(
        work.resolve("screenshot-" + runs + ".out"),
        "--window-size=" + width + "," + height,
        "--hide-scrollbars",
        "--screenshot=" + png.toAbsolutePath(),
        url);
  }

  private void run(Path stdout, String... args) throws IOException, InterruptedException {
    Path profile = Files.createDirectories(work.resolve("profile-" + runs));
    Path log = work.resolve("chromium-" + runs++ + ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(log.toFile()).start();
    List<ProcessHandle> started = new ArrayList<>();
    try {
      boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!done) {
        throw new AssertionError(
            "chromium did not finish in " + TIMEOUT_SECONDS + " s:\n" + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "chromium exited " + p.exitValue() + ":\n" + Files.readString(log));
      }
    } finally {
      // Children first (renderer, zygote, utility processes), then the browser; each by its PID.
      try (Stream<ProcessHandle> d = p.descendants()) {
        d.forEach(started::add);
      }
      started.sort(Comparator.comparingLong(ProcessHandle::pid).reversed());
      for (ProcessHandle h : started) {
        h.destroyForcibly();
      }
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
