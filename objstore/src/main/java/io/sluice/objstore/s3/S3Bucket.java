// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.s3;

import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketOperation;
import io.sluice.objstore.BucketOperationException;
import io.sluice.objstore.ObjectAttributes;
import io.sluice.objstore.ObjectNotFoundException;
import io.sluice.objstore.ObjectVisitor;
import io.sluice.objstore.S3Config;
import io.sluice.objstore.internal.BoundedInputStream;
import io.sluice.objstore.internal.ObjectNames;
import io.sluice.objstore.internal.UploadStreams;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket in Amazon S3 or an S3-compatible store (MinIO, Ceph RGW, S3Proxy), through the AWS SDK
 * for Java v2 with its synchronous Apache HTTP client.
 *
 * <ul>
 *   <li>Endpoint, addressing (path-style for MinIO, as minio-go), credentials, TLS and retries as
 *       Thanos configures its client: see {@link S3Clients}.
 *   <li>Uploads: a file or stream of at least {@code part_size} bytes goes up as a multipart
 *       upload, aborted on failure (a file's parts four at a time, as Thanos; a stream's in order);
 *       smaller ones with one PUT. Both become visible atomically when complete. Files are streamed
 *       from disk part by part and can be retried; streams are held in memory one part at a time
 *       (at most 256 MiB), except a single PUT of more than 256 MiB, which is streamed and so
 *       retried only within its first 128 KiB.
 *   <li>Errors: 404 answers become {@link ObjectNotFoundException}; every other failure a {@link
 *       BucketOperationException} naming the bucket, the key and the S3 error code.
 *   <li>Opening does not contact the store; {@link #check} asks whether the bucket can be used, and
 *       a missing bucket, rejected credentials or an unreachable endpoint otherwise show in the
 *       first operation.
 * </ul>
 *
 * <p>The clients are built by {@link S3Clients}; multipart uploads are {@link MultipartUpload}'s,
 * and the parts of all of them run on one set of threads per bucket, which end when idle.
 *
 * <p>Thread-safe; one instance holds one connection pool. The caller closes it.
 */
public final class S3Bucket implements Bucket {

  /** Single PUTs and parts up to this size are buffered so that the SDK can retry them. */
  private static final int MAX_BUFFER = 256 * 1024 * 1024;

  private static final int MAX_PARTS = 10_000;

  /** Parts of a file uploaded at once: minio-go's default, which Thanos pins. */
  private static final int UPLOAD_CONCURRENCY = 4;

  private static final String STORAGE_CLASS_KEY = "x-amz-storage-class";
  private static final String BINARY = "application/octet-stream";

  private final S3Config config;
  private final String bucket;
  private final URI endpoint;
  private final S3Clients clients;
  private final S3Client s3;
  private final Map<String, String> metadata;
  private final String storageClass;
  // Runs the parts of every concurrent multipart upload of this bucket; threads end when idle.
  private final ExecutorService partExecutor =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("sluice-s3-upload-", 0).factory());
  private final MultipartUpload multipart;

  private S3Bucket(S3Config config, S3Clients clients) {
    this.config = config;
    this.bucket = config.bucket();
    this.clients = clients;
    this.endpoint = clients.endpoint();
    this.s3 = clients.s3();
    Map<String, String> meta = new HashMap<>();
    String sc = null;
    for (Map.Entry<String, String> e : config.putUserMetadata().entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(STORAGE_CLASS_KEY)) {
        sc = e.getValue();
      } else {
        meta.put(e.getKey(), e.getValue());
      }
    }
    this.metadata = Map.copyOf(meta);
    this.storageClass = sc;
    this.multipart =
        new MultipartUpload(
            s3, bucket, metadata, storageClass, config.sendContentMd5(), partExecutor);
  }

  /**
   * Opens the bucket: builds the client and its connection pool without contacting the store, so
   * that opening works while the endpoint is down, the bucket is missing or the credentials are
   * wrong; {@link #check} and every operation report those. The caller closes the returned bucket.
   *
   * @throws S3BucketUnavailableException when the configuration can never work: {@code
   *     tls_config.ca_file} cannot be read as PEM certificates
   */
  public static S3Bucket open(S3Config config) throws S3BucketUnavailableException {
    return new S3Bucket(config, S3Clients.open(config));
  }

  /** The endpoint requests go to, e.g. {@code http://127.0.0.1:9000}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Whether requests name the bucket in the path ({@code true}) or in the host name. */
  public boolean pathStyle() {
    return S3Clients.pathStyle(config);
  }

  /**
   * Checks the bucket with one HEAD bucket request (with the client's retries).
   *
   * @throws S3BucketUnavailableException when the bucket does not exist, access is denied, no
   *     credentials are found or the endpoint cannot be reached; the message names the bucket and
   *     the endpoint and says which
   */
  @Override
  public void check() throws S3BucketUnavailableException {
    try {
      s3.headBucket(r -> r.bucket(bucket));
    } catch (S3Exception e) {
      String code = errorCode(e);
      String why =
          switch (e.statusCode()) {
            case 404 -> "bucket '" + bucket + "' does not exist at " + endpoint;
            case 403 ->
                "access to bucket '"
                    + bucket
                    + "' at "
                    + endpoint
                    + " was denied ("
                    + code
                    + "): check access_key and secret_key (or the credentials of the AWS default"
                    + " chain) and the bucket's policy";
            case 301, 400 ->
                "bucket '"
                    + bucket
                    + "' at "
                    + endpoint
                    + " rejected the request ("
                    + code
                    + "): is config.region right?";
            default -> "bucket '" + bucket + "' at " + endpoint + " cannot be used (" + code + ")";
          };
      String requestId = e.requestId() == null ? "" : " (request id " + e.requestId() + ")";
      throw new S3BucketUnavailableException(bucket, why + requestId, e);
    } catch (SdkException e) {
      throw new S3BucketUnavailableException(
          bucket,
          "bucket '"
              + bucket
              + "' cannot be checked at "
              + endpoint
              + " (endpoint unreachable or no credentials): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String name() {
    return bucket;
  }

  @Override
  public boolean exists(String name) throws IOException {
    ObjectNames.checkObjectName(name);
    try {
      s3.headObject(r -> r.bucket(bucket).key(name));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw failure(BucketOperation.EXISTS, name, e);
    } catch (SdkException e) {
      throw failure(BucketOperation.EXISTS, name, e);
    }
  }

  @Override
  public InputStream get(String name) throws IOException {
    ObjectNames.checkObjectName(name);
    try {
      return s3.getObject(r -> r.bucket(bucket).key(name));
    } catch (SdkException e) {
      throw failure(BucketOperation.GET, name, e);
    }
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    ObjectNames.checkObjectName(name);
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
    if (length < -1) {
      throw new IllegalArgumentException("length must be >= 0 or -1: " + length);
    }
    if (length == 0) {
      head(BucketOperation.GET_RANGE, name);
      return InputStream.nullInputStream();
    }
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(name);
    if (offset > 0 || length > 0) {
      String end =
          length == -1 || length > Long.MAX_VALUE - offset
              ? ""
              : Long.toString(offset + length - 1);
      request.range("bytes=" + offset + "-" + end);
    }
    try {
      return s3.getObject(request.build());
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        // The offset is at or past the end (or the object is empty): nothing to read.
        return InputStream.nullInputStream();
      }
      throw failure(BucketOperation.GET_RANGE, name, e);
    } catch (SdkException e) {
      throw failure(BucketOperation.GET_RANGE, name, e);
    }
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    ObjectNames.checkObjectName(name);
    HeadObjectResponse head = head(BucketOperation.ATTRIBUTES, name);
    return new ObjectAttributes(head.contentLength(), head.lastModified());
  }

  private HeadObjectResponse head(BucketOperation operation, String name) throws IOException {
    try {
      return s3.headObject(r -> r.bucket(bucket).key(name));
    } catch (SdkException e) {
      throw failure(operation, name, e);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    ObjectNames.checkObjectName(name);
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(name));
    } catch (SdkException e) {
      throw failure(BucketOperation.DELETE, name, e);
    }
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    ObjectNames.checkObjectName(name);
    long size = Files.size(file);
    if (useMultipart(name, size)) {
      multipartUpload(
          name,
          size,
          partSize(size, config.partSize()),
          UPLOAD_CONCURRENCY,
          (offset, length) ->
              RequestBody.fromContentProvider(fileSlice(file, offset, length), length, BINARY));
    } else {
      put(name, size == 0 ? RequestBody.empty() : RequestBody.fromFile(file));
    }
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    ObjectNames.checkObjectName(name);
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    if (useMultipart(name, length)) {
      long partSize = partSize(length, Math.min(config.partSize(), MAX_BUFFER));
      byte[] buffer = new byte[(int) Math.min(partSize, length)];
      multipartUpload(
          name,
          length,
          partSize,
          1,
          (offset, partLength) -> {
            UploadStreams.readFully(in, buffer, (int) partLength, length, length - offset);
            if (offset + partLength == length) {
              UploadStreams.checkEnd(in, length);
            }
            return RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(buffer, 0, (int) partLength), partLength, BINARY);
          });
    } else if (length == 0) {
      UploadStreams.checkEnd(in, length);
      put(name, RequestBody.empty());
    } else if (length <= MAX_BUFFER) {
      byte[] buffer = new byte[(int) length];
      UploadStreams.readFully(in, buffer, buffer.length, length, length);
      UploadStreams.checkEnd(in, length);
      put(
          name,
          RequestBody.fromContentProvider(
              () -> new ByteArrayInputStream(buffer), buffer.length, BINARY));
    } else {
      put(
          name,
          RequestBody.fromInputStream(new BoundedInputStream(unclosable(in), length), length));
      UploadStreams.checkEnd(in, length);
    }
  }

  private boolean useMultipart(String name, long size) throws IOException {
    if (config.disableMultipart()) {
      if (size > S3Config.MAX_PART_SIZE) {
        throw new BucketOperationException(
            bucket,
            BucketOperation.UPLOAD,
            name,
            null,
            "object of "
                + size
                + " bytes exceeds the 5 GiB limit of a single PUT and disable_multipart is set",
            null);
      }
      return false;
    }
    return size >= config.partSize();
  }

  /** The configured part size, grown when needed to stay within S3's 10,000 parts. */
  private static long partSize(long size, long configured) {
    long minimum = (size + MAX_PARTS - 1) / MAX_PARTS;
    return Math.max(configured, minimum);
  }

  private void put(String name, RequestBody body) throws IOException {
    PutObjectRequest.Builder request =
        PutObjectRequest.builder().bucket(bucket).key(name).contentType(BINARY).metadata(metadata);
    if (storageClass != null) {
      request.storageClass(storageClass);
    }
    try {
      s3.putObject(request.build(), body);
    } catch (SdkException | UncheckedIOException e) {
      throw uploadFailure(name, e);
    }
  }

  private void multipartUpload(
      String name, long size, long partSize, int concurrency, MultipartUpload.PartSource source)
      throws IOException {
    try {
      multipart.upload(name, size, partSize, concurrency, source);
    } catch (SdkException | UncheckedIOException e) {
      throw uploadFailure(name, e);
    }
  }

  private IOException uploadFailure(String name, RuntimeException e) {
    if (e instanceof UncheckedIOException u) {
      return u.getCause();
    }
    return failure(BucketOperation.UPLOAD, name, (SdkException) e);
  }

  private static ContentStreamProvider fileSlice(Path file, long offset, long length) {
    return () -> {
      try {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(offset);
        return new BoundedInputStream(Channels.newInputStream(channel), length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  private static InputStream unclosable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }

  @Override
  public void iter(String dir, boolean recursive, ObjectVisitor visitor) throws IOException {
    String prefix = ObjectNames.directoryPrefix(dir);
    if (config.listObjectsVersion() == S3Config.ListObjectsVersion.V1) {
      iterV1(prefix, recursive, visitor);
    } else {
      iterV2(prefix, recursive, visitor);
    }
  }

  private void iterV2(String prefix, boolean recursive, ObjectVisitor visitor) throws IOException {
    String token = null;
    do {
      ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket);
      if (!prefix.isEmpty()) {
        request.prefix(prefix);
      }
      if (!recursive) {
        request.delimiter("/");
      }
      if (token != null) {
        request.continuationToken(token);
      }
      ListObjectsV2Response page;
      try {
        page = s3.listObjectsV2(request.build());
      } catch (SdkException e) {
        throw failure(BucketOperation.ITER, prefix, e);
      }
      visitPage(prefix, page.contents(), page.commonPrefixes(), visitor);
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
  }

  private void iterV1(String prefix, boolean recursive, ObjectVisitor visitor) throws IOException {
    String marker = null;
    do {
      ListObjectsRequest.Builder request = ListObjectsRequest.builder().bucket(bucket);
      if (!prefix.isEmpty()) {
        request.prefix(prefix);
      }
      if (!recursive) {
        request.delimiter("/");
      }
      if (marker != null) {
        request.marker(marker);
      }
      ListObjectsResponse page;
      try {
        page = s3.listObjects(request.build());
      } catch (SdkException e) {
        throw failure(BucketOperation.ITER, prefix, e);
      }
      String last = visitPage(prefix, page.contents(), page.commonPrefixes(), visitor);
      if (Boolean.TRUE.equals(page.isTruncated())) {
        marker = page.nextMarker() != null ? page.nextMarker() : last;
      } else {
        marker = null;
      }
    } while (marker != null);
  }

  /** Visits one page in key order and returns its last key or prefix. */
  private static String visitPage(
      String prefix, List<S3Object> contents, List<CommonPrefix> prefixes, ObjectVisitor visitor)
      throws IOException {
    List<String> names = new ArrayList<>(contents.size() + prefixes.size());
    for (S3Object object : contents) {
      // Some stores list the directory marker itself.
      if (!object.key().equals(prefix)) {
        names.add(object.key());
      }
    }
    for (CommonPrefix p : prefixes) {
      names.add(p.prefix());
    }
    names.sort(ObjectNames.ORDER);
    for (String name : names) {
      visitor.visit(name);
    }
    return names.isEmpty() ? null : names.get(names.size() - 1);
  }

  private IOException failure(BucketOperation operation, String key, SdkException e) {
    if (e instanceof S3Exception s3e) {
      String code = errorCode(s3e);
      if (s3e.statusCode() == 404 && !"NoSuchBucket".equals(code) && !"NoSuchUpload".equals(code)) {
        ObjectNotFoundException notFound = new ObjectNotFoundException(bucket, key);
        notFound.initCause(e);
        return notFound;
      }
      String detail =
          s3e.awsErrorDetails() != null && s3e.awsErrorDetails().errorMessage() != null
              ? s3e.awsErrorDetails().errorMessage()
              : s3e.getMessage();
      return new BucketOperationException(bucket, operation, key, code, detail, e);
    }
    return new BucketOperationException(bucket, operation, key, null, e.getMessage(), e);
  }

  private static String errorCode(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return code == null || code.isEmpty() ? "HTTP " + e.statusCode() : code;
  }

  @Override
  public void close() {
    partExecutor.shutdown();
    clients.close();
  }

  @Override
  public String toString() {
    return "s3: " + bucket + " at " + endpoint;
  }
}
