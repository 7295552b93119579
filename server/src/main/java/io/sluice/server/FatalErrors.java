// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process on an {@link OutOfMemoryError} (or another {@link VirtualMachineError}) instead
 * of leaving it alive and useless: a receiver whose event loops have died answers no probe and no
 * write, while a restarted one replays its WAL and loses nothing it acknowledged.
 *
 * <p>The first line of defence is the JVM's own {@code -XX:+ExitOnOutOfMemoryError}, which the
 * launcher, the image and the manifests set: the JVM exits at the first OutOfMemoryError, before
 * any Java code can swallow it. {@link #install()} warns when the process was started without it
 * and adds a fallback that covers the threads where such an error surfaces in Sluice's own code
 * (uncaught errors, Netty pipelines); a library that catches and logs an error on its own threads
 * is covered only by the JVM flag.
 */
public final class FatalErrors {
  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

  /** The exit status of a process ended for an error of the JVM, as the JVM's own flag uses. */
  public static final int EXIT_STATUS = 3;

  private static final String LAST_WORDS = "sluice: terminating due to ";

  private static final List<String> JVM_FLAGS =
      List.of(
          "-XX:+ExitOnOutOfMemoryError", "-XX:+CrashOnOutOfMemoryError", "-XX:OnOutOfMemoryError");

  private FatalErrors() {}

  /**
   * Warns if the JVM was started without an exit-on-OutOfMemoryError flag and installs a default
   * uncaught exception handler that ends the process on a {@link VirtualMachineError}.
   */
  public static void install() {
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    boolean flagged = args.stream().anyMatch(a -> JVM_FLAGS.stream().anyMatch(a::startsWith));
    if (!flagged) {
      LOG.atWarn()
          .log(
              "the JVM was started without -XX:+ExitOnOutOfMemoryError; an OutOfMemoryError may"
                  + " leave the receiver alive but unable to serve (the sluice launcher sets it)");
    }
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          haltIfFatal(e);
          if (previous != null) {
            previous.uncaughtException(t, e);
          } else {
            LOG.atError().addKeyValue("thread", t.getName()).setCause(e).log("uncaught exception");
          }
        });
  }

  /**
   * Ends the process at once ({@link Runtime#halt}, status {@value #EXIT_STATUS}) if {@code e} or
   * one of its causes is a {@link VirtualMachineError}; otherwise returns. Logs one last line
   * first, with a message allocated ahead of time.
   */
  public static void haltIfFatal(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof VirtualMachineError) {
        try {
          System.err.println(LAST_WORDS + c);
          System.err.flush();
        } finally {
          Runtime.getRuntime().halt(EXIT_STATUS);
        }
      }
    }
  }
}
