// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice tools}: Thanos' {@code tools} commands that Sluice has, under the same names. Today
 * {@code tools bucket inspect}.
 */
@Command(name = "tools", description = "Tools for operating Sluice and its bucket.")
public final class ToolsCommand {
  private ToolsCommand() {}

  /** The {@code bucket} group of {@code tools}. */
  @Command(name = "bucket", description = "Bucket utility commands.")
  static final class BucketCommand {}

  /** The command line of {@code tools}, with its sub-commands. */
  public static CommandLine commandLine() {
    CommandLine tools = new CommandLine(new ToolsCommand());
    CommandLine bucket = new CommandLine(new BucketCommand());
    bucket.addSubcommand("inspect", new CommandLine(new BucketInspectCommand()));
    tools.addSubcommand("bucket", bucket);
    return tools;
  }
}
