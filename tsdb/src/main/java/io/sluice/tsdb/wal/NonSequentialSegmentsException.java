// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A WAL directory whose segment indexes have a gap (for example {@code 00000003} and {@code
 * 00000005} but no {@code 00000004}). Prometheus refuses such a directory too; someone deleted or
 * added files by hand.
 */
public final class NonSequentialSegmentsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int missing;

  /**
   * Creates the exception.
   *
   * @param dir the directory
   * @param missing the first missing index
   */
  public NonSequentialSegmentsException(Path dir, int missing) {
    super(
        "segments in "
            + dir
            + " are not sequential: "
            + WalFormat.segmentName(missing)
            + " is missing");
    this.missing = missing;
  }

  /** The first missing segment index. */
  public int missing() {
    return missing;
  }
}
