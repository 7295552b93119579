// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.sluice.server.cli.ReceiveCommand;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.server.cli.ToolsCommand;
import io.sluice.server.log.LogSetup;
import java.io.IOException;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code sluice} command; {@code sluice receive} runs the receiver, {@code
 * sluice tools bucket inspect} lists the blocks of a bucket.
 */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    version = "sluice 0.1.0",
    description = "A drop-in replacement for thanos receive.")
public final class Main {
  private Main() {}

  /** Parses the command line, runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line of {@code sluice}, with its sub-commands. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand("receive", ReceiveCommand.commandLine(Main::receive));
    cl.addSubcommand("tools", ToolsCommand.commandLine());
    return cl;
  }

  private static int receive(ReceiveConfig cfg) {
    LogSetup.configure(cfg.log().level(), cfg.log().format());
    Logger log = LoggerFactory.getLogger(Main.class);
    FatalErrors.install();
    for (String flag : cfg.ignoredFlags()) {
      log.atWarn()
          .addKeyValue("flag", flag)
          .log("flag accepted for compatibility, not implemented yet; ignored");
    }
    for (String key : cfg.relabel().ignoredKeys()) {
      log.atWarn().addKeyValue("key", key).log("unknown key in the relabel configuration; ignored");
    }
    Receiver receiver;
    try {
      receiver = Receiver.start(cfg, InstantSource.system());
    } catch (IOException e) {
      log.atError().setCause(e).log("failed to start receiver");
      return 1;
    }
    // SIGTERM and SIGINT start a graceful shutdown on this thread, which then exits 0, as thanos
    // receive does; the JVM's own handling would exit 143. The shutdown hook covers other exits.
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable shutdown =
        () -> {
          if (closed.compareAndSet(false, true)) {
            log.info("shutting down: flushing heads and uploading the final blocks");
            receiver.close();
            log.info("shutdown complete");
          }
        };
    Thread hook = new Thread(shutdown, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown());
      } catch (IllegalArgumentException unsupported) {
        log.atWarn().addKeyValue("signal", name).log("cannot handle signal; JVM default applies");
      }
    }
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shutdown.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting.
    }
    return 0;
  }
}
