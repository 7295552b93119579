// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.tenant;

/**
 * Checks a tenant name before it is used as a directory name under the TSDB path.
 *
 * <p>Thanos accepts a tenant when it equals its own {@code path.Base}, which rejects any name
 * containing {@code /} and the empty name. Sluice rejects those, and also {@code .} and {@code ..}
 * (which {@code path.Base} lets through but which name the directory itself or its parent) and
 * names containing control characters (NUL included). Everything else passes, as in Thanos.
 *
 * <p>Thread-safe (stateless).
 */
public final class TenantValidator {
  private TenantValidator() {}

  /**
   * @param tenant the tenant name from the tenant header, the default tenant or a certificate
   * @throws InvalidTenantException if the name is null, empty, {@code .}, {@code ..}, contains
   *     {@code /} or contains a control character (HTTP 400, "tenant name not valid")
   */
  public static void validate(String tenant) throws InvalidTenantException {
    if (tenant == null || tenant.isEmpty() || tenant.equals(".") || tenant.equals("..")) {
      throw new InvalidTenantException(tenant);
    }
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      if (c == '/' || Character.isISOControl(c)) {
        throw new InvalidTenantException(tenant);
      }
    }
  }
}
