# Shared by scripts/demo.sh and ansible/tests/run.sh: settings files as Open edX's configuration renders them
# (to_nice_yaml: sorted keys, 4-space indent), pointing DATABASES.default and read_replica at a sandbox server.
#   write_edx_settings FILE DB_PORT [PLATFORM_NAME]
write_edx_settings() {
  local file="$1" port="$2" name="${3:-Sandbox}"
  cat > "$file" <<YAML
CONTACT_EMAIL: info@example.com
DATABASES:
    default:
        ATOMIC_REQUESTS: true
        CONN_MAX_AGE: 0
        ENGINE: django.db.backends.mysql
        HOST: 127.0.0.1
        NAME: edxapp
        OPTIONS: {}
        PASSWORD: ''
        PORT: '$port'
        USER: root
    read_replica:
        CONN_MAX_AGE: 0
        ENGINE: django.db.backends.mysql
        HOST: 127.0.0.1
        NAME: edxapp
        OPTIONS: {}
        PASSWORD: ''
        PORT: '$port'
        USER: root
FEATURES:
    ENABLE_DISCUSSION_SERVICE: true
    ENABLE_GRADE_DOWNLOADS: true
PLATFORM_NAME: $name
SECRET_KEY: sandbox-django-secret
YAML
}
