package io.cdcsink.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Where a changefeed's files are: a local directory or an S3 bucket and prefix. Names are paths below the prefix. */
interface ObjectStore extends AutoCloseable {
    /**
     * The names of the files below the prefix, sorted, from the first after {@code after} (all when empty).
     *
     * @throws IOException when the store cannot be listed
     */
    List<String> list(Optional<String> after) throws IOException;

    /** The content of the named file; the caller closes it. */
    InputStream open(String name) throws IOException;

    @Override
    default void close() {
    }
}
