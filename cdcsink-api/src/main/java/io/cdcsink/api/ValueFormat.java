package io.cdcsink.api;

/**
 * What a row's values are, and so how they reach the target's columns: a changefeed's JSON row, or the text values of a
 * logical source's {@link SourceRow}. The two differ above all in what a value of a {@code json} or {@code jsonb}
 * column (or a domain over one) means.
 */
public enum ValueFormat {
    /**
     * CockroachDB changefeed JSON (the webhook and the file sinks): a {@code json} or {@code jsonb} column takes the
     * JSON value itself (a string value is a JSON string), an array column a JSON array or the array's text, and
     * every other column the text of the value (a string's contents, a number's or a boolean's literal), which the
     * column type's input function reads.
     */
    CHANGEFEED_JSON,
    /**
     * Values in the source's text form (the logical sources, {@link LogicalEvents}): every value is the text the
     * column type's input function reads, for every column type. A {@code json} column keeps that text exactly
     * (whitespace, key order, duplicate keys), a {@code jsonb} column parses it. When a statement rather than
     * {@code COPY} writes such rows (updates of existing keys, deletes), the texts travel as JSON strings of one
     * {@code json} parameter, which the statement reads back as text.
     */
    TEXT
}
