package io.harborsync.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard must catch a client that breaks the contract, whatever the emulator answers. */
@SpecViolationsExpected
class SpecGuardTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    @Test
    void nonIntegerPageSizeIsReported() {
        h1.client().get("projects?page_size=abc");
        SpecGuard.Violation v = h1.guard().expectViolation("page_size");
        assertTrue(v.toString().startsWith("GET /api/v2.0/projects?page_size=abc"), v.toString());
    }

    @Test
    void wrongTypeInRequestBodyIsReported() {
        h1.client().post("projects", "{\"project_name\":\"typed\",\"public\":\"yes\"}");
        h1.guard().expectViolation("public");
    }

    @Test
    void missingRequiredBodyIsReported() {
        h1.client().send(h1.client().request("POST", "projects", null).header("Content-Type", "application/json"));
        h1.guard().expectViolation("POST /api/v2.0/projects");
    }

    @Test
    void cleanTrafficHasNoViolations() {
        h1.client().post("projects", Map.of("project_name", "clean", "metadata", Map.of("public", "false")));
        h1.client().get("projects/clean/_deletable");
        h1.guard().assertClean();
    }

    @Test
    void assertCleanFailsWithTheViolations() {
        h1.client().get("projects?page=x");
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, h1.guard()::assertClean);
        assertTrue(e.getMessage().contains("GET /api/v2.0/projects?page=x"), e.getMessage());
        h1.guard().reset();
    }

    @Test
    void theUiLoginAndTheControlEndpointsPassOutsideTheApi() {
        PlainHarborHttp c = h1.client();
        c.send(c.anonymous().request("GET", "/c/login", null));
        c.send(c.anonymous().request("POST", "/c/login", null));
        c.post("/emulator/users", java.util.Map.of("username", "someone"));
        h1.guard().assertClean();
    }

    @Test
    void anyOtherPathOutsideTheApiIsReported() {
        h1.client().get("/c/logout");
        SpecGuard.Violation v = h1.guard().expectViolation("known requests outside it");
        assertTrue(v.toString().startsWith("GET /c/logout"), v.toString());
        h1.client().send(h1.client().request("DELETE", "/c/login", null));
        h1.guard().expectViolation("DELETE /c/login");
        h1.client().get("/api/v2.0x/projects");
        h1.guard().expectViolation("/api/v2.0x/projects");
    }
}
