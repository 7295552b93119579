// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.objstore.FilesystemBucket;
import io.sluice.objstore.ObjectNotFoundException;
import io.sluice.tsdb.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstrumentedBucketTest {
  @TempDir Path dir;

  @Test
  void countsAndTimesOperationsUnderThanosNames() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MutableClock clock = new MutableClock(1_763_712_000_123L);
    FilesystemBucket fs = new FilesystemBucket(dir);
    InstrumentedBucket bucket = new InstrumentedBucket(fs, registry, clock);
    String b = "bucket=\"" + fs.name() + "\"";

    assertThat(registry.scrape())
        .contains("thanos_objstore_bucket_operations_total{" + b + ",operation=\"upload\"} 0.0")
        .contains(
            "thanos_objstore_bucket_operation_failures_total{" + b + ",operation=\"get\"} 0.0")
        .doesNotContain("thanos_objstore_bucket_last_successful_upload_time");

    bucket.upload("a/meta.json", new ByteArrayInputStream(new byte[3]), 3);
    assertThat(bucket.exists("a/meta.json")).isTrue();
    assertThatThrownBy(() -> bucket.get("missing")).isInstanceOf(ObjectNotFoundException.class);

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("thanos_objstore_bucket_operations_total{" + b + ",operation=\"upload\"} 1.0")
        .contains("thanos_objstore_bucket_operations_total{" + b + ",operation=\"exists\"} 1.0")
        .contains("thanos_objstore_bucket_operations_total{" + b + ",operation=\"get\"} 1.0")
        .contains(
            "thanos_objstore_bucket_operation_failures_total{" + b + ",operation=\"get\"} 1.0")
        .contains(
            "thanos_objstore_bucket_operation_failures_total{" + b + ",operation=\"upload\"} 0.0")
        .contains(
            "thanos_objstore_bucket_operation_duration_seconds_count{"
                + b
                + ",operation=\"upload\"} 1")
        .contains("thanos_objstore_bucket_last_successful_upload_time{" + b + "} 1.763712000123E9");
  }
}
