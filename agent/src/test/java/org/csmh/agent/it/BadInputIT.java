package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.CsmhDatabaseSettings;
import org.csmh.proto.v1.DatabaseUser;
import org.csmh.proto.v1.JobAction;
import org.csmh.proto.v1.Login;
import org.csmh.proto.v1.MigrationStep;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.ProvisionDatabaseRequest;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.Service;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.csmh.proto.v1.WatchJobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A corpus of bad requests over every RPC that takes input: each is INVALID_ARGUMENT with a description, and nothing changes. */
class BadInputIT {
    @TempDir
    Path dir;

    @Test
    void everyBadRequestIsInvalidArgumentAndChangesNothing() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 500).startInProcess()) {
            h.configureTarget();
            byte[] lms = Files.readAllBytes(dir.resolve("lms.yml"));
            byte[] cms = Files.readAllBytes(dir.resolve("cms.yml"));
            long schemas = TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM information_schema.SCHEMATA");
            long users = TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM mysql.user");
            String huge = "x".repeat(1_000_000);
            DatabaseUser good = DatabaseUser.newBuilder().setName("ok_user").setHost("%").setPassword("pw").setPriv("ok_db.*:SELECT").build();
            Map<String, Runnable> corpus = new LinkedHashMap<>();
            corpus.put("provision: identifier injection", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder()
                    .setDatabase("a`; DROP DATABASE mysql; -- ").addUsers(good).build()));
            corpus.put("provision: huge name", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase(huge).build()));
            corpus.put("provision: user injection", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .addUsers(good.toBuilder().setName("x'@'%' IDENTIFIED BY 'y")).build()));
            corpus.put("provision: host injection", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .addUsers(good.toBuilder().setHost("%' OR '1'='1")).build()));
            corpus.put("provision: empty priv", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .addUsers(good.toBuilder().setPriv("")).build()));
            corpus.put("provision: global priv", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .addUsers(good.toBuilder().setPriv("*.*:ALL")).build()));
            corpus.put("provision: wrong enum", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .setPasswordUpdateValue(-1).build()));
            corpus.put("provision: both login forms", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .setLogin(Login.newBuilder().setEndpoint("admin").setHost("h").setUser("u")).build()));
            corpus.put("provision: login host injection", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .setLogin(Login.newBuilder().setHost("h/../../etc").setUser("u")).build()));
            corpus.put("settings: empty", () -> h.client.updateSettings(UpdateSettingsRequest.getDefaultInstance()));
            corpus.put("settings: user injection", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u'; DROP").setPassword("p").setHost("h")).build()));
            corpus.put("settings: newline in host", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u").setPassword("p").setHost("h\nFEATURES: {}")).build()));
            corpus.put("settings: port out of range", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u").setPassword("p").setHost("h").setPort(70000)).build()));
            corpus.put("settings: huge password", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u").setPassword(huge).setHost("h")).build()));
            corpus.put("settings: option key injection", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u").setPassword("p").setHost("h").putOptions("a: b\nc", "d")).build()));
            corpus.put("settings: wrong flag enum", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setEnableCsmhExtendedValue(7).build()));
            corpus.put("copy: inverted range", () -> h.client.startCopy(StartCopyRequest.newBuilder().setRangeStart(10).setRangeEnd(5).build()));
            corpus.put("copy: wrong mode", () -> h.client.startCopy(StartCopyRequest.newBuilder().setModeValue(99).build()));
            corpus.put("copy: growth check too long", () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(100_000).build()));
            corpus.put("copy: unknown replica", () -> h.client.startCopy(StartCopyRequest.newBuilder()
                    .setPace(Pace.newBuilder().addReplicaEndpoints("nope")).build()));
            corpus.put("verify: inverted range", () -> h.client.startVerify(StartVerifyRequest.newBuilder().setRangeStart(9).setRangeEnd(1).build()));
            corpus.put("verify: too many reported", () -> h.client.startVerify(StartVerifyRequest.newBuilder().setMaxReportedRows(1_000_000).build()));
            corpus.put("job: empty id", () -> h.client.getJob(""));
            corpus.put("job: id injection", () -> h.client.getJob("../../etc/passwd"));
            corpus.put("watch: huge id", () -> h.client.watch(WatchJobRequest.newBuilder().setId(huge.substring(0, 1000)).build()).hasNext());
            corpus.put("control: no action", () -> h.client.control(ControlJobRequest.newBuilder().setId("abc").build()));
            corpus.put("control: wrong action", () -> h.client.control(ControlJobRequest.newBuilder().setId("abc").setActionValue(42).build()));
            corpus.put("control: set pace without pace", () -> h.client.control(ControlJobRequest.newBuilder().setId("abcdef")
                    .setAction(JobAction.JOB_ACTION_SET_PACE).build()));
            corpus.put("migrate: alias injection", () -> h.client.runMigrations(RunMigrationsRequest.newBuilder()
                    .addSteps(MigrationStep.newBuilder().setService(Service.SERVICE_LMS).setAlias("default --settings=evil")).build()).hasNext());
            corpus.put("migrate: no service", () -> h.client.runMigrations(RunMigrationsRequest.newBuilder()
                    .addSteps(MigrationStep.newBuilder().setAlias("default")).build()).hasNext());
            corpus.put("migrate: huge offset", () -> h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true)
                    .setAutoIncrementOffset(Long.MAX_VALUE).build()).hasNext());
            corpus.put("purge: wrong method", () -> h.client.startPurge(StartPurgeRequest.newBuilder().setMethodValue(5).setForce(true).build()));
            corpus.put("purge: unknown replica", () -> h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true)
                    .setPace(Pace.newBuilder().addReplicaEndpoints("x; y")).build()));

            // Unsigned fields at their largest: a uint32 of 2^32 - 1 is -1 to Java, a uint64 above 2^63 - 1 is negative.
            corpus.put("copy: growth check 2^32-1", () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(-1).build()));
            corpus.put("copy: settle timeout 2^32-1", () -> h.client.startCopy(StartCopyRequest.newBuilder().setSettleTimeoutSeconds(-1).build()));
            corpus.put("copy: no writers", () -> h.client.startCopy(StartCopyRequest.newBuilder().setWriters(0).build()));
            corpus.put("copy: 5 writers", () -> h.client.startCopy(StartCopyRequest.newBuilder().setWriters(5).build()));
            corpus.put("copy: writers 2^32-1", () -> h.client.startCopy(StartCopyRequest.newBuilder().setWriters(-1).build()));
            corpus.put("copy: range end 2^64-1", () -> h.client.startCopy(StartCopyRequest.newBuilder().setRangeEnd(-1).build()));
            corpus.put("verify: reported 2^32-1", () -> h.client.startVerify(StartVerifyRequest.newBuilder().setMaxReportedRows(-1).build()));
            corpus.put("verify: range start 2^63", () -> h.client.startVerify(StartVerifyRequest.newBuilder().setRangeStart(Long.MIN_VALUE).build()));
            corpus.put("migrate: offset 2^64-10^5", () -> h.client.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(true)
                    .setAutoIncrementOffset(Long.parseUnsignedLong("18446744073709451616")).build()).hasNext());
            corpus.put("provision: login port 2^32-1", () -> h.client.provision(ProvisionDatabaseRequest.newBuilder().setDatabase("ok_db")
                    .setLogin(Login.newBuilder().setHost("127.0.0.1").setUser("u").setPort(-1)).addUsers(good).build()));
            corpus.put("settings: port 2^32-1", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u").setPassword("p").setHost("h").setPort(-1)).build()));
            corpus.put("settings: conn_max_age 2^32-1", () -> h.client.updateSettings(UpdateSettingsRequest.newBuilder()
                    .setDatabase(CsmhDatabaseSettings.newBuilder().setUser("u").setPassword("p").setHost("h").setConnMaxAge(-1)).build()));
            // A megabyte in a name that an error message would echo: the description stays short and readable.
            corpus.put("copy: 1 MiB replica name", () -> h.client.startCopy(StartCopyRequest.newBuilder()
                    .setPace(Pace.newBuilder().addReplicaEndpoints("r".repeat(1 << 20))).build()));

            for (Map.Entry<String, Runnable> c : corpus.entrySet()) {
                try {
                    c.getValue().run();
                    fail(c.getKey() + ": accepted");
                } catch (StatusRuntimeException e) {
                    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), c.getKey() + ": " + e.getStatus());
                    assertFalse(e.getStatus().getDescription() == null || e.getStatus().getDescription().isBlank(), c.getKey());
                    assertTrue(e.getStatus().getDescription().length() <= 1100, c.getKey() + ": description of "
                            + e.getStatus().getDescription().length() + " characters");
                }
            }
            assertArrayEquals(lms, Files.readAllBytes(dir.resolve("lms.yml")), "lms.yml untouched");
            assertArrayEquals(cms, Files.readAllBytes(dir.resolve("cms.yml")), "cms.yml untouched");
            assertEquals(0, h.client.listJobs().getJobsCount(), "no job started");
            assertEquals(schemas, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM information_schema.SCHEMATA"));
            assertEquals(users, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM mysql.user"));
            assertEquals(0, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
            assertEquals(500, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            try (var files = Files.list(dir)) {
                assertEquals(2, files.filter(p -> p.getFileName().toString().endsWith(".bak")).count(), "only the backups from configureTarget");
            }
        }
    }
}
