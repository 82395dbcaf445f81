package lint

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/prodlint/prodlint/render"
)

// otherPolicyGroups are API groups of network policy engines whose policies
// may select pods that no Kubernetes NetworkPolicy selects.
var otherPolicyGroups = map[string]bool{
	"cilium.io": true, "crd.projectcalico.org": true, "projectcalico.org": true,
	"policy.networking.k8s.io": true,
}

// networkPolicies returns the NetworkPolicies of the render that are in
// namespace ns: exactly (strict, see sameNamespaceStrict) or possibly (see
// sameNamespace). It also reports whether the render holds policies of
// another engine.
func networkPolicies(objs []*render.Object, ns string, strict bool) ([]*networkingv1.NetworkPolicy, bool) {
	ix := indexOf(objs)
	var out []*networkingv1.NetworkPolicy
	for _, d := range ix.networkPolicies() {
		if sameNamespaceStrict(d.obj.Namespace, ns) || (!strict && sameNamespace(d.obj.Namespace, ns)) {
			out = append(out, d.np)
		}
	}
	return out, ix.otherPolicies
}

// networkPolicyNotCovering reports workloads of a namespace for which the
// render has NetworkPolicies, when none of them selects the workload's pods:
// the pods stay open to all traffic while the namespace looks protected.
// Pods on the host network (which policies do not apply to), PodTemplate
// objects (which run nothing) and renders with policies of other engines
// (Cilium, Calico) are skipped.
var _ = Register(&Rule{
	ID:       "network-policy-not-covering",
	Severity: Warning,
	Summary:  "No NetworkPolicy selects the workload's pods",
	Rationale: "A pod is only isolated once a NetworkPolicy selects it; pods that no policy " +
		"selects accept traffic from anywhere in the cluster and may connect anywhere. When " +
		"the namespace has policies for its other workloads, an unselected workload is " +
		"usually a label mismatch or a forgotten policy, and the hole goes unnoticed because the " +
		"namespace looks protected.",
	Remediation: "Add the pods to a policy's `podSelector`, or add a default-deny policy " +
		"(`podSelector: {}`) with explicit allow rules. Only namespaces for which the render has " +
		"NetworkPolicies are checked.\n\n" +
		"```yaml\n" +
		"apiVersion: networking.k8s.io/v1\n" +
		"kind: NetworkPolicy\n" +
		"metadata:\n" +
		"  name: web\n" +
		"spec:\n" +
		"  podSelector:\n" +
		"    matchLabels:\n" +
		"      app: web\n" +
		"  policyTypes: [Ingress]\n" +
		"  ingress:\n" +
		"    - ports:\n" +
		"        - port: 8080\n" +
		"```",
	Tags:             []string{"security", "network"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		w, ok := indexOf(p.Objects).workloadPodOf(p.Object)
		if !ok || w.Pod.Spec.HostNetwork || w.Pod.Like == "PodTemplate" {
			return
		}
		// The namespace must be known to have policies; any policy that may
		// be in it may select the pods.
		if nps, others := networkPolicies(p.Objects, p.Object.Namespace, true); len(nps) == 0 || others {
			return
		}
		nps, _ := networkPolicies(p.Objects, p.Object.Namespace, false)
		for _, np := range nps {
			sel, ok := labelSelector(&np.Spec.PodSelector)
			if !ok || sel.Matches(w.Labels) {
				return
			}
		}
		p.Report(w.Pod.Template.Key("metadata").Key("labels"),
			"no NetworkPolicy of the namespace selects these pods, so they accept all traffic; select them in a policy")
	},
})
