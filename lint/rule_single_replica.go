package lint

import "github.com/prodlint/prodlint/render"

// singleReplica reports Deployments and StatefulSets (and the custom
// workloads like them: Argo Rollouts, OpenKruise CloneSets and Advanced
// StatefulSets) that run one replica (replicas unset means 1). Workloads
// whose replicas an autoscaler manages (an HPA or a KEDA ScaledObject in the
// same render) are skipped, and so are workloads scaled to 0 on purpose.
var _ = Register(&Rule{
	ID:       "single-replica",
	Severity: Warning,
	Summary:  "Deployment or StatefulSet runs a single replica",
	Rationale: "With one replica every node drain, eviction, crash or rollout of a bad version " +
		"is downtime: there is no other pod to take the traffic, and a PodDisruptionBudget " +
		"cannot protect it without blocking node maintenance. For a StatefulSet, one replica " +
		"also means no failover: the data is unavailable while its only pod is rescheduled.",
	Remediation: "Run at least two replicas (spread over nodes or zones), or let a " +
		"HorizontalPodAutoscaler with `minReplicas: 2` manage them and remove " +
		"`spec.replicas`. For a StatefulSet, use the application's own replication (a primary " +
		"and replicas, a quorum of 3). Workloads targeted by a HorizontalPodAutoscaler or a KEDA " +
		"ScaledObject in the same render, and workloads scaled to 0, are not reported.\n\n" +
		"```yaml\n" +
		"apiVersion: apps/v1\n" +
		"kind: Deployment\n" +
		"spec:\n" +
		"  replicas: 2\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		if !replicatedWorkload(p.Object) {
			return
		}
		n, ok := Replicas(p.Object)
		if !ok || n == 0 || n >= 2 || autoscaler(p.Object, p.Objects) != nil {
			return
		}
		path := render.Path{}.Key("spec").Key("replicas")
		if spec, _ := p.Object.Raw["spec"].(map[string]any); spec["replicas"] == nil {
			p.Report(path, "spec.replicas is not set and defaults to 1; run at least 2 replicas or add a HorizontalPodAutoscaler")
			return
		}
		p.Report(path, "spec.replicas is %d; run at least 2 replicas or add a HorizontalPodAutoscaler", n)
	},
})
