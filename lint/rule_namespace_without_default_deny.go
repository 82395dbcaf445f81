package lint

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/prodlint/prodlint/render"
)

// defaultDenyIngress reports whether a NetworkPolicy denies all ingress to
// every pod of its namespace: an empty podSelector, Ingress among its
// policy types (implied when policyTypes is empty) and no ingress rule.
func defaultDenyIngress(np *networkingv1.NetworkPolicy) bool {
	if len(np.Spec.PodSelector.MatchLabels) > 0 || len(np.Spec.PodSelector.MatchExpressions) > 0 || len(np.Spec.Ingress) > 0 {
		return false
	}
	if len(np.Spec.PolicyTypes) == 0 {
		return true
	}
	for _, t := range np.Spec.PolicyTypes {
		if t == networkingv1.PolicyTypeIngress {
			return true
		}
	}
	return false
}

// namespaceWithoutDefaultDeny reports Namespaces that the render creates
// without a default-deny ingress NetworkPolicy in the render. Opt-in:
// policies are often managed by the platform, outside the application's
// render.
var _ = Register(&Rule{
	ID:       "namespace-without-default-deny",
	Severity: Warning,
	Summary:  "Namespace has no default-deny NetworkPolicy",
	Rationale: "Kubernetes allows all pod-to-pod traffic until a NetworkPolicy selects a pod. " +
		"A default-deny policy makes isolation the default for the namespace: a new workload, " +
		"or one whose labels no policy matches, is closed rather than open to the whole " +
		"cluster.",
	Remediation: "Ship a policy that selects every pod and allows nothing, next to the policies " +
		"that open what each workload needs. Opt-in: enable the rule in the configuration when " +
		"the application owns its namespaces' policies.\n\n" +
		"```yaml\n" +
		"apiVersion: networking.k8s.io/v1\n" +
		"kind: NetworkPolicy\n" +
		"metadata:\n" +
		"  name: default-deny\n" +
		"  namespace: shop\n" +
		"spec:\n" +
		"  podSelector: {}\n" +
		"  policyTypes: [Ingress]\n" +
		"```",
	Tags:             []string{"security", "network"},
	SecuritySeverity: 3.0,
	OptIn:            true,
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "Namespace" || o.APIVersion != "v1" || o.Name == "" {
			return
		}
		nps, others := networkPolicies(p.Objects, o.Name, false)
		if others {
			return
		}
		for _, np := range nps {
			if defaultDenyIngress(np) {
				return
			}
		}
		p.Report(render.Path{}.Key("metadata").Key("name"),
			"namespace %s has no default-deny NetworkPolicy in the render; add one that selects every pod", o.Name)
	},
})
