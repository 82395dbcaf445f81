package lint

// missingReadinessProbe reports the main containers of long-running
// workloads that have no readiness probe. Init containers run to completion
// and native sidecars (init containers with restartPolicy: Always) are
// helpers whose readiness the application's containers already gate, so
// both are exempt. A startup probe does not replace a readiness probe.
var _ = Register(&Rule{
	ID:       "missing-readiness-probe",
	Severity: Warning,
	Summary:  "Container has no readiness probe",
	Rationale: "Without a readiness probe a pod is ready as soon as its containers start: " +
		"Services send it traffic before the application listens or while it is overloaded " +
		"or cut off from its dependencies, and a rolling update replaces healthy pods with " +
		"pods that never work, since nothing tells it to stop.",
	Remediation: "Add a `readinessProbe` that checks the application can serve a request (and " +
		"not only that the process is alive). Checked for the containers of Deployments, StatefulSets, " +
		"ReplicaSets, ReplicationControllers, restarting Pods and the custom workloads like them (Argo " +
		"Rollouts, OpenKruise CloneSets); not for Jobs, CronJobs, KEDA ScaledJobs, Knative Services, " +
		"run-to-completion Pods, DaemonSets, init containers or native sidecars. A `startupProbe` does " +
		"not replace it.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    readinessProbe:\n" +
		"      httpGet:\n" +
		"        path: /ready\n" +
		"        port: http\n" +
		"      periodSeconds: 5\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || !servesTraffic(pt) {
			return
		}
		for _, c := range pt.Containers() {
			if !c.Init && c.ReadinessProbe == nil {
				p.ReportContainer(c, c.Path.Key("readinessProbe"), "readinessProbe is not set; add a readiness probe")
			}
		}
	},
})
