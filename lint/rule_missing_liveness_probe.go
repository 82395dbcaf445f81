package lint

// missingLivenessProbe reports the long-running containers of long-running
// workloads (those of missing-readiness-probe, plus DaemonSets) that have no
// liveness probe. Native sidecars are checked too: they run for the pod's
// lifetime and can hang like any container. Init containers run to
// completion and are exempt. A startup probe only runs until the container
// has started and does not replace a liveness probe.
var _ = Register(&Rule{
	ID:       "missing-liveness-probe",
	Severity: Warning,
	Summary:  "Container has no liveness probe",
	Rationale: "The kubelet restarts a container that exits, but not one that hangs: a " +
		"deadlocked or wedged process keeps its pod running, and failing, until a person " +
		"notices. A liveness probe lets the kubelet restart it.",
	Remediation: "Add a `livenessProbe` that fails only when a restart would help (a cheap " +
		"endpoint that does not depend on databases or other services), with a threshold " +
		"long enough to ride out pauses; a `startupProbe` covers slow starts but does not replace it. " +
		"Checked for the containers and native sidecars of Deployments, StatefulSets, DaemonSets, " +
		"ReplicaSets, ReplicationControllers, restarting Pods and the custom workloads like them (Argo " +
		"Rollouts, OpenKruise CloneSets); not for batch workloads or init containers.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    livenessProbe:\n" +
		"      httpGet:\n" +
		"        path: /healthz\n" +
		"        port: http\n" +
		"      periodSeconds: 10\n" +
		"      failureThreshold: 3\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || !(servesTraffic(pt) || pt.Like == "DaemonSet") {
			return
		}
		for _, c := range pt.Containers() {
			if c.Init && !c.Sidecar || c.LivenessProbe != nil {
				continue
			}
			if c.StartupProbe != nil {
				p.ReportContainer(c, c.Path.Key("livenessProbe"), "livenessProbe is not set (a startupProbe only runs at startup); add a liveness probe")
				continue
			}
			p.ReportContainer(c, c.Path.Key("livenessProbe"), "livenessProbe is not set; add a liveness probe")
		}
	},
})
