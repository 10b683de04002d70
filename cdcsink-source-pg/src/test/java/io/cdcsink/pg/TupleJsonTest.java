package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cdcsink.api.TableName;
import io.cdcsink.pg.PgOutputMessage.Column;
import io.cdcsink.pg.PgOutputMessage.Null;
import io.cdcsink.pg.PgOutputMessage.Relation;
import io.cdcsink.pg.PgOutputMessage.Text;
import io.cdcsink.pg.PgOutputMessage.TupleData;
import io.cdcsink.pg.PgOutputMessage.UnchangedToast;
import java.util.List;
import org.junit.jupiter.api.Test;

class TupleJsonTest {
    private final JsonMapper mapper = new JsonMapper();

    @Test
    void valuesAndNamesSurviveAsJsonStrings() throws Exception {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        String awkward = "quote \" backslash \\ slash / é 日本 \u2028 " + controls;
        RelationInfo relation = new RelationInfo(new TableName("db", "public", "t"),
                new Relation(1, "public", "t", 'd', List.of(new Column(1, "id", 20, -1),
                        new Column(0, "we\"ird\nname", 25, -1), new Column(0, "gone", 25, -1),
                        new Column(0, "toast", 25, -1))),
                List.of(0));
        TupleData tuple = new TupleData(List.of(new Text("-42"), new Text(awkward), new Null(),
                new UnchangedToast()));

        JsonNode row = mapper.readTree(TupleJson.row(relation, tuple));
        JsonNode key = mapper.readTree(TupleJson.key(relation, tuple));

        assertThat(row.size()).as("the unchanged TOAST column is left out").isEqualTo(3);
        assertThat(row.get("id").textValue()).isEqualTo("-42");
        assertThat(row.get("we\"ird\nname").textValue()).isEqualTo(awkward);
        assertThat(row.get("gone").isNull()).isTrue();
        assertThat(key.isArray()).isTrue();
        assertThat(key.size()).isEqualTo(1);
        assertThat(key.get(0).textValue()).isEqualTo("-42");
    }
}
