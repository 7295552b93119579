// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another {@link Tsdb} in this one) holds the database directory's lock. */
public final class DatabaseLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the lock file {@code lock}. */
  public DatabaseLockedException(Path lock) {
    super("database is locked by another process or instance: " + lock);
  }
}
