package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import io.cdcsink.pg.PgOutputMessage.Column;
import io.cdcsink.pg.PgOutputMessage.Null;
import io.cdcsink.pg.PgOutputMessage.Relation;
import io.cdcsink.pg.PgOutputMessage.Text;
import io.cdcsink.pg.PgOutputMessage.TupleData;
import io.cdcsink.pg.PgOutputMessage.UnchangedToast;
import java.util.List;
import org.junit.jupiter.api.Test;

class TupleRowsTest {
    private static final RelationInfo RELATION = RelationInfo.of(new TableName("db", "public", "t"),
            new Relation(1, "public", "t", 'd', List.of(new Column(1, "id", 20, -1),
                    new Column(0, "we\"ird\nname", 25, -1), new Column(0, "gone", 25, -1),
                    new Column(0, "toast", 25, -1))),
            List.of(0));

    @Test
    void valuesAreTheTextsPgoutputSentAndAnUnchangedToastValueIsLeftOut() {
        StringBuilder controls = new StringBuilder();
        for (char c = 1; c < 0x20; c++) {
            controls.append(c);
        }
        String awkward = "quote \" backslash \\ slash / é 日本 \u2028 " + controls;
        SourceRow row = TupleRows.row(RELATION, new TupleData(List.of(new Text("-42"), new Text(awkward),
                new Null(), new UnchangedToast())));

        assertThat(row.shape()).isSameAs(RELATION.shape());
        assertThat(row.value(0)).isEqualTo("-42");
        assertThat(row.value(1)).isSameAs(awkward);
        assertThat(row.value(2)).isNull();
        assertThat(row.absent(2)).isFalse();
        assertThat(row.absent(3)).as("the unchanged TOAST column is left out").isTrue();
        assertThat(row.complete()).isFalse();
        assertThat(row.keyJson()).isEqualTo("[\"-42\"]");
    }

    @Test
    void aKeyColumnCannotBeLeftOut() {
        assertThatThrownBy(() -> TupleRows.row(RELATION, new TupleData(List.of(new UnchangedToast(), new Null(),
                new Null(), new Null())))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key column id of table db.public.t");
    }
}
