package io.harborsync.robots;

import io.harborsync.harbor.HarborModel.RobotPermission;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A robot account to create on every site: its own name (without {@code robot$}, without project), the project of
 * a project robot (empty: a system robot), description, duration in days (-1: never expires), whether it is to be
 * disabled, and its permissions (project namespaces by name, {@code *} for every project, {@code /} for system).
 */
public record RobotSpec(String name, Optional<String> project, Optional<String> description, long duration,
                        boolean disable, List<RobotPermission> permissions) {
    public RobotSpec {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(description, "description");
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }

    /** Harbor's level of the robot: "project" or "system". */
    public String level() {
        return project.isPresent() ? "project" : "system";
    }
}
