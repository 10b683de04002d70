package io.cdcsink.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A gzip-compressed request body, decompressed as it is read and limited to {@code --maxBodyBytes} decompressed as
 * well as compressed. Nothing is read before the first read: the caller is authorized before the body is touched.
 */
final class Gunzipped extends InputStream {
    private static final int BUFFER = 64 * 1024;

    private final InputStream compressed;
    private final long limit;
    private InputStream plain;

    Gunzipped(InputStream compressed, long limit) {
        this.compressed = compressed;
        this.limit = limit;
    }

    private InputStream plain() throws IOException {
        if (plain == null) {
            try {
                plain = new LimitedInputStream(new GZIPInputStream(compressed, BUFFER), limit, -1);
            } catch (java.util.zip.ZipException e) {
                throw new IOException("the body is not gzip data (" + e.getMessage() + ")", e);
            }
        }
        return plain;
    }

    @Override
    public int read() throws IOException {
        return plain().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return plain().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
        compressed.close();
    }
}
