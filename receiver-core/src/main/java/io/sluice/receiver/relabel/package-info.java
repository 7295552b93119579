// SPDX-License-Identifier: Apache-2.0
/**
 * Prometheus relabelling ({@code relabel_config}) at the remote-write ingress, as Thanos receive
 * applies {@code --receive.relabel-config}: the configuration ({@link
 * io.sluice.receiver.relabel.RelabelConfigs}, one {@link io.sluice.receiver.relabel.RelabelConfig}
 * per rule, validated as Prometheus' {@code Config.Validate}), the rules' semantics ({@link
 * io.sluice.receiver.relabel.Relabeller} over a {@link io.sluice.receiver.relabel.LabelsBuilder},
 * Prometheus' {@code relabel.Process} over {@code labels.Builder}), and their application to a
 * decoded request ({@link io.sluice.receiver.relabel.BatchRelabeller}).
 *
 * <p>Semantics are those of the Prometheus version Thanos vendors (3.x, reference {@code
 * prometheus-formats.md} §7): regexes are RE2, anchored as {@code ^(?s:re)$}; label names are valid
 * when they are non-empty UTF-8.
 */
package io.sluice.receiver.relabel;
