// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import io.sluice.server.cli.ReceiveCommand;
import io.sluice.server.cli.ReceiveConfig;
import io.sluice.server.log.LogSetup;
import java.io.IOException;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code sluice} command; {@code sluice receive} runs the receiver. */
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
    return cl;
  }

  private static int receive(ReceiveConfig cfg) {
    LogSetup.configure(cfg.logLevel(), cfg.logFormat());
    Logger log = LoggerFactory.getLogger(Main.class);
    for (String flag : cfg.ignoredFlags()) {
      log.atWarn()
          .addKeyValue("flag", flag)
          .log("flag accepted for compatibility, not implemented yet; ignored");
    }
    Receiver receiver;
    try {
      receiver = Receiver.start(cfg, InstantSource.system());
    } catch (IOException e) {
      log.atError().setCause(e).log("failed to start receiver");
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  receiver.close();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
