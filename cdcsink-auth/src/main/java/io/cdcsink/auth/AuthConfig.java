package io.cdcsink.auth;

/**
 * Authentication settings.
 *
 * @param disabled {@code --disableAuthentication}: every caller may write to every schema
 */
public record AuthConfig(boolean disabled) {
}
