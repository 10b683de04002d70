package io.cdcsink.apply;

import static io.cdcsink.apply.ApplyFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.apply.ApplyFixture.Target;
import io.cdcsink.engine.ApplyResult;
import io.cdcsink.api.BadInputException;
import io.cdcsink.engine.BlockedException;
import io.cdcsink.api.Mutation;
import io.cdcsink.engine.TableConfig;
import io.cdcsink.api.TableName;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every apply_config behaviour against the real targets, PostgreSQL and MariaDB, alone and combined. Each test runs
 * once per target; where the SQL differs (types, expressions, text casts) {@link #sql} picks the target's form.
 */
class ApplyConfigIT {
    private ApplyFixture fx;

    private void on(Target target) {
        fx = ApplyFixture.on(target, "applycfg");
    }

    /** The PostgreSQL or the MySQL form of a piece of SQL, by the fixture's target. */
    private String sql(String postgres, String mysql) {
        return fx.mysql() ? mysql : postgres;
    }

    /** The conditional tests' table. */
    private void createCond() throws SQLException {
        fx.exec("CREATE TABLE cond (pk INT PRIMARY KEY, ver INT, ts " + sql("TIMESTAMPTZ", "DATETIME(6)") + ")");
    }

    private static TableConfig cas(String... columns) {
        return new TableConfig(List.of(columns), Map.of(), Map.of(), Optional.empty(), Set.of(), Map.of());
    }

    private static TableConfig deadline(String column, Duration d) {
        return new TableConfig(List.of(), Map.of(column, d), Map.of(), Optional.empty(), Set.of(), Map.of());
    }

    /** The proposals of the original's conditionals test: (version, future or past timestamp). */
    private List<Mutation> proposals() {
        Instant future = Instant.now().truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.HOURS);
        Instant past = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(1, ChronoUnit.HOURS);
        Object[][] p = {{0, future}, {100, future}, {5, future}, {200, past}, {9, past}, {300, future}};
        List<Mutation> out = new ArrayList<>();
        for (Object[] row : p) {
            out.add(Mutation.upsert(at(1), "[1]", "{\"pk\":1,\"ver\":" + row[0] + ",\"ts\":\"" + row[1] + "\"}"));
        }
        return out;
    }

    /** Applies each proposal in its own batch and returns the version in the table after each. */
    private List<String> applyOneByOne(TableName t) throws SQLException {
        List<String> versions = new ArrayList<>();
        for (Mutation m : proposals()) {
            fx.apply(t, List.of(m));
            List<List<String>> rows = fx.rows("SELECT ver FROM cond WHERE pk = 1");
            versions.add(rows.isEmpty() ? null : rows.get(0).get(0));
        }
        return versions;
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void casAppliesOnlyStrictlyGreaterVersionsAndAlwaysInserts(Target target) throws SQLException {
        on(target);
        createCond();
        TableName t = fx.table("cond");
        fx.configs.put(t, cas("ver"));
        assertThat(applyOneByOne(t)).containsExactly("0", "100", "100", "200", "200", "300");
        // Equal version is dropped too (strict).
        fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"pk\":1,\"ver\":300,\"ts\":null}")));
        assertThat(fx.rows("SELECT ts IS NOT NULL FROM cond")).containsExactly(List.of(sql("t", "1")));
        assertThat(counter("apply_cas_discarded_total", t)).isEqualTo(3);
        // Deletes ignore CAS.
        assertThat(fx.apply(t, List.of(Mutation.delete(at(3), "[1]")))).isEqualTo(new ApplyResult(0, 1));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void deadlineDropsOldUpsertsButNotDeletes(Target target) throws SQLException {
        on(target);
        createCond();
        TableName t = fx.table("cond");
        fx.configs.put(t, deadline("ts", Duration.ofMinutes(10)));
        assertThat(applyOneByOne(t)).containsExactly("0", "100", "5", "5", "5", "300");
        assertThat(counter("apply_deadline_discarded_total", t)).isEqualTo(2);
        assertThat(fx.apply(t, List.of(Mutation.delete(at(3), "[1]")))).isEqualTo(new ApplyResult(0, 1));
        assertThat(fx.count("cond")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void casAndDeadlineTogether(Target target) throws SQLException {
        on(target);
        createCond();
        TableName t = fx.table("cond");
        fx.configs.put(t, new TableConfig(List.of("ver"), Map.of("ts", Duration.ofMinutes(10)), Map.of(),
                Optional.empty(), Set.of(), Map.of()));
        assertThat(applyOneByOne(t)).containsExactly("0", "100", "100", "100", "100", "300");
        assertThat(counter("apply_cas_discarded_total", t)).isEqualTo(1);
        assertThat(counter("apply_deadline_discarded_total", t)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void casComparesColumnsAsATupleAndSparseRowsKeepOtherColumns(Target target) throws SQLException {
        on(target);
        fx.exec("CREATE TABLE v (pk INT PRIMARY KEY, major INT, minor INT, note TEXT DEFAULT 'dflt', other TEXT)");
        TableName t = fx.table("v");
        fx.configs.put(t, cas("major", "minor"));
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"pk\":1,\"major\":1,\"minor\":5,\"other\":\"o\"}")));
        assertThat(fx.rows("SELECT major, minor, note, other FROM v")).containsExactly(List.of("1", "5", "dflt", "o"));
        fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"pk\":1,\"major\":0,\"minor\":9,\"note\":\"a\"}")));
        fx.apply(t, List.of(Mutation.upsert(at(3), "[1]", "{\"pk\":1,\"major\":1,\"minor\":4,\"note\":\"b\"}")));
        assertThat(fx.rows("SELECT major, minor, note FROM v")).containsExactly(List.of("1", "5", "dflt"));
        // Greater in the second column only: applied; the absent "other" keeps its value (sparse rows).
        fx.apply(t, List.of(Mutation.upsert(at(4), "[1]", "{\"pk\":1,\"major\":1,\"minor\":6,\"note\":\"c\"}")));
        assertThat(fx.rows("SELECT major, minor, note, other FROM v")).containsExactly(List.of("1", "6", "c", "o"));
        // A row without the CAS columns cannot prove it is newer: dropped for an existing row.
        fx.apply(t, List.of(Mutation.upsert(at(5), "[1]", "{\"pk\":1,\"note\":\"d\"}")));
        assertThat(fx.rows("SELECT note FROM v")).containsExactly(List.of("c"));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void expressionsApplyToValuesConstantsAndDeleteKeys(Target target) throws SQLException {
        on(target);
        fx.exec("CREATE TABLE e (pk INT PRIMARY KEY, val TEXT, fixed TEXT, twice TEXT)");
        TableName t = fx.table("e");
        fx.configs.put(t, new TableConfig(List.of(), Map.of(),
                Map.of("pk", "2 * $0", "val", sql("$0 || ' world!'", "CONCAT($0, ' world!')"), "fixed", "'constant'",
                        "twice", sql("$0 || $0", "CONCAT($0, $0)")),
                Optional.empty(), Set.of(), Map.of()));
        fx.apply(t, List.of(Mutation.upsert(at(1), "[42]", "{\"pk\":42,\"val\":\"Hello\",\"twice\":\"ab\"}")));
        assertThat(fx.rows("SELECT pk, val, fixed, twice FROM e"))
                .containsExactly(List.of("84", "Hello world!", "constant", "abab"));
        // Validation before staging maps the same way and accepts the row.
        fx.validate(t, List.of(Mutation.upsert(at(1), "[42]", "{\"pk\":42,\"val\":\"Hello\"}")));
        assertThat(fx.apply(t, List.of(Mutation.delete(at(2), "[42]")))).isEqualTo(new ApplyResult(0, 1));
        assertThat(fx.count("e")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void expressionsWithCasAndDeadline(Target target) throws SQLException {
        on(target);
        createCond();
        TableName t = fx.table("cond");
        fx.configs.put(t, new TableConfig(List.of("ver"), Map.of("ts", Duration.ofMinutes(10)),
                Map.of("ver", "$0 * 10"), Optional.empty(), Set.of(), Map.of()));
        assertThat(applyOneByOne(t)).containsExactly("0", "1000", "1000", "1000", "1000", "3000");
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void renamesReadSourceProperties(Target target) throws SQLException {
        on(target);
        fx.exec("CREATE TABLE r (pk INT PRIMARY KEY, val TEXT)");
        TableName t = fx.table("r");
        fx.configs.put(t, new TableConfig(List.of(), Map.of(), Map.of(), Optional.empty(), Set.of(),
                Map.of("pk", "pk_source", "val", "val_source")));
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"pk_source\":1,\"val_source\":\"v\"}")));
        assertThat(fx.rows("SELECT pk, val FROM r")).containsExactly(List.of("1", "v"));
        // The target name is no longer a known source property: the target lacks a column for it.
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"pk_source\":1,\"val\":\"x\"}"))))
                .isInstanceOf(BlockedException.class).hasMessageContaining("rows have column val that the target lacks");
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"val_source\":\"x\"}"))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("missing primary key column pk_source (for pk)");
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void ignoredPropertiesAreDroppedAndOthersStillRejectedByName(Target target) throws SQLException {
        on(target);
        fx.exec("CREATE TABLE i (pk INT PRIMARY KEY, val TEXT, dont_care TEXT DEFAULT 'kept')");
        TableName t = fx.table("i");
        fx.configs.put(t, new TableConfig(List.of(), Map.of(), Map.of(), Optional.empty(),
                Set.of("gone", "dont_care", "absent"), Map.of()));
        fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"pk\":1,\"val\":\"v\",\"gone\":1,\"dont_care\":\"x\"}")));
        assertThat(fx.rows("SELECT pk, val, dont_care FROM i")).containsExactly(List.of("1", "v", "kept"));
        // An ignore entry for an absent property does not hide a genuinely unknown one (checked by name).
        assertThatThrownBy(() -> fx.apply(t, List.of(Mutation.upsert(at(2), "[1]", "{\"pk\":1,\"surprise\":2}"))))
                .isInstanceOf(BlockedException.class)
                .hasMessageContaining("rows have column surprise that the target lacks");
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void extrasGatherUnknownProperties(Target target) throws Exception {
        on(target);
        fx.exec("CREATE TABLE x (pk INT PRIMARY KEY, val TEXT, overflow " + sql("JSONB", "JSON") + ")");
        TableName t = fx.table("x");
        fx.configs.put(t, new TableConfig(List.of(), Map.of(), Map.of(), Optional.of("overflow"), Set.of("dropped"),
                Map.of()));
        fx.apply(t, List.of(
                Mutation.upsert(at(1), "[1]", "{\"pk\":1,\"val\":\"a\",\"extra1\":{\"n\":[1,2]},\"extra2\":\"s\"}"),
                Mutation.upsert(at(1), "[2]", "{\"pk\":2,\"val\":\"b\",\"dropped\":1,\"more\":true}"),
                Mutation.upsert(at(1), "[3]", "{\"pk\":3,\"val\":\"c\"}")));
        // Compared as JSON: jsonb normalises the text, MySQL keeps it as written.
        List<List<String>> got = fx.rows("SELECT pk, " + sql("overflow::text", "overflow") + " FROM x ORDER BY pk");
        assertThat(got).extracting(r -> r.get(0)).containsExactly("1", "2", "3");
        assertThat(json(got.get(0).get(1))).isEqualTo(json("{\"extra1\": {\"n\": [1, 2]}, \"extra2\": \"s\"}"));
        assertThat(json(got.get(1).get(1))).isEqualTo(json("{\"more\": true}"));
        assertThat(got.get(2).get(1)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void configNamingAMissingColumnFailsNamingIt(Target target) {
        on(target);
        assertThatThrownBy(() -> {
            fx.exec("CREATE TABLE b (pk INT PRIMARY KEY, val TEXT)");
            TableName t = fx.table("b");
            fx.configs.put(t, cas("bad_column"));
            fx.apply(t, List.of(Mutation.upsert(at(1), "[1]", "{\"pk\":1,\"val\":\"v\"}")));
        }).isInstanceOf(BadInputException.class).hasMessageContaining("CAS column bad_column not found");
        TableName t = fx.table("b");
        fx.configs.put(t, new TableConfig(List.of(), Map.of(), Map.of("bad_expr_column", "$0"), Optional.empty(),
                Set.of(), Map.of()));
        assertThatThrownBy(() -> fx.validate(t, List.of(Mutation.upsert(at(1), "[1]", "{\"pk\":1}"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("expression column bad_expr_column");
    }

    private static JsonNode json(String text) throws JsonProcessingException {
        return new ObjectMapper().readTree(text);
    }

    private double counter(String name, TableName t) {
        String base = name.substring(0, name.length() - "_total".length());
        return fx.registry.scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(base))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(d -> d.getLabels().get("table").equals(t.table()))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }
}
