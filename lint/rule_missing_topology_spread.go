package lint

// missingTopologySpread reports Deployments and StatefulSets (and the
// custom workloads like them) that run, or may be scaled to, two replicas
// or more without pod anti-affinity or topology spread constraints.
var _ = Register(&Rule{
	ID:       "missing-topology-spread",
	Severity: Note,
	Summary:  "Replicated workload does not ask to spread its pods",
	Rationale: "The scheduler's default spreading is a soft preference that loses to resource " +
		"fit: replicas regularly land on the same node or zone, and one node failure or zone " +
		"outage then takes all of them. Only `topologySpreadConstraints` or pod anti-affinity " +
		"make spreading part of the workload's contract.",
	Remediation: "Add `topologySpreadConstraints` over `kubernetes.io/hostname` (and " +
		"`topology.kubernetes.io/zone` in multi-zone clusters), or a pod anti-affinity on the " +
		"workload's labels. `whenUnsatisfiable: ScheduleAnyway` keeps scheduling possible on " +
		"small clusters.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  template:\n" +
		"    spec:\n" +
		"      topologySpreadConstraints:\n" +
		"        - maxSkew: 1\n" +
		"          topologyKey: kubernetes.io/hostname\n" +
		"          whenUnsatisfiable: ScheduleAnyway\n" +
		"          labelSelector:\n" +
		"            matchLabels:\n" +
		"              app: web\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		o := p.Object
		if !multiReplica(o, p.Objects) {
			return
		}
		pt := Pod(o)
		if pt == nil || len(pt.Spec.TopologySpreadConstraints) > 0 {
			return
		}
		if a := pt.Spec.Affinity; a != nil && a.PodAntiAffinity != nil &&
			(len(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution) > 0 || len(a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) > 0) {
			return
		}
		p.Report(pt.Path.Key("topologySpreadConstraints"),
			"the pods set neither topologySpreadConstraints nor podAntiAffinity, so replicas may share a node; spread them over nodes")
	},
})
