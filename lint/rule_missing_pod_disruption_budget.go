package lint

import "github.com/prodlint/prodlint/render"

// missingPodDisruptionBudget reports Deployments and StatefulSets (and the
// custom workloads like them) that run, or may be scaled to, two replicas
// or more, and whose pods no PodDisruptionBudget of the render selects in
// the same namespace.
var _ = Register(&Rule{
	ID:       "missing-pod-disruption-budget",
	Severity: Warning,
	Summary:  "Replicated workload has no PodDisruptionBudget",
	Rationale: "Node drains (cluster upgrades, autoscaler scale-downs, spot reclaims) evict pods " +
		"through the eviction API, which only holds back when a PodDisruptionBudget says how " +
		"many pods must stay. Without one, a drain may evict every replica of the workload at " +
		"once, and running several replicas buys no availability during maintenance.",
	Remediation: "Add a PodDisruptionBudget in the same namespace that selects the pods, with " +
		"`maxUnavailable: 1` (or a `minAvailable` below the replica count, so that drains can " +
		"still proceed). Workloads with one replica are left to single-replica.\n\n" +
		"```yaml\n" +
		"apiVersion: policy/v1\n" +
		"kind: PodDisruptionBudget\n" +
		"metadata:\n" +
		"  name: web\n" +
		"spec:\n" +
		"  maxUnavailable: 1\n" +
		"  selector:\n" +
		"    matchLabels:\n" +
		"      app: web\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		o := p.Object
		if !multiReplica(o, p.Objects) {
			return
		}
		ix := indexOf(p.Objects)
		w, ok := ix.workloadPodOf(o)
		if !ok || len(w.Labels) == 0 || len(ix.selectingBudgets(w)) > 0 {
			return
		}
		p.Report(render.Path{}.Key("kind"),
			"no PodDisruptionBudget selects the pods of this %s; add one with maxUnavailable: 1", o.Kind)
	},
})
