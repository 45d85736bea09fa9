package org.csmh.agent.util;

/**
 * Range checks for proto3 unsigned fields. Java has no unsigned types: a uint32 above 2^31 - 1 arrives as a negative
 * int and a uint64 above 2^63 - 1 as a negative long, so a plain {@code value > max} check lets the largest values
 * through as small negative ones. Every uint32/uint64 a request carries is read through here.
 */
public final class Unsigned {
    private Unsigned() {
    }

    /** The uint32's value. */
    public static long of(int value) {
        return Integer.toUnsignedLong(value);
    }

    /** The uint32's value, refused above {@code max}. */
    public static long atMost(int value, long max, String field) {
        long v = Integer.toUnsignedLong(value);
        if (v > max) {
            throw new InvalidInputException(field + " " + v + " is above " + max);
        }
        return v;
    }

    /** The uint64's value, refused above {@code max}. */
    public static long atMost(long value, long max, String field) {
        if (Long.compareUnsigned(value, max) > 0) {
            throw new InvalidInputException(field + " " + Long.toUnsignedString(value) + " is above " + max);
        }
        return value;
    }
}
