package io.harborsync.lab;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the lab for the application: every {@link LabStep} bean, in order, in one {@link Lab}. */
@Singleton
public class LabBeans {

    @Produces
    @Singleton
    LabSettings settings(LabConfig config) {
        return config.settings();
    }

    @Produces
    @Singleton
    KindCli kind(LabSettings settings) {
        return KindCli.fromEnvironment(settings);
    }

    @Produces
    @Singleton
    HelmReleases helm() {
        return new HelmJavaReleases();
    }

    @Produces
    @Singleton
    Lab lab(@Any Instance<LabStep> steps) {
        return new Lab(steps.stream().toList());
    }
}
