package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.csmh.agent.job.ChunkWalker;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.NextRowId;
import org.csmh.agent.mysql.Tables;

/**
 * Rows read on one connection and written on others. A reader thread streams each chunk from the source as raw
 * text-protocol bytes and encodes it for the target (see {@link TargetWrites}) while writers, each on its own target
 * connection, write the chunks before it, one transaction per chunk, committed in id order ({@link OrderedCommits}).
 * With several writers the target's inserting runs on as many server threads (it is the slowest party: two writers
 * took a fifth to a quarter off the time of one into MariaDB 10.11 and MySQL 8.0.15, 2 cores). Memory stays flat whatever the table size: the hand-over queue holds one
 * chunk, each writer one, and a chunk holds at most {@link #chunkBytes} bytes; a chunk that grows past that is cut
 * and the rest of its ids follow in the next one.
 */
final class CrossServerCopier implements ChunkCopier {
    /** What every chunk in memory at once may hold together (reader, queue and writers), as a 256 MiB heap allows. */
    static final int CHUNK_MEMORY = 96 * 1024 * 1024;
    static final int MAX_WRITERS = 4;
    /** Longer than a writer takes to write a part (a second or two for 24 MiB), far below net_write_timeout. */
    static final long HAND_OVER_WAIT_MS = 10_000;

    private record Batch(IdRange range, ChunkEncoder text, Exception error, boolean end) {
        int rows() {
            return text == null ? 0 : text.rows();
        }
    }

    private final Connection source;
    private final Tables tables;
    private final TargetWrites writes;
    private final List<ChunkWriter> writers = new ArrayList<>();
    private final int chunkBytes;

    /**
     * @param targets              one connection per writer (the copier closes them)
     * @param simpleInsertsBecause when not null, write only explicit-id multi-row INSERT..VALUES and say why
     */
    CrossServerCopier(Connection source, List<Connection> targets, Tables tables, Consumer<String> pathReport,
                      String simpleInsertsBecause) throws SQLException {
        if (targets.isEmpty() || targets.size() > MAX_WRITERS) {
            throw new IllegalArgumentException("1.." + MAX_WRITERS + " writers, not " + targets.size());
        }
        this.source = source;
        this.tables = tables;
        source.setAutoCommit(true);
        this.writes = new TargetWrites(source, targets.get(0), tables, pathReport, simpleInsertsBecause);
        for (Connection t : targets) {
            writers.add(new ChunkWriter(t, writes));
        }
        // 32 MiB a chunk with one writer, as before there were more; less each with more writers, the sum staying the same.
        this.chunkBytes = Math.min(32 << 20, CHUNK_MEMORY / (targets.size() + 2));
    }

    @Override
    public void copyAll(ChunkWalker walker) throws Exception {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(1);
        String name = Thread.currentThread().getName();
        Thread reader = new Thread(() -> read(walker, queue), name + "-reader");
        reader.setDaemon(true);
        reader.start();
        try (OrderedCommits<ChunkWriter> commits = new OrderedCommits<>(writers, walker, name)) {
            while (true) {
                Batch b = queue.take();
                if (b.error() != null) {
                    throw b.error();
                }
                if (b.end()) {
                    break;
                }
                // The pace and the throttle govern the writes (the reader may be a chunk ahead).
                commits.awaitWriter();
                if (!walker.awaitPace()) {
                    break;
                }
                commits.submit(b.range(), w -> {
                    if (b.rows() > 0) {
                        w.write(b.text(), b.range());
                    }
                    return b.rows();
                });
            }
            commits.finish();
        } finally {
            reader.interrupt();
            queue.clear();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            walker.seekWith(null);
        }
    }

    private void read(ChunkWalker walker, BlockingQueue<Batch> queue) {
        String sql = "SELECT " + Tables.COLUMNS + " FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ? ORDER BY id";
        int capacity = 1 << 20;
        try (PreparedStatement ps = source.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             NextRowId nextRow = new NextRowId(source, tables.csmh())) {
            ps.setFetchSize(Integer.MIN_VALUE); // stream rows instead of buffering the whole result
            // Asked between chunks, when this thread's streamed result is closed and the connection free.
            walker.seekWith(nextRow::atOrAfter);
            for (var next = walker.nextToRead(); next.isPresent(); next = walker.nextToRead()) {
                IdRange range = next.get();
                long from = range.first();
                ChunkEncoder text = writes.encoder(capacity);
                // One SELECT for the range; another for the rest of it each time a part cut off mid-stream had to wait.
                while (true) {
                    Batch waiting = null;
                    ps.setLong(1, from);
                    ps.setLong(2, range.last());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            // The server's own text for every column; for DOUBLE that is the shortest text that reads back exact.
                            for (int i = 1; i <= Tables.WIDTH; i++) {
                                text.cell(rs.getBytes(i));
                            }
                            text.endRow();
                            if (text.size() >= chunkBytes && rs.getLong(1) < range.last()) {
                                long id = rs.getLong(1);
                                Batch part = new Batch(new IdRange(from, id), text, null, false);
                                from = id + 1;
                                text = writes.encoder(capacity);
                                if (!handOver(queue, part, walker)) {
                                    waiting = part;
                                    break;
                                }
                            }
                        }
                    } // a streamed result is read to its end on close: at most the rest of this range
                    if (waiting == null) {
                        break;
                    }
                    // The writers are held (throttle, pause) or slow: wait with no statement open on the source.
                    queue.put(waiting);
                }
                // The next chunk starts at about this one's size: few regrowth copies, and no more than the cap.
                capacity = Math.min(chunkBytes + (1 << 16), Math.max(1 << 16, text.size() + text.size() / 8));
                queue.put(new Batch(new IdRange(from, range.last()), text, null, false));
            }
            queue.put(new Batch(null, null, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            queue.clear();
            queue.offer(new Batch(null, null, e, false));
        }
    }

    /**
     * Hands over a part cut off mid-stream, unless the writers are held (throttled, paused) or have not taken a part
     * for HAND_OVER_WAIT_MS: then false, and the reader closes its SELECT before it waits. A streamed SELECT the
     * reader does not read on stays open on the source, blocked writing to the agent: it keeps a read view open on
     * the LMS's primary (InnoDB keeps every undo record since), it counts in that server's Threads_running, which the
     * job's own throttle reads (a same-instance copy held at max_threads_running would wait on its own reader), and
     * after net_write_timeout (Connector/J sets 600 s for streamed results) the server aborts the connection.
     */
    private static boolean handOver(BlockingQueue<Batch> queue, Batch part, ChunkWalker walker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HAND_OVER_WAIT_MS);
        while (!queue.offer(part, 100, TimeUnit.MILLISECONDS)) {
            if (walker.held() || System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (SQLException ignored) {
            // closing after an error
        }
        writers.forEach(ChunkWriter::close);
    }
}
