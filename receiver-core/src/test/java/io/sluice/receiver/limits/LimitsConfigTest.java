// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The limits YAML: strict parsing, and the merge of tenant entries over the defaults. */
class LimitsConfigTest {
  // The example of Thanos' receive documentation (reference §10).
  private static final String THANOS_EXAMPLE =
      """
      write:
        global:
          max_concurrency: 30
          meta_monitoring_url: "http://localhost:9090"
          meta_monitoring_limit_query: "sum(prometheus_tsdb_head_series) by (tenant)"
        default:
          request:
            size_bytes_limit: 1024
            series_limit: 1000
            samples_limit: 10
          head_series_limit: 1000
        tenants:
          acme:
            request:
              size_bytes_limit: 0
              series_limit: 0
              samples_limit: 0
            head_series_limit: 2000
          ajax:
            request:
              series_limit: 50000
              samples_limit: 500
      """;

  @Test
  void readsThanosExampleWithTenantsMergedOverTheDefaultFieldByField() throws Exception {
    LimitsConfig c = LimitsConfig.parse(THANOS_EXAMPLE);
    assertThat(c.maxConcurrency()).isEqualTo(30);
    assertThat(c.defaults()).isEqualTo(new TenantLimits(1024, 1000, 10, 1000));
    // Explicit zeros are unlimited, not inherited.
    assertThat(c.forTenant("acme")).isEqualTo(new TenantLimits(0, 0, 0, 2000));
    // Absent fields inherit the default's: size 1024 and head series 1000.
    assertThat(c.forTenant("ajax")).isEqualTo(new TenantLimits(1024, 50000, 500, 1000));
    assertThat(c.forTenant("someone-else")).isEqualTo(c.defaults());
    assertThat(c.limitsHeadSeries()).isTrue();
    assertThat(c.limitsRequests()).isTrue();
  }

  static Stream<Arguments> merges() {
    return Stream.of(
        Arguments.of("empty content", "", "t", TenantLimits.UNLIMITED),
        Arguments.of("only a comment", "# nothing\n", "t", TenantLimits.UNLIMITED),
        Arguments.of("write: null", "write:\n", "t", TenantLimits.UNLIMITED),
        Arguments.of(
            "no default: unlimited",
            "write: {tenants: {t: {request: {series_limit: 5}}}}",
            "t",
            new TenantLimits(0, 5, 0, 0)),
        Arguments.of(
            "tenant without a request section keeps all request defaults",
            "write: {default: {request: {size_bytes_limit: 9, series_limit: 8, samples_limit: 7}},"
                + " tenants: {t: {head_series_limit: 3}}}",
            "t",
            new TenantLimits(9, 8, 7, 3)),
        Arguments.of(
            "tenant head limit absent: inherited",
            "write: {default: {head_series_limit: 100}, tenants: {t: {request: {}}}}",
            "t",
            new TenantLimits(0, 0, 0, 100)),
        Arguments.of(
            "tenant head limit 0: unlimited, not inherited",
            "write: {default: {head_series_limit: 100}, tenants: {t: {head_series_limit: 0}}}",
            "t",
            new TenantLimits(0, 0, 0, 0)),
        Arguments.of(
            "tenant entry null: all defaults",
            "write: {default: {request: {series_limit: 4}}, tenants: {t: }}",
            "t",
            new TenantLimits(0, 4, 0, 0)),
        Arguments.of(
            "an unlisted tenant gets the defaults",
            "write: {default: {request: {samples_limit: 6}}, tenants: {other: {}}}",
            "t",
            new TenantLimits(0, 0, 6, 0)),
        Arguments.of(
            "negative request limits are kept (unlimited when checked)",
            "write: {default: {request: {series_limit: -1}}}",
            "t",
            new TenantLimits(0, -1, 0, 0)),
        Arguments.of(
            "meta-monitoring client settings are accepted",
            "write: {global: {meta_monitoring_url: 'https://mon:9090/prom', meta_monitoring_http_client:"
                + " {basic_auth: {username: u, password: p}, tls_config: {insecure_skip_verify: true},"
                + " transport_config: {max_idle_conns: 3}}}}",
            "t",
            TenantLimits.UNLIMITED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void mergesTenantLimitsAsThanos(String name, String yaml, String tenant, TenantLimits want)
      throws Exception {
    assertThat(LimitsConfig.parse(yaml).forTenant(tenant)).isEqualTo(want);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("write: [", "not valid YAML"),
        Arguments.of("writes: {}", "unknown key 'writes'"),
        Arguments.of(
            "write: {global: {max_concurrenc: 3}}", "unknown key 'write.global.max_concurrenc'"),
        Arguments.of(
            "write: {default: {request: {series: 3}}}",
            "unknown key 'write.default.request.series'"),
        Arguments.of(
            "write: {tenants: {acme: {head_series: 3}}}",
            "unknown key 'write.tenants.acme.head_series'"),
        Arguments.of(
            "write: {default: {request: {series_limit: ten}}}",
            "write.default.request.series_limit must be an integer: ten"),
        Arguments.of(
            "write: {default: {request: {series_limit: '10'}}}",
            "write.default.request.series_limit must be an integer"),
        Arguments.of(
            "write: {default: {request: {series_limit: 1.5}}}",
            "write.default.request.series_limit must be an integer"),
        Arguments.of(
            "write: {default: {head_series_limit: -1}}",
            "write.default.head_series_limit must not be negative"),
        Arguments.of(
            "write: {global: {max_concurrency: {}}}", "max_concurrency must be an integer"),
        Arguments.of("write: {tenants: [a, b]}", "write.tenants must be a mapping"),
        Arguments.of("write: 3", "write must be a mapping"),
        Arguments.of(
            "write: {global: {meta_monitoring_url: 'localhost:9090/x'}}",
            "is not a valid meta-monitoring URL"),
        Arguments.of(
            "write: {global: {meta_monitoring_http_client: {basic_auth: {user: u}}}}",
            "unknown key 'write.global.meta_monitoring_http_client.basic_auth.user'"),
        Arguments.of(
            "write: {default: {}, default: {}}", "not valid YAML: Duplicate field 'default'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsInvalidConfigurationNamingTheKey(String yaml, String message) {
    assertThatThrownBy(() -> LimitsConfig.parse(yaml))
        .isInstanceOf(LimitsConfigException.class)
        .hasMessageContaining(message);
  }
}
