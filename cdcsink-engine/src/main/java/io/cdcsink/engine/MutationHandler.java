package io.cdcsink.engine;

import io.cdcsink.api.Mutation;
import java.sql.SQLException;
import java.util.List;

/** Receives mutations a batch at a time, for example while a staging table is drained. */
@FunctionalInterface
public interface MutationHandler {
    void accept(List<Mutation> batch) throws SQLException;
}
