package org.csmh.agent.config;

/** The agent's own config file is wrong; the agent refuses to start and says which key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
