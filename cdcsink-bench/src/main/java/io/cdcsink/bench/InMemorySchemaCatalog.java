package io.cdcsink.bench;

import io.cdcsink.engine.SchemaCatalog;
import io.cdcsink.api.SchemaName;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A schema catalog over fixed table descriptions: no target database behind it. */
final class InMemorySchemaCatalog implements SchemaCatalog {
    private final Map<TableName, TableInfo> tables;

    InMemorySchemaCatalog(List<TableInfo> tables) {
        this.tables = tables.stream().collect(Collectors.toUnmodifiableMap(TableInfo::name, Function.identity()));
    }

    @Override
    public Optional<TableInfo> table(TableName table) {
        return Optional.ofNullable(tables.get(table));
    }

    @Override
    public Optional<TableInfo> refresh(TableName table) {
        return table(table);
    }

    @Override
    public List<TableName> tables(SchemaName schema) {
        return tables.keySet().stream().filter(t -> t.schemaName().equals(schema)).toList();
    }
}
