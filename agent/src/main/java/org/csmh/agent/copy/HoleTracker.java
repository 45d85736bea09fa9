package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.Tables;
import org.csmh.proto.v1.IdSpan;
import org.csmh.proto.v1.Job;

/**
 * Ids come from AUTO_INCREMENT, so a row that commits late is an id that was a hole when its chunk was copied. After
 * each chunk commits, the ids it left empty below the start's next AUTO_INCREMENT value (above it the final recount
 * covers everything) are read from CSMHE (the chunk's pages are still in memory there) and kept with the job as
 * spans, in the same snapshot as the done-point; before success each span is recounted and what filled is copied.
 */
final class HoleTracker implements ChunkWalker.Completion, AutoCloseable {
    static final int MAX_SPANS = 1000;
    private final PreparedStatement ids;
    private final long below;

    /** @param target a connection of its own, in autocommit: each read sees what the writers committed */
    HoleTracker(Connection target, Tables tables, long below) throws SQLException {
        this.ids = target.prepareStatement("SELECT id FROM " + tables.csmhe() + " WHERE id BETWEEN ? AND ? ORDER BY id");
        this.below = below;
    }

    @Override
    public synchronized UnaryOperator<Job.Builder> after(IdRange r) throws SQLException {
        long last = Math.min(r.last(), below - 1);
        if (last < r.first()) {
            return b -> b;
        }
        List<IdSpan> found = new ArrayList<>();
        long prev = r.first() - 1;
        ids.setLong(1, r.first());
        ids.setLong(2, last);
        try (ResultSet rs = ids.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                if (id > prev + 1) {
                    found.add(span(prev + 1, id - 1));
                }
                prev = id;
            }
        }
        if (prev < last) {
            found.add(span(prev + 1, last));
        }
        return b -> add(b, found);
    }

    private static IdSpan span(long first, long last) {
        return IdSpan.newBuilder().setFirst(first).setLast(last).setRows(last - first + 1).build();
    }

    /** Adds holes in id order, joining one that starts where the last ended; past the cap, neighbours merge pairwise. */
    static Job.Builder add(Job.Builder b, List<IdSpan> spans) {
        for (IdSpan s : spans) {
            int n = b.getHolesCount();
            if (n > 0 && b.getHoles(n - 1).getLast() + 1 == s.getFirst()) {
                IdSpan prev = b.getHoles(n - 1);
                b.setHoles(n - 1, prev.toBuilder().setLast(s.getLast()).setRows(prev.getRows() + s.getRows()));
            } else {
                b.addHoles(s);
            }
            b.setHoleIds(b.getHoleIds() + s.getRows());
        }
        if (b.getHolesCount() > MAX_SPANS) {
            List<IdSpan> merged = new ArrayList<>();
            for (int i = 0; i < b.getHolesCount(); i += 2) {
                IdSpan a = b.getHoles(i);
                merged.add(i + 1 < b.getHolesCount() ? a.toBuilder().setLast(b.getHoles(i + 1).getLast())
                        .setRows(a.getRows() + b.getHoles(i + 1).getRows()).build() : a);
            }
            b.clearHoles().addAllHoles(merged);
        }
        return b;
    }

    @Override
    public void close() throws SQLException {
        ids.close();
    }
}
