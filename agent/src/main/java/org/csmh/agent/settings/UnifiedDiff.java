package org.csmh.agent.settings;

import java.util.ArrayList;
import java.util.List;

/** Line-based unified diff (Myers' O(ND) algorithm), 3 lines of context, like `diff -u`. */
final class UnifiedDiff {
    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    private enum Op { KEEP, DEL, ADD }

    private record Line(Op op, String text, int oldNo, int newNo) {
    }

    static String diff(String oldName, String newName, String oldText, String newText) {
        List<String> a = oldText.lines().toList();
        List<String> b = newText.lines().toList();
        List<Line> script = script(a, b);
        if (script.stream().allMatch(l -> l.op() == Op.KEEP)) {
            return "";
        }
        StringBuilder out = new StringBuilder("--- " + oldName + "\n+++ " + newName + "\n");
        int i = 0;
        while (i < script.size()) {
            if (script.get(i).op() == Op.KEEP) {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // Extend the hunk while the next change is within 2*CONTEXT lines of unchanged text.
            while (true) {
                while (end < script.size() && script.get(end).op() != Op.KEEP) {
                    end++;
                }
                int next = end;
                while (next < script.size() && script.get(next).op() == Op.KEEP) {
                    next++;
                }
                if (next < script.size() && next - end <= 2 * CONTEXT) {
                    end = next;
                } else {
                    end = Math.min(script.size(), end + CONTEXT);
                    break;
                }
            }
            appendHunk(out, script.subList(start, end));
            i = end;
        }
        return out.toString();
    }

    private static void appendHunk(StringBuilder out, List<Line> hunk) {
        int oldStart = -1;
        int newStart = -1;
        int oldCount = 0;
        int newCount = 0;
        for (Line l : hunk) {
            if (l.op() != Op.ADD) {
                oldCount++;
                if (oldStart < 0) {
                    oldStart = l.oldNo();
                }
            }
            if (l.op() != Op.DEL) {
                newCount++;
                if (newStart < 0) {
                    newStart = l.newNo();
                }
            }
        }
        if (oldStart < 0) {
            oldStart = hunk.get(0).oldNo() - 1;
        }
        if (newStart < 0) {
            newStart = hunk.get(0).newNo() - 1;
        }
        out.append("@@ -").append(oldStart).append(',').append(oldCount)
                .append(" +").append(newStart).append(',').append(newCount).append(" @@\n");
        for (Line l : hunk) {
            out.append(switch (l.op()) {
                case KEEP -> ' ';
                case DEL -> '-';
                case ADD -> '+';
            }).append(l.text()).append('\n');
        }
    }

    /** Edit script from Myers' greedy forward search with a saved V per step for the backtrack. */
    private static List<Line> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int max = n + m;
        int offset = max + 1;
        List<int[]> trace = new ArrayList<>();
        int[] v = new int[2 * max + 3];
        outer:
        for (int d = 0; d <= max; d++) {
            trace.add(v.clone());
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m) {
                    break outer;
                }
            }
        }
        List<Line> rev = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = trace.size() - 1; d >= 0; d--) {
            int[] vd = trace.get(d);
            int k = x - y;
            int prevK = (k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1])) ? k + 1 : k - 1;
            int prevX = vd[offset + prevK];
            int prevY = prevX - prevK;
            while (x > prevX && y > prevY) {
                rev.add(new Line(Op.KEEP, a.get(x - 1), x, y));
                x--;
                y--;
            }
            if (d > 0) {
                if (x == prevX) {
                    rev.add(new Line(Op.ADD, b.get(y - 1), x, y));
                } else {
                    rev.add(new Line(Op.DEL, a.get(x - 1), x, y));
                }
            }
            x = prevX;
            y = prevY;
        }
        List<Line> out = new ArrayList<>(rev.size());
        for (int i = rev.size() - 1; i >= 0; i--) {
            out.add(rev.get(i));
        }
        return out;
    }
}
