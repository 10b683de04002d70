package io.cdcsink.core.preflight;

import io.cdcsink.api.TableName;
import io.cdcsink.engine.TargetDialect;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The DDL preflight suggests as fixes, in the target's own dialect: PostgreSQL and CockroachDB share one form; MySQL
 * and MariaDB spell several statements differently (no {@code ALTER COLUMN ... DROP NOT NULL}, foreign keys dropped
 * with {@code DROP FOREIGN KEY}, no deferrable constraints) and need MySQL column types.
 */
final class TargetDdl {
    private final TargetDialect dialect;

    TargetDdl(TargetDialect dialect) {
        this.dialect = dialect;
    }

    boolean mysql() {
        return dialect.product() == TargetDialect.Product.MYSQL;
    }

    String quote(String ident) {
        return dialect.quote(ident);
    }

    String qualify(TableName table) {
        return dialect.qualify(table);
    }

    String columns(List<String> names) {
        return names.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    String addPrimaryKey(TableName table, String columns) {
        return "ALTER TABLE " + qualify(table) + " ADD PRIMARY KEY (" + columns + ")";
    }

    /** @param pgType the PostgreSQL type the source names for the column */
    String addColumn(TableName table, String column, String pgType) {
        return "ALTER TABLE " + qualify(table) + " ADD COLUMN " + quote(column) + " " + type(pgType);
    }

    /** @param type the column's type as the target's catalog names it (MySQL restates it) */
    String dropNotNull(TableName table, String column, String type) {
        return mysql() ? "ALTER TABLE " + qualify(table) + " MODIFY " + quote(column) + " " + type + " NULL"
                : "ALTER TABLE " + qualify(table) + " ALTER COLUMN " + quote(column) + " DROP NOT NULL";
    }

    String dropForeignKey(TableName table, String name) {
        return "ALTER TABLE " + qualify(table) + (mysql() ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ") + quote(name);
    }

    /** PostgreSQL only: MySQL checks every foreign key per row and cannot defer one. */
    String deferrable(TableName table, String name) {
        return "ALTER TABLE " + qualify(table) + " ALTER CONSTRAINT " + quote(name) + " DEFERRABLE INITIALLY DEFERRED";
    }

    String dropUnique(TableName table, String name, boolean index) {
        if (mysql()) {
            return "ALTER TABLE " + qualify(table) + " DROP INDEX " + quote(name);
        }
        return index ? "DROP INDEX " + quote(table.schema()) + "." + quote(name)
                : "ALTER TABLE " + qualify(table) + " DROP CONSTRAINT " + quote(name);
    }

    String dropCheck(TableName table, String name) {
        return "ALTER TABLE " + qualify(table) + " DROP CONSTRAINT " + quote(name);
    }

    /**
     * The target type for a column whose values the source says fit {@code pgType}: the type itself on PostgreSQL;
     * on MySQL the type that holds the same values (docs/mysql-target.md lists them). A type without a MySQL
     * counterpart becomes {@code longtext}, which holds its text.
     */
    String type(String pgType) {
        if (!mysql()) {
            return pgType;
        }
        String t = pgType.toLowerCase(Locale.ROOT).strip();
        if (t.endsWith("[]")) {
            return "json";
        }
        int open = t.indexOf('(');
        String base = (open < 0 ? t : t.substring(0, open)).strip();
        String modifier = open < 0 ? "" : t.substring(open, t.indexOf(')', open) + 1).replace(" ", "");
        return switch (base) {
            case "smallint", "int2", "smallserial" -> "smallint";
            case "integer", "int", "int4", "serial" -> "int";
            case "bigint", "int8", "bigserial" -> "bigint";
            case "numeric", "decimal" -> modifier.isEmpty() ? "decimal(65,30)" : "decimal" + modifier;
            case "real", "float4" -> "float";
            case "double precision", "float8" -> "double";
            case "boolean", "bool" -> "boolean";
            case "character varying", "varchar" -> modifier.isEmpty() ? "longtext" : "varchar" + modifier;
            case "character", "char", "bpchar" -> modifier.isEmpty() ? "char(1)" : "char" + modifier;
            case "bytea" -> "longblob";
            case "date" -> "date";
            // datetime, not timestamp: MySQL's timestamp ends in 2038; cdc-sink's sessions write UTC.
            case "timestamp", "timestamptz", "timestamp without time zone", "timestamp with time zone" ->
                    "datetime(6)";
            case "time", "timetz", "time without time zone", "time with time zone" -> "time(6)";
            case "json", "jsonb" -> "json";
            case "uuid" -> "char(36)";
            case "bit", "bit varying", "varbit" -> modifier.isEmpty() ? "bit(64)" : "bit" + modifier;
            default -> "longtext";
        };
    }
}
