// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.receiver.tenant.InvalidTenantException;
import io.sluice.tsdb.TsdbOptions;
import io.sluice.tsdb.head.HeadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiTsdbBucketDirTest {
  @TempDir Path root;

  @Test
  void theEmbeddedBucketDirectoryIsNeverATenant() throws Exception {
    Files.createDirectories(root.resolve(".bucket/01M7YF9F2DBGH7TB74V9V0FB0Q/chunks"));
    Files.createDirectories(root.resolve("t1"));
    try (MultiTsdb tsdbs =
        new MultiTsdb(
            root,
            prefix -> TsdbOptions.defaults(HeadOptions.defaults(InstantSource.system())),
            t -> {})) {
      tsdbs.open("default-tenant");

      assertThat(tsdbs.tenants())
          .extracting(MultiTsdb.Tenant::id)
          .containsExactlyInAnyOrder("default-tenant", "t1");
      assertThat(root.resolve(".bucket/wal")).doesNotExist();
      assertThatThrownBy(() -> tsdbs.getOrCreate(MultiTsdb.BUCKET_DIR))
          .isInstanceOf(InvalidTenantException.class);
    }
  }
}
