// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * S3 multipart uploads of one bucket: create the upload, upload its parts, complete it; abort it on
 * any failure, so that no incomplete upload is left to be billed, and the object appears only when
 * complete.
 *
 * <p>Parts are uploaded one after the other on the calling thread, or up to {@code concurrency} at
 * a time (Thanos uploads a file's parts four at a time) on the executor given at construction,
 * which the bucket shares between all its uploads: an upload creates no threads of its own. When a
 * part fails, no further part starts, the parts in flight are interrupted and awaited (at most a
 * minute), and the upload is aborted.
 *
 * <p>Thread-safe: concurrent uploads are independent.
 */
final class MultipartUpload {
  /** The body of the part of {@code length} bytes at {@code offset}; called once per part. */
  @FunctionalInterface
  interface PartSource {
    RequestBody part(long offset, long length) throws IOException;
  }

  private static final String BINARY = "application/octet-stream";

  private final S3Client s3;
  private final String bucket;
  private final Map<String, String> metadata;
  private final String storageClass;
  private final boolean checksums;
  private final Executor partExecutor;

  /**
   * @param storageClass the storage class of new objects, or {@code null} for the bucket's default
   * @param checksums whether parts carry a CRC32 checksum
   * @param partExecutor runs the parts of concurrent uploads; it must start each task without
   *     queueing it behind others (e.g. a cached thread pool)
   */
  MultipartUpload(
      S3Client s3,
      String bucket,
      Map<String, String> metadata,
      String storageClass,
      boolean checksums,
      Executor partExecutor) {
    this.s3 = s3;
    this.bucket = bucket;
    this.metadata = metadata;
    this.storageClass = storageClass;
    this.checksums = checksums;
    this.partExecutor = partExecutor;
  }

  /**
   * Uploads {@code name} of {@code size} bytes in parts of {@code partSize} (the last one shorter).
   *
   * @throws IOException if a part's source fails or the upload is interrupted (the upload is
   *     aborted)
   * @throws SdkException if S3 rejects a request ({@link UncheckedIOException} if reading a part
   *     fails inside the SDK); the upload is then aborted, except when its creation failed
   */
  void upload(String name, long size, long partSize, int concurrency, PartSource source)
      throws IOException {
    CreateMultipartUploadRequest.Builder create =
        CreateMultipartUploadRequest.builder()
            .bucket(bucket)
            .key(name)
            .contentType(BINARY)
            .metadata(metadata);
    if (storageClass != null) {
      create.storageClass(storageClass);
    }
    if (checksums) {
      create.checksumAlgorithm(ChecksumAlgorithm.CRC32);
    }
    String uploadId = s3.createMultipartUpload(create.build()).uploadId();
    try {
      int count = (int) ((size + partSize - 1) / partSize);
      Parts parts = new Parts(name, uploadId, size, partSize, count, source);
      List<CompletedPart> done =
          concurrency > 1 && count > 1 ? parts.concurrently(concurrency) : parts.inOrder();
      s3.completeMultipartUpload(
          r -> r.bucket(bucket).key(name).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
    } catch (SdkException | UncheckedIOException | IOException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(uploadId));
      } catch (SdkException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }

  /** The parts of one upload. */
  private final class Parts {
    private final String name;
    private final String uploadId;
    private final long size;
    private final long partSize;
    private final int count;
    private final PartSource source;

    Parts(String name, String uploadId, long size, long partSize, int count, PartSource source) {
      this.name = name;
      this.uploadId = uploadId;
      this.size = size;
      this.partSize = partSize;
      this.count = count;
      this.source = source;
    }

    List<CompletedPart> inOrder() throws IOException {
      List<CompletedPart> parts = new ArrayList<>(count);
      for (int index = 0; index < count; index++) {
        parts.add(upload(index));
      }
      return parts;
    }

    List<CompletedPart> concurrently(int concurrency) throws IOException {
      CompletedPart[] parts = new CompletedPart[count];
      InFlight inFlight = new InFlight(count, concurrency);
      try {
        for (int i = 0; i < count && inFlight.awaitSlot(); i++) {
          int index = i;
          Runnable task =
              () -> {
                try {
                  if (inFlight.start(index)) {
                    parts[index] = upload(index);
                  }
                } catch (Throwable t) {
                  inFlight.failed(t);
                } finally {
                  inFlight.end(index);
                }
              };
          try {
            partExecutor.execute(task);
          } catch (RejectedExecutionException e) {
            inFlight.failed(e);
            inFlight.end(index);
          }
        }
        inFlight.awaitAllEndedOrFailure();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        inFlight.stop();
        throw new InterruptedIOException("interrupted while uploading " + name);
      }
      Throwable failure = inFlight.failure();
      if (failure == null) {
        return Arrays.asList(parts);
      }
      // Let parts in flight (interrupted) end before the upload is aborted.
      inFlight.awaitAllEnded(TimeUnit.MINUTES.toNanos(1));
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("uploading a part of " + name + " failed", failure);
    }

    CompletedPart upload(int index) throws IOException {
      long offset = index * partSize;
      long length = Math.min(partSize, size - offset);
      int partNumber = index + 1;
      UploadPartRequest.Builder part =
          UploadPartRequest.builder()
              .bucket(bucket)
              .key(name)
              .uploadId(uploadId)
              .partNumber(partNumber)
              .contentLength(length);
      if (checksums) {
        part.checksumAlgorithm(ChecksumAlgorithm.CRC32);
      }
      UploadPartResponse response = s3.uploadPart(part.build(), source.part(offset, length));
      return CompletedPart.builder()
          .partNumber(partNumber)
          .eTag(response.eTag())
          .checksumCRC32(response.checksumCRC32())
          .build();
    }
  }

  /**
   * The parts of one upload that are running, so that at most {@code concurrency} run at once and
   * the first failure stops the others: no new part starts, running ones are interrupted.
   */
  private static final class InFlight {
    private final Thread[] threads;
    private final int concurrency;
    private int active;
    private Throwable failure;
    private boolean stopped;

    InFlight(int count, int concurrency) {
      this.threads = new Thread[count];
      this.concurrency = concurrency;
    }

    /** Waits for a free slot and takes it; false (no slot) once stopped. */
    synchronized boolean awaitSlot() throws InterruptedException {
      while (active >= concurrency && !stopped) {
        wait();
      }
      if (stopped) {
        return false;
      }
      active++;
      return true;
    }

    synchronized boolean start(int index) {
      if (stopped) {
        return false;
      }
      threads[index] = Thread.currentThread();
      return true;
    }

    /** Frees the slot of a part that ended, ran or not. */
    synchronized void end(int index) {
      if (threads[index] == Thread.currentThread()) {
        threads[index] = null;
        // An interrupt from stop() is for this part, not for the executor's next task.
        Thread.interrupted();
      }
      active--;
      notifyAll();
    }

    synchronized void failed(Throwable t) {
      if (failure == null && !stopped) {
        failure = t;
      }
      stop();
    }

    synchronized void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      for (Thread t : threads) {
        if (t != null && t != Thread.currentThread()) {
          t.interrupt();
        }
      }
      notifyAll();
    }

    synchronized void awaitAllEndedOrFailure() throws InterruptedException {
      while (active > 0 && failure == null) {
        wait();
      }
    }

    /** Waits at most {@code nanos} for the running parts to end; keeps an interrupt. */
    synchronized void awaitAllEnded(long nanos) {
      long deadline = System.nanoTime() + nanos;
      try {
        for (long left = nanos; active > 0 && left > 0; left = deadline - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    synchronized Throwable failure() {
      return failure;
    }
  }
}
