package lint

import "github.com/prodlint/prodlint/render"

// namespaceWithoutResourceLimits reports Namespaces that the render
// creates, that hold workloads of the render (with that namespace set), and
// for which the render has neither a LimitRange nor a ResourceQuota (one
// without a namespace may be in it and counts).
var _ = Register(&Rule{
	ID:       "namespace-without-resource-limits",
	Severity: Note,
	Summary:  "Namespace has no LimitRange or ResourceQuota",
	Rationale: "A namespace without a ResourceQuota can grow without bound: one runaway " +
		"autoscaler, a Job that spawns pods in a loop or a mistyped replica count takes the " +
		"cluster's capacity from every other team. A LimitRange gives containers that forget " +
		"them default requests and limits.",
	Remediation: "Ship a ResourceQuota (and, if useful, a LimitRange) with the namespace. " +
		"Only namespaces created in the render that hold workloads of the render are checked; " +
		"quotas managed elsewhere (by the platform team) make the finding moot: suppress it.\n\n" +
		"```yaml\n" +
		"apiVersion: v1\n" +
		"kind: ResourceQuota\n" +
		"metadata:\n" +
		"  name: compute\n" +
		"  namespace: shop\n" +
		"spec:\n" +
		"  hard:\n" +
		"    requests.cpu: \"20\"\n" +
		"    requests.memory: 40Gi\n" +
		"    limits.memory: 40Gi\n" +
		"```",
	Tags: []string{"resources"},
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "Namespace" || o.APIVersion != "v1" || o.Name == "" {
			return
		}
		workloads := false
		for _, w := range indexOf(p.Objects).pods {
			workloads = workloads || w.Obj.Namespace == o.Name
		}
		if !workloads {
			return
		}
		for _, x := range p.Objects {
			if (x.Kind == "LimitRange" || x.Kind == "ResourceQuota") && x.APIVersion == "v1" && sameNamespace(x.Namespace, o.Name) {
				return
			}
		}
		p.Report(render.Path{}.Key("metadata").Key("name"),
			"namespace %s runs workloads but has no LimitRange or ResourceQuota; add a ResourceQuota for the namespace", o.Name)
	},
})
