package org.csmh.agent.settings;

import java.util.Map;

/** A mapping value to be set as a whole (e.g. OPTIONS), as opposed to a patch merged key by key. */
record Literal(Map<String, Object> map) {
}
