// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.block;

import io.sluice.tsdb.query.Querier;
import io.sluice.tsdb.query.QuerierContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The {@link QuerierContract} on a block written from a head and opened from disk. */
class BlockQuerierTest extends QuerierContract {
  @TempDir Path tmp;

  @Override
  protected Querier open(List<FixtureSeries> series) throws IOException {
    return block(head(series, t -> true).querier(), tmp);
  }
}
