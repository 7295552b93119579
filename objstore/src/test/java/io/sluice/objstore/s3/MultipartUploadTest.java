// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/** Multipart uploads against a hand-written S3 client that records what it is asked. */
class MultipartUploadTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger executed = new AtomicInteger();
  private final FakeS3 s3 = new FakeS3();
  private final MultipartUpload multipart =
      new MultipartUpload(
          s3,
          "b",
          Map.of(),
          null,
          false,
          task -> {
            executed.incrementAndGet();
            executor.execute(task);
          });

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void uploadsPartsAtMostFourAtOnceOnTheSharedExecutorAndCompletesThemInOrder() throws IOException {
    s3.holdUntilFourRun = true;
    for (int upload = 0; upload < 2; upload++) {
      s3.reset();
      multipart.upload("o" + upload, 10 * 5, 5, 4, (offset, length) -> RequestBody.empty());
      assertThat(s3.completed)
          .extracting(CompletedPart::partNumber)
          .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
      assertThat(s3.maxRunning.get()).isEqualTo(4);
      assertThat(s3.aborted).isZero();
    }
    assertThat(executed).hasValue(20);
  }

  @Test
  void uploadsAStreamsPartsInOrderOnTheCallingThread() throws IOException {
    Thread caller = Thread.currentThread();
    List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
    multipart.upload(
        "o",
        12,
        5,
        1,
        (offset, length) -> {
          assertThat(Thread.currentThread()).isSameAs(caller);
          offsets.add(offset);
          return RequestBody.empty();
        });
    assertThat(offsets).containsExactly(0L, 5L, 10L);
    assertThat(s3.lengths).containsExactly(5L, 5L, 2L);
    assertThat(executed).hasValue(0);
  }

  @Test
  void aFailedPartStopsTheOthersAndAbortsTheUpload() {
    s3.failPart = 3;
    assertThatThrownBy(
            () -> multipart.upload("o", 100 * 5, 5, 4, (offset, length) -> RequestBody.empty()))
        .isInstanceOf(SdkClientException.class)
        .hasMessageContaining("part 3");
    assertThat(s3.aborted).isOne();
    assertThat(s3.completed).isNull();
    // Parts 4 and later wait until interrupted: the failure interrupted those in flight (at most
    // four at once, so no part after 6 started) and awaited them.
    assertThat(s3.started.get()).isLessThanOrEqualTo(6);
    assertThat(s3.interrupted.get()).isEqualTo(s3.waiting.get());
    assertThat(s3.running.get()).isZero();
  }

  /** Implements the four calls of a multipart upload. */
  private static final class FakeS3 implements S3Client {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();
    final AtomicInteger waiting = new AtomicInteger();
    final List<Long> lengths = Collections.synchronizedList(new ArrayList<>());
    volatile boolean holdUntilFourRun;
    volatile int failPart = -1;
    volatile List<CompletedPart> completed;
    volatile int aborted;
    private volatile CountDownLatch four = new CountDownLatch(4);

    void reset() {
      maxRunning.set(0);
      started.set(0);
      completed = null;
      four = new CountDownLatch(4);
    }

    @Override
    public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest r) {
      return CreateMultipartUploadResponse.builder().uploadId("u-" + r.key()).build();
    }

    @Override
    public UploadPartResponse uploadPart(UploadPartRequest r, RequestBody body) {
      started.incrementAndGet();
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        lengths.add(r.contentLength());
        if (r.partNumber() == failPart) {
          throw SdkClientException.create("part " + failPart + " failed");
        }
        if (failPart > 0 && r.partNumber() > failPart) {
          waiting.incrementAndGet();
          if (!new CountDownLatch(1).await(30, TimeUnit.SECONDS)) {
            throw SdkClientException.create("part " + r.partNumber() + " was never interrupted");
          }
        }
        if (holdUntilFourRun && r.partNumber() <= 4) {
          // The first four overlap, so that the limit is reached, not just not exceeded.
          four.countDown();
          if (!four.await(30, TimeUnit.SECONDS)) {
            throw SdkClientException.create("four parts never ran at once");
          }
        }
        return UploadPartResponse.builder().eTag("e" + r.partNumber()).build();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw SdkClientException.create("interrupted");
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
        CompleteMultipartUploadRequest r) {
      completed = List.copyOf(r.multipartUpload().parts());
      return CompleteMultipartUploadResponse.builder().build();
    }

    @Override
    public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest r) {
      aborted++;
      return AbortMultipartUploadResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }
}
