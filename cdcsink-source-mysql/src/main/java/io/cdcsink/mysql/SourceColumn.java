package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One column of a source table as a TABLE_MAP event with full row metadata describes it.
 *
 * @param name     column name
 * @param type     the real binlog type (ENUM and SET resolved from the STRING type's metadata)
 * @param meta     the binlog type metadata (precision, fractional-second digits, length bytes...)
 * @param length   for CHAR/BINARY the declared length in bytes; 0 otherwise
 * @param unsigned numeric column declared UNSIGNED
 * @param charset  character columns: the text charset; empty for binary (bytes) and non-character columns
 * @param labels   ENUM/SET values in declaration order; empty otherwise
 */
public record SourceColumn(String name, ColumnType type, int meta, int length, boolean unsigned,
                           Optional<Charset> charset, List<String> labels) {
    public SourceColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(charset, "charset");
        labels = List.copyOf(labels);
    }

    /** Whether MySQL counts this column among the "character" columns of the charset metadata. */
    static boolean isCharacter(ColumnType type) {
        return switch (type) {
            case STRING, VARCHAR, VAR_STRING, BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> true;
            default -> false;
        };
    }
}
