// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import io.sluice.receiver.limits.LimitsConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The limits flags of Thanos receive: {@code --receive.limits-config-file} (watched) or {@code
 * --receive.limits-config} (inline, never reloaded), and {@code
 * --receive.limits-config-reload-timer}.
 *
 * @param file the limits file, re-read every {@code reloadIntervalMs}; null for inline content
 * @param initial the configuration parsed at start
 * @param reloadIntervalMs how often the file is re-read, in ms; positive
 */
public record LimitsFlags(Path file, LimitsConfig initial, long reloadIntervalMs) {
  /** Thanos' default of {@code --receive.limits-config-reload-timer}: 1s. */
  public static final long DEFAULT_RELOAD_INTERVAL_MS = 1_000;

  public LimitsFlags {
    Objects.requireNonNull(initial, "initial");
    if (reloadIntervalMs <= 0) {
      throw new IllegalArgumentException("reloadIntervalMs must be positive: " + reloadIntervalMs);
    }
  }
}
