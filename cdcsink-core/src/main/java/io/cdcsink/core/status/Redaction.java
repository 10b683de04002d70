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

    /** Values PostgreSQL quotes in its messages: a failing row, a key's value, an input it could not read. */
    private static final Pattern FAILING_ROW = Pattern.compile("(Failing row contains )\\(.*?\\)(?=[.;\\s]|$)");
    private static final Pattern KEY_VALUE = Pattern.compile("(Key \\([^)]*\\)=)\\(.*?\\)(?= )");
    private static final Pattern INPUT_VALUE = Pattern.compile("((?:invalid input (?:syntax|value) for [^:]*"
            + "|out of range for [^:]*|value too long for [^:]*): )\"[^\"]*\"");
    /** A refused row's key as cdc-sink names it ("the row with key [42] of table ..."). */
    private static final Pattern ROW_KEY = Pattern.compile("(the row with key )\\[.*?\\](?= of table )");
    static final String HIDDEN = "(hidden)";

    /**
     * The text without the row values and the key it may quote, for a caller who may not read the table's rows:
     * {@code key}'s text, and what PostgreSQL quotes of a row, become {@value #HIDDEN}.
     */
    static String values(String text, java.util.Optional<String> key) {
        if (text == null) {
            return null;
        }
        String s = key.filter(k -> !k.isEmpty()).map(k -> text.replace(k, HIDDEN)).orElse(text);
        s = ROW_KEY.matcher(s).replaceAll("$1" + java.util.regex.Matcher.quoteReplacement(HIDDEN));
        s = FAILING_ROW.matcher(s).replaceAll("$1" + HIDDEN);
        s = KEY_VALUE.matcher(s).replaceAll("$1" + HIDDEN);
        s = INPUT_VALUE.matcher(s).replaceAll("$1" + HIDDEN);
        return s;
    }

    static String message(String text) {
        String s = text == null ? "" : text;
        s = URL_PASSWORD.matcher(s).replaceAll("$1:***@");
        s = PARAMETER.matcher(s).replaceAll("$1=***");
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
