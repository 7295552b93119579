// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrefixedBucketTest extends BucketContract {

  private FilesystemBucket inner;

  @Override
  protected Bucket newBucket() {
    inner = new FilesystemBucket(tmp.resolve("bucket"));
    return new PrefixedBucket(inner, "/tenant-a/receive/");
  }

  @Test
  void objectsAreStoredUnderThePrefix() throws IOException {
    put("01ABC/meta.json", "{}");

    assertThat(inner.list("", true)).containsExactly("tenant-a/receive/01ABC/meta.json");
    assertThat(bucket.list("", true)).containsExactly("01ABC/meta.json");
    assertThat(bucket.list("", false)).containsExactly("01ABC/");
    assertThat(((PrefixedBucket) bucket).prefix()).isEqualTo("tenant-a/receive/");
  }

  @Test
  void objectsOutsideThePrefixAreInvisible() throws IOException {
    inner.upload("other/x", new java.io.ByteArrayInputStream(new byte[1]), 1);
    put("mine", "m");

    assertThat(bucket.list("", true)).containsExactly("mine");
    assertThat(bucket.exists("other/x")).isFalse();
  }

  @Test
  void prefixOfOnlySlashesLeavesTheBucketUnwrapped() {
    FilesystemBucket fs = new FilesystemBucket(Path.of("x"));

    assertThat(PrefixedBucket.wrap(fs, "")).isSameAs(fs);
    assertThat(PrefixedBucket.wrap(fs, "//")).isSameAs(fs);
    assertThat(PrefixedBucket.wrap(fs, "p")).isInstanceOf(PrefixedBucket.class);
  }

  @Test
  void prefixWithDotDotIsRejected() {
    FilesystemBucket fs = new FilesystemBucket(Path.of("x"));

    assertThatThrownBy(() -> new PrefixedBucket(fs, "a/../../b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("..");
  }

  @Test
  void nameIsTheWrappedBucketsName() {
    assertThat(bucket.name()).isEqualTo(inner.name());
  }
}
