// SPDX-License-Identifier: Apache-2.0
/**
 * Object storage: the {@link io.sluice.objstore.Bucket} interface, {@link
 * io.sluice.objstore.FilesystemBucket} (the embedded default), {@link
 * io.sluice.objstore.s3.S3Bucket} (Amazon S3, MinIO and other S3-compatible stores), {@link
 * io.sluice.objstore.PrefixedBucket}, and the Thanos objstore configuration ({@link
 * io.sluice.objstore.BucketConfig}, opened by {@link io.sluice.objstore.Buckets#open}). This module
 * knows nothing of blocks; the shipper in {@code receiver-core} uses it.
 *
 * <h2>Configuration</h2>
 *
 * The YAML of Thanos' {@code --objstore.config} / {@code --objstore.config-file}, parsed strictly
 * (an unknown or duplicated key at any level is an error naming its path, e.g. {@code
 * config.http_config.foo}), after {@code $(VAR)} environment substitution. Top level: {@code type}
 * (case-insensitive {@code S3} or {@code FILESYSTEM}; Thanos' other types are rejected as not
 * supported by Sluice), {@code config}, {@code prefix}.
 *
 * <p>{@code FILESYSTEM}: {@code directory} (required). Thanos reads this section leniently; Sluice
 * rejects unknown keys here too.
 *
 * <p>{@code S3} keys. <i>Supported</i> keys work as in Thanos; <i>ignored</i> keys are accepted,
 * have no effect, and are logged as a warning at start when set; <i>rejected</i> values stop the
 * start with "not supported by Sluice: &lt;key&gt;".
 *
 * <table>
 *   <caption>S3 configuration keys</caption>
 *   <tr><th>Key</th><th>Sluice</th></tr>
 *   <tr><td>{@code bucket}</td><td>supported; required (Thanos fails later without it)</td></tr>
 *   <tr><td>{@code endpoint}</td><td>supported; required, {@code host[:port]}, no scheme</td></tr>
 *   <tr><td>{@code region}</td><td>supported; empty signs for {@code us-east-1} and follows
 *       cross-region redirects</td></tr>
 *   <tr><td>{@code access_key}, {@code secret_key}</td><td>supported; both or neither</td></tr>
 *   <tr><td>{@code session_token}</td><td>supported with {@code access_key}</td></tr>
 *   <tr><td>{@code aws_sdk_auth}</td><td>supported: the AWS SDK default credential chain;
 *       exclusive with {@code access_key}. Without either, the same chain is used (Thanos:
 *       env, {@code ~/.aws/credentials}, IAM)</td></tr>
 *   <tr><td>{@code insecure}</td><td>supported: {@code http} instead of {@code https}</td></tr>
 *   <tr><td>{@code bucket_lookup_type}</td><td>supported: {@code auto} (default; virtual-hosted
 *       for AWS, GCS and Aliyun hosts, path-style otherwise, as minio-go), {@code
 *       virtual-hosted}, {@code path}</td></tr>
 *   <tr><td>{@code part_size}</td><td>supported; 5 MiB to 5 GiB, default 64 MiB, 0 means the
 *       default</td></tr>
 *   <tr><td>{@code disable_multipart}</td><td>supported; objects then limited to 5 GiB</td></tr>
 *   <tr><td>{@code list_objects_version}</td><td>supported: {@code ""}/{@code v2}, {@code v1};
 *       anything else rejected</td></tr>
 *   <tr><td>{@code max_retries}</td><td>supported: 0 is the SDK's standard policy (3 attempts),
 *       n &gt; 0 allows n retries</td></tr>
 *   <tr><td>{@code put_user_metadata}</td><td>supported; {@code X-Amz-Storage-Class} sets the
 *       storage class</td></tr>
 *   <tr><td>{@code send_content_md5}</td><td>supported in spirit: {@code true} (default) sends
 *       the SDK's CRC32 request checksums instead of Content-MD5, {@code false} sends checksums
 *       only where S3 requires them</td></tr>
 *   <tr><td>{@code http_config.idle_conn_timeout}</td><td>supported: pool idle time, default
 *       1m30s</td></tr>
 *   <tr><td>{@code http_config.response_header_timeout}</td><td>supported as the socket read
 *       timeout, default 2m</td></tr>
 *   <tr><td>{@code http_config.insecure_skip_verify}, {@code
 *       http_config.tls_config.insecure_skip_verify}</td><td>supported: trust any
 *       certificate</td></tr>
 *   <tr><td>{@code http_config.max_idle_conns}, {@code max_conns_per_host}</td><td>supported:
 *       pool size is {@code max_conns_per_host}, or {@code max_idle_conns} when that is 0</td></tr>
 *   <tr><td>{@code http_config.tls_handshake_timeout}, {@code expect_continue_timeout}, {@code
 *       max_idle_conns_per_host}, {@code disable_compression}</td><td>ignored (the connect timeout
 *       is 30 s, as Thanos' dialer; one host per bucket; the SDK never asks for compressed
 *       bodies)</td></tr>
 *   <tr><td>{@code disable_dualstack}</td><td>ignored: Sluice never uses dual-stack
 *       endpoints</td></tr>
 *   <tr><td>{@code trace.enable}</td><td>ignored: use the AWS SDK's wire logging
 *       instead</td></tr>
 *   <tr><td>{@code http_config.tls_config.ca_file}</td><td>supported: the PEM certificates
 *       replace the JVM trust store, as Go's {@code RootCAs}</td></tr>
 *   <tr><td>{@code http_config.tls_config.cert_file}, {@code key_file}, {@code
 *       server_name}</td><td>rejected when set (no client certificates)</td></tr>
 *   <tr><td>{@code signature_version2}</td><td>{@code false} accepted, {@code true}
 *       rejected</td></tr>
 *   <tr><td>{@code sse_config}</td><td>accepted when {@code type} is empty, rejected
 *       otherwise</td></tr>
 *   <tr><td>{@code sts_endpoint}</td><td>accepted when empty, rejected otherwise</td></tr>
 * </table>
 */
package io.sluice.objstore;
