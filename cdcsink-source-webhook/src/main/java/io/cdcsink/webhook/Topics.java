package io.cdcsink.webhook;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;

/** Maps a changefeed topic to a target table: the URL picks the schema, the topic only names the table. */
final class Topics {
    private Topics() {
    }

    /**
     * Accepts {@code table}, {@code schema.table} or {@code db.schema.table}; the qualifying parts are ignored
     * because the request path decides where rows go.
     *
     * @throws BadInputException when the topic is empty, has empty parts or more than three parts
     */
    static TableName table(SchemaName target, String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new BadInputException("empty topic");
        }
        String[] parts = topic.split("\\.", -1);
        if (parts.length > 3) {
            throw new BadInputException("too many parts in topic \"" + topic + "\"");
        }
        String[] what = {"table", "schema", "database"};
        for (int i = 0; i < parts.length; i++) {
            if (parts[parts.length - 1 - i].isEmpty()) {
                throw new BadInputException("empty " + what[i] + " in topic \"" + topic + "\"");
            }
        }
        return target.table(parts[parts.length - 1]);
    }
}
