package lint

import "github.com/prodlint/prodlint/render"

// autoscalerTargetMissing reports HorizontalPodAutoscalers and KEDA
// ScaledObjects whose scaleTargetRef names a workload that is not in the
// render, when the render holds workloads of that kind: a partial render
// (autoscalers kept apart from the workloads) has none and is not reported.
// Only built-in scalable kinds and the custom workloads prodlint knows are
// checked.
var _ = Register(&Rule{
	ID:       "autoscaler-target-missing",
	Severity: Warning,
	Summary:  "Autoscaler targets a workload that is not in the render",
	Rationale: "An autoscaler whose `scaleTargetRef` names no existing workload does nothing " +
		"(its status says `FailedGetScale`), while the workload it was meant for runs with its " +
		"fixed replica count. It usually follows a rename, a name prefix or a Helm fullname that " +
		"the autoscaler's template does not use.",
	Remediation: "Make `scaleTargetRef` name the workload exactly (kind, name and, for custom " +
		"workloads, apiVersion), built with the same helper as the workload's name.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  scaleTargetRef:\n" +
		"    apiVersion: apps/v1\n" +
		"    kind: Deployment\n" +
		"    name: web\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		o := p.Object
		var kind, apiVersion string
		switch {
		case o.Kind == "HorizontalPodAutoscaler" && apiGroup(o.APIVersion) == "autoscaling":
			kind, apiVersion = rawString(o.Raw, "spec", "scaleTargetRef", "kind"), rawString(o.Raw, "spec", "scaleTargetRef", "apiVersion")
		case o.Kind == "ScaledObject" && apiGroup(o.APIVersion) == "keda.sh":
			kind, apiVersion = rawString(o.Raw, "spec", "scaleTargetRef", "kind"), rawString(o.Raw, "spec", "scaleTargetRef", "apiVersion")
			if kind == "" {
				kind, apiVersion = "Deployment", "apps/v1"
			}
		default:
			return
		}
		name := rawString(o.Raw, "spec", "scaleTargetRef", "name")
		if kind == "" || name == "" {
			return
		}
		_, builtin := scalableKinds[kind]
		group := apiGroup(apiVersion)
		if !builtin {
			if _, ok := workloadKindOf(&render.Object{APIVersion: apiVersion, Kind: kind}); !ok || group == "" {
				return
			}
		}
		ofKind := false
		for _, x := range p.Objects {
			if x.Kind != kind || (builtin && !coreGroup(x.APIVersion, kind)) || (!builtin && apiGroup(x.APIVersion) != group) {
				continue
			}
			ofKind = true
			if x.Name == name && sameNamespace(x.Namespace, o.Namespace) {
				return
			}
		}
		if !ofKind {
			return
		}
		p.Report(render.MustPath("spec.scaleTargetRef.name"),
			"scaleTargetRef names %s %s, which is not in the render; name the workload the autoscaler is meant for", kind, name)
	},
})

// scalableKinds are the built-in kinds with a scale subresource. Their API
// group is checked with coreGroup, whatever version scaleTargetRef names.
var scalableKinds = map[string]bool{
	"Deployment": true, "StatefulSet": true, "ReplicaSet": true, "ReplicationController": true,
}
