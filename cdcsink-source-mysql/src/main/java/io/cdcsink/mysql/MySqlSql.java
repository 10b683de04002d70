package io.cdcsink.mysql;

import java.util.regex.Pattern;

/** Quotes the identifiers of the snapshot's SQL: the one place they are spelt into statements. */
final class MySqlSql {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]+");

    private MySqlSql() {
    }

    /** An identifier in backquotes, backquotes inside doubled. */
    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** {@code db.table}, each part quoted. */
    static String table(String database, String table) {
        return quote(database) + "." + quote(table);
    }

    /** A charset or collation name, which cannot be quoted: only letters, digits and underscores pass. */
    static String word(String name) {
        if (!WORD.matcher(name).matches()) {
            throw new IllegalArgumentException("unexpected character set or collation name \"" + name + "\"");
        }
        return name;
    }
}
