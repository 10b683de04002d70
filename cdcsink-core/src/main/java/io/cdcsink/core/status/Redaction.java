package io.cdcsink.core.status;

import java.util.regex.Pattern;

/**
 * Keeps secrets out of what the unauthenticated status routes show: error messages may quote a connection string.
 */
final class Redaction {
    static final int MAX_MESSAGE = 500;
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^:/@\\s]*):[^@\\s]*@");
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|sslpassword|token|secret)=([^&;\\s]+)");

    private Redaction() {
    }

    static String message(String text) {
        String s = text == null ? "" : text;
        s = URL_PASSWORD.matcher(s).replaceAll("$1:***@");
        s = PARAMETER.matcher(s).replaceAll("$1=***");
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
