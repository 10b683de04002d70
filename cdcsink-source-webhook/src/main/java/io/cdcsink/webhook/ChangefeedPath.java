package io.cdcsink.webhook;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.util.Objects;

/** What a changefeed request URL addresses. Parsed by {@link ChangefeedPathParser}. */
public sealed interface ChangefeedPath {
    /** The target schema the request writes to; authorization is checked against it. */
    SchemaName schema();

    /** {@code /{db}/{schema}}: a webhook sink posting JSON envelopes of mutations or a resolved timestamp. */
    record Webhook(SchemaName schema) implements ChangefeedPath {
        public Webhook {
            Objects.requireNonNull(schema, "schema");
        }
    }

    /**
     * {@code /{db}/{schema}/{date}/{file}.ndjson}: one file of newline-delimited mutations of one table.
     *
     * @param table    target table: the path's schema and the last part of the topic
     * @param topic    the changefeed topic as written in the file name
     * @param schemaId CockroachDB's schema id of the file, unused but kept for logs
     * @param gzip     the file is gzip-compressed ({@code .ndjson.gz}, a changefeed with {@code compression='gzip'})
     */
    record NdjsonFile(TableName table, String topic, String schemaId, boolean gzip) implements ChangefeedPath {
        public NdjsonFile {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(schemaId, "schemaId");
        }

        /** An uncompressed file. */
        public NdjsonFile(TableName table, String topic, String schemaId) {
            this(table, topic, schemaId, false);
        }

        @Override
        public SchemaName schema() {
            return table.schemaName();
        }
    }

    /** {@code /{db}/{schema}/{date}/{timestamp}.RESOLVED}: a resolved timestamp carried in the file name. */
    record ResolvedFile(SchemaName schema, Hlc resolved) implements ChangefeedPath {
        public ResolvedFile {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(resolved, "resolved");
        }
    }
}
