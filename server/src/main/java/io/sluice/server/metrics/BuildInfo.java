// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.metrics;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.server.Main;

/**
 * {@code sluice_build_info}: a gauge of value 1 whose labels describe the running build, in the
 * shape of Thanos' {@code thanos_build_info} (Prometheus' version collector): {@code version},
 * {@code revision}, {@code branch}, and the runtime's {@code javaversion}, {@code os} and {@code
 * arch} where Go builds report {@code goversion}, {@code goos} and {@code goarch}. Sluice's own
 * name, since its version is not a Thanos version. The version is the jar manifest's {@code
 * Implementation-Version}; revision and branch come from {@code Implementation-Revision} and {@code
 * Implementation-Branch} when the build that packaged the jar set them, else {@code "unknown"}.
 */
public final class BuildInfo {
  /** The metric name as exposed. */
  public static final String NAME = "sluice_build_info";

  private BuildInfo() {}

  /** The version of the running build: the jar manifest's, or {@code "dev"} from classes. */
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null || v.isEmpty() ? "dev" : v;
  }

  /** Registers the metric on {@code registry}. */
  public static void register(PrometheusRegistry registry) {
    Info.builder()
        .name(NAME)
        .help(
            "A metric with a constant '1' value labeled by version, revision, branch, and the"
                + " Java version, OS and architecture from which sluice was built.")
        .labelNames("version", "revision", "branch", "javaversion", "os", "arch")
        .register(registry)
        .addLabelValues(
            version(),
            manifest("Implementation-Revision"),
            manifest("Implementation-Branch"),
            Runtime.version().toString(),
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT),
            System.getProperty("os.arch", ""));
  }

  private static String manifest(String attribute) {
    try (var in = Main.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
      if (in == null) {
        return "unknown";
      }
      String v = new java.util.jar.Manifest(in).getMainAttributes().getValue(attribute);
      return v == null || v.isEmpty() ? "unknown" : v;
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
