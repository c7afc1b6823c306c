package io.harborsync.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Edits a CoreDNS Corefile: the {@code .:53} server block gets a {@code hosts} block that maps the lab host
 * names to one address and falls through to the other plugins for every other name. An existing hosts block
 * is kept, minus the entries for these names (so a changed address replaces the old one); the result is
 * the same text when nothing needs to change. CoreDNS orders plugins itself, so the position in the block
 * does not matter.
 */
final class Corefile {
    private static final Pattern ROOT_SERVER = Pattern.compile("^\\s*\\.:53\\s*\\{\\s*$");
    private static final Pattern HOSTS_BLOCK = Pattern.compile("^\\s*hosts(\\s+[^{}#]*)?\\{\\s*$");
    private static final Pattern HOSTS_ANY = Pattern.compile("^\\s*hosts(\\s.*)?$");

    private Corefile() {
    }

    static String withHosts(String corefile, String address, List<String> names) {
        List<String> lines = new ArrayList<>(Arrays.asList(corefile.split("\n", -1)));
        int start = indexOf(lines, ROOT_SERVER, 0, lines.size());
        if (start < 0) {
            throw new LabException("the CoreDNS Corefile has no '.:53 {' server block");
        }
        int end = closingBrace(lines, start);
        String indent = innerIndent(lines, start, end);
        String entry = address + " " + String.join(" ", names);

        int hosts = -1;
        for (int i = start + 1; i < end; i++) {
            if (depth(lines, start, i) == 1 && HOSTS_ANY.matcher(lines.get(i)).matches()) {
                hosts = i;
                break;
            }
        }
        if (hosts < 0) {
            lines.addAll(start + 1, List.of(indent + "hosts {", indent + "   " + entry, indent + "   fallthrough",
                    indent + "}"));
            return String.join("\n", lines);
        }
        if (!HOSTS_BLOCK.matcher(lines.get(hosts)).matches()) {
            throw new LabException("the CoreDNS Corefile has a one-line hosts plugin ('" + lines.get(hosts).strip()
                    + "'); make it a block so the lab's host entries can be added");
        }
        int hostsEnd = closingBrace(lines, hosts);
        String bodyIndent = hostsEnd > hosts + 1 ? leading(lines.get(hosts + 1)) : indent + "   ";
        Set<String> ours = new HashSet<>(names);
        List<String> body = new ArrayList<>();
        for (String line : lines.subList(hosts + 1, hostsEnd)) {
            String t = line.strip();
            boolean mentionsOurs = Arrays.stream(t.split("\\s+")).anyMatch(ours::contains);
            if (!mentionsOurs && !t.equals("fallthrough")) {
                body.add(line);
            }
        }
        body.add(bodyIndent + entry);
        body.add(bodyIndent + "fallthrough");
        List<String> result = new ArrayList<>(lines.subList(0, hosts + 1));
        result.addAll(body);
        result.addAll(lines.subList(hostsEnd, lines.size()));
        // Same entries in another order count as unchanged: no needless CoreDNS restart.
        if (new HashSet<>(lines.subList(hosts + 1, hostsEnd).stream().map(String::strip).toList())
                .equals(new HashSet<>(body.stream().map(String::strip).toList()))) {
            return corefile;
        }
        return String.join("\n", result);
    }

    private static int indexOf(List<String> lines, Pattern p, int from, int to) {
        for (int i = from; i < to; i++) {
            if (p.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** The line holding the brace that closes the block opened on line {@code open}. */
    private static int closingBrace(List<String> lines, int open) {
        int depth = 0;
        for (int i = open; i < lines.size(); i++) {
            depth += braces(lines.get(i));
            if (depth == 0) {
                return i;
            }
        }
        throw new LabException("the CoreDNS Corefile has an unclosed block at line " + (open + 1));
    }

    /** Brace depth at the start of line {@code i}, counted from the server block's opening line. */
    private static int depth(List<String> lines, int start, int i) {
        int depth = 0;
        for (int j = start; j < i; j++) {
            depth += braces(lines.get(j));
        }
        return depth;
    }

    private static int braces(String line) {
        String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
        int n = 0;
        for (char c : code.toCharArray()) {
            if (c == '{') {
                n++;
            } else if (c == '}') {
                n--;
            }
        }
        return n;
    }

    private static String innerIndent(List<String> lines, int start, int end) {
        for (int i = start + 1; i < end; i++) {
            if (!lines.get(i).isBlank()) {
                return leading(lines.get(i));
            }
        }
        return leading(lines.get(start)) + "    ";
    }

    private static String leading(String line) {
        return line.substring(0, line.length() - line.stripLeading().length());
    }
}
