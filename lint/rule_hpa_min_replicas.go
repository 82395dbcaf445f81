package lint

import "github.com/prodlint/prodlint/render"

// hpaMinReplicas reports HorizontalPodAutoscalers that may scale their
// target down to one replica: minReplicas is 1 or unset (which means 1).
// minReplicas: 0 (scale to zero) is deliberate and not reported.
var _ = Register(&Rule{
	ID:       "hpa-min-replicas",
	Severity: Warning,
	Summary:  "HorizontalPodAutoscaler may scale down to a single replica",
	Rationale: "An autoscaler removes replicas whenever load is low, typically at night, during " +
		"node maintenance windows. At one replica the workload has the same single point of " +
		"failure as a Deployment with `replicas: 1`: a node drain or a crash is an outage, and " +
		"the autoscaler only reacts once the remaining pod is overloaded.",
	Remediation: "Set `minReplicas: 2` or more (single-replica does not report workloads that an " +
		"autoscaler manages, so this is where the floor is checked).\n\n" +
		"```yaml\n" +
		"apiVersion: autoscaling/v2\n" +
		"kind: HorizontalPodAutoscaler\n" +
		"spec:\n" +
		"  minReplicas: 2\n" +
		"  maxReplicas: 10\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "HorizontalPodAutoscaler" || apiGroup(o.APIVersion) != "autoscaling" {
			return
		}
		path := render.MustPath("spec.minReplicas")
		raw := rawAt(o.Raw, "spec", "minReplicas")
		if raw == nil {
			p.Report(path, "spec.minReplicas is not set and defaults to 1; set minReplicas to 2 or more")
			return
		}
		if n, ok := rawInt(raw); ok && n == 1 {
			p.Report(path, "spec.minReplicas is 1; set it to 2 or more")
		}
	},
})
