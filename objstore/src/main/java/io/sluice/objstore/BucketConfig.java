// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed objstore configuration: the YAML given to {@code --objstore.config} or {@code
 * --objstore.config-file}, in Thanos' format.
 *
 * <pre>{@code
 * type: S3
 * config:
 *   bucket: thanos-cluster-01
 *   endpoint: minio:9000
 *   access_key: minio
 *   secret_key: $(MINIO_SECRET)
 *   insecure: true
 * prefix: ""
 * }</pre>
 *
 * <p>Parsing is strict, as Thanos' {@code yaml.UnmarshalStrict}: an unknown or duplicated key at
 * any level fails and the message names its path. The package documentation lists the keys.
 *
 * @param config the {@code type} and {@code config} sections
 * @param prefix the {@code prefix} key: a directory every object name is placed under, {@code ""}
 *     for none
 * @param ignoredKeys paths of keys that were set to something other than their default but that
 *     Sluice accepts without acting on (e.g. {@code config.trace.enable}), for a warning at start
 */
public record BucketConfig(ProviderConfig config, String prefix, List<String> ignoredKeys) {

  /** Validates the configuration. */
  public BucketConfig {
    Objects.requireNonNull(config, "config");
    prefix = Objects.requireNonNullElse(prefix, "");
    ignoredKeys = List.copyOf(Objects.requireNonNullElse(ignoredKeys, List.of()));
  }

  /** A configuration without prefix and without ignored keys. */
  public static BucketConfig of(ProviderConfig config) {
    return new BucketConfig(config, "", List.of());
  }

  /** The bucket type, from {@link #config()}. */
  public BucketType type() {
    return config.type();
  }

  /**
   * Parses a configuration, replacing {@code $(VAR)} with the process environment first.
   *
   * @throws BucketConfigException when the configuration cannot be used; the message names the key
   */
  public static BucketConfig parse(String yaml) throws BucketConfigException {
    return parse(yaml, System.getenv());
  }

  /**
   * Parses a configuration. Before the YAML is read, every {@code $(NAME)} (NAME made of letters,
   * digits and {@code _}) is replaced by the value of {@code NAME} in {@code environment}, as
   * Thanos does for objstore flags and files (the Kubernetes convention); a reference to a variable
   * that is not set fails with {@code found reference to unset environment variable "NAME"}. A
   * variable set to the empty string expands to nothing.
   *
   * @param environment the variables to substitute, usually {@link System#getenv()}
   * @throws BucketConfigException when the configuration cannot be used; the message names the key
   */
  public static BucketConfig parse(String yaml, Map<String, String> environment)
      throws BucketConfigException {
    return BucketConfigParser.parse(yaml, environment);
  }
}
