package io.cdcsink.verify;

import java.util.List;
import java.util.Optional;

/** A table as one side's catalog describes it: its columns in order and its primary key's columns in key order. */
record TableShape(String schema, String name, List<Column> columns, List<String> key) {
    TableShape {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
    }

    Optional<Column> column(String column) {
        return columns.stream().filter(c -> c.name().equals(column)).findFirst();
    }

    String label() {
        return schema + "." + name;
    }
}
