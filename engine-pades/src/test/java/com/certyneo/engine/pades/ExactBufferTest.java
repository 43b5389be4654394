package com.certyneo.engine.pades;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ExactBufferTest {

    @Test
    void anExactlyFilledBufferIsHandedOutWithoutACopy() throws IOException {
        ExactBuffer out = new ExactBuffer(5);
        out.write(new byte[] {1, 2, 3});
        out.write(4);
        out.write(new byte[] {9, 5, 9}, 1, 1);
        byte[] first = out.bytes();
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, first);
        assertSame(first, out.bytes(), "a full buffer is the result itself");
    }

    @Test
    void writingMoreOrLessThanAnnouncedStillGivesTheBytesWritten() throws IOException {
        ExactBuffer more = new ExactBuffer(2);
        more.write(new byte[] {1, 2, 3, 4, 5, 6, 7});
        more.write(8);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, more.bytes());
        ExactBuffer less = new ExactBuffer(10);
        less.write(new byte[] {7, 7});
        assertArrayEquals(new byte[] {7, 7}, less.bytes());
        assertArrayEquals(new byte[0], new ExactBuffer(0).bytes());
    }
}
