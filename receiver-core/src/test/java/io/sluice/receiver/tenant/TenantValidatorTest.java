// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantValidatorTest {
  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "../x",
        "..",
        ".",
        "a/b",
        "",
        "/",
        "/etc/passwd",
        "a/",
        "///",
        "nul\u0000byte",
        "tab\there",
        "new\nline",
        "del\u007f",
        "c1\u0085"
      })
  void rejectsNamesThatCouldEscapeTheirDirectoryWith400(String tenant) {
    assertThatThrownBy(() -> TenantValidator.validate(tenant))
        .isInstanceOfSatisfying(
            InvalidTenantException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.tenant()).isEqualTo(tenant);
            })
        .hasMessage("tenant name not valid");
  }

  @Test
  void rejectsAMissingName() {
    assertThatThrownBy(() -> TenantValidator.validate(null))
        .isInstanceOf(InvalidTenantException.class);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "ok-tenant",
        "default-tenant",
        "team_a.prod",
        "...",
        "a..b",
        "Mandant-ü",
        "a b",
        "a\\b"
      })
  void acceptsWhatThanosAccepts(String tenant) {
    assertThatCode(() -> TenantValidator.validate(tenant)).doesNotThrowAnyException();
  }
}
