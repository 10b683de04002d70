package io.cdcsink.webhook;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read and fails once more than the limit have arrived, whatever Content-Length said. */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    private final long declared;
    private boolean exhausted;

    /**
     * @param declared the Content-Length the client announced, or -1; checked at the first read so that a refused
     *                 caller learns nothing about the limit
     */
    LimitedInputStream(InputStream in, long limit, long declared) {
        super(in);
        this.limit = limit;
        this.declared = declared;
    }

    long count() {
        return count;
    }

    /** True once a read has reached the end of the body. */
    boolean exhausted() {
        return exhausted;
    }

    @Override
    public int read() throws IOException {
        checkDeclared();
        int b = super.read();
        if (b >= 0) {
            add(1);
        } else {
            exhausted = true;
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        checkDeclared();
        int n = super.read(buf, off, len);
        if (n > 0) {
            add(n);
        } else if (n < 0) {
            exhausted = true;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        checkDeclared();
        long skipped = super.skip(n);
        add(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void checkDeclared() throws BodyTooLargeException {
        if (declared > limit) {
            throw new BodyTooLargeException(limit);
        }
    }

    private void add(long n) throws BodyTooLargeException {
        count += n;
        if (count > limit) {
            throw new BodyTooLargeException(limit);
        }
    }
}
