package io.cdcsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowMapperTest {
    private static final ColumnInfo PK = new ColumnInfo("pk", "integer", 1, false, false, false);
    private static final ColumnInfo V = new ColumnInfo("v", "text", 0, false, false, true);
    private static final ColumnInfo GEN = new ColumnInfo("gen", "integer", 0, true, false, true);
    private static final TableInfo TABLE = new TableInfo(new TableName("db", "s", "t"), List.of(PK, V, GEN));

    private final JsonCodec json = new JsonCodec();

    @Test
    void withoutConfigurationRowsOfWritableColumnsPassThrough() throws JsonProcessingException {
        RowMapper mapper = new RowMapper(TABLE, TableConfig.EMPTY);
        Row row = row("{\"v\":\"x\",\"pk\":1}");
        assertThat(mapper.map(row)).isSameAs(row);
        // ... and keeps the text it came with, which the statement embeds as it is.
        assertThat(mapper.map(row).text()).contains("{\"v\":\"x\",\"pk\":1}");

        // A generated column's value is dropped, so that row is copied without it, and written from the copy.
        Row withGenerated = row("{\"pk\":1,\"gen\":\"not a number\"}");
        Row mapped = mapper.map(withGenerated);
        assertThat(mapped).isNotSameAs(withGenerated);
        assertThat(mapped.text()).isEmpty();
        assertThat(json.write(mapped.tree())).isEqualTo("{\"pk\":1}");
    }

    @Test
    void withConfigurationRowsAreRenamed() throws JsonProcessingException {
        TableConfig renamed = new TableConfig(List.of(), Map.of(), Map.of(), Optional.empty(), Set.of("skip"),
                Map.of("v", "source_v"));
        RowMapper mapper = new RowMapper(TABLE, renamed);
        assertThat(json.write(mapper.map(row("{\"pk\":1,\"source_v\":\"x\",\"skip\":true}")).tree()))
                .isEqualTo("{\"pk\":1,\"v\":\"x\"}");
    }

    @Test
    void rowsWritingTheSameColumnsShareOneList() throws JsonProcessingException {
        RowMapper mapper = new RowMapper(TABLE, TableConfig.EMPTY);
        List<ColumnInfo> first = mapper.written(row("{\"pk\":1,\"v\":null}"));
        assertThat(first).containsExactly(PK, V);
        assertThat(mapper.written(row("{\"v\":\"y\",\"pk\":2}"))).isSameAs(first);
        assertThat(mapper.written(row("{\"pk\":3}"))).containsExactly(PK);
        assertThat(mapper.unknown(row("{\"pk\":3,\"b\":1,\"a\":2,\"gen\":4}"))).containsExactly("a", "b");
        assertThat(mapper.unknown(row("{\"pk\":3,\"gen\":4}"))).isEmpty();
    }

    /** Rows scanned one after the other share their names; the answers for one set of names are not another's. */
    @Test
    void rowsSharingNamesShareAnswersAndOthersGetTheirOwn() throws JsonProcessingException {
        RowMapper mapper = new RowMapper(TABLE, TableConfig.EMPTY);
        Row first = Row.scan(json, "{\"pk\":1,\"v\":\"x\"}").orElseThrow();
        Row same = Row.scan(json, "{\"pk\":2,\"v\":null}", first).orElseThrow();
        Row unknown = Row.scan(json, "{\"pk\":3,\"zz\":1}", same).orElseThrow();
        Row generated = Row.scan(json, "{\"pk\":4,\"gen\":1}", unknown).orElseThrow();
        assertThat(same.namedAs(first)).isTrue();
        assertThat(unknown.namedAs(same)).isFalse();
        assertThat(mapper.map(first)).isSameAs(first);
        assertThat(mapper.map(same)).isSameAs(same);
        assertThat(mapper.unknown(same)).isEmpty();
        assertThat(mapper.unknown(unknown)).containsExactly("zz");
        assertThat(mapper.map(generated)).isNotSameAs(generated);
        assertThat(mapper.unknown(generated)).isEmpty();
        assertThat(mapper.map(Row.scan(json, "{\"pk\":5,\"gen\":2}", generated).orElseThrow()).text()).isEmpty();
    }

    private Row row(String text) throws JsonProcessingException {
        return Row.scan(json, text).orElseThrow();
    }
}
