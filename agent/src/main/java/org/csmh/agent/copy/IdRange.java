package org.csmh.agent.copy;

/** Ids first..last inclusive. */
public record IdRange(long first, long last) {
    public IdRange {
        if (last < first) {
            throw new IllegalArgumentException("empty range " + first + ".." + last);
        }
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
